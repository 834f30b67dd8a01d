"""Small-cell protection: village patient counts below a threshold show as `<5` for roles
below the county, and a share that would give such a count away is not shown.

A township head looks at a handful of villages; a count of 1–4 red patients in one village
can name a person there. County roles and above see the numbers (they run the programme).
One helper per thing a renderer holds: a table, a single count, a single share.

    DASHBOARD_SMALL_CELL = 5   counts 1–4 show as <5 (default); 0 turns the protection off
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import pandas as pd

from data_access.scope import Scope
from views import labels

ENV = "DASHBOARD_SMALL_CELL"
# 5: the usual floor of official health statistics for publishing a count about people.
DEFAULT = 5


def threshold(environ=None) -> int:
    """Counts below this are hidden (0: protection off); a bad setting keeps the default."""
    environ = os.environ if environ is None else environ
    text = (environ.get(ENV) or "").strip()
    try:
        return max(0, int(text)) if text else DEFAULT
    except ValueError:
        return DEFAULT


def applies(visible: Scope | None) -> bool:
    """Whether a user who sees `visible` gets masked counts (township roles, when switched on)."""
    return visible is not None and bool(visible.township_codes) and threshold() > 0


def floor(visible: Scope | None) -> int:
    """Counts below this are masked for a user who sees `visible` (0: none are). What is
    cached per user (the built map) takes it as part of its key."""
    return threshold() if applies(visible) else 0


def is_small(count, below: int | None = None) -> bool:
    """1 ≤ count < below (default: the threshold); 0 reveals nobody, no value stays none."""
    if count is None or isinstance(count, str) or pd.isna(count):
        return False
    return 0 < float(count) < (threshold() if below is None else below)


def words(below: int | None = None) -> str:
    return f"<{threshold() if below is None else below}"


def count(value, visible: Scope | None, fmt=lambda v: f"{int(v):,}") -> str:
    """One count as text for this user: `<5` when small and masked, else `fmt(value)`."""
    if applies(visible) and is_small(value):
        return words()
    return labels.NO_VALUE if value is None or pd.isna(value) else fmt(value)


def share_hidden(counts: Iterable, visible: Scope | None) -> bool:
    """Whether a share computed from these counts would give a small count away."""
    return applies(visible) and any(is_small(c) for c in counts)


def mask(
    table: pd.DataFrame,
    visible: Scope | None,
    counts: Iterable[str],
    shares: Iterable[str] = (),
) -> pd.DataFrame:
    """A copy of a village table for this user: small `counts` columns read `<5`, and the
    `shares` columns are empty on the rows where any of those counts is small."""
    return mask_below(table, floor(visible), counts, shares)


def hidden_rows(table: pd.DataFrame, below: int, counts: Iterable[str]) -> pd.Series:
    """Per row: whether any of its `counts` is small (below `below`; 0: never)."""
    counts = list(counts)
    if not below or not counts or table.empty:
        return pd.Series(False, index=table.index)
    return table[counts].map(lambda c: is_small(c, below)).any(axis=1)


def mask_below(
    table: pd.DataFrame, below: int, counts: Iterable[str], shares: Iterable[str] = ()
) -> pd.DataFrame:
    """`mask` with the threshold given (0: the table as it is), for what is cached by it."""
    if not below or table.empty:
        return table
    counts, shares = list(counts), list(shares)
    small = table[counts].map(lambda c: is_small(c, below))
    out = table.copy()
    for column in counts:
        out[column] = out[column].astype(object).where(~small[column], words(below))
    hidden = small.any(axis=1)
    for column in shares:
        out[column] = out[column].astype(object).where(~hidden, None)
    return out


def mask_records(
    rows: list[dict], visible: Scope | None, counts: Iterable[str], shares: Iterable[str] = ()
) -> list[dict]:
    """`mask` for a table already turned into JSON records (the export CLI)."""
    below = floor(visible)
    if not below:
        return rows
    counts, shares = list(counts), list(shares)
    out = []
    for row in rows:
        small = [c for c in counts if is_small(row.get(c), below)]
        row = {**row, **{c: words(below) for c in small}}
        if small:
            row.update({s: None for s in shares if s in row})
        out.append(row)
    return out
