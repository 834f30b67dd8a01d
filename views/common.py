"""What every view shares: the period window with its like-for-like comparison, the scope in
words and the freshness of the data."""

from __future__ import annotations

from dataclasses import dataclass, field

from data_access import meta, villages
from data_access.periods import Period, months_ending
from data_access.relations import Db
from data_access.scope import Scope
from views import labels


@dataclass(frozen=True)
class Window:
    """The period a view shows and the period it is compared with, month for month.

    When the data stops inside the period (e.g. 2026 with data up to October), `period` is
    cut to those months and labelled so (2026年（截至10月）), and `previous` holds the same
    months a period earlier. A change is shown only when every month of `previous` has data.
    """

    period: Period
    previous: Period
    previous_months_with_data: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.period.label

    @property
    def previous_label(self) -> str:
        """The comparison in words, naming the months when the period is cut."""
        prev = self.previous
        return prev.label if prev.complete else prev.months_label

    @property
    def comparable(self) -> bool:
        return set(self.previous.months) <= set(self.previous_months_with_data)

    @property
    def no_change_reason(self) -> str | None:
        """Why no change figure is shown (None when it is)."""
        if self.comparable:
            return None
        have = [m for m in self.previous.months if m in self.previous_months_with_data]
        if not have:
            return f"{self.previous_label}无数据，无法比较"
        return f"{self.previous_label}数据不全（仅 {len(have)} 个月有数据），无法同口径比较"


def window(period: Period, data_months: list[str] | tuple[str, ...]) -> Window:
    """The window of a chosen period given the months that have data (meta.data_months)."""
    latest = max(data_months) if data_months else None
    cut = period.through(latest)
    previous = cut.previous()
    have = tuple(m for m in previous.months if m in set(data_months))
    return Window(cut, previous, have)


def data_months(engine: Db) -> list[str]:
    """The months with data (for pages, which read no data_access themselves)."""
    return meta.data_months(engine)


def window_for(engine: Db, period: Period) -> Window:
    """window() with the months read from the database (the export CLI's path)."""
    return window(period, meta.data_months(engine))


@dataclass(frozen=True)
class Header:
    """The scope in words and where the data comes from: the strip on every page and slide."""

    scope: Scope
    scope_words: str
    county_name: str | None
    township_names: dict[str, str] = field(default_factory=dict)
    freshness: str = ""
    demo: bool = False


def source_words(info: meta.DataInfo) -> str | None:
    """Where the data comes from, in the bureau's words: the demo says it is made up (older
    demo databases wrote the generator's parameters as their source: never shown), real data
    names its data_meta.source."""
    if info.demo:
        return labels.DEMO_SOURCE
    return (info.source or "").strip() or None


def freshness_words(info: meta.DataInfo) -> str:
    """e.g. 数据截至 2026-11-05 08:00 · 来源：演示数据（随机生成，非真实数据）."""
    parts = []
    if info.extracted_at:
        parts.append(f"数据截至 {info.extracted_at[:16].replace('T', ' ')}")
    source = source_words(info)
    if source:
        parts.append(f"来源：{source}")
    return " · ".join(parts) or "数据提取时间未知"


def header(engine: Db, scope: Scope) -> Header:
    """Scope names from the database (never codes) and the extract's freshness."""
    counties = villages.counties(engine)
    info = meta.data_info(engine)
    if scope.county_code is None:
        prefectures = counties["prefecture"].dropna().unique()
        words = "、".join(prefectures) or labels.ALL_COUNTIES
        return Header(scope, words, None, {}, freshness_words(info), info.demo)
    found = counties.loc[counties["county_code"] == scope.county_code, "name"]
    county_name = str(found.iloc[0]) if len(found) else scope.county_code
    towns = villages.townships(engine, scope.county_code)
    names = dict(zip(towns["township_code"], towns["name"], strict=True))
    words = county_name
    if scope.township_codes:
        words += " · " + "、".join(names.get(t, t) for t in scope.township_codes)
    return Header(scope, words, county_name, names, freshness_words(info), info.demo)


# A year of months in trends and sparklines: enough to see seasonality, small enough to read.
TREND_MONTHS = 12


def trend_months(period: Period, count: int = TREND_MONTHS) -> tuple[str, ...]:
    """The `count` months ending with the period's last month, oldest first."""
    return months_ending(period, count)


def month_words(month: str | None) -> str:
    """2026-03 → 2026年3月 (— for none)."""
    return f"{month[:4]}年{int(month[5:])}月" if month else labels.NO_VALUE


def month_end_words(month: str) -> str:
    """2026-03 → 2026年3月末 (a stock's date)."""
    return f"{month_words(month)}末"
