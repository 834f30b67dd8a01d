"""例会模式 on screen: one full-screen slide at a time, moved by keys, buttons or a timer.

The frame (dashboard/frame.py) calls `render` instead of the page when the URL has
`mode=meeting`; the filters still come from the URL (drawn into a sidebar nobody sees).
Keys: → / Space / PageDown next, ← / PageUp back (a presenter's clicker sends these),
Backspace leaves a drill-down — whatever control has focus (pages.meeting_presenter).
"""

from __future__ import annotations

import functools
import time
from html import escape

import streamlit as st

from dashboard import (
    activity,
    brief_downloads,
    followup_ui,
    meeting_sources,
    safe,
    signin,
    state,
    state_db,
)
from dashboard.data import cached
from pages import meeting_panels as panels
from pages import meeting_presenter as presenter
from pages import meeting_state
from pages.meeting_style import CSS
from views import common
from views.domain import Period, Scope
from views.meeting import deck

# Where a slide the deck no longer has went: a drill back up drops the township league (its
# county's is next), and a thin 未达目标的指标 merges with the other KPIs.
MOVED = {
    deck.Kind.TOWNSHIPS.value: deck.Kind.COUNTIES.value,
    deck.Kind.KPIS_MISSED.value: deck.Kind.KPIS_ALL.value,
    deck.Kind.KPIS.value: deck.Kind.KPIS_ALL.value,
}
AUTO_SECONDS = (15, 30, 60, 120)  # per slide: a glance, a discussion, a long discussion
DEFAULT_AUTO_SECONDS = 30
# The browser keeps a fragment's timer while its interval is unchanged, even across reruns.
# Shifting the interval by this much (s) per slide position restarts it on every new slide, so
# each slide gets its full time whatever moved it there (a one-second tick instead would rerun
# all the time and cancel a 周报 download being prepared).
TIMER_SHIFT_SECONDS = 0.001
# A timer tick may come a little early; advance when this share of the time has passed.
AUTO_SLACK = 0.9


def _current(keys: list[str]) -> str:
    """The slide to show: a `slide` URL value the app did not write wins, then the session."""
    in_url = (st.query_params.get(state.URL_SLIDE) or "").strip()
    if in_url and in_url != st.session_state.get(meeting_state.S_SLIDE_WRITTEN):
        st.session_state[meeting_state.S_SLIDE] = in_url
        if in_url not in keys and MOVED.get(in_url) not in keys:
            known = in_url in deck.SLIDE_TITLES
            state.add_notice(
                f"本期没有“{deck.SLIDE_TITLES[deck.Kind(in_url)]}”一页（封面列出原因）"
                if known
                else f"幻灯片“{state.echo(in_url)}”不存在"
            )
    key = st.session_state.get(meeting_state.S_SLIDE)
    if key not in keys:  # a drill back up drops the township slide: its county ranking is next
        key = MOVED.get(key, "") if MOVED.get(key) in keys else keys[0]
        st.session_state[meeting_state.S_SLIDE] = key
    if st.query_params.get(state.URL_SLIDE) != key:
        st.query_params[state.URL_SLIDE] = key
    st.session_state[meeting_state.S_SLIDE_WRITTEN] = key
    shown = st.session_state.get(meeting_state.S_SLIDE_SHOWN_AT)
    if not shown or shown[0] != key:
        st.session_state[meeting_state.S_SLIDE_SHOWN_AT] = (key, time.monotonic())
    return key


def _step(keys: list[str], step: int, wrap: bool = False) -> None:
    key = st.session_state.get(meeting_state.S_SLIDE)
    i = keys.index(key) if key in keys else 0
    i = (i + step) % len(keys) if wrap else min(max(i + step, 0), len(keys) - 1)
    st.session_state[meeting_state.S_SLIDE] = keys[i]


def _drill(current: Scope, target: Scope) -> None:
    st.session_state.setdefault(meeting_state.S_MEETING_TRAIL, []).append(current)
    state.drill_to(target.county_code, target.township_codes)


def _back() -> None:
    trail = st.session_state.get(meeting_state.S_MEETING_TRAIL) or []
    if trail:
        scope = trail.pop()
        state.drill_to(scope.county_code, scope.township_codes)


def _exit() -> None:
    for key in (state.URL_MODE, state.URL_SLIDE):
        if key in st.query_params:
            del st.query_params[key]


# The title bar's area names: cut beyond this (whole on hover), the bar stays one line.
SCOPE_CHARS = 40


def _title(slide: deck.Slide, m: deck.Meeting, position: str) -> None:
    demo = '<span class="mt-badge">演示数据</span>' if m.demo else ""
    message = f'<div class="mt-message">{escape(slide.message)}</div>' if slide.message else ""
    # 解读 of the slide's figures: one line each, cut to the width (whole on hover)
    message += "".join(
        f'<div class="mt-remark" title="{escape(line)}">{escape(line)}</div>'
        for line in slide.remarks
    )
    panels.html_block(
        f'<div class="mt-head"><span class="mt-title">{escape(slide.title)}</span>'
        f'<span class="mt-scope">{safe.html_name(m.scope_words, SCOPE_CHARS)} · '
        f"{escape(m.period_label)}</span>{demo}"
        f'<span class="mt-page">{position} · <span class="{presenter.CLOCK_CLASS}">'
        f"{time.strftime('%H:%M')}</span></span></div>{message}"
    )


def _controls(keys: list[str], key: str, filters: state.Filters, m: deck.Meeting) -> None:
    i, last = keys.index(key), len(keys) - 1
    bar = st.container(key="mt_controls", horizontal=True, vertical_alignment="center")
    bar.button(
        "上一页", key="mt_prev", shortcut="Left",
        on_click=_step, args=(keys, -1), disabled=i == 0,
    )  # fmt: skip
    bar.button(
        "下一页", key="mt_next", shortcut="Right",
        on_click=_step, args=(keys, 1), disabled=i == last, type="primary",
    )  # fmt: skip
    if st.session_state.get(meeting_state.S_MEETING_TRAIL):
        back = st.session_state[meeting_state.S_MEETING_TRAIL][-1]
        words = cached(common.header)(back).scope_words
        bar.button(
            f"返回{words}", key="mt_back", icon=":material/undo:", shortcut="Backspace",
            on_click=_back,
        )  # fmt: skip
    bar.space("stretch")
    if st.session_state.get(meeting_state.W_MEETING_SECONDS) not in AUTO_SECONDS:
        st.session_state[meeting_state.W_MEETING_SECONDS] = DEFAULT_AUTO_SECONDS
    bar.toggle("自动翻页", key=meeting_state.W_MEETING_AUTO, on_change=_restart_clock)
    bar.selectbox(
        "每页秒数", AUTO_SECONDS, key=meeting_state.W_MEETING_SECONDS, on_change=_restart_clock,
        format_func=lambda s: f"每页 {s} 秒", label_visibility="collapsed", width=210,
    )  # fmt: skip
    with bar.popover("周报", icon=":material/description:"):
        brief_downloads.buttons(filters)
    with bar.popover("督办", icon=":material/assignment_turned_in:"):  # nothing below the slide
        followup_ui.notes_line(filters)
        followup_ui.box(filters, signin.current_user())
    bar.button("退出例会模式", key="mt_exit", icon=":material/close:", on_click=_exit)


def _choose_period() -> None:
    """The cover's period picker: the filters take it at the next run (the sidebar's own
    widgets are hidden in the meeting)."""
    key = st.session_state.get(meeting_state.W_MEETING_PERIOD)
    if key:
        st.session_state[state.W_PERIOD_KIND] = Period.parse(key).kind
        st.session_state[state.W_PERIOD] = key


def period_picker(filters: state.Filters) -> None:
    """期间 on the cover: quarters, months and years with data, newest first."""
    choices = [p.key for p in meeting_sources.period_choices()]
    if not choices:
        return
    current = filters.period.key if filters.period else None
    if current and current not in choices:  # a period from a link, older than the list
        choices.insert(0, current)
    st.session_state[meeting_state.W_MEETING_PERIOD] = current or choices[0]
    with st.container(key="mt_period", horizontal=True, vertical_alignment="center"):
        st.selectbox(
            "本次例会的期间",
            choices,
            key=meeting_state.W_MEETING_PERIOD,
            format_func=lambda k: Period.parse(k).label,
            on_change=_choose_period,
            width=420,
        )


def _restart_clock() -> None:
    """Auto-advance counts from now: switching it on (or changing the seconds) never jumps."""
    shown = st.session_state.get(meeting_state.S_SLIDE_SHOWN_AT)
    if shown:
        st.session_state[meeting_state.S_SLIDE_SHOWN_AT] = (shown[0], time.monotonic())


def _auto(keys: list[str]) -> None:
    """Advance every N seconds while the toggle is on, looping back to the first slide."""
    if not st.session_state.get(meeting_state.W_MEETING_AUTO):
        return
    seconds = st.session_state[meeting_state.W_MEETING_SECONDS]

    key = st.session_state.get(meeting_state.S_SLIDE)
    position = keys.index(key) if key in keys else 0

    @signin.fragment(run_every=seconds + TIMER_SHIFT_SECONDS * position)
    def tick() -> None:
        _key, since = st.session_state[meeting_state.S_SLIDE_SHOWN_AT]
        if time.monotonic() - since >= AUTO_SLACK * seconds:
            _step(keys, 1, wrap=True)
            activity.timer_rerun()  # counts as activity within the meeting hold only

    tick()


def render(filters: state.Filters) -> None:
    """The meeting: the current slide with its title, body and controls."""
    st.markdown(CSS, unsafe_allow_html=True)
    for notice in state.pop_notices():
        st.toast(notice, icon=":material/link_off:")
    first = meeting_sources.meeting_opening(filters.scope, filters.visible)
    why = first.why if first and filters.period and first.period.key == filters.period.key else ""
    board = state_db.board(filters.visible)
    head = cached(common.header)(filters.scope)
    m = deck.Meeting(head, filters.window, followups=board, why=why)
    window = filters.window
    src = meeting_sources.CachedSources(filters.scope, window, filters.visible) if window else None
    slides = {s.key: s for s in deck.assemble(src, m)}
    keys = list(slides)
    key = _current(keys)
    slide = slides[key]
    with st.container(key="mt_body"):
        _title(slide, m, f"{keys.index(key) + 1} / {len(keys)}")
        if slide.kind is deck.Kind.COVER and window is not None:
            body, picker = st.columns([3, 1])
            with picker:
                period_picker(filters)
        else:
            body = st.container()
        with body:
            panels.render(slide, m, functools.partial(_drill, filters.scope))
    _controls(keys, key, filters, m)
    presenter.install()
    with st.container(key="mt_keys_alive"):
        signin.meeting_keepalive()
    _auto(keys)
