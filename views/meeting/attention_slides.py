"""Slides on what needs a decision: flagged teams and the overview's alert list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from views import chronic_cells, labels
from views import teams as team_view
from views.meeting.deck import FIGURE, Kind, Meeting, NoData, Slide, Sources

# Rows a room can read on one slide; the brief's workbook lists every team.
TEAM_ROWS_MAX = 8
# Names listed after an alert's count; the workbook has the full lists.
NAMES_SHOWN = 5


@dataclass(**FIGURE)
class TeamsSlide(Slide):
    rows: pd.DataFrame  # the teams listed (views.teams' workload columns)
    more: int  # further teams not listed
    caption: str  # what the list is
    rule: str  # the flag's rule in words
    flagged: int
    teams: int
    workload: pd.DataFrame  # every team (the brief's scatter)
    threshold: float | None  # high volume, over the whole database
    low_pass_rate: float
    min_checked: int
    no_checks: str | None  # why nobody is flagged this period (no 抽查 at all)

    @property
    def has_figure(self) -> bool:
        return not self.rows.empty  # a month without 抽查 lists no team

    @property
    def wants_data(self) -> bool:
        return super().wants_data or self.no_checks is not None

    @property
    def figure_names(self) -> tuple[str, ...]:
        return (labels.PASS_RATE,)


class AlertItem(NamedTuple):
    count: int | str  # `<5` or 不显示 when masked (views.masking)
    unit: str
    subject: str
    names: str  # the first names, "" when the alert names nobody


@dataclass(**FIGURE)
class AlertsSlide(Slide):
    items: tuple[AlertItem, ...]

    @property
    def has_figure(self) -> bool:
        return bool(self.items)

    @property
    def figure_names(self) -> tuple[str, ...]:
        """推送不到位 and 红标未上转 when an alert is about them."""
        said = " ".join(i.subject for i in self.items)
        return tuple(name for name in (labels.MISMATCH, labels.RED_NOT_UP) if name in said)


def teams(src: Sources, m: Meeting) -> Slide:
    """The teams flagged by their own 抽查 (the page's and the 总览 alert's rule and count)."""
    view = src.teams()
    if not view.has_teams:
        return NoData(kind=Kind.TEAMS, empty="所选范围内没有家庭医生团队。")
    if not view.has_activity:
        return NoData(kind=Kind.TEAMS, empty=f"{m.period_label}所选范围内没有团队服务和抽查记录。")
    workload = view.teams
    flagged = view.flagged_teams
    min_checked = view.thresholds["min_checked"]
    if view.no_checks_reason:
        message = f"{m.period_label}没有抽查记录，本期不标记团队（{len(workload)} 个团队）"
        shown, caption = flagged, ""
    elif flagged.empty:
        message = f"本期没有团队{team_view.FLAG_RULE}（{len(workload)} 个团队）"
        enough = workload[workload["checked"] >= min_checked]
        shown, caption = (
            enough.sort_values(["pass_rate", "team_id"]),
            f"{labels.PASS_RATE}最低的团队",
        )
    else:
        message = f"{len(flagged)} 个团队{team_view.FLAG_RULE}"
        shown, caption = flagged, f"{team_view.FLAG} {labels.PASS_RATE}低的团队"
    sheet = pd.DataFrame(
        {
            "团队编号": workload["team_id"],
            "团队": workload["name"],
            "乡镇": workload["township_name"],
            "服务量（人次）": workload["services"],
            "积分": workload["points"].round(2),
            "成员数": workload["members"],
            f"{labels.VILLAGE_DOCTOR_SHARE}（%）": [
                labels.share_percent(v) for v in workload["village_doctor_share"]
            ],
            "抽查（人次）": workload["checked"],
            "合格（人次）": workload["passed"],
            f"{labels.PASS_RATE}（%）": [labels.share_percent(v) for v in workload["pass_rate"]],
            team_view.FLAG_COLUMN: workload["flagged"].map(
                {True: f"{team_view.FLAG} 是", False: ""}
            ),
            team_view.HIGH_VOLUME_WORDS: workload["high_volume"].map({True: "是", False: ""}),
        }
    )
    return TeamsSlide(
        kind=Kind.TEAMS,
        message=message,
        sheets={"团队工作量": sheet},
        rows=shown.head(TEAM_ROWS_MAX),
        more=max(len(shown) - TEAM_ROWS_MAX, 0),
        caption=caption,
        rule=team_view.FLAG_RULE,
        flagged=view.flagged_count,
        teams=len(workload),
        workload=workload,
        threshold=view.high_volume_threshold,
        low_pass_rate=view.thresholds["low_pass_rate"],
        min_checked=min_checked,
        no_checks=view.no_checks_reason,
    )


def _names(alert) -> str:
    names = list(alert.items)
    if not names and alert.details is not None:
        first = alert.details.columns[0]
        names = [str(v) for v in alert.details[first]]
    if not names:  # a count of rows (e.g. 推送不到位) names nobody
        return ""
    shown = "、".join(names[:NAMES_SHOWN])
    return shown + (
        f" 等 {labels.count(alert.count)} {alert.unit}" if len(names) > NAMES_SHOWN else ""
    )


def alerts(src: Sources, m: Meeting) -> Slide:
    """The 总览 alerts, as the page lists them (same counts, same wording)."""
    found = chronic_cells.overview_seen(src.overview(), src.small).alerts  # <5 as on 总览
    items = tuple(AlertItem(a.count, a.unit, a.subject, _names(a)) for a in found)
    sheets = {}
    sheets["需要关注"] = pd.DataFrame(
        {
            "事项": [subject for _, _, subject, _ in items],
            "数量": [count if isinstance(count, str) else int(count) for count, *_ in items],
            "单位": [unit for _, unit, *_ in items],
            "明细（节选）": [names for *_, names in items],
        }
    )
    for a in found:
        if a.details is not None and not a.details.empty:
            sheets[f"明细_{a.subject}"] = a.details  # the workbook shortens whole phrases
    return AlertsSlide(
        kind=Kind.ALERTS,
        message=f"本期 {len(items)} 类事项需要关注" if items else "本期没有需要特别关注的事项",
        sheets=sheets,
        items=items,
    )
