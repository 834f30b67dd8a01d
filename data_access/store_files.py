"""The analytics store's files on disk, shared by every server process on one store folder:
one build at a time per source (a lock file), a working name per build, and a seal that
tells a complete store from a truncated one.

- `build_lock(path)`: held while a store of that source is built; another process waits for
  it, then finds the store built and uses it instead of building it again.
- `working_names(path)`: the build's file and staging file, unique per process and build, so
  that two builders never write into one file.
- `seal(path)` / `intact(path)`: the size of a finished store, written beside it; a store
  whose size differs was cut short (a full disk, a copy interrupted) and is not served.
- `quarantine(path)`: a damaged store is moved aside (kept for a look, never served) so the
  next check builds it again by itself.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock

log = logging.getLogger(__name__)

SEAL_SUFFIX = ".seal"
DAMAGED_SUFFIX = ".damaged"
BUILDING_SUFFIX = ".building"
STAGING_SUFFIX = ".staging"
# Damaged stores kept for a look per folder; older ones are deleted (each can be large).
KEEP_DAMAGED = 2


def lock_path(path: Path) -> Path:
    """One lock file per source (not per extract), so it never needs deleting."""
    return path.with_name(path.name.rsplit("-", 1)[0] + ".build.lock")


@contextmanager
def build_lock(path: Path, waiting=lambda: None) -> Iterator[None]:
    """Hold the build lock of `path`'s source; `waiting()` is called once if another process
    holds it. The lock is the kernel's (flock): a builder that dies releases it."""
    lock = FileLock(lock_path(path))
    try:
        lock.acquire(blocking=False)
    except TimeoutError:
        waiting()
        lock.acquire()
    try:
        yield
    finally:
        lock.release()


def working_names(path: Path) -> tuple[Path, Path]:
    """(the file being built, the staging file) for one build of `path`."""
    tag = f"{os.getpid()}-{secrets.token_hex(4)}"
    return (
        path.with_name(f"{path.name}.{tag}{BUILDING_SUFFIX}"),
        path.with_name(f"{path.name}.{tag}{STAGING_SUFFIX}"),
    )


def clear_leftovers(path: Path) -> None:
    """Delete what builds of `path` killed half-way left (call with the build lock held)."""
    for suffix in (BUILDING_SUFFIX, STAGING_SUFFIX):
        for leftover in path.parent.glob(f"{path.name}.*{suffix}*"):
            leftover.unlink(missing_ok=True)


def _seal_of(path: Path) -> Path:
    return path.with_name(path.name + SEAL_SUFFIX)


def seal(path: Path) -> None:
    """Record the finished store's size beside it (written whole, then renamed)."""
    data = json.dumps({"size": path.stat().st_size})
    temporary = _seal_of(path).with_name(_seal_of(path).name + f".{os.getpid()}")
    temporary.write_text(data, encoding="utf-8")
    os.replace(temporary, _seal_of(path))


def intact(path: Path) -> bool:
    """The store exists and has the size it was sealed with (a store from before seals were
    written counts as intact; its damage shows when it is opened or read)."""
    try:
        size = path.stat().st_size
    except OSError:
        return False
    try:
        sealed = json.loads(_seal_of(path).read_text(encoding="utf-8"))["size"]
    except FileNotFoundError:
        return True
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return sealed == size


def remove(path: Path) -> None:
    """Delete a store and its seal."""
    path.unlink(missing_ok=True)
    _seal_of(path).unlink(missing_ok=True)


def quarantine(path: Path) -> Path | None:
    """Move a damaged store aside (`<name>.<time>.damaged`); None if it was already gone."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.{stamp}-{secrets.token_hex(2)}{DAMAGED_SUFFIX}")
    try:
        os.replace(path, aside)
    except FileNotFoundError:
        return None
    _seal_of(path).unlink(missing_ok=True)
    log.warning("analytics store %s damaged: moved aside as %s", path.name, aside.name)
    kept = sorted(path.parent.glob(f"*{DAMAGED_SUFFIX}"), key=lambda p: p.stat().st_mtime)
    for old in kept[:-KEEP_DAMAGED]:
        old.unlink(missing_ok=True)
    return aside
