"""Connecting the app: which database, building the demo on first start, and honest error pages."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import Engine

from dashboard import safe
from data_access.engine import (
    DEMO_DB_PATH,
    ConfigurationError,
    configured_url,
    create_readonly_engine,
    demo_url,
    describe_url,
)
from data_access.schema import check_schema

log = logging.getLogger(__name__)

# Re-check the schema at most this often; a deployment changes its tables rarely.
SCHEMA_CHECK_TTL_S = 300


@dataclass(frozen=True)
class Database:
    url: str
    engine: Engine
    builds_demo: bool  # no URL configured: the embedded demo database

    @property
    def key(self) -> str:
        """Cache key part that tells databases apart (no password)."""
        return describe_url(self.url)


def _secrets_url() -> str | None:
    try:
        return st.secrets.get("database", {}).get("url")
    except Exception:  # no secrets.toml: that is the normal case
        return None


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    return create_readonly_engine(url)


@st.cache_resource(show_spinner=False)
def _demo_lock() -> threading.Lock:
    return threading.Lock()


@st.cache_data(ttl=SCHEMA_CHECK_TTL_S, show_spinner=False)
def _schema_report(url_key: str, _engine: Engine):
    return check_schema(_engine)


def _build_demo() -> None:
    """Build the demo database once, with a visible progress bar (other sessions wait)."""
    from demo.generator import build_demo_file  # the writer, imported only when needed

    with _demo_lock():
        if DEMO_DB_PATH.exists():
            return
        box = st.empty()
        with box.container():
            st.subheader("首次启动：正在生成演示数据库")
            st.caption("文件：data/demo.duckdb（仅生成一次，之后直接打开）")
            bar = st.progress(0.0, text="准备中…")

            def progress(fraction: float, message: str) -> None:
                bar.progress(min(max(fraction, 0.0), 1.0), text=message)

            build_demo_file(DEMO_DB_PATH, progress=progress)
        box.empty()


def error_page(title: str, reason: str, hint: str) -> None:
    """A plain page saying what is wrong and what to do, with a retry; stops the run.

    The reason passes safe.reason again: no password or server path reaches the page.
    """
    st.error(f"### {title}")
    st.markdown("**原因：**")
    st.code(safe.reason(reason), language=None, wrap_lines=True)  # text, never markup
    st.markdown(hint)
    if st.button("重试", type="primary", key="retry_database"):
        st.cache_data.clear()
        st.rerun()
    st.stop()


def connect() -> Database:
    """The app's database, ready to read; shows an error page and stops when it is not."""
    url = configured_url(secrets_url=_secrets_url())
    builds_demo = url is None
    if builds_demo:
        url = demo_url(DEMO_DB_PATH)
        if not DEMO_DB_PATH.exists():
            try:
                _build_demo()
            except Exception as exc:  # the page must say so, not show a traceback
                log.warning("demo database build failed: %s", safe.exception_reason(exc))
                error_page(
                    "演示数据库生成失败",
                    safe.exception_reason(exc),
                    "请检查程序目录下的 `data` 文件夹是否可写，然后重试。",
                )
    try:
        engine = _engine(url)
        with engine.connect() as conn:
            conn.execute(sa.select(1))
    except (ConfigurationError, ImportError, sa.exc.ArgumentError) as exc:
        # ArgumentError: a URL naming a dialect or driver that is not installed.
        log.warning("database URL %s unusable: %s", describe_url(url), safe.exception_reason(exc))
        error_page(
            "数据库配置无效",
            f"{describe_url(url)}：{safe.exception_reason(exc)}",
            "请检查环境变量 `DASHBOARD_DB_URL` 或 `.streamlit/secrets.toml` 中的 `[database] url`"
            "（支持 duckdb、sqlite、postgresql、mysql）。",
        )
    except Exception as exc:  # unreachable, refused, not a database file …
        log.warning("database %s unreachable: %s", describe_url(url), safe.exception_reason(exc))
        error_page(
            "无法连接数据库",
            f"{describe_url(url)}：{safe.exception_reason(exc)}",
            "服务仍在运行。数据库恢复后点击“重试”或刷新页面即可。",
        )
    db = Database(url, engine, builds_demo)
    try:
        report = _schema_report(db.key, engine)
    except Exception as exc:  # e.g. the account may not list or read the tables
        log.warning("schema check of %s failed: %s", db.key, safe.exception_reason(exc))
        error_page(
            "无法读取数据库结构",
            f"{db.key}：{safe.exception_reason(exc)}",
            "请确认只读账号对数据约定中的每张表都有 SELECT 权限，然后重试。",
        )
    if not report.ok:
        log.error("database %s does not match the contract: %s", db.key, report.describe())
        missing = [f"表 `{t}`" for t in report.missing_tables] + [
            f"字段 `{t}.{c}`" for t, c in report.missing_columns
        ]
        error_page(
            "数据库结构与数据约定不符",
            "缺少 " + "、".join(missing),
            "请按 DATA_CONTRACT.md 补齐后重试（可增加表和字段，不可改名）。",
        )
    return db
