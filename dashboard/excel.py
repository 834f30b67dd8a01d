"""Tables to Excel (.xlsx) and CSV bytes for download buttons and the export CLI.

Every export goes through here, and every cell through dashboard.safe.cell.
"""

from __future__ import annotations

import io

import pandas as pd

from dashboard import audit, safe


def to_excel_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """One workbook with a sheet per table (Chinese headers as given), columns sized to fit."""
    audit.record("export", what="xlsx: " + "、".join(map(str, sheets))[:200])
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        taken: set[str] = set()
        for name, raw in sheets.items():
            sheet = safe.sheet_name(name, taken)
            taken.add(sheet)
            df = safe.frame(raw)  # no cell, header included, can start a formula
            df.to_excel(writer, sheet_name=sheet, index=False)
            ws = writer.sheets[sheet]
            for i, column in enumerate(df.columns, start=1):
                values = [str(column), *(str(v) for v in df[column].head(200))]
                width = min(max(len(v.encode("gbk", "replace")) for v in values) + 2, 60)
                ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = width
    return buffer.getvalue()


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV with a UTF-8 BOM so Excel on Windows opens the Chinese headers correctly."""
    audit.record("export", what="csv: " + "、".join(map(str, df.columns))[:200])
    return safe.frame(df).to_csv(index=False).encode("utf-8-sig")
