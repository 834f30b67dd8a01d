"""The brief's workbook (.xlsx): a summary sheet, then every slide's sheets in slide order.

The sheets are the slides' own tables (views.meeting: each slide's `sheets`), written as they
are through dashboard.excel: numbers as numbers, with the formats the tables carry (a
ranking's score cut to the page's digits), every sheet set up to print.
"""

from __future__ import annotations

import pandas as pd

from dashboard import excel
from views import labels
from views.meeting import deck


def render_xlsx(m: deck.Meeting, slides: list[deck.Slide]) -> bytes:
    """The brief's workbook: a summary sheet, then every slide's tables in slide order."""
    summary = [("范围", m.scope_words), ("期间", m.period_label), ("数据", m.freshness)]
    summary += [
        (s.title, s.message or s.empty or "") for s in slides if s.kind is not deck.Kind.COVER
    ]
    sheets = {"周报要点": pd.DataFrame(summary, columns=["项目", "内容"])}
    for slide in slides:
        for name, df in slide.sheets.items():
            if name not in sheets:
                sheets[name] = df
    title = excel.Title(f"{labels.APP_TITLE}周报", m.scope_words, m.period_label, m.freshness)
    # audited=False: the brief's own audit row says more.
    return excel.to_excel_bytes(sheets, title, XLSX_FORMATS, audited=False)


# Indicator values of mixed units: one or two decimals, so 65.97 never reads as 66.0.
XLSX_FORMATS = {"本期值": "#,##0.0#", "分子": "#,##0", "分母": "#,##0"}
