"""Slides on what needs a decision: flagged teams and the overview's alert list."""

from __future__ import annotations

import pandas as pd

from data_access import teams as team_rules
from views import labels
from views.meeting.deck import Meeting, Slide, Sources

# Rows a room can read on one slide; the brief's workbook lists every team.
TEAM_ROWS_MAX = 8
# Names listed after an alert's count; the workbook has the full lists.
NAMES_SHOWN = 5


def _pct(fraction) -> str:
    return labels.pct(None if fraction is None or pd.isna(fraction) else 100 * fraction)


def _round_pct(fraction):
    return None if fraction is None or pd.isna(fraction) else round(100 * float(fraction), 2)


def teams(src: Sources, m: Meeting) -> Slide:
    query = src.query  # legacy: not yet on a view model
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


def _names(alert) -> str:
    names = list(alert.items)
    if not names and alert.details is not None:
        first = alert.details.columns[0]
        names = [str(v) for v in alert.details[first]]
    shown = "、".join(names[:NAMES_SHOWN])
    return shown + (f" 等 {alert.count:,} {alert.unit}" if alert.count > NAMES_SHOWN else "")


def alerts(src: Sources, m: Meeting) -> Slide:
    """The 总览 alerts, as the page lists them (same counts, same wording)."""
    slide = Slide("alerts")
    found = src.overview().alerts
    items = [(a.count, a.unit, a.subject, _names(a)) for a in found]
    slide.message = f"本期 {len(items)} 类事项需要关注" if items else "本期没有需要特别关注的事项"
    slide.parts["items"] = items
    slide.sheets["需要关注"] = pd.DataFrame(
        {
            "事项": [subject for _, _, subject, _ in items],
            "数量": [int(count) for count, *_ in items],
            "单位": [unit for _, unit, *_ in items],
            "明细（节选）": [names for *_, names in items],
        }
    )
    for a in found:
        if a.details is not None and not a.details.empty:
            slide.sheets[f"明细_{a.subject[:20]}"] = a.details
    return slide
