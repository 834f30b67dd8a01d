"""The 数据质量 rules: pure functions from the figures of a scope and period (`Facts`) to flags.

Each rule states its figure, what it was compared with, and one plain sentence that ends in
建议核查. The thresholds are views.quality_flags.Thresholds; the method in words is
views.quality_flags.method.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_access.periods import Period, months_ending
from views import masking
from views.common import month_words
from views.quality_flags import (
    ADVICE,
    RULES,
    Entity,
    Flag,
    Thresholds,
    team_link,
    township_link,
    village_link,
)

# A median over fewer other teams is one team's figure, not the township's norm.
MIN_PEERS = 2
# 1.4826 × MAD estimates the standard deviation of normal data (the modified z-score's scale).
MAD_SCALE = 1.4826
TREND_MONTHS = 12  # the window of the colour rules: a year of follow-ups


@dataclass(frozen=True)
class Facts:
    """What the rules read, for one scope and period, as plain data (views.quality.build)."""

    months: tuple[str, ...]  # the period's months
    data_months: frozenset[str]  # months with data in the database
    chronic_months: tuple[str, ...]  # the period's months with chronic rows in the database
    trend: tuple[str, ...]  # the 12 months ending with the period, with data
    span: tuple[str, ...]  # months with data from the history's first to the period's last
    teams: list  # per team in scope (rows): entity fields, members, services, checked, passed
    volume: np.ndarray  # services per team (teams' order) and span month (0: no rows)
    visits: np.ndarray  # follow-ups, likewise
    villages: list  # villages in scope (rows): entity fields, population, team_id, team_name
    team_of: dict[str, str]  # every village → its team
    county_of: dict[str, str]  # every village → its county
    team_residents: dict[str, int]  # team → residents of all its villages
    team_villages: dict[str, int]  # team → villages it serves
    chronic: dict[tuple[str, str], int]  # (month, village) → chronic rows, the period's months
    moves: pd.DataFrame  # chronic_quality of the trend months, every village
    signing: dict[str, tuple]  # village → (month, numerator, denominator), latest in period
    small: int = 0  # the small-cell floor for patient counts (0: none)

    def column(self, month: str) -> int | None:
        return self.span.index(month) if month in self.span else None


def people_words(n: float, small: int) -> str:
    """A count of patients (rows) as shown: `<5` when small for this user."""
    return masking.words(small) if masking.is_small(n, small) else f"{int(n):,}"


def _times(value: float) -> str:
    return "∞" if math.isinf(value) else f"{value:.1f}"


def _severity(rule: str, strong: bool) -> str:
    return "high" if strong else RULES[rule][2]


def team_entity(row) -> Entity:
    return Entity(
        "team", row.team_id, row.label, row.township_code, row.township_name,
        row.county_code, row.county_name, row.team_id, row.label,
    )  # fmt: skip


def village_entity(row) -> Entity:
    return Entity(
        "village", row.village_code, row.name, row.township_code, row.township_name,
        row.county_code, row.county_name, row.team_id, row.team_name,
    )  # fmt: skip


def make_flag(rule, entity, month, value, figure, comparison, sentence, strong=False) -> Flag:
    link = {"team": team_link, "village": village_link, "township": township_link}[entity.level]
    return Flag(
        rule, _severity(rule, strong), entity, month, float(value), figure, comparison,
        f"{sentence}，{ADVICE}。", link(entity.code),
    )  # fmt: skip


def _history(month: str, count: int, f: Facts) -> list[int]:
    """Span columns of the `count` months before `month` that have data."""
    earlier = months_ending(Period.parse(month), count + 1)[:-1]
    return [f.span.index(m) for m in earlier if m in f.span]


def spikes(f: Facts, t: Thresholds) -> list[Flag]:
    out = []
    for month in f.months:
        j = f.column(month)
        history = _history(month, t.history_months, f) if j is not None else []
        if j is None or len(history) < t.min_history_months or not f.teams:
            continue
        past = f.volume[:, history]
        median = np.median(past, axis=1)
        spread = MAD_SCALE * np.median(np.abs(past - median[:, None]), axis=1)
        x = f.volume[:, j]
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(spread > 0, (x - median) / spread, np.inf)
        hits = (x >= t.min_services) & (x >= t.spike_ratio * median) & (z >= t.spike_z)
        for i in np.flatnonzero(hits):
            row, n, med = f.teams[i], int(x[i]), float(median[i])
            ratio = n / med if med else math.inf
            out.append(
                make_flag(
                    "spike", team_entity(row), month, n,
                    f"{month_words(month)}服务 {n:,} 人次",
                    f"此前 {len(history)} 个月中位数 {med:,.0f} 人次（{_times(ratio)} 倍，"
                    f"稳健 z = {_times(float(z[i]))}，阈值 {t.spike_z:g}）",
                    f"{row.label}{month_words(month)}服务 {n:,} 人次，是自身此前 {len(history)} 个月"
                    f"中位数（{med:,.0f} 人次）的 {_times(ratio)} 倍",
                    strong=n >= 2 * t.spike_ratio * med,
                )
            )  # fmt: skip
    return out


def quarter_ends(f: Facts) -> list[tuple[str, tuple[str, str]]]:
    """(last month, its two earlier months) of every quarter ending in the period whose three
    months all have data."""
    out = []
    for month in f.months:
        if int(month[5:]) % 3 == 0:
            first, second, _ = months_ending(Period.parse(month), 3)
            if {first, second, month} <= set(f.span):
                out.append((month, (first, second)))
    return out


def surges(f: Facts, t: Thresholds) -> list[Flag]:
    out = []
    for month, earlier in quarter_ends(f):
        x = f.volume[:, f.column(month)]
        before = f.volume[:, [f.column(m) for m in earlier]].max(axis=1)
        hits = (x >= t.min_services) & (x >= t.surge_ratio * before)
        quarter = Period.of_month(month, "quarter").label
        for i in np.flatnonzero(hits):
            row, n, b = f.teams[i], int(x[i]), int(before[i])
            ratio = n / b if b else math.inf
            out.append(
                make_flag(
                    "surge", team_entity(row), month, n,
                    f"{month_words(month)}（季末）服务 {n:,} 人次",
                    f"本季前两个月较高者 {b:,} 人次（{_times(ratio)} 倍，阈值 {t.surge_ratio:g}）",
                    f"{row.label}{quarter}最后一个月服务 {n:,} 人次，是前两个月较高者"
                    f"（{b:,} 人次）的 {_times(ratio)} 倍",
                )
            )  # fmt: skip
    return out


def working_days(month: str) -> int:
    """Mondays to Fridays in the month (public holidays are not known here)."""
    start = np.datetime64(month, "M")
    return int(np.busday_count(start.astype("datetime64[D]"), (start + 1).astype("datetime64[D]")))


def daily_rates(f: Facts, t: Thresholds) -> list[Flag]:
    out = []
    for month in f.months:
        j = f.column(month)
        if j is None:
            continue
        days = working_days(month)
        for i, row in enumerate(f.teams):
            n = int(f.volume[i, j])
            if not row.members or n / (row.members * days) <= t.daily_ceiling:
                continue
            rate = n / (row.members * days)
            out.append(
                make_flag(
                    "daily_rate", team_entity(row), month, rate,
                    f"{month_words(month)}人均每工作日 {rate:.1f} 人次",
                    f"上限 {t.daily_ceiling:g} 人次（{n:,} 人次 / {row.members} 名成员 / {days} 个工作日）",
                    f"{row.label}{month_words(month)}服务 {n:,} 人次，按 {row.members} 名成员、"
                    f"{days} 个工作日计，人均每个工作日 {rate:.1f} 人次，超过上限 {t.daily_ceiling:g} 人次",
                )
            )  # fmt: skip
    return out


def follow_ups(f: Facts, t: Thresholds) -> list[Flag]:
    out = []
    patients: dict[tuple[str, str], int] = {}
    for (month, village_code), rows in f.chronic.items():
        key = (f.team_of.get(village_code), month)
        patients[key] = patients.get(key, 0) + rows
    for month in f.chronic_months:
        j = f.column(month)
        if j is None:
            continue
        for i, row in enumerate(f.teams):
            n, p = int(f.visits[i, j]), patients.get((row.team_id, month), 0)
            if n < t.min_services or n <= t.followups_per_patient * p:
                continue
            ratio = n / p if p else math.inf
            shown = people_words(p, f.small)
            out.append(
                make_flag(
                    "follow_ups", team_entity(row), month, n,
                    f"{month_words(month)}随访 {n:,} 次",
                    f"所服务村月末在管慢病患者 {shown} 人次（随访为其 {_times(ratio)} 倍，"
                    f"阈值 {t.followups_per_patient:g} 倍）",
                    f"{row.label}{month_words(month)}随访 {n:,} 次，是所服务村在管慢病患者"
                    f"（{shown} 人次）的 {_times(ratio)} 倍",
                    strong=n > 2 * t.followups_per_patient * p,
                )
            )  # fmt: skip
    return out


def perfect_checks(f: Facts, t: Thresholds) -> list[Flag]:
    out = []
    for row in f.teams:
        if row.checked < t.perfect_min_checks or row.passed != row.checked:
            continue
        peers = [
            r.services
            for r in f.teams
            if r.township_code == row.township_code and r.team_id != row.team_id and r.services
        ]
        if len(peers) < MIN_PEERS:
            continue
        median = float(np.median(peers))
        if not median or row.services < t.perfect_volume_ratio * median:
            continue
        ratio = row.services / median
        out.append(
            make_flag(
                "perfect_checks", team_entity(row), None, row.services,
                f"抽查 {row.checked:,} 人次全部合格，服务 {row.services:,} 人次",
                f"本乡镇其他 {len(peers)} 个团队服务量中位数 {median:,.0f} 人次（{ratio:.1f} 倍，"
                f"阈值 {t.perfect_volume_ratio:g} 倍）",
                f"{row.label}本期抽查 {row.checked:,} 人次全部合格，而服务量 {row.services:,} 人次"
                f"是本乡镇其他团队中位数（{median:,.0f} 人次）的 {ratio:.1f} 倍",
            )
        )  # fmt: skip
    return out


def identical(f: Facts, t: Thresholds) -> list[Flag]:
    out = []
    months, inside = f.span, set(f.months)
    consecutive = [
        Period.parse(a).next().key == b for a, b in zip(months, months[1:], strict=False)
    ]
    for i, row in enumerate(f.teams):
        own = f.volume[i]
        best: tuple[int, int, int] | None = None  # (first column, last column, value)
        start = 0
        for j in range(1, len(months) + 1):
            if j < len(months) and consecutive[j - 1] and own[j] == own[start]:
                continue
            value, run = int(own[start]), months[start:j]
            if len(run) >= t.identical_months and value >= t.min_services and inside & set(run):
                best = (start, j - 1, value)  # the latest run wins
            start = j
        if best is None:
            continue
        first, last, value = months[best[0]], months[best[1]], best[2]
        length = best[1] - best[0] + 1
        out.append(
            make_flag(
                "identical", team_entity(row), last, value,
                f"连续 {length} 个月每月 {value:,} 人次",
                f"{month_words(first)}至{month_words(last)}（阈值 {t.identical_months} 个月）",
                f"{row.label}{month_words(first)}至{month_words(last)}连续 {length} 个月"
                f"服务量均为 {value:,} 人次",
            )
        )  # fmt: skip
    return out


TEAM_RULES = {
    "spike": spikes,
    "surge": surges,
    "daily_rate": daily_rates,
    "follow_ups": follow_ups,
    "perfect_checks": perfect_checks,
    "identical": identical,
}
