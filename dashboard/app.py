"""Entry point: `streamlit run dashboard/app.py`. The frame only; each view is a file in pages/."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # streamlit puts dashboard/ on the path, not the repository
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
import streamlit as st  # noqa: E402

from dashboard import data, database, filters, header, navigation, state, theme  # noqa: E402
from pages import meeting  # noqa: E402
from views import labels  # noqa: E402


def main() -> None:
    meeting_mode = meeting.requested()  # `mode=meeting`: slides instead of the page, no chrome
    st.set_page_config(
        page_title=labels.APP_TITLE,
        page_icon=str(ROOT / "dashboard" / "assets" / "favicon.png"),
        layout="wide",
        initial_sidebar_state="collapsed" if meeting_mode else "auto",
    )
    st.markdown(theme.CSS, unsafe_allow_html=True)
    page = st.navigation(navigation.all_pages(), position="hidden" if meeting_mode else "sidebar")
    db = database.connect()
    data.set_database(db)
    current = filters.render()
    if not meeting_mode:
        meeting.sidebar_link(current)
        header.render(current)
        for notice in state.pop_notices():
            st.warning(notice, icon=":material/link_off:")
    try:
        if meeting_mode:
            meeting.render(current)
        else:
            page.run()
    except sa.exc.SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        database.error_page(
            "读取数据时出错", reason, "数据库可能暂时不可用。服务仍在运行，稍后点击“重试”。"
        )


main()
