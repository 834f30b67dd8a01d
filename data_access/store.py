"""The analytics store: an embedded DuckDB of the dashboard's own, built from the source once
per data extract, that every view model reads instead of the source.

What it holds (aggregates only, no patient identifiers):
- the contract's tables except `chronic_status`, copied as they are (areas, teams, indicator
  values, services: already one row per area or team and month);
- `chronic_count`: chronic rows per month, village, disease, colour and managed level;
- `chronic_move`: rows of one (patient, disease) at two months, per township at each end,
  colour at each end and disease, for every month pair a period can ask for
  (`store_build.needed_pairs`);
- `chronic_quality` (data_access.quality): per month and village, rows whose colour changed
  since the patient's previous row, green → red → green flip-flops, and patients also
  recorded in another village that month — what 数据质量 needs of the patient rows;
- `store_info`: the source, its `extracted_at` and when the store was built.

The store in four modules, one subject each:
- here: its identity (`Stamp`, the file name of an extract), opening a built store read-only
  (`open_store`) and its `store_info`;
- `data_access.source_reader`: reading the source in Arrow batches (plain SELECTs);
- `data_access.store_build`: writing a new store file (`build`), and
  `data_access.store_child` running that build in a process of its own;
- `data_access.store_keeper`: the thread that keeps the store of the current extract served.

A build writes `<name>.building` and moves it into place in one step, so a store is either
complete or absent; readers open it read-only.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access.engine import create_readonly_engine, describe_url
from data_access.relations import Store, store_info
from data_access.schema import data_meta

# Bump when the store's tables change: a store of another format is rebuilt, never read.
FORMAT = "3"

Progress = Callable[[float, str], None]


def no_progress(fraction: float, message: str) -> None:
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


log = logging.getLogger(__name__)
STORE_QUERY_THREADS = 1


def open_store(path: Path, on_damage: Callable[[Path], None] | None = None) -> Store:
    """A built store, opened read-only: what query functions take to read its tables;
    `on_damage(path)` is told when a read fails because the file is damaged."""
    # One thread per query: a view's queries read a few thousand rows each, where DuckDB's
    # scheduling costs more than a second thread brings (5–15 % per view model measured), and
    # the other cores stay free for other sessions.
    engine = create_readonly_engine(f"duckdb:///{path}", threads=STORE_QUERY_THREADS)
    if on_damage is not None:
        _report_damage(engine, path, on_damage)
    return Store(engine, path)


def _report_damage(engine: Engine, path: Path, on_damage: Callable[[Path], None]) -> None:
    """Tell `on_damage` when DuckDB cannot read the file (cut short, bad checksum)."""
    import duckdb

    @sa.event.listens_for(engine, "handle_error")
    def _damaged(context) -> None:
        error = context.original_exception
        if isinstance(error, duckdb.IOException) or "checksum" in str(error).lower():
            try:
                on_damage(path)
            except Exception as exc:  # the query's own error is the one to raise
                log.warning("analytics store damage report failed: %s", exc)


def read_info(store: Store) -> dict[str, str]:
    """The store's store_info: source, extracted_at, built_at, format."""
    with store.connect() as conn:
        return dict(conn.execute(sa.select(store_info.c.info_key, store_info.c.info_value)).all())
