"""The 与全县比较 slide (views.meeting.county_slides) in a township head's meeting, on
tests/handmade.py over every dialect: the figures counted by hand (as in
tests/test_county_reference_view.py), its place in the deck, and every output drawing it as
a table (it registers no drawing of its own).

County A (清河县) has 东镇 (V1, V2), 西镇 (V3) and 空镇 (no villages); 东镇 is the scope.
"""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from pptx import Presentation
from streamlit.testing.v1 import AppTest

import pages.meeting_panels
from dashboard.brief import images, printed
from dashboard.brief import pptx as brief_pptx
from dashboard.brief.workbook import render_xlsx
from data_access.periods import Period
from data_access.scope import Scope
from tests import handmade as hm
from tests.dbs import dialect_params, loaded_database, sqlite_file
from views.common import window_for
from views.jsonable import jsonable
from views.meeting import deck
from views.meeting.county_slides import CountySlide
from views.meeting.registry import REGISTRY, Output

Q1 = Period.parse("2026-Q1")
EAST = Scope(hm.A, (hm.EAST,))
APP = Path(__file__).resolve().parents[1] / "dashboard" / "frame.py"
# Counted by hand (tests/test_county_reference_view.py has the working): 东镇 against 清河县.
HTN = ["高血压患者规范管理率", "67.1%", "70.0%", "第 2 / 2", "越高越好"]  # 47/70; 56/80
PVS = ["县域内基层医疗卫生机构门急诊占比", "—", "45.0%", "—", "越高越好"]  # counties only
EHR = ["居民电子健康档案建档率", "86.7%", "86.7%", "第 1 / 1", "越高越好"]  # 130/150


@pytest.fixture(scope="module", params=dialect_params())
def meeting(request, tmp_path_factory):
    with loaded_database(request.param, hm.ROWS, tmp_path_factory.mktemp(request.param)) as eng:
        yield deck.build(eng, EAST, window_for(eng, Q1))


def the_slide(meeting) -> CountySlide:
    (slide,) = [s for s in meeting.slides if s.kind is deck.Kind.AGAINST_COUNTY]
    return slide


def test_the_township_against_its_county(meeting):
    slide = the_slide(meeting)
    rows = {r[0]: r for r in slide.table.values.tolist()}
    assert list(slide.table.columns) == ["项目", "本乡镇", "全县", "在全县乡镇中排名", "方向"]
    assert rows[HTN[0]] == HTN and rows[EHR[0]] == EHR
    # pvs: no township has a value, so no comparison: a line, and the full row in the sheet.
    assert PVS[0] not in rows and slide.lines == (
        f"只在县级统计、乡镇无数值：{PVS[0]} 全县 45.0%。",
    )
    assert PVS in slide.sheets["与全县比较"].values.tolist()
    # fup (lower is better): 东镇 9/80 = 11.25%, 西镇 0/5, 清河县 9/85 = 10.6%.
    assert rows["慢病随访逾期率"][2:] == ["10.6%", "第 2 / 2", "越低越好"]
    # Composite: 东镇 96.296…, 西镇 100: second of two; the county has no score.
    score = rows["综合得分（百分制）"]
    assert score[1].startswith("96.2") and score[2:4] == ["—", "第 2 / 2"]
    # Last of two: score, htn and fup are stressed; ehr is first of one, not "first".
    stressed = {slide.table.iloc[i, 0] for i in slide.emphasis}
    assert stressed == {"综合得分（百分制）", HTN[0], "慢病随访逾期率"}
    assert slide.message == "在清河县 3 个乡镇中，0 项居首，3 项居末"
    assert "合计分子 ÷ 合计分母" in slide.note and slide.note.endswith("红色：列全县末位。")


def test_only_a_township_meeting_has_it_after_the_township_league(meeting):
    keys = [s.key for s in meeting.slides]
    assert keys.index("against_county") == keys.index("townships") + 1
    assert "against_county" in deck.slide_keys(EAST, Q1)
    assert "against_county" not in deck.slide_keys(Scope(hm.A), Q1)
    assert "against_county" not in deck.slide_keys(Scope(), Q1)


def test_every_output_draws_it_as_a_table(meeting, monkeypatch):
    slide = the_slide(meeting)
    for output in Output:  # the table shape's drawings: nothing registered for the slide
        assert REGISTRY.drawer(output, slide) is REGISTRY.find(output, deck.TableSlide)
    assert images.chart_png(slide, SimpleNamespace(family="sans-serif")) is None
    assert printed.table(slide) is slide.table
    pptx = Presentation(io.BytesIO(brief_pptx.render(meeting.meeting, [slide])))
    cells = [
        [c.text for c in r.cells]
        for s in pptx.slides[0].shapes
        if s.has_table
        for r in s.table.rows
    ]
    assert HTN in cells and EHR in cells
    texts = " ".join(s.text_frame.text for s in pptx.slides[0].shapes if s.has_text_frame)
    assert "只在县级统计、乡镇无数值" in texts
    book = load_workbook(io.BytesIO(render_xlsx(meeting.meeting, meeting.slides)))
    assert "与全县比较" in book.sheetnames
    shown = []
    monkeypatch.setattr(pages.meeting_panels, "html_block", shown.append)
    pages.meeting_panels.render(slide, meeting.meeting, lambda s: None)
    assert f'<tr class="mt-emph"><td>{HTN[0]}</td><td>67.1%</td>' in "".join(shown)
    parts = jsonable(slide)["parts"]
    assert parts["county_name"] == "清河县" and parts["townships"] == 3


def test_a_period_without_figures_says_so(tmp_path):
    url = sqlite_file(tmp_path / "handmade.sqlite", hm.ROWS)
    engine = sa.create_engine(url)
    view = deck.build(engine, EAST, window_for(engine, Period.parse("2024-05")))
    engine.dispose()
    assert "against_county" not in [s.key for s in view.slides]
    (cover,) = [s for s in view.slides if s.key == "cover"]
    said = [line for line in cover.left_out if "与全县比较" in line]
    assert len(said) == 1 and said[0].endswith("2024年5月没有可与全县比较的指标数据。")


def test_the_meeting_page_shows_it(monkeypatch, tmp_path):
    monkeypatch.setenv("DASHBOARD_DB_URL", sqlite_file(tmp_path / "handmade.sqlite", hm.ROWS))
    monkeypatch.setenv("DASHBOARD_AUTH", "off")
    at = AppTest.from_file(str(APP), default_timeout=120)
    for key, value in {"mode": "meeting", "county": hm.A, "township": hm.EAST,
                       "period": "2026-Q1", "slide": "against_county"}.items():  # fmt: skip
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    text = "\n".join(str(e.value) for e in at.markdown)
    assert "与全县比较" in text and "67.1%" in text and "mt-emph" in text
