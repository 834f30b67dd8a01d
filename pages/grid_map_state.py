"""网格地图's own state: the thematic layer and the open village panel, mirrored in the URL
(总览's alerts link with ?layer=services or ?layer=funding, 慢病三色 with ?layer=red_share;
`village` reopens a village's panel), and the page's widgets."""

from __future__ import annotations

import streamlit as st

from dashboard import drill, state

W_MAP_LAYER = "w_map_layer"
W_MAP_VILLAGE = "w_map_village"  # the village selectbox under the map
S_MAP_LAYER = "s_map_layer"
S_MAP_VILLAGE = "s_map_village"  # the village whose panel is open
drill.register_drill("village", S_MAP_VILLAGE)  # on the audit trail when it changes
S_MAP_HANDLED_CLICK = "s_map_handled_click"  # the map click already acted on (it is re-sent)


def map_layer(layers: tuple[str, ...], default: str) -> str:
    """The map layer: a `layer` URL value the app did not write wins, then the session."""
    others = tuple(k for k in layers if k != default)
    return state.page_setting(state.URL_LAYER, S_MAP_LAYER, others) or default


def on_map_layer_widget_change(default: str) -> None:
    chosen = st.session_state.get(W_MAP_LAYER) or default
    st.session_state[S_MAP_LAYER] = "" if chosen == default else chosen


def map_village(codes) -> str | None:
    """The village whose panel is open (URL `village`, then the session); None when closed or
    not in `codes` (the villages of the scope)."""
    return state.page_setting(state.URL_VILLAGE, S_MAP_VILLAGE, codes) or None


def open_map_village(code: str | None) -> None:
    """Open (or with None close) a village's panel; the URL follows on the next run."""
    st.session_state[S_MAP_VILLAGE] = code or ""
