"""Colours: one palette for the browser, the projector and the brief's files.

Green, yellow and red are reserved for the 绿黄红 management colours and for target
attainment; everything else uses blues and greys. Colour is never the only cue: every
coloured mark carries a text label or a symbol as well.

No Streamlit here: the export CLI and the brief's renderers (PDF, PowerPoint) read these
without loading the web frame; dashboard.theme holds the page CSS.
"""

from __future__ import annotations

from views import labels

# 绿黄红 as fills dark enough to survive a washed-out projector, with white/black text.
MANAGEMENT_COLORS = {"green": "#1b7f3b", "yellow": "#e0a800", "red": "#c62828"}
# Colour-blind-safe alternative (Okabe–Ito blue / orange / vermillion).
MANAGEMENT_COLORS_CB = {"green": "#0072b2", "yellow": "#e69f00", "red": "#d55e00"}
# Text on those fills (both palettes): dark on the light yellow/orange, white on the rest.
MANAGEMENT_TEXT_COLORS = {"green": "#ffffff", "yellow": "#1a1a1a", "red": "#ffffff"}


def management_colors(colorblind: bool = False) -> dict[str, str]:
    """The 绿黄红 fills of the chosen palette (state.colorblind() says which)."""
    return MANAGEMENT_COLORS_CB if colorblind else MANAGEMENT_COLORS


# Village classes: two blues, so they never read as a management colour.
CLASS_COLORS = {1: "#9ecae1", 2: "#1f4e79"}
# Thematic map fills, light → dark (ColorBrewer PuBu: purple-blues, apart from 绿黄红 and from
# the class blues' exact shades); grey for a village without a value.
MAP_SEQUENTIAL = ("#f1eef6", "#d0d1e6", "#a6bddb", "#74a9cf", "#2b8cbe", "#045a8d", "#023858")
MAP_NO_VALUE = "#c8ccd2"
NEUTRAL = "#5f6b7a"
ACCENT = "#1f4e79"

# Service types: blues, purples and grey (no 绿黄红), dark and light alternating in the
# stack so neighbours stay apart on a projector; the routine 诊疗 is the quiet grey.
SERVICE_COLORS = {
    "sign": "#1f4e79",
    "follow_up": "#6baed6",
    "health_check": "#54278f",
    "health_education": "#bcbddc",
    "consultation": "#8c96a3",
    # Magenta (ColorBrewer RdPu): a navy here read as a second 签约 beside it on a projector.
    "referral": "#ae017e",
}
# Member levels: the village doctors policy wants to lead carry the accent blue.
LEVEL_COLORS = {
    "county": "#756bb1",
    "township": "#9ecae1",
    "village": "#1f4e79",
    "other": "#b0b7c0",
}
# Teams flagged for a closer look (e.g. high volume, low 抽查 pass rate): amber-brown, apart
# from the management reds; always with a symbol and the team's name as well.
FLAG_COLOR = "#b45309"

# Target attainment bands (views.labels.attainment_band) and their colour, symbol and label.
_BADGE_COLORS = {"met": "green", "close": "orange", "missed": "red", "none": "gray"}
ATTAINMENT_STYLES = {
    band: (_BADGE_COLORS[band], labels.ATTAINMENT_SYMBOLS[band], labels.ATTAINMENT_WORDS[band])
    for band in _BADGE_COLORS
}
# The same bands as chart marks (strong, to survive a projector) and as table-cell fills
# (tints light enough for black text on top).
ATTAINMENT_COLORS = {"met": "#1b7f3b", "close": "#d97706", "missed": "#c62828", "none": "#9ca3af"}
ATTAINMENT_FILLS = {"met": "#b9e4c4", "close": "#fde1a8", "missed": "#f6b9b3", "none": "#eef0f3"}
# Rank movement: blue up, purple down (green/red are taken by attainment), always with ↑/↓.
MOVEMENT_COLORS = {"up": "#1f4e79", "down": "#7b3294", "same": "#5f6b7a", "new": "#0072b2"}
# The rows of the areas chosen in the filters: a pale blue that no attainment fill uses.
HIGHLIGHT_FILL = "#d6e4f2"
