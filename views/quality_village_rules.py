"""The 数据质量 rules that read villages and chronic colours (the teams' rules are in
views.quality_rules, with the `Facts` both read and the helpers both share)."""

from __future__ import annotations

import pandas as pd

from views.common import month_words
from views.quality_flags import Entity, Flag, Thresholds
from views.quality_rules import (
    Facts,
    make_flag,
    people_words,
    quarter_ends,
    team_entity,
    village_entity,
)


def _last_chronic(f: Facts) -> dict[str, int]:
    """Chronic rows per village at the period's last month with chronic rows."""
    if not f.chronic_months:
        return {}
    last = f.chronic_months[-1]
    return {v: n for (m, v), n in f.chronic.items() if m == last}


def no_residents(f: Facts, t: Thresholds) -> list[Flag]:
    out = []
    rows = _last_chronic(f)
    period = [f.column(m) for m in f.months if f.column(m) is not None]
    served = {row.team_id: int(f.volume[i, period].sum()) for i, row in enumerate(f.teams)}
    for row in f.villages:
        if row.population and row.population > 0:
            continue
        found = []
        n = rows.get(row.village_code, 0)
        if n:
            found.append(f"月末有 {people_words(n, f.small)} 人次慢病患者在管")
        signed = f.signing.get(row.village_code, (None, None, None))[1]
        if signed is not None and not pd.isna(signed) and signed > 0:
            found.append(f"有 {people_words(signed, f.small)} 名签约居民")
        services = served.get(row.team_id, 0) if row.team_id else 0
        if services and not f.team_residents.get(row.team_id, 0):
            found.append(f"所属团队（只服务无人口的村）本期服务 {services:,} 人次")
        if not found:
            continue
        out.append(
            make_flag(
                "no_residents", village_entity(row), None, n or services,
                "；".join(found), "常住人口为 0",
                f"{row.name}常住人口为 0，但{'，'.join(found)}",
            )
        )  # fmt: skip
    return out


def no_signed(f: Facts, t: Thresholds) -> list[Flag]:
    out = []
    rows = _last_chronic(f)
    for row in f.villages:
        month, signed, base = f.signing.get(row.village_code, (None, None, None))
        n = rows.get(row.village_code, 0)
        if not row.population or month is None or not base or base <= 0 or signed != 0 or not n:
            continue
        shown = people_words(n, f.small)
        out.append(
            make_flag(
                "no_signed", village_entity(row), month, n,
                f"月末在管慢病患者 {shown} 人次",
                f"{month_words(month)}签约居民 0 人（签约率分母 {base:,.0f}）",
                f"{row.name}签约居民为 0，但有 {shown} 人次慢病患者在管",
            )
        )  # fmt: skip
    return out


def _sums(moves: pd.DataFrame, key: str, columns: list[str]) -> dict[str, tuple[int, ...]]:
    grouped = moves.groupby(key)[columns].sum()
    return dict(zip(grouped.index.tolist(), map(tuple, grouped.to_numpy().tolist()), strict=True))


def frozen(f: Facts, t: Thresholds) -> list[Flag]:
    out = []
    moves = f.moves.assign(
        county_code=f.moves["village_code"].map(f.county_of),
        team_id=f.moves["village_code"].map(f.team_of),
    )
    county = _sums(moves, "county_code", ["paired", "changed"])
    per_village = _sums(moves, "village_code", ["paired", "changed"])
    per_team = _sums(moves, "team_id", ["paired", "changed"])
    months = f"{month_words(f.trend[0])}至{month_words(f.trend[-1])}" if f.trend else ""

    def check(sums, county_code: str) -> tuple[int, float, float] | None:
        paired, changed = sums
        c_paired, c_changed = county.get(county_code, (0, 0))
        if changed or not c_paired or not c_changed:
            return None
        rate = c_changed / c_paired
        expected = paired * rate
        return (paired, rate, expected) if expected >= t.frozen_expected_changes else None

    flagged_teams = set()
    for row in f.teams:
        if f.team_villages.get(row.team_id, 0) < 2 or row.team_id not in per_team:
            continue
        found = check(per_team[row.team_id], row.county_code)
        if found is not None:
            flagged_teams.add(row.team_id)
            out.append(_frozen_flag(team_entity(row), row.label, found, months, f.small, t))
    for row in f.villages:
        if row.team_id in flagged_teams or row.village_code not in per_village:
            continue
        found = check(per_village[row.village_code], row.county_code)
        if found is not None:
            out.append(_frozen_flag(village_entity(row), row.name, found, months, f.small, t))
    return out


def _frozen_flag(entity, name, found, months, small, t) -> Flag:
    paired, rate, expected = found
    shown = people_words(paired, small)
    return make_flag(
        "frozen", entity, None, paired,
        f"{months}标色变化 0 人次（共 {shown} 人次可比）",
        f"全县同期变化率 {rate:.1%}，按此应约 {expected:.0f} 人次变化（阈值 {t.frozen_expected_changes:g}）",
        f"{name}近 12 个月 {shown} 人次慢病记录的标色无一变化，而全县同期有 {rate:.1%} 发生变化",
    )  # fmt: skip


def _period_sums(f: Facts, column: str) -> dict[str, int]:
    inside = f.moves[f.moves["month"].isin(f.months)]
    return {k: v[0] for k, v in _sums(inside, "village_code", [column]).items()}


def two_villages(f: Facts, t: Thresholds) -> list[Flag]:
    out = []
    found = _period_sums(f, "elsewhere")
    for row in f.villages:
        n = int(found.get(row.village_code, 0))
        if n < 1:
            continue
        shown = people_words(n, f.small)
        out.append(
            make_flag(
                "two_villages", village_entity(row), None, n,
                f"{shown} 人次（按月计）同月在其他村也有记录",
                "同一患者同一月份只应在一个村管理",
                f"{row.name}本期有 {shown} 人次（按月计）患者同月在其他村也有管理记录",
            )
        )  # fmt: skip
    return out


def flips(f: Facts, t: Thresholds) -> list[Flag]:
    out = []
    found = _period_sums(f, "flips")
    for row in f.villages:
        n = int(found.get(row.village_code, 0))
        if n < t.flip_min:
            continue
        shown = people_words(n, f.small)
        out.append(
            make_flag(
                "flips", village_entity(row), None, n,
                f"绿→红→绿 {shown} 人次", f"阈值 {t.flip_min} 人次",
                f"{row.name}本期有 {shown} 人次慢病记录的标色出现 绿标→红标→绿标 往返",
            )
        )  # fmt: skip
    return out


def check_share(f: Facts, t: Thresholds) -> list[Flag]:
    ends = quarter_ends(f)
    if not ends:
        return []
    columns = [f.column(m) for end, earlier in ends for m in (end, *earlier)]
    towns: dict[str, list] = {}
    for i, row in enumerate(f.teams):
        town = towns.setdefault(row.township_code, [row, 0, 0])
        town[1] += int(f.volume[i, columns].sum())
        town[2] += int(row.checked)
    out = []
    for code, (first, s, c) in sorted(towns.items()):
        if not s or c / s >= t.check_share_min:
            continue
        entity = Entity(
            "township", code, first.township_name, code, first.township_name,
            first.county_code, first.county_name,
        )  # fmt: skip
        out.append(
            make_flag(
                "check_share", entity, None, c / s,
                f"抽查 {c:,} 人次，为服务量的 {c / s:.1%}",
                f"完整季度服务 {s:,} 人次；政策比例 5%，阈值 {t.check_share_min:.0%}",
                f"{first.township_name}本期抽查 {c:,} 人次，仅为同期服务量 {s:,} 人次的 {c / s:.1%}",
            )
        )  # fmt: skip
    return out


VILLAGE_RULES = {
    "no_residents": no_residents,
    "no_signed": no_signed,
    "frozen": frozen,
    "two_villages": two_villages,
    "flips": flips,
    "check_share": check_share,
}
