"""The 数据质量 slide: how many flags, the most serious first, and that a flag is 建议核查."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from views.meeting.deck import (
    FIGURE,
    Kind,
    Meeting,
    NoData,
    Number,
    Slide,
    Sources,
    TableSlide,
    data,
)
from views.quality_flags import LEVEL_LABELS

# Flags a room can read on one slide (five rows of projector type fit its body); the
# brief's workbook lists every one.
ROWS_MAX = 5
NOTE = "提示是建议核查的线索，不是结论，也不是对任何团队或个人的指控。"
HEADERS = ("严重程度", "类型", "对象（乡镇）", "数字")


class QualityRow(NamedTuple):
    severity: str  # high / medium / low: the emphasis
    level: str  # the severity in words (严重程度)
    kind: str  # the rule in words (类型)
    entity: str  # 团队/村/乡镇 and its name, with its township
    figure: str  # the figure and its comparison, as the page words it

    @property
    def values(self) -> tuple[str, str, str, str]:
        """The cells under HEADERS."""
        return (self.level, self.kind, self.entity, self.figure)


@dataclass(**FIGURE)
class QualitySlide(TableSlide):
    """Drawn as its table: the count and the serious ones beside the most serious rows,
    those of severity high stressed; the fields below are the export's and the tests'."""

    count: int = data()  # flags in scope and period
    high: int = data()  # of which severity high
    by_rule: tuple[tuple[str, int], ...] = data()  # flags per rule

    @property
    def has_figure(self) -> bool:
        return len(self.table) > 0


def quality(src: Sources, m: Meeting) -> Slide:
    """The flags of 数据质量 (the page's view model: same count, same wording)."""
    view = src.quality()
    if not view.has_entities:
        return NoData(kind=Kind.QUALITY, empty="所选范围内没有团队和村。")
    rows = tuple(
        QualityRow(
            f.severity,
            f.severity_label,
            f.kind,
            f"{LEVEL_LABELS[f.entity.level]} {f.entity.name}"
            + ("" if f.entity.level == "township" else f"（{f.entity.township_name}）"),
            f.figure,
        )
        for f in view.flags[:ROWS_MAX]
    )
    sheets = {"数据质量提示": view.table()}
    if view.flags:
        sheets["数据质量_按乡镇"] = view.township_summary()
    return QualitySlide(
        kind=Kind.QUALITY,
        message=view.message,
        sheets=sheets,
        table=pd.DataFrame([r.values for r in rows], columns=list(HEADERS)),
        note=NOTE,
        numbers=(
            Number("提示", f"{view.count:,}", "条，建议核查"),
            Number("严重程度高", f"{view.high:,}", "条", alarm=view.high > 0),
        ),
        emphasis=tuple(i for i, r in enumerate(rows) if r.severity == "high"),
        more=max(view.count - ROWS_MAX, 0),
        count=view.count,
        high=view.high,
        by_rule=tuple(view.by_rule.items()),
    )
