"""The dashboard's engine refuses writes on every dialect, and reading leaves files untouched."""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa

from dashboard.export import build_report
from data_access.engine import ConfigurationError, create_readonly_engine
from data_access.periods import Period
from data_access.scope import Scope
from tests import handmade as hm
from tests.dbs import dialect_params, loaded_database, urls_for, write_rows

WRITES = [
    "INSERT INTO county (county_code, name, prefecture) VALUES ('990199', 'x', 'y')",
    "UPDATE village SET population = 0",
    "DELETE FROM data_meta",
    "CREATE TABLE intruder (a INTEGER)",
    "DROP TABLE data_meta",
]


@pytest.fixture(scope="module", params=dialect_params())
def engine(request, tmp_path_factory):
    with loaded_database(request.param, hm.ROWS, tmp_path_factory.mktemp(request.param)) as eng:
        yield eng


@pytest.mark.parametrize("statement", WRITES, ids=lambda s: s.split()[0].lower())
def test_engine_refuses_writes(engine, statement):
    with pytest.raises(sa.exc.DBAPIError):
        with engine.begin() as conn:
            conn.exec_driver_sql(statement)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM village").scalar() == len(
            hm.ROWS["village"]
        )
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM data_meta").scalar() == 2


def test_engine_refuses_writes_through_core(engine):
    from data_access.schema import county

    with pytest.raises(sa.exc.DBAPIError):
        with engine.begin() as conn:
            conn.execute(county.insert().values(county_code="990198", name="x"))


@pytest.mark.parametrize("dialect", ["duckdb", "sqlite"])
def test_reading_leaves_file_byte_identical(dialect, tmp_path):
    writer_url, reader_url = urls_for(dialect, tmp_path)
    writer = sa.create_engine(writer_url)
    write_rows(writer, hm.ROWS)
    writer.dispose()
    path = tmp_path / ("test.duckdb" if dialect == "duckdb" else "test.sqlite")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    engine = create_readonly_engine(reader_url)
    for scope in (Scope(), Scope(hm.A), Scope(hm.A, (hm.WEST,))):
        for period in ("2026-Q1", "2026-02", "2026"):
            build_report(engine, scope, Period.parse(period))
    for statement in WRITES:
        with pytest.raises(sa.exc.DBAPIError), engine.begin() as conn:
            conn.exec_driver_sql(statement)
    engine.dispose()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no journal or WAL left


def test_in_memory_database_is_refused():
    with pytest.raises(ConfigurationError):
        create_readonly_engine("duckdb:///:memory:")
    with pytest.raises(ConfigurationError):
        create_readonly_engine("sqlite://")
    with pytest.raises(ConfigurationError):
        create_readonly_engine("oracle://scott@db/x")


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_session_is_read_only_even_for_a_role_that_may_write(dialect, tmp_path):
    """The read-only role is a second fence; the session setting alone already refuses writes."""
    with loaded_database(dialect, hm.ROWS, tmp_path):
        admin_url, _ = urls_for(dialect, tmp_path)
        admin_engine = create_readonly_engine(admin_url)
        try:
            for statement in WRITES:
                with pytest.raises(sa.exc.DBAPIError), admin_engine.begin() as conn:
                    conn.exec_driver_sql(statement)
        finally:
            admin_engine.dispose()
