"""Where the database is, and a read-only SQLAlchemy engine for it on every supported dialect."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

REPO_ROOT = Path(__file__).resolve().parents[1]
# The embedded demo database lives beside the code, outside git (see .gitignore).
DEMO_DB_PATH = REPO_ROOT / "data" / "demo.duckdb"
ENV_URL = "DASHBOARD_DB_URL"
# Seconds before an unreachable server is reported; a leader should not stare at a spinner.
CONNECT_TIMEOUT_S = 5

SUPPORTED_BACKENDS = ("duckdb", "sqlite", "postgresql", "mysql", "mariadb")


class ConfigurationError(ValueError):
    """The configured database URL cannot be used (unknown dialect, in-memory, malformed)."""


def configured_url(environ: Mapping[str, str] | None = None, secrets_url: str | None = None):
    """The configured database URL (env DASHBOARD_DB_URL, then secrets), or None for the demo."""
    environ = os.environ if environ is None else environ
    url = (environ.get(ENV_URL) or "").strip() or (secrets_url or "").strip()
    return url or None


def demo_url(path: Path = DEMO_DB_PATH) -> str:
    return f"duckdb:///{path}"


def describe_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # a malformed URL is shown as its scheme only
        return url.split(":", 1)[0] + ":…"


def backend_of(url: str) -> str:
    try:
        return make_url(url).get_backend_name()
    except Exception as exc:
        raise ConfigurationError(f"malformed database URL: {describe_url(url)}") from exc


# The drivers requirements.txt ships, used when a URL names only the dialect.
_DEFAULT_DRIVERS = {
    "postgresql": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mariadb": "mariadb+pymysql",
}


def with_default_driver(url: str) -> str:
    """`postgresql://…` → `postgresql+psycopg://…` (likewise MySQL/MariaDB → PyMySQL)."""
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise ConfigurationError(f"malformed database URL: {describe_url(url)}") from exc
    driver = _DEFAULT_DRIVERS.get(parsed.drivername)
    if driver is None:
        return url
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


def create_readonly_engine(url: str) -> Engine:
    """An engine that cannot write: read-only is set in the driver or session, per dialect."""
    url = with_default_driver(url)
    backend = backend_of(url)
    if backend == "duckdb":
        return _duckdb(url)
    if backend == "sqlite":
        return _sqlite(url)
    if backend == "postgresql":
        return _postgresql(url)
    if backend in ("mysql", "mariadb"):
        return _mysql(url)
    raise ConfigurationError(
        f"unsupported database {backend!r}; use one of: {', '.join(SUPPORTED_BACKENDS)}"
    )


def _file_database(url: str, backend: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        raise ConfigurationError(f"{backend}: an in-memory database cannot be opened read-only")
    return Path(database)


def _duckdb(url: str) -> Engine:
    _file_database(url, "duckdb")
    # read_only opens the file without a write-ahead log; any INSERT/UPDATE/DDL raises.
    return sa.create_engine(url, connect_args={"read_only": True}, pool_pre_ping=True)


def _sqlite(url: str) -> Engine:
    path = _file_database(url, "sqlite")
    # mode=ro makes the file handle read-only; query_only also refuses writes to temp objects.
    ro_url = f"sqlite:///file:{path.resolve()}?mode=ro&uri=true"
    engine = sa.create_engine(ro_url, pool_pre_ping=True)

    @sa.event.listens_for(engine, "connect")
    def _query_only(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA query_only = ON")
        cursor.close()

    return engine


def _session_readonly(engine: Engine, statement: str) -> Engine:
    @sa.event.listens_for(engine, "connect")
    def _read_only(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute(statement)
        cursor.close()
        dbapi_connection.commit()

    return engine


def _postgresql(url: str) -> Engine:
    engine = sa.create_engine(
        url,
        pool_pre_ping=True,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S},
    )
    return _session_readonly(engine, "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")


def _mysql(url: str) -> Engine:
    engine = sa.create_engine(
        url,
        pool_pre_ping=True,
        pool_recycle=3600,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "charset": "utf8mb4"},
    )
    return _session_readonly(engine, "SET SESSION TRANSACTION READ ONLY")
