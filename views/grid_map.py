"""网格地图 as a view model: per-village figures of every thematic layer, the 一类/二类
comparison (with like-for-like change), the villages at odds with their class, the areas
whose outlines and labels the map draws (the panel of one clicked village:
views/grid_map_village.py).

Geometry stays in geo/ (cached per scope by the app); every figure the page, the 二类村与一类村
slide, the brief and `export --view map` show comes from here.

Counting: the red share counts chronic rows of the period's end month over all diseases (人次),
as views.chronic does; funding per capita counts only villages with a funding row of the
period's year, as data_access.overview.funding_by_class does; services are recorded per team
and apportioned to its villages by resident population (data_access.map).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from data_access import map as map_figures
from data_access import overview
from data_access.figures import ratio
from data_access.relations import Db
from data_access.scope import Scope
from geo import io, processing
from geo.processing import MapGeometry
from views import labels, masking
from views.common import Window

TOTAL_CLASS = 0  # the row of `classes` over all villages
SERVICES_APPORTIONED = "按服务人口分摊自团队"  # said wherever a village's services are shown
# Stands for the per-1,000 unit, which names the period (次/千人·季) as 团队工作量 does.
PER_1000 = "per_1000"


def unit_words(unit: str, period_kind: str) -> str:
    """A unit as shown: PER_1000 becomes labels.per_1000_unit of the period kind."""
    return labels.per_1000_unit(period_kind) if unit == PER_1000 else unit


@dataclass(frozen=True)
class Layer:
    """A thematic fill: the per-village column, how it reads and how it is formed."""

    key: str  # the `layer` URL value
    label: str
    column: str | None  # column of MapView.villages; None: the village class
    unit: str = ""  # PER_1000: the per-1,000 unit of the period (unit_words)
    scale: float = 1.0  # e.g. 100 for a 0–1 share shown in %
    digits: int = 1
    definition: str = ""
    no_values: str = "本期所有村都没有此项数据。"  # why the whole layer may be empty
    # Patient counts (columns of MapView.villages; a rate: its own column) the value is formed
    # from: a township role does not see it where one of them is hidden (village_status).
    counts: tuple[str, ...] = ()

    def unit_for(self, period_kind: str) -> str:
        """The unit as shown for a period kind (e.g. 次/千人·季)."""
        return unit_words(self.unit, period_kind)

    def text(self, value, period_kind: str) -> str:
        """A village's value as shown in the tooltip and tables (— for none)."""
        if value is None or pd.isna(value):
            return labels.NO_VALUE
        space = "" if self.unit == "%" else " "
        unit = self.unit_for(period_kind)
        return f"{float(value) * self.scale:,.{self.digits}f}{space}{unit}".strip()


LAYERS: dict[str, Layer] = {
    layer.key: layer
    for layer in (
        Layer(
            "class",
            "村类别",
            None,
            definition="一类村：集中、路况好、易开展；二类村：分散、偏远、交通不便",
        ),
        Layer(
            "red_share",
            "红标占比",
            "red_share",
            "%",
            100.0,
            1,
            "期末月红标患者人次 ÷ 在管慢病患者人次（全部病种，按病种计人次）",
            "本期所选范围内没有慢病管理记录，红标占比图层无值。",
            counts=("patients", "red"),
        ),
        Layer(
            "services",
            "每千人服务量",
            "services_per_1000",
            PER_1000,
            1.0,
            0,
            f"本期团队服务量{SERVICES_APPORTIONED}（按各村常住人口占团队服务人口的比例），"
            "再 ÷ 村常住人口 × 1000；因此同一团队各村数值相同",
            "本期所选范围内没有团队服务记录，每千人服务量图层无值。",
        ),
        Layer(
            "signing",
            "签约率",
            "sign_rate",
            "%",
            1.0,
            1,
            f"家庭医生签约率（指标 {map_figures.SIGNING_INDICATOR}）= Σ分子 ÷ Σ分母",
            f"数据库中没有本期村级的签约率指标（{map_figures.SIGNING_INDICATOR}）数据，"
            "签约率图层无值。",
            counts=("sign_rate",),
        ),
        Layer(
            "funding",
            "人均经费",
            "funding_per_capita",
            "元/人",
            1.0,
            1,
            "本年度基本公卫经费 ÷ 村常住人口（无经费记录的村不计）",
            "数据库中没有本年度的村经费（village_funding）记录，人均经费图层无值。",
        ),
    )
}
DEFAULT_LAYER = "class"

# Figures whose change vs the previous period the class comparison shows (funds are yearly:
# a change between two cuts of one year would compare a total with itself).
CHANGE_COLUMNS = ("services_per_1000", "red_share", "sign_rate")
# The class comparison's patient counts and the share formed from them: where a class holds
# a small count, a township role sees `<5` and not the share (views.masking).
CLASS_COUNTS = ("patients", "red")
CLASS_SHARES = ("red_share",)


@dataclass(frozen=True)
class MapView:
    """Everything 网格地图 shows for one scope and period window."""

    scope: Scope
    window: Window
    chronic_month: str | None = None  # the period's end month with chronic rows (red share)
    year: int | None = None  # the funding year
    # One row per village: facts (name, township, county, class, population, distance, road,
    # team) and each layer's sums and value (red/patients → red_share 0–1, services →
    # services_per_1000, sign_num/sign_den → sign_rate %, funding → funding_per_capita yuan).
    villages: pd.DataFrame = field(default_factory=pd.DataFrame)
    # Per village_class (1, 2) and in total (0): villages, population, key_population, and
    # each figure formed from its sums; funded_population: residents of villages with funds.
    classes: pd.DataFrame = field(default_factory=pd.DataFrame)
    # The same over window.previous, and the change (pp for shares and rates); None when
    # the previous period is not comparable month for month.
    previous_classes: pd.DataFrame | None = None
    class_changes: pd.DataFrame | None = None
    no_change_reason: str | None = None
    mismatches: pd.DataFrame = field(default_factory=pd.DataFrame)  # + reason code
    townships: pd.DataFrame = field(default_factory=pd.DataFrame)  # code, name, county, villages
    counties: pd.DataFrame = field(default_factory=pd.DataFrame)  # code, name, villages
    # Per county: each layer's figure from the county's sums (data_access.map.county_figures),
    # drawn when the scope is several counties (the map opens at county level).
    county_figures: pd.DataFrame = field(default_factory=pd.DataFrame)
    rule: dict = field(default_factory=dict)  # the thresholds of the mismatch rule

    @property
    def has_villages(self) -> bool:
        return len(self.villages) > 0

    @property
    def period_is_empty(self) -> bool:
        """No service, chronic, signing or funding figure for any village this period."""
        v = self.villages
        if v.empty:
            return True
        return bool(
            v["services"].isna().all()
            and v["patients"].sum() == 0
            and v["sign_rate"].isna().all()
            and v["funding"].isna().all()
        )

    @property
    def empty_layers(self) -> tuple[str, ...]:
        """Layers without a value for any village (their reason is Layer.no_values)."""
        return tuple(
            k
            for k, layer in LAYERS.items()
            if layer.column and (self.villages.empty or self.villages[layer.column].isna().all())
        )

    def values(self, key: str) -> pd.Series:
        """The layer's value per village (aligned with `villages`); the class for `class`."""
        layer = LAYERS[key]
        return self.villages[layer.column or "village_class"]

    @property
    def at_county_level(self) -> bool:
        """Several counties in scope: the map draws counties (their outlines and figures);
        choosing one draws its villages."""
        return self.scope.county_code is None and len(self.counties) > 1

    def county_values(self, key: str) -> pd.Series:
        """The layer's figure per county (aligned with `county_figures`); for `class`, the
        share of 二类 villages (0–1)."""
        return self.county_figures[LAYERS[key].column or "class2_share"]

    def class_figure(self, village_class: int, column: str) -> float | None:
        return _class_figure(self.classes, village_class, column)

    @property
    def tilt(self) -> dict[str, float | None]:
        """二类 ÷ 一类 for the figures policy wants tilted toward 二类 villages (> 1: tilted)."""
        out = {}
        for column in ("funding_per_capita", "services_per_1000"):
            one, two = self.class_figure(1, column), self.class_figure(2, column)
            out[column] = ratio(two, one)
        return out


def _class_figure(classes: pd.DataFrame, village_class: int, column: str) -> float | None:
    if classes.empty:  # a scope without villages (an empty township)
        return None
    found = classes.loc[classes["village_class"] == village_class, column]
    return None if found.empty or pd.isna(found.iloc[0]) else float(found.iloc[0])


@dataclass(frozen=True)
class ClassComparison:
    """The 一类/二类 comparison as a user sees it whose patient counts below `below` are
    masked (0: as built): what the map's tables, the 二类村与一类村 slide and the export show.

    A class (TOTAL_CLASS: all villages) with a small patient or red count shows them as `<5`
    and no red share; its red share change is not shown either when the class held a small
    count now or in the previous period (the change and one share give the other away).
    """

    below: int
    classes: pd.DataFrame
    previous: pd.DataFrame | None
    changes: pd.DataFrame | None
    hidden: frozenset[int]  # classes whose red share is not shown
    hidden_changes: frozenset[int]  # classes whose red share change is not shown
    # of `hidden`, the classes hidden only so that a small one cannot be worked out
    protecting: frozenset[int] = frozenset()

    def hidden_text(self, village_class: int) -> str:
        """Why a class's red share (or its change) is not shown, in words."""
        if village_class in self.protecting:
            return masking.protected_words()
        return masking.hidden_words(self.below)

    def figure(self, village_class: int, column: str) -> float | None:
        """A figure of a class as shown (None: no value, or not shown); not for counts."""
        if column in CLASS_SHARES and village_class in self.hidden:
            return None
        return _class_figure(self.classes, village_class, column)


def _class_status(classes: pd.DataFrame | None, below: int) -> pd.DataFrame | None:
    """Per class row and count: "" / small / protect. The classes are shown with their total
    (合计, the scope's 在管 on every page), so one small class hides another with it."""
    if classes is None or classes.empty:
        return None
    status = pd.DataFrame(index=classes.index)
    parts = classes["village_class"] != TOTAL_CLASS
    for column in CLASS_COUNTS:
        status[column] = ""
        status.loc[parts, column] = masking.suppress(
            classes[parts], below, column, key="village_class"
        )[0]
        total = classes.loc[~parts, column].map(lambda c: masking.is_small(c, below))
        status.loc[total[total].index, column] = masking.SMALL
    return status


def _classes_where(classes, status, state: str | None = None) -> frozenset[int]:
    if status is None:
        return frozenset()
    rows = (status != "").any(axis=1) if state is None else (status == state).any(axis=1)
    if state == masking.PROTECT:
        rows &= ~(status == masking.SMALL).any(axis=1)
    return frozenset(int(c) for c in classes.loc[rows, "village_class"])


def class_comparison(view: MapView, below: int = 0) -> ClassComparison:
    """The view's class comparison under the small-cell rule for `below` (0: none), with
    complementary suppression (views.masking.suppress) against the total."""
    status, status_before = (
        _class_status(view.classes, below),
        _class_status(view.previous_classes, below),
    )
    now = _classes_where(view.classes, status)
    before = _classes_where(view.previous_classes, status_before)
    changes = view.class_changes
    if changes is not None and (now | before):
        changes = changes.copy()
        hidden = changes["village_class"].isin(now | before)
        for column in CLASS_SHARES:
            changes[column] = changes[column].astype(object).where(~hidden, None)

    def masked(table: pd.DataFrame | None, state) -> pd.DataFrame | None:
        if table is None or state is None:
            return table
        return masking.apply(table, state, below, CLASS_COUNTS, CLASS_SHARES)

    protecting = _classes_where(view.classes, status, masking.PROTECT)
    return ClassComparison(
        below,
        masked(view.classes, status),
        masked(view.previous_classes, status_before),
        changes,
        now,
        now | before,
        protecting | (_classes_where(view.previous_classes, status_before, masking.PROTECT) - now),
    )


def _class_rows(figures: pd.DataFrame, funding: pd.DataFrame) -> pd.DataFrame:
    """data_access.map.class_comparison, with funds from overview.funding_by_class (one rule)."""
    if figures.empty:
        return pd.DataFrame()
    out = map_figures.class_comparison(figures)
    key = figures.groupby("village_class")["key_population"].sum()
    out["key_population"] = [
        int(figures["key_population"].sum() if c == TOTAL_CLASS else key.get(c, 0))
        for c in out["village_class"]
    ]
    by_class = funding.groupby("village_class")[["amount", "population"]].sum()
    amounts, funded = [], []
    for c in out["village_class"]:
        rows = by_class if c == TOTAL_CLASS else by_class.loc[by_class.index == c]
        amounts.append(float(rows["amount"].sum()) if len(rows) else None)
        funded.append(int(rows["population"].sum()) if len(rows) else 0)
    out["funding"] = amounts
    out["funded_population"] = funded
    out["funding_per_capita"] = [ratio(a, p) for a, p in zip(amounts, funded, strict=True)]
    return out


def _changes(now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """Per class: each CHANGE_COLUMNS figure now − before (pp for shares and rates)."""
    before = before.set_index("village_class")
    rows = []
    for r in now.to_dict("records"):
        c = r["village_class"]
        row = {"village_class": c}
        for col in CHANGE_COLUMNS:
            was = before.at[c, col] if c in before.index else None
            scale = 100.0 if col == "red_share" else 1.0
            row[col] = (
                None
                if r[col] is None or was is None or pd.isna(r[col]) or pd.isna(was)
                else scale * (float(r[col]) - float(was))
            )
        rows.append(row)
    return pd.DataFrame(rows)


def _areas(figures: pd.DataFrame, code: str, name: str, *extra: str) -> pd.DataFrame:
    grouped = figures.groupby([code, name, *extra], sort=True)
    return grouped.size().rename("villages").reset_index().rename(columns={name: "name"})


def build(engine: Db, scope: Scope, window: Window) -> MapView:
    """The 网格地图 view for a scope and period window."""
    period = window.period
    figures = map_figures.village_figures(engine, scope, period)
    if figures.empty:
        return MapView(scope, window, year=period.year)
    funding = overview.funding_by_class(engine, scope, period.year)
    classes = _class_rows(figures, funding)
    previous = changes = None
    if window.comparable:
        before = map_figures.village_figures(engine, scope, window.previous)
        funds_before = overview.funding_by_class(engine, scope, window.previous.year)
        previous = _class_rows(before, funds_before)
        changes = _changes(classes, previous)
    return MapView(
        scope=scope,
        window=window,
        chronic_month=figures["chronic_month"].iloc[0],
        year=period.year,
        villages=figures.drop(columns="chronic_month"),
        classes=classes,
        previous_classes=previous,
        class_changes=changes,
        no_change_reason=window.no_change_reason,
        mismatches=map_figures.class_mismatches(figures).drop(columns="chronic_month"),
        townships=_areas(figures, "township_code", "township_name", "county_code"),
        counties=_areas(figures, "county_code", "county_name"),
        county_figures=map_figures.county_figures(figures),
        rule={
            "remote_distance_km": map_figures.REMOTE_DISTANCE_KM,
            "remote_road": map_figures.REMOTE_ROAD,
            "near_distance_km": map_figures.NEAR_DISTANCE_KM,
            "near_road": map_figures.NEAR_ROAD,
        },
    )


# --- geometry (cached apart from the figures: it changes with the scope, not the period) ------


def geometry(
    engine: Db, scope: Scope, boundary_file: tuple[str, str, float] | None = None
) -> MapGeometry:
    """The scope's simplified village shapes and outlines; boundary_file (path, code column,
    modification time) overrides the database's boundaries where it has the village."""
    facts = map_figures.village_facts(engine, scope)
    boundaries = io.from_geojson_rows(map_figures.village_boundaries(engine, scope))
    file_error = None
    if boundary_file is not None:
        path, code_column, _modified = boundary_file  # the time only keys the cache
        try:
            boundaries = io.combine(boundaries, io.read_boundary_file(path, code_column))
        except (OSError, io.BoundaryFileError) as exc:
            file_error = str(exc)
    return processing.map_geometry(boundaries, facts, file_error)


__all__ = [
    "CLASS_COUNTS",
    "CLASS_SHARES",
    "LAYERS",
    "PER_1000",
    "ClassComparison",
    "Layer",
    "MapGeometry",
    "MapView",
    "build",
    "class_comparison",
    "geometry",
    "unit_words",
]
