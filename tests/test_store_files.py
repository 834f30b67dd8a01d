"""The analytics store's files shared by several server processes: one build at a time (a
lock file), builders that waited use the store another built, and a store cut short is moved
aside and built again by itself (no button).

The source is tests/handmade.py in a SQLite file (store building reads it the same on every
dialect; tests/test_store.py covers the four).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from data_access import store, store_files, store_keeper
from data_access.engine import REPO_ROOT, create_readonly_engine
from tests import handmade as hm
from tests.dbs import sqlite_file


@pytest.fixture
def source_url(tmp_path) -> str:
    return sqlite_file(tmp_path / "source.sqlite", hm.ROWS)


def _set_extract(url: str, extracted_at: str) -> None:
    writer = sa.create_engine(url)
    with writer.begin() as conn:
        conn.execute(
            sa.text("UPDATE data_meta SET meta_value = :v WHERE meta_key = 'extracted_at'"),
            {"v": extracted_at},
        )
    writer.dispose()


def _villages(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM village")).scalar()


# --- a store cut short -------------------------------------------------------------------------


def _served(source_url: str, folder: Path) -> store_keeper.StoreKeeper:
    source = create_readonly_engine(source_url)
    keeper = store_keeper.StoreKeeper(source, source_url, folder, interval=3600)
    keeper.check()
    assert keeper.wait(120) and keeper.error is None and keeper.current is not None
    return keeper


def _cut(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def test_a_truncated_store_is_moved_aside_and_rebuilt_at_start(source_url, tmp_path):
    folder = tmp_path / "stores"
    first = _served(source_url, folder)
    path = first.current.path
    first.current.store.dispose()
    _cut(path)
    assert not store_files.intact(path)

    restarted = _served(source_url, folder)  # a server started on the damaged folder
    assert restarted.builds == 1 and restarted.current.path == path
    assert store_files.intact(path) and _villages(restarted.current.store) == 6
    assert len(list(folder.glob("*.damaged"))) == 1  # kept aside for a look, never served
    restarted.current.store.dispose()


def test_a_store_cut_short_while_serving_is_rebuilt_at_the_next_check(source_url, tmp_path):
    folder = tmp_path / "stores"
    keeper = _served(source_url, folder)
    path = keeper.current.path
    _cut(path)
    keeper.check()  # what the watcher does every few minutes, or at once when a read fails
    assert keeper.wait(120) and keeper.error is None
    assert keeper.builds == 2 and keeper.current.path == path and store_files.intact(path)
    assert _villages(keeper.current.store) == 6
    keeper.current.store.dispose()


def test_a_read_that_finds_the_file_damaged_tells_the_keeper(source_url, tmp_path):
    folder = tmp_path / "stores"
    keeper = _served(source_url, folder)
    path = keeper.current.path
    keeper.current.store.dispose()
    data = path.read_bytes()
    cut = tmp_path / "cut.duckdb"
    cut.write_bytes(data[: len(data) // 10])
    told = []
    engine = store.open_store(cut, told.append)
    with pytest.raises(sa.exc.DBAPIError), engine.connect() as conn:
        for table in sa.inspect(engine.engine).get_table_names():  # one of them lies past the cut
            conn.execute(sa.text(f'SELECT * FROM "{table}"')).all()
    engine.dispose()
    assert told == [cut]
    keeper.damaged(path)  # the keeper stops serving it and has the watcher rebuild it
    assert keeper.current is None and not path.exists()
    keeper.check()
    assert keeper.wait(120) and keeper.current.path == path
    keeper.current.store.dispose()


# --- two server processes on one store folder --------------------------------------------------

SERVER = """
import json, logging, sys
from pathlib import Path
from data_access import store_keeper
from data_access.engine import create_readonly_engine
logging.basicConfig(level=logging.INFO, format="%(message)s")
url, folder = sys.argv[1], Path(sys.argv[2])
keeper = store_keeper.StoreKeeper(create_readonly_engine(url), url, folder, interval=3600)
keeper.check()
keeper.wait(300)
print(json.dumps({
    "path": str(keeper.current.path) if keeper.current else None,
    "extracted_at": keeper.current.stamp.extracted_at if keeper.current else None,
    "error": keeper.error,
}))
"""


def test_two_server_processes_on_one_folder_publish_one_new_extract(source_url, tmp_path):
    """Both servers see the new extract at one check; the build lock is held by the test
    until both wait for it, so the two builds surely meet."""
    folder = tmp_path / "stores"
    _served(source_url, folder).current.store.dispose()  # both served this extract before
    _set_extract(source_url, "2026-05-02T08:00:00+08:00")
    source = create_readonly_engine(source_url)
    path = folder / store.source_stamp(source, source_url).file_name
    source.dispose()

    with store_files.build_lock(path):
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", SERVER, source_url, str(folder)],
                cwd=REPO_ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )  # fmt: skip
            for _ in range(2)
        ]
        for proc in procs:  # each says it waits before it builds anything
            line = proc.stderr.readline()
            assert "waiting" in line, line + proc.stderr.read()
    results = []
    for proc in procs:
        stdout, log = proc.communicate(timeout=300)
        assert proc.returncode == 0, log
        results.append((json.loads(stdout.strip().splitlines()[-1]), log))

    for result, log in results:
        assert result["error"] is None, log
        assert result["extracted_at"] == "2026-05-02T08:00:00+08:00"
        assert result["path"] == str(path)
    built = sum(log.count("built in") for _, log in results)
    assert built == 1, [log for _, log in results]  # the other waited and used it
    assert sorted(p.suffix for p in folder.iterdir()) == [".duckdb", ".lock", ".seal"]
    new = store.open_store(path)
    assert _villages(new) == 6
    new.dispose()


def test_a_build_killed_half_way_leaves_nothing_the_next_build_trips_on(source_url, tmp_path):
    folder = tmp_path / "stores"
    folder.mkdir()
    source = create_readonly_engine(source_url)
    path = folder / store.source_stamp(source, source_url).file_name
    for leftover in (".1-ab.building", ".1-ab.building.wal", ".1-ab.staging"):
        path.with_name(path.name + leftover).write_bytes(b"half")
    keeper = _served(source_url, folder)
    assert sorted(p.suffix for p in folder.iterdir()) == [".duckdb", ".lock", ".seal"]
    keeper.current.store.dispose()
    source.dispose()
