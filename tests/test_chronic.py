"""慢病三色 queries on a hand-made database of their own, on every dialect, plus the page itself.

The areas are tests/handmade.py's; the chronic rows are replaced by the ones below, small
enough to count by hand. Patients (h = hypertension, d = diabetes):

    patient  2025-12             2026-01            2026-03               note
    a h      V1 green village    V1 green village   V1 yellow township    escalated
    a d      V1 green village    -                  V1 green village
    b h      V1 green village    V1 yellow township V1 green village
    c h      V1 yellow township  -                  V1 green township     improved; mismatch
    d h      V2 red county       V2 red county      V2 red township       mismatch
    e h      V2 yellow village   -                  -                     leaves
    f h      V3 green village    -                  V3 red county         escalated
    g d      V3 red township     -                  V3 yellow township    improved
    k h      V4 green village    V4 green village   V4 red county         county B
    r h      V1 yellow township  -                  V3 yellow township    moves east → west
    m h      -                   -                  V2 red county         enters
    n h      -                   -                  V3 green village      enters
    p d      -                   -                  V1 green county       enters; mismatch
    q h      2025-11 only: V1 red county

2026-02 has no rows at all. V1, V2 are in 东镇 (V1 一类, V2 二类), V3 in 西镇 (一类), all
in county A; V4 is in county B (二类).
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data_access import chronic, chronic_flows, chronic_levels
from data_access.periods import Period
from data_access.scope import Scope
from tests import handmade as hm
from tests.dbs import dialect_params, loaded_database, sqlite_file
from tests.handmade import chronic_row
from views.chronic import mismatch_at

V1, V2, V3, V4 = hm.V1, hm.V2, hm.V3, hm.V4
ALL = Scope()
COUNTY_A = Scope(hm.A)
EAST = Scope(hm.A, (hm.EAST,))
WEST = Scope(hm.A, (hm.WEST,))
Q1 = Period.parse("2026-Q1")


H, D = "hypertension", "diabetes"
CHRONIC_ROWS = [
    chronic_row("2025-11", "q", V1, H, "red", "county"),
    chronic_row("2025-12", "a", V1, H, "green", "village"),
    chronic_row("2025-12", "a", V1, D, "green", "village"),
    chronic_row("2025-12", "b", V1, H, "green", "village"),
    chronic_row("2025-12", "c", V1, H, "yellow", "township"),
    chronic_row("2025-12", "d", V2, H, "red", "county"),
    chronic_row("2025-12", "e", V2, H, "yellow", "village"),
    chronic_row("2025-12", "f", V3, H, "green", "village"),
    chronic_row("2025-12", "g", V3, D, "red", "township"),
    chronic_row("2025-12", "k", V4, H, "green", "village"),
    chronic_row("2025-12", "r", V1, H, "yellow", "township"),
    chronic_row("2026-01", "a", V1, H, "green", "village"),
    chronic_row("2026-01", "b", V1, H, "yellow", "township"),
    chronic_row("2026-01", "d", V2, H, "red", "county"),
    chronic_row("2026-01", "k", V4, H, "green", "village"),
    chronic_row("2026-03", "a", V1, H, "yellow", "township"),
    chronic_row("2026-03", "a", V1, D, "green", "village"),
    chronic_row("2026-03", "b", V1, H, "green", "village"),
    chronic_row("2026-03", "c", V1, H, "green", "township"),
    chronic_row("2026-03", "d", V2, H, "red", "township"),
    chronic_row("2026-03", "f", V3, H, "red", "county"),
    chronic_row("2026-03", "g", V3, D, "yellow", "township"),
    chronic_row("2026-03", "k", V4, H, "red", "county"),
    chronic_row("2026-03", "r", V3, H, "yellow", "township"),
    chronic_row("2026-03", "m", V2, H, "red", "county"),
    chronic_row("2026-03", "n", V3, H, "green", "village"),
    chronic_row("2026-03", "p", V1, D, "green", "county"),
]


def chronic_rows() -> dict:
    rows = copy.deepcopy(hm.ROWS)
    rows["chronic_status"] = CHRONIC_ROWS
    return rows


@pytest.fixture(scope="module", params=dialect_params())
def engine(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"chronic_{request.param}")
    with loaded_database(request.param, chronic_rows(), folder) as eng:
        yield eng


def records(df, columns):
    return [tuple(r) for r in df[columns].itertuples(index=False)]


# --- months ---------------------------------------------------------------------------------


def test_snapshot_and_previous_months(engine):
    assert chronic.snapshot_month(engine, ALL, Q1) == "2026-03"
    assert chronic.snapshot_month(engine, ALL, Period.parse("2026-02")) is None  # no data
    assert chronic.snapshot_month(engine, ALL, Period.parse("2026-01"), D) is None
    assert chronic.month_before(engine, ALL, Q1.first_month) == "2025-12"  # across the year
    # a month period whose previous month has no data falls back to the last month with data
    assert chronic.month_before(engine, ALL, "2026-03") == "2026-01"
    assert chronic.month_before(engine, ALL, "2025-11") is None
    # more than a year without data: found beyond the first look-back window
    assert chronic.month_before(engine, ALL, "2027-06") == "2026-03"
    assert chronic.month_before(engine, WEST, "2026-03", D) == "2025-12"


# --- distribution ---------------------------------------------------------------------------


def test_colors_by_county(engine):
    df = chronic.colors_by_area(engine, ALL, "2026-03", "county")
    assert sorted(records(df, ["area_code", "area_name", "color", "patients"])) == [
        (hm.A, "清河县", "green", 5),
        (hm.A, "清河县", "red", 3),
        (hm.A, "清河县", "yellow", 3),
        (hm.B, "O'Brien县", "red", 1),
    ]


def test_colors_by_township_and_disease(engine):
    df = chronic.colors_by_area(engine, COUNTY_A, "2026-03", "township")
    assert sorted(records(df, ["area_code", "area_name", "color", "patients"])) == [
        (hm.EAST, "东镇", "green", 4),
        (hm.EAST, "东镇", "red", 2),
        (hm.EAST, "东镇", "yellow", 1),
        (hm.WEST, "西镇", "green", 1),
        (hm.WEST, "西镇", "red", 1),
        (hm.WEST, "西镇", "yellow", 2),
    ]
    htn = chronic.colors_by_area(engine, WEST, "2026-03", "township", H)
    assert sorted(records(htn, ["area_code", "color", "patients"])) == [
        (hm.WEST, "green", 1),
        (hm.WEST, "red", 1),
        (hm.WEST, "yellow", 1),
    ]
    with pytest.raises(ValueError):
        chronic.colors_by_area(engine, ALL, "2026-03", "village")


def test_color_shares(engine):
    df = chronic.colors_by_area(engine, EAST, "2026-03", "township")
    shares = chronic.color_shares(df, "area_code")
    assert records(shares, ["color", "patients"]) == [("green", 4), ("yellow", 1), ("red", 2)]
    assert shares["share"].tolist() == pytest.approx([4 / 7, 1 / 7, 2 / 7])
    whole = chronic.color_shares(chronic.color_distribution(engine, ALL, "2026-03"))
    assert records(whole, ["color", "patients"]) == [("green", 5), ("yellow", 3), ("red", 4)]
    assert whole["share"].tolist() == pytest.approx([5 / 12, 3 / 12, 4 / 12])


def test_by_village_class(engine):
    df = chronic.color_distribution_by(engine, ALL, "2026-03", "village_class")
    assert sorted(records(df, ["village_class", "color", "patients"])) == [
        (1, "green", 5),
        (1, "red", 1),
        (1, "yellow", 3),
        (2, "red", 3),
    ]


def test_trend_with_a_month_without_data(engine):
    months = ("2025-12", "2026-01", "2026-02", "2026-03")
    df = chronic.color_trend(engine, ALL, months)
    assert records(df, ["month", "color", "patients"]) == [
        ("2025-12", "green", 5),
        ("2025-12", "red", 2),
        ("2025-12", "yellow", 3),
        ("2026-01", "green", 2),
        ("2026-01", "red", 1),
        ("2026-01", "yellow", 1),
        ("2026-03", "green", 5),
        ("2026-03", "red", 4),
        ("2026-03", "yellow", 3),
    ]  # 2026-02 is absent, not zero
    january = chronic.color_shares(df[df["month"] == "2026-01"], "month")
    assert january["share"].tolist() == pytest.approx([0.5, 0.25, 0.25])
    west = chronic.color_trend(engine, WEST, months, D)
    assert records(west, ["month", "color", "patients"]) == [
        ("2025-12", "red", 1),
        ("2026-03", "yellow", 1),
    ]


# --- transitions ----------------------------------------------------------------------------


def flows(df):
    """(from, to, rows) over all diseases: the Sankey's links."""
    summed = df.groupby(["from_color", "to_color"], dropna=False, as_index=False)["patients"].sum()
    ends = summed[["from_color", "to_color"]].astype(object)
    summed[["from_color", "to_color"]] = ends.where(ends.notna(), None)
    return sorted(
        records(summed, ["from_color", "to_color", "patients"]),
        key=lambda r: (r[0] or "~", r[1] or "~"),
    )


def test_flows_across_the_year_boundary(engine):
    df = chronic_flows.transition_flows(engine, ALL, "2025-12", "2026-03")
    assert flows(df) == [
        ("green", "green", 2),  # b, a (diabetes)
        ("green", "red", 2),  # f, k
        ("green", "yellow", 1),  # a
        ("red", "red", 1),  # d
        ("red", "yellow", 1),  # g
        ("yellow", "green", 1),  # c
        ("yellow", "yellow", 1),  # r
        ("yellow", None, 1),  # e left
        (None, "green", 2),  # n, p entered
        (None, "red", 1),  # m entered
    ]
    summary = chronic_flows.summarize_transitions(df)
    assert summary == chronic_flows.TransitionSummary(
        escalated=3, improved=2, unchanged=4, entered=3, left=1
    )
    # the rows present at both ends, split by disease, add up to the colour-to-colour flows
    both = df.dropna(subset=["from_color", "to_color"])
    assert both["patients"].sum() == 9 and set(both["disease"]) <= set(chronic.DISEASES)


def test_flows_within_a_scope_add_up_to_both_ends(engine):
    west = chronic_flows.transition_flows(engine, WEST, "2025-12", "2026-03")
    assert flows(west) == [
        ("green", "red", 1),  # f
        ("red", "yellow", 1),  # g
        (None, "green", 1),  # n entered
        (None, "yellow", 1),  # r moved in from 东镇
    ]
    east = chronic_flows.transition_flows(engine, EAST, "2025-12", "2026-03")
    assert flows(east) == [
        ("green", "green", 2),
        ("green", "yellow", 1),
        ("red", "red", 1),
        ("yellow", "green", 1),
        ("yellow", None, 2),  # e left, r moved away to 西镇
        (None, "green", 1),
        (None, "red", 1),
    ]
    # the left side is 东镇's December: green a, a, b; yellow c, e, r; red d
    start = east.groupby("from_color")["patients"].sum().to_dict()
    assert start == {"green": 3, "yellow": 3, "red": 1}


def test_flows_over_a_month_without_data(engine):
    # 2026-03 as a month period: 2026-02 has no rows, so the start is 2026-01
    df = chronic_flows.transition_flows(engine, ALL, "2026-01", "2026-03")
    summary = chronic_flows.summarize_transitions(df)
    assert summary == chronic_flows.TransitionSummary(
        escalated=2, improved=1, unchanged=1, entered=8, left=0
    )
    assert (
        chronic_flows.transition_flows(engine, ALL, "2026-02", "2026-03")["from_color"].isna().all()
    )


def test_flows_by_disease(engine):
    df = chronic_flows.transition_flows(engine, ALL, "2025-12", "2026-03", D)
    assert flows(df) == [("green", "green", 1), ("red", "yellow", 1), (None, "green", 1)]


# --- managed at the wrong level -------------------------------------------------------------


def test_managed_levels_and_mismatch_by_color(engine):
    levels = chronic_levels.managed_levels(engine, ALL, "2026-03")
    assert sorted(records(levels, ["color", "managed_level", "patients"])) == [
        ("green", "county", 1),
        ("green", "township", 1),
        ("green", "village", 3),
        ("red", "county", 3),
        ("red", "township", 1),
        ("yellow", "township", 3),
    ]
    by_color = chronic_levels.mismatch_by_color(levels)
    assert records(by_color, ["color", "expected_level", "patients", "mismatched"]) == [
        ("green", "village", 5, 2),
        ("yellow", "township", 3, 0),
        ("red", "county", 4, 1),
    ]
    assert by_color["mismatch_share"].tolist() == pytest.approx([0.4, 0.0, 0.25])
    assert records(chronic_levels.misplaced(levels), ["color", "managed_level", "patients"]) == [
        ("green", "county", 1),
        ("green", "township", 1),
        ("red", "township", 1),
    ]


def test_mismatch_by_area(engine):
    by_county = chronic_levels.mismatch_by_area(engine, ALL, "2026-03", "county")
    assert records(by_county, ["area_code", "patients", "mismatched"]) == [
        (hm.A, 11, 3),
        (hm.B, 1, 0),
    ]
    assert by_county["mismatch_share"].tolist() == pytest.approx([3 / 11, 0.0])
    by_town = chronic_levels.mismatch_by_area(engine, COUNTY_A, "2026-03", "township")
    assert records(by_town, ["area_code", "area_name", "patients", "mismatched"]) == [
        (hm.EAST, "东镇", 7, 3),
        (hm.WEST, "西镇", 4, 0),
    ]
    # the same count as the 推送不到位 figure of the county (all colours)
    assert by_town["mismatched"].sum() == mismatch_at(engine, COUNTY_A, "2026-03", None).mismatched


def test_mismatch_villages(engine):
    df = chronic_levels.mismatch_villages(engine, COUNTY_A, "2026-03")
    assert records(
        df, ["village_code", "village_name", "township_name", "patients", "mismatched"]
    ) == [
        (V1, "三台村", "东镇", 5, 2),
        (V2, "<b>高坡</b>村", "东镇", 2, 1),
    ]
    assert df["mismatch_share"].tolist() == pytest.approx([0.4, 0.5])
    assert chronic_levels.mismatch_villages(engine, WEST, "2026-03").empty
    diabetes = chronic_levels.mismatch_villages(engine, ALL, "2026-03", D)
    assert records(diabetes, ["village_code", "patients", "mismatched"]) == [(V1, 2, 1)]


# --- villages with the most red -------------------------------------------------------------


def test_red_share_villages(engine):
    df = chronic.red_share_villages(engine, ALL, "2026-03", min_patients=2)
    assert records(df, ["village_code", "village_class", "patients", "red"]) == [
        (V2, 2, 2, 2),
        (V3, 1, 4, 1),
    ]  # V1 has no red; V4 has one patient only
    assert df["red_share"].tolist() == pytest.approx([1.0, 0.25])
    # equal shares: more red patients first
    one = chronic.red_share_villages(engine, ALL, "2026-03", min_patients=1)
    assert one["village_code"].tolist() == [V2, V4, V3]
    assert chronic.red_share_villages(engine, ALL, "2026-03", min_patients=1, limit=1)[
        "village_code"
    ].tolist() == [V2]
    # the default minimum keeps villages this small out
    assert chronic.red_share_villages(engine, ALL, "2026-03").empty
    west = chronic.red_share_villages(engine, WEST, "2026-03", H, min_patients=1)
    assert records(west, ["village_code", "township_name", "patients", "red"]) == [
        (V3, "西镇", 3, 1)
    ]


# --- the page -------------------------------------------------------------------------------

APP = Path(__file__).resolve().parents[1] / "dashboard" / "frame.py"
PAGE = Path(__file__).resolve().parents[1] / "pages" / "chronic.py"
TIMEOUT_S = 120  # a cold first run imports plotly, pandas and the drivers


@pytest.fixture(scope="module")
def db_url(tmp_path_factory):
    path = tmp_path_factory.mktemp("chronic_app") / "chronic.sqlite"
    return sqlite_file(path, chronic_rows())


def open_page(monkeypatch, url: str, **params) -> AppTest:
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    return at.switch_page(str(PAGE)).run()


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def test_page_figures(monkeypatch, db_url):
    def tab(key: str | None = None) -> AppTest:  # a tab is drawn only when open (?tab=)
        extra = {"tab": key} if key else {}
        at = open_page(monkeypatch, db_url, county=hm.A, period="2026-Q1", **extra)
        assert not at.exception, [e.message for e in at.exception]
        return at

    metrics = {m.label: m.value for m in tab().metric}
    assert metrics["在管慢病患者"] == "11 人次"
    assert metrics["绿标（5 人次）"] == "45.5%"
    metrics = {m.label: m.value for m in tab("trend").metric}
    assert metrics["升级（病情加重）"] == "2"  # a, f (k is in county B)
    assert metrics["好转（降级）"] == "2"  # c, g
    assert "推送不到位 **3** 人次" in texts(tab("mismatch").markdown)
    unknown = tab("<script>")  # an unknown tab: the first one, and the URL cleaned
    assert "在管慢病患者" in {m.label for m in unknown.metric}
    assert "tab" not in unknown.query_params


def test_page_settings_follow_the_url(monkeypatch, db_url):
    at = open_page(monkeypatch, db_url, county=hm.A, period="2026-Q1", disease=D, palette="cb")
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["w_chronic_disease"] == D
    assert at.session_state["w_colorblind"] is True
    assert {m.label: m.value for m in at.metric}["在管糖尿病患者"] == "3 人"
    at.toggle(key="w_colorblind").set_value(False).run()
    assert "palette" not in at.query_params
    at = open_page(monkeypatch, db_url, disease="<script>")  # unknown: all diseases
    assert not at.exception
    assert "disease" not in at.query_params


def test_page_without_data(monkeypatch, db_url):
    at = open_page(monkeypatch, db_url, period="2026-02")
    assert not at.exception
    assert "没有慢病三色管理数据" in texts(at.info)
    at = open_page(monkeypatch, db_url, county=hm.A, township=hm.EMPTY, period="2026-Q1")
    assert not at.exception
    assert "没有慢病三色管理数据" in texts(at.info)


def test_misplaced_rows_keep_one_order_whatever_order_the_database_gave_ties():
    """PostgreSQL and MariaDB return rows that tie in any order: equal counts are ordered by
    colour and level, and a colour outside the contract comes last, by name."""
    import pandas as pd

    rows = [
        ("green", "county", 4, 4),
        ("green", "township", 4, 4),
        ("green", "village", 9, 0),
        ("purple", "village", 1, 1),
        ("blue", "village", 1, 1),
        ("red", "village", 4, 4),
    ]
    columns = ["color", "managed_level", "patients", "mismatched"]
    for order in (rows, rows[::-1]):
        levels = pd.DataFrame(order, columns=columns)
        assert [tuple(r) for r in chronic_levels.misplaced(levels).itertuples(index=False)] == [
            ("green", "county", 4),
            ("green", "township", 4),
            ("red", "village", 4),
            ("blue", "village", 1),
            ("purple", "village", 1),
        ]
        by_color = chronic_levels.mismatch_by_color(levels)
        assert by_color["color"].tolist() == ["green", "red", "blue", "purple"]
