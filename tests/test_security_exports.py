"""Hostile names in every export: no formula in any cell, no broken workbook, the PDF builds."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

from dashboard import brief, excel, safe
from data_access.periods import Period
from data_access.scope import Scope
from tests import handmade as hm
from tests import hostile
from tests.dbs import loaded_database
from views.common import window_for


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    with loaded_database("sqlite", hostile.rows(), tmp_path_factory.mktemp("hostile")) as eng:
        yield eng


def _is_formula_text(value) -> bool:
    return isinstance(value, str) and value.startswith(safe.FORMULA_STARTS)


def assert_no_formula(xlsx: bytes) -> int:
    """Every cell of every sheet is a value, never a formula; returns the cells checked."""
    book = openpyxl.load_workbook(io.BytesIO(xlsx))  # fails on a damaged workbook
    checked = 0
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                checked += 1
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if _is_formula_text(cell.value):
                    assert safe._PLAIN_NUMBER.match(cell.value), (ws.title, cell.value)
    return checked


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "+1"),
        ("+A1", "'+A1"),
        ("-3.5%", "-3.5%"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("清河县", "清河县"),
        (12, 12),
    ],
)
def test_cell_is_neutralised_the_owasp_way(value, expected):
    assert safe.cell(value) == expected


def test_headers_and_sheet_names_are_safe():
    df = pd.DataFrame({"=1+1": ["=2+2", "ok"], "值": [1, 2]})
    xlsx = excel.to_excel_bytes({"=1+1": df, "a/b:c*?[d]" * 5: df, "=1+1 ": df})
    assert assert_no_formula(xlsx) > 0
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert len(book.sheetnames) == 3 and all(len(n) <= 31 for n in book.sheetnames)
    assert book.worksheets[0]["A1"].value == "'=1+1"
    text = excel.to_csv_bytes(df).decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    assert not [c for c in cells if _is_formula_text(c)]


@pytest.mark.parametrize(
    "scope", [Scope(), Scope(hm.A), Scope(hm.A, (hm.WEST,))], ids=["all", "county", "township"]
)
def test_brief_workbook_has_no_formula(engine, scope):
    xlsx = brief.xlsx_bytes(engine, scope, window_for(engine, Period.parse("2026-Q1")))
    assert assert_no_formula(xlsx) > 20


def test_brief_pdf_builds_with_hostile_names(engine):
    if brief.cjk_font() is None:
        pytest.skip(brief.FONT_MISSING)
    from pypdf import PdfReader

    pdf = brief.pdf_bytes(engine, Scope(hm.A), window_for(engine, Period.parse("2026-Q1")))
    pages = PdfReader(io.BytesIO(pdf)).pages
    text = "".join(page.extract_text() for page in pages).replace("\x00", "")
    assert hostile.MARKER in text


def test_export_cli_xlsx_has_no_formula(engine, tmp_path):
    from dashboard import export

    url = "sqlite:///" + engine.url.database.removeprefix("file:")
    out = tmp_path / "brief.xlsx"
    assert export.main(["--db", url, "--period", "2026-Q1", "--county", hm.A,
                        "--format", "xlsx", "-o", str(out)]) == 0  # fmt: skip
    assert assert_no_formula(out.read_bytes()) > 20
