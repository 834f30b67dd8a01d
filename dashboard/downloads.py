"""One table's 下载 Excel / 下载 CSV pair: built only on click, audited, formulas neutralised."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import audit, excel, safe


def table_buttons(sheet: str, table: pd.DataFrame, title: excel.Title) -> None:
    """Excel and CSV of `table`, named in words from its title (团队工作量_双塘区_2026年第3季度).
    The bytes are built on click, in another thread; audit.deferred checks the session and
    writes the row."""
    stem = safe.file_name(title.subject, title.scope, title.period)
    buttons = st.container(horizontal=True)
    buttons.download_button(
        "下载 Excel",
        audit.deferred(lambda: excel.to_excel_bytes({sheet: table}, title)),
        file_name=f"{stem}.xlsx",
        mime=excel.XLSX_MIME,
        icon=":material/download:",
        on_click="ignore",
    )
    buttons.download_button(
        "下载 CSV",
        audit.deferred(lambda: excel.to_csv_bytes(table)),
        file_name=f"{stem}.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
    )
