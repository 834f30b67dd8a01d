"""Cached calls, by reference: `cached(views.chronic.build)(scope, window, disease)`.

Every builder and query takes the engine first; the wrapper passes the current database's
engine and caches the result per database and arguments (the function's qualified name keys
the cache; it is not used to look the function up, so go-to-definition and renames work).

Results are kept pickled, as st.cache_data keeps them (every caller unpickles its own copy),
but bounded by their bytes rather than their number: at province scale one county's 县区排名
model is 1.4 MB and the whole province's map view 2.2 MB, where an overview is 0.02 MB, so a
count bound let a busy server grow by hundreds of MB before it held.
"""

from __future__ import annotations

import contextlib
import functools
import pickle
import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import cachetools
import streamlit as st

from dashboard.database import Database

# Results stay ten minutes: extracts refresh daily at most, and a meeting sees stable figures.
CACHE_TTL_S = 600
# Pickled bytes kept over all sessions (view models, built maps, geometry): a few hundred
# county views, or the whole province's views and maps for a dozen periods. With the kept
# query results (data_access.memo) and shapes (geo.leaflet) the caches stay under 170 MB,
# so 8 sessions at province scale fit in 1 GB.
CACHE_MAX_BYTES = 96 * 1024 * 1024

S_DATABASE = "s_database"

P = ParamSpec("P")
R = TypeVar("R")

_results: cachetools.TTLCache = cachetools.TTLCache(
    maxsize=CACHE_MAX_BYTES, ttl=CACHE_TTL_S, getsizeof=len
)
_lock = threading.Lock()  # cachetools' caches are not thread-safe; sessions are threads
_building: dict[tuple, threading.Lock] = {}  # per key being built: one build at a time


def set_database(db: Database) -> None:
    st.session_state[S_DATABASE] = db


def database() -> Database:
    return st.session_state[S_DATABASE]


def hashable(value):
    """A hashable stand-in for an argument: dicts, lists and sets by their contents."""
    if isinstance(value, dict):
        return ("dict", tuple(sorted((k, hashable(v)) for k, v in value.items())))
    if isinstance(value, list | tuple):
        return (type(value).__name__, tuple(hashable(v) for v in value))
    if isinstance(value, set | frozenset):
        return ("set", frozenset(hashable(v) for v in value))
    hash(value)  # a TypeError here names an argument that cannot key a cache
    return value


def kept(key: tuple, build: Callable[[], R], spinner: str | None = None) -> R:
    """build()'s result, kept under `key` for CACHE_TTL_S within CACHE_MAX_BYTES; each call
    gets its own copy. Sessions asking for the same key at once build it once (the others
    wait: eight sessions opening a province page would otherwise hold eight builds in
    memory). An exception is not kept (the next call builds again)."""
    found = _stored(key)
    if found is not None:
        return pickle.loads(found)
    with _lock:
        building = _building.setdefault(key, threading.Lock())
    try:
        with building:
            found = _stored(key)  # built by another session while this one waited
            if found is not None:
                return pickle.loads(found)
            with st.spinner(spinner) if spinner else contextlib.nullcontext():
                value = build()
            blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            with _lock, contextlib.suppress(ValueError):  # larger than the cache: not kept
                _results[key] = blob
            return value
    finally:
        with _lock:
            if _building.get(key) is building and not building.locked():
                del _building[key]


def _stored(key: tuple) -> bytes | None:
    with _lock:
        return _results.get(key)


def kept_bytes() -> int:
    """Pickled bytes kept now (benchmarks and tests)."""
    with _lock:
        _results.expire()
        return int(_results.currsize)


def clear() -> None:
    """Forget every kept result (a retry after a database error starts afresh)."""
    with _lock:
        _results.clear()


def cached(func: Callable[..., R]) -> Callable[..., R]:
    """`func` without its engine argument, run on the app's database and cached."""
    name = f"{func.__module__}.{func.__qualname__}"

    @functools.wraps(func)
    def call(*args, **kwargs) -> R:
        db = database()
        key = (name, db.key, hashable(args), hashable(kwargs))
        return kept(key, lambda: func(db.engine, *args, **kwargs))

    return call
