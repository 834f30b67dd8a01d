"""Slides on the official indicators: KPIs against target, county and township rankings."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from data_access.scope import Scope
from views import labels, rankings
from views.meeting.deck import FIGURE, Kind, Meeting, NoData, Slide, Sources

# Bars a room can read on one slide; the brief's workbook lists every area.
RANK_ROWS_MAX = 12
SCORE = "综合得分"
SHEET_FORMATS = labels.SHEET_FORMATS
# A KPI slide of one or two cards is mostly empty screen: it joins the other KPIs …
THIN_TILES = 2
# … when together they still fit one slide (two rows of five cards a room can read).
KPI_TILES_MAX = 10


def change_words(kpi) -> str:
    """Change vs the previous period: percentage points for rates, a plain difference else;
    the reason when there is no comparable figure."""
    if kpi.change is None:
        return kpi.no_change_reason or ""
    diff = round(kpi.change, 1)  # as shown: −0.04 reads as no change, not ▼
    if diff == 0:
        return labels.FLAT
    return f"{'▲' if diff > 0 else '▼'} {abs(diff):.1f}" + (" 个百分点" if kpi.unit == "%" else "")


def _round(value, digits: int = 2):
    return None if value is None or pd.isna(value) else round(float(value), digits)


@dataclass(**FIGURE)
class Tile:
    """One KPI as the slides show it: text as on the tiles, numbers for the brief's charts."""

    code: str
    name: str
    value: str  # as shown, with its unit
    target: str
    band: str  # met / close / missed / none (views.attainment: agrees with `value`)
    attainment: float | None
    change: str  # vs the previous period, as shown ("" without a value)
    reason: str | None  # why there is no value
    unit: str | None
    value_number: float | None
    target_number: float | None


@dataclass(**FIGURE)
class KpiSlide(Slide):
    tiles: tuple[Tile, ...]

    @property
    def has_figure(self) -> bool:
        return bool(self.tiles)

    @property
    def figure_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tiles)


@dataclass(**FIGURE)
class RankingSlide(Slide):
    rows: pd.DataFrame  # the bars shown: the top ones, plus any highlighted row further down
    league: pd.DataFrame  # every ranked row (the user's own only, when cut to them)
    area: str  # 县区 / 乡镇
    drill: bool  # the room may drill into an area from this slide
    drill_to: tuple[Scope, ...]  # per row of `rows`: the scope a drill into it opens
    decimals: int
    total: int  # areas ranked in all (rows may be the user's own only)
    comparable: bool
    no_change_reason: str | None
    county: Scope | None = None  # the townships' county


def _tile(k) -> Tile:
    return Tile(
        code=k.code,
        name=k.name,
        value=k.value_text,
        target=k.target_text,
        band=k.band,
        attainment=k.attainment,
        change=change_words(k) if k.value is not None else "",
        reason=k.no_value_reason,
        unit=k.unit,
        value_number=_round(k.value),
        target_number=_round(k.target),
    )


def _no_kpis(kind: Kind, view, m: Meeting) -> NoData | None:
    """The slide saying why there is nothing to show, or None."""
    if not view.kpis:
        return NoData(kind=kind, empty="数据库中没有官方考核指标（indicator 表为空）。")
    if all(k.band == "none" for k in view.kpis):
        return NoData(kind=kind, empty=f"{m.period_label}没有任何指标数据。")
    return None


def _band_counts(kpis) -> str:
    bands = [k.band for k in kpis]
    return "、".join(
        f"{bands.count(b)} 项{labels.ATTAINMENT_WORDS[b]}"
        for b in ("met", "close", "missed", "none")
        if bands.count(b)
    )


def _kpi_sheet(kpis, previous_label: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "指标代码": [k.code for k in kpis],
            "指标": [k.name for k in kpis],
            "本期值": [_round(k.value) for k in kpis],
            "单位": [k.unit for k in kpis],
            "目标": [k.target for k in kpis],
            "达标情况": [labels.ATTAINMENT_WORDS[k.band] for k in kpis],
            f"上期值（{previous_label}）": [_round(k.previous) for k in kpis],
            "较上期": [change_words(k) if k.value is not None else "" for k in kpis],
            "分子": [k.numerator for k in kpis],
            "分母": [k.denominator for k in kpis],
            "数据月份": [k.month for k in kpis],
            "权重": [k.weight for k in kpis],
        }
    )


def kpis_missed(src: Sources, m: Meeting) -> Slide:
    """The indicators short of target first: the few numbers the meeting has to discuss."""
    view = src.overview()
    empty = _no_kpis(Kind.KPIS_MISSED, view, m)
    if empty:
        return empty
    below = sorted((k for k in view.kpis if k.below_target), key=lambda k: (k.attainment, k.code))
    if below:
        message = f"{len(below)} 项指标未达目标：" + _band_counts(below)
    else:
        message = f"本期没有未达目标的指标（共 {len(view.kpis)} 项）"
    return KpiSlide(
        kind=Kind.KPIS_MISSED,
        message=message,
        sheets={"未达目标指标": _kpi_sheet(below, m.previous_label)},
        tiles=tuple(_tile(k) for k in below),
    )


def kpis(src: Sources, m: Meeting) -> Slide:
    """Every other indicator (met, or without a value); the workbook lists all of them."""
    view = src.overview()
    empty = _no_kpis(Kind.KPIS, view, m)
    if empty:
        return empty
    return KpiSlide(
        kind=Kind.KPIS,
        message=f"{len(view.kpis)} 项指标中 " + _band_counts(view.kpis),
        sheets={"核心指标": _kpi_sheet(view.kpis, m.previous_label)},
        tiles=tuple(_tile(k) for k in view.kpis if not k.below_target),
    )


def merge_thin(slides: list[Slide]) -> list[Slide]:
    """未达目标的指标 with a card or two and 其余核心指标 as one slide (核心指标对照目标), the
    cards short of target first; both workbook sheets kept."""
    by_kind = {s.kind: s for s in slides}
    missed, rest = by_kind.get(Kind.KPIS_MISSED), by_kind.get(Kind.KPIS)
    if not (isinstance(missed, KpiSlide) and isinstance(rest, KpiSlide)):
        return slides
    tiles = (*missed.tiles, *rest.tiles)
    if len(missed.tiles) > THIN_TILES or len(tiles) > KPI_TILES_MAX:
        return slides
    merged = KpiSlide(
        kind=Kind.KPIS_ALL,
        message=rest.message,
        sheets={**missed.sheets, **rest.sheets},
        tiles=tiles,
    )
    return [merged if s is missed else s for s in slides if s is not rest]


def score_words(score, decimals: int) -> str:
    """A score as the ranking view shows it (views.rankings: same decimals, cut not rounded)."""
    return rankings.score_text(score, decimals)


def _league(league: rankings.League) -> pd.DataFrame:
    """area_code, name, score, score_text, rank, previous_rank, move, highlight: best first."""
    df = league.table[
        ["area_code", "name", "score", "score_text", "rank", "previous_rank", "highlight"]
    ].copy()
    df["move"] = [
        "" if pd.isna(r) else c
        for r, c in zip(df["rank"], league.table["change_text"], strict=True)
    ]
    return df.reset_index(drop=True)


def _shown(league: pd.DataFrame) -> pd.DataFrame:
    """The ranked rows a slide shows: the top ones, plus any highlighted row further down."""
    ranked = league[league["rank"].notna()]
    top = ranked.head(RANK_ROWS_MAX)
    extra = ranked.iloc[RANK_ROWS_MAX:]
    return pd.concat([top, extra[extra["highlight"]]])


def _sheet(league: pd.DataFrame, area: str, previous_label: str, decimals: int) -> pd.DataFrame:
    """The league for the workbook: the score a number cut to the page's digits (99.99 never
    rounded up to 100.00), formatted with those digits."""
    sheet = pd.DataFrame(
        {
            "名次": league["rank"],
            f"{area}代码": league["area_code"],
            area: league["name"],
            SCORE: [rankings.score_cut(s, decimals) for s in league["score"]],
            f"上期名次（{previous_label}）": league["previous_rank"],
            "名次变化": league["move"],
        }
    )
    sheet.attrs[SHEET_FORMATS] = {SCORE: labels.excel_score_format(decimals)}
    return sheet


def _ranking_message(league: pd.DataFrame, area: str, within: str, total: int) -> str:
    ranked = league[league["rank"].notna()]
    chosen = ranked[ranked["highlight"]]
    if len(chosen) != 1 and len(ranked) < total and len(ranked) == 1:
        chosen = ranked  # a league cut to the user's one area: that area is the message
    if len(chosen) == 1:
        r = chosen.iloc[0]
        before = "" if pd.isna(r["previous_rank"]) else f"，上期第 {int(r['previous_rank'])} 名"
        return (
            f"{r['name']}综合得分 {r['score_text']}，在{within} {total} 个{area}中"
            f"排第 {int(r['rank'])} 名{before}"
        )
    if len(ranked) < total:  # cut to the user's areas: no first or last of the others
        return (
            "；".join(
                f"{r['name']}第 {int(r['rank'])} 名（{r['score_text']} 分）"
                for _, r in ranked.iterrows()
            )
            + f"，共 {total} 个{area}"
        )
    first, last = ranked.iloc[0], ranked.iloc[-1]
    tied = int((ranked["rank"] == 1).sum())
    leader = f"{first['name']}等 {tied} 个并列第 1" if tied > 1 else f"第 1 名{first['name']}"
    return (
        f"{len(ranked)} 个{area}：{leader}（{first['score_text']} 分），"
        f"末位{last['name']}（{last['score_text']} 分）"
    )


def _ranking(
    kind: Kind,
    league: rankings.League,
    rows: pd.DataFrame,
    message: str,
    sheets: dict,
    drill_to,  # area code → the scope a drill into it opens; None: no drill here
    county: Scope | None = None,
) -> RankingSlide:
    shown = _shown(rows)
    return RankingSlide(
        kind=kind,
        message=message,
        sheets=sheets,
        rows=shown,
        league=rows,
        area=league.area_label,
        drill=drill_to is not None,
        drill_to=tuple(drill_to(c) for c in shown["area_code"]) if drill_to else (),
        decimals=league.decimals,
        total=league.total_ranked,
        comparable=league.comparable,
        no_change_reason=league.no_change_reason,
        county=county,
    )


def counties(src: Sources, m: Meeting) -> Slide:
    league = src.rankings().counties
    if league is None or not league.has_ranks:
        return NoData(
            kind=Kind.COUNTIES, empty=f"{m.period_label}没有任何计分指标的数据，无法排名。"
        )
    rows = _league(league)
    return _ranking(
        Kind.COUNTIES,
        league,
        rows,
        _ranking_message(rows, "县区", "全部", league.total_ranked),
        {"县区排名": _sheet(rows, "县区", m.previous_label, league.decimals)},
        Scope if m.scope.is_all else None,
    )


def townships(src: Sources, m: Meeting) -> Slide:
    league = src.rankings().townships
    if league is None or not league.has_ranks:
        return NoData(
            kind=Kind.TOWNSHIPS,
            empty=f"{m.period_label}{m.county_name}的乡镇没有计分指标的数据，无法排名。",
        )
    rows = _league(league)
    county = m.scope.county_code
    return _ranking(
        Kind.TOWNSHIPS,
        league,
        rows,
        _ranking_message(rows, "乡镇", m.county_name or "", league.total_ranked),
        {f"{m.county_name}乡镇排名": _sheet(rows, "乡镇", m.previous_label, league.decimals)},
        # Drill from the county into one township; a township scope already is the drill.
        None if m.scope.township_codes else (lambda code: Scope(county, (code,))),
        Scope(county),
    )
