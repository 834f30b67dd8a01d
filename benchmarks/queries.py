"""Benchmark: the queries behind each view, on DuckDB and SQLite, against the naive pandas way.

    python benchmarks/queries.py [--scale prefecture] [--folder data/bench] [--repeat 7]

Builds the database once per engine (kept in --folder for later runs), then prints for
each view the median warm time of all its queries together, and the time of the naive
approach (read the fact tables into pandas, then filter and group).
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

from data_access import chronic, indicators, meta, overview, teams, villages  # noqa: E402
from data_access.engine import create_readonly_engine  # noqa: E402
from data_access.periods import Period  # noqa: E402
from data_access.scope import Scope  # noqa: E402

# Optional view modules that land with their pages; the benchmark uses what exists.
try:
    from data_access import map as map_queries  # noqa: E402
except ImportError:  # pragma: no cover
    map_queries = None


def overview_queries(engine, scope: Scope, period: Period) -> None:
    month = chronic.snapshot_month(engine, scope, period)
    villages.village_class_summary(engine, scope)
    indicators.indicator_values(engine, scope, period)
    indicators.indicator_values(engine, scope, period.previous())
    indicators.indicator_trend(engine, scope, period.months)
    indicators.indicator_levels(engine)
    teams.team_workload(engine, scope, period)
    teams.member_composition(engine, scope)
    if month:
        chronic.color_distribution(engine, scope, month)
    overview.alerts(engine, scope, period)
    meta.data_months(engine)


def chronic_queries(engine, scope: Scope, period: Period) -> None:
    month = chronic.snapshot_month(engine, scope, period)
    before = chronic.month_before(engine, scope, period.first_month)
    chronic.color_distribution(engine, scope, month)
    chronic.color_distribution_by(engine, scope, month, "township")
    chronic.color_distribution_by(engine, scope, month, "village_class")
    chronic.transitions(engine, scope, before, month)
    chronic.mismatched_patients(engine, scope, month)
    chronic.mismatch_by_township(engine, scope, month)
    for name in ("color_trend", "mismatch_by_level", "top_red_villages"):
        fn = getattr(chronic, name, None)
        if fn is not None:
            try:
                fn(engine, scope, period)
            except TypeError:
                fn(engine, scope, month)


def teams_queries(engine, scope: Scope, period: Period) -> None:
    teams.team_workload(engine, scope, period)
    teams.member_composition(engine, scope)
    for name in ("services_by_type", "monthly_services"):
        fn = getattr(teams, name, None)
        if fn is not None:
            fn(engine, scope, period)


def rankings_queries(engine, scope: Scope, period: Period) -> None:
    indicators.county_ranking(engine, period)
    indicators.county_ranking(engine, period.previous())
    if scope.county_code:
        indicators.area_ranking(engine, period, "township", scope.county_code)
    indicators.area_indicator_values(engine, period, "county")


VIEWS = {
    "总览 overview": overview_queries,
    "慢病三色 chronic": chronic_queries,
    "团队工作量 teams": teams_queries,
    "县区排名 rankings": rankings_queries,
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
        if view.startswith(("总览", "慢病")):
            cs = pd.read_sql(sa.text("SELECT * FROM chronic_status"), conn)
            cs = cs[cs["village_code"].isin(in_scope["village_code"])]
            now = cs[cs["month"].isin(months)]
            last = now["month"].max()
            now = now[now["month"] == last]
            now.groupby(["disease", "color"]).size()
            before = cs[cs["month"] < months[0]]["month"].max()
            prev = cs[cs["month"] == before]
            now.merge(prev, on=["patient_id", "disease"]).groupby(["color_x", "color_y"]).size()
        if view.startswith(("总览", "团队")):
            ts = pd.read_sql(sa.text("SELECT * FROM team_service"), conn)
            ts[ts["month"].isin(months)].groupby("team_id")["services"].sum()
        if view.startswith(("总览", "县区")):
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
        period = Period.parse(months[-1][:4] + f"-Q{(int(months[-1][5:]) - 1) // 3 + 1}")
        county = villages.counties(engine)["county_code"].iloc[0]
        for scope_name, scope in (("全域", Scope()), (f"县 {county}", Scope(county))):
            for view, fn in VIEWS.items():
                fn(engine, scope, period)  # warm: caches, first-touch of pages
                times = [timed(fn, engine, scope, period) for _ in range(args.repeat)]
                median = statistics.median(times)
                naive_s = None if args.no_naive else timed(naive, engine, scope, period, view)
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
