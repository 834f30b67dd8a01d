"""Village boundaries from a GeoPackage, Shapefile or GeoJSON into the staging database.

The outlines are reprojected to EPSG:4326 (CGCS2000 / EPSG:4490 taken as identical, as the
contract says), invalid rings are repaired with make_valid and reported, and each village
becomes one GeoJSON geometry. The rows then go through the same checks as a sheet
(codes, foreign keys to village) as the `village_boundary` table.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import shapely

from geo.io import BoundaryFileError, polygonal, to_wgs84
from loader.columns import BY_NAME
from loader.read import Source, Staging
from loader.report import ERROR, NOTE, WARNING, Problem, Report

SPEC = BY_NAME["village_boundary"]
# Decimal places kept in the stored GeoJSON: 1e-6 degree is about 0.1 m.
COORDINATE_GRID = 1e-6
# 三调 坐落单位代码 (ZLDWDM): the 12-digit village code followed by 7 digits.
ZLDWDM_DIGITS = 19


def read_boundaries(
    path: Path,
    code_field: str,
    staging: Staging,
    report: Report,
    layer: str | None = None,
) -> None:
    """Stage a boundary file as the `village_boundary` source (problems go to the report)."""
    path = Path(path)

    def fail(reason: str) -> None:
        report.add(Problem(ERROR, SPEC.name, path.name, layer, None, None, None, reason))

    if "village_boundary" in staging.sources:
        fail("村边界有两个来源（工作表和边界文件），请只保留一个")
        return
    try:
        # --encoding: a Shapefile's .dbf without its .cpg (GBK names otherwise turn to mojibake).
        extra = {"encoding": staging.encoding} if staging.encoding else {}
        gdf = gpd.read_file(path, layer=layer, engine="pyogrio", **extra)
    except Exception as exc:  # pyogrio raises its own error types per driver
        fail(f"无法读取边界文件：{str(exc).splitlines()[0]}")
        return
    if code_field not in gdf.columns:
        fields = "、".join(c for c in gdf.columns if c != "geometry")
        fail(
            f"边界文件中没有字段 {code_field}（现有字段：{fields}），请用 --code-field 指定村代码字段"
        )
        return
    try:
        gdf = to_wgs84(gdf[[code_field, "geometry"]], path.name)
    except BoundaryFileError as exc:
        fail(f"无法确定坐标系：{exc}（请附上 .prj 文件）")
        return
    source = Source(SPEC, path.name, layer, 0, ("village_code", "geojson"))
    rows, codes, texts = [], [], []
    sandiao: set[str] = set()  # villages whose features carried 19-digit 三调 ZLDWDM codes
    for number, (code, geom) in enumerate(zip(gdf[code_field], gdf.geometry, strict=True), start=1):
        code_text = _code_text(code)
        if code_text is not None and len(code_text) == ZLDWDM_DIGITS and code_text.isdigit():
            code_text = code_text[:12]
            sandiao.add(code_text)
        if geom is None or shapely.is_empty(geom):
            report.add(source.problem(ERROR, number, "geojson", code_text, "要素没有几何图形"))
            continue
        repaired = geom
        if not shapely.is_valid(geom):
            why = shapely.is_valid_reason(geom)
            repaired = polygonal(geom)
            if repaired is None:
                reason = f"边界无效（{why}），修复后不剩面状图形，无法使用"
                report.add(source.problem(ERROR, number, "geojson", code_text, reason))
                continue
            reason = f"边界无效（{why}），已用 make_valid 自动修复"
            report.add(source.problem(WARNING, number, "geojson", code_text, reason))
        elif shapely.get_type_id(geom) not in (3, 6):  # Polygon, MultiPolygon
            repaired = polygonal(geom)
            if repaired is None:
                reason = "不是面状几何（应为 Polygon 或 MultiPolygon）"
                report.add(source.problem(ERROR, number, "geojson", code_text, reason))
                continue
        rows.append(number)
        codes.append(code_text)
        texts.append(repaired)
    frame = pd.DataFrame({"_row": rows, "village_code": codes, "geometry": texts})
    if sandiao:
        reason = (
            f"{code_field} 是 19 位三调坐落单位代码（ZLDWDM）：已取前 12 位作为村代码，"
            f"同一村的图斑已合并（{len(sandiao):,} 个村）"
        )
        report.add(source.problem(NOTE, None, "village_code", code_field, reason))
    frame = _merge_parts(frame, source, report, sandiao)
    geojson = [
        shapely.to_geojson(shapely.set_precision(g, COORDINATE_GRID)) for g in frame["geometry"]
    ]
    table = pa.table(
        {
            "_row": pa.array(frame["_row"].tolist(), pa.int64()),
            "village_code": pa.array(frame["village_code"].tolist(), pa.string()),
            "geojson": pa.array(geojson, pa.string()),
        }
    )
    staging.con.execute(
        "CREATE OR REPLACE TABLE raw_village_boundary "
        "(_row BIGINT, village_code VARCHAR, geojson VARCHAR)"
    )
    staging.con.register("boundary_rows", table)
    try:
        staging.con.execute("INSERT INTO raw_village_boundary SELECT * FROM boundary_rows")
    finally:
        staging.con.unregister("boundary_rows")
    staging.define_view(SPEC, "raw_village_boundary", "_row", {"village_code", "geojson"})
    source.rows = len(table)
    staging.sources[SPEC.name] = source


def _merge_parts(
    frame: pd.DataFrame, source: Source, report: Report, expected: set[str] = frozenset()
) -> pd.DataFrame:
    """Several features of one village (multi-part exports) become one geometry; for the
    villages in `expected` (三调 parcels) that is the rule, said once by the caller."""
    repeated = frame["village_code"].notna() & frame["village_code"].duplicated(keep=False)
    if not repeated.any():
        return frame
    for code, group in frame[repeated].groupby("village_code"):
        if code in expected:
            continue
        rows = "、".join(str(r) for r in group["_row"])
        reason = f"同一个村有多个要素（第 {rows} 个），已合并为一个边界"
        report.add(
            source.problem(WARNING, int(group["_row"].iloc[0]), "village_code", code, reason)
        )
    merged = (
        frame[repeated]
        .groupby("village_code", as_index=False)
        .agg(_row=("_row", "min"), geometry=("geometry", lambda g: shapely.union_all(list(g))))
    )
    return pd.concat([frame[~repeated], merged], ignore_index=True).sort_values("_row")


def _code_text(value) -> str | None:
    """A code field as text (files often store the 12-digit codes as numbers)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None
