"""The demo writer: deterministic, nested codes, valid geometry, and the contract's rules."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
import shapely
import sqlalchemy as sa

from data_access import schema
from demo import build_database, build_demo_file
from demo.__main__ import main as cli_main
from tests import dbs

FILE_DIALECTS = ("duckdb", "sqlite")
HASHED_TABLES = (
    "village",
    "village_boundary",
    "team_member",
    "team_service",
    "chronic_status",
    "indicator_value",
)


def _url(folder: Path, dialect: str, name: str = "db") -> str:
    suffix = "duckdb" if dialect == "duckdb" else "sqlite"
    return f"{dialect}:///{folder / f'{name}.{suffix}'}"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, sa.Engine]:
    """The `test` scale written once per file dialect (seed 42)."""
    folder = tmp_path_factory.mktemp("demo_test_scale")
    engines = {}
    for dialect in FILE_DIALECTS:
        url = _url(folder, dialect)
        build_database(url, scale="test", seed=42)
        engines[dialect] = sa.create_engine(url)
    yield engines
    for engine in engines.values():
        engine.dispose()


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory) -> sa.Engine:
    """The default `demo` scale, for checks that need realistic numbers of villages."""
    path = tmp_path_factory.mktemp("demo_scale") / "demo.duckdb"
    build_demo_file(path)
    engine = sa.create_engine(f"duckdb:///{path}")
    yield engine
    engine.dispose()


def rows(engine: sa.Engine, sql: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(sql))]


def scalar(engine: sa.Engine, sql: str):
    with engine.connect() as conn:
        return conn.execute(sa.text(sql)).scalar_one()


def _comparable(value):
    # sa.Float is single precision in DuckDB and MySQL, double elsewhere: compare as float32.
    return float(np.float32(value)) if isinstance(value, float) else value


def digest(engine: sa.Engine, table_name: str) -> str:
    """A hash of the table's rows, independent of row order and of the dialect's float width."""
    table = schema.metadata.tables[table_name]
    with engine.connect() as conn:
        result = conn.execute(sa.select(*table.columns))
        content = sorted(tuple(_comparable(v) for v in r) for r in result)
    return hashlib.sha256(repr(content).encode()).hexdigest()


@pytest.fixture(params=FILE_DIALECTS)
def engine(request, built) -> sa.Engine:
    return built[request.param]


def test_same_seed_gives_identical_content_on_every_dialect(built, tmp_path):
    again = _url(tmp_path, "duckdb", "again")
    build_database(again, scale="test", seed=42)
    other = _url(tmp_path, "duckdb", "other")
    build_database(other, scale="test", seed=7)
    again_engine, other_engine = sa.create_engine(again), sa.create_engine(other)
    try:
        for table in HASHED_TABLES:
            reference = digest(built["duckdb"], table)
            assert digest(again_engine, table) == reference, table
            assert digest(built["sqlite"], table) == reference, table
        assert digest(other_engine, "chronic_status") != digest(built["duckdb"], "chronic_status")
    finally:
        again_engine.dispose()
        other_engine.dispose()


def test_codes_nest_by_prefix(engine):
    counties = {c for (c,) in rows(engine, "SELECT county_code FROM county")}
    assert counties and all(len(c) == 6 and c.isdigit() and c.startswith("9901") for c in counties)
    townships = rows(engine, "SELECT township_code, county_code FROM township")
    assert all(len(t) == 9 and t[:6] == c and c in counties for t, c in townships)
    township_codes = {t for t, _ in townships}
    villages = rows(engine, "SELECT village_code, township_code FROM village")
    assert all(len(v) == 12 and v[:9] == t and t in township_codes for v, t in villages)


def test_every_village_has_exactly_one_team_in_its_township(engine):
    per_village = rows(
        engine,
        "SELECT v.village_code, COUNT(tv.team_id), MIN(t.township_code), MIN(v.township_code) "
        "FROM village v LEFT JOIN team_village tv ON tv.village_code = v.village_code "
        "LEFT JOIN team t ON t.team_id = tv.team_id GROUP BY v.village_code",
    )
    assert per_village and all(
        n == 1 and team_t == village_t for _, n, team_t, village_t in per_village
    )
    sizes = {n for (n,) in rows(engine, "SELECT COUNT(*) FROM team_village GROUP BY team_id")}
    assert sizes <= {1, 2, 3, 4}
    members = {n for (n,) in rows(engine, "SELECT COUNT(*) FROM team_member GROUP BY team_id")}
    assert min(members) >= 4 and max(members) <= 9


def test_boundaries_are_valid_polygons_tiling_without_gaps(built):
    engine = built["duckdb"]
    found = rows(
        engine,
        "SELECT v.village_code, b.geojson, v.lon, v.lat FROM village v "
        "LEFT JOIN village_boundary b ON b.village_code = v.village_code",
    )
    shapes = [(shapely.from_geojson(g), lon, lat) for _, g, lon, lat in found if g is not None]
    assert len(shapes) < len(found)  # some villages have no boundary row
    assert all(g.geom_type in ("Polygon", "MultiPolygon") and g.is_valid for g, _, _ in shapes)
    assert all(g.contains(shapely.Point(lon, lat)) for g, lon, lat in shapes)
    assert shapely.coverage_is_valid(np.array([g for g, _, _ in shapes]))
    assert all('"Feature"' not in g for _, g, _, _ in found if g is not None)


@pytest.mark.parametrize(
    ("table", "parent"),
    [
        ("county", "prefecture"),
        ("township", "county_code"),
        ("village", "township_code"),
        ("team", "township_code"),
        ("team_member", "team_id"),
    ],
)
def test_names_are_unique_within_their_parent(built, table, parent):
    duplicates = rows(
        built["duckdb"],
        f"SELECT {parent}, name FROM {table} GROUP BY {parent}, name HAVING COUNT(*) > 1",
    )
    assert duplicates == []


def test_names_with_rare_characters_and_quotes_round_trip(engine):
    village_names = {n for (n,) in rows(engine, "SELECT name FROM village")}
    assert {"㵲溪村", "𠄘坪村"} <= village_names
    quoted = rows(engine, "SELECT name FROM team WHERE name LIKE '%''%'")
    assert len(quoted) == 1 and quoted[0][0].endswith("'健康守门人'医防融合团队")


def test_chronic_status_has_one_row_per_patient_disease_and_month(engine):
    duplicates = scalar(
        engine,
        "SELECT COUNT(*) FROM (SELECT patient_id, disease, month FROM chronic_status "
        "GROUP BY patient_id, disease, month HAVING COUNT(*) > 1) d",
    )
    assert duplicates == 0
    assert scalar(engine, "SELECT COUNT(DISTINCT month) FROM chronic_status") == 3
    two_diseases = scalar(
        engine,
        "SELECT COUNT(*) FROM (SELECT patient_id FROM chronic_status WHERE month = '2026-10' "
        "GROUP BY patient_id HAVING COUNT(*) = 2) p",
    )
    assert two_diseases > 0


def test_chronic_status_is_stored_in_month_order(engine):
    spans = rows(engine, "SELECT month, MIN(rowid), MAX(rowid) FROM chronic_status GROUP BY month")
    spans.sort()
    assert all(prev[2] < nxt[1] for prev, nxt in zip(spans, spans[1:], strict=False))


def test_data_meta_marks_the_demo(engine):
    meta = dict(rows(engine, "SELECT meta_key, meta_value FROM data_meta"))
    assert meta["demo"] == "true"
    assert datetime.fromisoformat(meta["extracted_at"]).isoformat() == "2026-11-05T08:00:00+08:00"
    # the source in the bureau's words; the generator's parameters under their own keys
    assert meta["source"] == "演示数据（随机生成，非真实数据）"
    assert meta["scale"] == "test" and meta["seed"] == "42"


def test_indicator_rows_sit_at_one_level_per_indicator_and_month(engine):
    mixed = rows(
        engine,
        "SELECT indicator_code, month FROM indicator_value "
        "GROUP BY indicator_code, month HAVING COUNT(DISTINCT area_level) > 1",
    )
    assert mixed == []
    levels = dict(
        rows(
            engine,
            "SELECT indicator_code, MIN(area_level) FROM indicator_value GROUP BY indicator_code",
        )
    )
    assert levels.pop("primary_visit_share") == "county"
    assert set(levels.values()) == {"village"}
    months = dict(
        rows(
            engine,
            "SELECT indicator_code, COUNT(DISTINCT month) FROM indicator_value GROUP BY indicator_code",
        )
    )
    assert months.pop("bg_control") == 2  # the middle month never arrived
    assert set(months.values()) == {3}
    assert scalar(engine, "SELECT COUNT(*) FROM indicator_value WHERE denominator = 0") >= 3


def test_service_types_and_quarterly_checks(engine):
    types = rows(engine, "SELECT service_type, name, points FROM service_type")
    assert sorted(t for t, _, _ in types) == sorted(
        ["sign", "follow_up", "health_check", "health_education", "consultation", "referral"]
    )
    checks = rows(engine, "SELECT month, checked, passed FROM sample_check")
    assert checks and all(m == "2026-09" and 0 <= p <= c for m, c, p in checks)


def test_demo_scale_is_realistic(demo_engine):
    e = demo_engine
    assert scalar(e, "SELECT COUNT(*) FROM county") == 5
    assert scalar(e, "SELECT COUNT(*) FROM township") == 50
    assert scalar(e, "SELECT COUNT(*) FROM village") == 600
    assert rows(e, "SELECT MIN(month), MAX(month) FROM chronic_status") == [("2025-11", "2026-10")]
    share2 = scalar(e, "SELECT AVG(CASE WHEN village_class = 2 THEN 1.0 ELSE 0 END) FROM village")
    assert 0.35 <= share2 <= 0.45
    no_class2 = scalar(
        e,
        "SELECT COUNT(*) FROM (SELECT township_code FROM village GROUP BY township_code "
        "HAVING MAX(village_class) = 1) t",
    )
    assert no_class2 >= 1
    by_class = dict(
        (c, (d, dens))
        for c, d, dens in rows(
            e,
            "SELECT village_class, AVG(distance_km), SUM(population) / SUM(area_km2) FROM village GROUP BY 1",
        )
    )
    assert by_class[2][0] > by_class[1][0] and by_class[2][1] < by_class[1][1]
    disagreeing = scalar(
        e,
        "SELECT COUNT(*) FROM village WHERE village_class = 1 AND distance_km > 12 AND road = 'poor'",
    )
    assert disagreeing >= 2


def test_demo_chronic_mix_mismatch_and_services(demo_engine):
    e = demo_engine
    red = dict(
        rows(
            e,
            "SELECT v.village_class, AVG(CASE WHEN c.color = 'red' THEN 1.0 ELSE 0 END) "
            "FROM chronic_status c JOIN village v ON v.village_code = c.village_code "
            "WHERE c.month = '2026-10' GROUP BY 1",
        )
    )
    assert red[2] > red[1]
    mismatch = scalar(
        e,
        "SELECT AVG(CASE WHEN (color = 'green' AND managed_level <> 'village') OR "
        "(color = 'yellow' AND managed_level <> 'township') OR "
        "(color = 'red' AND managed_level <> 'county') THEN 1.0 ELSE 0 END) FROM chronic_status",
    )
    assert 0.03 <= mismatch <= 0.06
    silent = scalar(
        e,
        "SELECT COUNT(*) FROM team t WHERE NOT EXISTS (SELECT 1 FROM team_service s "
        "WHERE s.team_id = t.team_id AND s.month = '2026-10')",
    )
    assert silent >= 1
    low_pass = scalar(
        e,
        "SELECT COUNT(*) FROM (SELECT team_id FROM sample_check GROUP BY team_id "
        "HAVING SUM(passed) * 1.0 / SUM(checked) < 0.78) t",
    )
    assert low_pass >= 1
    never_checked = scalar(
        e, "SELECT COUNT(*) FROM team t WHERE t.team_id NOT IN (SELECT team_id FROM sample_check)"
    )
    assert never_checked >= 1


def test_demo_funding_tilts_to_class2_except_in_one_county(demo_engine):
    per_capita = rows(
        demo_engine,
        "SELECT SUBSTR(v.village_code, 1, 6), v.village_class, SUM(f.amount) / SUM(v.population) "
        "FROM village_funding f JOIN village v ON v.village_code = f.village_code "
        "WHERE f.year = 2026 GROUP BY 1, 2",
    )
    by_county: dict[str, dict[int, float]] = {}
    for county, cls, value in per_capita:
        by_county.setdefault(county, {})[cls] = value
    tilted = [c for c, v in by_county.items() if v[2] > 1.15 * v[1]]
    untilted = [c for c, v in by_county.items() if v[2] < v[1]]
    assert len(untilted) == 1 and len(tilted) == len(by_county) - 1


def test_build_demo_file_is_atomic_and_reports_progress(tmp_path):
    path = tmp_path / "new" / "folder" / "demo.duckdb"
    seen: list[tuple[float, str]] = []
    build_demo_file(path, scale="test", progress=lambda f, m: seen.append((f, m)))
    assert sorted(p.name for p in path.parent.iterdir()) == ["demo.duckdb"]
    fractions = [f for f, _ in seen]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0 and fractions == sorted(fractions)
    assert all(isinstance(m, str) and m for _, m in seen)


def test_unknown_scale_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown scale"):
        build_database(_url(tmp_path, "duckdb"), scale="galaxy")


def test_cli_builds_a_duckdb_file(tmp_path, capsys):
    path = tmp_path / "cli.duckdb"
    assert cli_main(["--duckdb", str(path), "--scale", "test", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert path.exists() and "[100%]" in out and "chronic_status" in out


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_server_dialects_match_duckdb(dialect, built, tmp_path):
    url, _ = dbs.urls_for(dialect, tmp_path)
    try:
        build_database(url, scale="test", seed=42)
    except sa.exc.OperationalError as exc:
        dbs._unavailable(dialect, exc)
    engine = sa.create_engine(url)
    try:
        # MySQL's FLOAT is single precision and is sent as 6 significant digits (lon 106.936),
        # so the village table (lon, lat) only matches on the dialects with enough precision.
        tables = [t for t in HASHED_TABLES if dialect != "mysql" or t != "village"]
        for table in tables:
            assert digest(engine, table) == digest(built["duckdb"], table), table
        test_names_with_rare_characters_and_quotes_round_trip(engine)
    finally:
        engine.dispose()
