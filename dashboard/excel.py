"""Tables to Excel (.xlsx) and CSV bytes for download buttons and the export CLI."""

from __future__ import annotations

import io

import pandas as pd

# Excel limits sheet names to 31 characters and forbids a few characters.
_SHEET_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


def to_excel_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """One workbook with a sheet per table (Chinese headers as given), columns sized to fit."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, df in sheets.items():
            sheet = name.translate(_SHEET_FORBIDDEN)[:31]
            df.to_excel(writer, sheet_name=sheet, index=False)
            ws = writer.sheets[sheet]
            for i, column in enumerate(df.columns, start=1):
                values = [str(column), *(str(v) for v in df[column].head(200))]
                width = min(max(len(v.encode("gbk", "replace")) for v in values) + 2, 60)
                ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = width
    return buffer.getvalue()


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV with a UTF-8 BOM so Excel on Windows opens the Chinese headers correctly."""
    return df.to_csv(index=False).encode("utf-8-sig")
