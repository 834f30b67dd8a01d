"""Several Streamlit processes behind nginx, on loopback: the configuration README's
"多人同时使用" documents, and helpers that start it for benchmarks/sessions.py and
tests/test_proxy.py.

- Sticky sessions: a session's websocket, its media files and its uploads must reach the
  process that holds the session. nginx (open-source) has no `sticky cookie`, so the first
  response sets a random `yf_node` cookie and the upstream is chosen by `hash $yf_node
  consistent`: a reload or a new tab of the same browser lands on the same process, and
  browsers behind one address (a bureau's NAT, or loopback here) still spread over all
  processes, which `ip_hash` would not do.
- Security headers on every response (issue 25, item 7): X-Frame-Options and CSP
  frame-ancestors (no other origin may frame the app), X-Content-Type-Options,
  Referrer-Policy; `/_stcore/metrics` is refused at the proxy (the processes listen on
  loopback only, so monitoring reads each process's metrics there).
- One analytics store for all processes: every process gets the same DASHBOARD_STORE_DIR and
  opens the published store file read-only; the build is done by one process at a time
  (see README: which process builds and how the others wait).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
NODE_COOKIE = "yf_node"
# Headers every response carries (name, value), as the tests check them.
SECURITY_HEADERS = (
    ("X-Frame-Options", "SAMEORIGIN"),
    ("Content-Security-Policy", "frame-ancestors 'self'"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
)


def site_config(listen: str, backends: list[str], debug_upstream: bool = False) -> str:
    """The `http {}` part: upstream, sticky cookie, headers and proxying (README's snippet).

    listen: nginx's listen value (e.g. "80" or "127.0.0.1:8680"); backends: host:port of the
    Streamlit processes. debug_upstream adds X-Yf-Upstream (which process answered): tests.
    """
    servers = "\n".join(f"  server {b};" for b in backends)
    headers = "\n".join(f'  add_header {n} "{v}" always;' for n, v in SECURITY_HEADERS)
    debug = "  add_header X-Yf-Upstream $upstream_addr always;\n" if debug_upstream else ""
    return f"""\
map $http_upgrade $connection_upgrade {{
  default upgrade;
  ''      close;
}}
# The session's process: the {NODE_COOKIE} cookie, or a new random key set as that cookie.
map $cookie_{NODE_COOKIE} $yf_node {{
  ""      $request_id;
  default $cookie_{NODE_COOKIE};
}}
map $cookie_{NODE_COOKIE} $yf_node_cookie {{
  ""      "{NODE_COOKIE}=$request_id; Path=/; HttpOnly; SameSite=Lax";
  default "";
}}
upstream yfrh_dashboard {{
  hash $yf_node consistent;
{servers}
}}
server {{
  listen {listen};
{headers}
  add_header Set-Cookie $yf_node_cookie always;
{debug}  client_max_body_size 20m;
  location = /_stcore/metrics {{
    return 403;
  }}
  location / {{
    proxy_pass http://yfrh_dashboard;
    proxy_http_version 1.1;
    proxy_set_header Host $http_host;  # with the port: Streamlit checks the websocket's Origin
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $connection_upgrade;
    proxy_read_timeout 1d;  # a session's websocket stays open all day
    proxy_send_timeout 1d;
  }}
}}
"""


def nginx_config(prefix: Path, listen: str, backends: list[str], debug: bool = False) -> str:
    """A whole nginx.conf that runs in the foreground with every file under `prefix`."""
    temp = "\n".join(
        f"  {kind}_temp_path {prefix}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers may write under prefix
    site = "\n".join(
        "  " + line if line else "" for line in site_config(listen, backends, debug).splitlines()
    )
    return f"""\
{user}daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{
  worker_connections 1024;
}}
http {{
  access_log off;
{temp}
{site}
}}
"""


def wait_for_port(port: int, proc: subprocess.Popen | None = None, timeout_s: float = 600) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if proc is not None and proc.poll() is not None:
                out = proc.stdout.read() if proc.stdout else ""
                raise RuntimeError(f"process on port {port} exited:\n{out}") from None
            time.sleep(0.3)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


@contextmanager
def _process(cmd: list[str], env: dict, log: Path):
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def nginx(prefix: Path, port: int, backends: list[str], debug: bool = False):
    """nginx in the foreground on 127.0.0.1:`port` in front of `backends`; yields its URL."""
    if not os.path.exists(NGINX):
        raise FileNotFoundError("nginx missing: apt-get install nginx")
    prefix.mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_config(prefix, f"127.0.0.1:{port}", backends, debug))
    cmd = [NGINX, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")]
    with _process(cmd, dict(os.environ), prefix / "nginx.out") as proc:
        wait_for_port(port, proc, 30)
        yield f"http://127.0.0.1:{port}"


def streamlit_env(db_url: str | None, store_dir: Path, secret: str) -> dict:
    """Environment of every process: the same source, store folder and cookie secret (a
    session's XSRF and sign-in cookies must verify whichever process reads them)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env["DASHBOARD_STORE_DIR"] = str(store_dir)
    env["STREAMLIT_SERVER_COOKIE_SECRET"] = secret
    if db_url:
        env["DASHBOARD_DB_URL"] = db_url
        env.setdefault("DASHBOARD_AUTH", "off")  # generated databases: sign-in switched off
    return env


@contextmanager
def streamlit_processes(ports: list[int], env: dict, logs: Path, warm=None):
    """One `streamlit run` per port on loopback. The first starts alone and `warm(port)`
    (e.g. a first render, which waits for the store build) runs before the others start, so
    they find the store built and open it at once."""
    logs.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        for i, port in enumerate(ports):
            cmd = [
                sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"),
                "--server.port", str(port), "--server.address", "127.0.0.1",
                "--server.headless", "true",
            ]  # fmt: skip
            proc = stack.enter_context(_process(cmd, env, logs / f"streamlit-{port}.log"))
            wait_for_port(port, proc)
            if i == 0 and warm is not None:
                warm(port)
        yield [f"127.0.0.1:{p}" for p in ports]
