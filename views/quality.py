"""数据质量 as a view model: where recorded work looks implausible, per team, village and
township of the scope, each flag with its figure, comparison, plain sentence (建议核查) and a
link to the view that explains it.

A flag is a reason to look, not a finding: the page, slide and brief say so. The rules are
views.quality_rules, their thresholds and method views.quality_flags. Everything is read from
the analytics store's tables (data_access.quality), never per click from the source.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from data_access import meta, villages
from data_access import quality as queries
from data_access import teams as team_queries
from data_access.map import village_facts
from data_access.periods import Period, months_ending
from data_access.relations import Db
from data_access.scope import COUNTY_CODE_LEN, Scope
from views import labels
from views.common import Window, trend_months
from views.quality_flags import (
    ADVICE,
    DEFAULT_THRESHOLDS,
    LEVEL_LABELS,
    RULES,
    SEVERITY_LABELS,
    Flag,
    Thresholds,
    method,
)
from views.quality_rules import TEAM_RULES, Facts
from views.quality_village_rules import VILLAGE_RULES
from views.teams import team_labels

# Every rule, in the order its flags are listed.
RULE_FUNCTIONS = {**TEAM_RULES, **VILLAGE_RULES}

# What a flag is and is not, as every renderer says it.
WHAT_A_FLAG_IS = "提示是一条“建议核查”的线索：某个数字与同类、与自身历史或与常理相比不太寻常，值得下次抽查时优先去看。"
WHAT_A_FLAG_IS_NOT = (
    "提示不是结论，更不是对任何团队或个人的指控：季节、人员变动、补录历史数据或录入口径都可能造成同样的数字。"
    "只有实地核查才能判断数据是否真实。"
)
SEVERITY_ORDER = {"high": 0, "medium": 1}
RULE_ORDER = {rule: i for i, rule in enumerate(RULES)}


@dataclass(frozen=True)
class QualityView:
    """Everything 数据质量 shows for one scope and period window."""

    scope: Scope
    window: Window
    thresholds: Thresholds = DEFAULT_THRESHOLDS
    flags: tuple[Flag, ...] = ()  # high severity first, then by rule and entity
    teams: int = 0  # teams in scope (checked)
    villages: int = 0  # villages in scope
    townships: int = 0
    not_evaluated: tuple[str, ...] = ()  # rules that could not be judged this period, in words
    small: int = 0  # the small-cell floor the patient counts were formatted with
    method: tuple[tuple[str, str, str], ...] = field(default_factory=tuple)  # (kind, rule, why)

    @property
    def has_entities(self) -> bool:
        return bool(self.teams or self.villages)

    @property
    def count(self) -> int:
        return len(self.flags)

    @property
    def high(self) -> int:
        return sum(f.severity == "high" for f in self.flags)

    @property
    def by_rule(self) -> dict[str, int]:
        """rule kind (Chinese) → flags, in the rules' order, rules without flags left out."""
        found = Counter(f.rule for f in self.flags)
        return {RULES[r][0]: found[r] for r in RULES if found[r]}

    @property
    def message(self) -> str:
        """The one sentence of the slide and the brief."""
        if not self.flags:
            return f"本期未发现需要核查的数据质量提示（{self.teams} 个团队、{self.villages} 个村）"
        entities = len({(f.entity.level, f.entity.code) for f in self.flags})
        return (
            f"{entities} 个团队/村/乡镇有 {self.count} 条数据质量提示"
            f"（其中高 {self.high} 条），{ADVICE}"
        )

    def of_level(self, level: str) -> tuple[Flag, ...]:
        return tuple(f for f in self.flags if f.entity.level == level)

    def table(self) -> pd.DataFrame:
        """Every flag with Chinese headers, as shown, downloaded and exported."""
        return pd.DataFrame(
            {
                "严重程度": [f.severity_label for f in self.flags],
                "提示类型": [f.kind for f in self.flags],
                "对象": [LEVEL_LABELS[f.entity.level] for f in self.flags],
                "名称": [f.entity.name for f in self.flags],
                "编码": [f.entity.code for f in self.flags],
                "乡镇": [f.entity.township_name for f in self.flags],
                "县区": [f.entity.county_name for f in self.flags],
                "月份": [f.month or labels.NO_VALUE for f in self.flags],
                "数字": [f.figure for f in self.flags],
                "比较": [f.comparison for f in self.flags],
                "说明": [f.sentence for f in self.flags],
            },
            columns=[
                "严重程度",
                "提示类型",
                "对象",
                "名称",
                "编码",
                "乡镇",
                "县区",
                "月份",
                "数字",
                "比较",
                "说明",
            ],  # fmt: skip
        )

    def township_summary(self) -> pd.DataFrame:
        """Flags per township (high and all), most first."""
        rows: dict[tuple, list[int]] = {}
        for f in self.flags:
            key = (f.entity.county_name, f.entity.township_code, f.entity.township_name)
            counts = rows.setdefault(key, [0, 0])
            counts[0] += f.severity == "high"
            counts[1] += 1
        out = pd.DataFrame(
            [(c, n, high, total) for (c, _, n), (high, total) in rows.items()],
            columns=["县区", "乡镇", "高", "提示合计"],
        )
        return out.sort_values(["提示合计", "高"], ascending=False, ignore_index=True)


def _span(period: Period, t: Thresholds) -> tuple[str, ...]:
    """Every month from the first month's history to the period's last month."""
    return months_ending(period, len(period.months) + t.history_months)


def _rows(df: pd.DataFrame) -> list:
    """A frame's rows as namedtuples of plain Python values (None for missing)."""
    plain = df.astype(object).where(df.notna(), None)
    return list(plain.itertuples(index=False))


def _facts(engine: Db, scope: Scope, window: Window, t: Thresholds, small: int) -> Facts:
    period = window.period
    data_months = frozenset(meta.data_months(engine))
    workload = team_queries.team_workload(engine, scope, period)
    counties = villages.counties(engine)
    county_names = dict(zip(counties["county_code"], counties["name"], strict=True))
    county_codes = workload["township_code"].str[:COUNTY_CODE_LEN]
    teams = workload.assign(
        label=team_labels(workload) if len(workload) else pd.Series(dtype=object),
        county_code=county_codes,
        county_name=county_codes.map(county_names),
    )
    span = tuple(m for m in _span(period, t) if m in data_months)
    monthly = queries.team_months(engine, scope, _span(period, t))
    row_of = {team_id: i for i, team_id in enumerate(teams["team_id"].tolist())}
    col_of = {m: j for j, m in enumerate(span)}
    volume = np.zeros((len(teams), len(span)))
    visits = np.zeros((len(teams), len(span)))
    for team_id, month, n, f in zip(
        monthly["team_id"].tolist(), monthly["month"].tolist(),
        monthly["services"].tolist(), monthly["follow_ups"].tolist(), strict=True,
    ):  # fmt: skip
        if team_id in row_of and month in col_of:
            volume[row_of[team_id], col_of[month]] = n
            visits[row_of[team_id], col_of[month]] = f
    chronic = queries.village_chronic_rows(engine, period.months)
    every = village_facts(engine, Scope())
    codes = every["village_code"].tolist()
    team_ids = every["team_id"].astype(object).where(every["team_id"].notna(), None).tolist()
    residents: dict[str, int] = {}
    served: dict[str, int] = {}
    for team_id, people in zip(team_ids, every["population"].fillna(0).tolist(), strict=True):
        if team_id is not None:
            residents[team_id] = residents.get(team_id, 0) + int(people)
            served[team_id] = served.get(team_id, 0) + 1
    signing = queries.village_signing(engine, period.months)
    trend = tuple(m for m in trend_months(period) if m in data_months)
    return Facts(
        months=period.months,
        data_months=data_months,
        chronic_months=tuple(sorted(set(chronic["month"].tolist()))),
        trend=trend,
        span=span,
        teams=_rows(teams),
        volume=volume,
        visits=visits,
        villages=_rows(village_facts(engine, scope)),
        team_of=dict(zip(codes, team_ids, strict=True)),
        county_of=dict(zip(codes, every["county_code"].tolist(), strict=True)),
        team_residents=residents,
        team_villages=served,
        chronic={
            (m, v): int(n)
            for m, v, n in zip(
                chronic["month"].tolist(),
                chronic["village_code"].tolist(),
                chronic["rows"].tolist(),
                strict=True,
            )  # fmt: skip
        },
        moves=queries.chronic_quality_rows(engine, trend),
        signing={
            v: (m, n, d)
            for v, m, n, d in zip(
                signing["village_code"].tolist(),
                signing["month"].tolist(),
                signing["numerator"].tolist(),
                signing["denominator"].tolist(),
                strict=True,
            )  # fmt: skip
        },
        small=small,
    )


def _not_evaluated(facts: Facts, t: Thresholds) -> tuple[str, ...]:
    out = []
    if not any(int(m[5:]) % 3 == 0 for m in facts.months):
        out.append(f"{RULES['surge'][0]}、{RULES['check_share'][0]}：本期不含季末月份，未判断。")
    if not facts.chronic_months:
        out.append("慢病相关规则：本期没有慢病管理数据，未判断。")
    first = min(facts.data_months, default=None)
    if first and first > months_ending(Period.parse(facts.months[0]), t.min_history_months + 1)[0]:
        out.append(f"{RULES['spike'][0]}：数据不足 {t.min_history_months} 个月历史的月份未判断。")
    return tuple(out)


def build(
    engine: Db,
    scope: Scope,
    window: Window,
    thresholds: Thresholds | None = None,
    small: int = 0,
) -> QualityView:
    """The 数据质量 view for a scope and period window, with these thresholds (None: the
    defaults) and the user's small-cell floor `small` for patient counts (0: none)."""
    t = thresholds or DEFAULT_THRESHOLDS
    facts = _facts(engine, scope, window, t, small)
    flags = [flag for rule in RULE_FUNCTIONS.values() for flag in rule(facts, t)]
    flags.sort(
        key=lambda f: (
            SEVERITY_ORDER[f.severity],
            RULE_ORDER[f.rule],
            f.entity.code,
            f.month or "",
        )
    )
    return QualityView(
        scope=scope,
        window=window,
        thresholds=t,
        flags=tuple(flags),
        teams=len(facts.teams),
        villages=len(facts.villages),
        townships=len({v.township_code for v in facts.villages}),
        not_evaluated=_not_evaluated(facts, t),
        small=small,
        method=tuple(method(t)),
    )


__all__ = ["SEVERITY_LABELS", "WHAT_A_FLAG_IS", "WHAT_A_FLAG_IS_NOT", "QualityView", "build"]
