"""Benchmark: the pages as a user sees them, in headless Chromium against a running server.

    python benchmarks/browser.py --engine duckdb|postgresql|mysql [--scale prefecture|province]
        [--url URL] [--folder data/bench] [--repeat 5] [--port 8599] [--store-dir DIR]

Starts `streamlit run dashboard/app.py` on the database (sign-in off, an analytics store of
its own in a temporary folder unless --store-dir names one), then drives Debian's Chromium
through Playwright and prints, per action, the time from navigation or click to *fully
rendered*, the server's CPU seconds, the bytes moved and the server's RSS:

- the first visit after start, which waits for the analytics store to be built (the build is
  timed apart, from the store folder: `<store>.building` appearing → `<store>.duckdb`
  appearing), then the first visit of every other page (empty caches);
- each page and the meeting's first slide, `--repeat` times: a warm visit (same filters: the
  app's ten-minute cache holds the view models) and a visit with a period not seen before
  (`?period=`; the view model is built); then a period chosen in the sidebar (总览, 网格地图),
  a county clicked on the whole-prefecture map, the 单项指标 tab of 县区排名, and each page
  reached by its sidebar link (an in-app navigation: no page load, as a user moves around);
- the server restarted on the store just built: the first visit again (no build).

A navigation is `page.goto` in the open tab (a *same-tab load*: a new Streamlit session, the
tab's renderer and the browser's HTTP cache kept, as for a reload); the clock runs from just
before the call.

`--user-loads` measures instead what a user feels, per view and for a bare Streamlit page
(benchmarks/bare/app.py, started beside the dashboard: the floor) in the same run and
browser: a *new-tab load* (a new tab of the same browser, as for a link from chat, a
bookmark or an alert mail: a new renderer compiles Streamlit's scripts again), a *same-tab
load*, and an *in-app navigation* by the sidebar link (no page load); each row prints the
1-minute load average and Chromium's own CPU seconds next to the time, and the table gives
each figure as a ratio to the bare page's of the same kind.

"Fully rendered" is decided in the page, on every animation frame, by `IDLE_JS`. The page
is idle when all of these hold:
1. `[data-testid=stApp]` has `data-test-script-state="notRunning"` and
   `data-test-connection-state="CONNECTED"`: the script run ended and its last delta arrived
   (Streamlit sends "script finished" after the elements);
2. there is no `[data-testid=stStatusWidgetRunningIcon]` (the "Running…" man), no
   `[data-testid=stSkeleton]` (a lazily loaded element such as plotly still loading) and no
   element container with `data-stale="true"` (an element of the previous run not replaced);
3. every visible `[data-testid=stPlotlyChart]` holds plotly's `.main-svg` (drawn), and every
   visible `[data-testid=stDataFrame]` its canvas;
4. every visible streamlit-folium iframe (`iframe[title*=st_folium]`; a new map is a new
   iframe, since the component's key is a hash of the map's script) has Leaflet's interactive
   paths or markers in its document (same origin, so the document is readable).
A `MutationObserver` counts runs that start, so a click is done only after a run that began
after it; and the page must stay idle for `QUIET_MS` (streamlit-folium sends its value back
once drawn, which reruns the script): the time reported is when the last idle stretch began.

Server CPU is utime+stime of the server process and its descendants (plus what it reaped),
from /proc/<pid>/stat, read before the action and after the quiet period; RSS is VmRSS of
the same processes from /proc/<pid>/status. Bytes: WebSocket frames both ways (Playwright's
frame events) and HTTP responses (`encodedDataLength` of the DevTools Network domain; a
response from the browser cache counts 0). The database server's own processes (PostgreSQL,
MariaDB) are not counted: after the build the pages read the store inside the app's process.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from browser_kit import (  # noqa: E402
    BUILD_TIMEOUT_S,
    Bench,
    Browser,
    Server,
    StoreWatch,
    load_average,
    machine,
    rss_mb,
)
from machine import reference_ms  # noqa: E402

from data_access import meta, villages  # noqa: E402
from data_access.engine import create_readonly_engine, describe_url  # noqa: E402
from data_access.periods import Period  # noqa: E402

# (name, path and query) of what a user opens.
PAGES = [
    ("总览", "/"),
    ("网格地图", "/grid_map"),
    ("团队工作量", "/teams"),
    ("慢病三色", "/chronic"),
    ("县区排名", "/rankings"),
    ("例会 第1页", "/?mode=meeting"),
]


def with_period(path: str, period: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}period={period}"


def choose_period(label: str):
    """The sidebar's 期间 selectbox set to `label` (e.g. 2026年7月)."""

    def act(page) -> None:
        box = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(
            has=page.get_by_text("期间", exact=True)
        )
        box.click()
        page.get_by_role("option", name=label, exact=True).click()

    return act


def click_county(index: int):
    """Click the index-th county label on the whole-prefecture map (a drill-down)."""

    def act(page) -> None:
        frame = page.frame_locator("iframe[title*='st_folium']")
        label = frame.locator(".yf-area-label.yf-county")
        label.nth(index % label.count()).click(timeout=10_000)

    return act


def click_nav(name: str):
    """The page's link in the sidebar navigation: an in-app navigation (same session)."""

    def act(page) -> None:
        page.locator("[data-testid='stSidebarNavLink']").filter(has_text=name).first.click()

    return act


def click_tab(text: str):
    def act(page) -> None:
        page.get_by_role("tab", name=text).click()

    return act


# --- the run ---------------------------------------------------------------------------------


def default_url(engine: str, scale: str, folder: Path) -> str:
    if engine == "duckdb":
        path = folder / f"{scale}.duckdb"
        if not path.exists():
            sys.exit(f"{path} missing: python -m demo --duckdb {path} --scale {scale}")
        return f"duckdb:///{path}"
    name = "yfrh_pref" if scale == "prefecture" else f"yfrh_bench_{scale}"
    if engine == "postgresql":
        return f"postgresql://postgres@127.0.0.1:5432/{name}"
    return f"mysql://root@127.0.0.1:3306/{name}?charset=utf8mb4"


def periods_and_counties(url: str) -> tuple[list[str], int]:
    """The source's months, newest first, and its number of counties."""
    engine = create_readonly_engine(url)
    try:
        months = meta.data_months(engine)
        counties = len(villages.counties(engine))
    finally:
        engine.dispose()
    return sorted(months, reverse=True), counties


def run(args, url: str) -> tuple[Bench, dict]:
    from playwright.sync_api import sync_playwright

    months, counties = periods_and_counties(url)
    latest, older = months[0], months[1:]  # a first visit shows the latest month
    n = args.repeat
    url_months = [older[i % len(older)] for i in range(n)]  # ?period=: one per repeat
    side_months = [older[(n + i) % len(older)] for i in range(n)]  # sidebar: others again
    temp = tempfile.mkdtemp(prefix="bench-browser-")
    store_dir = args.store_dir or Path(temp) / "store"
    log = Path(temp) / "streamlit.log"
    server = Server(url, args.port, store_dir, log)
    facts = {"latest": latest, "log": str(log), "store_dir": str(store_dir)}
    watch = StoreWatch(store_dir)
    try:
        with sync_playwright() as p:
            browser = Browser(p)
            try:
                facts["server_start_s"] = server.start()
                bench = Bench(server, browser)
                print(f"server up in {facts['server_start_s']:.1f} s; first visit …", flush=True)
                bench.visit("first visit 总览 (incl. store build)", "/", BUILD_TIMEOUT_S)
                facts["build_s"] = watch.seconds()
                for name, path in PAGES[1:]:
                    bench.visit(f"first visit {name}", path)
                for r in range(n):
                    print(f"repeat {r + 1}/{n}", flush=True)
                    for name, path in PAGES:
                        bench.visit(f"{name} warm", path)
                        bench.visit(f"{name} new period", with_period(path, url_months[r]))
                    label = Period.parse(side_months[r]).label
                    bench.visit("总览 warm", "/")
                    bench.click("总览 sidebar period", choose_period(label))
                    bench.visit("网格地图 warm", "/grid_map")
                    bench.click("网格地图 sidebar period", choose_period(label))
                    bench.visit("网格地图 warm", "/grid_map")
                    bench.click("网格地图 click a county", click_county(r % counties))
                    bench.visit("县区排名 warm", "/rankings")
                    bench.click("县区排名 tab 单项指标", click_tab("单项指标"))
                    # What a user mostly does: the sidebar's links, in the same session.
                    bench.visit("总览 warm", "/")
                    for name, _ in [*PAGES[1:5], PAGES[0]]:
                        bench.click(f"{name} sidebar link", click_nav(name))
                facts["rss_end_mb"] = rss_mb(server.proc.pid)
                server.stop()
                # Restarted on the store just built: what a user sees after a server restart.
                facts["restart_s"] = server.start()
                bench.visit("after restart: first 总览", "/")
                bench.visit("after restart: first 网格地图", "/grid_map")
                facts["rss_restart_mb"] = rss_mb(server.proc.pid)
            finally:
                browser.close()
                server.stop()
    finally:
        watch.seconds()
        if not args.keep:
            shutil.rmtree(temp, ignore_errors=True)
    return bench, facts


def report(bench: Bench, facts: dict, args, url: str, load_start: str) -> None:
    print()
    print(f"machine: {machine()}")
    print(f"load average (1/5/15 min): start {load_start}, end {load_average()}")
    print(f"reference workload at the end: {reference_ms():.0f} ms (benchmarks/machine.py)")
    print(
        f"database: {describe_url(url)} ({args.engine}, {args.scale}); first period {facts['latest']}"
    )
    build = facts.get("build_s")
    print(
        f"server start {facts['server_start_s']:.1f} s; store build "
        + (f"{build:.1f} s" if build is not None else "n/a (store reused)")
        + f"; restart {facts['restart_s']:.1f} s"
    )
    print(
        f"server RSS: {facts['rss_end_mb']:.0f} MB at the end, "
        f"{facts['rss_restart_mb']:.0f} MB after restart + 2 pages"
    )
    print(f"exceptions on screen: {bench.exceptions}")
    print()
    print(
        "| action | n | rendered min / median | script ended (median) | runs"
        " | server CPU min / median | Chromium CPU (median) | WebSocket MB | HTTP MB"
        " | server RSS after, MB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, rows in bench.rows.items():

        def med(key: str, rows=rows) -> float:
            return statistics.median(r[key] for r in rows)

        def low(key: str, rows=rows) -> float:
            return min(r[key] for r in rows)

        print(
            f"| {name} | {len(rows)} | {low('s'):.2f} / {med('s'):.2f} s | {med('script'):.2f} s"
            f" | {max(r['runs'] for r in rows)} | {low('cpu'):.2f} / {med('cpu'):.2f} s"
            f" | {med('client'):.2f} s | {med('ws'):.3f} | {med('http'):.3f}"
            f" | {max(r['rss'] for r in rows):.0f} |"
        )


# --- what a user feels: same tab, new tab, sidebar link, against a bare Streamlit page ---------

BARE_APP = ROOT / "benchmarks" / "bare" / "app.py"
BARE = ("空白页", "/bare")
USER_PAGES = PAGES[:5]  # the five views; the meeting opens in its own tab anyway
KINDS = ("new tab", "same tab", "sidebar link")


def run_user(args, url: str) -> tuple[dict, dict]:
    """Each view and a bare Streamlit page (the floor), in one run and one browser: a
    same-tab load (goto in the open tab), a new-tab load and an in-app sidebar link, warm."""
    from playwright.sync_api import sync_playwright

    temp = tempfile.mkdtemp(prefix="bench-user-")
    store_dir = args.store_dir or Path(temp) / "store"
    app = Server(url, args.port, store_dir, Path(temp) / "streamlit.log")
    bare = Server(url, args.port + 1, Path(temp) / "bare-store", Path(temp) / "bare.log", BARE_APP)
    rows: dict[str, list[dict]] = defaultdict(list)
    facts: dict = {"load_start": load_average()}
    try:
        with sync_playwright() as p:
            browser = Browser(p)
            try:
                app.start(), bare.start()
                on_app, on_bare = Bench(app, browser), Bench(bare, browser)
                on_app.rows = on_bare.rows = rows
                print("first visits (the first waits for the store build) …", flush=True)
                on_app.visit("first visit 总览", "/", BUILD_TIMEOUT_S)
                for name, path in USER_PAGES[1:]:
                    on_app.visit(f"first visit {name}", path)
                on_bare.visit(f"first visit {BARE[0]}", BARE[1])
                for r in range(args.repeat):
                    print(f"repeat {r + 1}/{args.repeat}", flush=True)
                    for bench, (name, path) in [(on_bare, BARE)] + [
                        (on_app, p) for p in USER_PAGES
                    ]:
                        bench.visit(f"{name} same tab", path)
                        bench.new_tab(f"{name} new tab", path)
                    on_bare.visit("空白页二 (start)", "/bare2")
                    on_bare.click(f"{BARE[0]} sidebar link", click_nav(BARE[0]))
                    on_app.visit("总览 (start)", "/")
                    for name, _ in [*USER_PAGES[1:], USER_PAGES[0]]:
                        on_app.click(f"{name} sidebar link", click_nav(name))
                facts["exceptions"] = on_app.exceptions + on_bare.exceptions
            finally:
                browser.close()
                app.stop()
                bare.stop()
    finally:
        if not args.keep:
            shutil.rmtree(temp, ignore_errors=True)
    facts["load_end"] = load_average()
    return rows, facts


def report_user(rows: dict, facts: dict, args, url: str) -> None:
    print()
    print(f"machine: {machine()}")
    print(f"load average (1/5/15 min): start {facts['load_start']}, end {facts['load_end']}")
    print(f"database: {describe_url(url)} ({args.engine}, {args.scale}); {args.repeat} repeats")
    print(f"exceptions on screen: {facts['exceptions']}")
    print()
    print(
        "Medians. Time: navigation or click → fully rendered; Chromium CPU: all its processes;"
        " × = ratio to the bare page's same kind; load = 1-minute load average at the start."
    )
    print()
    print("| page | kind | n | time | × bare | Chromium CPU | × bare | server CPU | load |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")

    def med(name: str, key: str) -> float | None:
        got = rows.get(name)
        return statistics.median(r[key] for r in got) if got else None

    for name, _ in [BARE, *USER_PAGES]:
        for kind in KINDS:
            key = f"{name} {kind}"
            if key not in rows:
                continue
            t, c = med(key, "s"), med(key, "client")
            bt, bc = med(f"{BARE[0]} {kind}", "s"), med(f"{BARE[0]} {kind}", "client")
            print(
                f"| {name} | {kind} | {len(rows[key])} | {t:.2f} s | {t / bt:.1f}× | {c:.2f} s"
                f" | {c / bc:.1f}× | {med(key, 'cpu'):.2f} s | {med(key, 'load1'):.1f} |"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=("duckdb", "postgresql", "mysql"), default="duckdb")
    parser.add_argument("--scale", choices=("prefecture", "province"), default="prefecture")
    parser.add_argument("--url", help="source database URL (default: from --engine and --scale)")
    parser.add_argument(
        "--folder", type=Path, default=ROOT / "data" / "bench", help="where <scale>.duckdb is"
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--port", type=int, default=8599)
    parser.add_argument("--store-dir", type=Path, help="analytics store folder (default: temp)")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder and its log")
    parser.add_argument(
        "--user-loads",
        action="store_true",
        help="only what a user feels: new tab, same tab and sidebar link per view beside a "
        "bare Streamlit page (benchmarks/bare/app.py) in the same run",
    )
    args = parser.parse_args()
    url = args.url or default_url(args.engine, args.scale, args.folder)
    if args.user_loads:
        rows, facts = run_user(args, url)
        report_user(rows, facts, args, url)
        return 0
    load_start = load_average()
    bench, facts = run(args, url)
    report(bench, facts, args, url, load_start)
    return 0


if __name__ == "__main__":
    sys.exit(main())
