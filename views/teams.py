"""团队工作量 as a view model: who carries the work (services by type and member level, per
member and per 1,000 residents, points and estimated funds), whether it is genuine (抽查),
whether it tilts to village doctors, and one team up close.

The red flag (⚑) is the team's own 抽查 figure against a fixed line (data_access.teams.
low_pass_rate, the rule of the 总览 alert), so a team is flagged alike through its township,
its county or the whole database. "High volume" is only a secondary marker, against the upper
quartile of every team of the database in the period, stated on screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from data_access import meta, villages
from data_access import team_detail as team_queries
from data_access import teams as rules
from data_access.figures import ratio
from data_access.relations import Db
from data_access.scope import Scope
from views import labels
from views.common import Window, month_words, trend_months

# Measures the ranking can order by: (label, shown as a percentage, decimals shown).
MEASURES = {
    "services": ("服务总量（人次）", False, 0),
    "services_per_member": ("人均服务量（人次/成员）", False, 1),
    "services_per_1000": ("每千服务人口服务量（人次）", False, 1),
    "points": ("积分", False, 1),
    "village_doctor_share": (labels.VILLAGE_DOCTOR_SHARE, True, 1),
    "pass_rate": (labels.PASS_RATE, True, 1),
}
FLAG = "⚑"
# The rule in words, as the 总览 alert says it (the same rule: data_access.teams.low_pass_rate).
FLAG_RULE = (
    f"{labels.PASS_RATE}低于 {rules.LOW_PASS_RATE:.0%}"
    f"（抽查不少于 {rules.MIN_CHECKED_FOR_PASS_RATE} 人次）"
)
FLAG_COLUMN = f"{FLAG} {labels.PASS_RATE}低于 {rules.LOW_PASS_RATE:.0%}"
HIGH_VOLUME_WORDS = "服务量高"
HIGH_VOLUME_RULE = "服务总量不低于全部县区有服务团队的上四分位数"


def team_labels(teams: pd.DataFrame) -> pd.Series:
    """Team names, with the township added where two teams share a name."""
    duplicated = teams["name"].duplicated(keep=False)
    return teams["name"].where(~duplicated, teams["name"] + "（" + teams["township_name"] + "）")


def since_data(months: tuple[str, ...], data_months) -> tuple[str, ...]:
    """The months from the first month the database has data for (no empty lead-in)."""
    first = min(data_months, default=None)
    kept = tuple(m for m in months if first is None or m >= first)
    return kept or months


def estimated_funds(points, amount: float | None) -> float | None:
    """Points × yuan per point, or None when no amount is configured (yuan)."""
    if amount is None or points is None or points != points:
        return None
    return float(points) * amount


@dataclass(frozen=True)
class Change:
    """A scope figure now and over window.previous; `change` only when comparable.

    `change` is relative (0.05 = +5%) for counts and in percentage points for shares.
    """

    now: float | None
    previous: float | None
    change: float | None
    reason: str | None  # why change is None (shown on screen)


def _change(now, before, window: Window, relative: bool) -> Change:
    if not window.comparable:
        return Change(now, before, None, window.no_change_reason)
    if now is None or before is None:
        missing = "本期" if now is None else window.previous_label
        return Change(now, before, None, f"{missing}无此数据，无法比较")
    if relative:
        value = ratio(now, before)
        if value is None:
            return Change(now, before, None, f"{window.previous_label}为 0，无法计算变化率")
        return Change(now, before, value - 1, None)
    return Change(now, before, 100 * (now - before), None)


@dataclass(frozen=True)
class TeamsView:
    """Everything 团队工作量 shows for one scope and period window."""

    scope: Scope
    window: Window
    # One row per team in scope: team_summary's columns plus label, county_name, flagged,
    # high_volume, county_median (the team's county, all its townships), below_median, funds.
    teams: pd.DataFrame = field(default_factory=pd.DataFrame)
    totals: dict = field(default_factory=dict)  # scope sums and ratios (rules.scope_totals)
    previous_totals: dict | None = None  # the same over window.previous
    services_change: Change | None = None
    village_share_change: Change | None = None
    pass_rate_change: Change | None = None
    high_volume_threshold: float | None = None  # over every team of the database (services)
    yuan_per_point: float | None = None  # configured amount; None: no funds estimated
    service_types: pd.DataFrame = field(default_factory=pd.DataFrame)  # service_type, name, …
    trend_months: tuple[str, ...] = ()
    monthly: pd.DataFrame = field(default_factory=pd.DataFrame)  # month, service_type, …
    last_check_month: str | None = None  # latest 抽查 month up to the period's end
    thresholds: dict = field(default_factory=dict)

    @property
    def has_teams(self) -> bool:
        return len(self.teams) > 0

    @property
    def has_activity(self) -> bool:
        """Any service or 抽查 in the period."""
        return bool(self.totals.get("services") or self.totals.get("checked"))

    @property
    def flagged_count(self) -> int:
        return int(self.teams["flagged"].sum()) if self.has_teams else 0

    @property
    def flagged_teams(self) -> pd.DataFrame:
        """Flagged teams, lowest pass rate first, with `mark` 1, 2, … as drawn on the chart."""
        if not self.has_teams:
            return pd.DataFrame()
        rows = self.teams[self.teams["flagged"]].sort_values(["pass_rate", "label", "team_id"])
        return rows.assign(mark=range(1, len(rows) + 1)).reset_index(drop=True)

    @property
    def checks_available(self) -> bool:
        return bool(self.totals.get("checked"))

    @property
    def unchecked(self) -> int:
        """Teams without any 抽查 in the period."""
        return int((self.teams["checked"] == 0).sum()) if self.has_teams else 0

    @property
    def no_checks_reason(self) -> str | None:
        """Why no pass rate is shown at all (None when some team was re-checked)."""
        if not self.has_teams or self.checks_available:
            return None
        period = self.window.period
        last = (
            f"，最近一次抽查在{month_words(self.last_check_month)}" if self.last_check_month else ""
        )
        if period.kind == "month":
            return (
                f"{period.label}没有抽查记录（抽查按季度开展{last}）："
                f"本月不计算{labels.PASS_RATE}，也不标记团队。请选择季度查看抽查结果。"
            )
        return (
            f"{period.label}所选范围内没有抽查记录{last}：不计算{labels.PASS_RATE}，也不标记团队。"
        )

    @property
    def funds(self) -> float | None:
        """Estimated performance funds of the scope (yuan), None without a configured amount."""
        return estimated_funds(self.totals.get("points"), self.yuan_per_point)

    @property
    def several_counties(self) -> bool:
        return self.scope.county_code is None

    @property
    def type_names(self) -> dict[str, str]:
        return {
            r.service_type: labels.SERVICE_LABELS.get(r.service_type, r.name)
            for r in self.service_types.itertuples(index=False)
        }

    @property
    def village_share_rows(self) -> pd.DataFrame:
        """Teams that served, lowest village-doctor share first, with their county median."""
        if not self.has_teams:
            return pd.DataFrame()
        served = self.teams[self.teams["services"] > 0]
        rows = served.assign(
            share=pd.to_numeric(served["village_doctor_share"]),
            median=pd.to_numeric(served["county_median"]),
        )
        return rows.sort_values(["share", "label", "team_id"]).reset_index(drop=True)

    @property
    def below_median_count(self) -> int:
        return int(self.teams["below_median"].sum()) if self.has_teams else 0

    def ranked(self, measure: str, highest: bool = True) -> pd.DataFrame:
        """Teams with a value for the measure, best (or worst) first, with `value` and `rank`
        (ties share a rank, 1, 2, 2, 4); teams without a value are left out, not ranked 0."""
        df = self.teams.assign(value=pd.to_numeric(self.teams[measure]))
        df = df[df["value"].notna()]
        df = df.assign(rank=df["value"].rank(method="min", ascending=not highest).astype(int))
        return df.sort_values(["rank", "label", "team_id"]).reset_index(drop=True)

    def unranked(self, measure: str) -> pd.DataFrame:
        """Teams without a value for the measure (a 0 denominator)."""
        return self.teams[pd.to_numeric(self.teams[measure]).isna()]

    def table(self) -> pd.DataFrame:
        """The team list with Chinese headers, as shown, downloaded and exported: headline
        figures first (visible without scrolling sideways), then types and make-up."""
        rows = self.teams
        out = {"团队": rows["name"]}
        if self.several_counties:  # township names alone may repeat across counties
            out["县区"] = rows["county_name"]
        out |= {
            "乡镇": rows["township_name"],
            "服务总量（人次）": rows["services"],
            "人均服务量": pd.to_numeric(rows["services_per_member"]).round(1),
            "每千服务人口服务量": pd.to_numeric(rows["services_per_1000"]).round(1),
            "积分": rows["points"].round(1),
        }
        if self.yuan_per_point is not None:
            out["估算绩效经费（元）"] = pd.to_numeric(rows["funds"]).round(0)
        out |= {
            f"{labels.VILLAGE_DOCTOR_SHARE}（%）": (
                100 * pd.to_numeric(rows["village_doctor_share"])
            ).round(1),
            "抽查（人次）": rows["checked"],
            "合格（人次）": rows["passed"],
            f"{labels.PASS_RATE}（%）": (100 * pd.to_numeric(rows["pass_rate"])).round(1),
            FLAG_COLUMN: rows["flagged"].map({True: f"{FLAG} 是", False: ""}),
            HIGH_VOLUME_WORDS: rows["high_volume"].map({True: "是", False: ""}),
        }
        out |= {f"{name}（人次）": rows[f"services_{t}"] for t, name in self.type_names.items()}
        out |= {
            f"{labels.LEVEL_LABELS[lv]}成员": rows[f"members_{lv}"] for lv in rules.MEMBER_LEVELS
        }
        out |= {
            "成员数": rows["members"],
            "服务村数": rows["villages"],
            "服务人口": rows["population"],
        }
        return pd.DataFrame(out).reset_index(drop=True)


def thresholds() -> dict:
    return {
        "low_pass_rate": rules.LOW_PASS_RATE,
        "min_checked": rules.MIN_CHECKED_FOR_PASS_RATE,
        "high_volume_quantile": rules.HIGH_VOLUME_QUANTILE,
    }


def _teams(
    engine: Db, scope: Scope, window: Window, reference: float | None, amount: float | None
) -> pd.DataFrame:
    period = window.period
    df = rules.team_summary(engine, scope, period)
    counties = villages.counties(engine)
    county_names = dict(zip(counties["county_code"], counties["name"], strict=True))
    medians = rules.village_share_medians(engine, scope, period)
    median_of = dict(zip(medians["county_code"], medians["median"], strict=True))
    share = pd.to_numeric(df["village_doctor_share"])
    median = df["county_code"].map(median_of).astype(float)
    return df.assign(
        label=team_labels(df) if len(df) else pd.Series(dtype=object),
        county_name=df["county_code"].map(county_names),
        flagged=rules.low_pass_rate(df),
        high_volume=(df["services"] >= reference) if reference is not None else False,
        county_median=median,
        below_median=((df["services"] > 0) & (share < median)).fillna(False),
        funds=[estimated_funds(p, amount) for p in df["points"]],
    )


def build(
    engine: Db, scope: Scope, window: Window, yuan_per_point: float | None = None
) -> TeamsView:
    """The 团队工作量 view for a scope and period window (funds when an amount is given)."""
    period = window.period
    reference = rules.high_volume_reference(engine, period)
    teams = _teams(engine, scope, window, reference, yuan_per_point)
    if teams.empty:
        return TeamsView(scope, window, teams, thresholds=thresholds())
    totals = rules.scope_totals(teams)
    before = rules.scope_totals(rules.team_summary(engine, scope, window.previous))
    months = since_data(trend_months(period), meta.data_months(engine))
    return TeamsView(
        scope=scope,
        window=window,
        teams=teams,
        totals=totals,
        previous_totals=before,
        services_change=_change(totals["services"], before["services"], window, relative=True),
        village_share_change=_change(
            totals["village_doctor_share"], before["village_doctor_share"], window, False
        ),
        pass_rate_change=_change(totals["pass_rate"], before["pass_rate"], window, False),
        high_volume_threshold=reference,
        yuan_per_point=yuan_per_point,
        service_types=rules.service_types(engine),
        trend_months=months,
        monthly=team_queries.monthly_services(engine, scope, months),
        last_check_month=rules.last_check_month(engine, scope, period.last_month),
        thresholds=thresholds(),
    )


@dataclass(frozen=True)
class TeamDetail:
    """One team up close: its figures in the period (the same row as the team list), who is
    in it, the villages it serves, services and points by type, and its last 12 months."""

    team_id: str
    figures: dict  # the team's row of TeamsView.teams
    info: dict  # name, leader, township, county
    members: pd.DataFrame  # member_id, name, level, role (county level first)
    villages: pd.DataFrame  # village_code, name, village_class, population, …
    by_type: pd.DataFrame  # service_type, name, services, points_each, points, funds
    trend_months: tuple[str, ...]
    monthly: pd.DataFrame  # month, service_type, member_level, services, points
    yuan_per_point: float | None = None
    high_volume_threshold: float | None = None

    @property
    def flagged(self) -> bool:
        return bool(self.figures.get("flagged"))

    @property
    def funds(self) -> float | None:
        return estimated_funds(self.figures.get("points"), self.yuan_per_point)

    @property
    def members_by_level(self) -> dict[str, int]:
        counts = self.members["level"].value_counts()
        return {lv: int(counts.get(lv, 0)) for lv in labels.LEVEL_LABELS}


def team_detail(
    engine: Db,
    scope: Scope,
    window: Window,
    team_id: str,
    yuan_per_point: float | None = None,
) -> TeamDetail | None:
    """One team of the scope up close; None when the team is not in the scope."""
    period = window.period
    reference = rules.high_volume_reference(engine, period)
    teams = _teams(engine, scope, window, reference, yuan_per_point)
    found = teams[teams["team_id"] == team_id]
    if found.empty:
        return None
    types = rules.service_types(engine)
    sums = rules.services_by_type(engine, scope, period, team_id=team_id).set_index("service_type")
    points = [float(sums["points"].get(t, 0.0)) for t in types["service_type"]]
    by_type = pd.DataFrame(
        {
            "service_type": types["service_type"],
            "name": [
                labels.SERVICE_LABELS.get(t, n)
                for t, n in zip(types["service_type"], types["name"], strict=True)
            ],
            "services": [int(sums["services"].get(t, 0)) for t in types["service_type"]],
            "points_each": types["points"],
            "points": points,
            "funds": [estimated_funds(p, yuan_per_point) for p in points],
        }
    )
    months = since_data(trend_months(period), meta.data_months(engine))
    return TeamDetail(
        team_id=team_id,
        figures=found.iloc[0].to_dict(),
        info=team_queries.team_info(engine, team_id) or {},
        members=team_queries.team_members(engine, team_id),
        villages=team_queries.team_villages(engine, team_id),
        by_type=by_type,
        trend_months=months,
        monthly=team_queries.monthly_services(engine, scope, months, team_id=team_id),
        yuan_per_point=yuan_per_point,
        high_volume_threshold=reference,
    )


__all__ = ["FLAG_RULE", "MEASURES", "TeamDetail", "TeamsView", "build"]
