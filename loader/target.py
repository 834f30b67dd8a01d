"""What the target database already holds, read through the dashboard's read-only engine.

Validation compares the input with it (foreign keys, duplicates, team coverage) without
ever opening the database for writing: a broken file leaves it byte for byte unchanged.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from data_access import schema
from data_access.engine import backend_of, create_readonly_engine
from loader.columns import TABLES, TableSpec
from loader.read import Staging, q

# Dimension tables are small (villages number in the thousands, outlines a few KB each):
# they are copied whole. Monthly fact tables: only the rows of the months in the file.
COPY_ROWS = 100_000


class TargetError(RuntimeError):
    """The target database cannot be read (unreachable, wrong credentials, unknown dialect)."""


def duck_type(kind: str) -> str:
    """The staging type of a column kind (what the contract stores)."""
    if kind == "int":
        return "BIGINT"
    if kind == "real":
        return "DOUBLE"
    if kind == "bool":
        return "BOOLEAN"
    if kind == "enum:village_class":
        return "SMALLINT"
    return "VARCHAR"


def create_typed(staging: Staging, name: str, spec: TableSpec, with_row: bool) -> None:
    columns = [f"{q(c.name)} {duck_type(c.kind)}" for c in spec.columns]
    if with_row:
        columns.insert(0, "_row BIGINT")
    staging.con.execute(f"CREATE OR REPLACE TABLE {q(name)} ({', '.join(columns)})")


def file_database_missing(url: str) -> bool:
    """A DuckDB/SQLite file that does not exist yet: the load will create it."""
    if backend_of(url) not in ("duckdb", "sqlite"):
        return False
    database = make_url(url).database
    return not database or not Path(database).exists()


def load_target(staging: Staging, url: str | None, months: dict[str, list[str]]) -> dict:
    """Copy the database's dimension rows into staging tables `db_<table>`; return facts about it.

    Returns {"demo": bool, "month_rows": {table: {month: rows}}, "tables": set of present tables}.
    """
    info: dict = {"demo": False, "month_rows": {}, "tables": set()}
    for spec in TABLES:
        create_typed(staging, f"db_{spec.name}", spec, with_row=False)
        if spec.monthly:
            create_typed(staging, f"dbm_{spec.name}", spec, with_row=False)
    if url is None or file_database_missing(url):
        return info
    try:
        engine = create_readonly_engine(url)
    except Exception as exc:  # ConfigurationError or a driver import error
        raise TargetError(str(exc)) from exc
    try:
        with engine.connect() as conn:
            present = {t.lower() for t in sa.inspect(conn).get_table_names()}
            info["tables"] = present
            for spec in TABLES:
                if spec.name not in present:
                    continue
                table = schema.metadata.tables[spec.name]
                if spec.monthly:
                    _copy_months(conn, staging, spec, table, months.get(spec.name))
                    continue
                _copy_dimension(conn, staging, spec, table)
            if "data_meta" in present:
                meta = schema.data_meta
                demo = conn.execute(
                    sa.select(meta.c.meta_value).where(meta.c.meta_key == "demo")
                ).scalar()
                info["demo"] = str(demo or "").strip().lower() in ("true", "1", "yes")
                info["source"] = conn.execute(
                    sa.select(meta.c.meta_value).where(meta.c.meta_key == "source")
                ).scalar()
    except sa.exc.SQLAlchemyError as exc:
        raise TargetError(str(exc).splitlines()[0]) from exc
    finally:
        engine.dispose()
    return info


def _copy_months(conn, staging: Staging, spec: TableSpec, table: sa.Table, months) -> None:
    """The database's rows of the file's months into `dbm_<table>`: the plan compares them
    with the file's per township (rows added, removed, changed)."""
    if not months:
        return
    names = [c.name for c in spec.columns]
    query = sa.select(*(table.c[n] for n in names)).where(table.c.month.in_(months))
    result = conn.execution_options(stream_results=True).execute(query)
    target = q(f"dbm_{spec.name}")
    casts = ", ".join(f"CAST({q(c.name)} AS {duck_type(c.kind)})" for c in spec.columns)
    while rows := result.fetchmany(COPY_ROWS):
        columns = list(zip(*rows, strict=True))
        frame = pa.table(
            {
                n: pa.array([None if v is None else _plain(v) for v in col])
                for n, col in zip(names, columns, strict=True)
            }
        )
        staging.con.register("db_batch", frame)
        try:
            staging.con.execute(f"INSERT INTO {target} SELECT {casts} FROM db_batch")  # noqa: S608
        finally:
            staging.con.unregister("db_batch")


def _plain(value):
    """Decimal (MySQL/PostgreSQL numerics) as float; everything else as it is."""
    return float(value) if isinstance(value, Decimal) else value


def _copy_dimension(conn, staging: Staging, spec: TableSpec, table: sa.Table) -> None:
    wanted = [c.name for c in spec.columns]
    frame = pd.read_sql(sa.select(*(table.c[n] for n in wanted)), conn)
    if frame.empty:
        return
    frame = frame.astype(object).where(frame.notna(), None)
    staging.con.register("db_frame", frame)
    try:
        casts = ", ".join(
            f"CAST({q(c.name)} AS {duck_type(c.kind)})"
            if c.name in wanted
            else f"CAST(NULL AS {duck_type(c.kind)})"
            for c in spec.columns
        )
        target = q(f"db_{spec.name}")
        staging.con.execute(f"INSERT INTO {target} SELECT {casts} FROM db_frame")  # noqa: S608
    finally:
        staging.con.unregister("db_frame")
