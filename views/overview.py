"""总览 as a view model: headline indicators against target with like-for-like change, the
scope at a glance, and the alerts with links that carry the scope and the view state."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from data_access import chronic, indicators, overview, teams, villages
from data_access.relations import Db
from data_access.scope import Scope
from views import attainment, labels
from views.chronic import Mismatch, mismatch_at, unit_of
from views.common import Window, month_end_words, trend_months


def change(value, previous, unit: str | None) -> float | None:
    """value − previous (percentage points for rates); None when either is missing."""
    if value is None or previous is None or pd.isna(value) or pd.isna(previous):
        return None
    return float(value) - float(previous)


def missing_reason(numerator, denominator, levels: set[str], township_scope: bool) -> str:
    """Why an indicator has no value here, in words."""
    if township_scope and levels == {"county"}:
        return labels.REASON_COUNTY_ONLY
    if denominator is not None and not pd.isna(denominator) and denominator == 0:
        return labels.REASON_ZERO_DENOMINATOR
    return labels.REASON_NO_ROWS


@dataclass(frozen=True)
class Kpi:
    """One headline indicator of the scope and period."""

    code: str
    name: str
    unit: str | None
    higher_is_better: bool
    period_agg: str
    target: float | None
    weight: float
    value: float | None
    numerator: float | None
    denominator: float | None
    month: str | None  # last month with data (for `last` indicators the month used)
    attainment: float | None
    previous: float | None  # the value over window.previous (same months a period earlier)
    change: float | None  # value − previous; None when not comparable
    no_value_reason: str | None  # why value is None
    no_change_reason: str | None  # why change is None although value exists
    trend: tuple[tuple[str, float | None], ...] = ()  # (month, value), oldest first

    @property
    def band(self) -> str:
        """met / close / missed / none (views.attainment: the one rule)."""
        return attainment.band(self.value, self.target, self.higher_is_better)

    @property
    def value_text(self) -> str:
        """The value at the digit that decides its band (65.96%, never 66.0% short of 66%)."""
        return attainment.value_text(self.value, self.unit, self.target, self.higher_is_better)

    @property
    def target_text(self) -> str:
        return attainment.target_text(self.target, self.unit)

    @property
    def below_target(self) -> bool:
        """Short of target, close or not (the 指标未达目标 alert and the meeting's first KPIs)."""
        return self.band in ("close", "missed")


@dataclass(frozen=True)
class Alert:
    """One thing that needs attention; `link` opens the page that explains it, in this scope."""

    key: str
    count: int
    unit: str  # of the count: 人次, 个, 项
    subject: str  # what is counted, in words (no names from the database)
    items: tuple[str, ...] = ()  # names from the database (renderers escape them)
    details: pd.DataFrame | None = None  # every row, Chinese headers
    page: str = "overview"
    link_label: str = ""
    link_params: dict[str, str] = field(default_factory=dict)  # page state beyond the filters


@dataclass(frozen=True)
class ChronicGlance:
    """The 绿黄红 mix at the period's end: the same figures 慢病三色 shows for all diseases."""

    month: str
    counts: dict[str, int]  # colour → rows (人次)
    total: int
    mismatch: Mismatch

    @property
    def unit(self) -> str:
        return unit_of(None)

    def share(self, color: str) -> float | None:
        return self.counts.get(color, 0) / self.total if self.total else None


@dataclass(frozen=True)
class OverviewView:
    scope: Scope
    window: Window
    has_villages: bool
    has_data: bool
    kpis: tuple[Kpi, ...] = ()
    classes: pd.DataFrame = field(default_factory=pd.DataFrame)  # village_class, villages, …
    teams: int = 0
    members_by_level: dict[str, int] = field(default_factory=dict)
    chronic: ChronicGlance | None = None
    alerts: tuple[Alert, ...] = ()
    thresholds: dict = field(default_factory=dict)


def _kpis(
    values: pd.DataFrame,
    previous: pd.DataFrame,
    trend: pd.DataFrame,
    levels: dict[str, set[str]],
    scope: Scope,
    window: Window,
) -> tuple[Kpi, ...]:
    before = dict(zip(previous["indicator_code"], previous["value"], strict=True))
    lines: dict[str, list[tuple[str, float | None]]] = {}
    for code, m, v in zip(trend["indicator_code"], trend["month"], trend["value"], strict=True):
        lines.setdefault(code, []).append((m, None if pd.isna(v) else float(v)))
    out = []
    for r in values.itertuples(index=False):
        value = None if pd.isna(r.value) else float(r.value)
        prev = before.get(r.indicator_code)
        prev = None if prev is None or pd.isna(prev) else float(prev)
        delta = change(value, prev, r.unit) if window.comparable else None
        if value is None:
            no_change = None
        elif not window.comparable:
            no_change = window.no_change_reason
        elif prev is None:
            no_change = f"{window.previous_label}无此指标数据"
        else:
            no_change = None
        out.append(
            Kpi(
                code=r.indicator_code,
                name=r.name,
                unit=r.unit,
                higher_is_better=bool(r.higher_is_better),
                period_agg=r.period_agg,
                target=None if pd.isna(r.target) else float(r.target),
                weight=float(r.weight or 0),
                value=value,
                numerator=None if pd.isna(r.numerator) else float(r.numerator),
                denominator=None if pd.isna(r.denominator) else float(r.denominator),
                month=r.month if isinstance(r.month, str) else None,
                attainment=None if pd.isna(r.attainment) else float(r.attainment),
                previous=prev,
                change=delta,
                no_value_reason=None
                if value is not None
                else missing_reason(
                    r.numerator,
                    r.denominator,
                    levels.get(r.indicator_code, set()),
                    bool(scope.township_codes),
                ),
                no_change_reason=no_change,
                trend=tuple(lines.get(r.indicator_code, ())),
            )
        )
    return tuple(out)


def _alerts(
    scope: Scope,
    window: Window,
    glance: ChronicGlance | None,
    workload: pd.DataFrame,
    kpis: tuple[Kpi, ...],
    gaps: pd.DataFrame,
    funding: pd.DataFrame,
) -> tuple[Alert, ...]:
    out: list[Alert] = []
    if glance is not None and glance.mismatch.mismatched:
        m = glance.mismatch
        out.append(
            Alert(
                "mismatch",
                m.mismatched,
                glance.unit,
                f"{labels.MISMATCH}（{month_end_words(glance.month)}，管理机构与标色不符；"
                f"其中{labels.RED_NOT_UP} {m.red_not_up:,} {glance.unit}）",
                page="chronic",
                link_label="查看慢病三色",
                link_params={"tab": "mismatch"},
            )
        )
    if not gaps.empty:
        details = gaps.rename(
            columns={
                "name": "村",
                "township_name": "乡镇",
                "county_name": "县区",
                "team_name": "团队",
            }
        )
        out.append(
            Alert(
                "no_service",
                len(gaps),
                "个",
                "村本期没有任何团队服务记录",
                details=details[["村", "乡镇", "县区", "团队"]],
                page="map",
                link_label="在网格地图上查看（每千人服务量）",
                link_params={"layer": "services"},
            )
        )
    low = workload[teams.low_pass_rate(workload)].sort_values("pass_rate")
    if not low.empty:
        details = pd.DataFrame(
            {
                "团队": low["name"],
                "乡镇": low["township_name"],
                "服务量（次）": low["services"],
                "抽查（人次）": low["checked"],
                "合格（人次）": low["passed"],
                # The percent value unrounded: Excel's 0.0"%" then shows what the slides show
                # (53/78 = 67.9%, where a stored 67.95 would show 68.0%).
                f"{labels.PASS_RATE}（%）": [100 * r for r in low["pass_rate"]],
            }
        )
        out.append(
            Alert(
                "low_pass",
                len(low),
                "个",
                f"团队{labels.PASS_RATE}低于 {teams.LOW_PASS_RATE:.0%}"
                f"（抽查不少于 {teams.MIN_CHECKED_FOR_PASS_RATE} 人次）",
                details=details,
                page="teams",
                link_label="查看被标记的团队",
                link_params={"tab": "list"},
            )
        )
    below = [k for k in kpis if k.below_target]
    if below:
        out.append(
            Alert(
                "below_target",
                len(below),
                "项",
                "指标未达目标",
                items=tuple(f"{k.name} {k.value_text}（目标 {k.target_text}）" for k in below),
                page="rankings",
                link_label="查看县区排名（失分）",
                link_params={"tab": "lost"},
            )
        )
    tilt = overview.funding_not_tilted(funding)
    if not tilt.empty:
        out.append(
            Alert(
                "funding_tilt",
                len(tilt),
                "个",
                f"县区{window.period.year}年二类村人均经费低于一类村",
                items=tuple(
                    f"{r.county_name}（二类 {r.class2:,.0f} 元/人 < 一类 {r.class1:,.0f} 元/人）"
                    for r in tilt.itertuples(index=False)
                ),
                page="map",
                link_label="在网格地图上查看（人均经费）",
                link_params={"layer": "funding"},
            )
        )
    return tuple(out)


def build(engine: Db, scope: Scope, window: Window) -> OverviewView:
    """The 总览 view for a scope and period window."""
    classes = villages.village_class_summary(engine, scope)
    if classes.empty:
        return OverviewView(scope, window, has_villages=False, has_data=False)
    period = window.period
    values = indicators.indicator_values(engine, scope, period)
    month = chronic.snapshot_month(engine, scope, period)
    workload = teams.team_workload(engine, scope, period)
    if values["denominator"].isna().all() and month is None and workload["services"].sum() == 0:
        return OverviewView(scope, window, has_villages=True, has_data=False, classes=classes)
    previous = indicators.indicator_values(engine, scope, window.previous)
    trend = indicators.indicator_trend(engine, scope, trend_months(period))
    kpis = _kpis(values, previous, trend, indicators.indicator_levels(engine), scope, window)
    glance = None
    if month is not None:
        dist = chronic.color_distribution(engine, scope, month).groupby("color")["patients"].sum()
        counts = {c: int(dist.get(c, 0)) for c in chronic.COLORS}
        glance = ChronicGlance(
            month, counts, sum(counts.values()), mismatch_at(engine, scope, month, None)
        )
    members = teams.member_composition(engine, scope)
    return OverviewView(
        scope=scope,
        window=window,
        has_villages=True,
        has_data=True,
        kpis=kpis,
        classes=classes,
        teams=len(workload),
        members_by_level=dict(zip(members["level"], members["members"].astype(int), strict=True)),
        chronic=glance,
        alerts=_alerts(
            scope,
            window,
            glance,
            workload,
            kpis,
            overview.villages_without_service(engine, scope, period),
            overview.funding_by_class(engine, scope, period.year),
        ),
        thresholds={
            "low_pass_rate": teams.LOW_PASS_RATE,
            "min_checked": teams.MIN_CHECKED_FOR_PASS_RATE,
        },
    )
