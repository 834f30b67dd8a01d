"""The one Excel writer (dashboard.excel) read back with openpyxl: title row, frozen header,
number formats by kind, widths, and no formula anywhere (dashboard.safe)."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from dashboard import excel
from views import labels

TITLE = excel.Title("团队工作量", "清河县 · 全部乡镇", "2026年第1季度", "数据截至 2026-04-05 08:00")


@pytest.fixture
def sheet():
    df = pd.DataFrame(
        {
            "团队": ['=HYPERLINK("http://x")', "东村团队"],
            "服务总量（人次）": [1204, 2297],
            f"{labels.PASS_RATE}（%）": [55.2, None],
            "人均服务量": [183.0, 143.8],
            "估算绩效经费（元）": [3500.4, 12.0],
            "综合得分": [99.26, 88.7],
        }
    )
    data = excel.to_excel_bytes({"团队工作量": df}, TITLE, {"综合得分": "0.00"})
    return openpyxl.load_workbook(io.BytesIO(data))["团队工作量"]


def test_title_row_names_subject_scope_period_and_data_date(sheet):
    assert sheet["A1"].value == (
        "团队工作量 · 清河县 · 全部乡镇 · 2026年第1季度 · 数据截至 2026-04-05 08:00"
    )
    assert [c.value for c in sheet[2]][:3] == ["团队", "服务总量（人次）", "抽查合格率（%）"]
    assert sheet.freeze_panes == "A3"  # title and header stay while scrolling


def test_number_formats_by_kind(sheet):
    row = {sheet.cell(2, c).value: sheet.cell(3, c) for c in range(1, sheet.max_column + 1)}
    assert (row["服务总量（人次）"].value, row["服务总量（人次）"].number_format) == (1204, "#,##0")
    assert (row["抽查合格率（%）"].value, row["抽查合格率（%）"].number_format) == (55.2, '0.0"%"')
    assert row["人均服务量"].number_format == "#,##0.0"  # 183.0, not 183, beside 143.8
    assert row["估算绩效经费（元）"].number_format == "#,##0"
    assert (row["综合得分"].value, row["综合得分"].number_format) == (99.26, "0.00")
    assert sheet["C4"].value is None  # no value: an empty cell, not "nan" or 0


def test_formulas_are_still_neutralised_and_widths_set(sheet):
    assert sheet["A3"].value == '\'=HYPERLINK("http://x")' and sheet["A3"].data_type == "s"
    widths = [sheet.column_dimensions[c].width for c in "ABCDEF"]
    assert all(excel.WIDTH_MIN <= w <= excel.WIDTH_MAX for w in widths)
    assert widths[1] >= len("服务总量（人次）".encode("gbk"))


def test_a_score_never_shows_its_raw_float():
    df = pd.DataFrame({"综合得分": [99.26957970933462]})
    df.attrs[excel.FORMATS_ATTR] = {"综合得分": labels.excel_score_format(2)}
    ws = openpyxl.load_workbook(io.BytesIO(excel.to_excel_bytes({"s": df}, TITLE))).active
    assert ws["A3"].number_format == "0.00"


def test_league_export_and_brief_workbook_have_titles_and_formats(tmp_path):
    from dashboard import export

    url = "duckdb:////tmp/test.duckdb"
    out = tmp_path / "brief.xlsx"
    args = ["--db", url, "--period", "2026-Q3", "--county", "990101", "--format", "xlsx"]
    if export.main([*args, "-o", str(out)]):
        pytest.skip("the test-scale demo database /tmp/test.duckdb is not usable here")
    book = openpyxl.load_workbook(out)
    for ws in book.worksheets:
        assert ws["A1"].value.startswith(f"{labels.APP_TITLE}周报") and ws.freeze_panes == "A3"
    ranking = book["县区排名"]
    header = [c.value for c in ranking[2]]
    score = header.index("综合得分") + 1
    cells = [ranking.cell(r, score) for r in range(3, ranking.max_row + 1)]
    numbers = [c for c in cells if isinstance(c.value, float | int)]
    assert numbers and all(c.number_format.startswith("0.") for c in numbers)
