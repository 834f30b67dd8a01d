"""geo/: reading and repairing boundaries, CRS, file import, coverage simplification, outlines,
class breaks, and the folium map's offline, escaped output."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Polygon, box

from data_access.bounded import SHAPES_MAX_BYTES, BoundedCache
from geo import classes, io, leaflet, maps, processing

LON, LAT = 106.5, 26.5  # inside the demo prefecture (UTM zone 48N)


def _square(x, y, size=0.01):
    return box(x, y, x + size, y + size)


# --- database GeoJSON -------------------------------------------------------------------------


def test_geojson_rows_are_parsed_repaired_and_filtered():
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    feature = {
        "type": "Feature",
        "properties": {},
        "geometry": shapely.geometry.mapping(box(2, 2, 3, 3)),
    }
    rows = pd.DataFrame(
        {
            "village_code": ["v_ok", "v_bowtie", "v_feature", "v_line", "v_text", "v_empty"],
            "geojson": [
                json.dumps(shapely.geometry.mapping(box(0, 0, 1, 1))),
                json.dumps(bowtie),
                json.dumps(feature),
                '{"type": "LineString", "coordinates": [[0, 0], [1, 1]]}',
                "not json",
                "",
            ],
        }
    )
    gdf = io.from_geojson_rows(rows)
    assert gdf["village_code"].tolist() == ["v_ok", "v_bowtie", "v_feature"]
    assert gdf.crs == "EPSG:4326"
    assert gdf.geometry.is_valid.all()
    # the self-intersecting ring becomes two triangles of 0.25 each, not a zero-area polygon
    bow = gdf.geometry.iloc[1]
    assert bow.geom_type == "MultiPolygon" and bow.area == pytest.approx(0.5)


def test_a_ring_too_short_for_geos_does_not_lose_the_other_rows():
    rows = pd.DataFrame(
        {
            "village_code": ["short", "ok"],
            "geojson": [
                '{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}',
                json.dumps(shapely.geometry.mapping(box(0, 0, 1, 1))),
            ],
        }
    )
    assert io.from_geojson_rows(rows)["village_code"].tolist() == ["ok"]


def test_villages_without_boundary_fall_back_to_their_clinic_point():
    boundaries = gpd.GeoDataFrame(
        {"village_code": ["a"]}, geometry=[_square(LON, LAT)], crs=io.WGS84
    )
    villages = pd.DataFrame(
        {"village_code": ["a", "b", "c"], "lon": [LON, 106.6, None], "lat": [LAT, 26.6, None]}
    )
    shapes = io.village_shapes(boundaries, villages)
    assert shapes.polygons["village_code"].tolist() == ["a"]
    assert shapes.points["village_code"].tolist() == ["b"]
    assert (shapes.points.geometry.x.iloc[0], shapes.points.geometry.y.iloc[0]) == (106.6, 26.6)
    assert shapes.missing == ("c",)


# --- boundary files and CRS -------------------------------------------------------------------


def _village_file(tmp_path, name, crs, codes=(990101001001, 990101001002), driver=None):
    gdf = gpd.GeoDataFrame(
        {"vcode": list(codes)},
        geometry=[_square(LON, LAT), _square(LON + 0.01, LAT)],
        crs=io.WGS84,
    )
    path = tmp_path / name
    gdf.to_crs(crs).to_file(path, driver=driver, engine="pyogrio")
    return path


@pytest.mark.parametrize(
    ("name", "driver"),
    [("v.gpkg", "GPKG"), ("v.shp", "ESRI Shapefile"), ("v.geojson", "GeoJSON")],
)
def test_boundary_file_is_reprojected_to_wgs84(tmp_path, name, driver):
    path = _village_file(tmp_path, name, "EPSG:32648", driver=driver)  # UTM 48N, metres
    gdf = io.read_boundary_file(path, code_column="vcode")
    assert gdf.crs == "EPSG:4326"
    # numeric codes in the file come back as the contract's text codes
    assert gdf["village_code"].tolist() == ["990101001001", "990101001002"]
    minx, miny, maxx, maxy = gdf.total_bounds
    assert (minx, miny, maxx, maxy) == pytest.approx((LON, LAT, LON + 0.02, LAT + 0.01), abs=1e-6)


def test_cgcs2000_is_taken_as_wgs84_without_a_shift(tmp_path):
    path = _village_file(tmp_path, "v.gpkg", "EPSG:4326")
    gdf = gpd.read_file(path).set_crs("EPSG:4490", allow_override=True)
    out = io.to_wgs84(gdf)
    assert out.crs == "EPSG:4326"
    assert out.total_bounds == pytest.approx(gdf.total_bounds)


def test_file_without_crs_needs_lon_lat_coordinates():
    lonlat = gpd.GeoDataFrame(geometry=[_square(LON, LAT)])
    assert io.to_wgs84(lonlat).crs == "EPSG:4326"
    metres = gpd.GeoDataFrame(geometry=[box(500_000, 2_900_000, 501_000, 2_901_000)])
    with pytest.raises(io.BoundaryFileError, match="no CRS"):
        io.to_wgs84(metres, "v.shp")


def test_boundary_file_problems_are_reported(tmp_path):
    with pytest.raises(io.BoundaryFileError, match="not found"):
        io.read_boundary_file(tmp_path / "missing.gpkg")
    path = _village_file(tmp_path, "v.gpkg", "EPSG:4326")
    with pytest.raises(io.BoundaryFileError, match="no column 'village_code'"):
        io.read_boundary_file(path)


def test_file_rows_of_one_village_are_merged_and_override_the_database(tmp_path):
    parts = gpd.GeoDataFrame(
        {"village_code": ["A", "A"]},
        geometry=[_square(LON, LAT), _square(LON + 0.01, LAT)],
        crs=io.WGS84,
    )
    path = tmp_path / "parts.geojson"
    parts.to_file(path, driver="GeoJSON", engine="pyogrio")
    from_file = io.read_boundary_file(path)
    assert from_file["village_code"].tolist() == ["A"]
    assert from_file.geometry.iloc[0].area == pytest.approx(2e-4)
    database = gpd.GeoDataFrame(
        {"village_code": ["A", "B"]}, geometry=[_square(0, 0), _square(1, 1)], crs=io.WGS84
    )
    both = io.combine(database, from_file).set_index("village_code")
    assert sorted(both.index) == ["A", "B"]
    assert both.geometry["A"].area == pytest.approx(2e-4)  # the file's outline wins
    assert both.geometry["B"].equals(_square(1, 1))


# --- coverage simplification and outlines -------------------------------------------------------


def _wiggly_tiling(n=4, steps=40, amplitude=0.08, seed=3) -> gpd.GeoDataFrame:
    """n×n cells of a unit grid whose shared edges are one noisy polyline each (a coverage)."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 1, steps + 1)
    # one noise curve per grid line, zero at the ends so corners stay put
    vertical = [amplitude * np.sin(np.pi * t) * rng.normal(size=t.size) for _ in range(n + 1)]
    horizontal = [amplitude * np.sin(np.pi * t) * rng.normal(size=t.size) for _ in range(n + 1)]
    vertical[0] = vertical[n] = horizontal[0] = horizontal[n] = np.zeros_like(t)

    def v_line(i, j):  # x = i, from y = j to j+1
        return [(i + vertical[i][k] / n, j + t[k]) for k in range(t.size)]

    def h_line(i, j):  # y = j, from x = i to i+1
        return [(i + t[k], j + horizontal[j][k] / n) for k in range(t.size)]

    cells, codes = [], []
    for i in range(n):
        for j in range(n):
            ring = h_line(i, j) + v_line(i + 1, j)[1:] + h_line(i, j + 1)[::-1][1:]
            ring += v_line(i, j)[::-1][1:]
            cells.append(Polygon(ring))
            codes.append(f"{i}{j}")
    gdf = gpd.GeoDataFrame(
        {"village_code": codes, "township_code": [c[0] for c in codes]}, geometry=cells
    )
    assert shapely.coverage_is_valid(gdf.geometry.to_numpy())
    return gdf


def _voronoi_tiling(cells=30, seed=3, amplitude=0.003) -> np.ndarray:
    """Voronoi cells of the unit square with bent edges (like real village borders): edges
    meet at three-way corners that a per-polygon simplification treats differently."""
    rng = np.random.default_rng(seed)
    seeds = shapely.multipoints(rng.uniform(0, 1, (cells, 2)))
    parts = shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=box(-1, -1, 2, 2)))
    geoms = shapely.segmentize(shapely.intersection(parts, box(0, 0, 1, 1)), 0.01)

    def bend(xy):  # one smooth field (slope < 1): both copies of an edge move alike
        x, y = xy[:, 0], xy[:, 1]
        dx = np.sin(37 * y) + np.sin(91 * y + 1)
        dy = np.sin(41 * x) + np.cos(83 * x)
        return xy + amplitude * np.column_stack([dx, dy])

    geoms = shapely.set_precision(shapely.transform(geoms, bend), 1e-9)
    assert shapely.coverage_is_valid(geoms) and shapely.is_valid(geoms).all()
    return geoms


def _overlap_and_gap(geoms) -> tuple[float, float]:
    total = float(shapely.area(geoms).sum())
    union = shapely.union_all(geoms)
    hull_without_holes = shapely.Polygon(union.exterior) if union.geom_type == "Polygon" else None
    gap = 0.0 if hull_without_holes is None else hull_without_holes.area - union.area
    return total - union.area, gap


@pytest.mark.parametrize("tolerance", [0.005, 0.01, 0.02])
def test_coverage_simplification_keeps_shared_edges(tolerance):
    cells = _voronoi_tiling()
    tiles = gpd.GeoDataFrame({"village_code": [str(i) for i in range(len(cells))]}, geometry=cells)
    geoms = processing.simplify_coverage(tiles, tolerance).geometry.to_numpy()
    assert shapely.get_num_coordinates(geoms).sum() < shapely.get_num_coordinates(cells).sum() / 2
    assert len(geoms) == len(cells) and shapely.is_valid(geoms).all()
    assert shapely.coverage_is_valid(geoms)  # no overlaps, and shared edges match vertex by vertex
    overlap, gap = _overlap_and_gap(geoms)
    assert overlap == pytest.approx(0, abs=1e-9) and gap == pytest.approx(0, abs=1e-9)
    assert shapely.union_all(geoms).area == pytest.approx(1.0, abs=5e-3)  # outer edge moves too
    # every pair that shared an edge before still shares one (a line, not a point or sliver)
    neighbours = np.triu(shapely.touches(cells[:, None], cells[None, :]), 1)
    for i, j in np.argwhere(neighbours):
        before = shapely.intersection(cells[i], cells[j])
        if before.length > 0.02:
            after = shapely.intersection(geoms[i], geoms[j])
            assert after.length > 0 and shapely.area(after) == 0


def test_plain_simplify_would_break_the_tiling():
    """Why coverage simplification: the same tolerance per polygon opens slivers."""
    plain = shapely.simplify(_voronoi_tiling(), 0.01)
    assert not shapely.coverage_is_valid(plain)
    overlap, _gap = _overlap_and_gap(plain)
    assert overlap > 1e-4


def test_simplify_snaps_coordinates_to_a_grid_finer_than_the_tolerance():
    tiles = _wiggly_tiling()
    simplified = processing.simplify_coverage(tiles, 0.002)
    coords = shapely.get_coordinates(simplified.geometry.to_numpy())
    grid = processing.grid_for(0.002)
    assert grid == 1e-4
    assert np.allclose(coords / grid, np.round(coords / grid), atol=1e-6)


def test_tolerance_follows_the_extent_on_screen():
    county = processing.tolerance_for((106.0, 26.0, 106.9, 26.6), width_px=900, pixels=0.5)
    township = processing.tolerance_for((106.0, 26.0, 106.09, 26.06), width_px=900, pixels=0.5)
    assert township == pytest.approx(county / 10, rel=0.01)  # latitude shifts it a little
    assert processing.tolerance_for((1, 1, 1, 1)) == 0.0  # one point: nothing to simplify


def test_township_outlines_dissolve_their_villages():
    tiles = _wiggly_tiling()
    towns = processing.dissolve(tiles, "township_code")
    assert towns["township_code"].tolist() == ["0", "1", "2", "3"]
    assert towns.geometry.is_valid.all()
    assert (towns.geometry.geom_type == "Polygon").all()  # no internal slivers left over
    assert towns.geometry.area.sum() == pytest.approx(tiles.geometry.area.sum())
    labels = processing.label_points(towns)
    assert all(g.within(t) for g, t in zip(labels, towns.geometry, strict=True))


# --- class breaks -----------------------------------------------------------------------------


def test_breaks_are_round_quantiles():
    values = list(range(1, 101)) + [None, float("nan")]
    breaks = classes.nice_breaks(values)
    assert breaks == [21, 41, 60, 80]
    assert classes.classify([None, 1, 21, 20.9, 100], breaks).tolist() == [-1, 0, 1, 0, 4]
    assert classes.range_labels(breaks, lambda v: f"{v:g}") == [
        "< 21",
        "21 – 41",
        "41 – 60",
        "60 – 80",
        "≥ 80",
    ]


def test_breaks_for_equal_or_missing_values():
    assert classes.nice_breaks([5, 5, 5]) == []
    assert classes.nice_breaks([None, None]) == []
    assert classes.range_labels([], str) == ["全部"]
    assert classes.spread(("a", "b", "c", "d", "e", "f", "g"), 3) == ["a", "d", "g"]


# --- the map ------------------------------------------------------------------------------------

EVIL = '</script><img src=x onerror="alert(1)">村'


def _tiny_map(tiles=None):
    tiling = _wiggly_tiling(n=2).assign(fill="#9ecae1", name=EVIL)
    tiling.crs = io.WGS84
    tiling["village_code"] = ["990101001001", "990101001002", "990101002001", "990101002002"]
    points = gpd.GeoDataFrame(
        {"village_code": ["990101002003"], "fill": ["#1f4e79"], "name": ["点村"]},
        geometry=[shapely.Point(0.5, 0.5)],
        crs=io.WGS84,
    )
    towns = processing.dissolve(tiling, "township_code").assign(name=["东镇", EVIL])
    counties = gpd.GeoDataFrame(
        {"county_code": ["990101", "990102"], "name": ["甲县", "乙县"]},
        geometry=[box(0, 0, 1, 2), box(1, 0, 2, 2)],
        crs=io.WGS84,
    )
    return maps.build_map(
        tiling,
        points,
        towns,
        counties,
        tooltip=[("name", "村")],
        legend=maps.Legend("村类别<b>", (("#9ecae1", "一类村"),)),
        assets=maps.leaflet_assets("/base/app/static/vendor/leaflet/"),
        bounds=(0, 0, 2, 2),
        tiles=tiles,
    )


def test_map_loads_nothing_from_the_internet():
    page = maps.map_html(_tiny_map())
    assert re.findall(r"https?://", page) == []
    assert '<script src="/base/app/static/vendor/leaflet/leaflet.js">' in page
    assert 'href="/base/app/static/vendor/leaflet/leaflet.css"' in page
    assert "L.tileLayer" not in page  # no basemap unless configured


def test_configured_tiles_are_the_only_basemap():
    page = maps.map_html(_tiny_map(maps.Tiles("http://tiles.intranet/{z}/{x}/{y}.png", "内网")))
    assert re.findall(r"https?://[^\"' ]+", page) == ["http://tiles.intranet/{z}/{x}/{y}.png"]


def test_text_from_the_database_cannot_break_out_of_the_page():
    page = maps.map_html(_tiny_map())
    assert page.count("</script>") == page.count("<script")  # only the page's own tags
    assert "<img" not in page
    assert "\\u003c/script\\u003e\\u003cimg" in page  # the name travels as JSON text
    assert "村类别\\u0026lt;b\\u0026gt;" in page  # legend: escaped HTML inside a JS string
    assert "textContent" in page and ".innerHTML = fields" not in page


def test_clicks_report_kind_and_code():
    page = maps.map_html(_tiny_map())
    # a village feature carries its code and the indexes of its texts, not a kind
    assert '{"code":"990101001001","v":[' in page
    assert maps.clicked_area({"code": "990101001001", "v": [0, 0]}) == ("village", "990101001001")
    assert '"kind":"town","code":"0"' in page
    assert '"kind":"county","code":"990101"' in page
    assert maps.clicked_area({"kind": "town", "code": "0", "label": "东镇"}) == ("town", "0")
    assert maps.clicked_area(None) == (None, None)


def test_repeated_texts_travel_once():
    lookup, rows = maps.lookup_columns([["#fff", "#000", "#fff"], ["东镇", "东镇", None]])
    assert lookup == [["#fff", "#000"], ["东镇", ""]]
    assert rows == [[0, 0], [1, 0], [0, 1]]


def test_geometry_travels_as_integers_on_the_grid_and_decodes_exactly():
    poly = shapely.Polygon([(106.1234, 26.5), (106.1244, 26.5), (106.1244, 26.5011)])
    text = leaflet.quantized_geometry(poly, 1e-4)
    # first point absolute, then differences from the previous point
    assert text == ('{"type":"Polygon","coordinates":[[[1061234,265000],[10,0],[0,11],[-10,-11]]]}')
    rings = json.loads(text)["coordinates"]
    decoded = np.cumsum(np.array(rings[0]), axis=0) / 1e4
    assert np.allclose(decoded, np.asarray(poly.exterior.coords))
    assert leaflet.quantized_geometry(shapely.Point(106.5, 26.1), 1e-5) == (
        '{"type":"Point","coordinates":[10650000,2610000]}'
    )
    multi = shapely.MultiPolygon([poly, shapely.box(0, 0, 1e-4, 1e-4)])
    assert json.loads(leaflet.quantized_geometry(multi, 1e-4))["type"] == "MultiPolygon"
    assert leaflet.quantized_geometry(None, 1e-4) == "null"
    assert "function(data) {" in maps.map_html(_tiny_map())  # the browser decodes it


def _decode(data: dict) -> list:
    """geo.leaflet.DECODE_JS in Python: running sums per ring, divided by the scale."""

    def ring(r):
        return (np.cumsum(np.array(r), axis=0) / data["s"]).tolist()

    out = []
    for t, c in zip(data["t"], data["g"], strict=True):
        if t == "N":
            out.append(None)
        elif t == "P":
            out.append(shapely.Point(c[0] / data["s"], c[1] / data["s"]))
        elif t == "A":
            out.append(shapely.Polygon(ring(c[0]), [ring(h) for h in c[1:]]))
        else:
            out.append(shapely.MultiPolygon([(ring(p[0]), [ring(h) for h in p[1:]]) for p in c]))
    return out


def test_compact_collection_round_trips_on_the_grid():
    holed = box(0, 0, 0.004, 0.004).difference(box(0.001, 0.001, 0.002, 0.002))
    multi = shapely.MultiPolygon([box(1, 1, 1.001, 1.001), box(2, 2, 2.0012, 2.0013)])
    geoms = [holed, None, multi, shapely.Polygon()]
    data = json.loads(leaflet.compact_collection(geoms, [{"code": str(i)} for i in range(4)], 1e-4))
    assert data["s"] == 10_000 and data["t"] == "MNMN"  # mixed polygon types travel as multi
    assert [p["code"] for p in data["p"]] == ["0", "1", "2", "3"]
    back = _decode(data)
    assert back[1] is None and back[3] is None
    assert back[0].equals(holed) and back[2].equals(multi)


def test_the_same_shapes_are_encoded_once(monkeypatch):
    calls = []
    real = leaflet._encode
    monkeypatch.setattr(leaflet, "_encode", lambda g, grid: calls.append(len(g)) or real(g, grid))
    monkeypatch.setattr(leaflet, "_encoded", _encodings(SHAPES_MAX_BYTES))
    shapes = [box(0, 0, 0.004, 0.004), box(1, 1, 1.002, 1.002)]
    first = leaflet.compact_collection(shapes, [{"code": "a"}, {"code": "b"}], 1e-4)
    again = leaflet.compact_collection(
        [box(0, 0, 0.004, 0.004), box(1, 1, 1.002, 1.002)], [{"code": "x"}, {"code": "y"}], 1e-4
    )
    assert calls == [2]  # equal shapes, other properties: not encoded again
    assert json.loads(first)["g"] == json.loads(again)["g"]
    assert [p["code"] for p in json.loads(again)["p"]] == ["x", "y"]
    moved = leaflet.compact_collection([box(0, 0, 0.005, 0.004), None], [{}, {}], 1e-4)
    assert calls == [2, 2] and json.loads(moved)["t"] == "AN"  # other shapes: encoded anew
    leaflet.compact_collection(shapes, [{}, {}], 1e-5)
    assert calls == [2, 2, 2]  # another grid is another encoding


def test_kept_encodings_stay_within_their_byte_bound(monkeypatch):
    monkeypatch.setattr(leaflet, "_encoded", _encodings(2_000))
    for i in range(40):
        leaflet.compact_collection([box(i, 0, i + 0.004, 0.004)], [{}], 1e-4)
    assert 0 < leaflet._encoded.kept_bytes() <= 2_000
    assert 1 < len(leaflet._encoded) < 40


def _encodings(max_bytes: int):
    """An empty cache of encodings like geo.leaflet's, for a test of its own."""
    return BoundedCache(max_bytes, leaflet._encoded_size)


def test_grid_is_never_finer_than_five_decimals():
    assert processing.grid_for(1e-9) == 1e-5 and processing.grid_for(0.0) == 1e-5
    assert processing.grid_for(1.0) == 1e-4


def test_label_zoom_hides_township_labels_when_they_would_collide():
    towns = gpd.GeoDataFrame(geometry=[box(0, 0, 0.1, 0.1)] * 3, crs=io.WGS84)
    # 0.1° wide at zoom z spans 0.1 * 256 * 2**z / 360 px; 90 px from z ≈ 10.3
    assert maps.label_zoom(towns) == pytest.approx(10.3, abs=0.05)


def test_one_clinic_point_still_has_an_extent_to_fit():
    from shapely.geometry import Point

    from geo.processing import MIN_SPAN_DEG, total_bounds

    point = gpd.GeoDataFrame({"village_code": ["v"]}, geometry=[Point(106.5, 26.1)], crs=4326)
    minx, miny, maxx, maxy = total_bounds(point)
    assert (maxx - minx, maxy - miny) == pytest.approx((MIN_SPAN_DEG, MIN_SPAN_DEG))
    assert (minx + maxx) / 2 == pytest.approx(106.5) and (miny + maxy) / 2 == pytest.approx(26.1)
