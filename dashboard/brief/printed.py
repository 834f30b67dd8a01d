"""The short table under each chart in the brief's PDF: the slide's figures as text.

The workbook carries the full tables; these are what a reader of the printout needs beside
the chart, formatted as the slides format them. One drawing per slide type, registered as
views.meeting.registry's Output.PDF_TABLE: the slide's fields in, `Printed` out.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from dashboard import palette
from data_access.chronic import COLORS
from views import labels
from views.meeting.attention_slides import AlertsSlide, TeamsSlide
from views.meeting.chronic_slides import ColorsSlide, TransitionsSlide
from views.meeting.deck import Cover, NoData, Slide, TableSlide
from views.meeting.indicator_slides import KpiSlide, RankingSlide
from views.meeting.registry import Output, drawer, register
from views.meeting.village_slides import ClassesSlide

# Rows printed under a ranking; a longer league is in the workbook.
RANK_ROWS_PRINTED = 30
TEAM_ROWS_PRINTED = 15


class Printed(NamedTuple):
    """What the PDF prints under a slide's chart: a table of text cells, and a note."""

    table: pd.DataFrame | None = None
    note: str = ""


@register(Output.PDF_TABLE, NoData, Cover)
def _nothing(slide: Slide) -> Printed:
    return Printed()


@register(Output.PDF_TABLE, TableSlide)
def _table(slide: TableSlide) -> Printed:
    words = slide.note + slide.more_words("见工作簿") + "".join(slide.lines)
    return Printed(slide.table if len(slide.table) else None, words)


@register(Output.PDF_TABLE, KpiSlide)
def _kpis(slide: KpiSlide) -> Printed:
    tiles = slide.tiles
    return Printed(
        pd.DataFrame(
            {
                "指标": [t.name for t in tiles],
                "本期": [t.value for t in tiles],
                "目标": [t.target for t in tiles],
                "达标情况": [
                    palette.ATTAINMENT_STYLES[t.band][2] if t.reason is None else t.reason
                    for t in tiles
                ],
                "较上期": [t.change or labels.NO_VALUE for t in tiles],
            }
        )
    )


@register(Output.PDF_TABLE, RankingSlide)
def _ranking(slide: RankingSlide) -> Printed:
    rows = slide.league.head(RANK_ROWS_PRINTED)
    return Printed(
        pd.DataFrame(
            {
                "名次": [labels.NO_VALUE if pd.isna(r) else str(int(r)) for r in rows["rank"]],
                slide.area: rows["name"],
                "综合得分": rows["score_text"],  # the ranking view's text: the page's digits
                "名次变化": [m or labels.NO_VALUE for m in rows["move"]],
            }
        )
    )


@register(Output.PDF_TABLE, ColorsSlide)
def _colors(slide: ColorsSlide) -> Printed:
    rows = slide.rows
    out = {"病种": [r.label for r in rows]}
    for color in COLORS:
        out[labels.COLOR_LABELS[color]] = [labels.count(r.counts[color]) for r in rows]
    out["合计"] = [f"{r.total:,}" for r in rows]
    out["红标占比"] = [
        labels.pct(None if r.shares["red"] is None else round(100 * r.shares["red"], 1))
        for r in rows
    ]
    return Printed(pd.DataFrame(out))


@register(Output.PDF_TABLE, TransitionsSlide)
def _transitions(slide: TransitionsSlide) -> Printed:
    """Colour at the earlier end (rows) → the later end (columns), with 新纳入 and 退出管理,
    so each row and column adds up to its month's distribution."""
    matrix = slide.matrix
    rows = []
    for before in matrix.ends:
        row = {"上期 \\ 本期": labels.COLOR_LABELS[before] if before else labels.ENTERED_LABEL}
        for after in matrix.ends:
            name = labels.COLOR_LABELS[after] if after else labels.LEFT_LABEL
            n = matrix.count(before, after)
            row[name] = labels.NO_VALUE if before is None and after is None else f"{n:,}"
        rows.append(row)
    return Printed(pd.DataFrame(rows))


@register(Output.PDF_TABLE, ClassesSlide)
def _classes(slide: ClassesSlide) -> Printed:
    return Printed(
        pd.DataFrame(
            {
                "项目": [name for name, _ in slide.rows],
                labels.CLASS_LABELS[1]: [v[1] for _, v in slide.rows],
                labels.CLASS_LABELS[2]: [v[2] for _, v in slide.rows],
            }
        )
    )


@register(Output.PDF_TABLE, TeamsSlide)
def _teams(slide: TeamsSlide) -> Printed:
    note = f"标记规则：{slide.rule}。"
    if slide.no_checks:  # the message says there was no 抽查: nothing to list
        return Printed(None, note)
    rows = slide.rows.head(TEAM_ROWS_PRINTED)
    table = pd.DataFrame(
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
    return Printed(table, note)


@register(Output.PDF_TABLE, AlertsSlide)
def _alerts(slide: AlertsSlide) -> Printed:
    items = slide.items
    return Printed(
        pd.DataFrame(
            {
                "数量": [f"{labels.count(count)} {unit}" for count, unit, _, _ in items],
                "事项": [text for _, _, text, _ in items],
                "明细（节选）": [names or labels.NO_VALUE for *_, names in items],
            }
        )
    )


def printed(slide: Slide) -> Printed:
    """What the PDF prints under the slide's chart."""
    return drawer(Output.PDF_TABLE, slide)(slide)


def table(slide: Slide) -> pd.DataFrame | None:
    """The slide's printed table (text cells), or None."""
    return printed(slide).table
