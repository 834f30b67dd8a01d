"""The grid map on the app side: Leaflet served by the app itself, map configuration, the
cached village geometry of a scope, the thematic layers' colours and legend for the view
model's per-village values (views.grid_map), and the built map cached per scope and layer.

Leaflet's files come from the XStatic-Leaflet package (requirements.txt) and are copied once
per process into dashboard/static/vendor/ (gitignored), which Streamlit serves at
/app/static/ (`server.enableStaticServing`). Nothing is fetched from the internet.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import data, small_cells, theme
from dashboard.data import cached
from geo import classes, io, maps
from geo.processing import MapGeometry
from views import grid_map, labels, masking
from views.common import Window
from views.domain import Scope

# Streamlit serves the static folder beside the entry script (dashboard/app.py).
STATIC_DIR = Path(__file__).resolve().parents[1] / "dashboard" / "static"
LEAFLET_DIR = STATIC_DIR / "vendor" / "leaflet"
LEAFLET_URL_PATH = "app/static/vendor/leaflet"

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


def _boundary_config() -> tuple[str, str, float] | None:
    """(path, code column, modification time) of the configured boundary file, or None; a
    missing file is passed on so that the view reports it."""
    config = boundary_file()
    if config is None:
        return None
    path, code_column = config
    modified = os.path.getmtime(path) if os.path.exists(path) else 0.0
    return path, code_column, modified


def geometry(scope: Scope) -> MapGeometry:
    """The scope's village polygons, fallback points, and township/county outlines (cached)."""
    return cached(grid_map.geometry)(scope, _boundary_config())


# --- thematic layers: colours for the view's per-village values ---------------------------------


def fills(
    view: grid_map.MapView, key: str, small: int = 0
) -> tuple[list[str], list[str], maps.Legend]:
    """(fill colour, value text) per village of the view, and the legend, for a layer.

    small: the small-cell threshold of the user (dashboard.small_cells.floor; 0: none). A
    village whose value is formed from a patient count below it gets the no-value fill and
    says why; the classes are cut from the values shown only.
    """
    layer = grid_map.LAYERS[key]
    villages = view.villages
    kind = view.window.period.kind
    if layer.column is None:
        counts = villages["village_class"].value_counts()
        entries = tuple(
            (theme.CLASS_COLORS[c], f"{labels.CLASS_LABELS[c]} · {int(counts.get(c, 0)):,} 个")
            for c in labels.CLASS_LABELS
        )
        colours = [theme.CLASS_COLORS.get(c, theme.MAP_NO_VALUE) for c in villages["village_class"]]
        names = [labels.CLASS_LABELS.get(c, str(c)) for c in villages["village_class"]]
        return colours, names, maps.Legend(layer.label, entries)
    hidden = masking.hidden_rows(villages, small, layer.counts).tolist()
    raw = view.values(key)
    values = [
        None if hide or pd.isna(v) else float(v) * layer.scale
        for v, hide in zip(raw, hidden, strict=True)
    ]
    breaks = classes.nice_breaks(values)
    palette = classes.spread(theme.MAP_SEQUENTIAL, len(breaks) + 1)
    index = classes.classify(values, breaks)
    colours = [palette[i] if i >= 0 else theme.MAP_NO_VALUE for i in index]
    fmt = (lambda v: f"{v:,.{layer.digits}f}") if layer.digits else (lambda v: f"{v:,.0f}")
    entries = list(zip(palette, classes.range_labels(breaks, fmt), strict=True))
    if not (index >= 0).any():  # no village shows a value: no class to explain
        entries = []
    masked = sum(hidden)
    missing = sum(1 for i, hide in zip(index, hidden, strict=True) if i < 0 and not hide)
    if missing:
        entries.append((theme.MAP_NO_VALUE, f"无数据（{missing} 个村）"))
    if masked:
        entries.append((theme.MAP_NO_VALUE, f"{masking.hidden_words(small)}（{masked} 个村）"))
    legend = maps.Legend(
        f"{layer.label}（{layer.unit_for(kind)}）",
        tuple(entries),
        "分级：按村分位数取整，各级村数相近",
    )
    texts = [
        masking.hidden_words(small) if hide else layer.text(v, kind)
        for v, hide in zip(raw, hidden, strict=True)
    ]
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


def build_map(view: grid_map.MapView, geo: MapGeometry, key: str, small: int = 0):
    """The folium map of the scope with the chosen layer's fills, legend and tooltips, for a
    user whose patient counts below `small` are masked (0: none)."""
    layer = grid_map.LAYERS[key]
    colours, texts, legend = fills(view, key, small)
    table = tooltip_columns(view.villages).assign(fill=colours, layer_value=texts)
    tooltip = list(TOOLTIP)
    if layer.column is not None:
        tooltip.append(("layer_value", layer.label))
    villages = geo.polygons.merge(table, on="village_code")
    points = geo.points.merge(table, on="village_code")
    points["label"] = points["name"]  # the name on the map; the tooltip says why it is a dot
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


def _built_map(scope: Scope, window: Window, key: str, config: tuple, small: int):
    return build_map(cached(grid_map.build)(scope, window), geometry(scope), key, small)


def map_for(scope: Scope, window: Window, key: str, visible: Scope | None):
    """The built map of a scope, window and layer for a user who sees `visible`, cached: a
    rerun that changes none of them (a click, the village panel) rebuilds nothing, and its
    HTML is the same byte for byte, so Streamlit sends the browser a reference to the copy
    it already holds."""
    config = (leaflet_url(), tiles(), _boundary_config())
    # `small` is part of the key: a township role's masked map is never served to a county
    # role (nor the other way round), and a changed DASHBOARD_SMALL_CELL builds anew.
    small = small_cells.floor(visible)
    cache_key = ("map", data.database().key, scope, window, key, data.hashable(config), small)
    return data.kept(
        cache_key, lambda: _built_map(scope, window, key, config, small), "正在绘制地图…"
    )
