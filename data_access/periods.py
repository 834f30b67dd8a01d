"""Reporting periods: a month (YYYY-MM), a quarter (YYYY-Qn) or a year (YYYY), and the one before."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

PeriodKind = Literal["month", "quarter", "year"]

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period; `key` is its canonical text (2026-03, 2026-Q1, 2026)."""

    kind: PeriodKind
    year: int
    index: int  # month 1-12, quarter 1-4, or 1 for a year
    # Months covered when the data stops inside the period (None: all of them). Kept by
    # previous(), so an incomplete period is compared with the same months a period earlier.
    upto: int | None = None

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse `YYYY-MM`, `YYYY-Qn` or `YYYY`; raise ValueError otherwise."""
        text = (text or "").strip().upper()
        if m := _MONTH.match(text):
            return cls("month", int(m.group(1)), int(m.group(2)))
        if m := _QUARTER.match(text):
            return cls("quarter", int(m.group(1)), int(m.group(2)))
        if m := _YEAR.match(text):
            return cls("year", int(m.group(1)), 1)
        raise ValueError(f"not a period (YYYY-MM, YYYY-Qn or YYYY): {text!r}")

    @classmethod
    def of_month(cls, month: str, kind: PeriodKind) -> Period:
        """The period of the given kind that contains `month` (YYYY-MM)."""
        p = cls.parse(month)
        if p.kind != "month":
            raise ValueError(f"not a month: {month!r}")
        if kind == "month":
            return p
        if kind == "quarter":
            return cls("quarter", p.year, (p.index - 1) // 3 + 1)
        return cls("year", p.year, 1)

    @property
    def key(self) -> str:
        if self.kind == "month":
            return f"{self.year:04d}-{self.index:02d}"
        if self.kind == "quarter":
            return f"{self.year:04d}-Q{self.index}"
        return f"{self.year:04d}"

    @property
    def months(self) -> tuple[str, ...]:
        """The months the period covers, in order, as YYYY-MM."""
        if self.kind == "month":
            first, count = self.index, 1
        elif self.kind == "quarter":
            first, count = 3 * (self.index - 1) + 1, 3
        else:
            first, count = 1, 12
        if self.upto is not None:
            count = min(count, self.upto)
        return tuple(f"{self.year:04d}-{m:02d}" for m in range(first, first + count))

    @property
    def full(self) -> Period:
        """The whole calendar period (without the cut to months with data)."""
        return Period(self.kind, self.year, self.index)

    @property
    def complete(self) -> bool:
        return self.upto is None

    def through(self, last_month: str | None) -> Period:
        """The period cut after `last_month` (the latest month with data) when that falls inside."""
        full = self.full
        if last_month is None or last_month not in full.months[:-1]:
            return full
        return Period(self.kind, self.year, self.index, full.months.index(last_month) + 1)

    @property
    def first_month(self) -> str:
        return self.months[0]

    @property
    def last_month(self) -> str:
        return self.months[-1]

    def previous(self) -> Period:
        """The comparable period just before (previous month, quarter or year), same months."""
        if self.kind == "year" or self.index > 1:
            if self.kind == "year":
                return Period("year", self.year - 1, 1, self.upto)
            return Period(self.kind, self.year, self.index - 1, self.upto)
        last = 12 if self.kind == "month" else 4
        return Period(self.kind, self.year - 1, last, self.upto)

    def next(self) -> Period:
        """The comparable period just after."""
        if self.kind == "year":
            return Period("year", self.year + 1, 1)
        last = 12 if self.kind == "month" else 4
        if self.index < last:
            return Period(self.kind, self.year, self.index + 1)
        return Period(self.kind, self.year + 1, 1)

    @property
    def label(self) -> str:
        """Chinese label, e.g. 2026年3月, 2026年第1季度, 2026年（截至10月）."""
        if self.kind == "month":
            return f"{self.year}年{self.index}月"
        base = f"{self.year}年第{self.index}季度" if self.kind == "quarter" else f"{self.year}年"
        return base if self.upto is None else f"{base}（截至{int(self.last_month[5:])}月）"

    @property
    def months_label(self) -> str:
        """The months covered in words, e.g. 2025年1–10月, 2026年7月."""
        first, last = int(self.first_month[5:]), int(self.last_month[5:])
        span = f"{first}月" if first == last else f"{first}–{last}月"
        return f"{self.year}年{span}"

    def __str__(self) -> str:
        return self.key


def periods_with_data(months: list[str] | tuple[str, ...], kind: PeriodKind) -> list[Period]:
    """The periods of one kind that contain at least one of `months`, newest first."""
    found = {Period.of_month(m, kind) for m in months if _MONTH.match(m or "")}
    return sorted(found, reverse=True)


def months_ending(period: Period, count: int) -> tuple[str, ...]:
    """The `count` months ending with the period's last month, oldest first."""
    year, month = period.year, int(period.last_month[5:])
    months = []
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return tuple(reversed(months))


def month_label(month: str) -> str:
    """2026-03 → 2026年3月."""
    return Period.parse(month).label


def latest_complete(months: list[str] | tuple[str, ...], kind: PeriodKind) -> Period | None:
    """The newest period of one kind whose every month has data (None: there is none)."""
    have = set(months)
    return next(
        (p for p in periods_with_data(months, kind) if set(p.months) <= have),
        None,
    )
