"""The 数据质量 slide: how many flags, the most serious first, and that a flag is 建议核查."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from views.meeting.deck import FIGURE, Kind, Meeting, NoData, Slide, Sources
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
class QualitySlide(Slide):
    count: int  # flags in scope and period
    high: int  # of which severity high
    rows: tuple[QualityRow, ...]  # the most serious first, at most ROWS_MAX
    headers: tuple[str, ...]
    more: int  # flags not listed
    by_rule: tuple[tuple[str, int], ...]  # flags per rule
    note: str

    @property
    def has_figure(self) -> bool:
        return bool(self.rows)


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
        count=view.count,
        high=view.high,
        rows=rows,
        headers=HEADERS,
        more=max(view.count - ROWS_MAX, 0),
        by_rule=tuple(view.by_rule.items()),
        note=NOTE,
    )
