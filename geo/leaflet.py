"""Leaflet pieces folium lacks: a GeoJSON layer from ready JSON text (compact, UTF-8, styled
and tooltipped in JavaScript) and the map's extras (legend, metric scale, label zoom).

Geometry travels quantised: coordinates as integers on the simplification grid, each ring's
points as differences from the previous one (as TopoJSON does), decoded in the browser.
At 2,000 villages that halves the map's payload.
"""

from __future__ import annotations

import json

import folium
import numpy as np
import shapely
from branca.element import MacroElement
from jinja2 import Template


def _script_json(obj) -> str:
    """JSON for inside a <script>: UTF-8 text (no \\uXXXX for Chinese), no spaces, and `<`,
    `>`, `&` escaped so that no data can close the script or open a comment."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def feature_collection(geometries: list[str], properties: list[dict]) -> str:
    """A FeatureCollection as script-safe JSON text from GeoJSON geometry texts and properties.

    Built as text: geometries from shapely.to_geojson are not parsed and dumped again, which
    at 2,000 villages is most of the time a map takes to build.
    """
    features = ",".join(
        '{"type":"Feature","properties":' + _script_json(p) + ',"geometry":' + g + "}"
        for g, p in zip(geometries, properties, strict=True)
    )
    return '{"type":"FeatureCollection","features":[' + features + "]}"


def _ring(coords: np.ndarray, grid: float) -> str:
    ints = np.rint(coords[:, :2] / grid).astype(np.int64)
    ints[1:] -= ints[:-1].copy()
    return "[" + ",".join(f"[{x},{y}]" for x, y in ints.tolist()) + "]"


def _polygon(poly, grid: float) -> str:
    rings = [poly.exterior, *poly.interiors]
    return "[" + ",".join(_ring(np.asarray(r.coords), grid) for r in rings) + "]"


def quantized_geometry(geom, grid: float) -> str:
    """A Point, Polygon or MultiPolygon as GeoJSON text with integer coordinates on `grid`
    (degrees), each ring delta-encoded; `null` for a missing or empty geometry."""
    if geom is None or shapely.is_empty(geom):
        return "null"
    kind = shapely.get_type_id(geom)
    if kind == shapely.GeometryType.POINT:
        x, y = np.rint(np.array([geom.x, geom.y]) / grid).astype(np.int64).tolist()
        return f'{{"type":"Point","coordinates":[{x},{y}]}}'
    if kind == shapely.GeometryType.POLYGON:
        return '{"type":"Polygon","coordinates":' + _polygon(geom, grid) + "}"
    if kind == shapely.GeometryType.MULTIPOLYGON:
        parts = ",".join(_polygon(p, grid) for p in geom.geoms)
        return '{"type":"MultiPolygon","coordinates":[' + parts + "]}"
    return shapely.to_geojson(geom)  # other types pass unquantised (not expected here)


def quantized_geometries(geoms, grid: float) -> list[str]:
    return [quantized_geometry(g, grid) for g in geoms]


# Undoes quantized_geometry in the browser: running sums of each ring, divided by 1 / grid.
DECODE_JS = """function(data, scale) {
  function ring(r) { var x = 0, y = 0;
    return r.map(function(p) { x += p[0]; y += p[1]; return [x / scale, y / scale]; }); }
  data.features.forEach(function(f) { var g = f.geometry; if (!g) return;
    if (g.type === 'Point') g.coordinates = [g.coordinates[0] / scale, g.coordinates[1] / scale];
    else if (g.type === 'Polygon') g.coordinates = g.coordinates.map(ring);
    else if (g.type === 'MultiPolygon')
      g.coordinates = g.coordinates.map(function(p) { return p.map(ring); }); });
  return data;
}"""


class JsonLayer(folium.map.Layer):
    """A GeoJSON layer from ready JSON text, styled by JavaScript over the properties.

    folium's GeoJson writes `\\uXXXX` for every Chinese character, a space after every
    separator and a per-feature style table, which triples the payload. The tooltip is a
    table built with textContent, so no property text is ever read as HTML.

    `scale` (1 / grid) says the geometry is quantised (quantized_geometry). With `lookup`,
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
          {%- if this.scale %} data = ({{ this.decode_js }})(data, {{ this.scale }});{% endif %}
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
        scale: float | None = None,
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
        self.scale = None if scale is None else int(round(scale))
        self.decode_js = DECODE_JS


class MapExtras(MacroElement):
    """Legend control, and township labels hidden while zoomed out too far to read them."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
          var map = {{ this._parent.get_name() }};
          var legend = L.control({position: 'bottomright'});
          legend.onAdd = function() {
            var div = L.DomUtil.create('div', 'yf-legend');
            div.innerHTML = {{ this.legend_json }};
            return div;
          };
          legend.addTo(map);
          L.control.scale({imperial: false, maxWidth: 140}).addTo(map);
          function labels() {
            map.getContainer().classList.toggle('yf-small', map.getZoom() < {{ this.label_zoom }});
          }
          map.on('zoomend', labels);
          labels();
        })();
        {% endmacro %}
        """
    )

    def __init__(self, legend_html: str, label_zoom: float):
        super().__init__()
        self._name = "YfExtras"
        self.legend_json = _script_json(legend_html)
        self.label_zoom = label_zoom
