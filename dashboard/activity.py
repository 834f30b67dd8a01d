"""What counts as activity for idle expiry, and reruns asked for from outside a tab's run.

A click, a key or a fragment a person triggers always counts. 例会模式's timers (the slide
advance, the heartbeat of signin.meeting_keepalive) count only within the meeting hold
(`meeting_hold_minutes` in the account file, default 180) after this tab's last click or key:
a meeting holds its session while the room discusses a slide or the slides advance by
themselves, and a tab left on the projector ends after the hold plus `idle_minutes`.
"""

from __future__ import annotations

import time

import streamlit as st
from streamlit import runtime

S_HUMAN_AT = "s_auth_human_at"  # time of this tab's last click or key (not a timer's run)
S_TIMER_RUN = "s_auth_timer_run"  # the coming full run was asked for by the meeting's timer


def keeps_alive(timer: bool, human_at: float | None, hold_s: float, now: float) -> bool:
    """Whether a run counts as activity for idle expiry: a click or key always does; a run of
    the meeting's timers (slide advance, keep-alive) only within `hold_s` of the last one, so
    a meeting holds its session while an unattended tab still ends (hold + idle later)."""
    if not timer:
        return True
    return human_at is not None and now - human_at < hold_s


def counts(timer: bool, hold_s: float) -> bool:
    """Whether this run counts as activity (and note the time of a person's)."""
    now = time.time()
    if not timer:
        st.session_state[S_HUMAN_AT] = now
    return keeps_alive(timer, st.session_state.get(S_HUMAN_AT), hold_s, now)


def timer_rerun() -> None:
    """A whole-app run asked for by the meeting's slide timer (not by the presenter)."""
    st.session_state[S_TIMER_RUN] = True
    st.rerun()


def timer_run() -> bool:
    """Whether this whole-app run was asked for by the meeting's timer (asked once)."""
    return bool(st.session_state.pop(S_TIMER_RUN, False))


def rerun_tab(tab: str | None) -> None:
    """Ask the browser tab with this Streamlit session id for a full run from any thread (what
    Streamlit's own file watcher does on save); nothing when the tab has gone."""
    if tab is None or not runtime.exists():
        return
    info = runtime.get_instance()._session_mgr.get_active_session_info(tab)
    if info is None:
        return
    from streamlit.proto.ClientState_pb2 import ClientState

    session = info.session
    # The tab's last client state (its page, query string and widgets), as a whole-app run.
    state = ClientState()
    state.CopyFrom(session._client_state)
    state.fragment_id = ""
    session._call_soon_on_event_loop(lambda: session.request_rerun(state))
