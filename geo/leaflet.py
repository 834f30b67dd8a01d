"""Leaflet pieces folium lacks: a GeoJSON layer from ready JSON text (compact, UTF-8, styled
and tooltipped in JavaScript) and the map's extras (legend, metric scale, label zoom).

Geometry travels quantised: coordinates as integers on the simplification grid, each ring's
points as differences from the previous one (as TopoJSON does), decoded in the browser.
At 2,000 villages that halves the map's payload.
"""

from __future__ import annotations

import hashlib
import json

import folium
import numpy as np
import shapely
from branca.element import MacroElement
from jinja2 import Template

from data_access.bounded import SHAPES_MAX_BYTES, BoundedCache


def _script_json(obj) -> str:
    """JSON for inside a <script>: UTF-8 text (no \\uXXXX for Chinese), no spaces, and `<`,
    `>`, `&` escaped so that no data can close the script or open a comment."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# One letter per geometry type in the compact collection (no type names per feature).
TYPE_LETTERS = {"P": "Point", "A": "Polygon", "M": "MultiPolygon"}


def _nest(items: list[str], offsets: np.ndarray) -> list[str]:
    """Join items into JSON arrays at the offsets (one array per pair of offsets)."""
    return [
        "[" + ",".join(items[a:b]) + "]" for a, b in zip(offsets[:-1], offsets[1:], strict=True)
    ]


def _encoded_size(kept: tuple[str, tuple[str, ...]]) -> int:
    letters, texts = kept
    return len(letters) + sum(len(t) for t in texts) + 64 * len(texts)


# Encodings kept (data_access.bounded.SHAPES): a scope's shapes are drawn again for every
# period and layer, and only their fills change.
_encoded: BoundedCache = BoundedCache(SHAPES_MAX_BYTES, _encoded_size)


def _coordinates(geoms, grid: float) -> tuple[str, list[str]]:
    """(type letters, coordinates texts) of Points, Polygons or MultiPolygons on `grid`, each
    ring delta-encoded; letter N and text 0 for a missing or empty geometry.

    Kept per content (a hash of the geometries' WKB, ~3 ms where encoding takes 70–400 ms
    at 2,000 villages), so the same shapes are encoded once.
    """
    geoms = np.asarray(geoms, dtype=object)
    digest = hashlib.blake2b(digest_size=16)
    for item in shapely.to_wkb(geoms):
        digest.update(b"N" if item is None else len(item).to_bytes(4, "little") + item)
    letters, texts = _encoded.get_or_build(
        (digest.digest(), grid), lambda: _encode_kept(geoms, grid)
    )
    return letters, list(texts)


def _encode_kept(geoms: np.ndarray, grid: float) -> tuple[str, tuple[str, ...]]:
    letters, texts = _encode(geoms, grid)
    return letters, tuple(texts)


def _encode(geoms: np.ndarray, grid: float) -> tuple[str, list[str]]:
    """_coordinates, computed: vectorised over all geometries (shapely.to_ragged_array);
    per-geometry shapely calls cost more than a second at 2,000 villages."""
    present = np.array([g is not None for g in geoms], dtype=bool)
    present[present] = ~shapely.is_empty(geoms[present])
    letters, texts = ["N"] * len(geoms), ["0"] * len(geoms)
    if not present.any():
        return "".join(letters), texts
    kind, coords, offsets = shapely.to_ragged_array(geoms[present])
    ints = np.rint(coords[:, :2] / grid).astype(np.int64)
    if kind == shapely.GeometryType.POINT:
        letter, out = "P", [f"[{x},{y}]" for x, y in ints.tolist()]
    else:
        starts = offsets[0][:-1]  # the first point of each ring stays absolute
        deltas = ints.copy()
        deltas[1:] -= ints[:-1]
        deltas[starts] = ints[starts]
        out = _nest([f"[{x},{y}]" for x, y in deltas.tolist()], offsets[0])
        for level in offsets[1:]:
            out = _nest(out, level)
        letter = "A" if kind == shapely.GeometryType.POLYGON else "M"
    for i, text in zip(np.flatnonzero(present), out, strict=True):
        letters[i], texts[i] = letter, text
    return "".join(letters), texts


def quantized_geometry(geom, grid: float) -> str:
    """A Point, Polygon or MultiPolygon as GeoJSON text with integer coordinates on `grid`
    (degrees), each ring delta-encoded; `null` for a missing or empty geometry."""
    letters, texts = _coordinates([geom], grid)
    if letters == "N":
        return "null"
    return f'{{"type":"{TYPE_LETTERS[letters]}","coordinates":{texts[0]}}}'


def compact_collection(geoms, properties: list[dict], grid: float) -> str:
    """Features as script-safe JSON without per-feature boilerplate: type letters `t`,
    quantised coordinates `g`, properties `p` and the scale `s` (1 / grid); DECODE_JS turns
    it into a GeoJSON FeatureCollection in the browser."""
    letters, texts = _coordinates(geoms, grid)
    coords = ",".join(texts)
    props = ",".join(_script_json(p) for p in properties)
    scale = int(round(1 / grid))
    return f'{{"s":{scale},"t":"{letters}","g":[{coords}],"p":[{props}]}}'


# Undoes compact_collection in the browser: running sums of each ring, divided by the scale.
DECODE_JS = """function(data) {
  var s = data.s, types = {P: 'Point', A: 'Polygon', M: 'MultiPolygon'};
  function ring(r) { var x = 0, y = 0;
    return r.map(function(p) { x += p[0]; y += p[1]; return [x / s, y / s]; }); }
  function coords(t, c) {
    if (t === 'P') return [c[0] / s, c[1] / s];
    if (t === 'A') return c.map(ring);
    return c.map(function(p) { return p.map(ring); });
  }
  var features = [];
  for (var i = 0; i < data.p.length; i++) {
    var t = data.t.charAt(i);
    features.push({type: 'Feature', properties: data.p[i],
      geometry: t === 'N' ? null : {type: types[t], coordinates: coords(t, data.g[i])}});
  }
  return {type: 'FeatureCollection', features: features};
}"""


class JsonLayer(folium.map.Layer):
    """A GeoJSON layer from ready JSON text, styled by JavaScript over the properties.

    folium's GeoJson writes `\\uXXXX` for every Chinese character, a space after every
    separator and a per-feature style table, which triples the payload. The tooltip is a
    table built with textContent, so no property text is ever read as HTML.

    `compact` says the data is a compact_collection (decoded in the browser). With `lookup`,
    a feature's `v` holds indexes into lookup's value lists (each distinct text is sent
    once); style and tooltip read values through `value(props, i)`.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function() {
          var lookup = {{ this.lookup_json }};
          function value(props, i) { return lookup[i][props.v[i]]; }
          var data = {{ this.data_json }};
          {%- if this.compact %} data = ({{ this.decode_js }})(data);{% endif %}
          var layer = L.geoJson(data, {
            {%- if this.point_to_layer %} pointToLayer: {{ this.point_to_layer }},{% endif %}
            {%- if this.feature_style %} style: {{ this.feature_style }},{% endif %}
            {%- if this.each_feature %} onEachFeature: {{ this.each_feature }},{% endif %}
            interactive: {{ this.interactive|tojson }}
          });
          {%- if this.tooltip %}
          layer.bindTooltip(function(l) {
            var aliases = {{ this.tooltip_aliases }}, first = {{ this.tooltip_first }};
            var props = l.feature.properties, table = document.createElement('table');
            aliases.forEach(function(alias, i) {
              var row = table.insertRow(), th = document.createElement('th');
              th.textContent = alias;
              row.appendChild(th);
              row.insertCell().textContent = value(props, first + i);
            });
            return table;
          }, {sticky: true});
          {%- endif %}
          return layer;
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        data_json: str,
        *,
        feature_style: str | None = None,
        point_to_layer: str | None = None,
        each_feature: str | None = None,
        tooltip: list[str] | None = None,
        tooltip_first: int = 0,
        lookup: list[list[str]] | None = None,
        compact: bool = False,
        interactive: bool = True,
    ):
        super().__init__(overlay=True, control=False, show=True)
        self._name = "GeoJson"
        self.data_json = data_json
        self.feature_style = feature_style
        self.point_to_layer = point_to_layer
        self.each_feature = each_feature
        self.interactive = interactive
        self.tooltip = tooltip or []
        self.tooltip_aliases = _script_json(self.tooltip)
        self.tooltip_first = tooltip_first
        self.lookup_json = _script_json(lookup or [])
        self.compact = compact
        self.decode_js = DECODE_JS


class MapExtras(MacroElement):
    """Zoom buttons with Chinese titles, the legend (fit beside the villages, foldable),
    a metric scale, and labels shown only from the zoom where they can be read: township
    labels from `label_zoom`, village names from `village_zoom` (None: no names)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
          var map = {{ this._parent.get_name() }};
          L.control.zoom({zoomInTitle: '放大', zoomOutTitle: '缩小'}).addTo(map);
          var legend = L.control({position: 'bottomright'});
          var box;
          legend.onAdd = function() {
            box = L.DomUtil.create('div', 'yf-legend');
            box.innerHTML = {{ this.legend_json }};
            L.DomEvent.disableClickPropagation(box);
            L.DomEvent.disableScrollPropagation(box);
            return box;
          };
          legend.addTo(map);
          L.control.scale({imperial: false, maxWidth: 140}).addTo(map);
          // Fit the area beside the legend (to its left or above it, whichever leaves the
          // villages larger); on a map too small for both, fold the legend to its title.
          var bounds = L.latLngBounds({{ this.bounds_json }});
          var edge = {{ this.edge_px }};
          function fit() {
            var size = map.getSize(), w = box.offsetWidth + edge, h = box.offsetHeight + edge;
            var beside = L.point(w + edge, 2 * edge), above = L.point(2 * edge, h + edge);
            var zBeside = map.getBoundsZoom(bounds, false, beside);
            var zAbove = map.getBoundsZoom(bounds, false, above);
            var pad = zBeside >= zAbove ? [w, edge] : [edge, h];
            if (Math.max(w / size.x, h / size.y) > {{ this.max_share }}) {
              box.querySelector('details').open = false;
              pad = [edge, edge];
            }
            map.fitBounds(bounds, {paddingTopLeft: [edge, edge], paddingBottomRight: pad});
          }
          fit();
          function labels() {
            var z = map.getZoom(), c = map.getContainer().classList;
            c.toggle('yf-small', z < {{ this.label_zoom }});
            c.toggle('yf-no-villages', {{ this.village_zoom_js }});
          }
          map.on('zoomend', labels);
          labels();
        })();
        {% endmacro %}
        """
    )

    # Past this share of the map's width or height the legend starts folded.
    MAX_LEGEND_SHARE = 0.45
    EDGE_PX = 8  # the margin kept free around the villages

    def __init__(
        self,
        legend_html: str,
        label_zoom: float,
        village_zoom: float | None = None,
        bounds: list[list[float]] | None = None,
    ):
        super().__init__()
        self._name = "YfExtras"
        self.legend_json = _script_json(legend_html)
        self.label_zoom = label_zoom
        self.village_zoom_js = "true" if village_zoom is None else f"z < {village_zoom}"
        self.bounds_json = _script_json(bounds or [[-60, -170], [75, 170]])
        self.edge_px = self.EDGE_PX
        self.max_share = self.MAX_LEGEND_SHARE
