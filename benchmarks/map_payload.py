"""Bytes of the whole-area map at first open: counties (what 网格地图 draws for several
counties) against every village (what it drew before), per demo scale.

Only the demo's areas and boundaries are generated (seconds, no database), and the same
geo.processing and geo.maps code as the page turns them into the map's HTML; the fills are
one colour, so the figures measure shapes, labels and tooltips, which is what grows.

    python -m benchmarks.map_payload [--scale prefecture province]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from demo.areas import build_areas
from demo.scales import get_scale
from geo import io, maps, processing

FILL = "#74a9cf"
ASSETS = maps.leaflet_assets("/app/static/vendor/leaflet")
LEGEND = maps.Legend("图层", ((FILL, "全部"),))


def geometry(scale: str, seed: int = 42) -> processing.MapGeometry:
    areas = build_areas(np.random.default_rng(seed), get_scale(scale))
    v = areas.village.merge(
        areas.township[["township_code", "county_code", "name"]].rename(
            columns={"name": "township_name"}
        ),
        on="township_code",
    ).merge(
        areas.county[["county_code", "name"]].rename(columns={"name": "county_name"}),
        on="county_code",
    )
    facts = v[
        [
            "village_code",
            "lon",
            "lat",
            "township_code",
            "township_name",
            "county_code",
            "county_name",
        ]
    ]
    return processing.map_geometry(io.from_geojson_rows(areas.boundary), facts), v


def county_map_bytes(geo: processing.MapGeometry) -> int:
    counties = geo.counties.assign(fill=FILL, villages_text="1 个", value="1")
    tooltip = [("name", "县区"), ("villages_text", "村（网格）"), ("value", "图层")]
    m = maps.build_county_map(
        counties, tooltip=tooltip, legend=LEGEND, assets=ASSETS, bounds=geo.bounds
    )
    return len(maps.map_html(m).encode())


def village_map_bytes(geo: processing.MapGeometry, villages: pd.DataFrame) -> int:
    table = villages[["village_code", "name", "township_name"]].assign(fill=FILL, value="1")
    tooltip = [("name", "村"), ("township_name", "乡镇"), ("value", "图层")]
    polygons = geo.polygons.merge(table, on="village_code")
    points = geo.points.merge(table, on="village_code")
    points["label"] = points["name"]
    m = maps.build_map(
        polygons,
        points,
        geo.townships,
        geo.counties,
        tooltip=tooltip,
        legend=LEGEND,
        assets=ASSETS,
        bounds=geo.bounds,
    )
    return len(maps.map_html(m).encode())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", nargs="+", default=["prefecture", "province"])
    args = parser.parse_args()
    print(f"{'scale':<11}{'villages':>9}{'counties':>9}{'county map':>14}{'village map':>14}")
    for scale in args.scale:
        start = time.perf_counter()
        geo, villages = geometry(scale)
        county, village = county_map_bytes(geo), village_map_bytes(geo, villages)
        print(
            f"{scale:<11}{len(villages):>9,}{len(geo.counties):>9}"
            f"{county / 1e6:>11.3f} MB{village / 1e6:>11.3f} MB"
            f"   ({time.perf_counter() - start:.0f} s)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
