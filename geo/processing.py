"""Geometry processing for the map: coverage simplification, outlines by dissolving villages,
and label points."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.io import WGS84, village_shapes

log = logging.getLogger(__name__)

# Simplify to half a screen pixel at the zoom that fits the scope: invisible there, and still
# smooth one or two zoom steps closer.
SIMPLIFY_PIXELS = 0.5
# Width in pixels the map is drawn at (the map column of a 1440-px screen).
MAP_WIDTH_PX = 900
# Coordinates snap to a grid this many times finer than the tolerance (a power of ten):
# digits below what the simplification keeps only make the payload larger.
GRID_PER_TOLERANCE = 4
# Never coarser than ~10 m nor finer than ~1 m (5 decimals), whatever the zoom: a village
# clinic or boundary is not surveyed more precisely than that.
COARSEST_GRID_DEG, FINEST_GRID_DEG = 1e-4, 1e-5


def tolerance_for(bounds, width_px: int = MAP_WIDTH_PX, pixels: float = SIMPLIFY_PIXELS) -> float:
    """Simplification tolerance in degrees: `pixels` screen pixels at the zoom showing `bounds`.

    `bounds` is (minx, miny, maxx, maxy) in lon/lat; the longer side fills `width_px`.
    """
    minx, miny, maxx, maxy = bounds
    lat = np.radians((miny + maxy) / 2) if np.isfinite(miny + maxy) else 0.0
    span = max((maxx - minx) * np.cos(lat), maxy - miny)
    if not np.isfinite(span) or span <= 0:
        return 0.0
    return pixels * span / width_px


def grid_for(tolerance: float) -> float:
    """Coordinate grid (degrees, a power of ten) that keeps what a simplification keeps."""
    if tolerance <= 0:
        return FINEST_GRID_DEG
    grid = 10.0 ** np.floor(np.log10(tolerance / GRID_PER_TOLERANCE))
    return float(np.clip(grid, FINEST_GRID_DEG, COARSEST_GRID_DEG))


def simplify_coverage(gdf: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    """Simplify polygons as one coverage: neighbours keep one shared edge (no gaps, no overlaps).

    A per-polygon simplify moves each copy of a shared edge differently and opens slivers;
    coverage simplification (GEOS CoverageSimplifier) simplifies each shared edge once.
    Polygons are never dropped: a village shrinks at most to a triangle.
    """
    if gdf.empty or tolerance <= 0:
        return gdf.copy()
    geoms = gdf.geometry.to_numpy()
    simplified = shapely.coverage_simplify(geoms, tolerance, simplify_boundary=True)
    simplified = shapely.set_precision(simplified, grid_for(tolerance))
    broken = ~shapely.is_valid(simplified) | shapely.is_empty(simplified)
    if broken.any():  # not a clean coverage (e.g. overlaps from a file): keep those unsimplified
        log.info("coverage simplification left %d invalid polygons; kept as drawn", broken.sum())
        simplified[broken] = geoms[broken]
    out = gdf.copy()
    out.geometry = gpd.GeoSeries(simplified, index=gdf.index, crs=gdf.crs)
    return out


def dissolve(gdf: gpd.GeoDataFrame, by: str) -> gpd.GeoDataFrame:
    """One outline per value of `by` (e.g. township_code) from the village polygons.

    Villages that tile their township share edges exactly, so the union is a coverage union
    (fast, and with no slivers along the shared edges); overlapping input falls back to a
    general union.
    """
    if gdf.empty:  # codes stay text, so the outlines can be joined to their names
        return gpd.GeoDataFrame(
            {by: pd.Series([], dtype=object)}, geometry=gpd.GeoSeries([], crs=WGS84)
        )
    rows = []
    for key, group in gdf.groupby(by, sort=True):
        geoms = group.geometry.to_numpy()
        try:
            merged = shapely.coverage_union_all(geoms)
            if not shapely.is_valid(merged):
                merged = shapely.union_all(geoms)
        except shapely.errors.GEOSException:
            merged = shapely.union_all(geoms)
        rows.append((key, merged))
    keys, geoms = zip(*rows, strict=True)
    return gpd.GeoDataFrame({by: list(keys)}, geometry=list(geoms), crs=gdf.crs)


def label_points(gdf: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """A point inside each polygon's largest part, where its name label goes."""

    def inside(geom):
        if geom is None or geom.is_empty:
            return None
        parts = shapely.get_parts(geom)
        largest = parts[int(np.argmax(shapely.area(parts)))]
        return shapely.point_on_surface(largest)

    return gpd.GeoSeries([inside(g) for g in gdf.geometry], index=gdf.index, crs=gdf.crs)


# The smallest extent a map is fitted to (about 2 km): a village shown only by its clinic point.
MIN_SPAN_DEG = 0.02


def total_bounds(*frames: gpd.GeoDataFrame) -> tuple[float, float, float, float] | None:
    """(minx, miny, maxx, maxy) over all non-empty frames; None when there is nothing."""
    boxes = [f.total_bounds for f in frames if f is not None and not f.empty]
    if not boxes:
        return None
    arr = np.vstack(boxes)
    minx, miny, maxx, maxy = arr[:, 0].min(), arr[:, 1].min(), arr[:, 2].max(), arr[:, 3].max()
    # One clinic point (or points on a line) has no extent: the map could not fit it.
    pad_x, pad_y = (
        max(MIN_SPAN_DEG - (maxx - minx), 0) / 2,
        max(MIN_SPAN_DEG - (maxy - miny), 0) / 2,
    )
    return (minx - pad_x, miny - pad_y, maxx + pad_x, maxy + pad_y)


@dataclass(frozen=True)
class MapGeometry:
    """What the map draws for a scope, simplified for the zoom that fits it."""

    polygons: gpd.GeoDataFrame  # village_code, geometry
    points: gpd.GeoDataFrame  # village_code, geometry: villages without a boundary
    missing: tuple[str, ...]  # villages with neither boundary nor clinic location
    townships: gpd.GeoDataFrame  # township_code, name, geometry
    counties: gpd.GeoDataFrame  # county_code, name, geometry
    bounds: tuple[float, float, float, float] | None
    file_error: str | None = None  # why a configured boundary file was not used


def map_geometry(
    boundaries: gpd.GeoDataFrame, facts: pd.DataFrame, file_error: str | None = None
) -> MapGeometry:
    """Village polygons (coverage-simplified for the scope's extent), fallback points, and
    township/county outlines dissolved from the simplified villages, so they line up.

    facts: village_code, lon, lat, township_code, township_name, county_code, county_name.
    """
    shapes = village_shapes(boundaries, facts)
    bounds = total_bounds(shapes.polygons, shapes.points)
    polygons = shapes.polygons
    if bounds is not None:
        polygons = simplify_coverage(polygons, tolerance_for(bounds))
    areas = polygons.merge(
        facts[["village_code", "township_code", "township_name", "county_code", "county_name"]],
        on="village_code",
    )
    townships = dissolve(areas, "township_code").merge(
        areas.drop_duplicates("township_code")[["township_code", "township_name"]]
    )
    counties = dissolve(areas, "county_code").merge(
        areas.drop_duplicates("county_code")[["county_code", "county_name"]]
    )
    return MapGeometry(
        polygons,
        shapes.points,
        shapes.missing,
        townships.rename(columns={"township_name": "name"}),
        counties.rename(columns={"county_name": "name"}),
        bounds,
        file_error,
    )
