"""Fictional boundaries: an irregular outline, provisional Voronoi cells to place clinics, and one
final Voronoi tiling of all villages with gently warped borders (exact shared edges)."""

from __future__ import annotations

import json

import numpy as np
import shapely
from shapely.geometry import Polygon, mapping

KM_PER_DEG_LAT = 110.57
KM_PER_DEG_LON_AT_EQUATOR = 111.32
# Five decimals of a degree is about 1 m: finer than any village map needs, and small files.
COORD_DECIMALS = 5
# Border wiggle: wavelengths of the displacement field (km) and its total slope (< 1 keeps
# the map one-to-one); edges are densified first so they can bend.
WARP_WAVELENGTHS_KM = (2.0, 5.0, 12.0, 25.0)
WARP_STRENGTH = 0.4
WARP_SEGMENT_DEG = 0.0025  # ~250 m


def outline(rng: np.random.Generator, center: tuple[float, float], radius_deg: float) -> Polygon:
    """An irregular, star-shaped outline around `center` (lon, lat), `radius_deg` tall."""
    theta = np.linspace(0.0, 2.0 * np.pi, 240, endpoint=False)
    radius = np.ones_like(theta)
    # Low harmonics bend the shape; high ones give the ragged edge of a mountain border.
    for k in range(2, 24):
        amplitude = (0.16 if k < 6 else 0.025) / np.sqrt(k)
        radius += amplitude * rng.uniform(0.4, 1.0) * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
    radius = np.clip(radius, 0.45, None)
    lon0, lat0 = center
    lon_stretch = 1.0 / np.cos(np.radians(lat0))  # keep the shape round in kilometres
    xs = lon0 + radius_deg * lon_stretch * radius * np.cos(theta)
    ys = lat0 + radius_deg * radius * np.sin(theta)
    return shapely.make_valid(Polygon(np.column_stack([xs, ys])))


def random_points_in(rng: np.random.Generator, polygon, count: int) -> np.ndarray:
    """`count` points drawn uniformly inside `polygon`, as an (n, 2) lon/lat array."""
    minx, miny, maxx, maxy = polygon.bounds
    shapely.prepare(polygon)
    found: list[np.ndarray] = []
    total = 0
    while total < count:
        batch = rng.uniform((minx, miny), (maxx, maxy), size=(max(4 * count, 64), 2))
        inside = batch[shapely.contains_xy(polygon, batch[:, 0], batch[:, 1])]
        found.append(inside)
        total += len(inside)
    return np.concatenate(found)[:count]


def _polygonal(geom):
    """The polygon parts of `geom` (a clip can leave stray lines or points on the edge)."""
    if shapely.get_type_id(geom) in (3, 6):  # Polygon, MultiPolygon
        return geom
    parts = [p for p in shapely.get_parts(geom) if shapely.get_type_id(p) in (3, 6)]
    return shapely.union_all(parts)


def voronoi_cells(parent, seeds: np.ndarray) -> np.ndarray:
    """Voronoi cells of `seeds` clipped to `parent`, in seed order; they tile `parent`."""
    envelope = shapely.buffer(shapely.envelope(parent), 1.0)
    diagram = shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=envelope, ordered=True)
    cells = shapely.intersection(shapely.get_parts(diagram), parent)
    return np.array([_polygonal(c) for c in cells], dtype=object)


def subdivide(
    rng: np.random.Generator,
    parent,
    count: int,
    *,
    focus: tuple[float, float] | None = None,
    focus_strength: float = 0.0,
    relax_steps: int = 2,
    relax_rate: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Cut `parent` into `count` cells; seeds crowd toward `focus` (smaller cells there).

    Returns (cells, seeds). Lloyd relaxation (`relax_steps`, `relax_rate` of the way to each
    centroid) evens the cell sizes; a low rate keeps the crowding around `focus`.
    """
    candidates = random_points_in(rng, parent, count * 6)
    if focus is not None and focus_strength > 0:
        scale = np.sqrt(shapely.area(parent) / np.pi)
        dist = np.hypot(*(candidates - np.asarray(focus)).T) / scale
        weights = 1.0 / (1.0 + (dist / 0.35) ** 2) ** focus_strength
    else:
        weights = np.ones(len(candidates))
    pick = rng.choice(len(candidates), size=count, replace=False, p=weights / weights.sum())
    seeds = candidates[pick]
    if count == 1:
        return np.array([parent], dtype=object), seeds
    shapely.prepare(parent)
    for _ in range(relax_steps):
        cells = voronoi_cells(parent, seeds)
        centroids = shapely.get_coordinates(shapely.centroid(cells))
        moved = seeds + relax_rate * (centroids - seeds)
        inside = shapely.contains_xy(parent, moved[:, 0], moved[:, 1])
        seeds = np.where(inside[:, None], moved, seeds)
    return voronoi_cells(parent, seeds), seeds


def tile(outline_shape, seeds: np.ndarray) -> np.ndarray:
    """One Voronoi diagram of all `seeds` clipped to the outline: neighbours share exact edges."""
    return voronoi_cells(outline_shape, seeds)


def warp(
    rng: np.random.Generator, cells: np.ndarray, points: np.ndarray, center: tuple[float, float]
):
    """Bend straight Voronoi edges into natural-looking borders, keeping the tiling exact.

    Every vertex (after densifying edges to ~250 m) moves by one smooth displacement field,
    so an edge shared by two cells moves identically on both sides. The field's slope stays
    below WARP_STRENGTH < 1, which keeps the map one-to-one (no edge can fold over another).
    Returns (cells, points) moved by the same field.
    """
    lat0 = np.radians(center[1])
    km = np.array([KM_PER_DEG_LON_AT_EQUATOR * np.cos(lat0), KM_PER_DEG_LAT])
    wavelengths = np.array(WARP_WAVELENGTHS_KM)
    # Per axis and component: direction, wavenumber, phase; slopes add up to WARP_STRENGTH.
    angle = rng.uniform(0, 2 * np.pi, (2, len(wavelengths)))
    direction = np.stack([np.cos(angle), np.sin(angle)], axis=-1)
    k = 2 * np.pi / wavelengths
    amplitude = WARP_STRENGTH / len(wavelengths) / k
    phase = rng.uniform(0, 2 * np.pi, (2, len(wavelengths)))

    def move(xy: np.ndarray) -> np.ndarray:
        pos = xy * km
        arg = np.einsum("nd,akd->nak", pos, direction * k[None, :, None]) + phase
        shift = (amplitude * np.sin(arg)).sum(axis=2)
        return (pos + shift) / km

    dense = shapely.segmentize(cells, WARP_SEGMENT_DEG)
    return shapely.transform(dense, move), move(np.asarray(points, dtype=float))


def rounded(cells: np.ndarray) -> np.ndarray:
    """Cells on the 5-decimal grid; shared vertices round alike, so the tiling stays exact."""
    snapped = shapely.remove_repeated_points(
        shapely.transform(cells, lambda xy: np.round(xy, COORD_DECIMALS))
    )
    invalid = ~shapely.is_valid(snapped)
    if invalid.any():  # a degenerate sliver on the outline; repair that cell alone
        snapped[invalid] = [_polygonal(shapely.make_valid(c)) for c in snapped[invalid]]
    return snapped


def inner_point(cell, preferred: np.ndarray) -> tuple[float, float]:
    """`preferred` (lon, lat) rounded, if it lies inside `cell`; otherwise a point on its surface."""
    lon, lat = (round(float(v), COORD_DECIMALS) for v in preferred)
    if shapely.contains_xy(cell, lon, lat):
        return lon, lat
    point = shapely.point_on_surface(cell)
    return round(point.x, COORD_DECIMALS), round(point.y, COORD_DECIMALS)


def area_km2(cells: np.ndarray) -> np.ndarray:
    """Approximate areas in km² (degrees scaled at each cell's own latitude)."""
    lat = shapely.get_coordinates(shapely.centroid(cells))[:, 1]
    scale = KM_PER_DEG_LAT * KM_PER_DEG_LON_AT_EQUATOR * np.cos(np.radians(lat))
    return shapely.area(cells) * scale


def distance_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Straight-line distance in km (equirectangular; fine within a county)."""
    mean_lat = np.radians((np.asarray(lat1) + np.asarray(lat2)) / 2.0)
    dx = (np.asarray(lon1) - lon2) * KM_PER_DEG_LON_AT_EQUATOR * np.cos(mean_lat)
    dy = (np.asarray(lat1) - lat2) * KM_PER_DEG_LAT
    return np.hypot(dx, dy)


def to_geojson(cell) -> str:
    """GeoJSON geometry text (Polygon or MultiPolygon) of a cell already on the 5-decimal grid."""
    return json.dumps(mapping(cell), separators=(",", ":"))
