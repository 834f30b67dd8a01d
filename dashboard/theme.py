"""Colours and type: one palette for the browser and the projector.

Green, yellow and red are reserved for the 绿黄红 management colours and for target
attainment; everything else uses blues and greys. Colour is never the only cue: every
coloured mark carries a text label or a symbol as well.
"""

from __future__ import annotations

# 绿黄红 as fills dark enough to survive a washed-out projector, with white/black text.
MANAGEMENT_COLORS = {"green": "#1b7f3b", "yellow": "#e0a800", "red": "#c62828"}
# Colour-blind-safe alternative (Okabe–Ito blue / orange / vermillion).
MANAGEMENT_COLORS_CB = {"green": "#0072b2", "yellow": "#e69f00", "red": "#d55e00"}

# Village classes: two blues, so they never read as a management colour.
CLASS_COLORS = {1: "#9ecae1", 2: "#1f4e79"}
NEUTRAL = "#5f6b7a"
ACCENT = "#1f4e79"

# Target attainment (share of target reached) bands and their colour, symbol and label.
ATTAINMENT_MET = 1.0
# Within 10% of target is "close": a leader should look, not yet act.
ATTAINMENT_CLOSE = 0.9
ATTAINMENT_STYLES = {
    "met": ("green", "✓", "达标"),
    "close": ("orange", "◐", "接近目标"),
    "missed": ("red", "✗", "未达标"),
    "none": ("gray", "—", "无数据"),
}


def attainment_band(attainment) -> str:
    """met / close / missed / none for an attainment share (None or NaN → none)."""
    if attainment is None or attainment != attainment:
        return "none"
    if attainment >= ATTAINMENT_MET:
        return "met"
    if attainment >= ATTAINMENT_CLOSE:
        return "close"
    return "missed"


CSS = """
<style>
html, body, [class*="css"] {
  font-family: 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC',
    'WenQuanYi Micro Hei', sans-serif;
}
.block-container { padding-top: 1.2rem; }
[data-testid="stMetricValue"] { font-size: 2.1rem; font-weight: 700; }
[data-testid="stMetricLabel"] p { font-size: 1rem; font-weight: 600; }
.yf-header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.4rem 1.2rem;
  border-bottom: 2px solid #1f4e79; padding-bottom: 0.4rem; margin-bottom: 0.8rem; }
.yf-scope { font-size: 1.5rem; font-weight: 700; color: #1a1a1a; }
.yf-meta { font-size: 0.95rem; color: #3d4652; }
.yf-demo { background: #b45309; color: #fff; font-weight: 700; padding: 0.1rem 0.6rem;
  border-radius: 0.3rem; font-size: 0.95rem; }
</style>
"""
