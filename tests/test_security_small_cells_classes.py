"""Small-cell protection of the 一类/二类 comparison: the map's class tables, the 二类村与一类村
slide on the projector, its brief sheet, PDF and PowerPoint, and `export --user NAME`.

tests/test_security_small_cells_map.py's database, 西镇 at 2026-03 (all diseases, 人次):
- 一类村: 㵲水村 V3 25 rows, 3 red + 大寨村 V8 30 rows, 6 red → 55 rows, 9 red: 16.4%;
- 二类村: 新寨村 V7 2 rows, 1 red → 50.0%: both counts below 5, so a township role sees `<5`
  and no red share (人数<5，不显示), a county role sees 50.0%;
- 合计: 57 rows, 10 red → 17.5%: no small count, everyone sees it; so a township role does
  not see 一类's figures either (为防推算，不显示): 合计 − 一类 would give 二类's 2 and 1 away
  (complementary suppression, views.masking.suppress).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pptx import Presentation
from streamlit.testing.v1 import AppTest

from dashboard import brief
from data_access.periods import Period
from data_access.scope import Scope
from pages import grid_map_tables
from tests import handmade as hm
from tests.test_brief import needs_font, pdf_text, squeeze
from tests.test_security_scope import PASSWORD
from tests.test_security_small_cells_map import (  # noqa: F401 (fixtures)
    COUNTY_ROLE,
    TOWNSHIP_ROLE,
    WEST,
    _export,
    db_url,
    default_threshold,
    engine,
    users,
    west_view,
)
from views import grid_map
from views.common import window_for
from views.meeting import deck, village_slides

APP = Path(__file__).resolve().parents[1] / "dashboard" / "frame.py"
HIDDEN = "人数<5，不显示"
PROTECTED = "为防推算，不显示"
RED_ROW = "红标占比（2026年3月末）"  # the slide's row: the share at the period's end month


# --- the model ---------------------------------------------------------------------------------


def _by_class(table: pd.DataFrame) -> dict:
    return {
        int(r["village_class"]): (r["patients"], r["red"], r["red_share"])
        for r in table.to_dict("records")
    }


def test_class_comparison_masks_small_classes(engine):  # noqa: F811
    view = west_view(engine)
    shown = grid_map.class_comparison(view, 5)
    assert shown.hidden == {1, 2} and shown.protecting == {1} and shown.below == 5
    got = _by_class(shown.classes)
    assert got[2] == ("<5", "<5", None)
    assert got[1] == ("不显示", "不显示", None)
    assert got[0][:2] == (57, 10) and got[0][2] == pytest.approx(10 / 57)
    assert shown.figure(2, "red_share") is None and shown.figure(1, "red_share") is None
    assert shown.hidden_text(1) == PROTECTED and shown.hidden_text(2) == HIDDEN
    # the model keeps the true figures: the county role's comparison is the model's
    assert _by_class(view.classes)[2] == (2, 1, 0.5)
    whole = grid_map.class_comparison(view, 0)
    assert whole.hidden == frozenset() and _by_class(whole.classes)[2] == (2, 1, 0.5)


def _classes(counts: dict[int, tuple[int, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"village_class": c, "patients": p, "red": r, "red_share": r / p}
            for c, (p, r) in counts.items()
        ]
    )


def test_the_red_share_change_hides_with_either_period():
    """A change and one of its two shares give the other away: hidden when the class held a
    small count now or in the previous period."""
    now = _classes({1: (40, 8), 2: (3, 1), 0: (43, 9)})  # 二类 small now
    before = _classes({1: (4, 2), 2: (20, 5), 0: (24, 7)})  # 一类 small before
    changes = pd.DataFrame(
        {
            "village_class": [1, 2, 0],
            "services_per_1000": [1.0, 2.0, 1.5],
            "red_share": [-30.0, 8.33, -8.23],
            "sign_rate": [0.5, 0.5, 0.5],
        }
    )
    view = grid_map.MapView(WEST, None, classes=now, previous_classes=before, class_changes=changes)
    shown = grid_map.class_comparison(view, 5)
    assert shown.hidden == {1, 2} and shown.hidden_changes == {1, 2}  # 1 protects 2
    assert shown.changes["red_share"].tolist() == [None, None, -8.23]
    assert shown.changes["services_per_1000"].tolist() == [1.0, 2.0, 1.5]  # no patient count
    assert _by_class(shown.previous)[1] == ("<5", "<5", None)
    table = grid_map_tables.change_table(shown, "quarter").set_index("指标")
    assert table.loc["红标占比（个百分点）"].tolist() == [PROTECTED, HIDDEN, "-8.2"]
    assert grid_map.class_comparison(view, 0).changes["red_share"].tolist() == [-30.0, 8.33, -8.23]


# --- the page ----------------------------------------------------------------------------------


def test_class_table_beside_the_map(engine):  # noqa: F811
    view = west_view(engine)
    masked = grid_map_tables.class_table(grid_map.class_comparison(view, 5), "quarter")
    row = masked.set_index("指标").loc["红标占比（%）"]
    assert row.to_dict() == {"一类村": PROTECTED, "二类村": HIDDEN, "合计": "17.5"}
    shown = grid_map_tables.class_table(grid_map.class_comparison(view, 0), "quarter")
    assert shown.set_index("指标").loc["红标占比（%）", "二类村"] == "50.0"


@pytest.fixture
def signed_in_env(users, db_url, monkeypatch):  # noqa: F811
    monkeypatch.setenv("DASHBOARD_DB_URL", db_url)
    monkeypatch.delenv("DASHBOARD_AUTH", raising=False)
    return users


def signed_in(username: str, **params) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params.update({"county": hm.A, "township": hm.WEST, "period": "2026-Q1", **params})
    at.run()
    at.text_input(key="w_auth_username").input(username)
    at.text_input(key="w_auth_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def map_class_row(username: str) -> dict:
    at = signed_in(username)
    at.switch_page(str(APP.parents[1] / "pages" / "grid_map.py")).run()
    assert not at.exception, [e.message for e in at.exception]
    table = next(d.value for d in at.dataframe if "指标" in d.value.columns)
    return table.set_index("指标").loc["红标占比（%）"].to_dict()


def test_map_page_class_table_per_role(signed_in_env):
    assert map_class_row("m_west") == {"一类村": PROTECTED, "二类村": HIDDEN, "合计": "17.5"}
    assert map_class_row("m_county") == {"一类村": "16.4", "二类村": "50.0", "合计": "17.5"}


def test_meeting_slide_on_the_projector_per_role(signed_in_env):
    def slide_text(username: str) -> str:
        at = signed_in(username, mode="meeting", slide="classes")
        return "\n".join(str(m.value) for m in at.markdown)

    west, county = slide_text("m_west"), slide_text("m_county")
    assert "人数&lt;5，不显示" in west and "50.0%" not in west and "16.4%" not in west
    assert PROTECTED in west
    assert "50.0%" in county and "不显示" not in county


# --- the slide and the brief -------------------------------------------------------------------


def classes_slide(engine, visible: Scope, small: int) -> deck.Slide:  # noqa: F811
    window = window_for(engine, Period.parse("2026-Q1"))
    src = deck.DirectSources(engine, WEST, window, visible, small)
    return village_slides.classes(src, deck.Meeting(deck.header(engine, WEST), window))


def test_slide_hides_the_small_class_share(engine):  # noqa: F811
    slide = classes_slide(engine, TOWNSHIP_ROLE, 5)
    assert dict(slide.rows)[RED_ROW] == {1: PROTECTED, 2: HIDDEN}
    assert slide.red_share[2] is None and slide.red_share[1] is None
    assert slide.sheets["一类二类村"]["红标占比（%）"].tolist() == [PROTECTED, HIDDEN]
    county = classes_slide(engine, COUNTY_ROLE, 0)
    assert dict(county.rows)[RED_ROW] == {1: "16.4%", 2: "50.0%"}
    assert county.sheets["一类二类村"]["红标占比（%）"].tolist() == [16.36, 50.0]


def _brief_sheet(engine, visible: Scope) -> list[tuple]:  # noqa: F811
    window = window_for(engine, Period.parse("2026-Q1"))
    book = openpyxl.load_workbook(io.BytesIO(brief.xlsx_bytes(engine, WEST, window, visible)))
    rows = list(book["一类二类村"].iter_rows(values_only=True))
    column = rows[1].index("红标占比（%）")  # row 1: the title
    return [row[column] for row in rows[2:]]


def test_brief_workbook_per_role(engine):  # noqa: F811
    assert _brief_sheet(engine, TOWNSHIP_ROLE) == [PROTECTED, HIDDEN]
    assert _brief_sheet(engine, COUNTY_ROLE) == [16.36, 50.0]


@needs_font
def test_brief_pdf_per_role(engine):  # noqa: F811
    window = window_for(engine, Period.parse("2026-Q1"))
    west = pdf_text(brief.pdf_bytes(engine, WEST, window, TOWNSHIP_ROLE))
    county = pdf_text(brief.pdf_bytes(engine, WEST, window, COUNTY_ROLE))
    assert squeeze(f"{RED_ROW}{PROTECTED}{HIDDEN}") in west
    assert squeeze(f"{RED_ROW}16.4%50.0%") in county


def _pptx_class_row(engine, visible: Scope) -> list[str]:  # noqa: F811
    window = window_for(engine, Period.parse("2026-Q1"))
    prs = Presentation(io.BytesIO(brief.pptx_bytes(engine, WEST, window, visible)))
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_table:
                for row in shape.table.rows:
                    cells = [c.text for c in row.cells]
                    if cells[0] == RED_ROW:
                        return cells[1:]
    raise AssertionError("no 红标占比 row in the deck")


def test_brief_pptx_per_role(engine):  # noqa: F811
    assert _pptx_class_row(engine, TOWNSHIP_ROLE) == [PROTECTED, HIDDEN]
    assert _pptx_class_row(engine, COUNTY_ROLE) == ["16.4%", "50.0%"]


# --- export --user -----------------------------------------------------------------------------


def test_map_json_class_comparison_per_role(users, db_url, tmp_path):  # noqa: F811
    west = _export(db_url, tmp_path, "m_west", "--view", "map")
    got = {r["village_class"]: (r["patients"], r["red"], r["red_share"]) for r in west["classes"]}
    assert got[2] == ("<5", "<5", None)
    assert got[1] == ("不显示", "不显示", None)
    assert got[0][:2] == (57, 10)
    county = _export(db_url, tmp_path, "m_county", "--view", "map", "--township", hm.WEST)
    got = {r["village_class"]: (r["patients"], r["red"], r["red_share"]) for r in county["classes"]}
    assert got[2] == (2, 1, 0.5)


def test_meeting_json_classes_slide_per_role(users, db_url, tmp_path):  # noqa: F811
    def classes(user: str, *args: str) -> dict:
        model = _export(db_url, tmp_path, user, "--view", "meeting", *args)
        return next(s for s in model["slides"] if s["key"] == "classes")

    west = classes("m_west")
    assert west["parts"]["red_share"]["2"] is None
    assert dict(west["parts"]["rows"])[RED_ROW] == {"1": PROTECTED, "2": HIDDEN}
    assert [r["红标占比（%）"] for r in west["sheets"]["一类二类村"]] == [PROTECTED, HIDDEN]
    assert "0.5" not in json.dumps(west["parts"]["red_share"])
    county = classes("m_county", "--township", hm.WEST)
    assert county["parts"]["red_share"]["2"] == 0.5
    assert dict(county["parts"]["rows"])[RED_ROW] == {"1": "16.4%", "2": "50.0%"}
