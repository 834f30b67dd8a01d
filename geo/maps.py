"""The folium map of villages: fills, outlines, labels, tooltips and legend, with Leaflet loaded
from URLs the caller serves (nothing from a CDN).

Text from the database is only ever set with textContent in the browser (tooltips, labels)
or HTML-escaped here (legend), so a village named `<b>…</b>` shows exactly that.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import folium
import geopandas as gpd
import numpy as np
import shapely
from branca.element import Element

from geo.leaflet import JsonLayer, MapExtras, compact_collection
from geo.processing import grid_for, label_points, tolerance_for

# Labels closer than this (screen pixels between neighbouring outlines' centres) overlap;
# below it township labels are hidden until the user zooms in.
MIN_LABEL_SPACING_PX = 90
# Leaflet's tile size: pixels per 360° of longitude at zoom 0.
TILE_PX = 256
# Deepest zoom offered: a village at ~1:10,000 is as close as a boundary is drawn accurately.
MAX_ZOOM = 16
VILLAGE_EDGE = "#ffffff"  # white edges separate neighbouring fills of one colour
OUTLINE_COLOR = "#1a1a1a"  # township/county lines: black reads on every fill
POINT_RADIUS_PX = 6  # a clinic point big enough to hover, small beside a village
# Village names appear from the zoom where neighbouring villages are this far apart (px):
# a two- to four-character name at 12 px fits without touching its neighbour's.
VILLAGE_LABEL_SPACING_PX = 70
# Above this many villages (a whole prefecture) names are not sent at all: nobody reads them
# at that scale, and each is a marker in the page; drilling to a county brings them back.
MAX_VILLAGE_LABELS = 800


@dataclass(frozen=True)
class Legend:
    """Legend box: a title (with unit), (colour, label) entries and an optional note."""

    title: str
    entries: tuple[tuple[str, str], ...]
    note: str = ""

    def to_html(self) -> str:
        """A <details> box: the title folds the legend away when it covers villages."""
        rows = "".join(
            f'<div class="yf-legend-row"><span class="yf-swatch" style="background:{html.escape(c)}">'
            f"</span>{html.escape(label)}</div>"
            for c, label in self.entries
        )
        note = f'<div class="yf-legend-note">{html.escape(self.note)}</div>' if self.note else ""
        return (
            f'<details open><summary class="yf-legend-title" title="点击收起或展开图例">'
            f"{html.escape(self.title)}</summary>{rows}{note}</details>"
        )


@dataclass(frozen=True)
class Assets:
    """Where the browser loads Leaflet from (URLs served by the app)."""

    js: tuple[tuple[str, str], ...]
    css: tuple[tuple[str, str], ...]


def leaflet_assets(base_url: str) -> Assets:
    """Leaflet's JS and CSS under `base_url` (a folder holding the dist files)."""
    base = base_url.rstrip("/")
    return Assets(
        js=(("leaflet", f"{base}/leaflet.js"),), css=(("leaflet_css", f"{base}/leaflet.css"),)
    )


@dataclass(frozen=True)
class Tiles:
    """An intranet tile server: URL template ({z}/{x}/{y}) and its attribution text."""

    url: str
    attribution: str = ""


# --- the map ---------------------------------------------------------------------------------

MAP_CSS = """
<style>
.leaflet-container { background: #f4f6f8; font-family: 'Noto Sans CJK SC', 'Source Han Sans SC',
  'Microsoft YaHei', 'PingFang SC', sans-serif; }
.yf-legend { background: rgba(255,255,255,0.94); padding: 6px 9px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.3); font-size: 13px; line-height: 1.45; color: #1a1a1a;
  max-width: 200px; }
.yf-legend-title { font-weight: 700; cursor: pointer; }
.yf-legend details[open] .yf-legend-title { margin-bottom: 4px; }
.yf-legend-row { display: flex; align-items: center; gap: 6px; }
.yf-swatch { display: inline-block; width: 18px; height: 14px; border: 1px solid #5f6b7a; }
.yf-legend-note { color: #3d4652; font-size: 12px; margin-top: 4px; }
.yf-area-label { background: rgba(255,255,255,0.9); border: 1px solid #1a1a1a;
  border-radius: 3px; padding: 0 5px; font-size: 13px; font-weight: 700; color: #1a1a1a;
  white-space: nowrap; cursor: pointer; transform: translate(-50%, -50%); width: max-content; }
.yf-area-label.yf-county { font-size: 15px; background: #1f4e79; color: #fff; }
.yf-area-label:hover { background: #1f4e79; color: #fff; }
.yf-small .yf-town { display: none; }
.yf-village-name { font-size: 12px; color: #1a1a1a; white-space: nowrap; pointer-events: none;
  transform: translate(-50%, -50%); width: max-content; font-weight: 600;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff; }
.yf-village-name.yf-below { transform: translate(-50%, 7px); }  /* under a clinic dot */
.yf-no-villages .yf-village-name { display: none; }
.leaflet-tooltip { font-size: 14px; }
.leaflet-interactive:focus { outline: none; }
.leaflet-tooltip th { text-align: left; padding-right: 8px; color: #3d4652; font-weight: 400; }
</style>
"""

# Area labels are built with textContent, never innerHTML: a name is shown, not interpreted.
LABEL_MARKER_JS = """function(feature, latlng) {
  var el = document.createElement('div');
  el.className = 'yf-area-label yf-' + feature.properties.kind;
  el.textContent = feature.properties.label;
  return L.marker(latlng, {icon: L.divIcon({className: '', html: el, iconSize: null}),
                           riseOnHover: true});
}"""
# Village names: plain text under the pointer (clicks and tooltips reach the village below).
VILLAGE_NAME_JS = """function(feature, latlng) {
  var el = document.createElement('div');
  el.className = 'yf-village-name' + (feature.properties.dot ? ' yf-below' : '');
  el.textContent = feature.properties.label;
  return L.marker(latlng, {icon: L.divIcon({className: '', html: el, iconSize: null}),
                           interactive: false, keyboard: false});
}"""
POINT_MARKER_JS = "function(feature, latlng) { return L.circleMarker(latlng); }"
# Fill from the feature's first looked-up value; edges white between villages, dark around
# points.
FILL_STYLE_JS = """function(feature) {
  return {fillColor: value(feature.properties, 0), fillOpacity: %s, color: '%s', weight: %s,
          opacity: 1, radius: %d};
}"""
HOVER_JS = """function(feature, layer) {
  layer.on('mouseover', function(e) { e.target.setStyle({weight: 3, color: '%s'});
                                      if (e.target.bringToFront) e.target.bringToFront(); });
  layer.on('mouseout', function(e) { e.target.setStyle({weight: %s, color: '%s'});
                                     if (e.target.bringToBack) e.target.bringToBack(); });
}"""


def label_zoom(areas: gpd.GeoDataFrame, spacing_px: int = MIN_LABEL_SPACING_PX) -> float:
    """The zoom from which the typical area is `spacing_px` wide, so labels do not collide."""
    if areas.empty:
        return 0.0
    size_deg = float(np.sqrt(np.median(shapely.area(areas.geometry.to_numpy()))))
    if size_deg <= 0:
        return 0.0
    return round(math.log2(spacing_px * 360 / (TILE_PX * size_deg)), 2)


def _labels(areas: gpd.GeoDataFrame, code_col: str, kind: str, grid: float) -> JsonLayer:
    points = label_points(areas)
    props = [
        {"kind": kind, "code": str(code), "label": str(name)}
        for code, name in zip(areas[code_col], areas["name"], strict=True)
    ]
    return JsonLayer(
        compact_collection(points.to_numpy(), props, grid),
        point_to_layer=LABEL_MARKER_JS,
        compact=True,
    )


def _village_names(villages: gpd.GeoDataFrame, points: gpd.GeoDataFrame, grid: float):
    """Name labels of the villages (inside polygons, on clinic points); `label` if present."""
    frames = [f for f in (villages, points) if f is not None and not f.empty]
    geoms, props = [], []
    for frame in frames:
        dots = bool(frame.geom_type.eq("Point").all())
        where = frame.geometry if dots else label_points(frame)
        geoms.extend(where.to_numpy())
        for name in (frame["label"] if "label" in frame else frame["name"]).tolist():
            props.append(
                {"label": "" if name is None else str(name), **({"dot": 1} if dots else {})}
            )
    return JsonLayer(
        compact_collection(np.asarray(geoms, dtype=object), props, grid),
        point_to_layer=VILLAGE_NAME_JS,
        compact=True,
        interactive=False,
    )


def lookup_columns(columns: list[list]) -> tuple[list[list[str]], list[list[int]]]:
    """Each column's distinct texts once, and per row the indexes into them.

    Township, team, class and road repeat across 2,000 villages; sent once each they no
    longer dominate the payload.
    """
    lookup, indexes = [], []
    for values in columns:
        texts = ["" if v is None else str(v) for v in values]
        distinct = list(dict.fromkeys(texts))
        position = {t: i for i, t in enumerate(distinct)}
        lookup.append(distinct)
        indexes.append([position[t] for t in texts])
    return lookup, [list(row) for row in zip(*indexes, strict=True)] if indexes else []


def clicked_area(properties: dict | None) -> tuple[str | None, str | None]:
    """(kind, code) of a clicked feature: village, town or county; (None, None) for none."""
    if not properties or not properties.get("code"):
        return None, None
    return properties.get("kind", "village"), str(properties["code"])


def _village_layer(
    frame: gpd.GeoDataFrame,
    tooltip: list[tuple[str, str]],
    point: bool,
    grid: float,
    code_col: str = "village_code",
    kind: str | None = None,
):
    """Villages (or, with `kind`, other areas) filled by `fill`, highlighted on hover, with
    the tooltip's columns as text.

    Properties are `code` and `v` (indexes into the layer's lookup: fill, then the tooltip
    columns); a village feature has no `kind` (clicked_area reads it as a village).
    """
    columns = [frame["fill"].tolist()] + [frame[col].tolist() for col, _ in tooltip]
    lookup, rows = lookup_columns(columns)
    extra = {"kind": kind} if kind else {}
    props = [
        {"code": str(code), **extra, "v": row}
        for code, row in zip(frame[code_col], rows, strict=True)
    ]
    weight, edge, opacity = (1.5, OUTLINE_COLOR, 0.95) if point else (0.7, VILLAGE_EDGE, 0.85)
    return JsonLayer(
        compact_collection(frame.geometry.to_numpy(), props, grid),
        feature_style=FILL_STYLE_JS % (opacity, edge, weight, POINT_RADIUS_PX),
        point_to_layer=POINT_MARKER_JS if point else None,
        each_feature=HOVER_JS % (OUTLINE_COLOR, weight, edge),
        tooltip=[alias for _, alias in tooltip],
        tooltip_first=1,
        lookup=lookup,
        compact=True,
    )


def _base_map(assets: Assets, tiles: Tiles | None) -> folium.Map:
    """An empty map with the app's Leaflet, look and (optional) intranet tiles."""
    m = folium.Map(
        location=None,
        tiles=None,
        zoom_control=False,  # Leaflet's has English titles; _Extras adds one saying 放大/缩小
        control_scale=False,  # folium's scale adds miles; _Extras adds a metric one
        zoom_snap=0.25,
        max_zoom=MAX_ZOOM,
        attribution_control=tiles is not None,
    )
    # Instance attributes override folium's CDN lists; streamlit-folium reads the same ones.
    m.default_js = list(assets.js)
    m.default_css = list(assets.css)
    m.get_root().header.add_child(Element(MAP_CSS), name="yf_map_css")
    if tiles is not None:
        folium.TileLayer(tiles=tiles.url, attr=html.escape(tiles.attribution) or " ").add_to(m)
    return m


def build_county_map(
    counties: gpd.GeoDataFrame,
    *,
    tooltip: list[tuple[str, str]],
    legend: Legend,
    assets: Assets,
    bounds: tuple[float, float, float, float],
    tiles: Tiles | None = None,
) -> folium.Map:
    """Counties filled by their `fill` column, with clickable name labels and tooltips: the
    whole-province map, whose villages (7,000 shapes, 2 MB) wait until a county is chosen.

    counties: county_code, name, fill and the tooltip columns (plain text, escaped here);
    a click on a county reports kind `county` (clicked_area).
    """
    grid = grid_for(tolerance_for(bounds))
    m = _base_map(assets, tiles)
    if not counties.empty:
        _village_layer(counties, tooltip, False, grid, "county_code", "county").add_to(m)
        _labels(counties, "county_code", "county", grid).add_to(m)
    minx, miny, maxx, maxy = bounds
    MapExtras(legend.to_html(), 0.0, None, [[miny, minx], [maxy, maxx]]).add_to(m)
    return m


def build_map(
    villages: gpd.GeoDataFrame,
    points: gpd.GeoDataFrame,
    townships: gpd.GeoDataFrame,
    counties: gpd.GeoDataFrame | None,
    *,
    tooltip: list[tuple[str, str]],
    legend: Legend,
    assets: Assets,
    bounds: tuple[float, float, float, float],
    tiles: Tiles | None = None,
) -> folium.Map:
    """Villages (polygons, and clinic points where no boundary exists) filled by their `fill`
    column, township (and, with several counties, county) outlines with clickable labels,
    tooltips of the (column, alias) pairs, and a legend.

    villages/points: village_code, fill and the tooltip columns (plain text, escaped here);
    townships/counties: township_code/county_code, name. A click reports the feature's
    properties; clicked_area() reads (kind, code) from them. Coordinates travel on the grid
    of the simplification that fits `bounds` (geo.processing.grid_for).
    """
    grid = grid_for(tolerance_for(bounds))
    m = _base_map(assets, tiles)

    for frame, point in ((villages, False), (points, True)):
        if frame is not None and not frame.empty:
            _village_layer(frame, tooltip, point, grid).add_to(m)

    several_counties = counties is not None and len(counties) > 1
    # With county lines drawn, township lines step back so the counties read first.
    town_weight = 1.0 if several_counties else 1.6
    outlines = [(townships, town_weight)] + ([(counties, 3.2)] if several_counties else [])
    for areas, weight in outlines:
        if not areas.empty:
            JsonLayer(
                compact_collection(areas.geometry.to_numpy(), [{}] * len(areas), grid),
                feature_style=(
                    f"function(f) {{ return {{fill: false, color: '{OUTLINE_COLOR}', "
                    f"weight: {weight}}}; }}"
                ),
                compact=True,
                interactive=False,
            ).add_to(m)
    label_sets = [(townships, "township_code", "town")]
    if several_counties:
        label_sets.append((counties, "county_code", "county"))
    for areas, code_col, kind in label_sets:
        if not areas.empty:
            _labels(areas, code_col, kind, grid).add_to(m)

    village_zoom = None
    named = sum(len(f) for f in (villages, points) if f is not None)
    if 0 < named <= MAX_VILLAGE_LABELS:
        _village_names(villages, points, grid).add_to(m)
        polygons = villages if villages is not None and not villages.empty else None
        village_zoom = (
            label_zoom(polygons, VILLAGE_LABEL_SPACING_PX) if polygons is not None else 0.0
        )

    minx, miny, maxx, maxy = bounds
    MapExtras(
        legend.to_html(),
        label_zoom(townships) if several_counties else 0.0,
        village_zoom,
        [[miny, minx], [maxy, maxx]],
    ).add_to(m)
    return m


def map_html(m: folium.Map) -> str:
    """The standalone HTML page of a map (for payload measures and tests)."""
    return m.get_root().render()
