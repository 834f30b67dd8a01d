"""The parts of benchmarks/browser.py that drive a server and Chromium and read /proc: how
a page is judged drawn, and what is counted, is said in that script's docstring."""

from __future__ import annotations

import os
import platform
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1440, "height": 900}  # the projector / office screen the layout targets
# Idle must last this long (ms) to count: streamlit-folium's value comes back ~0.1 s after
# drawing and reruns the script; a longer wait only slows the benchmark.
QUIET_MS = 600
TIMEOUT_S = 180  # one action
BUILD_TIMEOUT_S = 1800  # the first visit waits for the store build (minutes on MariaDB)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
MB = 1e6

IDLE_JS = """
(() => {
  if (window.__bench) return;
  const B = window.__bench = {runs: 0, lastRunAt: 0, doneAt: null, idleSince: null, why: 'start'};
  new MutationObserver(ms => {
    for (const m of ms) {
      const state = m.target.getAttribute('data-test-script-state');
      if (state === 'running') {
        B.runs += 1; B.lastRunAt = Date.now(); B.idleSince = null;
      } else if (state === 'notRunning') B.doneAt = Date.now();
    }
  }).observe(document, {attributes: true, subtree: true,
                        attributeFilter: ['data-test-script-state']});
  const shown = e => e.checkVisibility();
  const busy = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app) return 'no app';
    const state = app.getAttribute('data-test-script-state');
    if (state !== 'notRunning') return 'script ' + state;
    const conn = app.getAttribute('data-test-connection-state');
    if (conn !== 'CONNECTED') return 'connection ' + conn;
    if (document.querySelector('[data-testid="stStatusWidgetRunningIcon"]')) return 'running icon';
    if (document.querySelector('[data-testid="stSkeleton"]')) return 'skeleton';
    if (document.querySelector('[data-stale="true"]')) return 'stale';
    for (const c of document.querySelectorAll('[data-testid="stPlotlyChart"]'))
      if (shown(c) && !c.querySelector('.main-svg')) return 'plotly';
    for (const c of document.querySelectorAll('[data-testid="stDataFrame"]'))
      if (shown(c) && !c.querySelector('canvas')) return 'dataframe';
    for (const f of document.querySelectorAll('iframe[title*="st_folium"]')) {
      if (!shown(f)) continue;
      const d = f.contentDocument;
      if (!d || !d.querySelector('path.leaflet-interactive, .leaflet-marker-icon')) return 'map';
    }
    return null;
  };
  const tick = () => {
    const why = busy();
    B.why = why;
    if (why) B.idleSince = null;
    else if (B.idleSince === null) B.idleSince = Date.now();
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();
"""


# --- the machine and the server's processes (/proc) --------------------------------------------


def machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or platform.machine(),
    )
    mem = next(
        int(line.split()[1]) // 1024
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return f"{os.cpu_count()} CPUs ({model}), {mem / 1024:.0f} GiB, {platform.platform()}"


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _stat(pid: int) -> list[str]:
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2 :].split()  # fields from `state` on (comm may hold spaces)


def _tree(pid: int) -> list[int]:
    children = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                children[int(_stat(int(entry.name))[1])].append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue  # exited meanwhile
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(children.get(p, []))
    return found


def _ticks(pids) -> int:
    ticks = 0
    for p in pids:
        try:
            f = _stat(p)
        except OSError:
            continue
        ticks += int(f[11]) + int(f[12]) + int(f[13]) + int(f[14])
    return ticks


def cpu_seconds(pid: int) -> float:
    """utime+stime of the server and its live descendants, plus the children it reaped (s)."""
    return _ticks(_tree(pid)) / CLOCK_TICKS


def chromium_cpu_seconds() -> float:
    """utime+stime of the Chromium processes this benchmark started (s)."""
    pids = []
    for p in _tree(os.getpid()):
        try:
            if Path(f"/proc/{p}/comm").read_text().startswith("chrom"):
                pids.append(p)
        except OSError:
            continue
    return _ticks(pids) / CLOCK_TICKS


def rss_mb(pid: int) -> float:
    """VmRSS of the server and its descendants (MB)."""
    kb = 0
    for p in _tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    kb += int(line.split()[1])
        except OSError:
            continue
    return kb * 1024 / MB


# --- the server ------------------------------------------------------------------------------


class Server:
    """`streamlit run dashboard/app.py` on the database, sign-in off, its own store folder."""

    def __init__(
        self, url: str, port: int, store_dir: Path, log: Path, script: Path | None = None
    ) -> None:
        self.url, self.port, self.store_dir, self.log = url, port, store_dir, log
        self.script = script or ROOT / "dashboard" / "app.py"
        self.proc: subprocess.Popen | None = None
        self.base = f"http://127.0.0.1:{port}"

    def start(self) -> float:
        """Start and wait for the port; the seconds it took."""
        env = {
            **os.environ,
            "DASHBOARD_DB_URL": self.url,
            "DASHBOARD_AUTH": "off",
            "DASHBOARD_STORE_DIR": str(self.store_dir),
            "PYTHONUNBUFFERED": "1",
        }
        cmd = [
            sys.executable, "-m", "streamlit", "run", str(self.script),
            "--server.port", str(self.port), "--server.address", "127.0.0.1",
            "--server.headless", "true",
        ]  # fmt: skip
        started = time.monotonic()
        with self.log.open("a") as out:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=out)
        while time.monotonic() - started < TIMEOUT_S:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited; see {self.log}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return time.monotonic() - started
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("streamlit did not open its port")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


class StoreWatch:
    """When the store build began and ended, seen from the folder (polled every 20 ms)."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.began, self.ended = folder, None, None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set() and self.ended is None:
            if self.folder.exists():
                names = [p.name for p in self.folder.iterdir()]
                if self.began is None and any(n.endswith(".duckdb.building") for n in names):
                    self.began = time.time()
                if self.began is not None and any(n.endswith(".duckdb") for n in names):
                    self.ended = time.time()
            time.sleep(0.02)

    def seconds(self) -> float | None:
        self._stop.set()
        return None if self.began is None or self.ended is None else self.ended - self.began


# --- the browser -----------------------------------------------------------------------------


class Browser:
    """One Chromium page with counters of WebSocket and HTTP bytes."""

    def __init__(self, playwright) -> None:
        self.browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        self.context = self.browser.new_context(viewport=VIEWPORT, locale="zh-CN")
        self.context.add_init_script(IDLE_JS)
        self.ws_bytes = self.http_bytes = 0
        self.page = self.new_page()

    def new_page(self):
        """A new tab of the same browser (its HTTP cache shared), with the byte counters."""
        page = self.context.new_page()
        page.on("websocket", self._socket)
        cdp = self.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.loadingFinished", self._loaded)
        return page

    def _socket(self, ws) -> None:
        def count(payload) -> None:
            self.ws_bytes += len(payload)

        ws.on("framereceived", count)
        ws.on("framesent", count)

    def _loaded(self, event) -> None:
        self.http_bytes += int(event.get("encodedDataLength") or 0)

    def state(self) -> dict | None:
        return self.page.evaluate(
            "() => window.__bench && {runs: window.__bench.runs, last: window.__bench.lastRunAt,"
            " done: window.__bench.doneAt, idle: window.__bench.idleSince, why: window.__bench.why}"
        )

    def wait_rendered(self, start: float, runs_before: int, timeout: float = TIMEOUT_S) -> dict:
        """Wait for an idle stretch of QUIET_MS; seconds from `start` (epoch) until it began
        ("s") and until the last script run ended ("script"), and the runs it took."""
        deadline = time.monotonic() + timeout
        why = None
        while time.monotonic() < deadline:
            try:
                b = self.state()
            except Exception:  # the document is being replaced (a navigation)
                b = None
            now_ms = time.time() * 1000
            if b:
                why = b["why"]
                # A new document may mount the app mid-run (its first "running" is not an
                # attribute change the observer sees): a finished run counts then.
                ran = b["runs"] > runs_before or (runs_before == 0 and b["done"] is not None)
                if (
                    ran
                    and b["idle"] is not None
                    and b["idle"] >= b["last"]
                    and now_ms - b["idle"] >= QUIET_MS
                ):
                    return {
                        "s": b["idle"] / 1000 - start,
                        "script": b["done"] / 1000 - start,
                        "runs": b["runs"] - runs_before,
                    }
            time.sleep(0.05)
        raise TimeoutError(f"not rendered after {timeout:.0f} s (busy: {why})")

    def close(self) -> None:
        self.browser.close()


class Bench:
    """Runs actions and keeps one row of figures per run of each."""

    def __init__(self, server: Server, browser: Browser) -> None:
        self.server, self.browser = server, browser
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.exceptions = 0

    def measure(self, name: str, act, navigation: bool, timeout: float = TIMEOUT_S) -> dict:
        page, pid = self.browser.page, self.server.proc.pid
        load1 = os.getloadavg()[0]
        runs_before = 0 if navigation else self.browser.state()["runs"]
        self.browser.ws_bytes = self.browser.http_bytes = 0
        cpu0, client0, start = cpu_seconds(pid), chromium_cpu_seconds(), time.time()
        act(page)
        row = self.browser.wait_rendered(start, runs_before, timeout)
        row |= {
            "cpu": cpu_seconds(pid) - cpu0,
            "client": chromium_cpu_seconds() - client0,
            "ws": self.browser.ws_bytes / MB,
            "http": self.browser.http_bytes / MB,
            "rss": rss_mb(pid),
            "load1": load1,
        }
        self.exceptions += page.locator("[data-testid='stException']").count()
        self.rows[name].append(row)
        print(
            f"  {name:34s} {row['s']:6.2f} s (script {row['script']:5.2f} s, {row['runs']} runs)"
            f"  cpu {row['cpu']:5.2f} s  chromium {row['client']:5.2f} s  ws {row['ws']:6.3f} MB"
            f"  http {row['http']:6.3f} MB  rss {row['rss']:5.0f} MB  load {load1:5.2f}",
            flush=True,
        )
        return row

    def visit(self, name: str, path: str, timeout: float = TIMEOUT_S) -> dict:
        url = self.server.base + path
        return self.measure(name, lambda page: page.goto(url, wait_until="commit"), True, timeout)

    def click(self, name: str, act) -> dict:
        return self.measure(name, act, False)

    def new_tab(self, name: str, path: str, timeout: float = TIMEOUT_S) -> dict:
        """Open `path` in a new tab of the same browser (a link from chat, a bookmark, an
        alert mail): a new renderer compiles Streamlit's scripts again; the HTTP cache is
        kept. The previous tab is closed once the new one is measured."""
        old = self.browser.page
        self.browser.page = self.browser.new_page()
        try:
            return self.visit(name, path, timeout)
        finally:
            old.close()
