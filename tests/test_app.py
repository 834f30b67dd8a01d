"""The app frame under Streamlit's AppTest: pages, filters ↔ URL, bad parameters, honest states."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from dashboard import navigation
from tests import handmade as hm
from tests.dbs import sqlite_file, write_rows

APP = Path(__file__).resolve().parents[1] / "dashboard" / "frame.py"
# A cold first run imports plotly, pandas and the drivers; later runs are fast.
TIMEOUT_S = 120


@pytest.fixture(scope="module")
def db_url(tmp_path_factory):
    path = tmp_path_factory.mktemp("app") / "handmade.sqlite"
    return sqlite_file(path, hm.ROWS)


def run_app(monkeypatch, url: str, **params) -> AppTest:
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    monkeypatch.setenv("DASHBOARD_AUTH", "off")  # a hand-made database: sign-in switched off
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


@pytest.mark.parametrize("view", list(navigation.VIEWS))
def test_every_page_renders(monkeypatch, db_url, view):
    at = run_app(monkeypatch, db_url, county=hm.A, period="2026-Q1")
    file, title, _icon = navigation.VIEWS[view]
    at.switch_page(str(navigation.PAGES_DIR / file)).run()
    assert not at.exception, [e.message for e in at.exception]
    assert title in texts(at.title)
    # the header names the county and the period in words on every page
    header = texts(at.markdown)
    assert "清河县" in header and "2026年第1季度" in header


def test_filters_follow_the_url(monkeypatch, db_url):
    at = run_app(
        monkeypatch, db_url, county=hm.A, township=f"{hm.EAST},{hm.WEST}", period="2026-Q1"
    )
    assert not at.exception
    assert at.session_state["w_county"] == hm.A
    assert at.session_state["w_townships"] == [hm.EAST, hm.WEST]
    assert at.session_state["w_period_kind"] == "quarter"
    assert at.session_state["w_period"] == "2026-Q1"
    assert "东镇、西镇" in texts(at.markdown)


def test_widgets_write_the_url(monkeypatch, db_url):
    at = run_app(monkeypatch, db_url)
    at.sidebar.selectbox(key="w_county").set_value(hm.B).run()
    assert at.query_params["county"] == hm.B
    at.sidebar.multiselect(key="w_townships").set_value([hm.SOUTH]).run()
    assert at.query_params["township"] == hm.SOUTH
    at.sidebar.selectbox(key="w_period").set_value("2026-01").run()
    assert at.query_params["period"] == "2026-01"
    # a new county clears the townships of the old one
    at.sidebar.selectbox(key="w_county").set_value(hm.A).run()
    assert "township" not in at.query_params
    assert not at.exception


def test_default_is_latest_month(monkeypatch, db_url):
    at = run_app(monkeypatch, db_url)
    assert at.query_params["period"] == "2026-03"
    assert "county" not in at.query_params
    assert not at.exception


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"county": "999999"}, "县区代码"),
        ({"county": hm.A, "township": "990102001"}, "乡镇代码"),
        ({"township": "<script>alert(1)</script>"}, "乡镇代码"),
        ({"period": "2026-13"}, "格式不对"),
        ({"period": "x' OR '1'='1"}, "格式不对"),
    ],
)
def test_bad_parameters_are_dropped_with_a_notice(monkeypatch, db_url, params, notice):
    at = run_app(monkeypatch, db_url, **params)
    assert not at.exception
    warnings = texts(at.warning)
    assert notice in warnings
    assert "<script>" not in warnings and "'" not in warnings


def test_period_without_data(monkeypatch, db_url):
    at = run_app(monkeypatch, db_url, period="2024-05")
    assert not at.exception
    assert "2024年5月没有数据" in texts(at.warning)
    assert "没有任何数据" in texts(at.info)


def test_scope_without_villages(monkeypatch, db_url):
    at = run_app(monkeypatch, db_url, county=hm.A, township=hm.EMPTY, period="2026-Q1")
    assert not at.exception
    assert "没有村" in texts(at.info)


def test_indicator_without_value_says_why(monkeypatch, db_url):
    at = run_app(monkeypatch, db_url, county=hm.A, township=hm.WEST, period="2026-Q1")
    assert not at.exception
    values = {m.label: m.value for m in at.metric}
    assert values["县域内基层医疗卫生机构门急诊占比"] == "—"
    assert values["高血压患者规范管理率"] == "90.0%"


def test_unreachable_database(monkeypatch):
    at = run_app(monkeypatch, "postgresql://nobody@127.0.0.1:1/none")
    assert not at.exception
    assert "无法连接数据库" in texts(at.error)
    assert any(b.label == "重试" for b in at.button)


def test_missing_table_is_named(monkeypatch, tmp_path):
    path = tmp_path / "partial.sqlite"
    writer = sa.create_engine(f"sqlite:///{path}")
    write_rows(writer, hm.ROWS)
    with writer.begin() as conn:
        conn.exec_driver_sql("DROP TABLE sample_check")
        conn.exec_driver_sql("ALTER TABLE village DROP COLUMN road")
    writer.dispose()
    at = run_app(monkeypatch, f"sqlite:///{path}")
    assert not at.exception
    assert "数据约定不符" in texts(at.error)
    shown = texts(at.code)
    assert "sample_check" in shown and "village.road" in shown


def test_bad_url_configuration(monkeypatch):
    at = run_app(monkeypatch, "oracle://scott@db/x")
    assert not at.exception
    assert "数据库配置无效" in texts(at.error)


def test_first_start_builds_the_demo(monkeypatch, tmp_path):
    """No database configured: the demo is built, then opened read-only and marked as demo."""
    from dashboard import database

    monkeypatch.delenv("DASHBOARD_DB_URL", raising=False)
    monkeypatch.setattr(database, "DEMO_DB_PATH", tmp_path / "data" / "demo.duckdb")
    database.demo_build.clear()  # a fresh process-wide build for this test
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S).run()
    assert not at.exception, [e.message for e in at.exception]
    # The build runs in the background (the first page shows its progress); wait for it.
    build = database.demo_build()
    assert build.starts == 1
    build._thread.join(TIMEOUT_S)
    at.run()
    database.demo_build.clear()
    assert not at.exception, [e.message for e in at.exception]
    assert (tmp_path / "data" / "demo.duckdb").exists()
    assert "演示数据" in texts(at.markdown)
    assert "总览" in texts(at.title)
