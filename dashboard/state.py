"""Every session-state and URL key of the app, and the current filters.

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


# --- 团队工作量: the team drilled into ----------------------------------------------------------
# A page parameter, not a global filter: write_url leaves it alone, and it is dropped (like
# every parameter) when the user switches pages; the choice itself stays in the session.
URL_TEAM = "team"
W_TEAM = "w_team"  # the team selectbox of the detail tab
W_TEAM_VIEW = "w_team_view"  # the page's tabs (概况 / 团队列表 / 团队详情)
W_TEAM_MEASURE = "w_team_measure"  # measure the ranking chart orders by
W_TEAM_RANK_END = "w_team_rank_end"  # top or bottom of the ranking
W_TEAM_TABLE = "w_team_table"  # row selection in the team table
W_TEAM_MONTHLY_BY = "w_team_monthly_by"  # services per month by service type or member level
S_TEAM = "s_team"  # the chosen team; kept while the selectbox's tab is not drawn
S_TEAM_WRITTEN = "s_team_written"  # the team the app last put in the URL
# The open tab as `tab` (overview / list / detail): 总览's alert links with ?tab=list.
URL_TEAM_TAB = "tab"
TEAM_TABS = ("overview", "list", "detail")
S_TEAM_TAB_WRITTEN = "s_team_tab_written"  # the tab the app last put in the URL


def linked_team() -> str | None:
    """The `team` URL parameter when the app did not write it (a link or reload), else None."""
    raw = (st.query_params.get(URL_TEAM) or "").strip()
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
        if st.query_params.get(URL_TEAM) != team_id:
            st.query_params[URL_TEAM] = team_id
    elif URL_TEAM in st.query_params:
        del st.query_params[URL_TEAM]
    st.session_state[S_TEAM_WRITTEN] = team_id


def linked_team_tab() -> str | None:
    """The `tab` URL parameter when valid and not written by the app (a link), else None."""
    raw = (st.query_params.get(URL_TEAM_TAB) or "").strip()
    fresh = raw != st.session_state.get(S_TEAM_TAB_WRITTEN)
    return raw if fresh and raw in TEAM_TABS else None


def write_team_tab_url(tab: str) -> None:
    """Put the open tab in the URL as `tab`, so a copied link opens the same tab."""
    if st.query_params.get(URL_TEAM_TAB) != tab:
        st.query_params[URL_TEAM_TAB] = tab
    st.session_state[S_TEAM_TAB_WRITTEN] = tab


# --- 慢病三色: the disease shown, and the 绿黄红 palette of every chart ------------------------
# Page settings kept in the session and mirrored in the URL, so a link opens the same view;
# Streamlit drops them from the URL on a page switch, and the next call writes them back.
URL_DISEASE = "disease"  # absent: all diseases together
URL_PALETTE = "palette"  # "cb": the colour-blind-safe 绿黄红 (theme.MANAGEMENT_COLORS_CB)
PALETTE_CB = "cb"
W_CHRONIC_DISEASE = "w_chronic_disease"
W_CHRONIC_AREA = "w_chronic_area"  # the area whose villages the 推送不到位 table lists
W_COLORBLIND = "w_colorblind"
S_CHRONIC_DISEASE = "s_chronic_disease"
S_COLORBLIND = "s_colorblind"
S_SETTINGS_WRITTEN = "s_settings_written"  # the page settings the app last put in the URL


def _setting(url_key: str, session_key: str, allowed: tuple[str, ...]) -> str:
    """A setting ("" = default): a URL value the app did not write wins, then the session."""
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


def colorblind() -> bool:
    """Whether charts draw 绿黄红 in the colour-blind-safe palette."""
    return _setting(URL_PALETTE, S_COLORBLIND, (PALETTE_CB,)) == PALETTE_CB


def on_colorblind_widget_change() -> None:
    st.session_state[S_COLORBLIND] = PALETTE_CB if st.session_state.get(W_COLORBLIND) else ""


def chronic_disease(diseases: tuple[str, ...]) -> str | None:
    """The disease 慢病三色 shows, or None for all of them together."""
    return _setting(URL_DISEASE, S_CHRONIC_DISEASE, diseases) or None


def on_chronic_disease_widget_change() -> None:
    st.session_state[S_CHRONIC_DISEASE] = st.session_state.get(W_CHRONIC_DISEASE) or ""


# The page's open tab ("" = the first, 期末分布), mirrored in the URL like the disease: 总览's
# 推送不到位 alert links with ?tab=mismatch.
URL_CHRONIC_TAB = "tab"
W_CHRONIC_TAB = "w_chronic_tab"
S_CHRONIC_TAB = "s_chronic_tab"


def chronic_tab(tabs: tuple[str, ...]) -> str:
    """The 慢病三色 tab to open ("" for the first)."""
    return _setting(URL_CHRONIC_TAB, S_CHRONIC_TAB, tabs)


def linked_tabs(tabs: dict[str, str], open_key: str, widget_key: str, session_key: str) -> dict:
    """st.tabs of `tabs` (key → label) with `open_key` open, each drawn only when open; the
    tab a user picks is remembered under `session_key` (its setting's next run writes the
    URL). Returns key → tab container."""
    key_of = {label: key for key, label in tabs.items()}
    st.session_state[widget_key] = tabs[open_key]
    containers = st.tabs(
        list(tabs.values()),
        key=widget_key,
        on_change=lambda: set_rank_setting(session_key, key_of.get(st.session_state[widget_key])),
    )
    return dict(zip(tabs, containers, strict=True))


# --- 县区排名: page widgets (what-if weights live only in these widgets, never saved) --------
# The tab, the drill's indicator, measure and level are mirrored in the URL (like the
# 慢病三色 settings above), so a copied link opens the same screen.
URL_RANK_TAB = "tab"
URL_RANK_INDICATOR = "indicator"
URL_RANK_MEASURE = "measure"  # the drill's bars: value (default) or lost (失分)
URL_RANK_LEVEL = "level"  # the drill across counties (default) or the county's townships
W_RANK_TAB = "w_rank_tab"
W_RANK_INDICATOR = "w_rank_indicator"  # the indicator of the drill tab
W_RANK_MEASURE = "w_rank_measure"
W_RANK_DRILL_LEVEL = "w_rank_drill_level"  # drill across counties or the county's townships
W_RANK_WHATIF_LEVEL = "w_rank_whatif_level"  # what-if over counties or townships
W_RANK_WEIGHT_PREFIX = "w_rank_weight_"  # + indicator_code: one what-if weight input each
S_RANK_TAB = "s_rank_tab"
S_RANK_INDICATOR = "s_rank_indicator"
S_RANK_MEASURE = "s_rank_measure"
S_RANK_LEVEL = "s_rank_level"


def rank_setting(url_key: str, session_key: str, allowed: tuple[str, ...]) -> str:
    """A 县区排名 page setting ("" = default), read from and written back to the URL."""
    return _setting(url_key, session_key, allowed)


def set_rank_setting(session_key: str, value: str | None) -> None:
    """Remember a setting chosen in a widget (its callback); the next run writes the URL."""
    st.session_state[session_key] = value or ""


# --- 网格地图: the thematic layer and the open village panel ---------------------------------
# Mirrored in the URL like the 慢病三色 settings: 总览's alerts link with ?layer=services or
# ?layer=funding, 慢病三色 with ?layer=red_share; `village` reopens a village's panel.
URL_MAP_LAYER = "layer"  # absent: the default layer (views.grid_map.DEFAULT_LAYER)
URL_MAP_VILLAGE = "village"
W_MAP_LAYER = "w_map_layer"
W_MAP_VILLAGE = "w_map_village"  # the village selectbox under the map
S_MAP_LAYER = "s_map_layer"
S_MAP_VILLAGE = "s_map_village"  # the village whose panel is open
S_MAP_HANDLED_CLICK = "s_map_handled_click"  # the map click already acted on (it is re-sent)


def map_layer(layers: tuple[str, ...], default: str) -> str:
    """The map layer: a `layer` URL value the app did not write wins, then the session."""
    return _setting(URL_MAP_LAYER, S_MAP_LAYER, tuple(k for k in layers if k != default)) or default


def on_map_layer_widget_change(default: str) -> None:
    chosen = st.session_state.get(W_MAP_LAYER) or default
    st.session_state[S_MAP_LAYER] = "" if chosen == default else chosen


def map_village(codes) -> str | None:
    """The village whose panel is open (URL `village`, then the session); None when closed or
    not in `codes` (the villages of the scope)."""
    return _setting(URL_MAP_VILLAGE, S_MAP_VILLAGE, codes) or None


def open_map_village(code: str | None) -> None:
    """Open (or with None close) a village's panel; the URL follows on the next run."""
    st.session_state[S_MAP_VILLAGE] = code or ""


# --- 数据质量: which flags the list shows (全部 / 团队 / 村 / 乡镇); not in the URL -----------
W_QUALITY_LEVEL = "w_quality_level"


# --- 例会模式: the projector slides ------------------------------------------------------------
# `mode=meeting` turns the frame into full-screen slides; write_url leaves it alone, so the
# filters keep working from the URL. `slide` names the slide shown (a key, not an index: a
# drill-down adds or drops slides, and the room stays on the same subject).
URL_MODE = "mode"
MODE_MEETING = "meeting"
URL_SLIDE = "slide"
W_MEETING_AUTO = "w_meeting_auto"  # auto-advance on/off
W_MEETING_SECONDS = "w_meeting_seconds"  # seconds per slide when auto-advancing
S_SLIDE = "s_meeting_slide"  # the slide shown (its key)
S_SLIDE_WRITTEN = "s_meeting_slide_written"  # the slide the app last put in the URL
S_SLIDE_SHOWN_AT = "s_meeting_slide_shown_at"  # when the slide appeared (auto-advance clock)
S_MEETING_TRAIL = "s_meeting_trail"  # scopes drilled down from, to come back to


# Every URL parameter the app reads; anything else is dropped from the address bar.
KNOWN_URL_KEYS = frozenset(
    (
        *URL_KEYS,
        URL_TEAM,
        URL_TEAM_TAB,
        URL_DISEASE,
        URL_PALETTE,
        URL_RANK_TAB,
        URL_RANK_INDICATOR,
        URL_RANK_MEASURE,
        URL_RANK_LEVEL,
        URL_MAP_LAYER,
        URL_MAP_VILLAGE,
        URL_MODE,
        URL_SLIDE,
    )
)
