"""The 数据质量 slide: how many flags, the most serious first, and that a flag is 建议核查."""

from __future__ import annotations

from views.meeting.deck import Meeting, Slide, Sources
from views.quality_flags import LEVEL_LABELS

# Flags a room can read on one slide (five rows of projector type fit its body); the
# brief's workbook lists every one.
ROWS_MAX = 5
NOTE = "提示是建议核查的线索，不是结论，也不是对任何团队或个人的指控。"
HEADERS = ("严重程度", "类型", "对象（乡镇）", "数字")


def quality(src: Sources, m: Meeting) -> Slide:
    """The flags of 数据质量 (the page's view model: same count, same wording)."""
    slide = Slide("quality")
    view = src.quality()
    if not view.has_entities:
        slide.empty = "所选范围内没有团队和村。"
        return slide
    slide.message = view.message
    rows = [
        (
            f.severity,
            f.severity_label,
            f.kind,
            f"{LEVEL_LABELS[f.entity.level]} {f.entity.name}"
            + ("" if f.entity.level == "township" else f"（{f.entity.township_name}）"),
            f.figure,
        )
        for f in view.flags[:ROWS_MAX]
    ]
    slide.parts.update(
        count=view.count,
        high=view.high,
        rows=rows,
        headers=HEADERS,
        more=max(view.count - ROWS_MAX, 0),
        by_rule=list(view.by_rule.items()),
        note=NOTE,
    )
    slide.sheets["数据质量提示"] = view.table()
    if view.flags:
        slide.sheets["数据质量_按乡镇"] = view.township_summary()
    return slide
