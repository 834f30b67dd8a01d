"""The server's one cache mechanism and its bounds: kept results, bounded by their bytes,
least recently used out first, optionally expiring after a time; safe across sessions
(threads), and one build per key while other callers of the same key wait for it.

Three caches use it, each with its bound here so that the server's total is read in one place:

| cache | what it keeps | where |
|---|---|---|
| `VIEWS` | view models and built maps, pickled (each caller unpickles its own copy) | dashboard/data.py |
| `QUERIES` | query results of an analytics-store file (`@per_extract`) | data_access/memo.py |
| `SHAPES` | encoded village and outline shapes, per content | geo/leaflet.py |

At province scale one county's 县区排名 model is 1.4 MB and the whole province's map view
2.2 MB, where an overview is 0.02 MB, so the bound is on bytes, not on a count of entries.
Together they stay under 170 MB, so 8 sessions at province scale fit in 1 GB.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

import cachetools

V = TypeVar("V")

MB = 1024 * 1024
# View models stay ten minutes: extracts refresh daily at most, and a meeting sees stable
# figures (a source read with the store off may change under them).
VIEWS_TTL_S = 600
VIEWS_MAX_BYTES = 96 * MB
# Results of one store file stay true for that file: no expiry, only the bound.
QUERIES_MAX_BYTES = 48 * MB
# A prefecture's villages encode to ~0.5 MB of text, a province's to ~2 MB: a dozen scopes.
SHAPES_MAX_BYTES = 24 * MB

_MISSING = object()


class BoundedCache(Generic[V]):
    """Values kept within `max_bytes` (as `size_of` counts them), least recently used out;
    with `ttl_s`, also dropped that many seconds after they were kept. A value larger than
    the whole bound is returned but not kept."""

    def __init__(
        self,
        max_bytes: int,
        size_of: Callable[[V], int],
        ttl_s: float | None = None,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        if ttl_s is None:
            self._kept = cachetools.LRUCache(maxsize=max_bytes, getsizeof=size_of)
        else:
            self._kept = cachetools.TTLCache(
                maxsize=max_bytes, ttl=ttl_s, timer=timer, getsizeof=size_of
            )
        self._lock = threading.Lock()  # cachetools' caches are not thread-safe
        self._building: dict[Hashable, threading.Lock] = {}  # per key being built

    def get(self, key: Hashable, default=None):
        with self._lock:
            return self._kept.get(key, default)

    def put(self, key: Hashable, value: V) -> None:
        with self._lock, contextlib.suppress(ValueError):  # larger than the bound: not kept
            self._kept[key] = value

    def get_or_build(self, key: Hashable, build: Callable[[], V]) -> V:
        """The value kept under `key`, or build()'s, kept. Callers asking for the same key at
        once build it once (the others wait: eight sessions opening a province page would
        otherwise hold eight builds in memory). An exception is not kept."""
        found = self.get(key, _MISSING)
        if found is not _MISSING:
            return found
        with self._lock:
            building = self._building.setdefault(key, threading.Lock())
        try:
            with building:
                found = self.get(key, _MISSING)  # built by another caller while this one waited
                if found is not _MISSING:
                    return found
                value = build()
                self.put(key, value)
                return value
        finally:
            with self._lock:
                if self._building.get(key) is building and not building.locked():
                    del self._building[key]

    def kept_bytes(self) -> int:
        """Bytes kept now (as size_of counts them)."""
        with self._lock:
            if isinstance(self._kept, cachetools.TTLCache):
                self._kept.expire()
            return int(self._kept.currsize)

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._kept

    def __len__(self) -> int:
        with self._lock:
            return len(self._kept)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
