"""Slides on what needs a decision: flagged teams and the overview's alert list."""

from __future__ import annotations

import pandas as pd

from dashboard import labels
from dashboard.meeting.deck import Meeting, Query, Slide, month_words
from data_access import teams as team_rules

# Rows a room can read on one slide; the brief's workbook lists every team.
TEAM_ROWS_MAX = 8
# Names listed after an alert's count; the workbook has the full lists.
NAMES_SHOWN = 5


def _pct(fraction) -> str:
    return labels.pct(None if fraction is None or pd.isna(fraction) else 100 * fraction)


def _round_pct(fraction):
    return None if fraction is None or pd.isna(fraction) else round(100 * float(fraction), 2)


def teams(query: Query, m: Meeting) -> Slide:
    slide = Slide("teams")
    workload = query("teams.team_workload", m.scope, m.period)
    if workload.empty:
        slide.empty = "所选范围内没有家庭医生团队。"
        return slide
    if workload["services"].sum() == 0 and workload["checked"].sum() == 0:
        slide.empty = f"{m.period_label}所选范围内没有团队服务和抽查记录。"
        return slide
    workload = workload.assign(flagged=team_rules.high_volume_low_quality(workload))
    threshold = team_rules.high_volume_threshold(workload)
    flagged = workload[workload["flagged"]].sort_values(["pass_rate", "team_id"])
    rule = (
        f"服务量不低于上四分位（{labels.number(threshold)} 人次）、抽查不少于 "
        f"{team_rules.MIN_CHECKED_FOR_PASS_RATE} 人次且合格率低于 {team_rules.LOW_PASS_RATE:.0%}"
    )
    if flagged.empty:
        slide.message = f"本期没有服务量高而抽查合格率低的团队（{len(workload)} 个团队）"
        enough = workload[workload["checked"] >= team_rules.MIN_CHECKED_FOR_PASS_RATE]
        shown, caption = enough.sort_values(["pass_rate", "team_id"]), "抽查合格率最低的团队"
    else:
        slide.message = (
            f"{len(flagged)} 个团队服务量高但抽查合格率低于 {team_rules.LOW_PASS_RATE:.0%}"
        )
        shown, caption = flagged, "⚑ 服务量高、合格率低的团队"
    slide.parts.update(
        rows=shown.head(TEAM_ROWS_MAX),
        more=max(len(shown) - TEAM_ROWS_MAX, 0),
        caption=caption,
        rule=rule,
        flagged=len(flagged),
        teams=len(workload),
        workload=workload,
        threshold=threshold,
    )
    slide.sheets["团队工作量"] = pd.DataFrame(
        {
            "团队编号": workload["team_id"],
            "团队": workload["name"],
            "乡镇": workload["township_name"],
            "服务量（人次）": workload["services"],
            "积分": workload["points"].round(2),
            "成员数": workload["members"],
            "村医服务占比（%）": [_round_pct(v) for v in workload["village_doctor_share"]],
            "抽查（人次）": workload["checked"],
            "合格（人次）": workload["passed"],
            "抽查合格率（%）": [_round_pct(v) for v in workload["pass_rate"]],
            "高服务量低合格率": workload["flagged"].map({True: "⚑ 是", False: ""}),
        }
    )
    return slide


def _names(values, total: int) -> str:
    shown = "、".join(str(v) for v in list(values)[:NAMES_SHOWN])
    return shown + (f" 等 {total} 个" if total > NAMES_SHOWN else "")


def alerts(query: Query, m: Meeting) -> Slide:
    slide = Slide("alerts")
    found = query("overview.alerts", m.scope, m.period)
    month = found.snapshot_month
    mismatched = query("chronic.mismatched_patients", m.scope, month) if month else 0
    threshold = int(found.thresholds["low_pass_rate"] * 100)
    gaps, low = found.villages_without_service, found.low_pass_teams
    below, tilt = found.indicators_below_target, found.funding_not_tilted
    at = f"{month_words(month)}末" if month else ""
    items = [
        (found.red_not_at_county, "名", f"红标患者未由县总医院管理（{at}，推送不到位）", ""),
        (mismatched, "名", f"患者管理层级与颜色不符（{at}，含应上转、应下转）", ""),
        (len(gaps), "个", "村本期没有任何团队服务记录", _names(gaps["name"], len(gaps))),
        (
            len(low),
            "个",
            f"团队抽查合格率低于 {threshold}%（抽查不少于 {found.thresholds['min_checked']} 人次）",
            _names(low["name"], len(low)),
        ),
        (len(below), "项", "指标未达目标", _names(below["name"], len(below))),
        (
            len(tilt),
            "个",
            f"县区{m.period.year}年二类村人均经费低于一类村",
            _names(tilt["county_name"], len(tilt)),
        ),
    ]
    if not month:  # no chronic data: the two patient counts would read as "all is well"
        items = items[2:]
    raised = sum(1 for count, *_ in items if count)
    slide.message = f"本期 {raised} 类事项需要关注" if raised else "本期没有需要特别关注的事项"
    slide.parts["items"] = items
    slide.sheets["需要关注"] = pd.DataFrame(
        {
            "事项": [text for _, _, text, _ in items],
            "数量": [int(count) for count, *_ in items],
            "单位": [unit for _, unit, *_ in items],
            "明细（节选）": [names for *_, names in items],
        }
    )
    if not gaps.empty:
        slide.sheets["无服务记录的村"] = pd.DataFrame(
            {
                "村代码": gaps["village_code"],
                "村": gaps["name"],
                "村类别": gaps["village_class"].map(labels.CLASS_LABELS),
                "乡镇": gaps["township_name"],
                "团队": gaps["team_name"],
            }
        )
    return slide
