"""The meeting's figures on the hand-made database, as the brief's renderers write them (slide
titles and messages, PowerPoint texts, tables and chart series, the PDF's printed tables, the
workbook's sheets), equal tests/fixtures/meeting_figures.json: captured before the slides
became typed models (the old `parts` dicts), so the typed slides change no figure.

After an intended change of a figure, rewrite the file: `python -m tests.test_slide_figures`.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from pptx import Presentation

from dashboard import brief
from dashboard.brief import pptx as brief_pptx
from dashboard.brief import printed
from data_access.periods import Period
from data_access.scope import resolve_scope
from tests import handmade as hm
from tests.dbs import sqlite_file
from views.common import window_for
from views.jsonable import jsonable

PINNED = Path(__file__).with_name("fixtures") / "meeting_figures.json"
Q1 = Period.parse("2026-Q1")
# tag → (county, townships, as the scope's own user (True) or as everything (False))
CASES = {
    "county/all": (hm.A, (), False),
    "all/all": (None, (), False),
    "township/own": (hm.A, (hm.EAST,), True),
}


def _pptx(m, slides) -> list:
    deck = Presentation(io.BytesIO(brief_pptx.render(m, slides, generated="2026-04-01 09:00")))
    out = []
    for page in deck.slides:
        shapes = []
        for shape in page.shapes:
            d = {}
            if shape.has_text_frame:
                d["text"] = shape.text_frame.text
            if shape.has_table:
                d["table"] = [[c.text for c in r.cells] for r in shape.table.rows]
            if shape.has_chart:
                chart = shape.chart
                d["chart"] = {
                    "cats": [str(c) for c in chart.plots[0].categories],
                    "series": [[s.name, list(s.values)] for p in chart.plots for s in p.series],
                }
            shapes.append(d)
        out.append(shapes)
    return out


def figures(engine) -> dict:
    out = {}
    for tag, (county, towns, own) in CASES.items():
        scope = resolve_scope(engine, county, towns)
        m, slides = brief.build(engine, scope, window_for(engine, Q1), scope if own else None)
        out[tag] = {
            "slides": [[s.key, s.title, s.message, s.empty] for s in slides],
            "printed": {
                s.key: None if (t := printed.table(s)) is None else jsonable(t) for s in slides
            },
            "pptx": _pptx(m, slides),
            "sheets": {s.key: {k: jsonable(v) for k, v in s.sheets.items()} for s in slides},
        }
    # as JSON reads it back: tuples as lists, keys as text
    return json.loads(json.dumps(out, ensure_ascii=False, default=str))


@pytest.fixture(scope="module")
def engine(handmade_sqlite):
    return handmade_sqlite


@pytest.fixture(scope="module")
def now(engine):
    return figures(engine)


@pytest.mark.parametrize("tag", list(CASES))
def test_the_deck_figures_are_the_pinned_ones(now, tag):
    pinned = json.loads(PINNED.read_text(encoding="utf-8"))[tag]
    for part in ("slides", "sheets", "printed", "pptx"):
        assert now[tag][part] == pinned[part], (tag, part)


if __name__ == "__main__":  # rewrite the pinned file from the current code
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/meeting_figures.sqlite")
    path.unlink(missing_ok=True)
    eng = sa.create_engine(sqlite_file(path, hm.ROWS))
    text = json.dumps(figures(eng), ensure_ascii=False, indent=1, sort_keys=True)
    PINNED.write_text(text + "\n", encoding="utf-8")
