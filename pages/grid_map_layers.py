"""The grid map on the app side: Leaflet served by the app itself, map configuration, the
cached village geometry of a scope, and the thematic layers (values, classes, legend).

Leaflet's files come from the XStatic-Leaflet package (requirements.txt) and are copied once
per process into dashboard/static/vendor/ (gitignored), which Streamlit serves at
/app/static/ (`server.enableStaticServing`). Nothing is fetched from the internet.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from dashboard import data, theme
from dashboard.data import CACHE_TTL_S, cached
from data_access import map as map_figures
from data_access.scope import Scope
from geo import classes, io, maps, processing
from views import labels

STATIC_DIR = Path(__file__).resolve().parent / "static"
LEAFLET_DIR = STATIC_DIR / "vendor" / "leaflet"
LEAFLET_URL_PATH = "app/static/vendor/leaflet"
# Geometry of a few dozen scopes fits easily (a prefecture is ~1 MB simplified).
GEOMETRY_CACHE_ENTRIES = 64

ENV_TILE_URL = "DASHBOARD_TILE_URL"
ENV_TILE_ATTRIBUTION = "DASHBOARD_TILE_ATTRIBUTION"
ENV_BOUNDARY_FILE = "DASHBOARD_BOUNDARY_FILE"
ENV_BOUNDARY_CODE_COLUMN = "DASHBOARD_BOUNDARY_CODE_COLUMN"


class MapUnavailable(RuntimeError):
    """The map cannot be drawn here (e.g. Leaflet's package is not installed)."""


@st.cache_resource(show_spinner=False)
def leaflet_url() -> str:
    """Copy Leaflet's dist files into the static folder (once per process); return their URL."""
    try:
        import xstatic.pkg.leaflet as leaflet
    except ImportError as exc:
        raise MapUnavailable(
            "缺少 Python 包 XStatic-Leaflet（地图脚本），请执行 pip install -r requirements.txt"
        ) from exc
    source = Path(leaflet.BASE_DIR)
    stamp = LEAFLET_DIR / "VERSION"
    if not (stamp.exists() and stamp.read_text().strip() == leaflet.VERSION):
        LEAFLET_DIR.mkdir(parents=True, exist_ok=True)
        for name in ("leaflet.js", "leaflet.css"):
            shutil.copy2(source / name, LEAFLET_DIR / name)
        shutil.copytree(source / "images", LEAFLET_DIR / "images", dirs_exist_ok=True)
        stamp.write_text(leaflet.VERSION)  # last: a half-done copy is redone next start
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return "/" + "/".join(part for part in (base, LEAFLET_URL_PATH) if part)


def _map_secret(key: str) -> str | None:
    try:
        return st.secrets.get("map", {}).get(key)
    except Exception:  # no secrets.toml: the normal case
        return None


def _setting(env: str, secret: str) -> str:
    return (os.environ.get(env) or _map_secret(secret) or "").strip()


def tiles() -> maps.Tiles | None:
    """The intranet tile server from DASHBOARD_TILE_URL or secrets [map] tile_url; none by default."""
    url = _setting(ENV_TILE_URL, "tile_url")
    if not url:
        return None
    return maps.Tiles(url, _setting(ENV_TILE_ATTRIBUTION, "tile_attribution"))


def boundary_file() -> tuple[str, str] | None:
    """(path, code column) of the configured boundary file, or None."""
    path = _setting(ENV_BOUNDARY_FILE, "boundary_file")
    if not path:
        return None
    return path, _setting(ENV_BOUNDARY_CODE_COLUMN, "boundary_code_column") or io.CODE


@st.cache_data(ttl=CACHE_TTL_S, max_entries=4, show_spinner=False)
def _file_boundaries(path: str, code_column: str, modified: float) -> gpd.GeoDataFrame:
    return io.read_boundary_file(path, code_column)


@dataclass(frozen=True)
class MapGeometry:
    """What the map draws for a scope, simplified for the zoom that fits it."""

    polygons: gpd.GeoDataFrame  # village_code, geometry
    points: gpd.GeoDataFrame  # village_code, geometry: villages without a boundary
    missing: tuple[str, ...]  # villages with neither boundary nor clinic location
    townships: gpd.GeoDataFrame  # township_code, name, geometry
    counties: gpd.GeoDataFrame  # county_code, name, geometry
    bounds: tuple[float, float, float, float] | None
    file_error: str | None  # why the configured boundary file was not used


@st.cache_data(
    ttl=CACHE_TTL_S, max_entries=GEOMETRY_CACHE_ENTRIES, show_spinner="正在准备地图边界…"
)
def _geometry(db_key: str, scope: Scope, file_config: tuple | None) -> MapGeometry:
    facts = cached(map_figures.village_facts)(scope)
    boundaries = io.from_geojson_rows(cached(map_figures.village_boundaries)(scope))
    file_error = None
    if file_config is not None:
        path, code_column = file_config
        try:
            if not os.path.exists(path):
                raise io.BoundaryFileError(f"boundary file not found: {path}")
            from_file = _file_boundaries(path, code_column, os.path.getmtime(path))
            boundaries = io.combine(boundaries, from_file)
        except (OSError, io.BoundaryFileError) as exc:
            file_error = str(exc)
    shapes = io.village_shapes(boundaries, facts)
    bounds = processing.total_bounds(shapes.polygons, shapes.points)
    polygons = shapes.polygons
    if bounds is not None:
        polygons = processing.simplify_coverage(polygons, processing.tolerance_for(bounds))
    areas = polygons.merge(
        facts[["village_code", "township_code", "township_name", "county_code", "county_name"]],
        on="village_code",
    )
    townships = processing.dissolve(areas, "township_code").merge(
        areas.drop_duplicates("township_code")[["township_code", "township_name"]]
    )
    counties = processing.dissolve(areas, "county_code").merge(
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


def geometry(scope: Scope) -> MapGeometry:
    """The scope's village polygons, fallback points, and township/county outlines (cached)."""
    config = boundary_file()
    return _geometry(data.database().key, scope, config)


# --- thematic layers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Layer:
    """A thematic fill: the figures column, how it reads, and how it is formed."""

    label: str
    column: str | None  # None: the village class
    unit: str = ""
    scale: float = 1.0  # e.g. 100 for a 0–1 share shown in %
    digits: int = 1
    definition: str = ""


LAYERS = {
    "class": Layer(
        "村类别", None, definition="一类村：集中、路况好、易开展；二类村：分散、偏远、交通不便"
    ),
    "red_share": Layer(
        "红标占比",
        "red_share",
        "%",
        100.0,
        1,
        "期末月红标患者人次 ÷ 在管慢病患者人次（按病种计）",
    ),
    "services_per_1000": Layer(
        "每千人服务量",
        "services_per_1000",
        "次/千人",
        1.0,
        0,
        "本期团队服务量按各村常住人口占团队服务人口的比例分摊到村，再 ÷ 村常住人口 × 1000；"
        "因此同一团队各村数值相同",
    ),
    "sign_rate": Layer(
        "签约率", "sign_rate", "%", 1.0, 1, "家庭医生签约率（指标 fd_sign）= Σ分子 ÷ Σ分母"
    ),
    "funding_per_capita": Layer(
        "人均经费",
        "funding_per_capita",
        "元/人",
        1.0,
        1,
        "本年度基本公卫经费 ÷ 村常住人口（无经费记录的村不计）",
    ),
}


# Why a whole layer has no value, where the reason is known.
NO_LAYER_VALUES = {
    "sign_rate": f"数据库中没有本期村级的签约率指标（{map_figures.SIGNING_INDICATOR}）数据，签约率图层无值。",
    "funding_per_capita": "数据库中没有本年度的村经费（village_funding）记录，人均经费图层无值。",
}


def value_text(value, layer: Layer) -> str:
    if value is None or pd.isna(value):
        return labels.NO_VALUE
    return f"{value * layer.scale:,.{layer.digits}f} {layer.unit}".strip()


def fills(figures: pd.DataFrame, key: str) -> tuple[list[str], list[str], maps.Legend]:
    """(fill colour, value text) per village of `figures`, and the legend, for a layer."""
    layer = LAYERS[key]
    if layer.column is None:
        counts = figures["village_class"].value_counts()
        entries = tuple(
            (theme.CLASS_COLORS[c], f"{labels.CLASS_LABELS[c]} · {int(counts.get(c, 0)):,} 个")
            for c in labels.CLASS_LABELS
        )
        colours = [theme.CLASS_COLORS.get(c, theme.MAP_NO_VALUE) for c in figures["village_class"]]
        names = [labels.CLASS_LABELS.get(c, str(c)) for c in figures["village_class"]]
        return colours, names, maps.Legend(layer.label, entries)
    values = [None if pd.isna(v) else float(v) * layer.scale for v in figures[layer.column]]
    breaks = classes.nice_breaks(values)
    palette = classes.spread(theme.MAP_SEQUENTIAL, len(breaks) + 1)
    index = classes.classify(values, breaks)
    colours = [palette[i] if i >= 0 else theme.MAP_NO_VALUE for i in index]
    fmt = (lambda v: f"{v:,.{layer.digits}f}") if layer.digits else (lambda v: f"{v:,.0f}")
    entries = list(zip(palette, classes.range_labels(breaks, fmt), strict=True))
    missing = int((index < 0).sum())
    if missing:
        entries.append((theme.MAP_NO_VALUE, f"无数据（{missing} 个村）"))
    legend = maps.Legend(
        f"{layer.label}（{layer.unit}）", tuple(entries), "分级：按村分位数取整，各级村数相近"
    )
    texts = [value_text(v, layer) for v in figures[layer.column]]
    return colours, texts, legend


# (column, alias) of the tooltip; `layer_value` is the chosen layer's figure.
TOOLTIP = [
    ("name", "村"),
    ("township_name", "乡镇"),
    ("class_name", "类别"),
    ("population_text", "常住人口"),
    ("key_population_text", "重点人群"),
    ("distance_text", "距卫生院"),
    ("road_text", "路况"),
    ("team_text", "团队"),
]


def tooltip_columns(figures: pd.DataFrame) -> pd.DataFrame:
    """The tooltip's text columns (plain text; geo.maps escapes it)."""
    return pd.DataFrame(
        {
            "village_code": figures["village_code"],
            "name": figures["name"],
            "township_name": figures["township_name"],
            "class_name": [labels.CLASS_LABELS.get(c, str(c)) for c in figures["village_class"]],
            "population_text": [f"{labels.number(p)} 人" for p in figures["population"]],
            "key_population_text": [f"{labels.number(p)} 人" for p in figures["key_population"]],
            "distance_text": [
                labels.NO_VALUE if pd.isna(d) else f"{d:.1f} km" for d in figures["distance_km"]
            ],
            "road_text": [labels.ROAD_LABELS.get(r, labels.NO_VALUE) for r in figures["road"]],
            "team_text": [
                t if isinstance(t, str) else labels.NO_VALUE for t in figures["team_name"]
            ],
        }
    )


def build_map(figures: pd.DataFrame, geo: MapGeometry, key: str):
    """The folium map of the scope with the chosen layer's fills, legend and tooltips."""
    layer = LAYERS[key]
    colours, texts, legend = fills(figures, key)
    table = tooltip_columns(figures).assign(fill=colours, layer_value=texts)
    tooltip = list(TOOLTIP)
    if layer.column is not None:
        tooltip.append(("layer_value", f"{layer.label}"))
    villages = geo.polygons.merge(table, on="village_code")
    points = geo.points.merge(table, on="village_code")
    points["name"] = [f"{n}（无边界，标在村卫生室）" for n in points["name"]]
    return maps.build_map(
        villages,
        points,
        geo.townships,
        geo.counties,
        tooltip=tooltip,
        legend=legend,
        assets=maps.leaflet_assets(leaflet_url()),
        bounds=geo.bounds,
        tiles=tiles(),
    )
