"""The export CLI: the figures of tests/handmade.py as JSON, and one-line errors for bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import sqlalchemy as sa

from tests import handmade as hm
from tests.dbs import urls_for, write_rows


@pytest.fixture(scope="module")
def db_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export")
    writer_url, reader_url = urls_for("sqlite", folder)
    writer = sa.create_engine(writer_url)
    write_rows(writer, hm.ROWS)
    writer.dispose()
    return reader_url


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "dashboard.export", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_export_county_quarter(db_url, tmp_path):
    out = tmp_path / "report.json"
    result = run("--db", db_url, "--period", "2026-Q1", "--county", hm.A, "-o", str(out))
    assert result.returncode == 0, result.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["period"] == "2026-Q1"
    assert report["months"] == ["2026-01", "2026-02", "2026-03"]
    assert report["village_classes"] == [
        {"village_class": 1, "villages": 2, "population": 1800, "key_population": 550},
        {"village_class": 2, "villages": 1, "population": 500, "key_population": 200},
    ]
    assert sorted((r["disease"], r["color"], r["patients"]) for r in report["chronic_colors"]) == [
        ("diabetes", "green", 1),
        ("hypertension", "green", 1),
        ("hypertension", "red", 1),
        ("hypertension", "yellow", 1),
    ]
    assert sorted(tuple(r.values()) for r in report["chronic_transitions"]) == [
        ("diabetes", "green", "green", 1),
        ("hypertension", "green", "red", 1),
        ("hypertension", "red", "yellow", 1),
    ]
    assert report["mismatched"] == 3
    teams = {t["team_id"]: t for t in report["team_workload"]}
    assert set(teams) == {"T1", "T2", "T3"}
    assert teams["T1"]["services"] == 21 and teams["T1"]["points"] == 36.5
    assert teams["T1"]["village_doctor_share"] == pytest.approx(12 / 21)
    assert teams["T3"]["village_doctor_share"] is None
    indicators = {i["indicator_code"]: i for i in report["indicators"]}
    assert indicators["htn"]["value"] == pytest.approx(70.0)
    assert indicators["pvs"]["numerator"] == 90 and indicators["pvs"]["denominator"] == 200
    ranking = {r["county_code"]: r["rank"] for r in report["county_ranking"]}
    assert ranking == {hm.C: 1, hm.D: 1, hm.A: 3, hm.B: 4, hm.E: None}


def test_export_township_to_stdout(db_url):
    result = run("--db", db_url, "--period", "2026-Q1", "--township", hm.WEST)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["scope"] == {"county": hm.A, "townships": [hm.WEST]}
    assert [t["team_id"] for t in report["team_workload"]] == ["T2", "T3"]
    assert report["mismatched"] == 1


def test_export_period_without_data(db_url):
    result = run("--db", db_url, "--period", "2024-05")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["chronic_colors"] == [] and report["chronic_month"] is None
    assert all(i["value"] is None for i in report["indicators"])


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--period", "2026-13"], "期间“2026-13”格式不对"),
        (["--period", "2026-Q1", "--county", "123456"], "没有名称或代码为“123456”的县区"),
        (["--period", "2026-Q1", "--township", "990102001", "--county", hm.A], "乡镇 990102001"),
    ],
)
def test_bad_arguments_exit_with_one_line(db_url, args, needle):
    result = run("--db", db_url, *args)
    assert result.returncode != 0
    assert result.stderr.count("\n") == 1 and needle in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_database_exits_with_one_line():
    result = run("--db", "postgresql://nobody@127.0.0.1:1/none", "--period", "2026-Q1")
    assert result.returncode != 0
    assert result.stderr.count("\n") == 1 and "无法连接或读取" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_file_and_missing_table(tmp_path):
    result = run("--db", f"sqlite:///{tmp_path / 'absent.sqlite'}", "--period", "2026-Q1")
    assert result.returncode != 0 and result.stderr.count("\n") == 1
    writer = sa.create_engine(f"sqlite:///{tmp_path / 'partial.sqlite'}")
    write_rows(writer, hm.ROWS)
    with writer.begin() as conn:
        conn.exec_driver_sql("DROP TABLE team_service")
    writer.dispose()
    result = run("--db", f"sqlite:///{tmp_path / 'partial.sqlite'}", "--period", "2026-Q1")
    assert result.returncode != 0 and "team_service" in result.stderr
    assert result.stderr.count("\n") == 1
