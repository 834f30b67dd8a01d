"""The loader end to end on every dialect: a GBK CSV folder with a Shapefile in EPSG:4490, then
the filled template, then a new month; the export CLI's figures are worked out by hand."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from dashboard.export import build_report
from data_access.engine import create_readonly_engine
from data_access.periods import Period
from data_access.scope import resolve_scope
from demo.writer import writer_engine
from loader.cli import main
from tests.dbs import DIALECTS, _unavailable
from tests.loader_county import (
    COUNTY,
    V1,
    V4,
    county_rows,
    fill_template,
    row_counts,
    server_url,
    write_csv_folder,
    write_shapefile,
)


@pytest.fixture(params=DIALECTS)
def target(request, tmp_path) -> str:
    dialect = request.param
    if dialect in ("duckdb", "sqlite"):
        return f"{dialect}:///{tmp_path / ('county.' + dialect)}"
    try:
        return server_url(dialect)
    except sa.exc.OperationalError as exc:
        _unavailable(dialect, exc)


def export(url: str, period: str) -> dict:
    engine = create_readonly_engine(url)
    try:
        return build_report(engine, resolve_scope(engine, COUNTY), Period.parse(period))
    finally:
        engine.dispose()


def table_rows(url: str, table: str, order: str | None = None) -> list[tuple]:
    """A table's rows in `order`; without one, every row sorted whole, so that
    two reads of the same content compare equal on every dialect (ties in a
    partial ORDER BY come back in any order, PostgreSQL's differ run to run)."""
    engine = writer_engine(url)
    try:
        with engine.connect() as conn:
            query = sa.select(sa.text("*")).select_from(sa.table(table))
            if order is not None:
                query = query.order_by(sa.text(order))
            rows = [tuple(r) for r in conn.execute(query).all()]
    finally:
        engine.dispose()
    return rows if order is not None else sorted(rows, key=repr)


def load(*args) -> int:
    return main(["load", "--no-progress", *map(str, args)])


def test_csv_gbk_and_shapefile_then_workbook_then_new_month(target, tmp_path, capsys):
    rows = county_rows()
    folder = write_csv_folder(tmp_path / "csv", rows, encoding="gbk")
    write_shapefile(tmp_path / "boundaries.shp")
    report = tmp_path / "report.xlsx"
    common = ["--boundaries", tmp_path / "boundaries.shp", "--code-field", "CUN_DM"]
    assert load("--db", target, folder, *common, "--report", report) == 0, capsys.readouterr()

    figures = export(target, "2026-02")
    # Hand-computed from county_rows(): 一类 = 河口村 + 石桥村, 二类 = 岩脚村 + 高寨村.
    assert figures["village_classes"] == [
        {"village_class": 1, "villages": 2, "population": 2200, "key_population": 610},
        {"village_class": 2, "villages": 2, "population": 1400, "key_population": 460},
    ]
    colors = {(r["disease"], r["color"]): r["patients"] for r in figures["chronic_colors"]}
    assert colors == {
        ("hypertension", "green"): 1,
        ("hypertension", "yellow"): 1,
        ("hypertension", "red"): 1,
        ("diabetes", "green"): 1,
        ("diabetes", "yellow"): 1,
    }
    assert figures["mismatched"] == 1  # p1's diabetes: green, managed by the township
    workload = {r["team_id"]: r for r in figures["team_workload"]}
    assert (workload["T1"]["services"], workload["T1"]["points"]) == (14, 26.0)  # 10×2 + 4×1.5
    assert (workload["T2"]["services"], workload["T2"]["points"]) == (6, 9.0)
    assert (workload["T1"]["checked"], workload["T1"]["passed"]) == (5, 4)
    (htn,) = figures["indicators"]
    assert (htn["numerator"], htn["denominator"]) == (65.0, 120.0)  # 30+10+20+5, 50+20+40+10
    assert htn["value"] == pytest.approx(100 * 65 / 120)
    # Boundaries: reprojected from CGCS2000 (identical), one GeoJSON polygon per village.
    outline = json.loads(table_rows(target, "village_boundary", "village_code")[0][1])
    assert outline["type"] == "Polygon"
    assert min(x for x, _ in outline["coordinates"][0]) == pytest.approx(106.0)
    meta = dict(table_rows(target, "data_meta", "meta_key"))
    # The source describes the database as a whole, with the latest month loaded.
    assert meta["source"] == "本县监测数据（最近加载：2026-02）"
    assert meta["extracted_at"][:2] == "20"
    assert "demo" not in meta

    # The same data again, now from the filled template: the database does not change.
    before = {t: table_rows(target, t) for t in ("village", "chronic_status", "team_village")}
    counts = row_counts(target)
    workbook = fill_template(tmp_path / "数据模板.xlsx", rows)
    assert load("--db", target, workbook, "--report", report) == 0, capsys.readouterr()
    assert row_counts(target) == counts
    assert {t: table_rows(target, t) for t in before} == before

    # A new month replaces nothing else: 2026-01 and 2026-02 stay as they are.
    march = {
        "chronic_status": [
            {"month": "2026-03", "patient_id": "p1", "village_code": V1, "disease": "高血压",
             "color": "红标", "managed_level": "县级"},
            {"month": "2026-03", "patient_id": "p4", "village_code": V4, "disease": "高血压",
             "color": "绿标", "managed_level": "村级"},
        ]
    }  # fmt: skip
    old = table_rows(target, "chronic_status", "month, patient_id, disease")
    new_folder = write_csv_folder(tmp_path / "march", march, encoding="utf-8-sig")
    assert load("--db", target, new_folder, "--report", report) == 0, capsys.readouterr()
    after = table_rows(target, "chronic_status", "month, patient_id, disease")
    assert after[: len(old)] == old
    assert [r[:2] for r in after[len(old) :]] == [("2026-03", "p1"), ("2026-03", "p4")]
    march_figures = export(target, "2026-03")
    assert {r["color"]: r["patients"] for r in march_figures["chronic_colors"]} == {
        "red": 1,
        "green": 1,
    }
    # Loading March again with only 河口镇's rows replaces 河口镇's March and keeps 石桥乡's p4.
    march["chronic_status"].pop()
    march["chronic_status"][0]["color"] = "黄标"
    write_csv_folder(new_folder, march, encoding="utf-8")
    assert load("--db", target, new_folder, "--report", report) == 0, capsys.readouterr()
    final = table_rows(target, "chronic_status", "month, patient_id, disease")
    assert final[: len(old)] == old
    assert [r[1] + "/" + r[4] for r in final[len(old) :]] == ["p1/yellow", "p4/green"]
    # The whole month goes only when asked for (--replace-months): then p4 is removed.
    args = ["--db", target, new_folder, "--report", report, "--replace-months"]
    assert load(*args) == 0, capsys.readouterr()
    final = table_rows(target, "chronic_status", "month, patient_id, disease")
    assert [r[1] for r in final[len(old) :]] == ["p1"]
