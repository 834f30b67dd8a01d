"""慢病三色 as a view model: the 绿黄红 mix at the period's end, its trend, transitions with
entries and exits, 推送不到位 (with 红标未上转 as its red part) and the villages most in red.

Counting (DATA_CONTRACT.md): rows of one month; all diseases together count 人次 (a person
with two diseases counts twice), one disease counts 人.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from data_access import chronic, chronic_flows, chronic_levels
from data_access.chronic import COLOR_RANK, COLORS, DISEASES, MIN_PATIENTS_FOR_RED_SHARE
from data_access.chronic_flows import TransitionSummary
from data_access.figures import share
from data_access.relations import Db
from data_access.scope import Scope
from views import labels, masking
from views.common import Window, month_end_words, trend_months

# Escalations named on screen, in the order a leader reads them (worst last).
ESCALATIONS = (("green", "yellow"), ("green", "red"), ("yellow", "red"))


def unit_of(disease: str | None) -> str:
    """人次 with all diseases together (a person counts once per disease), 人 for one disease."""
    return "人" if disease else "人次"


def area_level(scope: Scope) -> str:
    """The areas one level below the scope: counties over the whole database, else townships."""
    return "county" if scope.county_code is None else "township"


@dataclass(frozen=True)
class Mismatch:
    """推送不到位 at one month: rows managed at another level than their colour calls for."""

    rows: int  # all rows in scope (the base of the share)
    # 推送不到位, over all three colours (`<5` as a small-cell rule shows it: chronic_cells)
    mismatched: int | str
    by_color: pd.DataFrame  # color, expected_level, patients, mismatched, mismatch_share
    misplaced: pd.DataFrame  # color, managed_level, patients: where the mismatched rows are

    @property
    def share(self) -> float | None:
        return None if isinstance(self.mismatched, str) else share(self.mismatched, self.rows)

    def of_color(self, color: str) -> int | str:
        found = self.by_color.loc[self.by_color["color"] == color, "mismatched"]
        if not len(found):
            return 0
        return found.iloc[0] if isinstance(found.iloc[0], str) else int(found.iloc[0])

    @property
    def red_not_up(self) -> int | str:
        """红标未上转: red rows not managed by the county hospital (the red part)."""
        return self.of_color("red")


def mismatch_at(engine: Db, scope: Scope, month: str, disease: str | None) -> Mismatch:
    levels = chronic_levels.managed_levels(engine, scope, month, disease)
    by_color = chronic_levels.mismatch_by_color(levels)
    return Mismatch(
        rows=int(by_color["patients"].sum()),
        mismatched=int(by_color["mismatched"].sum()),
        by_color=by_color,
        misplaced=chronic_levels.misplaced(levels),
    )


@dataclass(frozen=True)
class Transitions:
    """Rows of the earlier end month → the later one, both in scope (DATA_CONTRACT.md).

    `flows` has from_color None for rows only at the later month (新纳入) and to_color None
    for rows only at the earlier one (退出管理), so each side adds up to its month's total.
    """

    before: str
    month: str
    flows: pd.DataFrame  # disease, from_color, to_color, patients
    summary: TransitionSummary
    previous_has_no_data: bool  # the previous period had no data; compared with `before` instead

    def totals(self) -> pd.DataFrame:
        """from_color, to_color, patients over all diseases (the Sankey's links)."""
        sums = self.flows.groupby(["from_color", "to_color"], dropna=False, as_index=False)[
            "patients"
        ].sum()
        ends = sums[["from_color", "to_color"]].astype(object)
        sums[["from_color", "to_color"]] = ends.where(ends.notna(), None)
        return sums

    def step(self, from_color: str, to_color: str) -> int:
        f = self.flows
        return int(
            f.loc[(f["from_color"] == from_color) & (f["to_color"] == to_color)]["patients"].sum()
        )

    def side(self, end: str) -> dict[str, int]:
        """Rows per colour at one end (`from_color` or `to_color`); equals that month's mix."""
        sums = self.flows.dropna(subset=[end]).groupby(end)["patients"].sum()
        return {c: int(sums.get(c, 0)) for c in COLORS}


def cell_key(*parts) -> str:
    """A cell of a colour table as ChronicView.hidden_colors names it ("area|330102001|red")."""
    return "|".join(map(str, parts))


@dataclass(frozen=True)
class VillageList:
    """Villages behind a figure, capped for the screen, with the number there are in all."""

    rows: pd.DataFrame
    total: int
    cap: int

    @property
    def capped(self) -> bool:
        return self.total > len(self.rows)


@dataclass(frozen=True)
class ChronicView:
    """Everything 慢病三色 shows for one scope, period and disease (None: all diseases)."""

    scope: Scope
    window: Window
    disease: str | None
    month: str | None  # the period's end: its last month with data (None: no data at all)
    before: str | None = None  # the previous end: last month with data before the period
    distribution: pd.DataFrame = field(default_factory=pd.DataFrame)  # color, patients, share
    previous_distribution: pd.DataFrame | None = None  # the same at `before`
    by_disease: pd.DataFrame = field(
        default_factory=pd.DataFrame
    )  # disease, color, patients, share
    by_area: pd.DataFrame = field(default_factory=pd.DataFrame)  # area_code, area_name, color, …
    by_class: pd.DataFrame = field(default_factory=pd.DataFrame)  # village_class, color, …
    trend_months: tuple[str, ...] = ()
    trend: pd.DataFrame = field(default_factory=pd.DataFrame)  # month, color, patients, share
    transitions: Transitions | None = None
    mismatch: Mismatch | None = None
    mismatch_by_area: pd.DataFrame = field(default_factory=pd.DataFrame)
    mismatch_villages: VillageList | None = None
    red_villages: pd.DataFrame = field(default_factory=pd.DataFrame)
    # Small-cell floor of the user and the colour counts hidden for it (chronic_cells.seen):
    # "distribution|red" / "area|<area_code>|red" / "disease|<disease>|red" (cell_key) →
    # masking.SMALL or PROTECT; empty: every count shown.
    small: int = 0
    hidden_colors: dict[str, str] = field(default_factory=dict)

    def hidden(self, *cell) -> str:
        """Empty when the colour count of `cell` is shown, else masking.SMALL / PROTECT."""
        return self.hidden_colors.get(cell_key(*cell), "")

    def shown_count(self, color: str) -> int | str:
        """The colour's count at the period's end as this user sees it (`<5`, 不显示)."""
        return masking.seen_count(self.count(color), self.hidden("distribution", color), self.small)

    def shown_share(self, color: str) -> float | None:
        """The colour's share as this user sees it (None when its count is hidden)."""
        return None if self.hidden("distribution", color) else self.share_of(color)

    @property
    def unit(self) -> str:
        return unit_of(self.disease)

    @property
    def what(self) -> str:
        return labels.DISEASE_LABELS[self.disease] if self.disease else "慢病"

    @property
    def level(self) -> str:
        return area_level(self.scope)

    @property
    def level_word(self) -> str:
        return "县区" if self.level == "county" else "乡镇"

    @property
    def total(self) -> int:
        """Rows in scope at the period's end (人次 or 人)."""
        return int(self.distribution["patients"].sum()) if len(self.distribution) else 0

    def count(self, color: str) -> int:
        found = self.distribution.loc[self.distribution["color"] == color, "patients"]
        return int(found.iloc[0]) if len(found) else 0

    def share_of(self, color: str) -> float | None:
        return share(self.count(color), self.total)

    def previous_share_of(self, color: str) -> float | None:
        """The colour's share at `before` (None: no earlier month, or nobody then, or its
        count hidden for this user: 绿黄红变化's row totals, views.transition_cells)."""
        if self.previous_distribution is None or self.hidden("before", color):
            return None
        prev = self.previous_distribution
        found = prev.loc[prev["color"] == color, "patients"]
        return share(int(found.sum()), int(prev["patients"].sum()))

    def share_change(self, color: str) -> float | None:
        """Change of the colour's share since `before`, in percentage points."""
        now, before = self.share_of(color), self.previous_share_of(color)
        if now is None or before is None:
            return None
        return 100 * (now - before)

    @property
    def missing_trend_months(self) -> list[str]:
        have = set(self.trend["month"]) if len(self.trend) else set()
        return [m for m in self.trend_months if m not in have]

    @property
    def end_words(self) -> str:
        return month_end_words(self.month) if self.month else labels.NO_VALUE


def mismatch_village_list(engine: Db, scope: Scope, month: str, disease: str | None) -> VillageList:
    """The villages with 推送不到位 rows, most first (capped), and how many there are."""
    cap = chronic_levels.MISMATCH_VILLAGES_MAX
    rows = chronic_levels.mismatch_villages(engine, scope, month, disease, limit=None)
    return VillageList(rows.head(cap).reset_index(drop=True), len(rows), cap)


def build(engine: Db, scope: Scope, window: Window, disease: str | None = None) -> ChronicView:
    """The 慢病三色 view for a scope, period window and disease (None: all diseases)."""
    if disease is not None and disease not in DISEASES:
        raise ValueError(f"unknown disease {disease!r}")
    period = window.period
    month = chronic.snapshot_month(engine, scope, period, disease)
    if month is None:
        return ChronicView(scope, window, disease, None)
    before = chronic.month_before(engine, scope, period.first_month, disease)
    level = area_level(scope)
    now = chronic.color_distribution(engine, scope, month, disease)
    months = trend_months(period)
    class_rows = chronic.color_distribution_by(engine, scope, month, "village_class", disease)
    area_rows = chronic.colors_by_area(engine, scope, month, level, disease)
    by_area = chronic.color_shares(area_rows, "area_code").merge(
        area_rows[["area_code", "area_name"]].drop_duplicates(), on="area_code"
    )
    transitions = None
    previous = None
    if before is not None:
        previous = chronic.color_shares(chronic.color_distribution(engine, scope, before, disease))
        flows = chronic_flows.transition_flows(engine, scope, before, month, disease)
        transitions = Transitions(
            before,
            month,
            flows,
            chronic_flows.summarize_transitions(flows),
            previous_has_no_data=before not in window.period.full.previous().months,
        )
    areas = chronic_levels.mismatch_by_area(engine, scope, month, level, disease)
    areas = areas.sort_values(["mismatch_share", "area_code"], ascending=[False, True])
    return ChronicView(
        scope=scope,
        window=window,
        disease=disease,
        month=month,
        before=before,
        distribution=chronic.color_shares(now),
        previous_distribution=previous,
        by_disease=chronic.color_shares(now, "disease")
        .sort_values(["disease", "color"], key=_disease_then_color)
        .reset_index(drop=True),
        by_area=by_area,
        by_class=chronic.color_shares(class_rows, "village_class"),
        trend_months=months,
        trend=chronic.color_shares(chronic.color_trend(engine, scope, months, disease), "month"),
        transitions=transitions,
        mismatch=mismatch_at(engine, scope, month, disease),
        mismatch_by_area=areas.reset_index(drop=True),
        mismatch_villages=mismatch_village_list(engine, scope, month, disease),
        red_villages=chronic.red_share_villages(engine, scope, month, disease),
    )


def _disease_then_color(column: pd.Series) -> pd.Series:
    order = {d: i for i, d in enumerate(DISEASES)} if column.name == "disease" else COLOR_RANK
    return column.map(order)


__all__ = ["ESCALATIONS", "MIN_PATIENTS_FOR_RED_SHARE", "ChronicView", "build", "unit_of"]
