"""Results kept per analytics-store file (data_access/memo.py): read once per extract, each
caller gets its own copy, and nothing is kept for a source database, which can change."""

from __future__ import annotations

import copy

import pytest
import sqlalchemy as sa

from data_access import memo, store, teams
from data_access.bounded import BoundedCache
from data_access.periods import Period
from data_access.relations import Store
from data_access.scope import Scope
from data_access.store_build import build
from tests import handmade as hm
from tests.dbs import loaded_database


def _count_selects(db: sa.Engine | Store) -> list[str]:
    seen: list[str] = []
    engine = db.engine if isinstance(db, Store) else db
    sa.event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    return seen


PERIOD = Period.parse("2026-Q1")


@pytest.fixture
def built(tmp_path):
    """The hand-made database's store, with nothing kept yet."""
    with loaded_database("duckdb", copy.deepcopy(hm.ROWS), tmp_path) as source:
        path = build(source, "x", tmp_path / "store.duckdb")
    engine = store.open_store(path)
    memo.clear()
    yield engine
    memo.clear()
    engine.dispose()


def test_a_store_result_is_read_once_and_handed_out_as_a_copy(built):
    seen = _count_selects(built)
    first = teams.team_workload(built, Scope(hm.A), PERIOD)
    queries = len(seen)
    assert queries >= 1 and len(first) > 0
    first["services"] = -1  # a caller changing its copy
    again = teams.team_workload(built, Scope(hm.A), PERIOD)
    assert len(seen) == queries  # not read again
    assert (again["services"] >= 0).all()
    teams.team_workload(built, Scope(hm.A, (hm.EAST,)), PERIOD)
    assert len(seen) > queries  # other arguments: read


def test_a_store_rebuilt_in_place_is_read_afresh(tmp_path):
    rows = copy.deepcopy(hm.ROWS)
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
    with loaded_database("duckdb", rows, tmp_path / "a") as source:
        path = build(source, "x", tmp_path / "store.duckdb")
    built = store.open_store(path)
    before = teams.team_workload(built, Scope(), PERIOD)
    built.dispose()
    rows["team_service"] = []
    with loaded_database("duckdb", rows, tmp_path / "b") as source:
        build(source, "x", path)  # same file name, new content
    rebuilt = store.open_store(path)
    try:
        after = teams.team_workload(rebuilt, Scope(), PERIOD)
        assert before["services"].sum() > 0 and after["services"].sum() == 0
    finally:
        rebuilt.dispose()


def test_nothing_is_kept_for_a_source_database(tmp_path):
    with loaded_database("duckdb", copy.deepcopy(hm.ROWS), tmp_path) as source:
        seen = _count_selects(source)
        teams.team_workload(source, Scope(), PERIOD)
        queries = len(seen)
        teams.team_workload(source, Scope(), PERIOD)
        assert len(seen) == 2 * queries


def test_what_is_kept_stays_within_its_bytes(built, monkeypatch):
    one = memo.size_of(teams.team_workload(built, Scope(), PERIOD))
    bound = int(one * 1.5)
    monkeypatch.setattr(memo, "_kept", BoundedCache(bound, memo.size_of))
    teams.team_workload(built, Scope(hm.A), PERIOD)
    teams.team_workload(built, Scope(hm.A, (hm.EAST,)), PERIOD)
    assert 0 < memo.kept_bytes() <= bound
