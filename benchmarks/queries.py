"""Benchmark: each view's model (the one function its page, slides and export render), on the
given engines, against the naive pandas way.

    python benchmarks/queries.py [--scale prefecture] [--folder data/bench] [--repeat 7]
        [--engines duckdb,sqlite]

Builds the database once per engine (kept in --folder for later runs), then prints for each
view the median warm time of its builder (`views.<name>.build`, uncached: what one click costs
without the app's cache), and the time of the naive approach (read the fact tables into
pandas, then filter and group).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from data_access import meta, villages  # noqa: E402
from data_access.engine import create_readonly_engine  # noqa: E402
from data_access.periods import Period, periods_with_data  # noqa: E402
from data_access.scope import Scope  # noqa: E402
from views import chronic, common, grid_map, overview, rankings, teams  # noqa: E402


def frame(engine, scope: Scope, window: common.Window) -> None:
    """What the frame asks on every page (filters, header)."""
    villages.counties(engine)
    villages.townships(engine)
    meta.data_months(engine)
    common.header(engine, scope)


VIEWS = {
    "frame": frame,
    "总览 overview": overview.build,
    "网格地图 map": grid_map.build,
    "团队工作量 teams": teams.build,
    "慢病三色 chronic": chronic.build,
    "县区排名 rankings": rankings.build,
}


def naive(engine, scope: Scope, period: Period, view: str) -> None:
    """The approach we avoid: whole fact tables into pandas, then filter and group there."""
    with engine.connect() as conn:
        village = pd.read_sql(sa.text("SELECT village_code, township_code FROM village"), conn)
        town = pd.read_sql(sa.text("SELECT township_code, county_code FROM township"), conn)
        in_scope = village.merge(town, on="township_code")
        if scope.county_code:
            in_scope = in_scope[in_scope["county_code"] == scope.county_code]
        months = list(period.months)
        if view.startswith(("总览", "慢病", "网格")):
            cs = pd.read_sql(sa.text("SELECT * FROM chronic_status"), conn)
            cs = cs[cs["village_code"].isin(in_scope["village_code"])]
            now = cs[cs["month"].isin(months)]
            last = now["month"].max()
            now = now[now["month"] == last]
            now.groupby(["disease", "color"]).size()
            before = cs[cs["month"] < months[0]]["month"].max()
            prev = cs[cs["month"] == before]
            now.merge(prev, on=["patient_id", "disease"]).groupby(["color_x", "color_y"]).size()
        if view.startswith(("总览", "团队", "网格")):
            ts = pd.read_sql(sa.text("SELECT * FROM team_service"), conn)
            ts[ts["month"].isin(months)].groupby("team_id")["services"].sum()
        if view.startswith(("总览", "县区", "网格")):
            iv = pd.read_sql(sa.text("SELECT * FROM indicator_value"), conn)
            iv = iv[iv["month"].isin(months)]
            iv.assign(county=iv["area_code"].str[:6]).groupby(["indicator_code", "county"])[
                ["numerator", "denominator"]
            ].sum()


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def ensure_database(url: str, path: Path, scale: str) -> None:
    if path.exists():
        return
    from demo.generator import build_database

    path.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    build_database(url, scale=scale, progress=lambda f, m: print(f"  {f:5.0%} {m}", flush=True))
    print(f"built {path.name} in {time.perf_counter() - start:.0f} s", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default="prefecture")
    parser.add_argument("--folder", type=Path, default=ROOT / "data" / "bench")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--engines", default="duckdb,sqlite")
    parser.add_argument("--no-naive", action="store_true", help="skip the (slow) naive timings")
    args = parser.parse_args()

    print(
        f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    results = []
    for name in args.engines.split(","):
        path = args.folder / f"{args.scale}.{name}"
        url = f"{name}:///{path}"
        ensure_database(url, path, args.scale)
        engine = create_readonly_engine(url)
        months = meta.data_months(engine)
        # The latest quarter whose three months all have data: what a meeting reviews.
        period = next(
            p for p in periods_with_data(months, "quarter") if set(p.months) <= set(months)
        )
        county = villages.counties(engine)["county_code"].iloc[0]
        window = common.window(period, months)
        naive_times: dict[str, float] = {}
        for scope_name, scope in (("全域", Scope()), (f"县 {county}", Scope(county))):
            for view, fn in VIEWS.items():
                fn(engine, scope, window)  # warm: caches, first-touch of pages
                times = [timed(fn, engine, scope, window) for _ in range(args.repeat)]
                median = statistics.median(times)
                # The naive way loads whole tables whatever the scope: measure it once per view.
                if args.no_naive or view == "frame":
                    naive_s = None
                elif scope.is_all:
                    naive_s = naive_times[view] = timed(naive, engine, scope, period, view)
                else:
                    naive_s = naive_times.get(view)
                results.append((name, scope_name, view, median, naive_s))
                ratio = f"{naive_s / median:6.0f}×" if naive_s else "   -"
                naive_text = f"{naive_s * 1000:9.0f}" if naive_s else "        -"
                print(
                    f"{name:7s} {scope_name:10s} {view:18s} {median * 1000:8.0f} ms   naive {naive_text} ms  {ratio}",
                    flush=True,
                )
        engine.dispose()
    print(f"\nperiod {period.key}; medians of {args.repeat} warm runs; naive run once.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
