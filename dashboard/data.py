"""Cached calls, by reference: `cached(views.chronic.build)(scope, window, disease)`.

Every builder and query takes the database first; the wrapper passes the current database
(a Store, or a source engine with the store off) and caches the result per database and
arguments (the function's qualified name keys the cache; it is not used to look the function
up, so go-to-definition and renames work).

Results are kept pickled, as st.cache_data keeps them (every caller unpickles its own copy),
in the server's one cache mechanism (data_access.bounded: bounded by bytes, ten minutes).
"""

from __future__ import annotations

import contextlib
import functools
import pickle
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import streamlit as st

from dashboard.database import Database
from data_access.bounded import VIEWS_MAX_BYTES, VIEWS_TTL_S, BoundedCache

S_DATABASE = "s_database"

P = ParamSpec("P")
R = TypeVar("R")

_results: BoundedCache[bytes] = BoundedCache(VIEWS_MAX_BYTES, len, ttl_s=VIEWS_TTL_S)


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
    """build()'s result, kept under `key` (data_access.bounded.VIEWS); each call gets its own
    copy. Sessions asking for the same key at once build it once; an exception is not kept."""

    def pickled() -> bytes:
        with st.spinner(spinner) if spinner else contextlib.nullcontext():
            value = build()
        return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)

    return pickle.loads(_results.get_or_build(key, pickled))


def kept_bytes() -> int:
    """Pickled bytes kept now (benchmarks and tests)."""
    return _results.kept_bytes()


def clear() -> None:
    """Forget every kept result (a retry after a database error starts afresh)."""
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
