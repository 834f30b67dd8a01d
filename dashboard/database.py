"""Connecting the app: which database, building the demo on first start, and honest error pages."""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import Engine

from dashboard import safe
from data_access.engine import (
    DEMO_DB_PATH,
    REPO_ROOT,
    ConfigurationError,
    configured_url,
    create_readonly_engine,
    demo_url,
    describe_url,
)
from data_access.relations import Db
from data_access.schema import check_schema
from data_access.store_keeper import StoreKeeper

log = logging.getLogger(__name__)

# Seconds between looks at the first-start build: the bar moves, the server is not busy.
DEMO_POLL_S = 1.0
# Re-check the schema at most this often; a deployment changes its tables rarely.
SCHEMA_CHECK_TTL_S = 300
# DASHBOARD_STORE=off reads the source for every figure (no analytics store).
STORE_ENV = "DASHBOARD_STORE"
# Where the analytics stores live (default: data/store under the program folder).
STORE_DIR_ENV = "DASHBOARD_STORE_DIR"
STORE_DIR = REPO_ROOT / "data" / "store"
# Seconds between redraws of the first build's progress bar.
STORE_POLL_S = 0.3


@dataclass(frozen=True)
class Database:
    url: str
    engine: Db  # what the views read: the analytics store (or the source with the store off)
    builds_demo: bool  # no URL configured: the embedded demo database
    source: Engine | None = None  # the monitoring database itself
    store_file: str | None = None  # the store's file name (None: no store)
    keeper: StoreKeeper | None = None
    # Why the source cannot be reached while the store serves its last extract (None: it can)
    source_down: str | None = None

    @property
    def key(self) -> str:
        """Cache key part that tells databases and their extracts apart (no password)."""
        return f"{describe_url(self.url)}|{self.store_file or 'direct'}"


def store_enabled(environ=None) -> bool:
    environ = os.environ if environ is None else environ
    return (environ.get(STORE_ENV) or "").strip().lower() not in ("off", "0", "false", "no")


def store_folder(environ=None) -> Path:
    environ = os.environ if environ is None else environ
    return Path(environ.get(STORE_DIR_ENV) or STORE_DIR)


def _secrets_url() -> str | None:
    try:
        return st.secrets.get("database", {}).get("url")
    except Exception:  # no secrets.toml: that is the normal case
        return None


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    return create_readonly_engine(url)


@st.cache_data(ttl=SCHEMA_CHECK_TTL_S, show_spinner=False)
def _schema_report(url_key: str, _engine: Engine):
    return check_schema(_engine)


@st.cache_resource(show_spinner=False)
def _keeper(url: str, folder: str) -> StoreKeeper:
    """The server's analytics store of this source (one per process, shared by every session)."""
    # Built in a child process: the server keeps none of the build's memory.
    keeper = StoreKeeper(_engine(url), url, Path(folder), isolated=True)
    keeper.start()  # raises on an unreachable source: then nothing is cached and it retries
    return keeper


def _first_store(keeper: StoreKeeper) -> None:
    """Until the first store of this source exists: its progress, redrawn in this run."""
    slot = st.empty()
    while keeper.current is None and keeper.building:
        with slot.container():
            st.subheader("正在生成分析库")
            st.caption(
                "首次连接此数据库时，仪表盘把各村、各月的汇总读入自己的分析库（只读一次，"
                "之后每次数据提取更新时在后台刷新）。完成后页面自动显示。"
            )
            st.progress(keeper.fraction, text=keeper.message)
        time.sleep(STORE_POLL_S)
    slot.empty()


class DemoBuild:
    """The demo database build of this server process: one background thread whose progress
    every visitor sees. Closing a browser tab does not stop it and no visitor starts a second
    one; a failure stays visible to all until someone retries."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.fraction = 0.0
        self.message = "准备中…"
        self.error: str | None = None  # safe.exception_reason of the failure
        self.starts = 0  # builds started in this process (one, unless someone retried)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, path: Path) -> None:
        """Start building `path` unless a build runs, or failed (then only retry() restarts)."""
        with self._lock:
            if self.running or self.error is not None or path.exists():
                return
            self.fraction, self.message, self.starts = 0.0, "准备中…", self.starts + 1
            self._thread = threading.Thread(
                target=self._run, args=(path,), name="demo-database-build", daemon=True
            )
            self._thread.start()

    def retry(self) -> None:
        """Forget a failure so that the next visitor starts the build again."""
        with self._lock:
            if not self.running:
                self.error = None

    def _progress(self, fraction: float, message: str) -> None:
        self.fraction, self.message = min(max(float(fraction), 0.0), 1.0), message

    def _run(self, path: Path) -> None:
        from demo import generator  # the writer, imported only when needed

        try:
            # Builds beside `path` and moves the file into place in one step (never half-built).
            generator.build_demo_file(path, progress=self._progress)
        except Exception as exc:  # shown to every visitor as the error page
            log.warning("demo database build failed: %s", safe.exception_reason(exc))
            self.error = safe.exception_reason(exc)


@st.cache_resource(show_spinner=False)
def demo_build() -> DemoBuild:
    """The server process's one demo build (shared by every session)."""
    return DemoBuild()


def _demo_progress(build: DemoBuild) -> None:
    """The first-start page: the shared build's progress, polled until it ends; stops the run."""

    @st.fragment(run_every=DEMO_POLL_S)
    def panel() -> None:
        if not build.running:  # done or failed: the whole page runs again and goes on
            st.rerun(scope="app")
        st.subheader("首次启动：正在生成演示数据库")
        st.caption(
            "文件：data/demo.duckdb（仅生成一次，之后直接打开）。"
            "关闭此页不会中断生成；其他访问者看到的是同一进度。"
        )
        st.progress(build.fraction, text=build.message)

    panel()
    st.stop()


def may_see_details() -> bool:
    """Whether this session may see connection details (URL, driver message) and press 重试
    (which clears server-wide caches): administrators; everyone when sign-in is off
    (DASHBOARD_AUTH=off, the embedded demo) as before. Passwords never show (safe.reason)."""
    from dashboard import auth, signin  # signin imports this module

    if auth.auth_switched_off() or configured_url(secrets_url=_secrets_url()) is None:
        return True
    user = signin.current_user()
    return user is not None and user.is_admin


def _retry(on_retry=None, key: str = "retry_database") -> None:
    if st.button("重试", type="primary", key=key):
        if on_retry is not None:
            on_retry()
        st.cache_data.clear()
        from dashboard import data  # data imports this module

        data.clear()
        st.rerun()


def error_page(title: str, reason: str, hint: str, on_retry=None, private: bool = False) -> None:
    """A plain page saying what is wrong and what to do, with a retry; stops the run.

    The reason passes safe.reason again: no password or server path reaches the page. A
    `private` reason (a connection's URL or driver message) and the 重试 button only for who
    may_see_details; others are told to come back later.
    """
    st.error(f"### {title}")
    if private and not may_see_details():
        _signed_in_already()
    if not private and not may_see_details():
        st.markdown("**原因：**")
        st.code(safe.reason(reason), language=None, wrap_lines=True)
        st.markdown(hint)
        st.stop()
    if may_see_details():
        st.markdown("**原因：**")
        st.code(safe.reason(reason), language=None, wrap_lines=True)  # text, never markup
        st.markdown(hint)
        _retry(on_retry)
    else:
        st.markdown("服务仍在运行，请稍后刷新页面；如持续出现，请联系管理员。")
        from dashboard import signin  # signin imports this module

        signin.admin_sign_in()  # details and 重试 for an administrator once signed in
    st.stop()


def _signed_in_already() -> None:
    """This page comes before the sign-in gate: an administrator whose cookie still holds a
    session sees the details at once (a fresh tab has no user in its state yet)."""
    from dashboard import signin  # signin imports this module

    try:
        signin.identify()
    except Exception as exc:  # the session store unreadable: details stay hidden
        log.warning("session lookup on the error page failed: %s", safe.exception_reason(exc))


def _time_words(extracted_at: str | None) -> str:
    """2026-04-02T08:00:00+08:00 → 2026-04-02 08:00 (as the header gives the extract)."""
    if not extracted_at:
        return "最近一次提取"
    text = str(extracted_at).replace("T", " ")
    return text[:16] if len(text) >= 16 and text[10] == " " else text


def offline_banner(db: Database) -> None:
    """While the source is unreachable and the store serves its last extract: say so on
    every page; administrators also see why and may retry."""
    if db.source_down is None or db.keeper is None or db.keeper.current is None:
        return
    when = _time_words(db.keeper.current.stamp.extracted_at)
    st.warning(f"数据源暂时无法连接，显示的是 {when} 时的数据", icon=":material/cloud_off:")
    if may_see_details():
        with st.expander("连接详情（仅管理员可见）"):
            st.code(safe.reason(db.source_down), language=None, wrap_lines=True)
            st.caption("数据源恢复后自动切换到最新数据（每 5 分钟检查一次）；也可点击重试。")
            _retry(db.keeper.refresh_now, key="retry_source")


def _serve_offline(url: str, builds_demo: bool, reason: str) -> Database | None:
    """The store's last extract of this source, when the source cannot be reached."""
    if not store_enabled():
        return None
    try:
        keeper = _keeper(url, str(store_folder()))  # serves the newest store on disk
    except Exception:
        return None
    current = keeper.current
    if current is None:
        return None
    return Database(
        url, current.store, builds_demo, None, current.path.name, keeper, source_down=reason
    )


def connect() -> Database:
    """The app's database, ready to read; shows an error page and stops when it is not."""
    url = configured_url(secrets_url=_secrets_url())
    builds_demo = url is None
    if builds_demo:
        url = demo_url(DEMO_DB_PATH)
        if not DEMO_DB_PATH.exists():
            build = demo_build()
            if build.error is not None:
                error_page(
                    "演示数据库生成失败",
                    build.error,
                    "请检查程序目录下的 `data` 文件夹是否可写，然后重试。",
                    on_retry=build.retry,
                )
            build.start(DEMO_DB_PATH)
            if not DEMO_DB_PATH.exists():
                _demo_progress(build)
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
            private=True,
        )
    except Exception as exc:  # unreachable, refused, not a database file …
        log.warning("database %s unreachable: %s", describe_url(url), safe.exception_reason(exc))
        reason = f"{describe_url(url)}：{safe.exception_reason(exc)}"
        served = _serve_offline(url, builds_demo, reason)
        if served is not None:
            offline_banner(served)
            return served
        error_page(
            "无法连接数据库",
            f"{describe_url(url)}：{safe.exception_reason(exc)}",
            "服务仍在运行。数据库恢复后点击“重试”或刷新页面即可。",
            private=True,
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
            private=True,
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
            private=True,
        )
    if not store_enabled():
        return db
    try:
        keeper = _keeper(url, str(store_folder()))
    except Exception as exc:
        log.warning("analytics store of %s: %s", db.key, safe.exception_reason(exc))
        error_page(
            "无法读取数据提取信息",
            f"{db.key}：{safe.exception_reason(exc)}",
            "请确认只读账号可读取 `data_meta` 表，然后重试。",
            private=True,
        )
    _first_store(keeper)
    current = keeper.current
    if current is None:
        error_page(
            "分析库生成失败",
            keeper.error or "未知原因",
            "请检查程序目录下的 `data` 文件夹是否可写、磁盘空间是否充足，然后重试。",
            on_retry=keeper.refresh_now,
            private=True,
        )
    return Database(url, current.store, builds_demo, engine, current.path.name, keeper)
