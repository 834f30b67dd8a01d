"""Counties, townships and villages with codes, names, classes and boundaries."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from demo import geometry, names
from demo.scales import Scale

PROVINCE_PREFIX = "99"  # fictional province: no real 统计用区划代码 starts with 99
PREFECTURE_CODE = PROVINCE_PREFIX + "01"
PREFECTURE_CENTER = (107.0, 26.0)  # lon, lat: the hills of the southwest, in a fictional place
STREET_SHARE = 0.10  # about one township in ten is an urban 街道 with 社区 instead of 村
MISSING_BOUNDARY_SHARE = 0.02  # the dashboard must fall back to the clinic point for these
DISAGREEING_SHARE = 0.04  # 一类 villages that are far and on poor roads: "classification disagrees"


@dataclass(frozen=True)
class Areas:
    """Area tables in contract columns, plus index arrays the later generators need."""

    prefecture: str
    county: pd.DataFrame
    township: pd.DataFrame
    village: pd.DataFrame
    boundary: pd.DataFrame
    village_township: np.ndarray  # township row of each village
    village_county: np.ndarray  # county row of each village
    township_county: np.ndarray  # county row of each township
    township_is_street: np.ndarray


def _allocate(total: int, weights: np.ndarray, minimum: int) -> np.ndarray:
    """Split `total` into integer parts ∝ `weights`, each ≥ `minimum` (largest remainder)."""
    spare = total - minimum * len(weights)
    if spare < 0:
        raise ValueError("too few items for the number of parents")
    share = spare * weights / weights.sum()
    counts = np.floor(share).astype(int)
    counts[np.argsort(counts - share)[: spare - counts.sum()]] += 1
    return counts + minimum


def build_areas(rng: np.random.Generator, scale: Scale) -> Areas:
    """Generate the prefecture's counties, townships and villages (codes nest by prefix)."""
    prefecture = names.place_names(rng, 1, "州")[0]
    shape = geometry.outline(rng, PREFECTURE_CENTER, scale.radius_deg)
    county_cells, county_seeds = geometry.subdivide(rng, shape, scale.counties, relax_steps=4)
    order = np.lexsort((county_seeds[:, 0], -county_seeds[:, 1]))  # codes run north to south
    county_cells, county_seeds = county_cells[order], county_seeds[order]
    county_names = names.place_names(rng, scale.counties, "县")
    county_names[0] = county_names[0][:-1] + "区"  # the prefecture seat is a district
    county_codes = [f"{PREFECTURE_CODE}{i + 1:02d}" for i in range(scale.counties)]

    township_counts = _allocate(
        scale.townships, geometry.area_km2(county_cells) * rng.uniform(0.8, 1.2, scale.counties), 2
    )
    townships: list[dict] = []
    villages: list[dict] = []
    for c, (cell, seed) in enumerate(zip(county_cells, county_seeds, strict=True)):
        cells, seeds = geometry.subdivide(
            rng,
            cell,
            int(township_counts[c]),
            focus=tuple(seed),
            focus_strength=1.0,
            relax_rate=0.6,
        )
        near_seat = np.argsort(geometry.distance_km(*seeds.T, *seed))
        streets = max(1 if c == 0 else 0, round(STREET_SHARE * len(cells)))
        townships += _townships_of_county(
            rng, county_codes[c], c, cells[near_seat], seeds[near_seat], streets
        )

    township_cells = np.array([t["cell"] for t in townships], dtype=object)
    weights = geometry.area_km2(township_cells) ** 0.7
    weights *= np.where([t["street"] for t in townships], 0.35, 1.0)
    weights *= rng.uniform(0.7, 1.3, len(townships))
    village_counts = _allocate(scale.villages, weights, 3)
    for t, township in enumerate(townships):
        villages += _villages_of_township(rng, t, township, int(village_counts[t]))

    # Final village cells come from one diagram of all clinics, so borders match exactly
    # across townships too; a township is the union of its villages.
    seeds = np.array([v["seed"] for v in villages])
    cells, clinics = geometry.warp(rng, geometry.tile(shape, seeds), seeds, PREFECTURE_CENTER)
    cells = geometry.rounded(cells)
    for village, cell, clinic in zip(villages, cells, clinics, strict=True):
        village["cell"] = cell
        village["lon"], village["lat"] = geometry.inner_point(cell, clinic)

    village = _village_attributes(rng, villages, townships)
    _place_rare_names(village)
    has_boundary = np.ones(len(villages), dtype=bool)
    missing = max(1, round(MISSING_BOUNDARY_SHARE * len(villages)))
    has_boundary[rng.choice(len(villages), size=missing, replace=False)] = False
    boundary = pd.DataFrame(
        {
            "village_code": village["village_code"][has_boundary].to_numpy(),
            "geojson": [geometry.to_geojson(c) for c in cells[has_boundary]],
        }
    )
    township = pd.DataFrame(
        {
            "township_code": [t["code"] for t in townships],
            "county_code": [t["code"][:6] for t in townships],
            "name": [t["name"] for t in townships],
            "health_center": [t["health_center"] for t in townships],
        }
    )
    township_county = np.array([t["county"] for t in townships])
    village_township = np.array([v["township"] for v in villages])
    return Areas(
        prefecture=prefecture,
        county=pd.DataFrame(
            {"county_code": county_codes, "name": county_names, "prefecture": prefecture}
        ),
        township=township,
        village=village,
        boundary=boundary,
        village_township=village_township,
        village_county=township_county[village_township],
        township_county=township_county,
        township_is_street=np.array([t["street"] for t in townships]),
    )


def _townships_of_county(rng, county_code, county, cells, seeds, streets) -> list[dict]:
    """Townships nearest the county seat become 街道; the rest 镇, the remotest third 乡."""
    street_names = names.street_names(rng, streets, set())
    others = names.place_names(rng, len(cells) - streets, "")
    result = []
    town_no = township_no = 0
    for i, (cell, seed) in enumerate(zip(cells, seeds, strict=True)):
        if i < streets:
            code, name = f"{county_code}{i + 1:03d}", street_names[i]
            center = name.removesuffix("街道") + "社区卫生服务中心"
        else:
            stem = others[i - streets]
            if i - streets < 0.7 * (len(cells) - streets):
                town_no += 1
                code, name = f"{county_code}{100 + town_no:03d}", stem + "镇"
            else:
                township_no += 1
                code, name = f"{county_code}{200 + township_no:03d}", stem + "乡"
            center = name + ("中心卫生院" if rng.random() < 0.3 else "卫生院")
        result.append(
            dict(
                code=code,
                name=name,
                health_center=center,
                cell=cell,
                hc=seed,
                street=i < streets,
                county=county,
            )
        )
    return result


def _villages_of_township(rng, t: int, township: dict, count: int) -> list[dict]:
    """Villages crowd around the health center, so the remote ones are larger (and 二类)."""
    street = township["street"]
    _, seeds = geometry.subdivide(
        rng,
        township["cell"],
        count,
        focus=tuple(township["hc"]),
        focus_strength=0.3 if street else 1.3,
        relax_rate=0.5,
    )
    dist = geometry.distance_km(seeds[:, 0], seeds[:, 1], *township["hc"])
    order = np.argsort(dist)
    if street:
        village_names = names.community_names(rng, count)
    else:
        village_names = names.place_names(rng, count, "村", three_char_share=0.15)
        seat_name = township["name"][:-1] + "村"  # the seat village often shares the name
        if seat_name not in village_names and rng.random() < 0.5:
            village_names[0] = seat_name
    first_no = 1 if street else 201
    return [
        dict(
            code=f"{township['code']}{first_no + rank:03d}",
            name=village_names[rank],
            township=t,
            street=street,
            seed=seeds[i],
            rank=rank / max(count - 1, 1),
        )
        for rank, i in enumerate(order)
    ]


def _village_attributes(rng, villages: list[dict], townships: list[dict]) -> pd.DataFrame:
    """Class, distance, road, population from each village's place in its township."""
    n = len(villages)
    rank = np.array([v["rank"] for v in villages])  # 0 at the health center … 1 remotest
    street = np.array([v["street"] for v in villages])
    township_of = np.array([v["township"] for v in villages])
    # 二类: the remotest 28–60 % of each rural township (with noise), never the seat village.
    score = rank + rng.normal(0, 0.15, n)
    village_class = np.ones(n, dtype=np.int16)
    for t in np.unique(township_of[~street]):
        members = np.flatnonzero(township_of == t)
        share = rng.uniform(0.28, 0.6)
        remote = members[np.argsort(-score[members])[: round(share * len(members))]]
        village_class[remote[rank[remote] > 0]] = 2
    class2 = village_class == 2

    distance = np.where(
        class2,
        np.clip(8 + 27 * rank**1.5 * rng.uniform(0.6, 1.05, n), 8, 35),
        np.clip(0.6 + 11 * rank * rng.uniform(0.7, 1.1, n), 0.5, 12),
    )
    distance = np.where(street, rng.uniform(0.3, 4.0, n), distance)
    road = np.where(
        class2,
        rng.choice(["good", "fair", "poor"], n, p=[0.12, 0.43, 0.45]),
        rng.choice(["good", "fair", "poor"], n, p=[0.6, 0.33, 0.07]),
    )
    road = np.where(street, "good", road)
    candidates = np.flatnonzero(~class2 & ~street & (rank > 0.5))
    if len(candidates):
        k = min(len(candidates), max(2, round(DISAGREEING_SHARE * (~class2).sum())))
        odd = rng.choice(candidates, size=k, replace=False)
        distance[odd] = rng.uniform(14, 24, k)
        road[odd] = "poor"

    population = np.where(
        class2,
        np.clip(rng.lognormal(np.log(850), 0.4, n), 300, 2000),
        np.clip(rng.lognormal(np.log(1700), 0.4, n) * (1.2 - 0.4 * rank), 500, 4000),
    )
    population = (
        np.where(street, np.clip(rng.lognormal(np.log(2600), 0.3, n), 1200, 4000), population)
        .round()
        .astype(int)
    )
    key_share = np.where(class2, rng.uniform(0.30, 0.40, n), rng.uniform(0.25, 0.33, n))
    cells = np.array([v["cell"] for v in villages], dtype=object)
    return pd.DataFrame(
        {
            "village_code": [v["code"] for v in villages],
            "township_code": [townships[v["township"]]["code"] for v in villages],
            "name": [v["name"] for v in villages],
            "village_class": village_class,
            "population": population,
            "key_population": (population * key_share).round().astype(int),
            "area_km2": geometry.area_km2(cells).round(2),
            "distance_km": distance.round(1),
            "road": road,
            "lon": [v["lon"] for v in villages],
            "lat": [v["lat"] for v in villages],
        }
    )


def _place_rare_names(village: pd.DataFrame) -> None:
    """Give two rural villages in different townships names with rare characters."""
    rural = village.index[~village["name"].str.endswith("社区")]
    picks = [rural[len(rural) // 3], rural[-1]]
    for row, rare in zip(picks, names.RARE_VILLAGE_NAMES, strict=True):
        village.loc[row, "name"] = rare
