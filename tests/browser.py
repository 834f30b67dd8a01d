"""Drive the running app in headless Chromium (Debian's, through Playwright): the browser
tests' servers, pages and waits (tests/conftest.py), and docs/screenshots.py's."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
# Flags for a root sandbox with no network beyond loopback (see the machine notes).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# (url path, file stem) of every view.
PAGES = [
    ("", "overview"),
    ("grid_map", "grid_map"),
    ("teams", "teams"),
    ("chronic", "chronic"),
    ("rankings", "rankings"),
    ("quality", "quality"),
]
SCRIPT_DONE = "[data-testid='stApp'][data-test-script-state='notRunning']"
EXCEPTION = "[data-testid='stException']"


@dataclass(frozen=True)
class DemoDb:
    """A generated demo database, with the first county and that county's first team."""

    url: str
    county: str
    county_name: str
    team: str | None
    villages: int  # in the first county


def demo_db(folder, scale: str = "demo", seed: int = 7) -> DemoDb:
    from demo.generator import build_demo_file

    path = folder / f"{scale}.duckdb"
    build_demo_file(path, scale=scale, seed=seed)
    url = f"duckdb:///{path}"
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        county, name = conn.execute(
            sa.text("SELECT county_code, name FROM county ORDER BY county_code LIMIT 1")
        ).one()
        team = conn.execute(
            sa.text(
                "SELECT min(tm.team_id) FROM team tm JOIN township t USING (township_code)"
                " WHERE t.county_code = :c"
            ),
            {"c": county},
        ).scalar()
        villages = conn.execute(
            sa.text(
                "SELECT count(*) FROM village v JOIN township t USING (township_code)"
                " WHERE t.county_code = :c"
            ),
            {"c": county},
        ).scalar()
    engine.dispose()
    return DemoDb(url, county, name, team, villages)


def free_port() -> int:
    """A free port on localhost; within YFRH_TEST_PORTS (e.g. "8630-8639") when it is set, so
    that people sharing a machine keep to their own ranges."""
    first, _, last = (os.environ.get("YFRH_TEST_PORTS") or "").partition("-")
    candidates = range(int(first), int(last or first) + 1) if first else [0]
    for port in candidates:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError(f"no free port in YFRH_TEST_PORTS={os.environ['YFRH_TEST_PORTS']}")


@contextmanager
def streamlit_server(
    db_url: str | None,
    port: int | None = None,
    timeout_s: float = 120,
    script: str = "app.py",
    env: dict[str, str | None] | None = None,
    args: tuple[str, ...] = (),
):
    """Run `streamlit run dashboard/<script>` on localhost; yield its base URL. `env` adds to
    (None: removes from) the environment; app.py mounts the session cookie's routes."""
    port = port or free_port()
    environ = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for key, value in (env or {}).items():
        if value is None:
            environ.pop(key, None)
        else:
            environ[key] = value
    if db_url:
        environ["DASHBOARD_DB_URL"] = db_url
        if "DASHBOARD_AUTH" not in (env or {}):
            environ.setdefault("DASHBOARD_AUTH", "off")  # generated databases: sign-in off
    env = environ
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / script),
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
        *args,
    ]  # fmt: skip
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(
                        "streamlit exited:\n" + (proc.stdout.read() if proc.stdout else "")
                    ) from None
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def browser_page(width: int = 1440, height: int = 900, block_external: bool = True):
    """A Playwright page in Debian's Chromium; requests off the machine are blocked and recorded."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        page = context.new_page()
        page.blocked_requests = []
        if block_external:

            def route(r):
                host = r.request.url.split("/")[2] if "://" in r.request.url else ""
                if host.split(":")[0] in ("127.0.0.1", "localhost") or r.request.url.startswith(
                    ("data:", "blob:")
                ):
                    r.continue_()
                else:
                    page.blocked_requests.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
        try:
            yield page
        finally:
            browser.close()


def component_frame(page, url_part: str, timeout_ms: int = 60_000):
    """The frame of a component (e.g. "streamlit_folium") once it has its URL and a body.

    The iframe element is attached before its frame navigates from about:blank to the
    component, and a busy machine stretches that gap: wait for the frame itself."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        for frame in page.frames:
            if url_part in frame.url and not frame.is_detached():
                try:
                    frame.wait_for_selector("body", state="attached", timeout=timeout_ms)
                except Exception:  # noqa: BLE001 — navigated away meanwhile: look again
                    continue
                return frame
        if time.monotonic() > deadline:
            urls = [f.url[:80] for f in page.frames]
            raise TimeoutError(
                f"no frame with {url_part!r} in its URL after {timeout_ms} ms: {urls}"
            )
        page.wait_for_timeout(100)


# The first start of a server on a database builds its analytics store (a progress page);
# on a busy machine that takes minutes, which no page visit should have to wait out.
STORE_BUILDING = "正在生成分析库"
STORE_READY_TIMEOUT_MS = 600_000


def wait_until_served(page, base: str, timeout_ms: int = STORE_READY_TIMEOUT_MS) -> None:
    """Open the server's first page and wait until its analytics store serves (the progress
    page reruns by itself until then)."""
    page.goto(base, wait_until="domcontentloaded")
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout_ms)
    page.wait_for_function(
        "text => document.body && !document.body.innerText.includes(text)"
        " && !!document.querySelector(\"[data-testid='stHeading'], [data-testid='stException']\")",
        arg=STORE_BUILDING,
        timeout=timeout_ms,
        polling=500,
    )
    wait_for_script(page, timeout_ms)


def wait_for_script(page, timeout_ms: int = 60_000) -> None:
    page.wait_for_selector(SCRIPT_DONE, timeout=timeout_ms)
    page.wait_for_timeout(500)  # let charts finish their first paint
    page.wait_for_selector(SCRIPT_DONE, timeout=timeout_ms)


def wait_for_address(
    page, present: tuple[str, ...] = (), absent: tuple[str, ...] = (), timeout_ms: int = 60_000
) -> str:
    """The page's URL once it holds every part in `present` and none in `absent`, after the
    script has finished. The app writes its state into the URL when a rerun ends; on a busy
    machine that rerun may not even have started when a fixed wait is over."""
    page.wait_for_function(
        "([present, absent]) => present.every(p => location.href.includes(p))"
        " && !absent.some(p => location.href.includes(p))",
        arg=[list(present), list(absent)],
        timeout=timeout_ms,
    )
    wait_for_script(page, timeout_ms)
    return page.url


def visit(page, url: str, shot: Path | None = None) -> dict:
    """Open a URL, wait until the script has finished; return timing and exception count."""
    start = time.monotonic()
    page.goto(url, wait_until="domcontentloaded")
    wait_for_script(page)
    elapsed = time.monotonic() - start
    if shot:
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)
    return {"url": url, "seconds": elapsed, "exceptions": page.locator(EXCEPTION).count()}
