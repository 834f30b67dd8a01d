"""views.teams on tests/handmade.py plus one big team; expected figures worked out by hand.

Added: T6 大坪团队 in 西镇 (county A), 300 sign services by village doctors in 2026-03 and 38 of
40 re-checks passed. Q1 2026 services: T1 21 (东镇), T2 10, T3 0 (西镇), T4 0 (county B),
T5 1 (county C), T6 300. 抽查 in Q1: T1 7/10 (70%), T2 0/0, T6 38/40 (95%).

Under the old rule (upper quartile of the teams IN SCOPE) T1 was flagged through 东镇 (it is
the only team there, so it is its own quartile) but not through 清河县 (quartile of 10, 21, 300
= 160.5). The rule now is the team's own 抽查: T1 is flagged through both, and the page, the
slide and the 总览 alert count the same teams.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import export
from data_access.engine import create_readonly_engine
from data_access.periods import Period
from data_access.scope import Scope
from tests import handmade as hm
from tests.dbs import dialect_params, loaded_database, sqlite_file
from views import labels, overview, teams
from views.common import Window, header, window
from views.jsonable import jsonable
from views.meeting import attention_slides
from views.meeting.deck import DirectSources, Meeting

Q1 = Period.parse("2026-Q1")
DATA_MONTHS = ("2025-12", "2026-01", "2026-02", "2026-03")  # handmade's months with rows
Q1_WINDOW = window(Q1, DATA_MONTHS)  # previous 2025-Q4 has only December: not comparable

ROWS = {
    **hm.ROWS,
    "team": [
        *hm.ROWS["team"],
        {"team_id": "T6", "township_code": hm.WEST, "name": "大坪团队", "leader": "孙六"},
    ],
    "team_service": [
        *hm.ROWS["team_service"],
        hm.service_row("T6", "2026-03", "sign", "village", 300),
    ],
    "sample_check": [
        *hm.ROWS["sample_check"],
        {"team_id": "T6", "month": "2026-03", "checked": 40, "passed": 38},
    ],
}
SCOPES = {
    "township": Scope(hm.A, (hm.EAST,)),
    "county": Scope(hm.A),
    "all": Scope(),
}


@pytest.fixture(scope="module", params=dialect_params())
def engine(request, tmp_path_factory):
    with loaded_database(request.param, ROWS, tmp_path_factory.mktemp(request.param)) as eng:
        yield eng


def _flags(view) -> dict[str, bool]:
    return dict(zip(view.teams["team_id"], view.teams["flagged"], strict=True))


# --- the flag: the team's own figures, whatever the scope ------------------------------------


@pytest.mark.parametrize("where", list(SCOPES))
def test_flag_is_the_teams_own_pass_rate(engine, where):
    view = teams.build(engine, SCOPES[where], Q1_WINDOW)
    flags = _flags(view)
    assert flags["T1"] is True  # 7/10 = 70% < 80% on 10 re-checks, in every scope
    if "T6" in flags:
        assert flags["T6"] is False  # 38/40 = 95%
    assert view.flagged_count == 1
    assert list(view.flagged_teams["team_id"]) == ["T1"]
    # high volume is a secondary marker against every team of the database in Q1:
    # served 1, 10, 21, 300 → position 0.75 × 3 = 2.25 → 21 + 0.25 × 279 = 90.75
    assert view.high_volume_threshold == pytest.approx(90.75)
    busy = dict(zip(view.teams["team_id"], view.teams["high_volume"], strict=True))
    assert not busy["T1"]
    if "T6" in busy:
        assert busy["T6"]


@pytest.mark.parametrize("where", list(SCOPES))
def test_flagged_count_equals_the_overview_alert(engine, where):
    scope = SCOPES[where]
    view = teams.build(engine, scope, Q1_WINDOW)
    alert = {a.key: a.count for a in overview.build(engine, scope, Q1_WINDOW).alerts}
    assert alert.get("low_pass", 0) == view.flagged_count == 1


def test_team_detail_carries_the_same_flag(engine):
    for scope in (SCOPES["township"], SCOPES["county"]):
        detail = teams.team_detail(engine, scope, Q1_WINDOW, "T1", yuan_per_point=2.0)
        assert detail.flagged
        assert detail.figures["services"] == 21
        assert detail.funds == 73.0  # points 10×1.5 + 5×1.5 + 4×2 + 2×3 = 36.5, × 2 yuan
    assert teams.team_detail(engine, Scope(hm.A, (hm.WEST,)), Q1_WINDOW, "T1") is None


# --- like-for-like change ---------------------------------------------------------------------


def test_no_change_when_the_previous_period_is_incomplete(engine):
    view = teams.build(engine, SCOPES["county"], Q1_WINDOW)
    # 2025-Q4 has data only in December
    reason = "2025年第4季度数据不全（仅 1 个月有数据），无法同口径比较"
    for change in (view.services_change, view.village_share_change, view.pass_rate_change):
        assert change.change is None and change.reason == reason
    assert view.services_change.now == 331  # T1 21 + T2 10 + T3 0 + T6 300


def test_no_change_for_a_year_cut_to_its_months_with_data(engine):
    year = window(Period.parse("2026"), DATA_MONTHS)  # 2026 through March vs 2025 Jan–Mar
    view = teams.build(engine, SCOPES["county"], year)
    assert view.window.label == "2026年（截至3月）"
    assert view.services_change.change is None
    assert view.services_change.reason == "2025年1–3月无数据，无法比较"


def test_change_of_a_comparable_month(engine):
    feb = window(Period.parse("2026-02"), DATA_MONTHS)  # vs January, which has data
    view = teams.build(engine, SCOPES["county"], feb)
    # February: T1 4 (county level), T2 7 (village) = 11; January: T1 10 village + 5 township
    assert (view.services_change.now, view.services_change.previous) == (11, 15)
    assert view.services_change.change == pytest.approx(11 / 15 - 1)
    # village-doctor share 7/11 vs 10/15, in percentage points
    assert view.village_share_change.change == pytest.approx(100 * (7 / 11 - 10 / 15))
    # no 抽查 in either month: no pass rate, no change, and the page says why
    assert view.pass_rate_change.change is None
    assert view.flagged_count == 0 and not view.checks_available
    assert view.last_check_month == "2025-12"
    assert "抽查按季度开展，最近一次抽查在2025年12月" in view.no_checks_reason


def test_change_of_a_comparable_quarter(engine):
    full = Window(Q1, Period.parse("2025-Q4"), ("2025-10", "2025-11", "2025-12"))
    view = teams.build(engine, SCOPES["county"], full)
    # Q1 331 against 2025-Q4's 100 (T1's December signs)
    assert view.services_change.change == pytest.approx(331 / 100 - 1)
    # 抽查: Q1 (7 + 38) / (10 + 40) = 90%; Q4 T1 5/5 = 100% → −10 percentage points
    assert view.totals["pass_rate"] == pytest.approx(0.9)
    assert view.pass_rate_change.change == pytest.approx(-10.0)


# --- the slide renders the model ----------------------------------------------------------------


def _slide(engine, scope, win):
    m = Meeting(header(engine, scope), win)
    return attention_slides.teams(DirectSources(engine, scope, win), m)


def test_slide_figures_equal_the_model(engine):
    for scope in SCOPES.values():
        view = teams.build(engine, scope, Q1_WINDOW)
        slide = _slide(engine, scope, Q1_WINDOW)
        assert slide.flagged == view.flagged_count == 1
        assert slide.teams == len(view.teams)
        assert list(slide.rows["team_id"]) == ["T1"]
        assert slide.message == f"1 个团队{teams.FLAG_RULE}"
        sheet = slide.sheets["团队工作量"].set_index("团队编号")
        assert sheet.loc["T1", teams.FLAG_COLUMN] == "⚑ 是"
        assert sheet.loc["T1", "服务量（人次）"] == 21


def test_slide_of_a_month_without_checks_says_so(engine):
    feb = window(Period.parse("2026-02"), DATA_MONTHS)
    slide = _slide(engine, SCOPES["county"], feb)
    assert not slide.empty
    assert slide.message == "2026年2月没有抽查记录，本期不标记团队（4 个团队）"
    assert "抽查按季度开展" in slide.no_checks
    assert slide.flagged == 0 and slide.rows.empty


# --- the page, under AppTest --------------------------------------------------------------------

APP = Path(__file__).resolve().parents[1] / "dashboard" / "frame.py"
PAGE = Path(__file__).resolve().parents[1] / "pages" / "teams.py"
TIMEOUT_S = 120  # a cold first run imports plotly, pandas and the drivers


@pytest.fixture(scope="module")
def db_url(tmp_path_factory):
    path = tmp_path_factory.mktemp("teams_view") / "teams.sqlite"
    return sqlite_file(path, ROWS)


@pytest.fixture(scope="module")
def county_view(db_url):
    engine = create_readonly_engine(db_url)
    try:
        yield teams.build(engine, SCOPES["county"], Q1_WINDOW)
    finally:
        engine.dispose()


def open_page(monkeypatch, url: str, **params) -> AppTest:
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    monkeypatch.delenv("DASHBOARD_YUAN_PER_POINT", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(str(PAGE))
    return at.run()


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def test_page_shows_the_models_figures(monkeypatch, db_url, county_view):
    at = open_page(monkeypatch, db_url, county=hm.A, period="2026-Q1")
    assert not at.exception, [e.message for e in at.exception]
    shown = {m.label: m for m in at.metric}
    totals = county_view.totals
    assert shown["团队"].value == f"{len(county_view.teams)} 个" == "4 个"
    assert shown["服务总量"].value == labels.compact_number(totals["services"]) == "331"
    assert shown["积分"].value == labels.compact_number(totals["points"])
    assert shown[labels.PASS_RATE].value == labels.fraction_pct(totals["pass_rate"]) == "90.0%"
    # not comparable: no delta, and the reason is on screen
    assert not shown["服务总量"].delta
    captions = texts(at.caption)
    assert "2025年第4季度数据不全" in captions
    assert f"本期 {county_view.flagged_count} 个团队被标记" in captions
    assert at.query_params["tab"] == "overview"


def test_tab_link_opens_the_list_and_tab_changes_write_the_url(monkeypatch, db_url, county_view):
    at = open_page(monkeypatch, db_url, county=hm.A, period="2026-Q1", tab="list")
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["w_team_view"] == "团队列表"
    table = at.dataframe[0].value
    assert list(table["团队"]) == list(county_view.table()["团队"])
    assert list(table[teams.FLAG_COLUMN]) == ["⚑ 是", "", "", ""]
    assert "本期 1 个团队被标记" in texts(at.caption)
    at.session_state["w_team_view"] = "团队详情"
    at.run()
    assert at.query_params["tab"] == "detail"


def test_month_without_checks_says_so_on_the_page(monkeypatch, db_url):
    at = open_page(monkeypatch, db_url, county=hm.A, period="2026-02")
    assert not at.exception, [e.message for e in at.exception]
    assert "抽查按季度开展" in texts(at.info)


# --- export --view teams ------------------------------------------------------------------------


def test_export_view_equals_the_model(db_url, tmp_path, county_view):
    out = tmp_path / "teams.json"
    argv = ["--db", db_url, "--period", "2026-Q1", "--county", hm.A, "--view", "teams"]
    assert export.main([*argv, "-o", str(out)]) == 0
    got = json.loads(out.read_text(encoding="utf-8"))
    expected = json.loads(json.dumps({"view": "teams", **jsonable(county_view)}))
    assert got == expected
    assert got["flagged_count"] == 1
