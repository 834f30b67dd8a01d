"""督办与解读 under every page and the meeting: add a 督办事项 for what is on screen (figure,
scope, period), see and close the open ones, write a 解读 on a figure.

Everything is written through dashboard.state_db (the dashboard's own database, audited,
scoped to the user's area). A failure there is one Chinese line inside this box; the page
above it is never affected. Texts from users are data: shown in tables or escaped markdown.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from dashboard import audit, safe, small_cells, state, state_db
from dashboard.data import cached
from views import common, overview
from views import followup as fv
from views import teams as teams_view

WHOLE_SCOPE = "（整个范围）"
S_CREATED_SAID = "s_followup_created_said"

# The 督办与解读 box's own tabs (below every page; tests tell them from the page's).
TABS = ("添加督办事项", "写解读")


def _by(user) -> str:
    return user.username if user is not None else "本机用户（未启用登录）"


def _entry_scope(scope: fv.Scope, key: str) -> fv.Scope:
    """The scope an entry is written for: one township at most (asked when several)."""
    towns = scope.township_codes
    if len(towns) <= 1:
        return scope
    names = cached(common.header)(scope).township_names
    town = st.selectbox("乡镇", towns, format_func=lambda t: names.get(t, t), key=key)
    return fv.Scope(scope.county_code, (town,))


def _open_items(current: state.Filters, user) -> None:
    items = [i for i in state_db.items(current.visible, "open") if fv.in_scope(i, current.scope)]
    if not items:
        st.caption("本范围没有进行中的督办事项。")
        return
    today = date.today()
    st.dataframe(
        pd.DataFrame(
            {
                "编号": [i.id for i in items],
                "范围": [i.place for i in items],
                "指标": [i.figure_words for i in items],
                "责任人": [i.owner for i in items],
                "期限": [f"{i.due}（已逾期）" if i.overdue(today) else i.due for i in items],
                "事项": [i.text for i in items],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    pick, go = st.columns([3, 1], vertical_alignment="bottom")
    chosen = pick.selectbox("关闭事项", [i.id for i in items], key="fu_close_id",
                            format_func=lambda n: f"编号 {n}")  # fmt: skip
    if go.button("关闭", key="fu_close"):
        state_db.close_item(int(chosen), by=_by(user), visible=current.visible)
        st.success(f"督办事项 {chosen} 已关闭。")


def _add_item(current: state.Filters, user, figures: list[str]) -> None:
    scope, window = current.scope, current.window
    entry = _entry_scope(scope, "fu_item_town")
    teams = cached(teams_view.build)(entry, window).teams
    team_names = dict(zip(teams["team_id"], teams["label"], strict=True)) if len(teams) else {}
    with st.form("fu_add", clear_on_submit=True, border=False):
        figure = st.selectbox("指标", figures, key="fu_figure")
        team = st.selectbox("团队（仅抽查合格率）", [WHOLE_SCOPE, *team_names],
                            format_func=lambda t: team_names.get(t, t), key="fu_team")  # fmt: skip
        owner = st.text_input("责任单位或责任人", max_chars=state_db.OWNER_MAX, key="fu_owner")
        due = st.date_input("期限", date.today() + timedelta(days=7), key="fu_due")
        text = st.text_area("督办内容", max_chars=state_db.TEXT_MAX, key="fu_text", height=80)
        if not st.form_submit_button("添加督办事项"):
            return
    subject = None if team == WHOLE_SCOPE or figure not in fv.TEAM_FIGURES else team
    new_id = state_db.add_item(
        scope=entry, place=cached(common.header)(entry).scope_words, figure=figure,
        period_key=window.period.full.key, data_month=max(cached(common.data_months)()),
        owner=owner, due=due.isoformat(), text=text, by=_by(user), visible=current.visible,
        subject=subject, subject_name=team_names.get(subject) if subject else None,
    )  # fmt: skip
    st.success(f"已添加督办事项 {new_id}，下次例会的“上周督办”会列出它。")


def _add_note(current: state.Filters, user, figures: list[str]) -> None:
    entry = _entry_scope(current.scope, "fu_note_town")
    with st.form("fu_note", clear_on_submit=True, border=False):
        figure = st.selectbox("指标", figures, key="fu_note_figure")
        text = st.text_area("解读", max_chars=state_db.NOTE_MAX, key="fu_note_text", height=80)
        if not st.form_submit_button("保存解读"):
            return
    state_db.add_note(scope=entry, place=cached(common.header)(entry).scope_words,
                      figure=figure, period_key=current.window.period.full.key, text=text,
                      by=_by(user), visible=current.visible)  # fmt: skip
    st.success("解读已保存。")


def _notes(current: state.Filters) -> tuple[fv.Note, ...]:
    """The 解读 of this scope and period as this user reads them (small counts of people in
    the text masked: views.followup.Board.seen); raises StateError."""
    if current.period is None:
        return ()
    board = fv.Board(notes=tuple(state_db.notes(current.visible)))
    board = board.seen(small_cells.floor(current.visible))
    return board.notes_for(current.scope, current.period.full.key)


def notes_by_figure(current: state.Filters) -> dict[str, list[fv.Note]]:
    """The page's 解读 by the label of their figure, to show under that figure (`beside`);
    empty when the own database cannot be read (the box below the page says why)."""
    try:
        notes = _notes(current)
    except state_db.StateError:
        return {}
    found: dict[str, list[fv.Note]] = {}
    for n in notes:
        found.setdefault(n.figure, []).append(n)
    return found


def beside(notes: list[fv.Note] | tuple[fv.Note, ...]) -> None:
    """The 解读 of one figure, under it: text and author as data."""
    for n in notes:
        st.caption(
            f":material/comment: 解读：{safe.markdown(n.text)}"
            f"（{safe.markdown(n.author)}，{n.created_at[:10]}）"
        )


def notes_line(current: state.Filters) -> None:
    """Every 解读 of this scope and period with its figure (the box's list; the pages also
    show each under its figure)."""
    try:
        notes = _notes(current)
    except state_db.StateError as exc:
        st.caption(str(exc))
        return
    for n in notes:
        st.caption(
            f"解读 · {safe.markdown(n.place)} · {safe.markdown(n.figure)}："
            f"{safe.markdown(n.text)}（{safe.markdown(n.author)}，{n.created_at[:10]}）"
        )


def box(current: state.Filters, user) -> None:
    """Open items (close), add an item, write a 解读; a failure is one line, never raised."""
    try:
        # Where the own database was made is for whoever runs the server, not a township head.
        runs_it = user is None or user.is_admin
        if runs_it and state_db.created_message and not st.session_state.get(S_CREATED_SAID):
            st.info(state_db.created_message)
            st.session_state[S_CREATED_SAID] = True
        _open_items(current, user)
        if current.scope.county_code is None or current.window is None:
            st.caption("选择一个县区后，可为当前范围和期间添加督办事项或写解读。")
            return
        figures = list(fv.FIXED_FIGURES) + [
            k.name for k in cached(overview.build)(current.scope, current.window).kpis
        ]
        item_tab, note_tab = st.tabs(list(TABS))
        with item_tab:
            _add_item(current, user, figures)
        with note_tab:
            _add_note(current, user, figures)
    except (state_db.StateError, audit.AuditError, PermissionError, ValueError) as exc:
        st.warning(safe.markdown(str(exc)))


def render(current: state.Filters, user) -> None:
    """Below a page: the 督办与解读 box, with every 解读 of the scope and period listed (each
    is also under its figure where the page shows it)."""
    with st.expander("督办与解读", icon=":material/assignment_turned_in:"):
        notes_line(current)
        box(current, user)
