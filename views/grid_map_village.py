"""网格地图's panel of one clicked village, with the same figures its fill on the map is drawn
from (views/grid_map.py)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from data_access import map as map_figures
from data_access import village_detail
from data_access.chronic import snapshot_month
from data_access.figures import ratio
from data_access.relations import Db
from data_access.scope import Scope
from views import labels
from views.common import Window
from views.grid_map import SERVICES_APPORTIONED


@dataclass(frozen=True)
class VillagePanel:
    """One village up close, with the same figures its fill on the map is drawn from."""

    village_code: str
    facts: dict  # name, township/county names, class, population, distance, road, team …
    figures: dict  # the map's per-village values (red_share, services_per_1000, sign_rate, …)
    window: Window
    chronic_month: str | None  # the scope's end month: the month the map's red share uses
    services: pd.DataFrame  # service_type, team_services, services (this village's part)
    village_share: float | None  # village residents ÷ residents of all the team's villages
    team_residents: int
    colors: pd.DataFrame  # disease, color, patients, share (of the disease's rows)
    indicators: pd.DataFrame  # indicator_code, name, unit, target, value, attainment, …

    @property
    def services_note(self) -> str:
        """How the village's services were formed, in words (shown beside them)."""
        part = labels.pct(None if self.village_share is None else 100 * self.village_share)
        return (
            f"{SERVICES_APPORTIONED}：本村常住人口占团队服务人口（{self.team_residents:,} 人）的 "
            f"{part}，团队各类服务量按此比例计入本村"
        )

    @property
    def color_totals(self) -> dict[str, int]:
        """Rows per colour over all diseases (人次) at chronic_month."""
        sums = self.colors.groupby("color")["patients"].sum() if len(self.colors) else {}
        return {c: int(sums.get(c, 0)) for c in labels.COLOR_LABELS}

    @property
    def chronic_rows(self) -> int:
        return sum(self.color_totals.values())


def village_panel(
    engine: Db, scope: Scope, window: Window, village_code: str
) -> VillagePanel | None:
    """The panel of a village in scope for the window (None for a code outside the scope)."""
    period = window.period
    facts = map_figures.village_facts(engine, scope, village_code)
    if facts.empty:
        return None
    month = snapshot_month(engine, scope, period)
    info = map_figures.village_record(facts)
    row = map_figures.village_figures(engine, scope, period, village_code=village_code)
    figures = row.iloc[0].to_dict() if len(row) else {}
    services = village_detail.village_services(engine, village_code, period)
    residents = (
        village_detail.team_residents(engine, info["team_id"])
        if isinstance(info["team_id"], str)
        else 0
    )
    _month, colors = village_detail.village_colors(engine, village_code, period, month=month)
    return VillagePanel(
        village_code=village_code,
        facts=info,
        figures={
            k: figures.get(k)
            for k in (
                "patients",
                "red",
                "red_share",
                "services",
                "services_per_1000",
                "sign_rate",
                "funding",
                "funding_per_capita",
            )
        },
        window=window,
        chronic_month=month,
        services=services,
        village_share=ratio(info["population"] or 0, residents),
        team_residents=residents,
        colors=colors,
        indicators=village_detail.village_indicators(engine, village_code, period),
    )


# --- finding a village by name (the map's search box) --------------------------------------


def find_villages(villages: pd.DataFrame, query: str, limit: int) -> tuple[list[str], int]:
    """Codes of the villages whose name, township name or code contains `query` (case and
    spaces ignored; all villages for an empty query), those whose name starts with it first,
    then in the view's order; at most `limit`, with how many matched in all."""
    words = "".join(str(query or "").split()).casefold()
    if villages.empty:
        return [], 0
    codes = villages["village_code"].astype(str)
    names = villages["name"].astype(str).str.casefold()
    if not words:
        return codes.head(limit).tolist(), len(codes)
    towns = villages["township_name"].astype(str).str.casefold()
    found = (
        names.str.contains(words, regex=False)
        | towns.str.contains(words, regex=False)
        | codes.str.casefold().str.contains(words, regex=False)
    )
    starts = names.str.startswith(words)
    order = pd.DataFrame({"code": codes, "first": ~starts})[found.to_numpy()]
    order = order.sort_values("first", kind="stable")
    return order["code"].head(limit).tolist(), int(found.sum())
