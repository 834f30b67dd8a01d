"""A township set against its county, for 总览, 慢病三色 and 团队工作量: the county's figure
(Σ numerator / Σ denominator over the whole county, never an average of township rates) and
each chosen township's rank among the county's townships that have a value (ties share a
rank, 1, 2, 2, 4: DATA_CONTRACT.md). Only for a scope of chosen townships (a township head).

Small cells (views.masking): a county figure is left out when its count, or the count of the
rest of the county beside the townships shown, is small; a township's own share formed from a
small count is not shown, and neither is its rank.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from data_access import chronic, chronic_levels, indicators, rankings, villages
from data_access import teams as team_rules
from data_access.chronic import COLORS
from data_access.figures import share
from data_access.indicators import competition_rank
from data_access.periods import Period
from data_access.relations import Db
from data_access.scope import Scope
from views import labels, masking
from views.rankings import score_decimals, score_text

COUNTY_BAR_CODE = "__county__"  # the county's row among the township bars
METHOD = (
    "全县值 = 全县合计分子 ÷ 合计分母（不是各乡镇比率的平均）；"
    "排名在全县有该项数值的乡镇中计算，数值相同者并列（1、2、2、4）。"
)


@dataclass(frozen=True)
class Standing:
    """One figure: the chosen townships together, the county, and each township's rank."""

    label: str
    own: str  # as shown (— when there is none or it is hidden)
    county: str
    ranks: tuple[tuple[str, int | None], ...]  # (township name, rank) per chosen township
    ranked: int  # the county's townships with a value
    higher_is_better: bool

    @property
    def rank_words(self) -> str:
        """第 2 / 3, or 东镇 第 1 / 3、西镇 第 2 / 3 for several townships; — without a rank."""

        def one(rank: int | None) -> str:
            return labels.NO_VALUE if rank is None else f"第 {rank} / {self.ranked}"

        if len(self.ranks) == 1:
            return one(self.ranks[0][1])
        return "、".join(f"{name} {one(rank)}" for name, rank in self.ranks)

    @property
    def better_words(self) -> str:
        return "越高越好" if self.higher_is_better else "越低越好"


@dataclass(frozen=True)
class CountyReference:
    county_code: str
    county_name: str
    townships: int  # townships of the county
    rows: tuple[Standing, ...]
    # 慢病三色's county bar: color, patients, share (empty when a small cell hides it)
    county_bar: pd.DataFrame | None = None

    @property
    def title(self) -> str:
        return f"与全县比较（{self.county_name}，共 {self.townships} 个乡镇）"

    @property
    def own_label(self) -> str:
        return "本乡镇" if self.rows and len(self.rows[0].ranks) == 1 else "所选乡镇合计"

    def table(self) -> pd.DataFrame:
        """The comparison as shown: one row per figure, text cells (the panel, the slide)."""
        rows = self.rows
        return pd.DataFrame(
            {
                "项目": [r.label for r in rows],
                self.own_label: [r.own for r in rows],
                "全县": [r.county for r in rows],
                "在全县乡镇中排名": [r.rank_words for r in rows],
                "方向": [r.better_words for r in rows],
            }
        )


def applies(scope: Scope) -> bool:
    """Chosen townships of one county: the scope a township head sees."""
    return bool(scope.county_code and scope.township_codes)


def ranks(values: Mapping[str, float | None], higher_is_better: bool) -> dict[str, int | None]:
    """Competition ranks of the values, best first; no value, no rank."""
    signed = [
        None if v is None or pd.isna(v) else (float(v) if higher_is_better else -float(v))
        for v in values.values()
    ]
    return dict(zip(values, competition_rank(signed), strict=True))


def _standing(
    label: str,
    own: str,
    county: str,
    by_township: Mapping[str, float | None],
    higher_is_better: bool,
    chosen: Mapping[str, str],
    hidden: bool = False,
) -> Standing:
    ranked = ranks(by_township, higher_is_better)
    return Standing(
        label,
        own,
        county,
        tuple((name, None if hidden else ranked.get(code)) for code, name in chosen.items()),
        sum(r is not None for r in ranked.values()),
        higher_is_better,
    )


def _frame(engine: Db, scope: Scope) -> tuple[Scope, str, dict[str, str], int]:
    county = Scope(scope.county_code)
    counties = villages.counties(engine)
    names = dict(zip(counties["county_code"], counties["name"], strict=True))
    towns = villages.townships(engine, scope.county_code)
    town_names = dict(zip(towns["township_code"], towns["name"], strict=True))
    chosen = {c: town_names.get(c, c) for c in scope.township_codes}
    return county, names.get(scope.county_code, scope.county_code), chosen, len(towns)


def for_overview(engine: Db, scope: Scope, period: Period) -> CountyReference | None:
    """总览: the composite score's rank and each headline indicator against the county."""
    if not applies(scope):
        return None
    county, county_name, chosen, count = _frame(engine, scope)
    defs = indicators.indicator_definitions(engine)
    kpis = indicators.indicator_values(engine, scope, period)
    whole = indicators.indicator_values(engine, county, period)
    county_value = dict(zip(whole["indicator_code"], whole["value"], strict=True))
    by_area = indicators.values_by_area(engine, county, period, "township", defs)
    rows = []
    league = rankings.league_table(engine, period, "township", scope.county_code)
    table = league.table
    if table["rank"].notna().any():
        scores = dict(zip(table["area_code"], table["score"], strict=True))
        own = scores.get(next(iter(chosen))) if len(chosen) == 1 else None
        decimals = score_decimals(scores.values())  # the digits 县区排名 shows
        rows.append(
            _standing(
                "综合得分（百分制）",
                score_text(own, decimals),
                labels.NO_VALUE,
                scores,
                True,
                chosen,
            )
        )
    for k in kpis.itertuples(index=False):
        mine = by_area[by_area["indicator_code"] == k.indicator_code]
        rows.append(
            _standing(
                k.name,
                labels.indicator_value(k.value, k.unit),
                labels.indicator_value(county_value.get(k.indicator_code), k.unit),
                dict(zip(mine["area_code"], mine["value"], strict=True)),
                bool(k.higher_is_better),
                chosen,
            )
        )
    return CountyReference(scope.county_code, county_name, count, tuple(rows))


def _hidden(own: int, whole: int, below: int) -> bool:
    """A county count that, or whose rest beside the townships shown, is a small cell."""
    return masking.is_small(whole, below) or masking.is_small(whole - own, below)


def for_chronic(
    engine: Db, scope: Scope, month: str, disease: str | None, below: int = 0
) -> CountyReference | None:
    """慢病三色: each colour's share and 推送不到位's share against the county, and the county's
    bar for 各乡镇."""
    if not applies(scope):
        return None
    county, county_name, chosen, count = _frame(engine, scope)
    area_rows = chronic.colors_by_area(engine, county, month, "township", disease)
    per_town = chronic.color_shares(area_rows, "area_code")
    whole = chronic.color_shares(chronic.color_distribution(engine, county, month, disease))
    own = chronic.color_shares(chronic.color_distribution(engine, scope, month, disease))

    def counts(df: pd.DataFrame) -> dict[str, int]:
        return {c: int(df.loc[df["color"] == c, "patients"].sum()) for c in COLORS}

    own_n, whole_n = counts(own), counts(whole)
    own_total, whole_total = sum(own_n.values()), sum(whole_n.values())
    hide_county = any(_hidden(own_n[c], whole_n[c], below) for c in COLORS) or _hidden(
        own_total, whole_total, below
    )
    rows = []
    for color, higher in (("green", True), ("yellow", False), ("red", False)):
        mine = per_town[per_town["color"] == color]
        values = dict(zip(mine["area_code"], mine["share"], strict=True))
        for code in per_town["area_code"].unique():  # a township without this colour: 0%
            values.setdefault(code, 0.0)
        small = masking.is_small(own_n[color], below)
        rows.append(
            _standing(
                f"{labels.COLOR_LABELS[color]}占比",
                labels.NO_VALUE if small else labels.fraction_pct(share(own_n[color], own_total)),
                labels.NO_VALUE
                if hide_county
                else labels.fraction_pct(share(whole_n[color], whole_total)),
                values,
                higher,
                chosen,
                hidden=small,
            )
        )
    areas = chronic_levels.mismatch_by_area(engine, county, month, "township", disease)
    mine = areas[areas["area_code"].isin(list(chosen))]
    own_mis, whole_mis = int(mine["mismatched"].sum()), int(areas["mismatched"].sum())
    small = masking.is_small(own_mis, below)
    rows.append(
        _standing(
            f"{labels.MISMATCH}占比",
            labels.NO_VALUE if small else labels.fraction_pct(share(own_mis, own_total)),
            labels.NO_VALUE
            if _hidden(own_mis, whole_mis, below)
            else labels.fraction_pct(share(whole_mis, whole_total)),
            dict(zip(areas["area_code"], areas["mismatch_share"], strict=True)),
            False,
            chosen,
            hidden=small,
        )
    )
    bar = whole.iloc[0:0] if hide_county else whole
    return CountyReference(
        scope.county_code,
        county_name,
        count,
        tuple(rows),
        bar.assign(area_code=COUNTY_BAR_CODE),
    )


# 团队工作量's figures compared: (key of scope_totals, label, as a percentage, decimals).
TEAM_MEASURES = (
    ("services_per_member", "人均服务量（人次/成员）", False, 1),
    ("services_per_1000", "每千服务人口服务量（人次）", False, 1),
    ("village_doctor_share", labels.VILLAGE_DOCTOR_SHARE, True, 1),
    ("pass_rate", labels.PASS_RATE, True, 1),
)


def _team_text(value, percent: bool, decimals: int) -> str:
    return labels.fraction_pct(value, decimals) if percent else labels.number(value, decimals)


def for_teams(engine: Db, scope: Scope, period: Period) -> CountyReference | None:
    """团队工作量: per-member, per-1,000, 村医服务占比 and 抽查合格率 against the county, each
    formed from the county's sums; townships ranked on the sums of their own teams."""
    if not applies(scope):
        return None
    county, county_name, chosen, count = _frame(engine, scope)
    summary = team_rules.team_summary(engine, county, period)
    whole = team_rules.scope_totals(summary)
    own = team_rules.scope_totals(summary[summary["township_code"].isin(list(chosen))])
    per_town = {
        code: team_rules.scope_totals(group)
        for code, group in summary.groupby("township_code", sort=True)
    }
    rows = tuple(
        _standing(
            label,
            _team_text(own.get(key), percent, decimals),
            _team_text(whole.get(key), percent, decimals),
            {code: totals.get(key) for code, totals in per_town.items()},
            True,
            chosen,
        )
        for key, label, percent, decimals in TEAM_MEASURES
    )
    return CountyReference(scope.county_code, county_name, count, rows)
