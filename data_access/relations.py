"""Where chronic rows come from: the source's `chronic_status`, or the analytics store's
counts of it. Every chronic query reads `chronic_rows(db)` and counts with `rows_count`,
so one query text serves both and their figures are equal by construction.

Which one a query reads is said by what the caller passes, not by a mark on an engine: a
query function takes a `Db`, either a source's `Engine` or a `Store` (the store's engine and
file, from data_access.store.open_store). Only what a `Store` is passed may read the store's
tables, keep results per file (data_access.memo) or scope in memory.

- On the source, `chronic_rows` is `chronic_status` projected with `n = 1` (a plain
  projection that every planner merges into the outer query, so indexes still apply).
- On the store (data_access/store.py), it is `chronic_count`: the same columns, one row per
  month, village, disease, colour and managed level, with `n` rows behind it.

Transitions pair a patient's rows of two months; the store keeps them per township pair
(`chronic_move`) for the month pairs the periods need, since it holds no patient identifiers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from data_access.schema import CODE, ENUM, MONTH, chronic_status


@dataclass(frozen=True)
class Store:
    """The analytics store, as query functions take it in place of a source engine.

    `sealed`: the file is complete and never changes (a served store), so a result read from
    it stays true for the file; False while a build is still writing it."""

    engine: Engine
    path: Path
    sealed: bool = True

    def connect(self) -> Connection:
        return self.engine.connect()

    def dispose(self) -> None:
        self.engine.dispose()


# What every query function reads: a source database, or the analytics store of one.
Db = Engine | Store

store_metadata = sa.MetaData()

chronic_count = sa.Table(
    "chronic_count",
    store_metadata,
    sa.Column("month", MONTH, nullable=False),
    sa.Column("village_code", CODE, nullable=False),
    sa.Column("disease", ENUM, nullable=False),
    sa.Column("color", ENUM, nullable=False),
    sa.Column("managed_level", ENUM, nullable=False),
    sa.Column("n", sa.BigInteger, nullable=False),
)

# Rows of one (patient, disease) found at both months, by the township at each end (None:
# the village is not in `village`). Rows found at one end only are the month's count minus
# these (新纳入 / 退出管理), so they are not stored.
chronic_move = sa.Table(
    "chronic_move",
    store_metadata,
    sa.Column("from_month", MONTH, nullable=False),
    sa.Column("to_month", MONTH, nullable=False),
    sa.Column("from_township", sa.String(9)),
    sa.Column("to_township", sa.String(9)),
    sa.Column("disease", ENUM, nullable=False),
    sa.Column("from_color", ENUM, nullable=False),
    sa.Column("to_color", ENUM, nullable=False),
    sa.Column("n", sa.BigInteger, nullable=False),
)

# The month pairs `chronic_move` was computed for (a pair may have no moves at all).
chronic_move_pair = sa.Table(
    "chronic_move_pair",
    store_metadata,
    sa.Column("from_month", MONTH, primary_key=True),
    sa.Column("to_month", MONTH, primary_key=True),
)

# The months with rows in any fact table (meta.data_months), worked out once per extract.
data_month = sa.Table(
    "data_month",
    store_metadata,
    sa.Column("month", MONTH, primary_key=True),
)

# What the store was built from: source, extracted_at, built_at, format.
store_info = sa.Table(
    "store_info",
    store_metadata,
    sa.Column("info_key", sa.String(64), primary_key=True),
    sa.Column("info_value", sa.String(255)),
)

_cs = chronic_status.c
_SOURCE_ROWS = sa.select(
    _cs.month,
    _cs.village_code,
    _cs.disease,
    _cs.color,
    _cs.managed_level,
    sa.literal_column("1").label("n"),
).subquery("chronic_rows")


def chronic_rows(db: Db) -> sa.FromClause:
    """month, village_code, disease, color, managed_level, n: chronic rows, counted by `n`."""
    return chronic_count if isinstance(db, Store) else _SOURCE_ROWS


def rows_count(rows: sa.FromClause, when=None):
    """Σ n (rows behind the grouped row), or over the rows where `when` holds; never NULL."""
    n = rows.c.n if when is None else sa.case((when, rows.c.n), else_=0)
    return sa.cast(sa.func.coalesce(sa.func.sum(n), 0), sa.BigInteger)
