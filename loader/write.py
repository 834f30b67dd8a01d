"""Writing a validated input to the target database in one transaction.

Monthly tables (chronic_status, team_service, sample_check, indicator_value) lose the rows
of the (month, township) scopes the input holds (loader.plan; whole months only with
--replace-months), then get the input's rows; the other tables are updated by key (new keys
inserted, existing keys updated in the columns the input has only); team_village is
replaced for the villages the input names. Every row deleted or overwritten is kept in the
loader's history tables first (loader.history), in the same transaction, so that `undo`
can restore it. Loading the same input twice therefore gives the same database. Rows stream
from the staging database in Arrow batches through demo.writer (DuckDB scans the stream in
one INSERT per month, PostgreSQL COPY in CSV, batched executemany elsewhere), so memory
stays bounded.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.csv as pa_csv
import sqlalchemy as sa
from tqdm import tqdm

from data_access import schema
from demo.writer import TableWriter, open_writer
from loader.columns import TABLES, TableSpec
from loader.history import NEW, OLD, Recorder, ensure_history_tables, execute, fetch, run_many
from loader.plan import scope_condition
from loader.read import Staging, phase, q
from loader.validate import Validation

# Rows per Arrow batch: a few tens of MB of Python values on the row-store path.
STREAM_ROWS = 200_000
# Keys per DELETE … IN (…) statement: well under every driver's parameter limit.
DELETE_CHUNK = 500
# Below this, a table loads too fast for a progress bar to help.
PROGRESS_MIN_ROWS = 50_000


@dataclass(frozen=True)
class LoadResult:
    rows: dict[str, tuple[int, int]]  # table → (rows inserted, rows updated)
    load_id: int = 0
    replaced: dict[str, int] | None = None  # table → rows deleted (kept for undo)

    def describe(self) -> str:
        replaced = self.replaced or {}
        return "，".join(
            f"{t} 新增 {n:,} 行"
            + (f"、更新 {u:,} 行" if u else "")
            + (f"（替换掉原有 {replaced[t]:,} 行）" if replaced.get(t) else "")
            for t, (n, u) in self.rows.items()
        )

    def counts(self) -> dict:
        replaced = self.replaced or {}
        return {
            t: {"inserted": n, "updated": u, "replaced": replaced.get(t, 0)}
            for t, (n, u) in self.rows.items()
        }


def load(
    staging: Staging,
    validation: Validation,
    url: str,
    meta: dict[str, str],
    progress: bool = True,
    files: list[str] | None = None,
) -> LoadResult:
    """Write every staged table and data_meta to `url` in one transaction (rolled back on error).

    The load is recorded in the loader's history tables in the same transaction, with every
    row it deletes or overwrites (python -m loader undo restores them).
    """
    written: dict[str, tuple[int, int]] = {}
    replaced: dict[str, int] = {}
    with open_writer(url) as writer:
        writer.ensure_tables()
        ensure_history_tables(writer)
        dialect = writer.dialect.name
        cursor = writer.connection.cursor()
        if dialect == "sqlite":
            cursor.execute("PRAGMA synchronous = FULL")  # real data: keep SQLite's durability
        if dialect == "duckdb":
            cursor.execute("SET memory_limit = '256MB'")  # beside the staging database's 400 MB
            cursor.execute("BEGIN TRANSACTION")
        recorder = Recorder.start(writer, files or [], meta.get("source", ""))
        for spec in TABLES:
            if spec.name in validation.sources:
                with phase(f"write {spec.name}"):
                    written[spec.name], replaced[spec.name] = _load_table(
                        staging, writer, spec, validation, progress, recorder
                    )
        _write_meta(writer, meta, recorder)
        result = LoadResult(written, recorder.load_id, replaced)
        recorder.finish(result.counts())
        with phase("commit"):
            writer.connection.commit()
        with phase("checkpoint / analyze"):
            if dialect == "duckdb":
                cursor.execute("CHECKPOINT")
            elif dialect in ("sqlite", "postgresql"):
                cursor.execute("ANALYZE")  # fresh statistics for the dashboard's queries
                writer.connection.commit()
        cursor.close()
    return result


def _arrow(staging: Staging, sql: str, params=()) -> pa.Table:
    return staging.con.cursor().sql(sql, params=list(params)).to_arrow_table()


def _load_table(
    staging: Staging,
    writer: TableWriter,
    spec: TableSpec,
    validation: Validation,
    progress: bool,
    recorder: Recorder,
) -> tuple[tuple[int, int], int]:
    """((rows inserted, rows updated), rows deleted) of one table."""
    table = schema.metadata.tables[spec.name]
    source = validation.sources[spec.name]
    names = [c.name for c in spec.columns]
    norm = q(f"norm_{spec.name}")
    selected = ", ".join(q(n) for n in names)
    if spec.monthly:
        # Per month and township in the file (loader.plan): other townships' rows stay.
        deleted = 0
        for month, scope in validation.scopes.get(spec.name, []):
            recorder.save_scope(table, month, scope)
            deleted += execute(writer, table.delete().where(scope_condition(table, month, scope)))
        # Month by month (in file order within a month): DuckDB then skips other months' row
        # groups by their min/max, and no sort of the whole table is needed.
        sql = f"SELECT {selected} FROM {norm} WHERE month = ?"  # noqa: S608 - identifiers only
        total = 0
        for month in validation.months.get(spec.name, []):
            total += _stream(staging, writer, table, sql, progress, (month,))
        return (total, 0), max(deleted, 0)
    if spec.name == "team_village":
        villages = [
            v
            for (v,) in staging.con.execute(
                "SELECT DISTINCT village_code FROM norm_team_village"
            ).fetchall()
        ]
        # A few statements with IN lists: one DELETE per village is slow on DuckDB.
        deleted = 0
        for start in range(0, len(villages), DELETE_CHUNK):
            chunk = villages[start : start + DELETE_CHUNK]
            recorder.save_where(table, table.c.village_code.in_(chunk))
            deleted += execute(writer, table.delete().where(table.c.village_code.in_(chunk)))
        sql = f"SELECT DISTINCT {selected} FROM {norm}"  # noqa: S608
        recorder.save_rows(table, NEW, _arrow(staging, sql))
        return (_stream(staging, writer, table, sql, progress), 0), max(deleted, 0)
    # Dimension tables: insert new keys; update only the changed columns of existing keys
    # (DuckDB rewrites an updated indexed column as delete + insert, which a referenced
    # parent row cannot survive, so unchanged columns are left alone). Columns the file does
    # not have keep their stored values.
    on = " AND ".join(f"n.{q(k)} = b.{q(k)}" for k in spec.key)
    db = q("db_" + spec.name)
    exists = f"EXISTS (SELECT 1 FROM {db} b WHERE {on})"  # noqa: S608
    selected_n = ", ".join(f"n.{q(n)}" for n in names)
    others = [n for n in names if n not in spec.key and n in source.columns]
    updated = 0
    if others:
        flags = ", ".join(f"n.{q(c)} IS DISTINCT FROM b.{q(c)}" for c in others)
        changed = staging.con.execute(
            f"SELECT {selected_n}, {flags} FROM {norm} n JOIN {db} b "  # noqa: S608
            f"ON {on} ORDER BY n._row"
        ).fetchall()
        groups: dict[tuple, list[dict]] = {}
        for record in changed:
            values = dict(zip(names, record[: len(names)], strict=True))
            mask = tuple(record[len(names) :])
            if any(mask):
                groups.setdefault(mask, []).append({f"p_{n}": v for n, v in values.items()})
        if groups:
            # The rows as they were, from the copy validation read (same run, same database).
            differs = " OR ".join(f"n.{q(c)} IS DISTINCT FROM b.{q(c)}" for c in others)
            old = _arrow(
                staging,
                f"SELECT b.* FROM {db} b WHERE EXISTS (SELECT 1 FROM {norm} n "  # noqa: S608
                f"WHERE {on} AND ({differs}))",
            )
            recorder.save_rows(table, OLD, old)
        condition = sa.and_(*(table.c[k] == sa.bindparam(f"p_{k}") for k in spec.key))
        for mask, rows in groups.items():
            columns = [c for c, flag in zip(others, mask, strict=True) if flag]
            update = table.update().where(condition)
            run_many(writer, update.values({c: sa.bindparam(f"p_{c}") for c in columns}), rows)
            updated += len(rows)
    sql = f"SELECT {selected_n} FROM {norm} n WHERE NOT {exists} ORDER BY _row"  # noqa: S608
    keys_n = ", ".join(f"n.{q(k)}" for k in spec.key)
    added = _arrow(staging, f"SELECT {keys_n} FROM {norm} n WHERE NOT {exists}")  # noqa: S608
    recorder.save_rows(table, NEW, added)
    return (_stream(staging, writer, table, sql, progress), updated), 0


def _stream(
    staging: Staging, writer: TableWriter, table: sa.Table, sql: str, progress: bool, params=()
) -> int:
    count_sql = f"SELECT count(*) FROM ({sql})"  # noqa: S608 - wraps our own query
    total = staging.con.execute(count_sql, list(params)).fetchall()[0][0]
    if total == 0:
        return 0
    # A cursor of its own: the staging connection stays free for other queries meanwhile.
    reader = staging.con.cursor().sql(sql, params=list(params)).to_arrow_reader(STREAM_ROWS)
    bar = tqdm(
        total=total,
        desc=" ".join([table.name, *map(str, params)]),
        unit="行",
        unit_scale=True,
        file=sys.stderr,
        disable=not progress or total < PROGRESS_MIN_ROWS,
    )
    if writer.dialect.name == "duckdb":
        # One INSERT … SELECT scans the whole stream: no statement (and no Arrow table) per batch.
        def counted_batches():
            for batch in reader:
                bar.update(batch.num_rows)
                yield batch

        with bar:
            stream = pa.RecordBatchReader.from_batches(reader.schema, counted_batches())
            writer.append(table, stream)
        return total
    with bar:
        if writer.dialect.driver == "psycopg":
            _copy_csv(writer, table, reader, bar)
            return total
        for batch in reader:
            writer.append(table, pa.Table.from_batches([batch]))
            bar.update(batch.num_rows)
    return total


def _copy_csv(writer: TableWriter, table: sa.Table, reader, bar) -> None:
    """PostgreSQL: COPY … FROM STDIN in CSV, each batch written as text by Arrow's CSV writer.

    Several times faster than demo.writer's row-by-row COPY: no Python object per value.
    Arrow quotes every string and leaves NULL unquoted and empty, which is COPY's CSV NULL.
    """
    from psycopg import sql as pg  # only present where PostgreSQL is used

    names = reader.schema.names
    statement = pg.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(
        pg.Identifier(table.name), pg.SQL(", ").join(map(pg.Identifier, names))
    )
    options = pa_csv.WriteOptions(include_header=False)
    cursor = writer.connection.cursor()
    try:
        with cursor.copy(statement) as copy:
            for batch in reader:
                buffer = pa.BufferOutputStream()
                pa_csv.write_csv(batch, buffer, options)
                copy.write(buffer.getvalue().to_pybytes())
                bar.update(batch.num_rows)
    finally:
        cursor.close()


def _write_meta(writer: TableWriter, meta: dict[str, str], recorder: Recorder) -> None:
    """extracted_at and source from this load; the demo flag goes (the data are real now)."""
    table = schema.data_meta
    keys = [*meta, "demo"]
    present = sa.select(table.c.meta_key).where(table.c.meta_key.in_(keys))
    existing = {k for (k,) in fetch(writer, present)}
    recorder.save_where(table, table.c.meta_key.in_(keys))
    added = [k for k in meta if k not in existing]
    recorder.save_rows(table, NEW, pa.table({"meta_key": pa.array(added, pa.string())}))
    delete = table.delete().where(table.c.meta_key == sa.bindparam("p_key"))
    run_many(writer, delete, [{"p_key": k} for k in keys])
    rows = pa.table({"meta_key": list(meta), "meta_value": list(meta.values())})
    writer.append(table, rows)
