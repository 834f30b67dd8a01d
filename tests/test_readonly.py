"""The dashboard's engine refuses writes on every dialect, and reading leaves files untouched.

Three fences, each tested on its own: the statement guard (only reads are sent), the
driver's read-only mode pinned for the whole session (tested through a raw DBAPI
connection, which bypasses the guard), and on the servers the read-only account.
"""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa

from dashboard.export import build_report
from data_access.engine import (
    ConfigurationError,
    ReadOnlyViolation,
    create_readonly_engine,
    statement_is_read,
)
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
    with pytest.raises(sa.exc.SQLAlchemyError):
        with engine.begin() as conn:
            conn.exec_driver_sql(statement)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM village").scalar() == len(
            hm.ROWS["village"]
        )
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM data_meta").scalar() == 2


def test_engine_refuses_writes_through_core(engine):
    from data_access.schema import county

    with pytest.raises(sa.exc.SQLAlchemyError):
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
        with pytest.raises(sa.exc.SQLAlchemyError), engine.begin() as conn:
            conn.exec_driver_sql(statement)
        _refused_raw(engine, statement)
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
                with pytest.raises(sa.exc.SQLAlchemyError), admin_engine.begin() as conn:
                    conn.exec_driver_sql(statement)
                _refused_raw(admin_engine, statement)  # without the statement guard
            for switch in READ_WRITE_SWITCHES[dialect]:
                _switch_then_write(admin_engine, switch)
        finally:
            admin_engine.dispose()


def _refused_raw(engine: sa.Engine, statement: str) -> None:
    """The driver itself refuses the statement (a raw DBAPI connection skips the guard)."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        with pytest.raises(Exception) as caught:
            cursor.execute(statement)
        assert not isinstance(caught.value, ReadOnlyViolation)
    finally:
        raw.close()  # back to the pool, rolled back


# Ways a session could switch itself back to writing, per server dialect.
READ_WRITE_SWITCHES = {
    "postgresql": [
        "SET TRANSACTION READ WRITE",
        "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE",
        "SET default_transaction_read_only = off",
        "SET transaction_read_only = off",
    ],
    "mysql": [
        "SET SESSION TRANSACTION READ WRITE",
        "SET TRANSACTION READ WRITE",
        "SET SESSION tx_read_only = 0",
    ],
}
INSERT = "INSERT INTO county (county_code, name, prefecture) VALUES ('990199', 'x', 'y')"


def _county_rows(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT COUNT(*) FROM county").scalar()


def _switch_then_write(engine: sa.Engine, switch: str) -> None:
    """Through the engine the switch is refused; on a raw connection it may run but no write
    follows, and a session left read-write is discarded at its next checkout."""
    before = _county_rows(engine)
    with pytest.raises(ReadOnlyViolation), engine.begin() as conn:
        conn.exec_driver_sql(switch)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        try:
            cursor.execute(switch)
        except Exception:
            raw.rollback()
        else:
            with pytest.raises(Exception):  # noqa: B017 - each driver has its own error class
                cursor.execute(INSERT)
            raw.rollback()
            # A committed session default must not survive into the next transaction.
            try:
                cursor.execute(switch)
                raw.commit()
            except Exception:
                raw.rollback()
    finally:
        raw.close()
    for _ in range(3):  # every pooled connection is read-only again (or was replaced)
        with pytest.raises(sa.exc.SQLAlchemyError), engine.begin() as conn:
            conn.execute(sa.text("SELECT 1"))
            conn.exec_driver_sql(INSERT)
        raw = engine.raw_connection()
        try:
            with pytest.raises(Exception):  # noqa: B017
                raw.cursor().execute(INSERT)
        finally:
            raw.close()
    assert _county_rows(engine) == before


@pytest.mark.parametrize(
    "statement",
    [
        "COPY county TO '{dir}/out.csv'",
        "EXPORT DATABASE '{dir}/out'",
        "ATTACH '{dir}/out.duckdb' AS other",
        "SELECT * FROM read_csv('/etc/hostname')",
        "INSTALL httpfs",
        "SET enable_external_access = true",
    ],
    ids=["copy", "export", "attach", "read_csv", "install", "reenable"],
)
def test_duckdb_writes_no_files(tmp_path, statement):
    with loaded_database("duckdb", hm.ROWS, tmp_path) as engine:
        out = tmp_path / "out"
        out.mkdir()
        sql = statement.format(dir=out)
        with pytest.raises(sa.exc.SQLAlchemyError), engine.begin() as conn:
            conn.exec_driver_sql(sql)
        _refused_raw(engine, sql)
        assert list(out.iterdir()) == []


@pytest.mark.parametrize(
    "statement",
    [
        "ATTACH DATABASE '{dir}/new.sqlite' AS other",
        "VACUUM INTO '{dir}/copy.sqlite'",
        "PRAGMA query_only = OFF",
        "PRAGMA journal_mode = WAL",
    ],
    ids=["attach", "vacuum_into", "query_only_off", "journal_mode"],
)
def test_sqlite_writes_no_files(tmp_path, statement):
    with loaded_database("sqlite", hm.ROWS, tmp_path) as engine:
        out = tmp_path / "out"
        out.mkdir()
        sql = statement.format(dir=out)
        with pytest.raises(sa.exc.SQLAlchemyError), engine.begin() as conn:
            conn.exec_driver_sql(sql)
        _refused_raw(engine, sql)
        assert list(out.iterdir()) == []
        with pytest.raises(sa.exc.SQLAlchemyError), engine.begin() as conn:
            conn.exec_driver_sql(WRITES[0])


@pytest.mark.parametrize(
    ("statement", "backend", "read"),
    [
        ("SELECT 1", "postgresql", True),
        ("  -- note\n/* x */ WITH a AS (SELECT 1) SELECT * FROM a", "duckdb", True),
        ("SELECT 1;", "sqlite", True),
        ("SELECT 1; DELETE FROM county", "postgresql", False),
        ("COMMIT", "mysql", False),
        ("SET TRANSACTION READ WRITE", "postgresql", False),
        ("PRAGMA table_info(county)", "sqlite", True),
        ("PRAGMA table_info(county)", "duckdb", False),
        ("EXPLAIN ANALYZE DELETE FROM county", "postgresql", False),
        ("", "sqlite", False),
    ],
)
def test_statement_guard(statement, backend, read):
    assert statement_is_read(statement, backend) is read
