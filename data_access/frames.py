"""Result rows into DataFrames, fast."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd


def frame(rows: Iterable, columns: list[str]) -> pd.DataFrame:
    """A DataFrame of query result rows with these columns.

    The rows become plain tuples first: pandas probes every SQLAlchemy Row for dataclass
    fields, each probe a failed key lookup, which makes building the frame 5–7× slower.
    """
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)
