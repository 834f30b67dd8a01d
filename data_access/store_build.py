"""Building the analytics store (see data_access/store.py for what it holds): the source's
small tables copied, chronic rows counted per month, and the colour changes of the month
pairs the periods need, paired through a staging file that is deleted with the build.

Why this writer lives in the read-only layer: the file it writes is the dashboard's own
cache, never the monitoring database (which is only read, through data_access.source_reader
with plain SELECTs). The writers of the source (demo/, loader/) are apart from the read path
and the server must not import them; the store is built and swapped by the server itself
(data_access.store_keeper), so its writer sits beside its reader. It writes nothing but
`<store>.<tag>.building` and `<store>.<tag>.staging` in the store folder (a tag per process
and build), and the store's seal (data_access.store_files).
"""

from __future__ import annotations

import logging
import os
import time
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access import meta, quality, store_files
from data_access.periods import periods_with_data
from data_access.relations import Store, chronic_count, store_metadata
from data_access.schema import chronic_status, metadata, village
from data_access.source_reader import chronic_months, prefetched, read_batches
from data_access.store import FORMAT, Progress, Stamp, no_progress, source_stamp

log = logging.getLogger(__name__)

# Contract tables copied as they are (everything but the patient rows).
COPIED = tuple(t for t in metadata.sorted_tables if t is not chronic_status)
# The build's own DuckDB may use this much memory before it spills to disk.
BUILD_MEMORY_LIMIT = "512MB"


# --- which month pairs the views can ask transitions for ----------------------------------


def needed_pairs(store: Store) -> list[tuple[str, str]]:
    """Every (before, end) pair views.chronic can ask for, for any scope and disease.

    For a period, the end is the last month in it with rows in scope, and `before` the last
    month with rows before it. For a scope (townships) both are maxima over its townships,
    and for all diseases maxima over the diseases, so they are among the per-township,
    per-disease values: the pairs of those cover every scope exactly.
    """
    months = meta.data_months(store)
    if not months:
        return []
    latest = max(months)
    have = _months_by_group(store)
    pairs: set[tuple[str, str]] = set()
    for kind in ("month", "quarter", "year"):
        for period in periods_with_data(months, kind):
            cut = period.through(latest)
            inside, first = set(cut.months), cut.first_month
            ends, befores = set(), set()
            for group_months in have.values():
                end = max((m for m in group_months if m in inside), default=None)
                before = max((m for m in group_months if m < first), default=None)
                if end:
                    ends.add(end)
                if before:
                    befores.add(before)
            pairs.update((b, e) for b in befores for e in ends if b < e)
    return sorted(pairs)


def _months_by_group(store: Store) -> dict[tuple, list[str]]:
    c = chronic_count.c
    query = (
        sa.select(village.c.township_code, c.disease, c.month)
        .select_from(chronic_count.outerjoin(village, village.c.village_code == c.village_code))
        .distinct()
    )
    groups: dict[tuple, list[str]] = {}
    with store.connect() as conn:
        for township_code, disease, month in conn.execute(query):
            groups.setdefault((township_code, disease), []).append(month)
    return groups


def build(
    source: Engine,
    url: str,
    path: Path,
    progress: Progress = no_progress,
    stamp: Stamp | None = None,
) -> Path:
    """Build the store of `source` (configured as `url`) at `path`, atomically, one build
    per source at a time across processes: a process that waited for another's build of the
    same store uses it instead (store_files.build_lock).

    The previous file at `path`, if any, is replaced only when the build succeeds.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    waited = []

    def waiting() -> None:
        waited.append(True)
        log.info("analytics store %s: another process builds it, waiting", path.name)
        progress(0.0, "另一进程正在生成分析库，等待其完成…")

    with store_files.build_lock(path, waiting):
        if waited and path.exists() and store_files.intact(path):  # the other one built it
            progress(1.0, "分析库已就绪")
            return path
        store_files.clear_leftovers(path)
        return _build_locked(source, url, path, progress, stamp or source_stamp(source, url))


def _build_locked(source: Engine, url: str, path: Path, progress: Progress, stamp: Stamp) -> Path:
    started = time.perf_counter()
    building, staging = store_files.working_names(path)
    writer = sa.create_engine(f"duckdb:///{building}", poolclass=sa.pool.StaticPool)
    built = Store(writer, building, sealed=False)  # read by the build's own queries as it grows
    try:
        metadata.create_all(writer, tables=list(COPIED))
        store_metadata.create_all(writer)
        with writer.connect() as conn:
            duck = conn.connection.driver_connection
            duck.execute(f"SET memory_limit = '{BUILD_MEMORY_LIMIT}'")
            duck.execute("SET preserve_insertion_order = false")
            _copy_tables(source, duck, progress)
            _chronic(source, duck, staging, built, progress)
            progress(0.97, "整理分析库…")
            months = meta.months_with_rows(built)
            if months:
                duck.executemany("INSERT INTO data_month VALUES (?)", [[m] for m in months])
            duck.execute(
                "INSERT INTO store_info VALUES (?, ?), (?, ?), (?, ?), (?, ?)",
                [
                    "source", stamp.source,
                    "extracted_at", stamp.extracted_at,
                    "built_at", datetime.now(UTC).isoformat(timespec="seconds"),
                    "format", FORMAT,
                ],
            )  # fmt: skip
            duck.execute("CHECKPOINT")
    except BaseException:
        writer.dispose()
        building.unlink(missing_ok=True)
        raise
    finally:
        staging.unlink(missing_ok=True)
        Path(f"{staging}.wal").unlink(missing_ok=True)
    writer.dispose()
    os.replace(building, path)
    store_files.seal(path)
    log.info("analytics store %s built in %.1f s", path.name, time.perf_counter() - started)
    progress(1.0, "分析库已就绪")
    return path


def _insert(duck, table: str, batch: pa.Table) -> None:
    duck.register("incoming", batch)
    try:
        columns = ", ".join(f'"{name}"' for name in batch.column_names)
        # Names from the contract's metadata, not from input.
        duck.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM incoming")  # noqa: S608
    finally:
        duck.unregister("incoming")


def _copy_tables(source: Engine, duck, progress: Progress) -> None:
    for i, table in enumerate(COPIED):
        progress(0.25 * i / len(COPIED), f"读取 {table.name}…")
        query = sa.select(*table.columns)
        for batch in read_batches(source, query):
            _insert(duck, table.name, batch)


def _chronic(source: Engine, duck, staging: Path, built: Store, progress: Progress) -> None:
    """chronic_count per month, and chronic_move for the needed pairs via a staging file."""
    cs = chronic_status.c
    months = chronic_months(source)
    duck.execute(f"ATTACH '{staging}' AS staging")
    duck.execute(
        "CREATE TABLE staging.rows (month VARCHAR, patient_id VARCHAR, disease VARCHAR,"
        " township_code VARCHAR, color VARCHAR, village_code VARCHAR)"
    )
    columns = (cs.month, cs.patient_id, cs.village_code, cs.disease, cs.color, cs.managed_level)
    queries = [sa.select(*columns).where(cs.month == month) for month in months]
    for i, (month, batches) in enumerate(zip(months, prefetched(source, queries), strict=True)):
        progress(
            0.25 + 0.55 * i / max(len(months), 1), f"读取慢病数据 {month}（{i + 1}/{len(months)}）…"
        )
        for batch in batches:
            duck.register("incoming", batch)
            try:
                duck.execute(
                    "INSERT INTO chronic_count SELECT month, village_code, disease, color,"
                    " managed_level, count(*) FROM incoming GROUP BY ALL"
                )
                duck.execute(
                    "INSERT INTO staging.rows SELECT i.month, i.patient_id, i.disease,"
                    " v.township_code, i.color, i.village_code FROM incoming i"
                    " LEFT JOIN village v ON v.village_code = i.village_code"
                )
            finally:
                duck.unregister("incoming")
    # Rows of one month may arrive in several batches: one row per group in the store.
    duck.execute(
        "CREATE TABLE counted AS SELECT month, village_code, disease, color, managed_level,"
        " sum(n) AS n FROM chronic_count GROUP BY ALL ORDER BY month, village_code"
    )
    duck.execute("DELETE FROM chronic_count")
    duck.execute("INSERT INTO chronic_count SELECT * FROM counted")
    duck.execute("DROP TABLE counted")
    pairs = needed_pairs(built)
    for i, (before, end) in enumerate(pairs):
        progress(0.8 + 0.17 * i / max(len(pairs), 1), f"计算转归 {before} → {end}…")
        duck.execute(
            "INSERT INTO chronic_move SELECT a.month, b.month, a.township_code,"
            " b.township_code, a.disease, a.color, b.color, count(*)"
            " FROM staging.rows a JOIN staging.rows b"
            " ON b.patient_id = a.patient_id AND b.disease = a.disease"
            " WHERE a.month = ? AND b.month = ? GROUP BY ALL",
            [before, end],
        )
        duck.execute("INSERT INTO chronic_move_pair VALUES (?, ?)", [before, end])
    progress(0.97, "统计数据质量…")
    _quality(duck, built)
    duck.execute("DETACH staging")


def _quality(duck, built: Store) -> None:
    """chronic_quality from the staging rows: the query the source path runs (one text)."""
    rows = sa.table(
        "rows",
        *(sa.column(c) for c in ("month", "patient_id", "village_code", "disease", "color")),
        schema="staging",
    )
    query = quality.quality_counts(rows).compile(
        dialect=built.engine.dialect, compile_kwargs={"literal_binds": True}
    )
    duck.execute(f"INSERT INTO chronic_quality {query}")
