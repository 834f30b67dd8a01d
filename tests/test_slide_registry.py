"""Slides as typed models (views.meeting.deck) drawn from one registry
(views.meeting.registry): every output draws every slide type; a slide type nobody
registered, or a slide missing a field its drawing reads, fails loudly instead of showing
a wrong slide; the export and the brief's renderers load no Streamlit."""

from __future__ import annotations

import dataclasses
import io
import json
import subprocess
import sys
from types import SimpleNamespace

import pandas as pd
import pytest
import sqlalchemy as sa
from pptx import Presentation

import pages.meeting_panels  # noqa: F401  (registers the page's drawings)
from dashboard.brief import images, printed
from dashboard.brief import pptx as brief_pptx
from data_access.periods import Period
from data_access.scope import Scope
from tests import handmade as hm
from tests.dbs import sqlite_file
from views.common import window_for
from views.jsonable import jsonable
from views.meeting import deck
from views.meeting.chronic_slides import ColorsSlide
from views.meeting.deck import FIGURE, Kind, Number, Slide, TableSlide, data
from views.meeting.indicator_slides import KpiSlide
from views.meeting.registry import REGISTRY, NoRenderer, Output, Registry

Q1 = Period.parse("2026-Q1")
FONT = SimpleNamespace(family="sans-serif")  # no chart is drawn with it here


@pytest.fixture(scope="module")
def meeting(tmp_path_factory):
    url = sqlite_file(tmp_path_factory.mktemp("registry") / "handmade.sqlite", hm.ROWS)
    engine = sa.create_engine(url)
    yield deck.build(engine, Scope(hm.A), window_for(engine, Q1))
    engine.dispose()


@dataclasses.dataclass(**FIGURE)
class Planted(Slide):
    """A slide type no renderer has registered."""

    figure: int


@dataclasses.dataclass(**FIGURE)
class RenamedTiles(Slide):
    """The KPI slide with its `tiles` renamed: what a careless edit of a slide type does."""

    tile_list: tuple


@dataclasses.dataclass(**FIGURE)
class TableWithData(TableSlide):
    """A table-shaped slide that carries one figure for the export only."""

    count: int = data()


@dataclasses.dataclass(**FIGURE)
class TableWithAFigure(TableSlide):
    """A table-shaped slide with a figure no table drawing knows: it must not pass as one."""

    count: int


def test_every_output_draws_every_slide_type():
    types = deck.slide_types()
    names = {t.__name__ for t in types}
    assert {"Cover", "NoData", "TableSlide", "KpiSlide", "RankingSlide", "ColorsSlide"} <= names
    assert {
        "TransitionsSlide",
        "ClassesSlide",
        "TeamsSlide",
        "AlertsSlide",
        "QualitySlide",
    } <= names
    for output in Output:
        assert REGISTRY.missing(output, types) == [], output


def test_slides_are_typed_frozen_and_without_a_parts_dict(meeting):
    for slide in meeting.slides:
        assert type(slide) is not Slide and dataclasses.is_dataclass(slide)
        assert not hasattr(slide, "parts")
        assert isinstance(slide.kind, Kind) and slide.key == slide.kind.value
        with pytest.raises(dataclasses.FrozenInstanceError):
            slide.message = "changed"  # type: ignore[misc]
    assert [type(s).__name__ for s in meeting.slides] == [
        "Cover",
        "KpiSlide",
        "KpiSlide",
        "RankingSlide",
        "RankingSlide",
        "ColorsSlide",
        "TransitionsSlide",
        "ClassesSlide",
        "TeamsSlide",
        "QualitySlide",
        "AlertsSlide",
    ]


def test_a_slide_missing_a_field_cannot_be_made():
    with pytest.raises(TypeError, match="tiles"):
        KpiSlide(kind=Kind.KPIS, message="4 项指标")
    with pytest.raises(TypeError, match="total_row"):
        ColorsSlide(
            kind=Kind.COLORS,
            month="2026-03",
            before=None,
            unit="人次",
            totals={},
            total=0,
            shares={},
            red_share=None,
            previous_red_share=None,
            by_disease=pd.DataFrame(),
            diseases={},
            disease_rows=(),
        )


def test_an_unregistered_slide_type_fails_in_every_output(meeting):
    slide = Planted(kind=Kind.ALERTS, message="种下的", figure=1)
    for output in Output:
        with pytest.raises(NoRenderer, match="Planted"):
            REGISTRY.drawer(output, slide)
    with pytest.raises(NoRenderer):  # not a table in its place, as before
        brief_pptx.render(meeting.meeting, [*meeting.slides, slide])
    with pytest.raises(NoRenderer):
        images.chart_png(slide, FONT)
    with pytest.raises(NoRenderer):
        printed.table(slide)


def test_a_renamed_field_fails_where_it_is_drawn(meeting):
    """A drawing reads the slide's attributes: a renamed one raises, it never falls back."""
    registry = Registry()
    registry.register(Output.PPTX, RenamedTiles)(REGISTRY.drawer(Output.PPTX, meeting.slides[1]))
    slide = RenamedTiles(kind=Kind.KPIS, tile_list=())
    with pytest.raises(AttributeError, match="tiles"):
        registry.drawer(Output.PPTX, slide)(None, slide, meeting.meeting)


def test_a_drawing_is_registered_once():
    registry = Registry()
    registry.register(Output.PAGE, Planted)(print)
    with pytest.raises(ValueError, match="twice"):
        registry.register(Output.PAGE, Planted)(print)


def test_a_table_slide_needs_no_drawing_of_its_own(meeting):
    table = pd.DataFrame({"事项": ["甲", "乙"], "数量": ["1", "2"]})
    slide = TableSlide(kind=Kind.ALERTS, message="表格页", table=table, note="见周报")
    assert images.chart_png(slide, FONT) is None
    assert printed.table(slide) is table
    deck_bytes = brief_pptx.render(meeting.meeting, [slide])
    shapes = Presentation(io.BytesIO(deck_bytes)).slides[0].shapes
    cells = [c.text for s in shapes if s.has_table for r in s.table.rows for c in r.cells]
    assert cells == ["事项", "数量", "甲", "1", "乙", "2"]


def test_the_export_keeps_the_slide_json_shape(meeting):
    """`export --view meeting` writes each slide as before the types: key, message, empty,
    sheets, title and its figures under `parts`; and now its 解读 under `remarks`."""
    colors = json.loads(json.dumps(jsonable(meeting.slides[5])))
    assert set(colors) == {"key", "message", "empty", "sheets", "parts", "title", "remarks"}
    assert colors["remarks"] == []  # 解读 of the slide's figures (none here)
    assert colors["key"] == "colors"
    assert colors["parts"]["totals"] == {"green": 2, "yellow": 1, "red": 1}
    assert colors["parts"]["red_share"] == 0.25
    moves = jsonable(meeting.slides[6])["parts"]["matrix"]
    assert moves["ends"] == ["green", "yellow", "red", None]
    # rows: before (green, yellow, red, 新纳入); columns: after (…, 退出管理); a hand count of
    # tests/handmade.py's county A: 2025-12 → 2026-03.
    assert [sum(row) for row in moves["counts"]][:3] == [2, 1, 1]
    assert [sum(col) for col in zip(*moves["counts"], strict=True)][:3] == [2, 1, 1]


@pytest.mark.parametrize(
    "module",
    [
        "dashboard.export",
        "dashboard.brief.pdf",
        "dashboard.brief.pptx",
        "dashboard.brief.workbook",
        "dashboard.palette",
    ],
)
def test_export_and_brief_renderers_load_no_streamlit(module):
    code = f"import {module}, sys; assert 'streamlit' not in sys.modules, {module!r}"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_export_loads_no_plotly_nor_the_renderers():
    code = (
        "import dashboard.export, sys; "
        "print(sorted(m for m in ('plotly', 'matplotlib', 'fpdf', 'pptx', 'openpyxl')"
        " if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "[]"


def test_a_shape_draws_a_subclass_that_adds_only_data(meeting):
    """The 数据质量 and 上周督办 slides are tables with data for the export: the table's
    drawings draw them. A subclass adding a field no drawing knows raises in every output,
    never drawn as a table that leaves the field out."""
    table = pd.DataFrame({"事项": ["甲"], "数量": ["1"]})
    fine = TableWithData(kind=Kind.ALERTS, message="表格页", table=table, count=1)
    odd = TableWithAFigure(kind=Kind.ALERTS, message="表格页", table=table, count=1)
    for output in Output:
        assert REGISTRY.drawer(output, fine) is REGISTRY.drawer(output, table_slide(table))
        with pytest.raises(NoRenderer, match="TableWithAFigure"):
            REGISTRY.drawer(output, odd)
    assert REGISTRY.missing(Output.PPTX, [TableWithData, TableWithAFigure]) == [TableWithAFigure]
    assert jsonable(fine)["parts"]["count"] == 1  # the export still writes the data


def table_slide(table: pd.DataFrame) -> TableSlide:
    return TableSlide(kind=Kind.ALERTS, table=table)


def test_a_table_slide_draws_numbers_stressed_rows_and_what_is_left_out(meeting, monkeypatch):
    table = pd.DataFrame({"事项": ["甲", "乙"], "数量": ["1", "2"]})
    slide = TableSlide(
        kind=Kind.ALERTS,
        message="表格页",
        table=table,
        note="说明。",
        numbers=(Number("提示", "12", "条"), Number("严重", "3", "条", alarm=True)),
        emphasis=(1,),
        more=10,
        unit="项",
        lines=("解读 · 甲",),
    )
    assert printed.printed(slide).note == "说明。另有 10 项未列出，见工作簿。解读 · 甲"
    shapes = Presentation(io.BytesIO(brief_pptx.render(meeting.meeting, [slide]))).slides[0].shapes
    texts = " ".join(s.text_frame.text for s in shapes if s.has_text_frame)
    assert "另有 10 项未列出" in texts and "12" in texts and "解读 · 甲" in texts
    (grid,) = [s.table for s in shapes if s.has_table]
    bold = [any(r.font.bold for p in c.text_frame.paragraphs for r in p.runs)
            for c in (grid.cell(1, 0), grid.cell(2, 0))]  # fmt: skip
    assert bold == [False, True]
    shown = []
    monkeypatch.setattr(pages.meeting_panels, "html_block", shown.append)
    monkeypatch.setattr(pages.meeting_panels.st, "columns", lambda spec: [_Nothing(), _Nothing()])
    pages.meeting_panels.render(slide, meeting.meeting, lambda s: None)
    html = "".join(shown)
    assert '<tr class="mt-emph"><td>乙</td>' in html and '<tr class=""><td>甲</td>' in html
    assert "另有 10 项未列出，见周报。" in html and "严重" in html


class _Nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
