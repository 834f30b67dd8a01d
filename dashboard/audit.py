"""The audit trail: who signed in, failed, viewed what and exported what, from where, and when.

One JSON object per line in the dashboard's own folder (never the monitoring database),
appended only. The trail cannot be lost silently:

- each line carries `prev`, the SHA-256 of the line before it (across rotated files), so a
  line changed, removed or inserted later breaks the chain `verify()` walks (审计日志 page);
- each line is written with one append, flushed to disk (fsync) under a file lock (the server
  and the export CLI may write at once), into a file only its owner may read (0600);
- a line that cannot be written raises AuditError: the caller refuses the action (sign-in,
  page, download) and the server log and the 审计日志 page say so (`health()`).

Files rotate at 5 MB into `audit-YYYYmmddTHHMMSS.jsonl`; rotated files are deleted after
DASHBOARD_AUDIT_RETENTION_DAYS (default 180: the six months China's Cybersecurity Law asks for).
Plain Python: the export CLI and tests use it too.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from data_access.engine import REPO_ROOT

log = logging.getLogger(__name__)

ENV_DIR = "DASHBOARD_AUDIT_DIR"
ENV_RETENTION = "DASHBOARD_AUDIT_RETENTION_DAYS"
DEFAULT_DIR = REPO_ROOT / "data" / "audit"
FILE_NAME = "audit.jsonl"
ROTATED_GLOB = "audit-*.jsonl"
MAX_BYTES = 5 * 1024 * 1024
RETENTION_DAYS = 180
GENESIS = "0" * 64  # `prev` of the very first line
TAIL_BYTES = 64 * 1024  # more than any one line

R = TypeVar("R")
_lock = threading.Lock()
# Who acts in this thread (a Streamlit session runs its script in one thread at a time).
_context = threading.local()
# The last failure to write (time, reason), for the 审计日志 page's banner; None when fine.
_failure: tuple[float, str] | None = None


class AuditError(OSError):
    """An audit line could not be written: the action that wanted it must not happen."""


class SessionEnded(PermissionError):
    """A deferred download was asked for after its session ended (sign-out, expiry, account)."""


def folder() -> Path:
    return Path(os.environ.get(ENV_DIR) or DEFAULT_DIR)


def retention_days(environ=None) -> int:
    """DASHBOARD_AUDIT_RETENTION_DAYS, checked (ValueError with a Chinese message)."""
    environ = os.environ if environ is None else environ
    raw = (environ.get(ENV_RETENTION) or "").strip()
    if not raw:
        return RETENTION_DAYS
    try:
        days = int(raw)
    except ValueError:
        days = 0
    if days < 1:
        raise ValueError(
            f"{ENV_RETENTION}={raw[:20]!r} 无效：应为正整数天数（默认 {RETENTION_DAYS}）"
        )
    return days


def set_actor(
    user: str | None,
    scope: str | None = None,
    session: str | None = None,
    address: str | None = None,
    guard: Callable[[], str | None] | None = None,
    **extra,
) -> None:
    """Who later records in this thread are attributed to: user, scope words, session (a hash
    prefix), source address, and `guard`, which a deferred download asks before it builds
    (None: the session still holds; else why not). `extra` fields go on every record."""
    _context.user, _context.scope = user, scope
    _context.session, _context.address, _context.guard = session, address, guard
    _context.extra = extra


def set_scope(scope: str | None) -> None:
    """The scope words of this thread's actor (the filters of the run)."""
    _context.scope = scope


def _actor() -> tuple:
    return tuple(
        getattr(_context, name, None) for name in ("user", "scope", "session", "address", "guard")
    ) + (getattr(_context, "extra", None) or {},)


def scope_words(scope) -> str:
    """A Scope as the trail writes it: 全部, or county/township/…"""
    if scope is None or scope.is_all:
        return "全部"
    return "/".join([scope.county_code or "", *scope.township_codes])


def deferred(func: Callable[[], R]) -> Callable[[], R]:
    """`func` to run later in another thread (a download built on click) as this thread's
    actor, so what it records names the user and scope who clicked; refused (SessionEnded, and
    an `export_refused` row) when the session has ended by then. That thread has no Streamlit
    session: `func` must not read st.session_state (nor the app's cached queries, which find
    the database there); compute such inputs before and close over them."""
    actor = _actor()

    @functools.wraps(func)
    def run() -> R:
        before = _actor()
        user, scope, session, address, guard, extra = actor
        set_actor(user, scope, session, address, guard, **extra)
        try:
            why = guard() if guard is not None else None
            if why is not None:
                record("export_refused", reason=why)
                raise SessionEnded(why)
            return func()
        finally:
            user, scope, session, address, guard, extra = before
            set_actor(user, scope, session, address, guard, **extra)

    return run


def writable() -> str | None:
    """None when the trail's file can be opened for appending now, else why not."""
    try:
        os.close(_open(folder() / FILE_NAME))
    except OSError as exc:
        return f"{type(exc).__name__}: {exc.strerror or exc}"
    return None


def health() -> tuple[float, str] | None:
    """(time, reason) of the last line that could not be written; None when all were."""
    return _failure


def _line_hash(line: bytes) -> str:
    return hashlib.sha256(line.rstrip(b"\n")).hexdigest()


def _last_line(fd: int) -> bytes | None:
    size = os.fstat(fd).st_size
    if size <= 0:
        return None
    start = max(0, size - TAIL_BYTES)
    data = os.pread(fd, size - start, start)
    lines = [line for line in data.split(b"\n") if line.strip()]
    return lines[-1] if lines else None


def rotated_files(base: Path | None = None) -> list[Path]:
    """The rotated files, oldest first (their names sort by time)."""
    base = base or folder()
    return sorted(base.glob(ROTATED_GLOB))


def _rotate(path: Path, fd: int) -> None:
    """Move the full current file aside (the chain goes on from its last line)."""
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S%f")
    os.rename(path, path.with_name(f"audit-{stamp}.jsonl"))
    cutoff = time.time() - retention_days() * 86400
    for old in rotated_files(path.parent)[:-1]:  # the newest rotated file anchors the chain
        if old.stat().st_mtime < cutoff:
            old.unlink()


def _open(path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    if os.path.isfile(path) and os.fstat(fd).st_mode & 0o077:
        os.fchmod(fd, 0o600)  # a file made readable by others before
    return fd


def _append(entry: dict) -> None:
    path = folder() / FILE_NAME
    fd = _open(path)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        if os.path.isfile(path) and os.fstat(fd).st_size >= MAX_BYTES:
            previous = _last_line(fd)
            _rotate(path, fd)
            os.close(fd)
            fd = _open(path)
            fcntl.flock(fd, fcntl.LOCK_EX)
            prev = _line_hash(previous) if previous else GENESIS
        else:
            last = _last_line(fd)
            if last is None:  # a new file: go on from the newest rotated one
                rotated = rotated_files(path.parent)
                last = _last_line_of(rotated[-1]) if rotated else None
            prev = _line_hash(last) if last else GENESIS
        line = json.dumps({**entry, "prev": prev}, ensure_ascii=False, default=str)
        data = (line + "\n").encode("utf-8")
        written = os.write(fd, data)
        if written != len(data):
            raise OSError(28, "short write (disk full?)")
        os.fsync(fd)
    finally:
        os.close(fd)  # releases the lock


def _last_line_of(path: Path) -> bytes | None:
    fd = os.open(path, os.O_RDONLY)
    try:
        return _last_line(fd)
    finally:
        os.close(fd)


def record(event: str, user: str | None = None, **fields) -> None:
    """Append one event (sign_in, sign_in_failed, locked, sign_out, expired, session_ended,
    page_view, drill, export, export_refused…); AuditError when it cannot be written."""
    global _failure
    actor_user, scope, session, address, _guard, extra = _actor()
    entry = {
        "time": datetime.now().astimezone().isoformat(timespec="seconds"),
        "event": event,
        "user": user if user is not None else actor_user,
        **extra,
        **fields,
    }
    if "scope" not in entry and scope:
        entry["scope"] = scope
    if "session" not in entry and session:
        entry["session"] = session
    if "address" not in entry and address:
        entry["address"] = address
    try:
        with _lock:
            _append(entry)
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        _failure = (time.time(), f"{type(exc).__name__}: {reason}")
        log.error(
            "AUDIT WRITE FAILED (%s): action refused: event=%s user=%s",
            _failure[1], event, entry["user"],
        )  # fmt: skip
        raise AuditError(f"审计日志无法写入（{reason}）") from exc
    if _failure is not None:
        log.warning("audit trail writable again after: %s", _failure[1])
        _failure = None


def _files() -> list[Path]:
    """Every file of the trail, oldest first."""
    base = folder()
    current = base / FILE_NAME
    # Regular files only: a device or pipe in the folder is never read (it may never end).
    return [p for p in rotated_files(base) + [current] if p.is_file()]


def read(limit: int = 5000) -> list[dict]:
    """The newest `limit` events, newest first (current file, then the rotated ones)."""
    rows: list[dict] = []
    for path in reversed(_files()):
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        for line in reversed(lines):
            try:
                rows.append(json.loads(line))
            except ValueError:
                continue
            if len(rows) >= limit:
                return rows
    return rows


def verify() -> tuple[bool, int, str]:
    """Walk the chain over every kept file: (intact, lines checked, what is wrong where).

    The oldest kept line anchors the chain (older files may have been deleted by retention)."""
    checked, prev, chained = 0, None, False
    for path in _files():
        with path.open("rb") as f:
            for number, raw in enumerate(f, start=1):
                line = raw.rstrip(b"\n")
                if not line.strip():
                    continue
                try:
                    claimed = json.loads(line).get("prev")
                except ValueError:
                    return False, checked, f"{path.name} 第 {number} 行不是完整的记录"
                if claimed is None and not chained:  # lines written before the chain began
                    prev = _line_hash(line)
                    continue
                if chained and claimed != prev:
                    return (
                        False,
                        checked,
                        f"{path.name} 第 {number} 行与上一行的哈希不符（记录被改动、删除或插入）",
                    )
                prev, chained = _line_hash(line), True
                checked += 1
    return True, checked, ""
