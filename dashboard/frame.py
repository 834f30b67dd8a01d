"""The frame (mounted by dashboard/app.py, the entry point): page config, theme, filters, header and
navigation only; each view is a file in pages/."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # streamlit puts dashboard/ on the path, not the repository
    sys.path.insert(0, str(ROOT))

import logging  # noqa: E402

import sqlalchemy as sa  # noqa: E402
import streamlit as st  # noqa: E402

from dashboard import (  # noqa: E402
    audit,
    data,
    database,
    drill,
    filters,
    followup_ui,
    header,
    meeting_sources,
    navigation,
    safe,
    signin,
    state,
    theme,
)
from views import labels  # noqa: E402

log = logging.getLogger("dashboard")
S_LAST_VIEW = "s_audit_last_view"  # the (page, scope, period) last written to the audit trail


def _audit_view(user, page_title: str, current: state.Filters, admin_page: bool) -> None:
    """One audit row per page, scope and period a session looks at (not per rerun); while the
    trail cannot be written, every run tries again and is refused when it fails (an
    administrator may still open 审计日志, to see why)."""
    scope = current.scope
    where = "全部" if scope.is_all else "/".join([scope.county_code or "", *scope.township_codes])
    audit.set_scope(where)
    view = (page_title, where, current.period.key if current.period else None)
    if st.session_state.get(S_LAST_VIEW) == view and audit.health() is None:
        return
    try:
        audit.record("page_view", page=view[0], scope=view[1], period=view[2])
    except audit.AuditError:
        if not (user is not None and user.is_admin and admin_page):
            signin.refuse_audit_down()
        return
    st.session_state[S_LAST_VIEW] = view


@st.cache_resource(show_spinner=False)
def _check_font_setting() -> None:
    """Once per process: a DASHBOARD_CJK_FONT without Chinese glyphs is said in the log at
    start (and where the PDF brief would be offered), not found out from a blank PDF."""
    from dashboard.brief import fonts

    problem = fonts.check_setting()
    if problem:
        log.error("%s", problem)


def main() -> None:
    _check_font_setting()
    meeting_mode = (
        navigation.meeting_requested()
    )  # `mode=meeting`: slides instead of the page, no chrome
    st.set_page_config(
        page_title=labels.APP_TITLE,
        page_icon=str(ROOT / "dashboard" / "assets" / "favicon.png"),
        layout="wide",
        initial_sidebar_state="collapsed" if meeting_mode else "auto",
    )
    theme.apply(fold_sidebar=not meeting_mode)  # meeting mode starts folded anyway
    db = database.connect()
    user = signin.require(db)  # the sign-in form, or None when sign-in is off
    admin = user is not None and user.is_admin
    pages = navigation.all_pages(admin=admin, meeting=meeting_mode)
    page = st.navigation(pages, position="hidden" if meeting_mode else "sidebar")
    data.set_database(db)
    try:
        state.drop_unknown_params()
        signin.sidebar(user, meeting_mode)
        current = filters.render(meeting_sources.opening_period if meeting_mode else None)
        admin_page = page.title == navigation.ADMIN[1] and not meeting_mode
        _audit_view(user, "例会模式" if meeting_mode else page.title, current, admin_page)
        if meeting_mode:  # every address runs the slides (pages/meeting_mode.py)
            try:
                page.run()
            finally:
                notice = state.notice_text(state.pop_notices())
                if notice:  # no box on the projector: a toast that fades
                    st.toast(notice, icon=":material/link_off:")
        else:
            navigation.meeting_link(current)
            header.render(current)
            # One box for every notice: the filters' now, the page's own settings' after it runs.
            notices, early = st.empty(), state.pop_notices()
            if early:
                notices.warning(state.notice_text(early), icon=":material/link_off:")
            page.run()
            if not admin_page:
                followup_ui.render(current, user)  # 督办与解读, below every view
            if user is not None:
                drill.audit_drill()
            late = state.pop_notices()
            if late:
                notices.warning(state.notice_text(early + late), icon=":material/link_off:")
    except audit.AuditError:
        if not (user is not None and user.is_admin):
            signin.refuse_audit_down()
    except sa.exc.SQLAlchemyError as exc:
        log.warning("query failed on %s: %s", db.key, safe.exception_reason(exc))
        database.error_page(
            "读取数据时出错",
            safe.exception_reason(exc),
            "数据库可能暂时不可用，或只读账号缺少某张表的 SELECT 权限。服务仍在运行，稍后点击“重试”。",
            private=True,
        )
    except Exception as exc:  # st.stop / st.rerun are BaseException and pass through
        log.warning("page failed: %s: %s", type(exc).__name__, safe.exception_reason(exc))
        database.error_page(
            "页面出错",
            f"{type(exc).__name__}: {safe.exception_reason(exc)}",
            "数据中可能有数据约定之外的取值。服务仍在运行，请联系管理员查看日志后点击“重试”。",
            private=True,
        )


main()
