"""A workbook with one of each kind of error: each is reported at its sheet, row and column,
and the database is left exactly as it was (row counts; file bytes for DuckDB and SQLite)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from openpyxl import load_workbook

from loader.cli import main
from tests.loader_county import (
    COUNTY,
    T_HEKOU,
    V1,
    county_rows,
    fill_template,
    row_counts,
    write_csv_folder,
)
from tests.test_loader import target  # noqa: F401 - the four-dialect fixture

BAD_TOWNSHIP = {"township_code": "99080100", "county_code": COUNTY, "name": "错码镇"}
MISPLACED = {
    "village_code": "990801002003",
    "township_code": T_HEKOU,
    "name": "错位村",
    "village_class": "一类",
}


def broken_rows() -> dict[str, list[dict]]:
    rows = copy.deepcopy(county_rows())
    rows["county"][0]["name"] = "青山县（新）"  # differs from the database: a warning
    rows["township"].append(BAD_TOWNSHIP)  # row 4
    rows["village"][0]["population"] = "一千"  # row 2
    rows["village"].append(MISPLACED)  # row 6
    rows["team"][1]["name"] = None  # row 3
    rows["team_village"].append({"team_id": "T2", "village_code": V1})  # row 6
    rows["team_service"][1]["month"] = "2026-13"  # row 3
    rows["team_service"][2]["services"] = -3  # row 4
    rows["sample_check"][0]["passed"] = 6  # row 2: 6 of 5 checked
    chronic = rows["chronic_status"]
    chronic[1]["color"] = "紫标"  # row 3
    chronic[2]["village_code"] = "990801009009"  # row 4
    chronic.append(dict(chronic[0]))  # row 10 repeats row 2
    rows["indicator_value"][0]["numerator"] = 60  # row 2: 60 of 50
    return rows


EXPECTED = [  # (sheet, row, column, words of the reason)
    ("township", 4, "township_code", "应为 9 位数字代码"),
    ("village", 2, "population", "应为整数"),
    ("village", 6, "village_code", "代码应以所属上级代码 990801001 开头"),
    ("team", 3, "name", "必填项为空"),
    ("team_village", 2, "village_code", "一个村只能由一个团队服务"),
    ("team_village", 6, "village_code", "一个村只能由一个团队服务"),
    ("team_service", 3, "month", "月份应为 YYYY-MM"),
    ("team_service", 4, "services", "不能为负数"),
    ("sample_check", 2, "passed", "合格人数大于抽查人数"),
    ("chronic_status", 3, "color", "不是有效取值"),
    ("chronic_status", 4, "village_code", "在 village（村（网格））中找不到"),
    ("chronic_status", 10, "month", "重复：与第 2 行"),
    ("indicator_value", 2, "numerator", "分子大于分母"),
]


def report_rows(path: Path) -> list[tuple]:
    ws = load_workbook(path, read_only=True)["问题"]
    return [tuple(r) for r in ws.iter_rows(min_row=2, values_only=True)]


def snapshot(url: str) -> tuple:
    database = url.split(":///", 1)[1] if url.startswith(("duckdb", "sqlite")) else None
    files = sorted(Path(database).parent.glob(Path(database).name + "*")) if database else []
    return row_counts(url), {f.name: f.read_bytes() for f in files}


def test_every_error_is_located_and_nothing_is_written(target, tmp_path):  # noqa: F811
    good = write_csv_folder(tmp_path / "good", county_rows(), encoding="utf-8")
    good_report = str(tmp_path / "good.csv")
    assert main(["load", "--no-progress", "--db", target, str(good), "--report", good_report]) == 0
    before = snapshot(target)

    workbook = fill_template(tmp_path / "broken.xlsx", broken_rows())
    report = tmp_path / "report.xlsx"
    args = [str(workbook), "--db", target, "--report", str(report)]
    assert main(["validate", *args]) == 1
    assert main(["load", "--no-progress", "--accept-warnings", *args]) == 1
    assert snapshot(target) == before

    problems = report_rows(report)
    errors = {(p[2], p[3], p[4]): p[6] for p in problems if p[0] == "错误"}
    for sheet, row, column, words in EXPECTED:
        assert words in errors.get((sheet, row, column), ""), (sheet, row, column, errors)
    assert len(errors) == len(EXPECTED), errors
    assert {p[1] for p in problems} == {"broken.xlsx"}
    warnings = {(p[2], p[3], p[4]): p[6] for p in problems if p[0] == "警告"}
    assert "青山县 → 青山县（新）" in warnings[("county", 2, "county_code")]
    assert "没有任何团队服务" in warnings[("village", 6, "village_code")]
    values = {(p[2], p[3], p[4]): p[5] for p in problems}
    assert values[("village", 2, "population")] == "一千"
    assert values[("chronic_status", 3, "color")] == "紫标"


def test_warnings_need_accepting_and_dry_run_writes_nothing(tmp_path, capsys):
    url = f"duckdb:///{tmp_path / 'w.duckdb'}"
    rows = county_rows()
    rows["village"][0]["lon"] = 26.0  # lon and lat swapped: a warning
    folder = write_csv_folder(tmp_path / "csv", rows, encoding="gb18030", chinese_headers=False)
    report = tmp_path / "report.csv"
    assert main(["load", "--db", url, str(folder), "--report", str(report)]) == 1
    assert "--accept-warnings" in capsys.readouterr().err
    assert not (tmp_path / "w.duckdb").exists()
    assert "超出中国范围" in report.read_text(encoding="utf-8-sig")
    args = ["load", "--db", url, str(folder), "--accept-warnings", "--no-progress"]
    args += ["--report", str(report)]
    assert main([*args, "--dry-run"]) == 0
    assert not (tmp_path / "w.duckdb").exists()
    assert main(args) == 0
    assert row_counts(url)["chronic_status"] == 8


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "missing-folder"],
        ["load", "--db", "oracle://x/y", "x.xlsx"],
        ["validate", "x.xls"],
    ],
)
def test_unusable_arguments_exit_non_zero(argv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) != 0
