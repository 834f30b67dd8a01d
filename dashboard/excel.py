"""Tables to Excel (.xlsx) and CSV bytes: the one writer every download and export uses.

Every sheet has a title row (what, scope, period, data date) above a frozen header, columns
sized to fit, and a number format on every numeric column by its kind (views.labels):
counts #,##0, per-1,000 / averages / points #,##0.0, money #,##0, scores with the ranking
model's decimals. Percentages: a cell holds the percent value the screen shows (55.2, not
0.552), formatted 0.0"%", and the column header says （%）.
Every text cell and header goes through dashboard.safe.cell (no formula survives). Every
sheet prints: A4 landscape, one page wide, title and header repeated, page numbers in the
footer (print_setup).
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from dashboard import audit, safe
from views import labels

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TITLE_ROW, HEADER_ROW = 1, 2  # the title above the header; data starts on row 3
WIDTH_MIN, WIDTH_MAX = 6, 60  # characters: a column stays readable and never fills the screen
WIDTH_SAMPLE = 200  # rows measured for a column's width: enough, and fast on long tables
# A table may carry its own formats in DataFrame.attrs under this key: {header: kind/format}.
FORMATS_ATTR = labels.SHEET_FORMATS
HEADER_FILL = PatternFill("solid", fgColor="E6ECF3")  # the slides' table header tint
TITLE_LINE_PT = 20  # the title row's height per wrapped line (12-pt bold CJK: ≈1.45 em a line)
TITLE_SCALE = 1.6  # a 12-pt bold title character against the 11-pt columns (generous: a viewer
# substituting a wider face must not clip the last line)
PRINT_MARGIN_IN = 0.4  # left and right page margins (inches)


@dataclass(frozen=True)
class Title:
    """The line above every sheet's header: what the table is, for whom, when, how fresh."""

    subject: str  # e.g. 团队工作量
    scope: str  # e.g. 甲县 · 全部乡镇
    period: str  # e.g. 2026年第三季度
    data_date: str = ""  # e.g. 数据截至 2026-10-05 08:00 (views.common.freshness_words)

    def text(self, sheet: str | None = None) -> str:
        subject = (
            self.subject if not sheet or sheet == self.subject else f"{self.subject} · {sheet}"
        )
        return " · ".join(p for p in (subject, self.scope, self.period, self.data_date) if p)


def number_format(kind_or_format: str) -> str:
    """An Excel number format from a figure kind (labels.EXCEL_FORMATS) or a literal format."""
    return labels.EXCEL_FORMATS.get(kind_or_format, kind_or_format)


def _width(values) -> int:
    # GBK bytes: a Chinese character is two columns wide, like in Excel.
    longest = max((len(str(v).encode("gbk", "replace")) for v in values), default=0)
    return min(max(longest + 2, WIDTH_MIN), WIDTH_MAX)


def _cell_value(value):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars → Python numbers openpyxl writes natively
        value = value.item()
    if isinstance(value, list | tuple | dict):
        value = str(value)
    return safe.cell(value)


def _write_sheet(ws, raw: pd.DataFrame, title: str | None, formats: Mapping[str, str]) -> None:
    formats = {**raw.attrs.get(FORMATS_ATTR, {}), **formats}
    kinds = {
        i: formats.get(str(column)) or labels.column_kind(str(column), raw.iloc[:, i - 1])
        for i, column in enumerate(raw.columns, start=1)
    }
    shown_formats = {i: number_format(k) for i, k in kinds.items() if k}
    df = safe.frame(raw)  # no cell, header included, can start a formula
    if title:
        ws.cell(TITLE_ROW, 1, safe.cell(title)).font = Font(bold=True, size=12)
    header_row = HEADER_ROW if title else 1
    for i, column in enumerate(df.columns, start=1):
        cell = ws.cell(header_row, i, column)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for r, values in enumerate(df.itertuples(index=False, name=None), start=header_row + 1):
        for i, value in enumerate(values, start=1):
            cell = ws.cell(r, i, _cell_value(value))
            if i in shown_formats and isinstance(cell.value, int | float):
                cell.number_format = shown_formats[i]
    for i, column in enumerate(df.columns, start=1):
        sample = df.iloc[:WIDTH_SAMPLE, i - 1].tolist()
        if i in shown_formats:  # numbers as shown, with separators
            sample = [labels.number(v, 1) for v in sample if isinstance(v, int | float)]
        ws.column_dimensions[get_column_letter(i)].width = _width([column, *sample])
    # Title and header stay in view while scrolling down a long table.
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    if title:
        _title_across(ws, len(df.columns))
    print_setup(ws, header_row, len(df.columns), header_row + len(df))


def _title_across(ws, columns: int) -> None:
    """The title wraps within the table's width (merged across its columns), so it neither
    runs past the table on screen nor prints a page of its own."""
    last = max(columns, 1)
    if last > 1:
        ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=last)
    cell = ws.cell(TITLE_ROW, 1)
    cell.alignment = Alignment(wrap_text=True, vertical="center")
    width = sum(
        ws.column_dimensions[get_column_letter(i)].width or WIDTH_MIN for i in range(1, last + 1)
    )
    lines = math.ceil(_width([cell.value]) * TITLE_SCALE / max(width, 1))
    ws.row_dimensions[TITLE_ROW].height = TITLE_LINE_PT * max(lines, 1)


def print_setup(ws, header_row: int, columns: int, last_row: int) -> None:
    """A sheet that prints as read: A4 landscape, one page wide (as many pages down as it
    takes), the title and header rows repeated on every page, 第 n 页，共 m 页 in the footer."""
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # 0: as many pages down as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = PRINT_MARGIN_IN
    ws.print_title_rows = f"1:{header_row}"
    ws.print_area = f"A1:{get_column_letter(max(columns, 1))}{max(last_row, header_row)}"
    ws.oddFooter.left.text = "&A"  # the sheet's name
    ws.oddFooter.right.text = "第 &P 页，共 &N 页"
    ws.evenFooter.left.text, ws.evenFooter.right.text = (
        ws.oddFooter.left.text,
        ws.oddFooter.right.text,
    )


def to_excel_bytes(
    sheets: Mapping[str, pd.DataFrame],
    title: Title | None = None,
    formats: Mapping[str, str] | None = None,
    audited: bool = True,
) -> bytes:
    """One workbook, a sheet per table (Chinese headers as given) under a title row.

    `formats` maps a column header to a figure kind (labels.EXCEL_FORMATS) or an Excel number
    format (as does a table's attrs[FORMATS_ATTR]); other numeric columns get the kind
    labels.column_kind reads from header and values.
    """
    if audited:  # False: the caller writes its own, more telling, audit row
        audit.record("export", what="xlsx: " + "、".join(map(str, sheets))[:200])
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for name, df in sheets.items():
        sheet = safe.sheet_name(name, taken)
        taken.add(sheet)
        ws = book.create_sheet(sheet)
        _write_sheet(ws, df, title.text(str(name)) if title else None, formats or {})
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV with a UTF-8 BOM so Excel on Windows opens the Chinese headers correctly."""
    audit.record("export", what="csv: " + "、".join(map(str, df.columns))[:200])
    return safe.frame(df).to_csv(index=False).encode("utf-8-sig")
