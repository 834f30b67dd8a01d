"""Reading village boundaries: GeoJSON text from the database or a boundary file, repaired and
in EPSG:4326, with village points for the villages that have no boundary."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

log = logging.getLogger(__name__)

WGS84 = "EPSG:4326"
CODE = "village_code"
# CGCS2000 lon/lat differs from WGS84 by less than a metre: the contract treats it as identical.
SAME_AS_WGS84 = ("EPSG:4326", "EPSG:4490")
# Only these geometry types are village areas; anything else in a source is ignored.
POLYGONAL = (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON)


class BoundaryFileError(ValueError):
    """A configured boundary file that cannot be used (missing, no code column, unknown CRS)."""


def _parse(text) -> shapely.Geometry | None:
    """A GeoJSON geometry (or Feature) as shapely; None when it is not valid GeoJSON."""
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        obj = json.loads(text)
        if isinstance(obj, dict) and obj.get("type") == "Feature":
            obj = obj.get("geometry")
        return shapely.geometry.shape(obj) if obj else None
    except (ValueError, TypeError, AttributeError, KeyError, IndexError):
        return None


def polygonal(geom: shapely.Geometry | None) -> shapely.Geometry | None:
    """Repair a geometry (make_valid) and keep its polygon parts; None when none remain."""
    if geom is None or shapely.is_empty(geom):
        return None
    if not shapely.is_valid(geom):
        geom = shapely.make_valid(geom)
    if shapely.get_type_id(geom) in POLYGONAL:
        return geom
    parts = [p for p in shapely.get_parts(geom) if shapely.get_type_id(p) in POLYGONAL]
    if not parts:
        return None
    merged = shapely.union_all(parts)
    return merged if not shapely.is_empty(merged) else None


def repair_all(geoms: np.ndarray) -> np.ndarray:
    """polygonal() over an array; valid polygons (nearly all of them) pass without a copy."""
    geoms = np.asarray(geoms, dtype=object)
    ok = shapely.is_valid(geoms) & np.isin(shapely.get_type_id(geoms), POLYGONAL)
    out = geoms.copy()
    out[~ok] = [polygonal(g) for g in geoms[~ok]]
    return out


def repair(series: gpd.GeoSeries) -> gpd.GeoSeries:
    """Every geometry repaired to a valid (multi)polygon, or None."""
    return gpd.GeoSeries(repair_all(series.to_numpy()), index=series.index, crs=series.crs)


def _parse_all(texts) -> np.ndarray:
    """GeoJSON texts → geometries, None where a text is not GeoJSON (GEOS reads them in C)."""
    texts = np.array([t if isinstance(t, str) and t.strip() else None for t in texts], dtype=object)
    try:
        return shapely.from_geojson(texts, on_invalid="ignore")
    except (shapely.errors.GEOSException, ValueError, TypeError):
        # One malformed geometry (e.g. a ring of two points) fails the whole batch.
        return np.array([_parse(t) for t in texts], dtype=object)


def from_geojson_rows(rows: pd.DataFrame) -> gpd.GeoDataFrame:
    """(village_code, geojson text) rows from the database → repaired polygons in EPSG:4326.

    Rows whose text is not GeoJSON or holds no polygon are dropped (the village then falls
    back to its clinic point).
    """
    codes = rows[CODE].astype(str).to_numpy() if len(rows) else np.array([], dtype=object)
    geoms = repair_all(_parse_all(rows["geojson"])) if len(rows) else []
    gdf = gpd.GeoDataFrame({CODE: codes}, geometry=gpd.GeoSeries(geoms, crs=WGS84))
    dropped = int(gdf.geometry.isna().sum())
    if dropped:
        log.warning("%d village boundaries are not usable GeoJSON polygons", dropped)
    return gdf[gdf.geometry.notna()].reset_index(drop=True)


def to_wgs84(gdf: gpd.GeoDataFrame, source: str = "") -> gpd.GeoDataFrame:
    """Reproject to EPSG:4326; a file without a CRS is accepted only if it looks like lon/lat."""
    if gdf.crs is None:
        minx, miny, maxx, maxy = gdf.total_bounds if len(gdf) else (0, 0, 0, 0)
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise BoundaryFileError(
                f"{source or 'boundaries'} have no CRS and are not longitude/latitude"
            )
        return gdf.set_crs(WGS84)
    if gdf.crs.to_string() in SAME_AS_WGS84:
        return gdf.set_crs(WGS84, allow_override=True)
    return gdf.to_crs(WGS84)


def _code_text(values: pd.Series) -> pd.Series:
    """Codes as text: a file may store the 12-digit codes as numbers (no leading zeros lost,
    since division codes start with a non-zero province digit)."""
    if pd.api.types.is_float_dtype(values):
        return values.map(lambda v: None if pd.isna(v) else str(int(v)))
    return values.map(lambda v: None if pd.isna(v) else str(v).strip())


def read_boundary_file(
    path: str | Path, code_column: str = CODE, layer: str | None = None
) -> gpd.GeoDataFrame:
    """A GeoPackage, Shapefile or GeoJSON of village boundaries → (village_code, geometry)
    repaired and in EPSG:4326. Raises BoundaryFileError when it cannot be used."""
    path = Path(path)
    if not path.exists():
        raise BoundaryFileError(f"boundary file not found: {path}")
    try:
        gdf = gpd.read_file(path, layer=layer, engine="pyogrio")
    except Exception as exc:  # pyogrio raises its own error types per driver
        raise BoundaryFileError(f"cannot read {path.name}: {exc}") from exc
    if code_column not in gdf.columns:
        raise BoundaryFileError(f"{path.name} has no column {code_column!r}")
    gdf = to_wgs84(gdf[[code_column, "geometry"]].rename(columns={code_column: CODE}), path.name)
    gdf[CODE] = _code_text(gdf[CODE])
    gdf = gdf.set_geometry(repair(gdf.geometry))
    gdf = gdf[gdf[CODE].notna() & gdf.geometry.notna()]
    # Several rows for one village (multi-part exports) become one geometry.
    if gdf[CODE].duplicated().any():
        gdf = gdf.dissolve(by=CODE, as_index=False)
    return gdf[[CODE, "geometry"]].reset_index(drop=True)


def combine(database: gpd.GeoDataFrame, file: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    """Database boundaries, replaced by the file's where the file has the village."""
    if file is None or file.empty:
        return database
    kept = database[~database[CODE].isin(set(file[CODE]))]
    both = pd.concat([file[[CODE, "geometry"]], kept[[CODE, "geometry"]]], ignore_index=True)
    return gpd.GeoDataFrame(both, geometry="geometry", crs=WGS84)


@dataclass(frozen=True)
class VillageShapes:
    """Where each village of a list is drawn: a polygon, its clinic point, or nowhere."""

    polygons: gpd.GeoDataFrame  # village_code, geometry (polygons)
    points: gpd.GeoDataFrame  # village_code, geometry (points): no boundary, clinic known
    missing: tuple[str, ...]  # neither boundary nor clinic location


def village_shapes(boundaries: gpd.GeoDataFrame, villages: pd.DataFrame) -> VillageShapes:
    """Split the villages (village_code, lon, lat) into polygons, fallback points and missing."""
    codes = villages[CODE].astype(str)
    polygons = boundaries[boundaries[CODE].isin(set(codes))].reset_index(drop=True)
    rest = villages[~codes.isin(set(polygons[CODE]))]
    located = rest["lon"].notna() & rest["lat"].notna()
    points = gpd.GeoDataFrame(
        {CODE: rest.loc[located, CODE].astype(str).to_numpy()},
        geometry=gpd.points_from_xy(
            rest.loc[located, "lon"].astype(float), rest.loc[located, "lat"].astype(float)
        ),
        crs=WGS84,
    )
    missing = tuple(rest.loc[~located, CODE].astype(str))
    return VillageShapes(polygons, points, missing)
