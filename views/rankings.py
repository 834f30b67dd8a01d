"""县区排名 as a view model: the county league and the township league of the county in scope
(scores, ties, like-for-like rank changes, monthly trend), the indicator drill data, 失分
(points lost per indicator), the method in words, and the what-if as an on-demand builder.

Every renderer (page, slides, brief, Excel, export) shows a score through `League.score_words`,
so all of them show the same digits; ranks come from scores at SCORE_TIE_DECIMALS
(DATA_CONTRACT.md: equal scores share a rank).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from data_access import indicators, rankings, villages
from data_access.indicators import SCORE_TIE_DECIMALS, RankLevel
from data_access.relations import Db
from data_access.scope import Scope
from views import attainment, labels
from views.attainment import decisive_text as decisive_text  # the renderers read it here
from views.common import Window, trend_months
from views.rankings_method import CHANGE_INCOMPLETE, LOST_METHOD, method_frame, method_lines
from views.rankings_method import target_text as target_text  # the renderers read it here

LEVEL_LABELS = {"county": "县区", "township": "乡镇"}
MOVEMENT_SYMBOLS = labels.RANK_MOVES
# Scores show the fewest decimals (from 1) at which different scores look different; past
# 6 decimals, scores that still look alike differ only in float noise.
SCORE_DECIMALS_MIN, SCORE_DECIMALS_MAX = 1, 6
# 失分 in hundredths of a point: the scale a bureau compares indicator by indicator.
LOST_DECIMALS = 2


# --- formatting: one place, used by every renderer -------------------------------------------


def score_cut(score, decimals: int) -> float | None:
    """The score cut (not rounded) to `decimals` as a number (None without a score): the
    number a workbook stores for the text score_text shows."""
    if score is None or pd.isna(score):
        return None
    scaled = math.floor(round(score * 10**decimals, 6))  # round(): 99.3 × 100 is 9929.999…
    return round(scaled / 10**decimals, decimals)


def score_text(score, decimals: int) -> str:
    """The score cut (not rounded) to `decimals`: 99.998 must not read as full marks."""
    cut = score_cut(score, decimals)
    return labels.NO_VALUE if cut is None else f"{cut:.{decimals}f}"


def score_decimals(scores: Iterable) -> int:
    """The fewest decimals at which scores that do not tie (SCORE_TIE_DECIMALS) look different."""
    distinct = {round(float(s), SCORE_TIE_DECIMALS) for s in scores if s is not None and s == s}
    for decimals in range(SCORE_DECIMALS_MIN, SCORE_DECIMALS_MAX):
        if len({score_text(s, decimals) for s in distinct}) == len(distinct):
            return decimals
    return SCORE_DECIMALS_MAX


def movement_text(movement, change) -> str:
    """↑2 / ↓1 / 持平 / 新 (ranked now, not before) / — (not ranked now)."""
    if movement not in MOVEMENT_SYMBOLS:
        return labels.NO_VALUE
    if movement == "up":
        return f"↑{int(change)}"
    if movement == "down":
        return f"↓{-int(change)}"
    return MOVEMENT_SYMBOLS[movement]


def rank_text(rank) -> str:
    return labels.NO_VALUE if rank is None or pd.isna(rank) else str(int(rank))


def band_thresholds(d) -> tuple[float, ...]:
    """The indicator values at which attainment crosses 接近目标 and 达标, in its unit."""
    return attainment.thresholds(d.target, d.higher_is_better)


# --- the model ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class League:
    """One level's official league: every area with score, rank, change, trend and 失分."""

    level: str  # county / township
    area_label: str  # 县区 / 乡镇
    # area_code, name, score, rank, indicators_scored, previous_score, previous_rank,
    # rank_change (> 0: up that many places; <NA> when not comparable), movement, highlight,
    # score_text, change_text, trend (monthly scores, months without a score left out)
    table: pd.DataFrame
    # area_code, indicator_code, numerator, denominator, month, value, attainment + definition
    values: pd.DataFrame
    monthly: pd.DataFrame  # area_code, indicator_code, month, …, value (the drill's lines)
    monthly_scores: pd.DataFrame  # area_code, month, score, rank
    overall: pd.DataFrame  # indicator_code, month, value over all areas together (drill line)
    overall_label: str
    # area_code, name, indicator_code, indicator, value, attainment, full, earned, lost,
    # value_text, attainment_text: one row per area and scored indicator with a value
    lost: pd.DataFrame
    decimals: int  # of every score shown (score_words)
    comparable: bool
    no_change_reason: str | None
    # Areas ranked in the whole league; with `cut` the table holds only the user's own areas
    # (each with its rank among all), so no renderer can show another area's row.
    total_ranked: int = 0
    cut: bool = False

    def rank_words(self, rank) -> str:
        """e.g. 第 3 名 / 共 12 个县区 (— when not ranked)."""
        if rank is None or pd.isna(rank):
            return labels.NO_VALUE
        return f"第 {int(rank)} 名 / 共 {self.total_ranked} 个{self.area_label}"

    def score_words(self, score) -> str:
        """A score as every renderer shows it (the league's decimals, cut not rounded)."""
        return score_text(score, self.decimals)

    @property
    def ranked(self) -> int:
        return int(self.table["rank"].notna().sum())

    @property
    def has_ranks(self) -> bool:
        return self.ranked > 0

    def indicator_rows(self, indicator_code: str) -> pd.DataFrame:
        """Every area with its value of one indicator (None when it has none) and its 失分."""
        values = self.values.loc[self.values["indicator_code"] == indicator_code]
        lost = self.lost.loc[self.lost["indicator_code"] == indicator_code]
        out = self.table[["area_code", "name"]].merge(
            values[["area_code", "value", "denominator", "attainment"]], on="area_code", how="left"
        )
        return out.merge(lost[["area_code", "full", "lost"]], on="area_code", how="left")

    def indicator_monthly(self, indicator_code: str) -> pd.DataFrame:
        """area_code, name, month, value of one indicator per area and month."""
        rows = self.monthly.loc[self.monthly["indicator_code"] == indicator_code]
        names = self.table[["area_code", "name"]]
        return rows[["area_code", "month", "value"]].merge(names, on="area_code", how="inner")


@dataclass(frozen=True)
class RankingsView:
    scope: Scope
    window: Window
    definitions: pd.DataFrame = field(default_factory=pd.DataFrame)
    county_only: tuple[str, ...] = ()  # indicators counted at county level only
    trend_months: tuple[str, ...] = ()
    counties: League | None = None
    townships: League | None = None  # the county in scope's townships
    county_name: str | None = None
    method: tuple[str, ...] = ()
    method_table: pd.DataFrame = field(default_factory=pd.DataFrame)
    lost_method: tuple[str, ...] = ()
    visible: Scope | None = None  # the user's area the leagues are cut to (None: all)

    @property
    def has_definitions(self) -> bool:
        return not self.definitions.empty

    @property
    def has_data(self) -> bool:
        return self.counties is not None and self.counties.has_ranks


@dataclass(frozen=True)
class WhatIf:
    """A league re-scored with other weights beside the official one (never saved)."""

    level: str
    weights: dict[str, float]
    # area_code, name, official_score, official_rank, score, rank, rank_change, movement,
    # official_text, score_text, change_text
    table: pd.DataFrame
    # Each score column by the league's rule (score_decimals over its own scores): the
    # official scores as the league tab shows them, the what-if scores as their own league.
    decimals: int  # of the what-if scores
    official_decimals: int  # of the official scores: League.decimals
    official: bool  # the weights are the official ones
    total_ranked: int = 0  # areas ranked in the whole league (the table may hold fewer: cut)

    @property
    def ups(self) -> int:
        return int((self.table["movement"] == "up").sum())

    @property
    def downs(self) -> int:
        return int((self.table["movement"] == "down").sum())


def points_lost(values: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """失分 per area and indicator, in points of the 100-point score (see lost_method_lines).

    full = 100 × weight ÷ Σweight over the area's scored indicators with a value; earned =
    full × attainment; lost = full − earned. Σ earned is the score, Σ lost = 100 − score.
    """
    columns = ["area_code", "name", "indicator_code", "indicator", "weight", "value"]
    columns += ["attainment", "full", "earned", "lost", "value_text", "attainment_text"]
    scored = values[(values["weight"] > 0) & values["attainment"].notna()].copy()
    if scored.empty:
        return pd.DataFrame(columns=columns)
    scored["full"] = 100 * scored["weight"] / scored.groupby("area_code")["weight"].transform("sum")
    scored["earned"] = scored["full"] * scored["attainment"]
    scored["lost"] = scored["full"] - scored["earned"]
    scored["value_text"] = [
        decisive_text(d.value, d.unit, band_thresholds(d)) for d in scored.itertuples(index=False)
    ]
    scored["attainment_text"] = [
        decisive_text(100 * a, "%", (100 * labels.ATTAINMENT_CLOSE, 100 * labels.ATTAINMENT_MET))
        for a in scored["attainment"]
    ]
    scored = scored.rename(columns={"name": "indicator"}).merge(areas, on="area_code")
    order = scored.groupby("area_code")["lost"].transform("sum")
    scored = scored.assign(_total=order).sort_values(
        ["_total", "area_code", "lost"], ascending=[False, True, False]
    )
    return scored[columns].reset_index(drop=True)


def _league(
    engine: Db,
    window: Window,
    level: RankLevel,
    county_code: str | None,
    months: tuple[str, ...],
    highlight: tuple[str, ...],
    overall_label: str,
    keep: frozenset[str] | None = None,
) -> League:
    """One league; with `keep`, only those areas' rows (ranked among all) and no total line."""
    comparable = window.comparable
    raw = rankings.league_table(
        engine,
        window.period,
        level,
        county_code,
        trend_months=months,
        compare_with=window.previous if comparable else None,
    )
    t = raw.table.copy()
    decimals = score_decimals(t["score"])
    by_month = raw.monthly_scores.set_index(["area_code", "month"])["score"]
    t["highlight"] = t["area_code"].isin(highlight)
    t["score_text"] = [score_text(s, decimals) for s in t["score"]]
    t["change_text"] = [
        movement_text(m, c) if comparable or pd.isna(r) else CHANGE_INCOMPLETE
        for m, c, r in zip(t["movement"], t["rank_change"], t["rank"], strict=True)
    ]
    t["trend"] = [
        [float(s) for s in (by_month.get((a, m)) for m in months) if s is not None and s == s]
        for a in t["area_code"]
    ]
    overall = indicators.indicator_trend(
        engine, indicators.league_scope(level, county_code), months
    )
    total_ranked = int(t["rank"].notna().sum())
    values, monthly, monthly_scores = raw.values, raw.monthly, raw.monthly_scores
    if keep is not None:
        t, values, monthly, monthly_scores = (
            df.loc[df["area_code"].isin(keep)].reset_index(drop=True)
            for df in (t, values, monthly, monthly_scores)
        )
        # The total over all areas less the user's own would give away the others' figures.
        overall = overall.iloc[0:0]
    return League(
        level=level,
        area_label=LEVEL_LABELS[level],
        table=t,
        values=values,
        monthly=monthly,
        monthly_scores=monthly_scores,
        overall=overall,
        overall_label=overall_label,
        lost=points_lost(values, t[["area_code", "name"]]),
        decimals=decimals,
        comparable=comparable,
        no_change_reason=window.no_change_reason,
        total_ranked=total_ranked,
        cut=keep is not None,
    )


def visible_areas(
    visible: Scope | None, level: RankLevel, county_code: str | None = None
) -> frozenset[str] | None:
    """The areas of a league (townships: of `county_code`) a user may see; None: all of them."""
    if visible is None or visible.is_all:
        return None
    if level == "county":
        return frozenset({visible.county_code})
    if county_code != visible.county_code:  # another county's townships: none of them
        return frozenset()
    return frozenset(visible.township_codes) if visible.township_codes else None


def build(engine: Db, scope: Scope, window: Window, visible: Scope | None = None) -> RankingsView:
    """The 县区排名 view for a scope and period window.

    `visible` is the signed-in user's area (None: everything). Leagues then carry only the
    user's own county or townships, each with its rank among all, so the page, the slides,
    the brief and every export built from this model show no other area.
    """
    defs = indicators.indicator_definitions(engine)
    if defs.empty:
        return RankingsView(scope, window, visible=visible)
    months = trend_months(window.period)
    levels = indicators.indicator_levels(engine)
    counties = _league(
        engine,
        window,
        "county",
        None,
        months,
        (scope.county_code,) if scope.county_code else (),
        "全部县区合计",
        visible_areas(visible, "county"),
    )
    county_name = townships = None
    if scope.county_code:
        names = villages.counties(engine).set_index("county_code")["name"]
        county_name = str(names.get(scope.county_code, scope.county_code))
        townships = _league(
            engine,
            window,
            "township",
            scope.county_code,
            months,
            scope.township_codes,
            f"{county_name}合计",
            visible_areas(visible, "township", scope.county_code),
        )
    return RankingsView(
        scope=scope,
        window=window,
        definitions=defs,
        county_only=tuple(sorted(c for c, found in levels.items() if found == {"county"})),
        trend_months=months,
        counties=counties,
        townships=townships,
        county_name=county_name,
        method=tuple(method_lines(defs, window)),
        method_table=method_frame(defs),
        lost_method=tuple(LOST_METHOD),
        visible=visible,
    )


def what_if(
    engine: Db,
    scope: Scope,
    window: Window,
    level: RankLevel,
    weights: Mapping[str, float],
    visible: Scope | None = None,
) -> WhatIf:
    """The official league of `level` re-scored with `weights` (the what-if tab only);
    with `visible`, only the user's own areas (ranked among all, as in build)."""
    county_code = scope.county_code if level == "township" else None
    league = rankings.league_table(engine, window.period, level, county_code)
    defs = indicators.indicator_definitions(engine)
    weights = {str(k): float(v) for k, v in weights.items()}
    moved = rankings.what_if_ranking(league, defs, weights)
    # Not one count over both columns: a what-if score next to an official one would add
    # decimals to the official scores, which would then read otherwise than in the league.
    official_decimals = score_decimals(moved["official_score"])
    decimals = score_decimals(moved["score"])
    moved["official_text"] = [score_text(s, official_decimals) for s in moved["official_score"]]
    moved["score_text"] = [score_text(s, decimals) for s in moved["score"]]
    moved["change_text"] = [
        movement_text(m, c) for m, c in zip(moved["movement"], moved["rank_change"], strict=True)
    ]
    official = dict(zip(defs["indicator_code"], defs["weight"].astype(float), strict=True))
    total_ranked = int(moved["rank"].notna().sum())
    keep = visible_areas(visible, level, county_code)
    if keep is not None:
        moved = moved.loc[moved["area_code"].isin(keep)].reset_index(drop=True)
    return WhatIf(
        level=level,
        weights=weights,
        table=moved,
        decimals=decimals,
        official_decimals=official_decimals,
        official=all(weights.get(c) == w for c, w in official.items()),
        total_ranked=total_ranked,
    )
