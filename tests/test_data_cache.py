"""dashboard/data.py: results kept per key as pickled copies, within a byte bound and a TTL
(the mechanism, data_access.bounded, shared with data_access.memo and geo.leaflet)."""

from __future__ import annotations

import threading
import time

import pandas as pd
import pytest

from dashboard import data
from data_access.bounded import BoundedCache


@pytest.fixture
def small_cache(monkeypatch):
    """A 10 kB cache of its own, so the tests neither see nor leave the app's results."""
    cache = BoundedCache(10_000, len, ttl_s=600)
    monkeypatch.setattr(data, "_results", cache)
    return cache


def test_a_result_is_built_once_and_handed_out_as_a_copy(small_cache):
    built = []

    def build():
        built.append(1)
        return pd.DataFrame({"patients": [3, 4]})

    first = data.kept(("k",), build)
    first.loc[0, "patients"] = 99  # a caller may change its copy
    second = data.kept(("k",), build)
    assert built == [1]
    assert second["patients"].tolist() == [3, 4]
    assert second is not first


def test_a_failed_build_is_not_kept(small_cache):
    calls = []

    def build():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return 7

    with pytest.raises(RuntimeError):
        data.kept(("k",), build)
    assert data.kept(("k",), build) == 7
    assert data.kept(("k",), build) == 7
    assert calls == [1, 1]


def test_the_byte_bound_holds_and_the_oldest_go_first(small_cache):
    for i in range(40):
        data.kept(("k", i), lambda: "x" * 1_000)  # ~1 kB pickled each
    assert data.kept_bytes() <= 10_000
    assert ("k", 39) in small_cache and ("k", 0) not in small_cache
    big = data.kept(("big",), lambda: "y" * 20_000)  # larger than the whole cache
    assert big == "y" * 20_000 and ("big",) not in small_cache
    assert ("k", 39) in small_cache  # an oversized result evicts nothing


def test_expired_results_are_built_again(monkeypatch):
    clock = [0.0]
    cache = BoundedCache(10_000, len, ttl_s=600, timer=lambda: clock[0])
    monkeypatch.setattr(data, "_results", cache)
    built = []
    data.kept(("k",), lambda: built.append(1) or 1)
    clock[0] = 599.0
    data.kept(("k",), lambda: built.append(1) or 1)
    clock[0] = 601.0
    data.kept(("k",), lambda: built.append(1) or 1)
    assert built == [1, 1]
    assert data.kept_bytes() > 0


def test_arguments_key_the_cache_by_their_contents():
    assert data.hashable({"b": 2, "a": 1}) == data.hashable({"a": 1, "b": 2})
    assert data.hashable({"a": [1, 2]}) != data.hashable({"a": [2, 1]})
    assert data.hashable([1, 2]) != data.hashable((1, 2))
    assert hash(data.hashable({"w": {"x": 1.5}, "s": {3, 4}}))
    with pytest.raises(TypeError):
        data.hashable(pd.DataFrame({"a": [1]}))


def test_sessions_asking_at_once_build_once(small_cache):
    started, built = threading.Event(), []

    def build():
        started.set()
        built.append(1)
        time.sleep(0.2)  # the others arrive while this one builds
        return {"rows": 3}

    results = []
    first = threading.Thread(target=lambda: results.append(data.kept(("k",), build)))
    first.start()
    started.wait()
    others = [
        threading.Thread(target=lambda: results.append(data.kept(("k",), build))) for _ in range(5)
    ]
    for t in others:
        t.start()
    for t in [first, *others]:
        t.join()
    assert built == [1]
    assert results == [{"rows": 3}] * 6
    assert not small_cache._building  # no lock left behind
