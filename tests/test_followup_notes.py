"""解读 beside their figures (on the page under the figure, on the slide under its message, in
the PPTX and PDF) and the small-cell rule on free text: a count of people under the floor in
a 解读 or a 督办事项 reads <5 for a user with that floor (views.masking.mask_text)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pptx import Presentation
from streamlit.testing.v1 import AppTest

from dashboard import state_db
from dashboard.brief import pptx as brief_pptx
from data_access.engine import create_readonly_engine
from data_access.periods import Period
from data_access.scope import Scope
from tests import handmade as hm
from tests.dbs import sqlite_file
from views import followup as fv
from views.common import window_for
from views.masking import mask_text
from views.meeting import deck

APP = Path(__file__).resolve().parents[1] / "dashboard" / "frame.py"
HTN = "高血压患者规范管理率"  # a headline indicator of tests/handmade.py


@pytest.mark.parametrize(
    ("text", "seen"),
    [
        ("本村 3 人失访", "本村 <5 人失访"),
        ("两名患者未随访", "<5名患者未随访"),
        ("４例未上转", "<5例未上转"),  # full-width digits
        ("3人次", "<5人次"),
        ("12 人已上转", "12 人已上转"),  # not small
        ("十二人", "十二人"),
        ("0 人", "0 人"),  # 0 reveals nobody
        ("三月起按新口径", "三月起按新口径"),  # a month, not people
        ("2026年3月", "2026年3月"),
        ("合格率 1.5 人", "合格率 1.5 人"),  # a decimal is no count
        ("2 户 3 人", "<5 户 <5 人"),
    ],
)
def test_counts_of_people_in_text_under_the_floor(text, seen):
    assert mask_text(text, 5) == seen
    assert mask_text(text, 0) == text  # no floor: as written


def test_the_board_masks_items_and_notes_for_a_floor():
    note = fv.Note(1, hm.A, None, "清河县", HTN, None, "2026-Q1", "东镇 2 人失访", "李科长", "")
    board = fv.Board(notes=(note,))
    assert board.seen(5).notes[0].text == "东镇 <5 人失访"
    assert board.seen(0) is board
    assert board.notes_for(Scope(hm.A), "2026-Q1", HTN) == (note,)
    assert board.notes_for(Scope(hm.A), "2026-Q1", "推送不到位") == ()


def _note(text: str, period: str = "2026-Q1", figure: str = HTN) -> None:
    state_db.add_note(scope=Scope(hm.A), place="清河县", figure=figure, period_key=period,
                      text=text, by="李科长")  # fmt: skip


def test_a_note_is_under_its_kpi_on_the_slide_and_in_the_pptx(own):
    _note("3 人未按新口径录入")
    engine = create_readonly_engine(sqlite_file(own / "hm.sqlite", hm.ROWS))
    board = fv.Board(notes=tuple(state_db.notes()))
    window = window_for(engine, Period.parse("2026-Q1"))
    for small, said in ((0, "3 人"), (5, "<5 人")):
        view = deck.build(engine, Scope(hm.A), window, small=small, followups=board)
        with_htn = [s for s in view.slides if HTN in s.figure_names]
        assert len(with_htn) == 1, [s.key for s in view.slides]
        (slide,) = with_htn
        assert slide.remarks == (f"解读 · {HTN}：{said}未按新口径录入（李科长）",)
        others = [s for s in view.slides if s is not slide and s.remarks]
        assert others == []  # only the slide showing that figure
        pres = Presentation(io.BytesIO(brief_pptx.render(view.meeting, view.slides)))
        page = pres.slides[view.slides.index(slide)]
        texts = " ".join(sh.text_frame.text for sh in page.shapes if sh.has_text_frame)
        assert slide.remarks[0] in texts
    engine.dispose()


def test_a_note_of_another_period_is_not_shown(own):
    _note("上季度的解读", period="2025-Q4")
    engine = create_readonly_engine(sqlite_file(own / "hm.sqlite", hm.ROWS))
    view = deck.build(engine, Scope(hm.A), window_for(engine, Period.parse("2026-Q1")),
                      followups=fv.Board(notes=tuple(state_db.notes())))  # fmt: skip
    engine.dispose()
    assert not any(s.remarks for s in view.slides)


def test_the_overview_card_shows_its_note(own, monkeypatch):
    _note("<b>三月起</b>按新口径")
    monkeypatch.setenv("DASHBOARD_DB_URL", sqlite_file(own / "hm.sqlite", hm.ROWS))
    monkeypatch.setenv("DASHBOARD_AUTH", "off")
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["county"] = hm.A
    at.query_params["period"] = "2026-Q1"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    captions = [str(c.value) for c in at.caption]
    under = [c for c in captions if c.startswith(":material/comment: 解读")]
    assert len(under) == 1 and "三月起" in under[0] and "<b>" not in under[0]
    # and the meeting's KPI slide carries it under its message
    at = AppTest.from_file(str(APP), default_timeout=120)
    for key, value in {"mode": "meeting", "county": hm.A, "period": "2026-Q1",
                       "slide": "kpis"}.items():  # fmt: skip
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    text = "\n".join(str(e.value) for e in at.markdown)
    assert 'class="mt-remark"' in text and "&lt;b&gt;三月起&lt;/b&gt;" in text
