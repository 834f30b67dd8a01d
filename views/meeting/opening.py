"""The period a meeting opens on when nobody chose one.

The latest month, when its slides all have a figure; otherwise the latest complete quarter
(every month with data), which can fill them — 抽查 is quarterly, so a month without one has
no 重点关注团队. The cover says which period and why (`Opening.why`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from data_access.periods import Period, latest_complete, periods_with_data
from views.meeting.deck import SLIDE_TITLES, Kind


@dataclass(frozen=True)
class Opening:
    period: Period
    why: str  # "" when it is simply the latest month


def opening(
    months: list[str] | tuple[str, ...], left_out: Callable[[Period], tuple[str, ...]]
) -> Opening | None:
    """The meeting's default period given the months with data and, per period, the titles
    of the slides it cannot fill (None: no data at all)."""
    if not months:
        return None
    latest = Period.parse(max(months))
    missing = left_out(latest)
    if not missing:
        return Opening(latest, "")
    quarter = latest_complete(months, "quarter")
    if quarter is None or len(left_out(quarter)) >= len(missing):
        return Opening(latest, "")
    titles = "、".join(f"“{t}”" for t in missing)
    quarterly = "（抽查按季度开展）" if SLIDE_TITLES[Kind.TEAMS] in missing else ""
    return Opening(
        quarter, f"最近一个完整季度：{latest.label}的数据不足以做出{titles}一页{quarterly}"
    )


# Months a cover's picker offers: a year of meetings; older periods stay in the sidebar.
CHOICE_MONTHS = 12


def choices(months: list[str] | tuple[str, ...]) -> list[Period]:
    """The periods a meeting may be held on, quarters first (the complete ones can fill every
    slide), then the latest months, then years; newest first within each."""
    return [
        *periods_with_data(months, "quarter"),
        *periods_with_data(months, "month")[:CHOICE_MONTHS],
        *periods_with_data(months, "year"),
    ]
