"""Cached calls into data_access/: one entry point so every page caches the same way.

    data.query("teams.team_workload", scope, period)

The engine is passed as `_engine` so it is not hashed; the database key keeps results of
different databases apart.
"""

from __future__ import annotations

import importlib

import streamlit as st

from dashboard.database import Database

# Results stay ten minutes: extracts refresh daily at most, and a meeting sees stable figures.
CACHE_TTL_S = 600
# Bounded memory: results are small aggregates, a few hundred filter combinations fit easily.
CACHE_MAX_ENTRIES = 512

S_DATABASE = "s_database"


def set_database(db: Database) -> None:
    st.session_state[S_DATABASE] = db


def database() -> Database:
    return st.session_state[S_DATABASE]


@st.cache_data(ttl=CACHE_TTL_S, max_entries=CACHE_MAX_ENTRIES, show_spinner=False)
def _cached(name: str, db_key: str, _engine, args: tuple, kwargs: tuple):
    module_name, func_name = name.split(".")
    func = getattr(importlib.import_module(f"data_access.{module_name}"), func_name)
    return func(_engine, *args, **dict(kwargs))


def query(name: str, *args, **kwargs):
    """Call data_access.<module>.<function>(engine, *args, **kwargs), cached per arguments."""
    db = database()
    return _cached(name, db.key, db.engine, args, tuple(sorted(kwargs.items())))
