"""Every chart axis of counts reads with thousands separators, and in 万 from 10,000
(views.labels.count_axis): each figure is built from its view model on hand-made rows.

tests/handmade.py plus, for the large figures: T6 大坪团队 in 西镇 with 30,000 sign services
by village doctors in 2026-03 (38 of 40 re-checks passed), and two indicators in their own
units with weight 0 (the league's scores stay those of tests/test_queries.py), at county level:
门急诊人次 (人次, target 20,000): A 18,000 in February, 25,000 in March; B 9,000 and 12,000;
人均就诊次数 (次, target 3): A 5/2 = 2.5, B 9/5 = 1.8 in March.
"""

from __future__ import annotations

import re

import pytest

from dashboard.charts import rankings as ranking_charts
from dashboard.charts import teams as team_charts
from data_access.periods import Period
from data_access.scope import Scope
from tests import handmade as hm
from tests.dbs import loaded_database
from views import rankings, teams
from views.common import window

DATA_MONTHS = ("2025-12", "2026-01", "2026-02", "2026-03")  # handmade's months with rows
Q1, FEB = window(Period.parse("2026-Q1"), DATA_MONTHS), Period.parse("2026-02")
WAN_TICKS = ["0", "1万", "2万", "3万", "4万"]  # 0 … 40,000 in steps of 10,000


def _indicator(code, name, unit, target):
    return {
        "indicator_code": code,
        "name": name,
        "unit": unit,
        "higher_is_better": True,
        "period_agg": "last",
        "target": target,
        "weight": 0.0,
    }


ROWS = {
    **hm.ROWS,
    "team": [
        *hm.ROWS["team"],
        {"team_id": "T6", "township_code": hm.WEST, "name": "大坪团队", "leader": "孙六"},
    ],
    "team_service": [
        *hm.ROWS["team_service"],
        hm.service_row("T6", "2026-03", "sign", "village", 30_000),
    ],
    "sample_check": [
        *hm.ROWS["sample_check"],
        {"team_id": "T6", "month": "2026-03", "checked": 40, "passed": 38},
    ],
    "indicator": [
        *hm.ROWS["indicator"],
        _indicator("visits", "门急诊人次", "人次", 20_000.0),
        _indicator("per_head", "人均就诊次数", "次", 3.0),
    ],
    "indicator_value": [
        *hm.ROWS["indicator_value"],
        hm.indicator_value_row("visits", "county", hm.A, "2026-02", 18_000, 1),
        hm.indicator_value_row("visits", "county", hm.B, "2026-02", 9_000, 1),
        hm.indicator_value_row("visits", "county", hm.A, "2026-03", 25_000, 1),
        hm.indicator_value_row("visits", "county", hm.B, "2026-03", 12_000, 1),
        hm.indicator_value_row("per_head", "county", hm.A, "2026-03", 5, 2),
        hm.indicator_value_row("per_head", "county", hm.B, "2026-03", 9, 5),
    ],
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    # The figures do not depend on the dialect (tests/test_queries.py covers the queries).
    with loaded_database("duckdb", ROWS, tmp_path_factory.mktemp("axes")) as eng:
        yield eng


def _separators(axis, whole: bool = True) -> None:
    """A count axis under 10,000: thousands separators, never 20k or 2e+4."""
    assert axis.tickformat == (",d" if whole else ",~f")
    assert axis.exponentformat == "none" and axis.tickvals is None


# --- 团队工作量 -----------------------------------------------------------------------------


def test_team_charts_read_in_wan(engine):
    view = teams.build(engine, Scope(), Q1)
    # services: T6 30,000 first; the axis reaches 30,000 × 1.2 (room for the labels).
    fig = team_charts.ranking(view.ranked("services"), "services")
    assert list(fig.layout.xaxis.ticktext) == WAN_TICKS
    assert list(fig.layout.xaxis.tickvals) == [0, 10_000, 20_000, 30_000, 40_000]
    # March stacks 30,000 (T6) + 2 (T1) + 3 (T2) = 30,005 services.
    fig = team_charts.monthly_stack(view.monthly, view.trend_months, "service_type")
    assert list(fig.layout.yaxis.ticktext) == WAN_TICKS
    # Teams with re-checks: T1 21 services, T6 30,000.
    checked = view.teams[view.teams["checked"] > 0]
    fig = team_charts.volume_quality(
        checked,
        view.flagged_teams,
        view.high_volume_threshold,
        view.thresholds["low_pass_rate"],
        view.thresholds["min_checked"],
    )
    assert list(fig.layout.xaxis.ticktext) == WAN_TICKS


def test_team_charts_of_few_services_read_whole_numbers(engine):
    # 东镇 (T1 alone): 21 services in Q1 → separators, plotly's own whole steps.
    east = teams.build(engine, Scope(hm.A, (hm.EAST,)), Q1)
    fig = team_charts.ranking(east.ranked("services"), "services")
    _separators(fig.layout.xaxis)
    assert fig.layout.xaxis.dtick is None
    # T1's services per member: 21 / 4 = 5.25, a figure with decimals (0.5 is a tick, not 1).
    fig = team_charts.ranking(east.ranked("services_per_member"), "services_per_member")
    _separators(fig.layout.xaxis, whole=False)
    # 西镇 up to February (before T6's March): at most 7 services a month → a tick per service.
    west = teams.build(engine, Scope(hm.A, (hm.WEST,)), window(FEB, DATA_MONTHS))
    assert west.monthly["services"].max() == 7
    fig = team_charts.monthly_stack(west.monthly, west.trend_months, "service_type")
    _separators(fig.layout.yaxis)
    assert (fig.layout.yaxis.tick0, fig.layout.yaxis.dtick) == (0, 1)


# --- 县区排名: an indicator in its own unit reads like a count ---------------------------------


def _drill(engine, code):
    view = rankings.build(engine, Scope(hm.A), Q1)
    league = view.counties
    d = next(d for d in view.definitions.itertuples(index=False) if d.indicator_code == code)
    overall = league.overall[league.overall["indicator_code"] == code]
    bars = ranking_charts.indicator_bars(league.indicator_rows(code), d, league.area_label)
    trend = ranking_charts.indicator_trend_lines(
        league.indicator_monthly(code), overall, d, league.overall_label
    )
    return bars, trend


def _scale(markup: str) -> list[str]:
    """The tick labels under server-drawn value bars."""
    scale = re.search(r'<div class="scale">(.*?)</div>', markup).group(1)
    return re.findall(r">([^<]*)</span>", scale)


def test_indicator_counts_read_in_wan(engine):
    bars, trend = _drill(engine, "visits")
    # March (`last`): A 25,000, B 12,000, target 20,000 → round steps of 10,000 to 30,000.
    assert _scale(bars) == ["0", "1万", "2万", "3万"]
    assert "目标 ≥20,000" in bars or "目标 20,000" in bars
    # Lines from 9,000 (B, February) to 25,000 (A, March); the total (Σ/Σ over A and B) is
    # 13,500 and 18,500: steps of 5,000 from 5,000, below 1万 with separators.
    assert list(trend.layout.yaxis.tickvals) == [5_000, 10_000, 15_000, 20_000, 25_000, 30_000]
    assert list(trend.layout.yaxis.ticktext) == ["5,000", "1万", "1.5万", "2万", "2.5万", "3万"]


def test_indicator_with_decimals_and_rates_keep_their_axes(engine):
    bars, trend = _drill(engine, "per_head")
    assert _scale(bars) == ["0", "1", "2", "3"]  # 2.5 and 1.8 次, target 3
    _separators(trend.layout.yaxis, whole=False)
    bars, trend = _drill(engine, "htn")  # a rate: its own (％) axis in round steps
    assert all(t.isdigit() for t in _scale(bars)) and "（%）" in bars
    assert trend.layout.yaxis.tickformat is None and trend.layout.yaxis.tickvals is None
