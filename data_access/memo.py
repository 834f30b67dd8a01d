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
import functools
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import pandas as pd
from sqlalchemy.engine import Engine

from data_access.relations import is_store

# Entries over all functions; the results kept are aggregates (a team list at most).
MAX_ENTRIES = 1024

P = ParamSpec("P")
R = TypeVar("R")

_lock = threading.Lock()
_kept: OrderedDict[tuple, object] = OrderedDict()


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
                return _handed_out(_kept[key])
        value = func(engine, *args, **kwargs)
        with _lock:
            _kept[key] = value
            while len(_kept) > MAX_ENTRIES:
                _kept.popitem(last=False)
        return _handed_out(value)

    return call


def clear() -> None:
    """Forget every kept result (benchmarks time builds without it)."""
    with _lock:
        _kept.clear()
