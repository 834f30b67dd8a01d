"""The loader's history of loads (`loader_load`, written by python -m loader), for the admin page.

The table belongs to the loader (loader/history.py); a database that was never loaded by it
has none, and then there is nothing to list.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.engine import Engine

# Only the columns read here; the loader creates and owns the table.
loader_load = sa.table(
    "loader_load",
    sa.column("load_id"),
    sa.column("loaded_at"),
    sa.column("os_user"),
    sa.column("files"),
    sa.column("counts"),
    sa.column("source"),
    sa.column("undone_at"),
)


def read_loads(engine: Engine, limit: int = 200) -> list[dict]:
    """The newest `limit` loads, newest first: id, time, OS account, files, rows, undone."""
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("loader_load"):
            return []
        query = sa.select(loader_load).order_by(loader_load.c.load_id.desc()).limit(limit)
        rows = conn.execute(query).mappings().all()
    return [
        {
            "load_id": int(r["load_id"]),
            "loaded_at": r["loaded_at"],
            "os_user": r["os_user"] or "",
            "files": _json(r["files"], []),
            "counts": _json(r["counts"], {}),
            "source": r["source"] or "",
            "undone_at": r["undone_at"],
        }
        for r in rows
    ]


def _json(text, default):
    try:
        return json.loads(text) if text else default
    except ValueError:
        return default
