"""Results of the analytics store kept per extract: `@per_extract` on a query function.

A store file never changes once built (data_access/store.py writes a new file for a new
extract and swaps it in), so what a query returned on it stays true for that file. The
lookups every view repeats — indicator definitions, service types, counties, a period's team
workload, a league — are then read once per extract instead of once per call. A source
database (DASHBOARD_STORE=off, the export CLI) can change under us: nothing is kept for it.

Callers get their own copy of a result (they may add columns to a DataFrame); numbers,
strings and None are handed out as they are.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import os
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import pandas as pd

from data_access.bounded import QUERIES_MAX_BYTES, BoundedCache
from data_access.relations import Db, Store

P = ParamSpec("P")
R = TypeVar("R")

CELL_BYTES = 64  # a Python object in an object column, or any small value


def size_of(value) -> int:
    """Roughly the bytes a kept result holds."""
    if isinstance(value, pd.DataFrame):
        # The arrays' own bytes (Arrow strings included), plus a Python object per cell of an
        # object column; memory_usage() would take 6x as long for the same figure.
        objects = sum(pd.api.types.is_object_dtype(t) for t in value.dtypes) * len(value)
        arrays = sum(column.array.nbytes for _, column in value.items())
        return arrays + value.index.nbytes + CELL_BYTES * objects
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return sum(size_of(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, dict):
        return sum(size_of(v) + CELL_BYTES for v in value.values())
    if isinstance(value, list | tuple | set | frozenset):
        return sum(size_of(v) for v in value) + CELL_BYTES
    return CELL_BYTES


# Over all functions: the results kept are aggregates (a team or village list at most).
_kept: BoundedCache = BoundedCache(QUERIES_MAX_BYTES, size_of)


def _file_key(store: Store) -> tuple:
    """The store file, as built: its path and, should it be rebuilt in place, its identity."""
    path = str(store.path)
    found = os.stat(path)
    return path, found.st_ino, found.st_mtime_ns, found.st_size


_IMMUTABLE = (type(None), bool, int, float, str)


def _handed_out(value):
    if isinstance(value, _IMMUTABLE):
        return value
    if isinstance(value, pd.DataFrame):
        return value.copy()
    return copy.deepcopy(value)


def per_extract(func: Callable[P, R]) -> Callable[P, R]:
    """Keep `func(db, …)`'s result per store file and arguments (all hashable); a source or a
    store still being built is read every time."""
    name = f"{func.__module__}.{func.__qualname__}"

    @functools.wraps(func)
    def call(engine: Db, *args, **kwargs):
        if not (isinstance(engine, Store) and engine.sealed):
            return func(engine, *args, **kwargs)
        key = (name, _file_key(engine), args, tuple(sorted(kwargs.items())))
        return _handed_out(_kept.get_or_build(key, lambda: func(engine, *args, **kwargs)))

    return call


def kept_bytes() -> int:
    return _kept.kept_bytes()


def clear() -> None:
    """Forget every kept result (benchmarks time builds without it)."""
    _kept.clear()
