"""The small-cell rule for a given floor: patient counts from 1 to floor − 1 read `<floor`, and
a share formed from such a count is not shown. 0 reveals nobody; a floor of 0 masks nothing.

Pure, so that view models and slides apply it as the pages do. Who gets which floor (township
roles, the DASHBOARD_SMALL_CELL setting) is the frame's decision: dashboard.small_cells.floor.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd


def is_small(count, below: int) -> bool:
    """1 ≤ count < below; no value stays none, and a count already masked is not one."""
    if not below or count is None or isinstance(count, str) or pd.isna(count):
        return False
    return 0 < float(count) < below


def words(below: int) -> str:
    """A masked count as shown: <5."""
    return f"<{below}"


def hidden_words(below: int) -> str:
    """What a value not shown says in its place (map tooltip and legend, class tables, slide)."""
    return f"人数{words(below)}，不显示"


def hidden_rows(table: pd.DataFrame, below: int, counts: Iterable[str]) -> pd.Series:
    """Per row: whether any of its `counts` is small (below `below`; 0: never)."""
    counts = list(counts)
    if not below or not counts or table.empty:
        return pd.Series(False, index=table.index)
    return table[counts].map(lambda c: is_small(c, below)).any(axis=1)


def mask_table(
    table: pd.DataFrame, below: int, counts: Iterable[str], shares: Iterable[str] = ()
) -> pd.DataFrame:
    """A copy of the table whose small `counts` read `<below` and whose `shares` are empty on
    the rows where any of those counts is small (0: the table as it is)."""
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
    rows: list[dict], below: int, counts: Iterable[str], shares: Iterable[str] = ()
) -> list[dict]:
    """`mask_table` for a table already turned into JSON records (the export CLI)."""
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
