"""The analytics store: an embedded DuckDB of the dashboard's own, built from the source once
per data extract, that every view model reads instead of the source.

What it holds (aggregates only, no patient identifiers):
- the contract's tables except `chronic_status`, copied as they are (areas, teams, indicator
  values, services: already one row per area or team and month);
- `chronic_count`: chronic rows per month, village, disease, colour and managed level;
- `chronic_move`: rows of one (patient, disease) at two months, per township at each end,
  colour at each end and disease, for every month pair a period can ask for (`needed_pairs`);
- `chronic_quality` (data_access.quality): per month and village, rows whose colour changed
  since the patient's previous row, green → red → green flip-flops, and patients also
  recorded in another village that month — what 数据质量 needs of the patient rows;
- `store_info`: the source, its `extracted_at` and when the store was built.

The source is read with plain SELECTs (one per table, one per month of `chronic_status`),
which PostgreSQL, MySQL/MariaDB and the distributed engines speaking their protocols (Citus,
StarRocks, Doris) all run as simple scans. The patient rows of a month pass through a
staging file beside the store, only to pair rows of two months, and are deleted with it.
A build writes `<name>.building` and moves it into place in one step, so a store is either
complete or absent; readers open it read-only (`open_store`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access import meta, quality
from data_access.engine import REPO_ROOT, backend_of, create_readonly_engine, describe_url
from data_access.periods import Period, periods_with_data
from data_access.relations import (
    STORE_OPTION,
    chronic_count,
    store_info,
    store_metadata,
)
from data_access.schema import chronic_status, data_meta, metadata, village

log = logging.getLogger(__name__)

# Bump when the store's tables change: a store of another format is rebuilt, never read.
FORMAT = "3"
# Contract tables copied as they are (everything but the patient rows).
COPIED = tuple(t for t in metadata.sorted_tables if t is not chronic_status)
# Rows per batch read from the source: bounded memory whatever the table's size.
BATCH_ROWS = 200_000
# The build's own DuckDB may use this much memory before it spills to disk.
BUILD_MEMORY_LIMIT = "512MB"

Progress = Callable[[float, str], None]


def _no_progress(fraction: float, message: str) -> None:
    pass


@dataclass(frozen=True)
class Stamp:
    """Which extract of which source a store holds: the store's identity."""

    source: str  # describe_url(url): no password
    extracted_at: str | None

    @property
    def file_name(self) -> str:
        source = hashlib.sha256(self.source.encode()).hexdigest()[:12]
        extract = hashlib.sha256(f"{FORMAT}|{self.extracted_at}".encode()).hexdigest()[:12]
        return f"store-{source}-{extract}.duckdb"

    @property
    def source_prefix(self) -> str:
        return self.file_name.rsplit("-", 1)[0] + "-"


def source_stamp(engine: Engine, url: str) -> Stamp:
    """The source's identity and its data_meta.extracted_at (one small query)."""
    with engine.connect() as conn:
        extracted = conn.execute(
            sa.select(data_meta.c.meta_value).where(data_meta.c.meta_key == "extracted_at")
        ).scalar()
    return Stamp(describe_url(url), extracted)


STORE_QUERY_THREADS = 1


def open_store(path: Path) -> Engine:
    """A read-only engine on a built store, marked so that queries read its tables."""
    # One thread per query: a view's queries read a few thousand rows each, where DuckDB's
    # scheduling costs more than a second thread brings (5–15 % per view model measured), and
    # the other cores stay free for other sessions.
    engine = create_readonly_engine(f"duckdb:///{path}", threads=STORE_QUERY_THREADS)
    return engine.execution_options(**{STORE_OPTION: True})


def read_info(store: Engine) -> dict[str, str]:
    """The store's store_info: source, extracted_at, built_at, format."""
    with store.connect() as conn:
        return dict(conn.execute(sa.select(store_info.c.info_key, store_info.c.info_value)).all())


def stored_stamp(store: Engine) -> Stamp:
    """The stamp a store was built from."""
    info = read_info(store)
    return Stamp(info.get("source", ""), info.get("extracted_at"))


# --- reading the source ---------------------------------------------------------------------


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


def _prefetched(source: Engine, queries: list[sa.Select]) -> Iterator[list[pa.Table]]:
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


# --- which month pairs the views can ask transitions for ----------------------------------


def needed_pairs(store: Engine) -> list[tuple[str, str]]:
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


def _months_by_group(store: Engine) -> dict[tuple, list[str]]:
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


# --- the build ------------------------------------------------------------------------------


def build(
    source: Engine,
    url: str,
    path: Path,
    progress: Progress = _no_progress,
    stamp: Stamp | None = None,
) -> Path:
    """Build the store of `source` (configured as `url`) at `path`, atomically.

    The previous file at `path`, if any, is replaced only when the build succeeds.
    """
    started = time.perf_counter()
    stamp = stamp or source_stamp(source, url)
    path.parent.mkdir(parents=True, exist_ok=True)
    building = path.with_name(path.name + ".building")
    staging = path.with_name(path.name + ".staging")
    for leftover in (building, staging):
        leftover.unlink(missing_ok=True)
        Path(f"{leftover}.wal").unlink(missing_ok=True)
    writer = sa.create_engine(f"duckdb:///{building}", poolclass=sa.pool.StaticPool)
    try:
        metadata.create_all(writer, tables=list(COPIED))
        store_metadata.create_all(writer)
        with writer.connect() as conn:
            duck = conn.connection.driver_connection
            duck.execute(f"SET memory_limit = '{BUILD_MEMORY_LIMIT}'")
            duck.execute("SET preserve_insertion_order = false")
            _copy_tables(source, duck, progress)
            _chronic(
                source, duck, staging, writer.execution_options(**{STORE_OPTION: True}), progress
            )
            progress(0.97, "整理分析库…")
            built = writer.execution_options(**{STORE_OPTION: True})
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


def _chronic(source: Engine, duck, staging: Path, built: Engine, progress: Progress) -> None:
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
    for i, (month, batches) in enumerate(zip(months, _prefetched(source, queries), strict=True)):
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


def _quality(duck, built: Engine) -> None:
    """chronic_quality from the staging rows: the query the source path runs (one text)."""
    rows = sa.table(
        "rows",
        *(sa.column(c) for c in ("month", "patient_id", "village_code", "disease", "color")),
        schema="staging",
    )
    duck.execute("INSERT INTO chronic_quality " + _sql(built, quality.quality_counts(rows)))


# Seconds to wait for a child that was told to stop, or that ended, before giving up on it.
CHILD_DRAIN_S = 5.0


def build_in_child(url: str, path: Path, stamp: Stamp, progress: Progress = _no_progress) -> None:
    """build() in a process of its own (`python -m data_access.store_child`): its peak memory
    (hundreds of MB while the months are paired) goes back to the system when it ends instead
    of staying in the server's heap. The source URL goes over stdin (never on a command line
    that `ps` shows); progress and the outcome come back as JSON lines on stdout. A failure is
    raised here with the child's reason."""
    errors = tempfile.TemporaryFile("w+", encoding="utf-8")  # a pipe could fill and block
    child = subprocess.Popen(
        [sys.executable, "-m", "data_access.store_child"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors,
        cwd=REPO_ROOT, text=True, encoding="utf-8",  # -m finds data_access from cwd
    )  # fmt: skip
    outcome = None
    try:
        job = {
            "url": url,
            "path": str(path),
            "source": stamp.source,
            "extracted_at": stamp.extracted_at,
        }
        child.stdin.write(json.dumps(job))
        child.stdin.close()
        for line in child.stdout:
            try:
                message = json.loads(line)
            except ValueError:  # something a library printed
                continue
            if message["kind"] == "progress":
                progress(message["fraction"], message["message"])
            else:
                outcome = message
        child.wait()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    errors.seek(0)
    error = errors.read().strip().splitlines()
    errors.close()
    if outcome is None:
        log.warning("analytics store child ended with %s: %s", child.returncode, error[-1:] or "")
        raise RuntimeError(f"分析库生成进程意外结束（退出码 {child.returncode}）")
    if outcome["kind"] == "error":
        raise RuntimeError(outcome["reason"])


def child_main() -> int:
    """The child's side of build_in_child (data_access/store_child.py)."""
    job = json.loads(sys.stdin.read())

    def say(**message) -> None:
        sys.stdout.write(json.dumps(message, ensure_ascii=False) + "\n")
        sys.stdout.flush()

    source = create_readonly_engine(job["url"])
    try:
        build(
            source, job["url"], Path(job["path"]),
            progress=lambda f, m: say(kind="progress", fraction=f, message=m),
            stamp=Stamp(job["source"], job["extracted_at"]),
        )  # fmt: skip
        say(kind="done")
        return 0
    except Exception as exc:
        reason = str(exc).strip().splitlines()
        say(kind="error", reason=reason[0] if reason else type(exc).__name__)
        return 1
    finally:
        source.dispose()


# --- keeping a store current ----------------------------------------------------------------

# Seconds between looks at the source's data_meta.extracted_at.
CHECK_INTERVAL_S = 300.0


@dataclass(frozen=True)
class Current:
    """The store being served: its file, read-only engine and stamp."""

    path: Path
    engine: Engine
    stamp: Stamp


class StoreKeeper:
    """The analytics store of one source in one server process.

    On start it serves the store of the source's current extract if one was built before
    (a restart reuses it), else the newest older store of the same source while the new one
    is built, else nothing until the first build ends. A watcher thread looks at
    `extracted_at` every `interval` seconds and builds a new store when it changed; a
    finished build is swapped in at once, and a failed one leaves the previous store serving.
    """

    def __init__(
        self,
        source: Engine,
        url: str,
        folder: Path,
        interval: float = CHECK_INTERVAL_S,
        isolated: bool = False,
    ) -> None:
        self.source, self.url, self.folder, self.interval = source, url, folder, interval
        # Build in a process of its own (build_in_child): the server's memory stays flat.
        self.isolated = isolated
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._building: threading.Thread | None = None
        self._retired: list[Engine] = []
        self.current: Current | None = None
        self.fraction, self.message = 0.0, "准备中…"
        self.error: str | None = None  # why the last build failed (None: it did not)
        self.builds = 0
        self.last_check: float | None = None
        self._watcher: threading.Thread | None = None

    @property
    def building(self) -> bool:
        return self._building is not None and self._building.is_alive()

    def start(self) -> None:
        """Serve what is on disk and start the watcher (once)."""
        with self._lock:
            if self._watcher is not None:
                return
            self._watcher = threading.Thread(
                target=self._watch, name="analytics-store-watcher", daemon=True
            )
        self.check()
        self._watcher.start()

    def _watch(self) -> None:
        while True:
            self._wake.wait(self.interval)
            self._wake.clear()
            try:
                self.check()
            except Exception as exc:  # an unreachable source: keep serving, look again later
                log.warning("analytics store check failed: %s", exc)

    def check(self) -> None:
        """Compare the source's stamp with the store served; build when they differ."""
        stamp = source_stamp(self.source, self.url)
        self.last_check = time.time()
        if self.current is not None and self.current.stamp == stamp:
            return
        path = self.folder / stamp.file_name
        if path.exists():
            try:
                self._swap(path, stamp)
                return
            except Exception as exc:  # a damaged file: build it again
                log.warning("analytics store %s unreadable, rebuilding: %s", path.name, exc)
                path.unlink(missing_ok=True)
        if self.current is None:
            self._serve_older(stamp)
        self._start_build(path, stamp)

    def refresh_now(self) -> None:
        """Ask the watcher to look at the source now (e.g. an administrator's button)."""
        self._wake.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a running build; True when none runs any more."""
        thread = self._building
        if thread is not None:
            thread.join(timeout)
        return not self.building

    def _serve_older(self, stamp: Stamp) -> None:
        older = sorted(
            self.folder.glob(f"{stamp.source_prefix}*.duckdb"),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for path in older:
            try:
                engine = open_store(path)
                info = read_info(engine)
                if info.get("format") != FORMAT:
                    engine.dispose()
                    continue
                self._swap(path, Stamp(info.get("source", ""), info.get("extracted_at")), engine)
                return
            except Exception as exc:
                log.warning("older analytics store %s unreadable: %s", path.name, exc)

    def _start_build(self, path: Path, stamp: Stamp) -> None:
        with self._lock:
            if self.building:
                return
            self.fraction, self.message, self.builds = 0.0, "准备中…", self.builds + 1
            self._building = threading.Thread(
                target=self._build, args=(path, stamp), name="analytics-store-build", daemon=True
            )
            self._building.start()

    def _progress(self, fraction: float, message: str) -> None:
        self.fraction, self.message = min(max(float(fraction), 0.0), 1.0), message

    def _build(self, path: Path, stamp: Stamp) -> None:
        try:
            if self.isolated:
                build_in_child(self.url, path, stamp, self._progress)
            else:
                build(self.source, self.url, path, progress=self._progress, stamp=stamp)
            self._swap(path, stamp)
            self.error = None
        except Exception as exc:  # the previous store keeps serving
            log.warning("analytics store build failed: %s", exc)
            self.error = str(exc)

    def _swap(self, path: Path, stamp: Stamp, engine: Engine | None = None) -> None:
        engine = engine or open_store(path)
        with engine.connect() as conn:  # opens, so that a damaged file fails here
            conn.execute(sa.select(store_info.c.info_key).limit(1)).all()
        with self._lock:
            previous, self.current = self.current, Current(path, engine, stamp)
            # A session may still be reading the previous store: dispose of it one swap later.
            for old in self._retired:
                old.dispose()
            self._retired = [previous.engine] if previous else []
        if previous is not None and previous.path != path:
            previous.path.unlink(missing_ok=True)
        for stale in self.folder.glob(f"{stamp.source_prefix}*.duckdb"):
            if stale != path and (previous is None or stale != previous.path):
                stale.unlink(missing_ok=True)
