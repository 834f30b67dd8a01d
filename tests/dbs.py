"""Test databases on every dialect, built from explicit rows, read back through the read-only engine.

DuckDB and SQLite use files in a temporary folder. PostgreSQL and MariaDB use the servers on
this machine (see .ci/run): a writer connection loads the rows, and the dashboard's engine
connects as a read-only role. Without CI the server dialects are skipped when unreachable;
with CI set they fail instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from data_access.engine import create_readonly_engine
from data_access.schema import metadata

DIALECTS = ("duckdb", "sqlite", "postgresql", "mysql")

# One database per checkout on each server: two working copies testing at once must not
# drop each other's tables. YFRH_TEST_DB names it; the default is what .ci/run used to create.
TEST_DB = os.environ.get("YFRH_TEST_DB", "yfrh_test")
READER = "yfrh_reader"
PG_SERVER_URL = os.environ.get("TEST_PG_SERVER_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
MYSQL_SERVER_URL = os.environ.get("TEST_MYSQL_SERVER_URL", "mysql+pymysql://root@127.0.0.1:3306")

PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", f"{PG_SERVER_URL}/{TEST_DB}")
PG_READER_URL = os.environ.get(
    "TEST_PG_READER_URL", f"postgresql+psycopg://{READER}@127.0.0.1:5432/{TEST_DB}"
)
MYSQL_ADMIN_URL = os.environ.get(
    "TEST_MYSQL_ADMIN_URL", f"{MYSQL_SERVER_URL}/{TEST_DB}?charset=utf8mb4"
)
MYSQL_READER_URL = os.environ.get(
    "TEST_MYSQL_READER_URL",
    f"mysql+pymysql://{READER}:{READER}@127.0.0.1:3306/{TEST_DB}?charset=utf8mb4",
)
SERVER_URLS = {
    "postgresql": (PG_ADMIN_URL, PG_READER_URL),
    "mysql": (MYSQL_ADMIN_URL, MYSQL_READER_URL),
}
# Per dialect: None once the test database and reader role exist, else why they could not.
_provisioned: dict[str, str | None] = {}
# The servers that could not be reached, reported in one line at the end of the run.
UNREACHABLE: dict[str, str] = {}


def _provision_postgresql() -> None:
    engine = sa.create_engine(f"{PG_SERVER_URL}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": TEST_DB}
            ).first()
            if not exists:
                conn.exec_driver_sql(f'CREATE DATABASE "{TEST_DB}"')
            role = conn.execute(
                sa.text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": READER}
            ).first()
            if not role:
                conn.exec_driver_sql(f"CREATE ROLE {READER} LOGIN")
    finally:
        engine.dispose()
    engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'GRANT CONNECT ON DATABASE "{TEST_DB}" TO {READER}')
            conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {READER}")
            conn.exec_driver_sql(
                f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {READER}"
            )
    finally:
        engine.dispose()


def _provision_mysql() -> None:
    engine = sa.create_engine(f"{MYSQL_SERVER_URL}/?charset=utf8mb4")
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(
                f"CREATE DATABASE IF NOT EXISTS `{TEST_DB}` "
                "CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
            )
            for host in ("%", "localhost", "127.0.0.1"):
                # text(): the driver's paramstyle would read the % of the host as a placeholder.
                conn.execute(
                    sa.text(
                        f"CREATE USER IF NOT EXISTS '{READER}'@'{host}' IDENTIFIED BY '{READER}'"
                    )
                )
                conn.execute(sa.text(f"GRANT SELECT ON `{TEST_DB}`.* TO '{READER}'@'{host}'"))
    finally:
        engine.dispose()


def provision(dialect: str) -> None:
    """Create the server's test database and read-only role once per run (idempotent).

    The README's test command alone then runs every dialect on a machine whose servers run;
    only a server that cannot be reached is skipped (a failure under CI).
    """
    if dialect not in SERVER_URLS:
        return
    if dialect not in _provisioned:
        try:
            (_provision_postgresql if dialect == "postgresql" else _provision_mysql)()
            _provisioned[dialect] = None
        except sa.exc.SQLAlchemyError as exc:
            _provisioned[dialect] = str(getattr(exc, "orig", None) or exc).splitlines()[0]
    reason = _provisioned[dialect]
    if reason is not None:
        _unavailable(dialect, RuntimeError(reason))


def _unavailable(dialect: str, exc: Exception):
    message = f"{dialect} test server unavailable: {str(exc).splitlines()[0]}"
    UNREACHABLE[dialect] = message
    if os.environ.get("CI"):
        pytest.fail(message + " (CI is set: .ci/run must start it)", pytrace=False)
    pytest.skip(message)


def urls_for(dialect: str, folder: Path) -> tuple[str, str]:
    """(writer URL, URL the dashboard opens) for a dialect."""
    if dialect == "duckdb":
        url = f"duckdb:///{folder / 'test.duckdb'}"
        return url, url
    if dialect == "sqlite":
        url = f"sqlite:///{folder / 'test.sqlite'}"
        return url, url
    provision(dialect)
    return SERVER_URLS[dialect]


def write_rows(engine: sa.Engine, rows: Mapping[str, list[dict]]) -> None:
    """Create the contract's tables (dropping old ones) and insert the given rows."""
    metadata.drop_all(engine)
    metadata.create_all(engine)
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            table_rows = rows.get(table.name) or []
            if table_rows:
                full = [{c.name: r.get(c.name) for c in table.columns} for r in table_rows]
                conn.execute(table.insert(), full)


def grant_reader(engine: sa.Engine, dialect: str) -> None:
    with engine.begin() as conn:
        if dialect == "postgresql":
            conn.exec_driver_sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {READER}")


@contextmanager
def loaded_database(
    dialect: str, rows: Mapping[str, list[dict]], folder: Path
) -> Iterator[sa.Engine]:
    """Build a database from rows and yield the dashboard's read-only engine over it."""
    writer_url, reader_url = urls_for(dialect, folder)
    writer = sa.create_engine(writer_url)
    try:
        write_rows(writer, rows)
        grant_reader(writer, dialect)
    except sa.exc.OperationalError as exc:
        writer.dispose()
        _unavailable(dialect, exc)
    writer.dispose()
    reader = create_readonly_engine(reader_url)
    try:
        yield reader
    finally:
        reader.dispose()


def dialect_params():
    return [pytest.param(d, id=d) for d in DIALECTS]


def sqlite_file(path: Path, rows: Mapping[str, list[dict]]) -> str:
    """Write the rows to a new SQLite file and return its URL (for AppTest and CLI runs)."""
    writer = sa.create_engine(f"sqlite:///{path}")
    write_rows(writer, rows)
    writer.dispose()
    return f"sqlite:///{path}"
