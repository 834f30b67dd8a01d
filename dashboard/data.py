"""Cached calls, by reference: `cached(views.chronic.build)(scope, window, disease)`.

Every builder and query takes the engine first; the wrapper passes the current database's
engine and caches the result per database and arguments. The engine is passed as `_engine`
so it is not hashed; the function's qualified name keys the cache (it is not used to look
the function up, so go-to-definition and renames work).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import streamlit as st

from dashboard.database import Database

# Results stay ten minutes: extracts refresh daily at most, and a meeting sees stable figures.
CACHE_TTL_S = 600
# Bounded memory: view models are small aggregates; a few hundred combinations fit easily.
CACHE_MAX_ENTRIES = 512

S_DATABASE = "s_database"

P = ParamSpec("P")
R = TypeVar("R")


def set_database(db: Database) -> None:
    st.session_state[S_DATABASE] = db


def database() -> Database:
    return st.session_state[S_DATABASE]


@st.cache_data(ttl=CACHE_TTL_S, max_entries=CACHE_MAX_ENTRIES, show_spinner=False)
def _call(name: str, db_key: str, _func, _engine, args: tuple, kwargs: tuple):
    return _func(_engine, *args, **dict(kwargs))


def cached(func: Callable[..., R]) -> Callable[..., R]:
    """`func` without its engine argument, run on the app's database and cached."""

    @functools.wraps(func)
    def call(*args, **kwargs) -> R:
        db = database()
        name = f"{func.__module__}.{func.__qualname__}"
        return _call(name, db.key, func, db.engine, args, tuple(sorted(kwargs.items())))

    return call
