"""Where the database is, and a read-only SQLAlchemy engine for it on every supported dialect."""

from __future__ import annotations

import os
import re
import sqlite3
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


class ReadOnlyViolation(sa.exc.SQLAlchemyError):
    """A statement that is not a read, or a session that is no longer read-only."""


def configured_url(environ: Mapping[str, str] | None = None, secrets_url: str | None = None):
    """The configured database URL (env DASHBOARD_DB_URL, then secrets), or None for the demo."""
    environ = os.environ if environ is None else environ
    url = (environ.get(ENV_URL) or "").strip() or (secrets_url or "").strip()
    return url or None


def demo_url(path: Path = DEMO_DB_PATH) -> str:
    return f"duckdb:///{path}"


# Query parameters that carry a secret (libpq and the MySQL drivers accept these).
SECRET_QUERY_KEYS = ("password", "passwd", "pwd", "sslpassword", "secret", "token")


def describe_url(url: str) -> str:
    """The URL without its password (in the netloc or the query string), for messages and logs."""
    try:
        parsed = make_url(url)
        secrets = [k for k in parsed.query if k.lower() in SECRET_QUERY_KEYS]
        if secrets:
            parsed = parsed.update_query_dict({k: "***" for k in secrets})
        return parsed.render_as_string(hide_password=True)
    except Exception:  # a malformed URL is shown as its scheme only
        return url.split(":", 1)[0].split("/")[0] + ":…"


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


def create_readonly_engine(url: str, threads: int | None = None) -> Engine:
    """An engine that cannot write: read-only is set in the driver or session, per dialect.

    `threads` caps DuckDB's threads per query (the analytics store's queries are small).
    """
    url = with_default_driver(url)
    backend = backend_of(url)
    if backend == "duckdb":
        return _duckdb(url, threads)
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


def _duckdb(url: str, threads: int | None = None) -> Engine:
    _file_database(url, "duckdb")
    # read_only: no INSERT/UPDATE/DDL and no write-ahead log. Without external access the
    # session cannot write or read other files (COPY TO, EXPORT, ATTACH, read_csv) nor load
    # extensions, and the locked configuration cannot be switched back on with SET.
    config = {
        "enable_external_access": False,
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "lock_configuration": True,
    }
    if threads:
        config["threads"] = threads
    engine = sa.create_engine(
        url, connect_args={"read_only": True, "config": config}, pool_pre_ping=True
    )
    return guard_statements(engine, "duckdb")


# What a read-only SQLite connection may do (sqlite3 authorizer action codes); anything
# else — ATTACH, DETACH, writes, schema changes, setting a PRAGMA — is denied at prepare time.
_SQLITE_ALLOWED = {
    sqlite3.SQLITE_SELECT,
    sqlite3.SQLITE_READ,
    sqlite3.SQLITE_FUNCTION,
    sqlite3.SQLITE_RECURSIVE,
    sqlite3.SQLITE_TRANSACTION,
    sqlite3.SQLITE_SAVEPOINT,
}
# PRAGMAs that only read (SQLAlchemy's inspector uses the first ones).
_SQLITE_READ_PRAGMAS = {
    "table_info",
    "table_xinfo",
    "index_list",
    "index_info",
    "index_xinfo",
    "foreign_key_list",
    "database_list",
    "table_list",
}


def _sqlite_authorizer(action, arg1, arg2, _db, _trigger):
    if action in _SQLITE_ALLOWED:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA and (arg1 or "").lower() in _SQLITE_READ_PRAGMAS:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA and (arg1 or "").lower() == "query_only" and arg2 is None:
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


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
        # No ATTACH (it would create a file), and the authorizer pins query_only on.
        dbapi_connection.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        dbapi_connection.set_authorizer(_sqlite_authorizer)

    return guard_statements(engine, "sqlite")


# Marks a pooled connection whose current transaction was opened (and checked) at checkout.
_CHECKED = "readonly_checked"


def _pin_transactions(engine: Engine, check) -> Engine:
    """Run `check(dbapi_connection)` at the start of every transaction.

    At checkout a failing check discards the connection (the pool opens a fresh one); later
    in the same checkout it invalidates the connection and refuses the statement.
    """

    @sa.event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection, record, _proxy):
        try:
            check(dbapi_connection)
        except ReadOnlyViolation as exc:
            raise sa.exc.DisconnectionError(str(exc)) from exc
        except Exception as exc:  # a dead connection: the pool reconnects (as pre-ping would)
            raise sa.exc.DisconnectionError(str(exc).strip().splitlines()[0]) from exc
        record.info[_CHECKED] = True

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn):
        info = conn.connection.info
        if info.pop(_CHECKED, False):
            return
        try:
            check(conn.connection.dbapi_connection)
        except ReadOnlyViolation:
            conn.invalidate()
            raise

    return engine


def _postgresql_check(dbapi_connection) -> None:
    # A SELECT takes the transaction's snapshot: after it PostgreSQL refuses
    # `SET TRANSACTION READ WRITE` ("must be set before any query").
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(
            "SELECT current_setting('default_transaction_read_only'), "
            "current_setting('transaction_read_only')"
        )
        row = tuple(cursor.fetchone())
    finally:
        cursor.close()
    if row != ("on", "on"):
        raise ReadOnlyViolation("PostgreSQL session is no longer read-only")


def _postgresql(url: str) -> Engine:
    engine = sa.create_engine(
        url,
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT_S,
            # A startup parameter: read-only from the first statement of the session on.
            "options": "-c default_transaction_read_only=on",
        },
    )
    return guard_statements(_pin_transactions(engine, _postgresql_check), "postgresql")


def _mysql_check(dbapi_connection) -> None:
    # Every transaction is opened read-only explicitly, whatever the session default says.
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("START TRANSACTION READ ONLY")
    finally:
        cursor.close()


def _mysql(url: str) -> Engine:
    engine = sa.create_engine(
        url,
        pool_recycle=3600,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "charset": "utf8mb4"},
    )

    @sa.event.listens_for(engine, "connect")
    def _read_only(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("SET SESSION TRANSACTION READ ONLY")
        cursor.close()
        dbapi_connection.commit()

    return guard_statements(_pin_transactions(engine, _mysql_check), "mysql")


# --- the statement guard: what the dashboard sends at all ---------------------------------
# The dashboard only reads, so a statement must start with one of these words; a second
# statement after a semicolon is refused too. This is a third fence behind the driver's
# read-only mode and the account's privileges, not a replacement for them.
_READ_WORDS = {
    "duckdb": ("select", "with"),
    "sqlite": ("select", "with", "pragma"),  # the authorizer allows reading PRAGMAs only
    "postgresql": ("select", "with", "show"),
    "mysql": ("select", "with", "show"),
}
_LEADING_COMMENTS = re.compile(r"^(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/)*", re.DOTALL)


def statement_is_read(statement: str, backend: str) -> bool:
    """True for one statement that starts with a reading keyword of the dialect."""
    body = _LEADING_COMMENTS.sub("", statement).rstrip().rstrip(";")
    if ";" in body:
        return False
    word = re.match(r"[A-Za-z]+", body)
    return bool(word) and word.group(0).lower() in _READ_WORDS[backend]


def guard_statements(engine: Engine, backend: str) -> Engine:
    @sa.event.listens_for(engine, "before_cursor_execute")
    def _only_reads(_conn, _cursor, statement, _parameters, _context, _executemany):
        if not statement_is_read(statement, backend):
            raise ReadOnlyViolation("the dashboard only reads: statement refused")

    return engine
