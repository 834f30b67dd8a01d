"""Benchmark: the server's memory with several sessions open and many filter combinations.

    python benchmarks/memory.py --engine duckdb|postgresql|mysql [--scale province]
        [--url URL] [--folder data/bench] [--sessions 8] [--combinations 50] [--port 8598]

Starts the app as benchmarks/browser.py does (sign-in off, its own analytics store), waits
for the store, then:

1. opens `--sessions` browser contexts (each a Streamlit session of its own) and has each
   visit every page, a page opened in all sessions before waiting, so their runs overlap;
2. has one session open `--combinations` distinct filter combinations (county × period ×
   page, every county and month of the database before any repeats), printing the server's
   RSS after every tenth;
3. prints RSS at each step, so "flat" can be read off: the app's caches are bounded by
   bytes (data_access/bounded.py: VIEWS_MAX_BYTES of pickled view models, maps and geometry,
   QUERIES_MAX_BYTES of kept query results, SHAPES_MAX_BYTES of encoded shapes), so RSS
   should level off rather than grow with every combination.

RSS is VmRSS of the server and its descendants from /proc (as in benchmarks/browser.py).
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from browser import PAGES, default_url, periods_and_counties  # noqa: E402
from browser_kit import (  # noqa: E402
    BUILD_TIMEOUT_S,
    CHROMIUM,
    CHROMIUM_ARGS,
    IDLE_JS,
    VIEWPORT,
    Server,
    load_average,
    machine,
    rss_mb,
)

from data_access import villages  # noqa: E402
from data_access.engine import create_readonly_engine, describe_url  # noqa: E402

QUIET_S = 0.6


def settle(page, timeout_s: float) -> None:
    """Wait until the page is fully rendered (benchmarks/browser.py's IDLE_JS) for QUIET_S."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        idle_since = page.evaluate("() => window.__bench.idleSince")
        if (
            idle_since is not None
            and page.evaluate("() => Date.now()") - idle_since >= QUIET_S * 1000
        ):
            return
        time.sleep(0.1)
    raise TimeoutError(f"{page.url} not rendered in {timeout_s:.0f} s")


def visit(page, base: str, path: str, timeout_s: float = 300) -> float:
    started = time.monotonic()
    page.goto(base + path)
    settle(page, timeout_s)
    return time.monotonic() - started


def county_codes(url: str) -> list[str]:
    engine = create_readonly_engine(url)
    try:
        return list(villages.counties(engine)["county_code"])
    finally:
        engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=("duckdb", "postgresql", "mysql"), default="duckdb")
    parser.add_argument("--scale", choices=("prefecture", "province"), default="province")
    parser.add_argument("--url")
    parser.add_argument("--folder", type=Path, default=ROOT / "data" / "bench")
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--combinations", type=int, default=50)
    parser.add_argument("--port", type=int, default=8598)
    args = parser.parse_args()
    url = args.url or default_url(args.engine, args.scale, args.folder)
    print(f"machine: {machine()}; load {load_average()}")
    print(f"database: {describe_url(url)} ({args.engine}, {args.scale})")
    months, _ = periods_and_counties(url)
    counties = county_codes(url)
    temp = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    server = Server(url, args.port, temp / "store", temp / "streamlit.log")
    from playwright.sync_api import sync_playwright

    try:
        server.start()
        pid = server.proc.pid
        print(f"server started: RSS {rss_mb(pid):.0f} MB", flush=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

            def new_page():
                page = browser.new_context(viewport=VIEWPORT).new_page()
                page.add_init_script(IDLE_JS)
                return page

            first = new_page()
            seconds = visit(first, server.base, "/", BUILD_TIMEOUT_S)
            print(f"store built, first page in {seconds:.1f} s: RSS {rss_mb(pid):.0f} MB")
            # All sessions stay open at once (each context keeps its WebSocket and server
            # session); each page is opened in all of them before waiting, so the runs overlap.
            pages = [first] + [new_page() for _ in range(args.sessions - 1)]
            peak = 0.0
            sampling = threading.Event()

            def sample() -> None:
                nonlocal peak
                while not sampling.is_set():
                    peak = max(peak, rss_mb(pid))
                    time.sleep(0.2)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            for _, path in PAGES:
                for page in pages:
                    page.goto(server.base + path)
                for page in pages:
                    settle(page, 300)
            print(
                f"{args.sessions} sessions × {len(PAGES)} pages: RSS {rss_mb(pid):.0f} MB"
                f" (peak {peak:.0f} MB)",
                flush=True,
            )
            combos = list(
                itertools.islice(
                    (
                        (county, month, PAGES[i % (len(PAGES) - 1)][1])
                        for i, (month, county) in enumerate(itertools.product(months, counties))
                    ),
                    args.combinations,
                )
            )
            started = time.monotonic()
            for i, (county, month, path) in enumerate(combos, 1):
                visit(first, server.base, f"{path}?county={county}&period={month}")
                if i % 10 == 0 or i == len(combos):
                    print(
                        f"  {i:3d} combinations: RSS {rss_mb(pid):.0f} MB (peak {peak:.0f} MB),"
                        f" {(time.monotonic() - started) / i:.1f} s each",
                        flush=True,
                    )
            sampling.set()
            sampler.join()
            browser.close()
        print(f"end: RSS {rss_mb(pid):.0f} MB, peak {peak:.0f} MB; load {load_average()}")
    finally:
        server.stop()
        shutil.rmtree(temp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
