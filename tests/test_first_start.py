"""First start without a configured database: one demo build per server process, in a
background thread, whose progress every visitor sees; a failure is everyone's error page."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import database
from demo import generator

APP = Path(__file__).resolve().parents[1] / "dashboard" / "frame.py"
TIMEOUT_S = 120
WAIT_S = 60  # the fake build's longest wait for the test to let it finish


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A finished test-scale demo database the fake build copies into place."""
    path = tmp_path_factory.mktemp("demo") / "template.duckdb"
    generator.build_demo_file(path, scale="test")
    return path


@pytest.fixture
def first_start(monkeypatch, tmp_path):
    """No database configured, no demo file yet, and a fresh process-wide build object."""
    monkeypatch.delenv("DASHBOARD_DB_URL", raising=False)
    monkeypatch.setenv("DASHBOARD_AUTH", "off")
    path = tmp_path / "data" / "demo.duckdb"
    monkeypatch.setattr(database, "DEMO_DB_PATH", path)
    database.demo_build.clear()
    yield path
    database.demo_build.clear()


def visitor() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT_S).run()


def page_text(at: AppTest) -> str:
    parts = [*at.subheader, *at.caption, *at.markdown, *at.error, *at.title]
    return "\n".join(str(e.value) for e in parts)


def test_two_visitors_see_one_build_and_its_progress(monkeypatch, first_start, template):
    release = threading.Event()
    calls = []

    def slow_build(path, scale="demo", seed=42, progress=None):
        calls.append(path)
        progress(0.4, "正在写入村庄…")
        assert release.wait(WAIT_S), "the test never let the build finish"
        temp = Path(path).with_name("building.tmp")
        temp.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(template, temp)
        temp.replace(path)  # in place in one step, as build_demo_file does

    monkeypatch.setattr(generator, "build_demo_file", slow_build)
    first, second = visitor(), visitor()
    for at in (first, second):
        assert not at.exception, [e.message for e in at.exception]
        assert "首次启动：正在生成演示数据库" in page_text(at)
        bar = at.get("progress")[0]
        assert bar.value == 40 and "正在写入村庄" in bar.proto.text
    assert len(calls) == 1  # the second visitor joined the build, it did not start another
    # The first visitor leaves (closes the tab): nothing stops the build.
    del first
    release.set()
    build = database.demo_build()
    build._thread.join(WAIT_S)
    assert first_start.exists() and build.starts == 1 and build.error is None
    second.run()
    assert not second.exception, [e.message for e in second.exception]
    assert "首次启动" not in page_text(second) and "总览" in page_text(second)
    third = visitor()  # a later visitor opens the finished file: no new build
    assert not third.exception and "首次启动" not in page_text(third)
    assert len(calls) == 1


def test_a_failed_build_is_everyones_error_page_and_retry_restarts(
    monkeypatch, first_start, template
):
    calls = []

    def broken_build(path, scale="demo", seed=42, progress=None):
        calls.append(path)
        raise OSError("No space left on device: '/srv/app/data/.demo.duckdb.1.building'")

    monkeypatch.setattr(generator, "build_demo_file", broken_build)
    first = visitor()
    database.demo_build()._thread.join(WAIT_S)
    first.run()
    second = visitor()
    for at in (first, second):
        assert not at.exception  # an error page, not a traceback
        assert "演示数据库生成失败" in page_text(at)
        reason = at.code[0].value
        assert "No space left on device" in reason and "/srv/app" not in reason
    assert len(calls) == 1  # nobody restarts a failed build by merely visiting

    def good_build(path, scale="demo", seed=42, progress=None):
        calls.append(path)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(template, path)

    monkeypatch.setattr(generator, "build_demo_file", good_build)
    second.button(key="retry_database").click().run()
    database.demo_build()._thread.join(WAIT_S)
    second.run()
    assert len(calls) == 2 and first_start.exists()
    assert not second.exception and "演示数据库生成失败" not in page_text(second)
