"""Slides on the official indicators: KPIs against target, county and township rankings."""

from __future__ import annotations

import pandas as pd

from data_access.scope import Scope
from views import labels
from views.meeting.deck import Meeting, Slide, Sources

# Bars a room can read on one slide; the brief's workbook lists every area.
RANK_ROWS_MAX = 12
MOVE_WORDS = {"up": "↑", "down": "↓", "same": "–", "new": "新"}


def change_words(kpi) -> str:
    """Change vs the previous period: percentage points for rates, a plain difference else;
    the reason when there is no comparable figure."""
    if kpi.change is None:
        return kpi.no_change_reason or ""
    diff = round(kpi.change, 1)  # as shown: −0.04 reads as no change, not ▼
    if diff == 0:
        return "与上期持平"
    return f"{'▲' if diff > 0 else '▼'} {abs(diff):.1f}" + (" 个百分点" if kpi.unit == "%" else "")


def _round(value, digits: int = 1):
    return None if value is None or pd.isna(value) else round(float(value), digits)


def kpis(src: Sources, m: Meeting) -> Slide:
    view = src.overview()
    slide = Slide("kpis")
    if not view.kpis:
        slide.empty = "数据库中没有官方考核指标（indicator 表为空）。"
        return slide
    tiles = [
        {
            "code": k.code,
            "name": k.name,
            "value": labels.indicator_value(k.value, k.unit),
            "target": labels.indicator_value(k.target, k.unit, 0),
            "band": k.band,
            "attainment": k.attainment,
            "change": change_words(k) if k.value is not None else "",
            "reason": k.no_value_reason,
        }
        for k in view.kpis
    ]
    bands = [t["band"] for t in tiles]
    if bands.count("none") == len(bands):
        slide.empty = f"{m.period_label}没有任何指标数据。"
        return slide
    counts = [
        f"{bands.count(b)} 项{labels.ATTAINMENT_WORDS[b]}"
        for b in ("met", "close", "missed", "none")
        if bands.count(b)
    ]
    slide.message = f"{len(tiles)} 项指标中 " + "、".join(counts)
    slide.parts["tiles"] = tiles
    slide.sheets["核心指标"] = pd.DataFrame(
        {
            "指标代码": [k.code for k in view.kpis],
            "指标": [k.name for k in view.kpis],
            "本期值": [_round(k.value) for k in view.kpis],
            "单位": [k.unit for k in view.kpis],
            "目标": [k.target for k in view.kpis],
            "达标情况": [labels.ATTAINMENT_WORDS[b] for b in bands],
            f"上期值（{m.previous_label}）": [_round(k.previous) for k in view.kpis],
            "较上期": [t["change"] for t in tiles],
            "分子": [k.numerator for k in view.kpis],
            "分母": [k.denominator for k in view.kpis],
            "数据月份": [k.month for k in view.kpis],
            "权重": [k.weight for k in view.kpis],
        }
    )
    return slide


def score_words(score) -> str:
    return labels.NO_VALUE if score is None or pd.isna(score) else f"{score:.1f}"


def _league(now: pd.DataFrame, before: pd.DataFrame, highlight: tuple[str, ...]) -> pd.DataFrame:
    """area_code, name, score, rank, previous_rank, move, highlight: best first."""
    prev = dict(zip(before["area_code"], before["rank"], strict=True))
    df = now[["area_code", "name", "score", "rank"]].copy()
    df["previous_rank"] = [prev.get(c) for c in df["area_code"]]
    moves = []
    for rank, was in zip(df["rank"], df["previous_rank"], strict=True):
        if pd.isna(rank):
            moves.append("")
        elif was is None or pd.isna(was):
            moves.append(MOVE_WORDS["new"])
        elif rank == was:
            moves.append(MOVE_WORDS["same"])
        else:
            moves.append(f"{MOVE_WORDS['up' if rank < was else 'down']}{abs(int(was - rank))}")
    df["move"] = moves
    df["highlight"] = df["area_code"].isin(highlight)
    return df.reset_index(drop=True)


def _shown(league: pd.DataFrame) -> pd.DataFrame:
    """The ranked rows a slide shows: the top ones, plus any highlighted row further down."""
    ranked = league[league["rank"].notna()]
    top = ranked.head(RANK_ROWS_MAX)
    extra = ranked.iloc[RANK_ROWS_MAX:]
    return pd.concat([top, extra[extra["highlight"]]])


def _sheet(league: pd.DataFrame, area: str, previous_label: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "名次": league["rank"],
            f"{area}代码": league["area_code"],
            area: league["name"],
            "综合得分": [_round(s, 4) for s in league["score"]],
            f"上期名次（{previous_label}）": league["previous_rank"],
            "名次变化": league["move"],
        }
    )


def _ranking_message(league: pd.DataFrame, area: str, within: str) -> str:
    ranked = league[league["rank"].notna()]
    chosen = ranked[ranked["highlight"]]
    if len(chosen) == 1:
        r = chosen.iloc[0]
        before = "" if pd.isna(r["previous_rank"]) else f"，上期第 {int(r['previous_rank'])} 名"
        return (
            f"{r['name']}综合得分 {score_words(r['score'])}，在{within} {len(ranked)} 个{area}中"
            f"排第 {int(r['rank'])} 名{before}"
        )
    first, last = ranked.iloc[0], ranked.iloc[-1]
    tied = int((ranked["rank"] == 1).sum())
    leader = f"{first['name']}等 {tied} 个并列第 1" if tied > 1 else f"第 1 名{first['name']}"
    return (
        f"{len(ranked)} 个{area}：{leader}（{score_words(first['score'])} 分），"
        f"末位{last['name']}（{score_words(last['score'])} 分）"
    )


def counties(src: Sources, m: Meeting) -> Slide:
    query = src.query  # legacy: not yet on a view model
    now = query("indicators.county_ranking", m.period).rename(columns={"county_code": "area_code"})
    before = query("indicators.county_ranking", m.period.previous()).rename(
        columns={"county_code": "area_code"}
    )
    slide = Slide("counties")
    highlight = (m.scope.county_code,) if m.scope.county_code else ()
    league = _league(now, before, highlight)
    if league["rank"].isna().all():
        slide.empty = f"{m.period_label}没有任何计分指标的数据，无法排名。"
        return slide
    slide.message = _ranking_message(league, "县区", "全部")
    slide.parts.update(rows=_shown(league), area="县区", drill=m.scope.is_all)
    slide.sheets["县区排名"] = _sheet(league, "县区", m.previous_label)
    return slide


def townships(src: Sources, m: Meeting) -> Slide:
    query = src.query  # legacy: not yet on a view model
    county = m.scope.county_code
    now = query("indicators.area_ranking", m.period, "township", county)
    before = query("indicators.area_ranking", m.period.previous(), "township", county)
    slide = Slide("townships")
    league = _league(now, before, m.scope.township_codes)
    if league["rank"].isna().all():
        slide.empty = f"{m.period_label}{m.county_name}的乡镇没有计分指标的数据，无法排名。"
        return slide
    slide.message = _ranking_message(league, "乡镇", m.county_name or "")
    # Drill from the county into one township; a township scope already is the drill.
    slide.parts.update(rows=_shown(league), area="乡镇", drill=not m.scope.township_codes)
    slide.parts["county"] = Scope(county)
    slide.sheets[f"{m.county_name}乡镇排名"] = _sheet(league, "乡镇", m.previous_label)
    return slide
