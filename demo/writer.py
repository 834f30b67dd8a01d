"""Bulk writers for the contract tables: DuckDB via registered frames, others via executemany."""

from __future__ import annotations

from types import TracebackType

import numpy as np
import pandas as pd
import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.schema import CreateIndex, CreateTable, DropTable

from data_access.engine import with_default_driver
from data_access.schema import FACT_INDEXES, metadata

# Rows per executemany call: large enough to amortise round trips, small enough to keep
# one batch's Python tuples in a few tens of MB.
BATCH_ROWS = 25_000
Rows = pd.DataFrame | pa.Table


class TableWriter:
    """Writes whole tables in dependency order; use `open_writer(url)` and a `with` block."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.dialect = engine.dialect
        self.connection = engine.raw_connection()
        self.dbapi = self.connection.driver_connection

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, exc_type, exc: BaseException | None, tb: TracebackType | None) -> None:
        try:
            if exc_type is not None:
                self.connection.rollback()
        finally:
            self.connection.close()
            self.engine.dispose()

    def _ddl_tables(self) -> list[sa.Table]:
        return list(metadata.sorted_tables)

    def _execute(self, statement) -> None:
        cursor = self.connection.cursor()
        cursor.execute(str(statement.compile(dialect=self.dialect)))
        cursor.close()

    def reset_tables(self) -> None:
        """Drop the contract tables if present (dependents first), then create them empty."""
        for table in reversed(metadata.sorted_tables):
            self._execute(DropTable(table, if_exists=True))
        for table in self._ddl_tables():
            self._execute(CreateTable(table))  # indexes come after the load (see finish)
        self.connection.commit()

    def insert(self, table: sa.Table, rows: Rows) -> None:
        raise NotImplementedError

    def append(self, table: sa.Table, rows: Rows) -> None:
        """Insert rows inside the caller's transaction (no commit): the loader's one-transaction path."""
        raise NotImplementedError

    def ensure_tables(self) -> None:
        """Create the contract tables (and indexes) that are absent; existing ones are kept as they are."""
        for table in self._ddl_tables():
            self._execute(CreateTable(table, if_not_exists=True))
        self.connection.commit()

    def finish(self) -> None:
        """Make the load durable and ready to query."""
        self.connection.commit()


class DuckDBWriter(TableWriter):
    """Columnar fast path: DuckDB scans the DataFrame / Arrow table in place."""

    VIEW = "demo_writer_rows"

    def insert(self, table: sa.Table, rows: Rows) -> None:
        self.append(table, rows)

    def append(self, table: sa.Table, rows: Rows) -> None:
        names = [c.name for c in table.columns]
        source = sa.select(*(sa.column(n) for n in names)).select_from(sa.table(self.VIEW))
        statement = sa.insert(table).from_select(names, source)
        self.dbapi.register(self.VIEW, rows)
        try:
            self._execute(statement)
        finally:
            self.dbapi.unregister(self.VIEW)

    def finish(self) -> None:
        # No FACT_INDEXES: DuckDB prunes month-ordered row groups by their min/max instead.
        self.connection.commit()
        self.connection.cursor().execute("CHECKPOINT")


class DBAPIWriter(TableWriter):
    """Row stores: batched executemany with the driver's placeholders (COPY on psycopg), then indexes."""

    def __init__(self, engine: Engine):
        super().__init__(engine)
        if self.dialect.name == "sqlite":
            cursor = self.connection.cursor()
            # Generated data can be regenerated: skip fsync during the bulk load.
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.close()

    def _ddl_tables(self) -> list[sa.Table]:
        if self.dialect.name not in ("mysql", "mariadb"):
            return super()._ddl_tables()
        # Chinese names (and 4-byte characters such as 𠄘) need utf8mb4, whatever the server default.
        copy = sa.MetaData()
        tables = [t.to_metadata(copy) for t in metadata.sorted_tables]
        for table in tables:
            table.dialect_kwargs["mysql_charset"] = "utf8mb4"
        return tables

    def insert(self, table: sa.Table, rows: Rows) -> None:
        self.append(table, rows)
        self.connection.commit()

    def append(self, table: sa.Table, rows: Rows) -> None:
        compiled = sa.insert(table).compile(dialect=self.dialect)
        order = list(compiled.positiontup or [c.name for c in table.columns])
        columns = [_column_list(rows, name) for name in order]
        total = len(columns[0]) if columns else 0
        cursor = self.connection.cursor()
        if self.dialect.driver == "psycopg":
            self._copy(cursor, table, order, columns)
        else:
            for start in range(0, total, BATCH_ROWS):
                batch = zip(*(col[start : start + BATCH_ROWS] for col in columns), strict=True)
                cursor.executemany(str(compiled), list(batch))
        cursor.close()

    def ensure_tables(self) -> None:
        super().ensure_tables()
        present = {
            table: {ix["name"] for ix in sa.inspect(self.engine).get_indexes(table)}
            for table in {index.table.name for index in FACT_INDEXES}
        }
        for index in FACT_INDEXES:
            if index.name not in present[index.table.name]:
                self._execute(CreateIndex(index))
        self.connection.commit()

    @staticmethod
    def _copy(cursor, table: sa.Table, names: list[str], columns: list[list]) -> None:
        """PostgreSQL: COPY … FROM STDIN, ~15× faster than executemany for the fact tables."""
        from psycopg import sql  # only present where PostgreSQL is used

        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, names))
        )
        with cursor.copy(statement) as copy:
            for row in zip(*columns, strict=True):
                copy.write_row(row)

    def finish(self) -> None:
        for index in FACT_INDEXES:
            self._execute(CreateIndex(index))
        if self.dialect.name in ("sqlite", "postgresql"):
            self.connection.commit()
            self.connection.cursor().execute("ANALYZE")  # fresh statistics for the planner
        self.connection.commit()


def _column_list(rows: Rows, name: str) -> list:
    """One column as a list of plain Python values (drivers reject numpy scalars)."""
    if isinstance(rows, pd.DataFrame):
        return rows[name].tolist()
    column = rows.column(name).combine_chunks()
    if pa.types.is_dictionary(column.type):
        # Decode through numpy: Arrow's own to_pylist is ~30× slower for dictionary columns.
        labels = np.array(column.dictionary.to_pylist(), dtype=object)
        return labels[column.indices.to_numpy()].tolist()
    return column.to_pylist()


def writer_engine(url: str) -> Engine:
    """A writable engine; PostgreSQL and MySQL use %s placeholders, SQLite `?`."""
    url = with_default_driver(url)
    backend = make_url(url).get_backend_name()
    if backend in ("postgresql", "mysql", "mariadb"):
        connect_args = {"charset": "utf8mb4"} if backend != "postgresql" else {}
        return sa.create_engine(url, paramstyle="format", connect_args=connect_args)
    return sa.create_engine(url)


def open_writer(url: str) -> TableWriter:
    """The fastest writer for the URL's dialect (DuckDB columnar, others row batches)."""
    engine = writer_engine(url)
    if engine.dialect.name == "duckdb":
        return DuckDBWriter(engine)
    return DBAPIWriter(engine)
