"""Leaflet pieces folium lacks: a GeoJSON layer from ready JSON text (compact, UTF-8, styled
and tooltipped in JavaScript) and the map's extras (legend, metric scale, label zoom)."""

from __future__ import annotations

import json

import folium
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


class JsonLayer(folium.map.Layer):
    """A GeoJSON layer from ready JSON text, styled by JavaScript over the properties.

    folium's GeoJson writes `\\uXXXX` for every Chinese character, a space after every
    separator and a per-feature style table, which triples the payload. The tooltip is a
    table built with textContent, so no property text is ever read as HTML.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJson({{ this.data_json }}, {
          {%- if this.point_to_layer %} pointToLayer: {{ this.point_to_layer }},{% endif %}
          {%- if this.feature_style %} style: {{ this.feature_style }},{% endif %}
          {%- if this.each_feature %} onEachFeature: {{ this.each_feature }},{% endif %}
          interactive: {{ this.interactive|tojson }}
        });
        {%- if this.tooltip %}
        {{ this.get_name() }}.bindTooltip(function(layer) {
          var fields = {{ this.tooltip_fields }}, aliases = {{ this.tooltip_aliases }};
          var props = layer.feature.properties, table = document.createElement('table');
          fields.forEach(function(field, i) {
            var row = table.insertRow(), th = document.createElement('th');
            th.textContent = aliases[i];
            row.appendChild(th);
            row.insertCell().textContent = props[field];
          });
          return table;
        }, {sticky: true});
        {%- endif %}
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
        tooltip: list[tuple[str, str]] | None = None,
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
        self.tooltip_fields = _script_json([key for key, _ in self.tooltip])
        self.tooltip_aliases = _script_json([alias for _, alias in self.tooltip])


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
