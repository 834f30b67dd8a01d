"""督办事项 and 解读: the own database (history, audit, scope, escaping) and the 上周督办 slide's
then/now figures against hand counts on tests/handmade.py, across a data refresh.

Hand counts (DATA_CONTRACT.md: 推送不到位 = rows managed at another level than their colour
calls for; green → village, yellow → township, red → county):
- 清河县 (A) 2026-01: p1 yellow/township, p2 red/county, p3 green/village → 0.
- A 2026-03: p1 htn red/township ✗, p1 diab green/village, p2 yellow/county ✗,
  p3 green/township ✗ → 3; 东镇 alone (p1, p2) → 2.
- 抽查合格率 of T1: 2025-12 5/5 = 100.0%; 2026-03 7/10 = 70.0%.
"""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from pptx import Presentation

from dashboard import audit, state_db
from dashboard.brief import pptx as brief_pptx
from dashboard.brief import printed
from data_access.engine import create_readonly_engine
from data_access.periods import Period
from data_access.scope import Scope
from tests import handmade as hm
from tests.dbs import sqlite_file
from views import followup as fv
from views.common import window_for
from views.meeting import deck
from views.meeting.followup_slides import FollowupSlide

HOSTILE = '<script>alert(1)</script>=HYPERLINK("http://x","y")'


def _rows_through(month: str) -> dict:
    """The hand-made rows as an extract that stops at `month` (a refresh adds the rest)."""
    rows = {k: list(v) for k, v in hm.ROWS.items()}
    for table in ("chronic_status", "team_service", "sample_check", "indicator_value"):
        rows[table] = [r for r in rows[table] if r["month"] <= month]
    return rows


def _engine(tmp_path, name: str, rows: dict):
    return create_readonly_engine(sqlite_file(tmp_path / name, rows))


def _add(scope, figure, period, data_month, due="2026-04-10", **kw):
    return state_db.add_item(
        scope=scope, place=kw.pop("place", "清河县"), figure=figure, period_key=period,
        data_month=data_month, owner=kw.pop("owner", "东镇卫生院"), due=due,
        text=kw.pop("text", "月底前全部上转"), by="王局长", **kw,
    )  # fmt: skip


def _board(today=date(2026, 4, 15)):
    return fv.Board(tuple(state_db.items()), tuple(state_db.notes()), today)


def test_item_history_is_kept_and_audited(own):
    item = _add(Scope(hm.A, (hm.EAST,)), "推送不到位", "2026-01", "2026-01")
    state_db.edit_item(item, by="李科长", due="2026-04-20", owner="东镇卫生院 张院长")
    state_db.close_item(item, by="王局长")
    events = state_db.history(item)
    assert [(e["action"], e["by_user"]) for e in events] == [
        ("created", "王局长"), ("edited", "李科长"), ("closed", "王局长"),
    ]  # fmt: skip
    edited = json.loads(events[1]["detail"])
    assert edited["old"] == {"due": "2026-04-10", "owner": "东镇卫生院"}
    assert edited["new"] == {"due": "2026-04-20", "owner": "东镇卫生院 张院长"}
    (found,) = state_db.items()
    assert (found.state, found.closed_by, found.due) == ("closed", "王局长", "2026-04-20")
    trail = [r["event"] for r in reversed(audit.read())]
    assert trail == ["followup_created", "followup_edited", "followup_closed"]
    with pytest.raises(ValueError, match="已关闭"):
        state_db.edit_item(item, by="x", text="again")


def test_a_change_the_trail_cannot_hold_is_refused(own, monkeypatch):
    def broken(*a, **k):
        raise audit.AuditError("审计日志无法写入（磁盘已满）")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(audit.AuditError):
        _add(Scope(hm.A), "推送不到位", "2026-03", "2026-03")
    assert state_db.items() == []  # rolled back with the audit line


def test_township_role_sees_and_writes_only_its_townships(own):
    east, west = Scope(hm.A, (hm.EAST,)), Scope(hm.A, (hm.WEST,))
    mine = _add(east, "推送不到位", "2026-03", "2026-03")
    theirs = _add(west, "推送不到位", "2026-03", "2026-03", place="西镇")
    assert [i.id for i in state_db.items(east)] == [mine]
    assert [i.id for i in state_db.items(Scope(hm.A))] == [mine, theirs]
    with pytest.raises(PermissionError):
        _add(west, "推送不到位", "2026-03", "2026-03", visible=east)
    with pytest.raises(PermissionError):  # their county as a whole is not theirs either
        _add(Scope(hm.A), "推送不到位", "2026-03", "2026-03", visible=east)
    with pytest.raises(ValueError, match="没有编号"):  # as if it did not exist
        state_db.close_item(theirs, by="x", visible=east)
    with pytest.raises(PermissionError):
        state_db.add_note(scope=west, place="西镇", figure="推送不到位", period_key="2026-03",
                          text="x", by="x", visible=east)  # fmt: skip


def test_bad_input_is_said_in_chinese(own):
    with pytest.raises(ValueError, match="不是日期"):
        _add(Scope(hm.A), "推送不到位", "2026-03", "2026-03", due="next week")
    with pytest.raises(ValueError, match="不能为空"):
        _add(Scope(hm.A), "推送不到位", "2026-03", "2026-03", owner="  ")
    with pytest.raises(ValueError, match="过长"):
        _add(Scope(hm.A), "推送不到位", "2026-03", "2026-03", text="字" * 501)


def test_own_database_is_created_on_first_use_and_survives_a_restart(own):
    assert not (own / "state" / "own.sqlite").exists()
    _add(Scope(hm.A), "推送不到位", "2026-03", "2026-03")
    assert "已创建督办数据库" in state_db.created_message
    assert oct((own / "state" / "own.sqlite").stat().st_mode & 0o777) == "0o600"
    state_db.reset_for_tests()  # a restart: a new engine over the same file
    assert [i.figure for i in state_db.items()] == ["推送不到位"]
    assert state_db.created_message is None


def test_unwritable_own_database_is_a_chinese_message(own, monkeypatch):
    (own / "blocked").write_text("a file, not a folder")
    monkeypatch.setenv(state_db.ENV_URL, str(own / "blocked" / "own.sqlite"))
    state_db.reset_for_tests()
    with pytest.raises(state_db.StateError, match="督办数据库暂时无法读写"):
        state_db.items()


def test_the_monitoring_database_is_refused_as_own_database(own, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB_URL", "sqlite:////srv/monitor.sqlite")
    monkeypatch.setenv(state_db.ENV_URL, "sqlite:////srv/monitor.sqlite")
    with pytest.raises(state_db.StateError, match="不能是监测数据库"):
        state_db.items()


def test_then_and_now_equal_the_view_models_across_a_refresh(own, tmp_path):
    # Written in a meeting when the extract reached 2026-01 (Q1 then = January only).
    before = _engine(tmp_path, "jan.sqlite", _rows_through("2026-01"))
    _add(Scope(hm.A), "推送不到位", "2026-Q1", "2026-01")
    _add(Scope(hm.A, (hm.EAST,)), "推送不到位", "2026-01", "2026-01", place="清河县 · 东镇")
    _add(Scope(hm.A), "抽查合格率", "2025-12", "2026-01", subject="T1",
         subject_name="三台村医防融合团队", due="2026-05-01")  # fmt: skip
    early = deck.build(before, Scope(hm.A), window_for(before, Period.parse("2026-Q1")),
                       followups=_board())  # fmt: skip
    assert [s.key for s in early.slides][:2] == ["cover", "followup"]
    # The refresh: March arrives. Next week's meeting over Q1 (now through March).
    after = _engine(tmp_path, "mar.sqlite", hm.ROWS)
    view = deck.build(after, Scope(hm.A), window_for(after, Period.parse("2026-Q1")),
                      followups=_board())  # fmt: skip
    assert view.slides[0].agenda[0] == "上周督办"
    slide = view.slides[1]
    assert isinstance(slide, FollowupSlide) and slide.count == 3 and slide.overdue == 2
    by_figure = {(r.place, r.figure): r for r in slide.rows}
    county = by_figure[("清河县", "推送不到位")]
    assert (county.then, county.now) == (
        "0 人次（2026年第1季度（截至1月））",
        "3 人次（2026年第1季度）",
    )
    assert (county.arrow, county.word, county.overdue) == ("▲", "未改善", True)
    east = by_figure[("清河县 · 东镇", "推送不到位")]
    assert (east.then, east.now) == ("0 人次（2026年1月）", "2 人次（2026年第1季度）")
    team = by_figure[("清河县", "抽查合格率（三台村医防融合团队）")]
    assert (team.then, team.now) == ("100.0%（2025年12月）", "70.0%（2026年第1季度）")
    assert (team.arrow, team.word, team.overdue) == ("▼", "未改善", False)
    assert [r.overdue for r in slide.rows] == [True, True, False]  # overdue first
    # The same figures as the view models themselves, for the item's scope and each period.
    src = deck.DirectSources(after, Scope(hm.A, (hm.EAST,)), view.meeting.window)
    assert src.chronic().mismatch.mismatched == 2
    jan = deck.DirectSources(before, Scope(hm.A), window_for(before, Period.parse("2026-Q1")))
    assert jan.chronic().mismatch.mismatched == 0


def test_closed_item_reads_done_and_is_not_overdue(own, tmp_path):
    engine = _engine(tmp_path, "all.sqlite", hm.ROWS)
    item = _add(Scope(hm.A), "推送不到位", "2026-01", "2026-03", due="2026-01-31")
    state_db.close_item(item, by="王局长")
    view = deck.build(engine, Scope(hm.A), window_for(engine, Period.parse("2026-03")),
                      followups=_board())  # fmt: skip
    (row,) = view.slides[1].rows
    assert (row.arrow, row.word, row.overdue) == ("▲", "已完成", False)
    # A month later it has dropped off: no items, no slide.
    (closed,) = state_db.items()
    later = date.fromisoformat(closed.closed_at[:10]) + timedelta(days=8)
    view = deck.build(engine, Scope(hm.A), window_for(engine, Period.parse("2026-03")),
                      followups=_board(later))  # fmt: skip
    assert "followup" not in [s.key for s in view.slides]


def test_without_items_the_deck_is_unchanged(own, tmp_path):
    engine = _engine(tmp_path, "all.sqlite", hm.ROWS)
    window = window_for(engine, Period.parse("2026-Q1"))
    plain = deck.build(engine, Scope(hm.A), window)
    empty = deck.build(engine, Scope(hm.A), window, followups=_board())
    assert [s.key for s in plain.slides] == [s.key for s in empty.slides]
    assert "followup" not in [s.key for s in plain.slides]
    # Items of 清河县 are not on 乙县's (B) meeting.
    _add(Scope(hm.A), "推送不到位", "2026-03", "2026-03")
    other = deck.build(engine, Scope(hm.B), window, followups=_board())
    assert "followup" not in [s.key for s in other.slides]
    assert "上周督办" not in other.slides[0].agenda


def test_hostile_note_and_item_text_are_data_everywhere(own, tmp_path, monkeypatch):
    engine = _engine(tmp_path, "all.sqlite", hm.ROWS)
    _add(Scope(hm.A), "推送不到位", "2026-03", "2026-03", text=HOSTILE, owner=HOSTILE)
    state_db.add_note(scope=Scope(hm.A), place="清河县", figure="推送不到位",
                      period_key="2026-03", text=HOSTILE, by="王局长")  # fmt: skip
    view = deck.build(engine, Scope(hm.A), window_for(engine, Period.parse("2026-03")),
                      followups=_board())  # fmt: skip
    slide = view.slides[1]
    assert slide.notes == (("清河县", "推送不到位", HOSTILE, "王局长"),)
    # PowerPoint: the text as text.
    pres = Presentation(io.BytesIO(brief_pptx.render(view.meeting, view.slides)))
    texts = [sh.text_frame.text for sh in pres.slides[1].shapes if sh.has_text_frame]
    cells = [c.text for sh in pres.slides[1].shapes if sh.has_table
             for r in sh.table.rows for c in r.cells]  # fmt: skip
    assert HOSTILE in cells and any(HOSTILE in t for t in texts)
    # PDF's printed table and note: plain text cells.
    out = printed.printed(slide)
    assert HOSTILE in out.table.to_numpy().ravel().tolist() and HOSTILE in out.note
    # Workbook: never a formula.
    from dashboard.brief.workbook import render_xlsx

    book = load_workbook(io.BytesIO(render_xlsx(view.meeting, view.slides)))
    values = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    assert any(isinstance(v, str) and "<script>" in v for v in values)
    # Page: escaped markup.
    from pages import meeting_panels

    shown = []
    monkeypatch.setattr(meeting_panels, "html_block", shown.append)  # its one way into HTML
    meeting_panels.render(slide, view.meeting, lambda s: None)
    assert "<script>" not in "".join(shown) and "&lt;script&gt;" in "".join(shown)


def test_notes_alone_make_the_slide_and_reach_the_brief(own, tmp_path):
    engine = _engine(tmp_path, "all.sqlite", hm.ROWS)
    state_db.add_note(scope=Scope(hm.A, (hm.WEST,)), place="清河县 · 西镇", figure="抽查合格率",
                      period_key="2026-Q1", text="T2 抽查 0 人次，无合格率", by="李科长")  # fmt: skip
    window = window_for(engine, Period.parse("2026-Q1"))
    view = deck.build(engine, Scope(hm.A), window, followups=_board())
    slide = view.slides[1]
    assert slide.key == "followup" and slide.rows == () and slide.count == 0
    assert slide.notes == (("清河县 · 西镇", "抽查合格率", "T2 抽查 0 人次，无合格率", "李科长"),)
    assert printed.printed(slide).table.iloc[0].tolist() == list(slide.notes[0])
    pres = Presentation(io.BytesIO(brief_pptx.render(view.meeting, view.slides)))
    cells = [c.text for sh in pres.slides[1].shapes if sh.has_table
             for r in sh.table.rows for c in r.cells]  # fmt: skip
    assert "T2 抽查 0 人次，无合格率" in cells
    # Another period's meeting has no such note, and so no slide.
    march = deck.build(engine, Scope(hm.A), window_for(engine, Period.parse("2026-03")),
                       followups=_board())  # fmt: skip
    assert "followup" not in [s.key for s in march.slides]
    # Nor the township next door.
    east = deck.build(engine, Scope(hm.A, (hm.EAST,)), window, followups=_board())
    assert "followup" not in [s.key for s in east.slides]
