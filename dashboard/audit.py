"""The audit trail: who signed in, failed, viewed what and exported what, and when.

One JSON object per line in the dashboard's own folder (never the monitoring database),
appended only, rotated by size. Plain Python: the export CLI and tests use it too.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import threading
from collections.abc import Callable
from datetime import datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TypeVar

from data_access.engine import REPO_ROOT

ENV_DIR = "DASHBOARD_AUDIT_DIR"
DEFAULT_DIR = REPO_ROOT / "data" / "audit"
FILE_NAME = "audit.jsonl"
# 5 MB a file and 20 old files keep about a year of a county bureau's use in 100 MB.
MAX_BYTES = 5 * 1024 * 1024
BACKUP_COUNT = 20

R = TypeVar("R")
_lock = threading.Lock()
_loggers: dict[Path, logging.Logger] = {}
# Who acts in this thread (a Streamlit session runs its script in one thread at a time).
_context = threading.local()


def folder() -> Path:
    return Path(os.environ.get(ENV_DIR) or DEFAULT_DIR)


def _logger(path: Path) -> logging.Logger:
    with _lock:
        if path not in _loggers:
            path.parent.mkdir(parents=True, exist_ok=True)
            logger = logging.getLogger(f"dashboard.audit.{len(_loggers)}")
            logger.propagate = False  # the trail is not the server log
            logger.setLevel(logging.INFO)
            handler = RotatingFileHandler(
                path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
            )
            handler.setFormatter(logging.Formatter("%(message)s"))
            logger.addHandler(handler)
            _loggers[path] = logger
        return _loggers[path]


def set_actor(user: str | None, scope: str | None = None) -> None:
    """The user (and scope words) later records in this thread are attributed to."""
    _context.user, _context.scope = user, scope


def scope_words(scope) -> str:
    """A Scope as the trail writes it: 全部, or county/township/…"""
    if scope is None or scope.is_all:
        return "全部"
    return "/".join([scope.county_code or "", *scope.township_codes])


def deferred(func: Callable[[], R]) -> Callable[[], R]:
    """`func` to run later in another thread (a download built on click) as this thread's
    actor, so what it records names the user and scope who clicked. That thread has no
    Streamlit session: `func` must not read st.session_state (nor the app's cached queries,
    which find the database there); compute such inputs before and close over them."""
    user, scope = getattr(_context, "user", None), getattr(_context, "scope", None)

    @functools.wraps(func)
    def run() -> R:
        before = getattr(_context, "user", None), getattr(_context, "scope", None)
        set_actor(user, scope)
        try:
            return func()
        finally:
            set_actor(*before)

    return run


def record(event: str, user: str | None = None, **fields) -> None:
    """Append one event: sign_in, sign_in_failed, locked, sign_out, expired, page_view, export."""
    entry = {
        "time": datetime.now().astimezone().isoformat(timespec="seconds"),
        "event": event,
        "user": user if user is not None else getattr(_context, "user", None),
        **fields,
    }
    if "scope" not in entry and getattr(_context, "scope", None):
        entry["scope"] = _context.scope
    _logger(folder() / FILE_NAME).info(json.dumps(entry, ensure_ascii=False, default=str))


def read(limit: int = 5000) -> list[dict]:
    """The newest `limit` events, newest first (current file, then the rotated ones)."""
    base = folder() / FILE_NAME
    files = [base, *(base.with_name(f"{FILE_NAME}.{i}") for i in range(1, BACKUP_COUNT + 1))]
    rows: list[dict] = []
    for path in files:
        if not path.exists():
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for line in reversed(lines):
            try:
                rows.append(json.loads(line))
            except ValueError:
                continue
            if len(rows) >= limit:
                return rows
    return rows
