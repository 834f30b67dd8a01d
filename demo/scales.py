"""Named sizes of the demo database and the months each one covers."""

from __future__ import annotations

from dataclasses import dataclass

# The last complete month when the demo was designed (today is 2026-11-23); every scale ends here
# so screenshots, tests and the weekly brief all talk about the same "current" month.
LAST_MONTH = "2026-10"


@dataclass(frozen=True)
class Scale:
    """How many areas and months a demo database holds; `radius_deg` sizes the prefecture outline."""

    name: str
    counties: int
    townships: int
    villages: int
    months: int
    radius_deg: float  # half the north-south extent of the fictional prefecture, degrees


SCALES = {
    "test": Scale("test", counties=2, townships=5, villages=30, months=3, radius_deg=0.25),
    "demo": Scale("demo", counties=5, townships=50, villages=600, months=12, radius_deg=0.6),
    "prefecture": Scale(
        "prefecture", counties=12, townships=150, villages=2000, months=24, radius_deg=0.95
    ),
    "province": Scale(
        "province", counties=40, townships=500, villages=7000, months=24, radius_deg=1.9
    ),
}


def get_scale(name: str) -> Scale:
    """The named scale; ValueError lists the valid names."""
    try:
        return SCALES[name]
    except KeyError:
        raise ValueError(f"unknown scale {name!r}; use one of: {', '.join(SCALES)}") from None


def month_range(count: int, last: str = LAST_MONTH) -> list[str]:
    """`count` consecutive months ending at `last`, oldest first, as YYYY-MM."""
    year, month = (int(part) for part in last.split("-"))
    index = year * 12 + month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]
