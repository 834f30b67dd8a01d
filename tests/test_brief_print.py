"""The brief's files as they print and open elsewhere (issue #26), checked structurally so CI
needs no LibreOffice (benchmarks/brief_check.py renders them through LibreOffice to look at):

- Chinese line breaking (dashboard.brief.wrap): no line starts with closing punctuation;
- the PDF: no line starts with "；", a heading on the page of its message, the 标记规则 note on
  the page of its table;
- the PPTX: every table row as tall as its most wrapped cell, speaker notes on every slide;
- Excel: every sheet set up to print one page wide with repeated header rows and page
  numbers; whole sheet names; percentages, money and scores stored as numbers.
"""

from __future__ import annotations

import io
import math

import pandas as pd
import pytest
from openpyxl import load_workbook
from pptx import Presentation
from pptx.util import Pt
from pypdf import PdfReader

from dashboard import excel, safe
from dashboard.brief import fonts, wrap
from dashboard.brief import pptx as brief_pptx
from dashboard.brief.workbook import render_xlsx
from data_access.periods import Period
from data_access.scope import Scope
from tests import handmade as hm
from views import labels
from views.common import window_for
from views.meeting import deck
from views.meeting.attention_slides import TeamsSlide

Q1 = Period.parse("2026-Q1")
CLOSING = "，。、；：？！）》」』%"
needs_font = pytest.mark.skipif(
    fonts.cjk_font() is None, reason="no Chinese font (apt-get install fonts-noto-cjk)"
)


def em_width(text: str) -> float:
    """A width model for the line-breaking tests: a CJK character 1, anything else 0.5."""
    return sum(1.0 if ord(ch) > 0x2E80 else 0.5 for ch in text)


# --- line breaking ----------------------------------------------------------------------------

MESSAGE = (
    "推送不到位（2026年9月末，管理机构与标色不符；其中红标未上转 284 人次）；"
    "团队抽查合格率低于 80%（抽查不少于 10 人次）；服务 6,160 人次。"
)


@pytest.mark.parametrize("limit", [5, 6, 7, 8, 9, 10, 11, 12, 13, 17, 23])
def test_no_line_starts_with_closing_punctuation(limit):
    lines = wrap.lines(MESSAGE, em_width, limit)
    assert len(lines) > 1
    for line in lines:
        assert em_width(line) <= limit, line
        assert line[0] not in CLOSING, lines
        assert line[-1] not in "（《「", lines
    # Nothing lost but the spaces a break replaced; numbers stay whole.
    assert "".join(lines).replace(" ", "") == MESSAGE.replace(" ", "")
    assert all("6,160" in line for line in lines if "6," in line)


def test_a_word_longer_than_the_line_is_cut_and_line_breaks_are_kept():
    assert wrap.lines("T99010100101", em_width, 3) == ["T99010", "100101"]
    assert wrap.lines("甲乙\n丙", em_width, 10) == ["甲乙", "丙"]
    assert wrap.lines("", em_width, 10) == [""]


# --- sheet names ------------------------------------------------------------------------------


def test_sheet_names_are_whole_phrases():
    alert = "明细_团队抽查合格率低于 80%（抽查不少于 10 人次）"  # 28 characters: kept whole
    assert safe.sheet_name(alert) == alert
    longer = "明细_村本期没有任何团队服务记录（含本期新增村和上期已撤并的村）"
    assert safe.sheet_name(longer) == "明细_村本期没有任何团队服务记录"  # the bracket goes
    phrases = "数据质量 按乡镇 提示类型 严重程度 对象 月份 数字 说明 附表"  # 33: cut at a space
    assert safe.sheet_name(phrases) == "数据质量 按乡镇 提示类型 严重程度 对象 月份 数字 说明"
    taken = {safe.sheet_name(longer)}
    second = safe.sheet_name(longer, taken)
    assert second not in taken and second.endswith("_2") and len(second) <= 31
    assert safe.sheet_name("a/b:c" + "甲" * 40) == "a_b_c" + "甲" * 26


# --- Excel ------------------------------------------------------------------------------------


def _book(sheets: dict, **kw):
    data = excel.to_excel_bytes(sheets, excel.Title("周报", "甲县", "2026年第1季度"), audited=False)
    return load_workbook(io.BytesIO(data))


def assert_prints(ws, header_row: int = 2) -> None:
    setup = ws.page_setup
    assert setup.orientation == "landscape"
    assert setup.fitToWidth == 1 and setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == f"$1:${header_row}"
    footer = ws.oddFooter.right.text or ws.oddFooter.center.text
    assert "&P" in footer and "&N" in footer


def test_workbook_prints_and_keeps_numbers_as_numbers():
    teams = pd.DataFrame(
        {
            "团队": ["=1+1", "-2", "@x", "+3", "水江村医防融合团队"],
            "抽查合格率（%）": [66.13, 100.0, None, 0.0, 79.71],
            "人均经费（元/人）": [43.03, 55.13, None, 0.5, 1234.56],
        }
    )
    long_name = "明细_团队抽查合格率低于 80%（抽查不少于 10 人次）"
    book = _book({long_name: teams, "周报要点": pd.DataFrame({"项目": ["范围"]})})
    assert book.sheetnames == [long_name, "周报要点"]
    ws = book[long_name]
    for sheet in book:
        assert_prints(sheet)
    assert ws.print_area == f"'{long_name}'!$A$1:$C$7"
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    names = [ws.cell(r, 1) for r in range(3, 8)]
    assert all(c.data_type == "s" and not c.value.startswith("=") for c in names)  # text
    assert [c.value.lstrip("'") for c in names] == ["=1+1", "-2", "@x", "+3", "水江村医防融合团队"]
    assert [r[1] for r in rows] == [66.13, 100, None, 0, 79.71]
    assert [r[2] for r in rows] == [43.03, 55.13, None, 0.5, 1234.56]
    assert ws["B3"].number_format == '0.0"%"'  # shows 66.1%, as the slides
    assert ws["C3"].number_format == "#,##0.0"  # shows 43.0, as the slides say 43.0 元
    assert ws["A1"].alignment.wrap_text and "A1:C1" in {str(r) for r in ws.merged_cells.ranges}


@pytest.fixture(scope="module")
def engine(handmade_sqlite):
    return handmade_sqlite


@pytest.fixture(scope="module")
def county(engine):
    view = deck.build(engine, Scope(hm.A), window_for(engine, Q1))
    return view.meeting, view.slides


def test_brief_workbook_every_sheet_prints_and_no_figure_is_text(county):
    m, slides = county
    book = load_workbook(io.BytesIO(render_xlsx(m, slides)))
    names = [name for s in slides for name in s.sheets]
    assert len(book.sheetnames) > 5
    for ws in book:
        assert_prints(ws)
        assert ws.title in names or ws.title == "周报要点"  # whole names: nothing was cut
        headers = [c.value for c in ws[2]]
        for j, header in enumerate(headers, start=1):
            # a unit in the header: a percentage, an amount, a score (not a flag's rule)
            if not any(k in str(header) for k in ("（%）", "（元", "元）", "综合得分")):
                continue
            for (cell,) in ws.iter_rows(min_row=3, min_col=j, max_col=j):
                assert cell.value is None or isinstance(cell.value, int | float), (
                    ws.title,
                    header,
                    cell.value,
                )
    # The low-pass detail: the rate as a percent value (the hand-made 三台村 team: 7 of 10),
    # unrounded, so 0.0"%" shows what the slide shows.
    detail = book[next(n for n in book.sheetnames if n.startswith("明细_团队抽查合格率"))]
    rows = list(detail.iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[4], r[3], r[5]) for r in rows] == [("三台村医防融合团队", 7, 10, 70.0)]
    assert detail.cell(3, 6).number_format == '0.0"%"'
    # The league's score: the number of the text the page shows (cut, not rounded), formatted
    # with the league's decimals; an unranked area (no scored figure) an empty cell.
    ranking = next(s for s in slides if s.kind is deck.Kind.COUNTIES)
    ws = book["县区排名"]
    scores = [r[3] for r in ws.iter_rows(min_row=3, values_only=True)]
    shown = [None if t == labels.NO_VALUE else float(t) for t in ranking.league["score_text"]]
    assert scores == shown and None in shown and len(set(shown)) > 2
    assert ws["D3"].number_format == ("0." + "0" * ranking.decimals if ranking.decimals else "0")


# --- PPTX -------------------------------------------------------------------------------------


def _lines_needed(text: str, width_emu: int, size_pt: float) -> int:
    """Lines a cell's text needs at least, filling each line character by character (no
    break rules, so never more than a viewer needs), a CJK character 1 em, others 0.5."""
    room = (width_emu - Pt(12)) / Pt(size_pt)
    lines = 0
    for paragraph in text.split("\n"):
        lines += max(1, math.ceil(em_width(paragraph) / room))
    return lines


def test_pptx_tables_are_as_tall_as_their_text_and_every_slide_has_notes(county):
    m, slides = county
    prs = Presentation(io.BytesIO(brief_pptx.render(m, slides, generated="2026-04-01 09:00")))
    tables = 0
    for slide, model in zip(prs.slides, slides, strict=True):
        notes = slide.notes_slide.notes_text_frame.text
        assert model.title in notes and m.freshness in notes
        if not model.empty and model.kind is not deck.Kind.COVER:
            assert "计算方法" in notes, model.kind
        for shape in slide.shapes:
            if not shape.has_table:
                continue
            tables += 1
            grid = shape.table
            for row in grid.rows:
                for cell, column in zip(row.cells, grid.columns, strict=True):
                    runs = [r for p in cell.text_frame.paragraphs for r in p.runs]
                    size = runs[0].font.size.pt
                    need = _lines_needed(cell.text_frame.text, column.width, size)
                    # a line of CJK type is ≥ 1.4 em tall (Noto CJK, YaHei)
                    assert row.height >= Pt(need * size * 1.4), (model.kind, cell.text_frame.text)
            assert shape.top + sum(r.height for r in grid.rows) <= prs.slide_height
    assert tables >= 3


# --- PDF --------------------------------------------------------------------------------------


@needs_font
def test_pdf_has_no_orphaned_note_and_no_line_starting_with_closing_punctuation(county):
    from dashboard.brief.pdf import render_pdf

    m, slides = county
    pages = [
        p.extract_text().replace("\x00", "")
        for p in PdfReader(io.BytesIO(render_pdf(m, slides))).pages
    ]
    for text in pages:
        for line in text.splitlines():
            assert not line.strip() or line.strip()[0] not in CLOSING, line

    squeezed = ["".join(t.split()) for t in pages]

    def follows(heading: str, words: str) -> bool:
        """On the page of `heading` (its first one), `words` come after it."""
        heading, words = "".join(heading.split()), "".join(words.split())
        page = next(t for t in squeezed if heading in t)
        return page.find(words, page.index(heading)) >= 0

    for slide in slides[1:]:
        said = (slide.empty or slide.message)[:12]
        assert follows(m.heading(slide.title), said), slide.kind
    teams = next(s for s in slides if isinstance(s, TeamsSlide))
    assert follows(m.heading(teams.title), f"标记规则：{teams.rule}")
