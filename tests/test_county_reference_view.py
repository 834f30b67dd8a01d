"""views.county_reference (a township against its county) on tests/handmade.py, every
dialect; the expected figures are counted by hand from handmade's rows.

County A (清河县) has three townships: 东镇 (V1, V2), 西镇 (V3) and 空镇 (no villages).
Added here: 西镇's team T2 passes 7 of 10 re-checks in 2026-03, the same 70% as 东镇's T1,
so the two townships tie on 抽查合格率 and share rank 1.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data_access import chronic_levels
from data_access.periods import Period
from data_access.scope import Scope
from tests import handmade as hm
from tests.dbs import dialect_params, loaded_database, sqlite_file
from views import county_reference as cr

Q1 = Period.parse("2026-Q1")
EAST = Scope(hm.A, (hm.EAST,))
BOTH = Scope(hm.A, (hm.EAST, hm.WEST))
ROWS = {
    **hm.ROWS,
    "sample_check": [
        *hm.ROWS["sample_check"][:2],
        {"team_id": "T2", "month": "2026-03", "checked": 10, "passed": 7},
    ],
}


@pytest.fixture(scope="module", params=dialect_params())
def engine(request, tmp_path_factory):
    with loaded_database(request.param, ROWS, tmp_path_factory.mktemp(request.param)) as eng:
        yield eng


def rows(ref) -> dict[str, tuple[str, str, str]]:
    return {r.label: (r.own, r.county, r.rank_words) for r in ref.rows}


def test_only_for_chosen_townships(engine):
    assert cr.for_overview(engine, Scope(hm.A), Q1) is None
    assert cr.for_teams(engine, Scope(), Q1) is None
    assert cr.for_chronic(engine, Scope(hm.A), "2026-03", None) is None


def test_overview_against_the_county(engine):
    ref = cr.for_overview(engine, EAST, Q1)
    assert ref.title == "与全县比较（清河县，共 3 个乡镇）"
    got = rows(ref)
    # htn (last month with data, 2026-02): 东镇 (35+12)/(50+20) = 67.1%, 西镇 9/10 = 90%,
    # 清河县 56/80 = 70.0% (Σ over the county, not the mean of 67.1% and 90%).
    assert got["高血压患者规范管理率"] == ("67.1%", "70.0%", "第 2 / 2")
    # fup (sum, lower is better): 东镇 (2+1+1+3+2)/(60+20) = 11.25%, 西镇 0/5 = 0%,
    # 清河县 9/85 = 10.6%; 西镇 ranks first.
    assert got["慢病随访逾期率"][1:] == ("10.6%", "第 2 / 2")
    assert got["慢病随访逾期率"][0].startswith("11.")
    # pvs is reported by counties only: no township value, no rank; the county's 90/200.
    assert got["县域内基层医疗卫生机构门急诊占比"] == ("—", "45.0%", "—")
    # ehr: only 东镇 has rows (130/150): first of one.
    assert got["居民电子健康档案建档率"] == ("86.7%", "86.7%", "第 1 / 1")
    # Composite: 东镇 100 × (2 × 1 + 1 × 10/11.25) / 3 = 96.296…, 西镇 100 (fup 0 → 1).
    own, county, rank = got["综合得分（百分制）"]
    assert own.startswith("96.2") and county == "—" and rank == "第 2 / 2"


def test_chronic_against_the_county(engine):
    # 2026-03: 东镇 green 1 (V1 diab), yellow 1 (V2), red 1 (V1 htn); 西镇 green 1 (V3);
    # 清河县 green 2, yellow 1, red 1. 推送不到位: 东镇 V1 red at township, V2 yellow at
    # county (2 of 3); 西镇 V3 green at township (1 of 1); 清河县 3 of 4.
    ref = cr.for_chronic(engine, EAST, "2026-03", None)
    assert rows(ref) == {
        "绿标占比": ("33.3%", "50.0%", "第 2 / 2"),
        "黄标占比": ("33.3%", "25.0%", "第 2 / 2"),  # 西镇's 0% is best
        "红标占比": ("33.3%", "25.0%", "第 2 / 2"),
        "推送不到位占比": ("66.7%", "75.0%", "第 1 / 2"),
    }
    bar = ref.county_bar.set_index("color")["patients"].to_dict()
    assert bar == {"green": 2, "yellow": 1, "red": 1}


def test_village_lists_carry_the_county(engine):
    found = chronic_levels.mismatch_villages(engine, Scope(hm.A), "2026-03")
    # V1 (red at township), V2 (yellow at county), V3 (green at township): all in 清河县
    assert found[["village_name", "township_name", "county_name"]].values.tolist() == [
        ["三台村", "东镇", "清河县"],
        ["<b>高坡</b>村", "东镇", "清河县"],
        ["㵲水村", "西镇", "清河县"],
    ]


def test_chronic_small_cells_hide_shares_ranks_and_the_county_bar(engine):
    # A floor of 5: 东镇's counts of 1 form no share, and the county's rest (西镇: 1) would
    # give them away, so nothing but — is shown and the county bar is left out.
    ref = cr.for_chronic(engine, EAST, "2026-03", None, below=5)
    assert set(rows(ref).values()) == {("—", "—", "—")}
    assert ref.county_bar.empty


def test_teams_against_the_county_with_a_tie(engine):
    # Q1 services: T1 (东镇) 21 with 4 members, 1,500 residents, 12 by village doctors;
    # 西镇 T2 10 (7 by village doctors) and T3 0, 3 members, 800 residents.
    ref = cr.for_teams(engine, EAST, Q1)
    got = rows(ref)
    assert got["每千服务人口服务量（人次）"] == ("14.0", "13.5", "第 1 / 2")  # 31000/2300
    assert got["村医服务占比"] == ("57.1%", "61.3%", "第 2 / 2")  # 12/21; 19/31; 西镇 7/10
    # 抽查: 东镇 7/10 and 西镇 7/10 tie → both first; the county 14/20.
    assert got["抽查合格率"] == ("70.0%", "70.0%", "第 1 / 2")
    both = rows(cr.for_teams(engine, BOTH, Q1))
    assert both["抽查合格率"][2] == "东镇 第 1 / 2、西镇 第 1 / 2"
    assert both["人均服务量（人次/成员）"] == ("4.4", "4.4", "东镇 第 1 / 2、西镇 第 2 / 2")


def test_an_empty_township_has_no_rank(engine):
    ref = cr.for_teams(engine, Scope(hm.A, (hm.EMPTY,)), Q1)
    assert {r.rank_words for r in ref.rows} == {"—"}
    assert {r.own for r in ref.rows} == {"—"}


def test_ranks_tie_as_the_contract_says():
    assert cr.ranks({"a": 0.5, "b": 0.7, "c": 0.7, "d": None, "e": 0.1}, True) == {
        "a": 3,
        "b": 1,
        "c": 1,
        "d": None,
        "e": 4,
    }
    assert cr.ranks({"a": 0.5, "b": 0.7, "c": 0.5}, False) == {"a": 1, "b": 3, "c": 1}


# --- the pages, under AppTest -------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("page", ["overview", "chronic", "teams"])
def test_pages_show_the_panel(monkeypatch, tmp_path, page):
    monkeypatch.setenv("DASHBOARD_DB_URL", sqlite_file(tmp_path / "h.sqlite", ROWS))
    at = AppTest.from_file(str(ROOT / "dashboard" / "frame.py"), default_timeout=120)
    for key, value in {"county": hm.A, "township": hm.EAST, "period": "2026-Q1"}.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(str(ROOT / "pages" / f"{page}.py"))
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("与全县比较（清河县" in str(m.value) for m in at.markdown)
    tables = [d.value for d in at.dataframe if "在全县乡镇中排名" in d.value.columns]
    assert len(tables) == 1 and "本乡镇" in tables[0].columns


# --- drill-down from a league, in the app ---------------------------------------------------


def test_league_buttons_drill_to_a_county_then_a_township(monkeypatch, tmp_path):
    """The township league with no county chosen offers the counties in the page (the sidebar
    may be folded); a click narrows the filters as a map click does, URL included."""
    monkeypatch.setenv("DASHBOARD_DB_URL", sqlite_file(tmp_path / "h.sqlite", ROWS))
    at = AppTest.from_file(str(ROOT / "dashboard" / "frame.py"), default_timeout=120)
    at.query_params["period"] = "2026-Q1"
    at.query_params["tab"] = "township"
    at.run()
    at.switch_page(str(ROOT / "pages" / "rankings.py"))
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    picker = at.button_group(key="w_rank_pick_county")
    # names are data: escaped for the buttons' Markdown (O'Brien县 stays plain text)
    assert "清河县" in picker.options and "O\\'Brien县" in picker.options
    picker.set_value(hm.A).run()
    at.run()  # the pending scope is applied by the filters at the start of a run
    assert not at.exception, [e.message for e in at.exception]
    assert at.query_params["county"] == hm.A
    assert at.session_state["w_county"] == hm.A
    towns = at.button_group(key="w_rank_drill_township")
    towns.set_value(hm.WEST).run()
    at.run()
    assert list(at.session_state["w_townships"]) == [hm.WEST]
    assert at.session_state["s_rank_tab"] == "township"
