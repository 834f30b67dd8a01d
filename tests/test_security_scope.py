"""League tables never widen a role's scope: the page, the slides, the brief, the export.

Hand-made database (tests/handmade.py), February 2026 against January. County league
(tests/test_rankings_view.py): 清河县 A 100 and 丁县 D 100 share 第 1 名, O'Brien县 B 86.66…
第 3 名; 丙县 C and 戊县 E have no score: 3 counties ranked. Township league of A: 东镇 and
西镇 both 100 (第 1 名, tied), 空镇 has no data: 2 townships ranked.
"""

from __future__ import annotations

import io
import json
import threading
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from dashboard import audit, auth, brief, export, navigation
from dashboard.charts.ranking_tables import HIGHLIGHT_MARK
from data_access.periods import Period
from data_access.scope import Scope
from pages import rankings_state
from tests import handmade as hm
from tests.dbs import sqlite_file
from tests.rankings_page import shown_league
from views import rankings
from views.common import window_for
from views.meeting import deck

APP = Path(__file__).resolve().parents[1] / "dashboard" / "frame.py"
TIMEOUT_S = 120
PASSWORD = "scope test"
HASH = auth.hash_password(PASSWORD)
FEB = Period.parse("2026-02")
OTHER_COUNTIES = ("O'Brien县", "丙县", "丁县", "戊县")
COUNTY_ROLE = Scope(hm.A)
TOWNSHIP_ROLE = Scope(hm.A, (hm.WEST,))


@pytest.fixture(scope="module")
def db_url(tmp_path_factory):
    path = tmp_path_factory.mktemp("scope") / "handmade.sqlite"
    return sqlite_file(path, hm.ROWS)


@pytest.fixture(scope="module")
def engine(db_url):
    eng = sa.create_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def env(monkeypatch, db_url, tmp_path):
    # Own account names: tests/test_auth.py locks its `west` in the same server process.
    users = tmp_path / "users.toml"
    users.write_text(
        f"""
[users.s_admin]
password_hash = "{HASH}"
role = "admin"
[users.s_leader]
password_hash = "{HASH}"
role = "leader"
[users.s_county]
password_hash = "{HASH}"
role = "county"
county = "{hm.A}"
[users.s_west]
password_hash = "{HASH}"
role = "township"
county = "{hm.A}"
townships = ["{hm.WEST}"]
""",
        encoding="utf-8",
    )
    monkeypatch.setenv("DASHBOARD_DB_URL", db_url)
    monkeypatch.delenv("DASHBOARD_AUTH", raising=False)
    monkeypatch.setenv("DASHBOARD_USERS_FILE", str(users))
    monkeypatch.setenv("DASHBOARD_AUDIT_DIR", str(tmp_path / "audit"))
    return tmp_path


def events(folder: Path) -> list[dict]:
    path = folder / "audit" / audit.FILE_NAME
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# --- the model ---------------------------------------------------------------------------------


def test_county_role_model_holds_its_county_only(engine):
    view = rankings.build(engine, COUNTY_ROLE, window_for(engine, FEB), visible=COUNTY_ROLE)
    league = view.counties
    assert league.cut and league.table["name"].tolist() == ["清河县"]
    assert league.table["rank"].tolist() == [1] and league.total_ranked == 3
    assert league.rank_words(1) == "第 1 名 / 共 3 个县区"
    for part in (league.values, league.monthly, league.monthly_scores, league.lost):
        assert set(part["area_code"]) <= {hm.A}
    assert league.overall.empty  # the all-county total less A would give the others away
    # The county role sees all of its own county's townships.
    assert not view.townships.cut
    assert view.townships.table["name"].tolist() == ["东镇", "西镇", "空镇"]


def test_township_role_model_holds_its_township_only(engine):
    view = rankings.build(engine, TOWNSHIP_ROLE, window_for(engine, FEB), visible=TOWNSHIP_ROLE)
    assert view.counties.table["name"].tolist() == ["清河县"]
    towns = view.townships
    assert towns.table["name"].tolist() == ["西镇"] and towns.table["rank"].tolist() == [1]
    assert towns.rank_words(1) == "第 1 名 / 共 2 个乡镇"
    assert set(towns.lost["area_code"]) <= {hm.WEST}
    moved = rankings.what_if(
        engine, TOWNSHIP_ROLE, view.window, "township", {"htn": 1, "fup": 1, "pvs": 1},
        TOWNSHIP_ROLE,
    )  # fmt: skip
    assert moved.table["area_code"].tolist() == [hm.WEST] and moved.total_ranked == 2


def test_everything_roles_see_every_county(engine):
    view = rankings.build(engine, COUNTY_ROLE, window_for(engine, FEB), visible=None)
    assert not view.counties.cut and len(view.counties.table) == 5
    assert auth.User("a", "a", "admin").area is None
    assert auth.User("l", "l", "leader").area is None
    assert auth.User("c", "c", "county", hm.A).area == COUNTY_ROLE
    assert auth.User("w", "w", "township", hm.A, (hm.WEST,)).area == TOWNSHIP_ROLE


# --- slides, brief, export ---------------------------------------------------------------------


def test_slides_and_brief_workbook_show_no_other_area(engine):
    window = window_for(engine, FEB)
    meeting = deck.build(engine, TOWNSHIP_ROLE, window, TOWNSHIP_ROLE)
    slides = {s.key: s for s in meeting.slides}
    assert slides["counties"].league["name"].tolist() == ["清河县"]
    assert slides["counties"].total == 3
    assert slides["counties"].message.startswith("清河县综合得分 100.0，在全部 3 个县区中排第 1 名")
    assert slides["townships"].league["name"].tolist() == ["西镇"]
    assert "2 个乡镇中排第 1 名" in slides["townships"].message

    book = openpyxl.load_workbook(
        io.BytesIO(brief.xlsx_bytes(engine, TOWNSHIP_ROLE, window, TOWNSHIP_ROLE))
    )
    text = "\n".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row)
    assert "清河县" in text and "西镇" in text
    for name in (*OTHER_COUNTIES, "东镇", "空镇"):
        assert name not in text, name


def test_export_cli_as_a_user(env, db_url, tmp_path):
    out = tmp_path / "rankings.json"
    args = ["--db", db_url, "--period", "2026-02", "--county", hm.B, "--user", "s_west"]
    assert export.main([*args, "--view", "rankings", "-o", str(out)]) == 0
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["scope"]["county_code"] == hm.A
    assert written["scope"]["township_codes"] == [hm.WEST]
    assert [r["name"] for r in written["counties"]["table"]] == ["清河县"]
    assert [r["name"] for r in written["townships"]["table"]] == ["西镇"]
    report = tmp_path / "report.json"
    assert export.main([*args[:-2], "--user", "s_county", "-o", str(report)]) == 0
    ranking = json.loads(report.read_text(encoding="utf-8"))["county_ranking"]
    assert [r["county_code"] for r in ranking] == [hm.A]
    assert export.main([*args[:-1], "nobody", "-o", str(report)]) == 2
    rows = [r for r in events(env) if r["event"] == "export"]
    assert [(r["user"], r["scope"], r["what"]) for r in rows] == [
        ("cli:s_west", f"{hm.A}/{hm.WEST}", "json: rankings"),
        ("cli:s_county", hm.A, "json: report"),
    ]


def test_brief_files_are_audited_as_the_user_who_clicked(env, engine):
    window = window_for(engine, FEB)
    audit.set_actor("s_county", hm.A)
    build = audit.deferred(lambda: brief.xlsx_bytes(engine, COUNTY_ROLE, window, COUNTY_ROLE))
    audit.set_actor(None)
    done = threading.Thread(target=build)  # as Streamlit builds a download: another thread
    done.start()
    done.join()
    rows = [r for r in events(env) if r["event"] == "export"]
    assert [(r["user"], r["scope"], r["period"], r["what"]) for r in rows] == [
        ("s_county", hm.A, "2026-02", "周报 Excel: 周报_清河县_2026年2月")
    ]


# --- the app, per role -------------------------------------------------------------------------


def signed_in(username: str, **params) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.query_params.update({"period": "2026-02", **params})
    at.run()
    at.text_input(key="w_auth_username").input(username)
    at.text_input(key="w_auth_password").input(PASSWORD)
    return at.button[0].click().run()


def rankings_page(at: AppTest, tab: str = "county") -> AppTest:
    at.session_state[rankings_state.S_RANK_TAB] = tab
    at.switch_page(str(navigation.PAGES_DIR / navigation.VIEWS["rankings"][0])).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def captions(at: AppTest) -> str:
    return "\n".join(str(c.value) for c in at.caption)


@pytest.mark.parametrize(
    ("username", "counties"),
    [
        ("s_admin", ["清河县", "丁县", "O'Brien县", "丙县", "戊县"]),
        ("s_leader", ["清河县", "丁县", "O'Brien县", "丙县", "戊县"]),
        ("s_county", ["清河县"]),
        ("s_west", ["清河县"]),
    ],
)
def test_rankings_page_per_role(env, username, counties):
    at = rankings_page(signed_in(username, county=hm.A))
    shown = shown_league(at)["县区"].str.removeprefix(HIGHLIGHT_MARK)
    assert shown.tolist() == counties
    if len(counties) == 1:
        assert "清河县 第 1 名 / 共 3 个县区" in captions(at)


def test_township_role_sees_its_township_rank(env):
    at = rankings_page(signed_in("s_west"), "township")
    assert shown_league(at)["乡镇"].tolist() == [HIGHLIGHT_MARK + "西镇"]
    assert "西镇 第 1 名 / 共 2 个乡镇" in captions(at)


def test_county_role_meeting_slide_shows_its_county_only(env):
    at = signed_in("s_county", mode="meeting", slide="counties")
    assert not at.exception, [e.message for e in at.exception]
    shown = "\n".join(str(m.value) for m in at.markdown)
    assert "清河县" in shown and "全部 3 个县区中排第 1 名" in shown
    for name in OTHER_COUNTIES:
        assert name.replace("'", "&#x27;") not in shown and name not in shown, name
