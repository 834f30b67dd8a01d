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
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import pandas as pd
from sqlalchemy.engine import Engine

from data_access.relations import is_store

# Bounds over all functions: the results kept are aggregates (a team or village list at
# most), least recently used first out.
MAX_ENTRIES = 1024
MAX_BYTES = 48 * 1024 * 1024

P = ParamSpec("P")
R = TypeVar("R")

_lock = threading.Lock()
_kept: OrderedDict[tuple, tuple[object, int]] = OrderedDict()  # key → (value, bytes)
_bytes = 0
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


def _file_key(engine: Engine) -> tuple:
    """The store file, as built: its path and, should it be rebuilt in place, its identity."""
    path = engine.url.database
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
    """Keep `func(engine, …)`'s result per store file and arguments (all hashable)."""
    name = f"{func.__module__}.{func.__qualname__}"

    @functools.wraps(func)
    def call(engine: Engine, *args, **kwargs):
        if not is_store(engine):
            return func(engine, *args, **kwargs)
        key = (name, _file_key(engine), args, tuple(sorted(kwargs.items())))
        with _lock:
            if key in _kept:
                _kept.move_to_end(key)
                return _handed_out(_kept[key][0])
        value = func(engine, *args, **kwargs)
        _keep(key, value, size_of(value))
        return _handed_out(value)

    return call


def _keep(key: tuple, value, size: int) -> None:
    global _bytes
    with _lock:
        if key in _kept:  # another session read it meanwhile
            return
        _kept[key] = (value, size)
        _bytes += size
        while _kept and (len(_kept) > MAX_ENTRIES or _bytes > MAX_BYTES):
            _, (_, dropped) = _kept.popitem(last=False)
            _bytes -= dropped


def kept_bytes() -> int:
    return _bytes


def clear() -> None:
    """Forget every kept result (benchmarks time builds without it)."""
    global _bytes
    with _lock:
        _kept.clear()
        _bytes = 0
