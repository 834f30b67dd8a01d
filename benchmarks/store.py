"""Benchmark: the analytics store's refresh from a source, and each view model read from it.

    python benchmarks/store.py URL [URL …] [--repeat 7] [--folder data/bench/store]

For each source URL (e.g. duckdb:///data/bench/prefecture.duckdb,
postgresql://postgres@127.0.0.1:5432/yfrh_pref, mysql://root@127.0.0.1:3306/yfrh_pref):
builds the store (time per phase, peak memory of this process, size on disk), then prints
each view model's median time on the store for scopes and periods not built before (whole
database: one quarter after another; one county: the latest quarter, one county after
another), with and without the results kept per extract (data_access/memo.py). Generate sources with `python -m demo --scale prefecture|province`.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import machine  # noqa: E402

from data_access import memo, meta, store, store_build, villages  # noqa: E402
from data_access.engine import create_readonly_engine, describe_url  # noqa: E402
from data_access.periods import periods_with_data  # noqa: E402
from data_access.scope import Scope  # noqa: E402
from views import chronic, common, grid_map, overview, rankings, teams  # noqa: E402
from views.meeting import deck  # noqa: E402

VIEWS = {
    "总览 overview": overview.build,
    "网格地图 map": grid_map.build,
    "团队工作量 teams": teams.build,
    "慢病三色 chronic": chronic.build,
    "县区排名 rankings": rankings.build,
    "例会 meeting": deck.build,
}


def refresh(url: str, path: Path) -> float:
    source = create_readonly_engine(url)
    started = time.perf_counter()
    phases: dict[str, float] = {}
    last = [started, "连接"]

    def progress(fraction: float, message: str) -> None:
        now = time.perf_counter()
        phases[last[1]] = phases.get(last[1], 0.0) + now - last[0]
        last[0], last[1] = now, message.split(" ")[0].rstrip("…")

    path.unlink(missing_ok=True)
    store_build.build(source, url, path, progress=progress)
    total = time.perf_counter() - started
    source.dispose()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n{describe_url(url)}")
    print(
        f"  refresh {total:6.1f} s   peak RSS {rss:5.0f} MiB   store {path.stat().st_size / 1e6:.1f} MB"
    )
    for phase, seconds in phases.items():
        print(f"    {phase:12s} {seconds:6.1f} s")
    return total


def views_on(path: Path, repeat: int) -> None:
    """Each view model on the store, built for a scope and period not built before.

    - "new combination": what a user waits for on a running server when choosing a scope or
      period nobody chose in the last ten minutes (the page cache misses). The results kept per
      extract (data_access/memo.py) are warm from other combinations: indicator definitions,
      service types, the whole database's team workload of the period, leagues…
    - "nothing kept": the same with data_access.memo cleared before each build (a server
      just started on the store).
    """
    engine = store.open_store(path)
    months = meta.data_months(engine)
    quarters = [p for p in periods_with_data(months, "quarter") if set(p.months) <= set(months)]
    counties = list(villages.counties(engine)["county_code"])
    latest = quarters[0]
    print(f"  view models on the store (median of {repeat} builds, each of a new combination):")
    for name, build in VIEWS.items():
        # Whole database: a quarter per build; one county: the latest quarter, a county per build.
        for label, combos in (
            ("全域", [(Scope(), common.window(q, months)) for q in quarters]),
            ("一个县", [(Scope(c), common.window(latest, months)) for c in counties]),
        ):
            combos = combos[: repeat + 1]
            memo.clear()
            build(engine, *combos[-1])  # warms what is kept per extract
            fresh, cold = [], []
            for scope, window in combos[:-1]:
                start = time.perf_counter()
                build(engine, scope, window)
                fresh.append(time.perf_counter() - start)
            for scope, window in combos[:-1]:
                memo.clear()
                start = time.perf_counter()
                build(engine, scope, window)
                cold.append(time.perf_counter() - start)
            print(
                f"    {label:6s} {name:18s} new combination"
                f" {statistics.median(fresh) * 1000:6.0f} ms   nothing kept"
                f" {statistics.median(cold) * 1000:6.0f} ms   ({len(fresh)} builds)"
            )
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--folder", type=Path, default=ROOT / "data" / "bench" / "store")
    parser.add_argument("--no-views", action="store_true")
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    print(machine.describe())
    for i, url in enumerate(args.urls):
        path = args.folder / f"store-{i}.duckdb"
        refresh(url, path)
        if not args.no_views:
            views_on(path, args.repeat)
    print(
        f"load at the end {os.getloadavg()[0]:.1f}, "
        f"reference workload {machine.reference_ms():.0f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
