"""The state every page shares: the current filters, the URL's parameter names, notices, and
the helpers pages keep their settings with (a page's own keys: pages/<page>_state.py).

The URL query parameters `county`, `township` (comma-separated) and `period` carry the
filter state, so a copied link opens the same view. Streamlit clears query parameters when
the user switches pages, so the state lives in the session and is written back to the URL
on every run; parameters in the URL win when they differ from what the app last wrote
(a link opened, a drill-down).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from data_access.periods import Period
from data_access.scope import Scope
from views import labels
from views.common import Window

# URL query parameters.
URL_COUNTY = "county"
URL_TOWNSHIP = "township"
URL_PERIOD = "period"
URL_KEYS = (URL_COUNTY, URL_TOWNSHIP, URL_PERIOD)

# Widget keys.
W_COUNTY = "w_county"
W_TOWNSHIPS = "w_townships"
W_PERIOD_KIND = "w_period_kind"
W_PERIOD = "w_period"

# Session keys.
S_URL_WRITTEN = "s_url_written"  # the filter params the app last put in the URL
S_NOTICES = "s_filter_notices"  # messages about dropped URL parameters, shown once
S_FILTERS = "s_filters"  # the Filters of this run, for pages
S_PENDING_SCOPE = "s_pending_scope"  # a drill-down asked for this scope; applied next run


@dataclass(frozen=True)
class Filters:
    """What every view shows: the scope and the period window (the period as chosen, cut to
    the months with data, and the same months a period earlier to compare with)."""

    scope: Scope
    window: Window | None
    # The signed-in user's area (None: everything): leagues and small cells are cut to it.
    visible: Scope | None = None

    @property
    def period(self) -> Period | None:
        return self.window.period if self.window else None

    @property
    def previous(self) -> Period | None:
        return self.window.previous if self.window else None


def read_url() -> dict[str, str]:
    """The filter parameters present in the URL (raw text, unvalidated)."""
    params = st.query_params
    return {key: params.get(key, "") for key in URL_KEYS if params.get(key)}


def url_params(filters: Filters) -> dict[str, str]:
    params = {}
    if filters.scope.county_code:
        params[URL_COUNTY] = filters.scope.county_code
    if filters.scope.township_codes:
        params[URL_TOWNSHIP] = ",".join(filters.scope.township_codes)
    if filters.period:
        params[URL_PERIOD] = filters.period.key
    return params


def write_url(filters: Filters) -> None:
    """Put the filters into the URL, leaving other parameters (e.g. mode) alone."""
    wanted = url_params(filters)
    for key in URL_KEYS:
        if key in wanted:
            if st.query_params.get(key) != wanted[key]:
                st.query_params[key] = wanted[key]
        elif key in st.query_params:
            del st.query_params[key]
    st.session_state[S_URL_WRITTEN] = wanted


def url_changed_outside() -> bool:
    """True when the URL holds filter params the app did not write (a link or reload)."""
    current = read_url()
    return bool(current) and current != st.session_state.get(S_URL_WRITTEN)


def current() -> Filters:
    """The filters of this run (set by the frame before the page runs)."""
    return st.session_state.get(S_FILTERS) or Filters(Scope(), None)


def set_current(filters: Filters) -> None:
    st.session_state[S_FILTERS] = filters


def add_notice(text: str) -> None:
    st.session_state.setdefault(S_NOTICES, []).append(text)


def pop_notices() -> list[str]:
    return st.session_state.pop(S_NOTICES, [])


# A notice lists this many dropped items; the rest are counted, so 400 bad codes are one line.
NOTICE_ITEMS_SHOWN = 3


def notice_text(notices: list[str]) -> str | None:
    """All URL notices of a run as one message (None when there are none)."""
    unique = list(dict.fromkeys(notices))
    if not unique:
        return None
    if len(unique) == 1:
        return unique[0]
    shown = "；".join(n.rstrip("。") for n in unique[:NOTICE_ITEMS_SHOWN])
    more = len(unique) - NOTICE_ITEMS_SHOWN
    tail = f"；另有 {more} 项类似问题" if more > 0 else ""
    return f"链接中有 {len(unique)} 处无效，已忽略并从地址栏移除：{shown}{tail}。"


def echo(text: str, limit: int = 24) -> str:
    """User input shown back safely: cut, and only letters, digits and - _ . kept."""
    cleaned = "".join(ch for ch in text[:limit] if ch.isalnum() or ch in "-_.")
    return cleaned + ("…" if len(text) > limit else "")


def drop_unknown_params() -> None:
    """Remove URL parameters the app does not know, and a `mode` it does not have."""
    for key in list(st.query_params.keys()):
        if key not in KNOWN_URL_KEYS:
            add_notice(f"未知参数“{echo(key)}”")
            del st.query_params[key]
    allowed = {
        URL_MODE: (MODE_MEETING,),
        URL_PALETTE: (PALETTE_CB,),
        URL_DISEASE: tuple(labels.DISEASE_LABELS),
    }
    for key, values in allowed.items():
        value = st.query_params.get(key)
        if value is not None and value not in values:
            add_notice(f"参数 {key} 的值“{echo(value)}”无效")
            del st.query_params[key]


def drill_to(county_code: str | None, township_codes: tuple[str, ...] = ()) -> None:
    """Narrow (or widen) the global filters from a page, e.g. a click on a township.

    Widgets cannot change once drawn in a run, so the request is stored and applied by
    the filters at the start of the next run; call st.rerun() after this.
    """
    st.session_state[S_PENDING_SCOPE] = (county_code, tuple(township_codes))


def apply_pending_scope() -> None:
    """Move a drill-down request into the filter widgets (before they are drawn)."""
    pending = st.session_state.pop(S_PENDING_SCOPE, None)
    if pending is not None:
        st.session_state[W_COUNTY] = pending[0] or ""
        st.session_state[W_TOWNSHIPS] = list(pending[1])


# --- Page settings: one URL vocabulary, kept in the session and mirrored in the URL ---------
# The URL is shared by every page, so its parameter names are here (a page's own widget and
# session keys live beside the page, in pages/<page>_state.py). Streamlit drops parameters on
# a page switch; a page's setting writes its own back on its next run.
URL_TAB = (
    "tab"  # a page's open tab: 总览's alerts link with ?tab=list (团队) or ?tab=mismatch (慢病)
)
URL_TEAM = "team"  # 团队工作量: the team drilled into (not a global filter)
URL_DISEASE = "disease"  # 慢病三色: the disease shown (absent: all diseases together)
URL_PALETTE = "palette"  # "cb": the colour-blind-safe 绿黄红 (theme.MANAGEMENT_COLORS_CB)
PALETTE_CB = "cb"
URL_INDICATOR = "indicator"  # 县区排名: the drill's indicator
URL_MEASURE = "measure"  # 县区排名: the drill's bars, value (default) or lost (失分)
URL_LEVEL = "level"  # 县区排名: the drill across counties (default) or the county's townships
URL_LAYER = "layer"  # 网格地图: the thematic layer (absent: views.grid_map.DEFAULT_LAYER)
URL_VILLAGE = "village"  # 网格地图: the village whose panel is open
# `mode=meeting` turns the frame into full-screen slides (pages/meeting_mode.py); write_url
# leaves it alone, so the filters keep working from the URL. `slide` names the slide shown.
URL_MODE = "mode"
MODE_MEETING = "meeting"
URL_SLIDE = "slide"

# Every URL parameter the app reads; anything else is dropped from the address bar.
KNOWN_URL_KEYS = frozenset(
    (
        *URL_KEYS,
        URL_TAB,
        URL_TEAM,
        URL_DISEASE,
        URL_PALETTE,
        URL_INDICATOR,
        URL_MEASURE,
        URL_LEVEL,
        URL_LAYER,
        URL_VILLAGE,
        URL_MODE,
        URL_SLIDE,
    )
)

S_SETTINGS_WRITTEN = "s_settings_written"  # the page settings the app last put in the URL


def page_setting(url_key: str, session_key: str, allowed: tuple[str, ...]) -> str:
    """A page's setting ("" = default): a URL value the app did not write wins, then the
    session; the value is written back to the URL."""
    written = st.session_state.setdefault(S_SETTINGS_WRITTEN, {})
    in_url = (st.query_params.get(url_key) or "").strip()
    if in_url and in_url != written.get(url_key):
        st.session_state[session_key] = in_url
        if in_url not in allowed:
            add_notice(f"参数 {url_key} 的值“{echo(in_url)}”无效")
    value = st.session_state.get(session_key) or ""
    if value not in allowed:
        value = st.session_state[session_key] = ""
    if value and st.query_params.get(url_key) != value:
        st.query_params[url_key] = value
    elif not value and url_key in st.query_params:
        del st.query_params[url_key]
    written[url_key] = value
    return value


def set_setting(session_key: str, value: str | None) -> None:
    """Remember a setting chosen in a widget (its callback); the next run writes the URL."""
    st.session_state[session_key] = value or ""


def linked_tabs(tabs: dict[str, str], open_key: str, widget_key: str, session_key: str) -> dict:
    """st.tabs of `tabs` (key → label) with `open_key` open, each drawn only when open; the
    tab a user picks is remembered under `session_key` (its setting's next run writes the
    URL). Returns key → tab container."""
    key_of = {label: key for key, label in tabs.items()}
    st.session_state[widget_key] = tabs[open_key]
    containers = st.tabs(
        list(tabs.values()),
        key=widget_key,
        on_change=lambda: set_setting(session_key, key_of.get(st.session_state[widget_key])),
    )
    return dict(zip(tabs, containers, strict=True))


# The 绿黄红 palette of every chart and map (慢病三色's checkbox; the map's village panel).
W_COLORBLIND = "w_colorblind"
S_COLORBLIND = "s_colorblind"


def colorblind() -> bool:
    """Whether charts draw 绿黄红 in the colour-blind-safe palette."""
    return page_setting(URL_PALETTE, S_COLORBLIND, (PALETTE_CB,)) == PALETTE_CB


def on_colorblind_widget_change() -> None:
    st.session_state[S_COLORBLIND] = PALETTE_CB if st.session_state.get(W_COLORBLIND) else ""
