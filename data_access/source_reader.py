"""Reading the source for the analytics store: plain SELECTs (one per table, one per month
of `chronic_status`), which PostgreSQL, MySQL/MariaDB and the distributed engines speaking
their protocols (Citus, StarRocks, Doris) all run as simple scans, handed over as Arrow
batches of bounded size."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access.engine import backend_of
from data_access.periods import Period
from data_access.schema import chronic_status

# Rows per batch read from the source: bounded memory whatever the table's size.
BATCH_ROWS = 200_000


def _sql(engine: Engine, query: sa.Select) -> str:
    """The query as SQL text for a driver that takes no parameters (values are rendered
    as escaped literals by the dialect, never pasted)."""
    return str(query.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))


def _connectorx_url(engine: Engine) -> str | None:
    url = engine.url
    scheme = {"postgresql": "postgresql", "mysql": "mysql", "mariadb": "mysql"}.get(
        backend_of(url.render_as_string())
    )
    # connectorx reads UTF-8 (utf8mb4 on MySQL) already; other options (sockets, TLS files)
    # take the SQLAlchemy path, which honours them.
    options = {k: v for k, v in url.query.items() if k != "charset"}
    if scheme is None or options:
        return None
    return url.set(drivername=scheme, query={}).render_as_string(hide_password=False)


def read_batches(engine: Engine, query: sa.Select) -> Iterator[pa.Table]:
    """The query's rows as Arrow tables, in batches (columns named as the query's).

    DuckDB hands Arrow over directly; PostgreSQL and MySQL/MariaDB go through connectorx
    (a Rust reader, 5× faster than pymysql at millions of rows) when it is installed;
    anything else streams through SQLAlchemy.
    """
    names = [c.name for c in query.selected_columns]
    backend = backend_of(engine.url.render_as_string())
    if backend == "duckdb":
        with engine.connect() as conn:
            # A cursor is a fresh connection to the same database: the pooled one may hold
            # an unfinished result, which DuckDB refuses to run over.
            cursor = conn.connection.driver_connection.duplicate()
            try:
                relation = cursor.sql(_sql(engine, query))
                reader = (
                    relation.to_arrow_reader(BATCH_ROWS)
                    if hasattr(relation, "to_arrow_reader")
                    else relation.record_batch(BATCH_ROWS)
                )
                for batch in reader:
                    yield pa.Table.from_batches([batch]).rename_columns(names)
            finally:
                cursor.close()
        return
    cx_url = _connectorx_url(engine)
    if cx_url is not None:
        try:
            import connectorx
        except ImportError:
            connectorx = None
        if connectorx is not None:
            yield connectorx.read_sql(
                cx_url, _sql(engine, query), return_type="arrow"
            ).rename_columns(names)
            return
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True).execute(query)
        while rows := result.fetchmany(BATCH_ROWS):
            frame = pd.DataFrame.from_records([tuple(r) for r in rows], columns=names)
            yield pa.Table.from_pandas(frame, preserve_index=False)


# Months read ahead while the store takes in the current one (bounded memory: a month each).
READ_AHEAD = 2


def prefetched(source: Engine, queries: list[sa.Select]) -> Iterator[list[pa.Table]]:
    """Each query's batches, in order, with the next READ_AHEAD queries already running on
    the source: reading and storing overlap instead of taking turns."""
    with ThreadPoolExecutor(READ_AHEAD, thread_name_prefix="store-read") as pool:
        pending = [pool.submit(list, read_batches(source, q)) for q in queries[:READ_AHEAD]]
        for i in range(len(queries)):
            batches = pending.pop(0).result()
            if i + READ_AHEAD < len(queries):
                pending.append(pool.submit(list, read_batches(source, queries[i + READ_AHEAD])))
            yield batches


def chronic_months(source: Engine) -> list[str]:
    """Months that have chronic_status rows, oldest first (min/max, then one probe a month)."""
    cs = chronic_status.c
    with source.connect() as conn:
        first, last = conn.execute(
            sa.select(
                sa.select(sa.func.min(cs.month)).scalar_subquery(),
                sa.select(sa.func.max(cs.month)).scalar_subquery(),
            )
        ).one()
        months = []
        if first and last:
            month = Period.parse(first)
            while month.key <= last:
                probe = sa.select(sa.literal_column("1")).where(cs.month == month.key).limit(1)
                if conn.execute(probe).first() is not None:
                    months.append(month.key)
                month = month.next()
    return months
