"""The short table under each chart in the brief's PDF: the slide's figures as text.

The workbook carries the full tables; these are what a reader of the printout needs beside
the chart, formatted as the slides format them.
"""

from __future__ import annotations

import pandas as pd

from dashboard import theme
from data_access.chronic import COLORS
from views import labels
from views.meeting.deck import Slide

# Rows printed under a ranking; a longer league is in the workbook.
RANK_ROWS_PRINTED = 30
TEAM_ROWS_PRINTED = 15


def _kpis(slide: Slide) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "指标": [t["name"] for t in slide.parts["tiles"]],
            "本期": [t["value"] for t in slide.parts["tiles"]],
            "目标": [t["target"] for t in slide.parts["tiles"]],
            "达标情况": [
                theme.ATTAINMENT_STYLES[t["band"]][2] if t["reason"] is None else t["reason"]
                for t in slide.parts["tiles"]
            ],
            "较上期": [t["change"] or labels.NO_VALUE for t in slide.parts["tiles"]],
        }
    )


def _ranking(slide: Slide) -> pd.DataFrame:
    sheet = next(iter(slide.sheets.values()))
    area = "县区" if "县区" in sheet.columns else "乡镇"
    rows = sheet.head(RANK_ROWS_PRINTED)
    return pd.DataFrame(
        {
            "名次": [labels.NO_VALUE if pd.isna(r) else str(int(r)) for r in rows["名次"]],
            area: rows[area],
            "综合得分": rows["综合得分"],  # the ranking view's text: the page's digits
            "名次变化": [m or labels.NO_VALUE for m in rows["名次变化"]],
        }
    )


def _colors(slide: Slide) -> pd.DataFrame:
    sheet = slide.sheets["绿黄红构成"]
    out = {"病种": sheet["病种"]}
    for color in COLORS:
        name = labels.COLOR_LABELS[color]
        out[name] = [f"{int(n):,}" for n in sheet[name]]
    out["合计"] = [f"{int(n):,}" for n in sheet["合计"]]
    out["红标占比"] = [labels.pct(v) for v in sheet["红标占比（%）"]]
    return pd.DataFrame(out)


def _transitions(slide: Slide) -> pd.DataFrame:
    """Colour at the earlier end (rows) → the later end (columns), with 新纳入 and 退出管理,
    so each row and column adds up to its month's distribution."""
    flows = slide.parts["flows"]
    ends = [*COLORS, None]
    rows = []
    for before in ends:
        row = {"上期 \\ 本期": labels.COLOR_LABELS[before] if before else labels.ENTERED_LABEL}
        for after in ends:
            mask = (
                flows["from_color"].isna() if before is None else flows["from_color"] == before
            ) & (flows["to_color"].isna() if after is None else flows["to_color"] == after)
            n = int(flows.loc[mask, "patients"].sum())
            name = labels.COLOR_LABELS[after] if after else labels.LEFT_LABEL
            row[name] = labels.NO_VALUE if before is None and after is None else f"{n:,}"
        rows.append(row)
    return pd.DataFrame(rows)


def _classes(slide: Slide) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "项目": [name for name, _ in slide.parts["rows"]],
            labels.CLASS_LABELS[1]: [v[1] for _, v in slide.parts["rows"]],
            labels.CLASS_LABELS[2]: [v[2] for _, v in slide.parts["rows"]],
        }
    )


def _teams(slide: Slide) -> pd.DataFrame | None:
    if slide.parts["no_checks"]:  # the message says there was no 抽查: nothing to list
        return None
    rows = slide.parts["rows"].head(TEAM_ROWS_PRINTED)
    return pd.DataFrame(
        {
            "团队": rows["name"],
            "乡镇": rows["township_name"],
            "服务量": [f"{n:,}" for n in rows["services"]],
            "抽查": [f"{n:,}" for n in rows["checked"]],
            "合格": [f"{n:,}" for n in rows["passed"]],
            "合格率": [labels.fraction_pct(v) for v in rows["pass_rate"]],
            labels.VILLAGE_DOCTOR_SHARE: [
                labels.fraction_pct(v) for v in rows["village_doctor_share"]
            ],
        }
    )


def _alerts(slide: Slide) -> pd.DataFrame:
    items = slide.parts["items"]
    return pd.DataFrame(
        {
            "数量": [f"{int(count):,} {unit}" for count, unit, _, _ in items],
            "事项": [text for _, _, text, _ in items],
            "明细（节选）": [names or labels.NO_VALUE for *_, names in items],
        }
    )


def _quality(slide: Slide) -> pd.DataFrame:
    rows = slide.parts["rows"]
    return pd.DataFrame([values for _severity, *values in rows], columns=slide.parts["headers"])


TABLES = {
    "kpis_missed": _kpis,
    "kpis": _kpis,
    "counties": _ranking,
    "townships": _ranking,
    "colors": _colors,
    "transitions": _transitions,
    "classes": _classes,
    "teams": _teams,
    "quality": _quality,
    "alerts": _alerts,
}


def table(slide: Slide) -> pd.DataFrame | None:
    """The slide's printed table (text cells), or None."""
    build = TABLES.get(slide.key)
    return None if build is None or slide.empty else build(slide)
