"""Small-cell protection: village patient counts below a threshold show as `<5` for roles
below the county, and a share that would give such a count away is not shown.

A township head looks at a handful of villages; a count of 1–4 red patients in one village
can name a person there. County roles and above see the numbers (they run the programme).
One helper per thing a renderer holds: a table, a single count, a single share. The rule
itself, given the floor, is views.masking (view models and slides apply it too).

    DASHBOARD_SMALL_CELL = 5   counts 1–4 show as <5 (default); 0 turns the protection off
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import pandas as pd

from data_access.scope import Scope
from views import labels, masking

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
    return masking.is_small(count, threshold() if below is None else below)


def words(below: int | None = None) -> str:
    return masking.words(threshold() if below is None else below)


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
    return masking.mask_table(table, floor(visible), counts, shares)


def mask_records(
    rows: list[dict], visible: Scope | None, counts: Iterable[str], shares: Iterable[str] = ()
) -> list[dict]:
    """`mask` for a table already turned into JSON records (the export CLI)."""
    return masking.mask_records(rows, floor(visible), counts, shares)
