"""Reading the inputs: the template, CSV encodings and headers, Chinese labels, boundary files."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
from openpyxl import load_workbook
from shapely.geometry import box

from loader.cli import check, main
from loader.encoding import detect_encoding
from loader.read import Staging
from loader.report import ERROR, WARNING
from tests.loader_county import V1, V2, county_rows, write_csv_folder, write_shapefile


@pytest.fixture
def staging(tmp_path):
    stage = Staging(tmp_path / "stage")
    (tmp_path / "stage").mkdir(exist_ok=True)
    yield stage
    stage.close()


def test_template_has_a_sheet_per_table_dropdowns_examples_and_instructions(tmp_path):
    path = tmp_path / "数据模板.xlsx"
    assert main(["template", "-o", str(path)]) == 0
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "说明"
    assert "chronic_status" in wb.sheetnames and "data_meta" not in wb.sheetnames
    ws = wb["chronic_status"]
    headers = [c.value for c in ws[1]]
    assert headers[:3] == ["月份 month", "患者编号 patient_id", "村代码 village_code"]
    assert [c.value for c in ws[2]][3:5] == ["高血压", "绿标"]
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in ws.data_validations.dataValidation}
    assert lists["E2"] == '"绿标,黄标,红标"'
    assert lists["F2"] == '"县级,乡级,村级,其他"'
    notes = " ".join(str(c.value) for row in wb["说明"].iter_rows() for c in row if c.value)
    assert "Σ分子 / Σ分母" in notes and "人次" in notes and "末月值" in notes
    # The template as it stands is a valid (fictional) county: warnings for the example rows only.
    assert main(["validate", str(path), "--report", str(tmp_path / "r.csv")]) == 0
    report = (tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    assert "错误" not in report and "示例行" in report


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_encodings_and_headers_read_the_same(tmp_path, staging, encoding):
    county = county_rows()
    rows = {
        "county": county["county"],
        "township": county["township"],
        "village": county["village"][:2],
    }
    folder = write_csv_folder(tmp_path / "csv", rows, encoding=encoding, chinese_headers=True)
    expected = {"utf-16": "utf-16", "gbk": "gb18030"}.get(encoding, encoding)
    assert detect_encoding(folder / "village.csv") == expected
    validation = check(folder, staging, None)
    assert not validation.report.errors
    got = staging.con.execute(
        "SELECT village_code, name, village_class, road FROM norm_village ORDER BY 1"
    ).fetchall()
    assert got == [(V1, "河口村", 1, "good"), (V2, "岩脚村", 2, "poor")]


def test_labels_and_month_spellings_become_codes(tmp_path, staging):
    rows = county_rows()
    chronic = rows["chronic_status"][:4]
    chronic[0].update(month="2026/1", color="绿", managed_level="村")
    chronic[1].update(month="202601", color="yellow", managed_level="township")
    chronic[2].update(month="2026年1月", disease="hypertension", color="红色")
    chronic[3].update(month="2026-02-01")
    folder = write_csv_folder(tmp_path / "csv", {**rows, "chronic_status": chronic}, "utf-8")
    validation = check(folder, staging, None)
    assert not validation.report.errors, validation.report.summary()
    got = staging.con.execute(
        "SELECT month, disease, color, managed_level FROM norm_chronic_status ORDER BY _row"
    ).fetchall()
    assert got == [
        ("2026-01", "hypertension", "green", "village"),
        ("2026-01", "diabetes", "yellow", "township"),
        ("2026-01", "hypertension", "red", "township"),
        ("2026-02", "hypertension", "yellow", "township"),
    ]
    assert staging.con.execute(
        "SELECT higher_is_better, period_agg FROM norm_indicator"
    ).fetchall() == [(True, "last")]


def test_shapefile_in_cgcs2000_with_a_bowtie_is_repaired_and_reported(tmp_path, staging):
    folder = write_csv_folder(tmp_path / "csv", county_rows(), encoding="utf-8")
    shp = write_shapefile(tmp_path / "村界.shp", code_field="CUN_DM", bowtie=V2)
    validation = check(folder, staging, None, shp, "CUN_DM")
    problems = validation.report.problems
    repaired = [p for p in problems if "make_valid" in p.reason]
    assert [(p.severity, p.row, p.value) for p in repaired] == [(WARNING, 2, V2)]
    assert not validation.report.errors
    outline = staging.con.execute(
        "SELECT geojson FROM norm_village_boundary WHERE village_code = ?", [V2]
    ).fetchall()[0][0]
    assert json.loads(outline)["type"] == "MultiPolygon"  # the bowtie's two triangles


def test_boundaries_in_web_mercator_are_reprojected_and_unknown_codes_reported(tmp_path, staging):
    folder = write_csv_folder(tmp_path / "csv", county_rows(), encoding="utf-8")
    gdf = gpd.GeoDataFrame(
        {"code": [int(V1), 990801009009]},
        geometry=[box(106.0, 25.99, 106.02, 26.01), box(106.1, 26.0, 106.2, 26.1)],
        crs="EPSG:4326",
    ).to_crs("EPSG:3857")
    path = tmp_path / "村界.geojson"
    gdf.to_file(path, driver="GeoJSON", engine="pyogrio")
    validation = check(folder, staging, None, path, "code")
    errors = [(p.row, p.column, p.value) for p in validation.report.errors]
    assert errors == [(2, "village_code", "990801009009")]
    outline = json.loads(
        staging.con.execute("SELECT geojson FROM norm_village_boundary").fetchall()[0][0]
    )
    assert min(x for x, _ in outline["coordinates"][0]) == pytest.approx(106.0, abs=1e-6)


def test_a_missing_code_field_names_the_fields_there_are(tmp_path, staging):
    shp = write_shapefile(tmp_path / "村界.shp", code_field="CUN_DM")
    folder = write_csv_folder(tmp_path / "csv", county_rows(), encoding="utf-8")
    validation = check(folder, staging, None, shp, "village_code")
    (problem,) = [p for p in validation.report.problems if p.severity == ERROR]
    assert "CUN_DM" in problem.reason and problem.file == "村界.shp"
