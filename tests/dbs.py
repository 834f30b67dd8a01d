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

PG_ADMIN_URL = os.environ.get(
    "TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/yfrh_test"
)
PG_READER_URL = os.environ.get(
    "TEST_PG_READER_URL", "postgresql+psycopg://yfrh_reader@127.0.0.1:5432/yfrh_test"
)
MYSQL_ADMIN_URL = os.environ.get(
    "TEST_MYSQL_ADMIN_URL", "mysql+pymysql://root@127.0.0.1:3306/yfrh_test?charset=utf8mb4"
)
MYSQL_READER_URL = os.environ.get(
    "TEST_MYSQL_READER_URL",
    "mysql+pymysql://yfrh_reader:yfrh_reader@127.0.0.1:3306/yfrh_test?charset=utf8mb4",
)
SERVER_URLS = {
    "postgresql": (PG_ADMIN_URL, PG_READER_URL),
    "mysql": (MYSQL_ADMIN_URL, MYSQL_READER_URL),
}


def _unavailable(dialect: str, exc: Exception):
    message = f"{dialect} test server unavailable: {str(exc).splitlines()[0]}"
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
            conn.exec_driver_sql("GRANT SELECT ON ALL TABLES IN SCHEMA public TO yfrh_reader")


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
