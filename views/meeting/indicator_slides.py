"""Slides on the official indicators: KPIs against target, county and township rankings."""

from __future__ import annotations

import pandas as pd

from data_access.scope import Scope
from views import labels, rankings
from views.meeting.deck import Meeting, Slide, Sources

# Bars a room can read on one slide; the brief's workbook lists every area.
RANK_ROWS_MAX = 12


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


def _tile(k) -> dict:
    """One KPI as the slides show it: text as on the tiles, numbers for the brief's charts."""
    return {
        "code": k.code,
        "name": k.name,
        "value": labels.indicator_value(k.value, k.unit),
        "target": labels.indicator_value(k.target, k.unit, 0),
        "band": k.band,
        "attainment": k.attainment,
        "change": change_words(k) if k.value is not None else "",
        "reason": k.no_value_reason,
        "unit": k.unit,
        "value_number": _round(k.value),
        "target_number": _round(k.target),
    }


def below_target(kpi) -> bool:
    """The overview's alert rule (指标未达目标): a value short of its target, close or not."""
    return kpi.attainment is not None and kpi.attainment < 1


def _no_kpis(slide: Slide, view, m: Meeting) -> bool:
    """Say why there is nothing to show; True when so."""
    if not view.kpis:
        slide.empty = "数据库中没有官方考核指标（indicator 表为空）。"
    elif all(k.band == "none" for k in view.kpis):
        slide.empty = f"{m.period_label}没有任何指标数据。"
    return slide.empty is not None


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
    slide = Slide("kpis_missed")
    if _no_kpis(slide, view, m):
        return slide
    below = sorted((k for k in view.kpis if below_target(k)), key=lambda k: (k.attainment, k.code))
    if below:
        slide.message = f"{len(below)} 项指标未达目标：" + _band_counts(below)
    else:
        slide.message = f"本期没有未达目标的指标（共 {len(view.kpis)} 项）"
    slide.parts["tiles"] = [_tile(k) for k in below]
    slide.sheets["未达目标指标"] = _kpi_sheet(below, m.previous_label)
    return slide


def kpis(src: Sources, m: Meeting) -> Slide:
    """Every other indicator (met, or without a value); the workbook lists all of them."""
    view = src.overview()
    slide = Slide("kpis")
    if _no_kpis(slide, view, m):
        return slide
    slide.message = f"{len(view.kpis)} 项指标中 " + _band_counts(view.kpis)
    slide.parts["tiles"] = [_tile(k) for k in view.kpis if not below_target(k)]
    slide.sheets["核心指标"] = _kpi_sheet(view.kpis, m.previous_label)
    return slide


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


def _sheet(league: pd.DataFrame, area: str, previous_label: str) -> pd.DataFrame:
    """The league for the workbook: the score as text, exactly as the page shows it."""
    return pd.DataFrame(
        {
            "名次": league["rank"],
            f"{area}代码": league["area_code"],
            area: league["name"],
            "综合得分": league["score_text"],
            f"上期名次（{previous_label}）": league["previous_rank"],
            "名次变化": league["move"],
        }
    )


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


def _parts(slide: Slide, league: rankings.League, rows: pd.DataFrame, drill: bool) -> None:
    slide.parts.update(
        rows=_shown(rows),
        league=rows,
        area=league.area_label,
        drill=drill,
        decimals=league.decimals,
        total=league.total_ranked,  # areas ranked in all (rows may be the user's own only)
        comparable=league.comparable,
        no_change_reason=league.no_change_reason,
    )


def counties(src: Sources, m: Meeting) -> Slide:
    slide = Slide("counties")
    view = src.rankings()
    league = view.counties
    if league is None or not league.has_ranks:
        slide.empty = f"{m.period_label}没有任何计分指标的数据，无法排名。"
        return slide
    rows = _league(league)
    slide.message = _ranking_message(rows, "县区", "全部", league.total_ranked)
    _parts(slide, league, rows, m.scope.is_all)
    slide.sheets["县区排名"] = _sheet(rows, "县区", m.previous_label)
    return slide


def townships(src: Sources, m: Meeting) -> Slide:
    slide = Slide("townships")
    league = src.rankings().townships
    if league is None or not league.has_ranks:
        slide.empty = f"{m.period_label}{m.county_name}的乡镇没有计分指标的数据，无法排名。"
        return slide
    rows = _league(league)
    slide.message = _ranking_message(rows, "乡镇", m.county_name or "", league.total_ranked)
    # Drill from the county into one township; a township scope already is the drill.
    _parts(slide, league, rows, not m.scope.township_codes)
    slide.parts["county"] = Scope(m.scope.county_code)
    slide.sheets[f"{m.county_name}乡镇排名"] = _sheet(rows, "乡镇", m.previous_label)
    return slide
