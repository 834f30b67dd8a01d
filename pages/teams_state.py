"""团队工作量's own state: the team drilled into (a page parameter, not a global filter: write_url
leaves it alone, and it is dropped like every parameter when the user switches pages; the
choice itself stays in the session), the open tab and the page's widgets."""

from __future__ import annotations

import streamlit as st

from dashboard import drill, state

W_TEAM = "w_team"  # the team selectbox of the detail tab
W_TEAM_VIEW = "w_team_view"  # the page's tabs (概况 / 团队列表 / 团队详情)
W_TEAM_MEASURE = "w_team_measure"  # measure the ranking chart orders by
W_TEAM_RANK_END = "w_team_rank_end"  # top or bottom of the ranking
W_TEAM_TABLE = "w_team_table"  # row selection in the team table
W_TEAM_MONTHLY_BY = "w_team_monthly_by"  # services per month by service type or member level
S_TEAM = "s_team"  # the chosen team; kept while the selectbox's tab is not drawn
drill.register_drill("team", S_TEAM)  # on the audit trail when it changes
S_TEAM_WRITTEN = "s_team_written"  # the team the app last put in the URL
# The open tab as `tab` (overview / list / detail): 总览's alert links with ?tab=list.
TEAM_TABS = ("overview", "list", "detail")
S_TEAM_TAB_WRITTEN = "s_team_tab_written"  # the tab the app last put in the URL


def linked_team() -> str | None:
    """The `team` URL parameter when the app did not write it (a link or reload), else None."""
    raw = (st.query_params.get(state.URL_TEAM) or "").strip()
    return raw if raw and raw != st.session_state.get(S_TEAM_WRITTEN) else None


def chosen_team() -> str | None:
    return st.session_state.get(S_TEAM)


def choose_team(team_id: str | None) -> None:
    """Remember the team to show; call before the selectbox is drawn or from a callback."""
    st.session_state[S_TEAM] = team_id or None


def seed_team_widget() -> None:
    """Give the selectbox the remembered team (its own state is lost while its tab is hidden)."""
    st.session_state[W_TEAM] = chosen_team() or ""


def on_team_widget_change() -> None:
    choose_team(st.session_state.get(W_TEAM))


def write_team_url(team_id: str | None) -> None:
    """Put the chosen team in the URL as `team`, or remove the parameter."""
    if team_id:
        if st.query_params.get(state.URL_TEAM) != team_id:
            st.query_params[state.URL_TEAM] = team_id
    elif state.URL_TEAM in st.query_params:
        del st.query_params[state.URL_TEAM]
    st.session_state[S_TEAM_WRITTEN] = team_id


def linked_team_tab() -> str | None:
    """The `tab` URL parameter when valid and not written by the app (a link), else None."""
    raw = (st.query_params.get(state.URL_TAB) or "").strip()
    fresh = raw != st.session_state.get(S_TEAM_TAB_WRITTEN)
    return raw if fresh and raw in TEAM_TABS else None


def write_team_tab_url(tab: str) -> None:
    """Put the open tab in the URL as `tab`, so a copied link opens the same tab."""
    if st.query_params.get(state.URL_TAB) != tab:
        st.query_params[state.URL_TAB] = tab
    st.session_state[S_TEAM_TAB_WRITTEN] = tab
