"""Every query of data_access/ against the hand-made database, on every dialect (the leagues
through views.rankings.build, which is where they are computed).

Expected values are worked out by hand from tests/handmade.py and written here as literals.
"""

from __future__ import annotations

import pandas as pd
import pytest

from data_access import chronic, chronic_flows, chronic_levels, indicators, meta, teams, villages
from data_access.periods import Period
from data_access.scope import Scope, UnknownArea, resolve_scope
from tests import handmade as hm
from tests.dbs import dialect_params, loaded_database
from views import rankings
from views.chronic import mismatch_at
from views.common import window_for

Q1 = Period.parse("2026-Q1")
ALL = Scope()
COUNTY_A = Scope(hm.A)
WEST = Scope(hm.A, (hm.WEST,))
EMPTY = Scope(hm.A, (hm.EMPTY,))


@pytest.fixture(scope="module", params=dialect_params())
def engine(request, tmp_path_factory):
    with loaded_database(request.param, hm.ROWS, tmp_path_factory.mktemp(request.param)) as eng:
        yield eng


def _records(df, columns):
    return [tuple(r) for r in df[columns].itertuples(index=False)]


# --- areas -----------------------------------------------------------------------------


def test_village_classes_all(engine):
    df = villages.village_class_summary(engine, ALL)
    assert _records(df, ["village_class", "villages", "population", "key_population"]) == [
        (1, 4, 2900, 860),
        (2, 2, 1100, 350),
    ]


def test_village_classes_township_without_class_two(engine):
    df = villages.village_class_summary(engine, WEST)
    assert _records(df, ["village_class", "villages", "population", "key_population"]) == [
        (1, 1, 800, 250)
    ]


def test_village_classes_empty_township(engine):
    assert villages.village_class_summary(engine, EMPTY).empty


def test_areas_and_scope_resolution(engine):
    assert villages.counties(engine)["county_code"].tolist() == [hm.A, hm.B, hm.C, hm.D, hm.E]
    assert villages.townships(engine, hm.A)["name"].tolist() == ["东镇", "西镇", "空镇"]
    assert resolve_scope(engine, None, [hm.WEST]) == Scope(hm.A, (hm.WEST,))
    with pytest.raises(UnknownArea):
        resolve_scope(engine, "999999")
    with pytest.raises(UnknownArea):
        resolve_scope(engine, hm.B, [hm.WEST])  # a township of another county
    with pytest.raises(UnknownArea):
        resolve_scope(engine, None, ["x' OR 1=1 --"])


def test_meta(engine):
    info = meta.data_info(engine)
    assert info.extracted_at == "2026-04-02T08:00:00+08:00"
    assert info.source == "手工测试库"
    assert info.demo is False
    assert meta.data_months(engine) == ["2025-12", "2026-01", "2026-02", "2026-03"]


# --- teams -------------------------------------------------------------------------------


def test_team_workload_county_quarter(engine):
    df = teams.team_workload(engine, COUNTY_A, Q1)
    cols = [
        "team_id",
        "services",
        "points",
        "members",
        "checked",
        "passed",
        "villages",
        "population",
    ]
    assert _records(df, cols) == [
        ("T1", 21, 36.5, 4, 10, 7, 2, 1500),
        ("T2", 10, 16.5, 2, 0, 0, 1, 800),
        ("T3", 0, 0.0, 1, 0, 0, 0, 0),
    ]
    shares = dict(zip(df["team_id"], df["village_doctor_share"], strict=True))
    assert shares["T1"] == pytest.approx(12 / 21)
    assert shares["T2"] == pytest.approx(0.7)
    assert pd.isna(shares["T3"])  # no services: no share, not 0
    rates = dict(zip(df["team_id"], df["pass_rate"], strict=True))
    assert rates["T1"] == pytest.approx(0.7)
    assert pd.isna(rates["T2"]) and pd.isna(rates["T3"])  # 0 checked: no rate


def test_team_workload_zero_services_row_and_month(engine):
    df = teams.team_workload(engine, Scope(hm.B), Q1)
    assert _records(df, ["team_id", "services", "points", "members"]) == [("T4", 0, 0.0, 1)]
    assert pd.isna(df["village_doctor_share"].iloc[0])
    feb = teams.team_workload(engine, Scope(hm.A, (hm.EAST,)), Period.parse("2026-02"))
    assert _records(feb, ["team_id", "services", "points"]) == [("T1", 4, 8.0)]
    assert feb["village_doctor_share"].tolist() == [0.0]


def test_member_composition(engine):
    df = teams.member_composition(engine, COUNTY_A).sort_values("level")
    assert _records(df, ["level", "members"]) == [
        ("county", 1),
        ("other", 1),
        ("township", 2),
        ("village", 3),
    ]


# --- chronic ------------------------------------------------------------------------------


def test_chronic_snapshot_and_colors(engine):
    assert chronic.snapshot_month(engine, ALL, Q1) == "2026-03"
    assert chronic.snapshot_month(engine, ALL, Period.parse("2026-02")) is None
    df = chronic.color_distribution(engine, ALL, "2026-03")
    assert sorted(_records(df, ["disease", "color", "patients"])) == [
        ("diabetes", "green", 1),
        ("hypertension", "green", 2),
        ("hypertension", "red", 1),
        ("hypertension", "yellow", 1),
        ("tuberculosis", "red", 1),
    ]


def test_chronic_transitions_across_year_boundary(engine):
    before = chronic.month_before(engine, ALL, Q1.first_month)
    assert before == "2025-12"
    df = chronic_flows.transition_flows(engine, ALL, before, "2026-03")
    both = df.dropna(subset=["from_color", "to_color"])
    # p3 and p6 entered after December, p4 left: the colour changes are the rows at both ends.
    assert sorted(_records(both, ["disease", "from_color", "to_color", "patients"])) == [
        ("diabetes", "green", "green", 1),
        ("hypertension", "green", "red", 1),
        ("hypertension", "red", "yellow", 1),
        ("tuberculosis", "red", "red", 1),
    ]
    west = chronic_flows.transition_flows(engine, WEST, before, "2026-03")
    assert west.dropna(subset=["from_color", "to_color"]).empty


def test_chronic_mismatch(engine):
    def mismatched(scope, month):
        return mismatch_at(engine, scope, month, None)

    # rows (one per patient and disease) not managed at their colour's level, all colours
    assert mismatched(ALL, "2026-03").mismatched == 3
    assert mismatched(COUNTY_A, "2026-03").mismatched == 3
    assert mismatched(WEST, "2026-03").mismatched == 1
    assert mismatched(ALL, "2026-01").mismatched == 0
    assert mismatched(ALL, "2026-03").red_not_up == 1
    by_town = chronic_levels.mismatch_by_area(engine, COUNTY_A, "2026-03", "township")
    totals = by_town.set_index("area_code")[["patients", "mismatched"]]
    assert totals.loc[hm.EAST].tolist() == [3, 2]
    assert totals.loc[hm.WEST].tolist() == [1, 1]


def test_chronic_by_class(engine):
    df = chronic.color_distribution_by(engine, ALL, "2026-03", "village_class")
    assert sorted(_records(df, ["village_class", "color", "patients"])) == [
        (1, "green", 3),
        (1, "red", 1),
        (2, "red", 1),
        (2, "yellow", 1),
    ]


# --- indicators ---------------------------------------------------------------------------


def _values(df):
    return {r.indicator_code: r for r in df.itertuples(index=False)}


def test_indicator_values_all(engine):
    v = _values(indicators.indicator_values(engine, ALL, Q1))
    # htn is `last`: March has no rows, so February: (35+12+9+6)/(50+20+10+10).
    assert (v["htn"].numerator, v["htn"].denominator) == (62, 90)
    assert v["htn"].value == pytest.approx(6200 / 90)
    assert v["htn"].month == "2026-02"
    # fup is `sum` over the quarter.
    assert (v["fup"].numerator, v["fup"].denominator) == (10, 115)
    assert v["fup"].value == pytest.approx(1000 / 115)
    # pvs is county-level and `sum`; A's March row is 0/0 and adds nothing.
    assert (v["pvs"].numerator, v["pvs"].denominator) == (210, 500)
    assert v["pvs"].value == pytest.approx(42.0)
    assert v["ehr"].value == pytest.approx(13000 / 150)


def test_indicator_values_township_has_no_county_only_value(engine):
    v = _values(indicators.indicator_values(engine, WEST, Q1))
    assert v["htn"].value == pytest.approx(90.0)
    assert v["fup"].value == pytest.approx(0.0)
    assert pd.isna(v["pvs"].value) and pd.isna(v["pvs"].denominator)
    assert pd.isna(v["ehr"].value)


def test_indicator_zero_denominator_gives_no_value(engine):
    v = _values(indicators.indicator_values(engine, Scope(hm.C), Q1))
    # C's only htn row (January) is 0/0: no value, not 0.
    assert (v["htn"].numerator, v["htn"].denominator) == (0, 0)
    assert pd.isna(v["htn"].value)
    assert v["fup"].value == pytest.approx(10.0)
    march = _values(indicators.indicator_values(engine, COUNTY_A, Period.parse("2026-03")))
    assert pd.isna(march["pvs"].value)  # A's March row is 0/0
    assert pd.isna(march["htn"].value)  # no htn rows in March at all


# --- leagues: views.rankings.build, the one place they are computed ------------------------


def _league(df):
    return {r.area_code: (r.score, r.rank) for r in df.itertuples(index=False)}


def test_county_league_with_ties_and_missing_county(engine):
    table = rankings.build(engine, ALL, window_for(engine, Q1)).counties.table
    got = _league(table)
    # A: htn 56/80 = 70 → 1 (w2); fup 9/85 → 10/(900/85) = 85/90 (w1); pvs 90/200 = 45 → 0.9.
    assert got[hm.A][0] == pytest.approx(100 * (2 + 85 / 90 + 0.9) / 4)
    assert got[hm.B][0] == pytest.approx(95.0)  # fup 0 % → attainment 1
    assert got[hm.C][0] == pytest.approx(100.0)  # only fup has a value
    assert got[hm.D][0] == pytest.approx(100.0)
    assert pd.isna(got[hm.E][0]) and pd.isna(got[hm.E][1])
    assert [got[c][1] for c in (hm.C, hm.D, hm.A, hm.B)] == [1, 1, 3, 4]
    assert table["area_code"].tolist()[-1] == hm.E


def test_township_league_within_county(engine):
    got = _league(rankings.build(engine, COUNTY_A, window_for(engine, Q1)).townships.table)
    assert got[hm.WEST] == (pytest.approx(100.0), 1)
    assert got[hm.EAST][0] == pytest.approx(100 * (2 + 10 / 11.25) / 3)
    assert got[hm.EAST][1] == 2
    assert pd.isna(got[hm.EMPTY][0]) and pd.isna(got[hm.EMPTY][1])


def test_what_if_weights_change_ranks(engine):
    weights = {"htn": 0, "fup": 0, "pvs": 1}
    moved = rankings.what_if(engine, ALL, window_for(engine, Q1), "county", weights)
    got = _league(moved.table)
    assert got[hm.A] == (pytest.approx(90.0), 1)
    assert got[hm.B] == (pytest.approx(80.0), 2)
    assert pd.isna(got[hm.C][0]) and pd.isna(got[hm.C][1])
