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

from data_access import (  # noqa: E402
    chronic,
    chronic_flows,
    chronic_levels,
    indicators,
    meta,
    overview,
    rankings,
    teams,
    villages,
)
from data_access import map as map_queries  # noqa: E402
from data_access.engine import create_readonly_engine  # noqa: E402
from data_access.periods import Period, months_ending, periods_with_data  # noqa: E402
from data_access.scope import Scope  # noqa: E402

TREND = 12  # the pages' trend window (pages.overview_kpi.TREND_MONTHS)


def frame_queries(engine, scope: Scope, period: Period) -> None:
    """What the frame asks on every page (filters, header)."""
    villages.counties(engine)
    villages.townships(engine)
    meta.data_months(engine)
    meta.data_info(engine)


def overview_queries(engine, scope: Scope, period: Period) -> None:
    villages.village_class_summary(engine, scope)
    indicators.indicator_values(engine, scope, period)
    indicators.indicator_values(engine, scope, period.previous())
    indicators.indicator_trend(engine, scope, months_ending(period, TREND))
    indicators.indicator_levels(engine)
    month = chronic.snapshot_month(engine, scope, period)
    teams.team_workload(engine, scope, period)
    teams.member_composition(engine, scope)
    if month:
        chronic.color_distribution(engine, scope, month)
        chronic.red_not_at_county(engine, scope, month)
    overview.villages_without_service(engine, scope, period)
    overview.funding_by_class(engine, scope, period.year)


def chronic_queries(engine, scope: Scope, period: Period) -> None:
    level = "township" if scope.county_code else "county"
    month = chronic.snapshot_month(engine, scope, period)
    before = chronic.month_before(engine, scope, period.first_month)
    chronic.color_distribution(engine, scope, month)
    chronic.color_distribution(engine, scope, before)
    chronic.colors_by_area(engine, scope, month, level)
    chronic.color_distribution_by(engine, scope, month, "village_class")
    chronic.color_trend(engine, scope, months_ending(period, TREND))
    chronic_flows.transition_flows(engine, scope, before, month)
    chronic_levels.managed_levels(engine, scope, month)
    chronic_levels.mismatch_by_area(engine, scope, month, level)
    chronic_levels.mismatch_villages(engine, scope, month)
    chronic.red_share_villages(engine, scope, month)


def teams_queries(engine, scope: Scope, period: Period) -> None:
    teams.team_summary(engine, scope, period)
    teams.team_workload(engine, scope, period)
    teams.team_workload(engine, scope, period.previous())
    teams.member_composition(engine, scope)
    teams.service_types(engine)
    teams.services_by_type(engine, scope, period)
    teams.village_share_medians(engine, scope, period)


def rankings_queries(engine, scope: Scope, period: Period) -> None:
    months = months_ending(period, TREND)
    rankings.league_table(engine, period, "county", trend_months=months)
    if scope.county_code:
        rankings.league_table(engine, period, "township", scope.county_code, trend_months=months)


def map_view_queries(engine, scope: Scope, period: Period) -> None:
    map_queries.village_facts(engine, scope)
    map_queries.village_boundaries(engine, scope)
    map_queries.village_figures(engine, scope, period)


VIEWS = {
    "frame": frame_queries,
    "总览 overview": overview_queries,
    "网格地图 map": map_view_queries,
    "团队工作量 teams": teams_queries,
    "慢病三色 chronic": chronic_queries,
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
        naive_times: dict[str, float] = {}
        for scope_name, scope in (("全域", Scope()), (f"县 {county}", Scope(county))):
            for view, fn in VIEWS.items():
                fn(engine, scope, period)  # warm: caches, first-touch of pages
                times = [timed(fn, engine, scope, period) for _ in range(args.repeat)]
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
