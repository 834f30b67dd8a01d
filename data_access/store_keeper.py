"""Keeping the analytics store of the current extract served in one server process."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from data_access.relations import Store
from data_access.store import FORMAT, Stamp, open_store, read_info, source_stamp
from data_access.store_build import build
from data_access.store_child import build_in_child

log = logging.getLogger(__name__)

# Seconds between looks at the source's data_meta.extracted_at.
CHECK_INTERVAL_S = 300.0


@dataclass(frozen=True)
class Current:
    """The store being served: its file, the Store the views read, its stamp and store_info
    (read once when it is swapped in: a built store never changes)."""

    path: Path
    store: Store
    stamp: Stamp
    info: dict[str, str]


class StoreKeeper:
    """The analytics store of one source in one server process.

    On start it serves the store of the source's current extract if one was built before
    (a restart reuses it), else the newest older store of the same source while the new one
    is built, else nothing until the first build ends. A watcher thread looks at
    `extracted_at` every `interval` seconds and builds a new store when it changed; a
    finished build is swapped in at once, and a failed one leaves the previous store serving.
    """

    def __init__(
        self,
        source: Engine,
        url: str,
        folder: Path,
        interval: float = CHECK_INTERVAL_S,
        isolated: bool = False,
    ) -> None:
        self.source, self.url, self.folder, self.interval = source, url, folder, interval
        # Build in a process of its own (build_in_child): the server's memory stays flat.
        self.isolated = isolated
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._building: threading.Thread | None = None
        self._retired: list[Store] = []
        self.current: Current | None = None
        self.fraction, self.message = 0.0, "准备中…"
        self.error: str | None = None  # why the last build failed (None: it did not)
        self.builds = 0
        self.last_check: float | None = None
        self._watcher: threading.Thread | None = None

    @property
    def building(self) -> bool:
        return self._building is not None and self._building.is_alive()

    def start(self) -> None:
        """Serve what is on disk and start the watcher (once)."""
        with self._lock:
            if self._watcher is not None:
                return
            self._watcher = threading.Thread(
                target=self._watch, name="analytics-store-watcher", daemon=True
            )
        self.check()
        self._watcher.start()

    def _watch(self) -> None:
        while True:
            self._wake.wait(self.interval)
            self._wake.clear()
            try:
                self.check()
            except Exception as exc:  # an unreachable source: keep serving, look again later
                log.warning("analytics store check failed: %s", exc)

    def check(self) -> None:
        """Compare the source's stamp with the store served; build when they differ."""
        stamp = source_stamp(self.source, self.url)
        self.last_check = time.time()
        if self.current is not None and self.current.stamp == stamp:
            return
        path = self.folder / stamp.file_name
        if path.exists():
            try:
                self._swap(path, stamp)
                return
            except Exception as exc:  # a damaged file: build it again
                log.warning("analytics store %s unreadable, rebuilding: %s", path.name, exc)
                path.unlink(missing_ok=True)
        if self.current is None:
            self._serve_older(stamp)
        self._start_build(path, stamp)

    def refresh_now(self) -> None:
        """Ask the watcher to look at the source now (e.g. an administrator's button)."""
        self._wake.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a running build; True when none runs any more."""
        thread = self._building
        if thread is not None:
            thread.join(timeout)
        return not self.building

    def _serve_older(self, stamp: Stamp) -> None:
        older = sorted(
            self.folder.glob(f"{stamp.source_prefix}*.duckdb"),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for path in older:
            try:
                store = open_store(path)
                info = read_info(store)
                if info.get("format") != FORMAT:
                    store.dispose()
                    continue
                self._swap(path, Stamp(info.get("source", ""), info.get("extracted_at")), store)
                return
            except Exception as exc:
                log.warning("older analytics store %s unreadable: %s", path.name, exc)

    def _start_build(self, path: Path, stamp: Stamp) -> None:
        with self._lock:
            if self.building:
                return
            self.fraction, self.message, self.builds = 0.0, "准备中…", self.builds + 1
            self._building = threading.Thread(
                target=self._build, args=(path, stamp), name="analytics-store-build", daemon=True
            )
            self._building.start()

    def _progress(self, fraction: float, message: str) -> None:
        self.fraction, self.message = min(max(float(fraction), 0.0), 1.0), message

    def _build(self, path: Path, stamp: Stamp) -> None:
        try:
            if self.isolated:
                build_in_child(self.url, path, stamp, self._progress)
            else:
                build(self.source, self.url, path, progress=self._progress, stamp=stamp)
            self._swap(path, stamp)
            self.error = None
        except Exception as exc:  # the previous store keeps serving
            log.warning("analytics store build failed: %s", exc)
            self.error = str(exc)

    def _swap(self, path: Path, stamp: Stamp, store: Store | None = None) -> None:
        store = store or open_store(path)
        info = read_info(store)  # opens, so that a damaged file fails here
        with self._lock:
            previous, self.current = self.current, Current(path, store, stamp, info)
            # A session may still be reading the previous store: dispose of it one swap later.
            for old in self._retired:
                old.dispose()
            self._retired = [previous.store] if previous else []
        if previous is not None and previous.path != path:
            previous.path.unlink(missing_ok=True)
        for stale in self.folder.glob(f"{stamp.source_prefix}*.duckdb"):
            if stale != path and (previous is None or stale != previous.path):
                stale.unlink(missing_ok=True)
