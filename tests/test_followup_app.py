"""督办 in the running app (AppTest): an item added from the meeting's 督办 box appears on the
上周督办 slide with then/now as the view models have them; the box below a page lists it; a
broken own database is one Chinese line, the page still renders."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import audit, state_db
from tests import handmade as hm
from tests.dbs import sqlite_file

APP = Path(__file__).resolve().parents[1] / "dashboard" / "frame.py"
TIMEOUT_S = 120


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB_URL", sqlite_file(tmp_path / "hm.sqlite", hm.ROWS))
    monkeypatch.setenv("DASHBOARD_AUTH", "off")
    monkeypatch.setenv(state_db.ENV_URL, str(tmp_path / "own.sqlite"))
    monkeypatch.setenv(audit.ENV_DIR, str(tmp_path / "audit"))
    state_db.reset_for_tests()

    def run(**params) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
        for key, value in params.items():
            at.query_params[key] = value
        return at.run()

    yield run
    state_db.reset_for_tests()


def _markdown(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in at.markdown)


def test_item_added_in_meeting_mode_is_on_the_next_meetings_slide(app):
    at = app(mode="meeting", county=hm.A, township=hm.EAST, period="2026-03")
    assert not at.exception, [e.message for e in at.exception]
    at.selectbox(key="fu_figure").select("推送不到位")
    at.text_input(key="fu_owner").input("东镇卫生院")
    at.text_area(key="fu_text").input("<b>红标</b>月底前全部上转")
    next(b for b in at.button if b.label == "添加督办事项").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("已添加督办事项 1" in str(s.value) for s in at.success)
    (item,) = state_db.items()
    assert (item.county_code, item.township_code, item.figure, item.period_key) == (
        hm.A, hm.EAST, "推送不到位", "2026-03",
    )  # fmt: skip
    assert item.place == "清河县 · 东镇" and item.data_month == "2026-03"
    # Next week's meeting: the slide follows the cover; 东镇 had 2 at March (p1, p2).
    at = app(mode="meeting", county=hm.A, period="2026-Q1", slide="followup")
    text = _markdown(at)
    assert '<span class="mt-title">上周督办</span>' in text
    assert "2 人次（2026年3月）" in text and "2 人次（2026年第1季度）" in text
    assert "&lt;b&gt;红标&lt;/b&gt;" in text and "<b>红标</b>" not in text
    assert "持平 未改善" in text
    # Below a page: the box lists it.
    at = app(county=hm.A, period="2026-Q1")
    assert not at.exception
    table = at.dataframe[-1].value
    assert table["责任人"].tolist() == ["东镇卫生院"]


def test_a_broken_own_database_leaves_the_page_standing(app, tmp_path, monkeypatch):
    (tmp_path / "blocked").write_text("a file, not a folder")
    monkeypatch.setenv(state_db.ENV_URL, str(tmp_path / "blocked" / "own.sqlite"))
    at = app(county=hm.A, period="2026-Q1")
    assert not at.exception, [e.message for e in at.exception]
    assert "总览" in "\n".join(str(t.value) for t in at.title)
    assert any("督办数据库暂时无法读写" in str(w.value) for w in at.warning)
    at = app(mode="meeting", county=hm.A, period="2026-Q1")
    assert not at.exception and "医防融合周例会" in _markdown(at)
