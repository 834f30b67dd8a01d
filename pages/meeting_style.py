"""The projector theme: no app chrome, very large type, dark on white (survives a washed-out
projector in a lit room), one navy title bar. Sizes are px: a 1920×1080 screen read from 6 m
needs headline figures of 48 px and more and no text under 28 px (≈ 38 mm on a 2.5 m image,
ticks, notes and controls included: tests/test_slide_text_size.py measures every slide)."""

from __future__ import annotations

from dashboard import theme

TITLE_PX = 52  # every slide's headline: at least 48 px reads from the back row
PAGE_PX = 30  # slide counter and clock: the presenter glances at them from the lectern
HEADLINE_PX = 64  # big numbers in tables and lists (the floor is 48)
KPI_PX = 76  # the KPI tiles' values: the slide's headline figures
LABEL_PX = 30  # names, table headers, tile names
SMALL_PX = 28  # the smallest text on a slide: notes, captions, controls (the floor)
INK = "#111111"
BAR_BG = theme.ACCENT

# The slide is laid out for a 1920-px projector; on a laptop narrower than this the controls
# bar takes smaller type, so that it stays one line under the slide (not over the chart).
LAPTOP_MAX_PX, LAPTOP_CONTROLS_PX = 1300, 18

CSS = f"""
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stHeader"], [data-testid="stToolbar"],
[data-testid="stDecoration"], [data-testid="stStatusWidget"], [data-testid="stMainMenu"],
.st-key-mt_keys, .st-key-mt_keys_alive {{ display: none !important; }}
[data-testid="stMainBlockContainer"], .block-container {{
  padding: 14px 40px 92px 40px !important; max-width: none !important; }}
[data-testid="stMain"], .stApp {{ background: #ffffff; color: {INK}; }}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {{
  font-size: {SMALL_PX}px !important; color: #2b2f36 !important; }}
.mt-head {{ display: flex; align-items: baseline; gap: 28px; background: {BAR_BG};
  color: #fff; padding: 8px 24px; border-radius: 6px; }}
.mt-title {{ font-size: {TITLE_PX}px; font-weight: 800; line-height: 1.2; white-space: nowrap; }}
.mt-scope {{ font-size: 30px; font-weight: 600; }}
.mt-page {{ margin-left: auto; font-size: {PAGE_PX}px; font-weight: 600;
  white-space: nowrap; font-variant-numeric: tabular-nums; }}
.mt-badge {{ background: {theme.FLAG_COLOR}; color: #fff; font-size: {LABEL_PX}px;
  font-weight: 700; padding: 2px 12px; border-radius: 4px; align-self: center; }}
.mt-message {{ font-size: 34px; font-weight: 700; color: {INK}; margin: 12px 4px 6px; }}
.mt-remark {{ font-size: 28px; color: #5a3e00; background: #fff4d6; margin: 2px 4px;
  padding: 2px 12px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}
.mt-empty {{ font-size: 40px; color: {INK}; text-align: center; margin-top: 220px; }}
.mt-subempty {{ font-size: 30px; color: {INK}; margin: 40px 0; }}
.mt-note {{ font-size: {SMALL_PX}px; color: #2b2f36; margin-top: 8px; }}
.mt-side-note {{ margin-top: 28px; line-height: 1.5; }}
.mt-tiles {{ display: grid; gap: 22px; margin-top: 14px; }}
.mt-tile {{ border: 2px solid #c9d0d8; border-left: 14px solid; border-radius: 6px;
  padding: 16px 18px; }}
.mt-tile-name {{ font-size: {LABEL_PX}px; font-weight: 700; line-height: 1.25;
  height: {round(2 * 1.25 * LABEL_PX)}px;
  overflow: hidden; }}
.mt-tile-value {{ font-size: {KPI_PX}px; font-weight: 800; line-height: 1.2; margin: 6px 0; }}
.mt-tile-target {{ font-size: {SMALL_PX}px; font-weight: 600; margin-top: 4px; }}
.mt-chip {{ color: #fff; padding: 1px 10px; border-radius: 4px; }}
.mt-tile-change {{ font-size: {SMALL_PX}px; margin-top: 6px; color: #2b2f36; }}
.mt-stack {{ display: flex; flex-direction: column; gap: 26px; margin-top: 20px; }}
.mt-big-label {{ font-size: 28px; font-weight: 700; }}
.mt-big-value {{ font-size: 72px; font-weight: 800; line-height: 1.1; }}
.mt-big-note {{ font-size: {LABEL_PX}px; color: #2b2f36; }}
.mt-chart-head, .mt-drill-head {{ font-size: 28px; font-weight: 700; margin: 8px 0 4px; }}
.mt-cover {{ margin: 40px 0 0 20px; }}
.mt-cover-title {{ font-size: 80px; font-weight: 800; color: {BAR_BG}; }}
.mt-cover-title .mt-badge {{ font-size: 30px; margin-left: 24px; vertical-align: middle; }}
.mt-cover-scope {{ font-size: 56px; font-weight: 700; margin-top: 12px; }}
.mt-cover-meta {{ font-size: {LABEL_PX}px; color: #2b2f36; margin-top: 12px; }}
.mt-cover-why {{ font-size: 30px; font-weight: 600; color: {BAR_BG}; margin-top: 8px; }}
.mt-cover-left {{ font-size: 28px; color: #2b2f36; margin-top: 8px; }}
.mt-cover-left ul {{ margin: 4px 0 0 0; }}
.mt-cover-left li {{ font-size: 28px; }}
.st-key-mt_period {{ margin: 48px 20px 0 0; }}
.st-key-mt_period label p, .st-key-mt_period [data-baseweb="select"] *,
.st-key-mt_period input {{
  font-size: 28px !important; font-weight: 600; }}
.mt-agenda {{ list-style: none; padding: 0; margin-top: 32px; columns: 2; }}
.mt-agenda li {{ font-size: 36px; font-weight: 600; line-height: 1.9; margin: 0; }}
.mt-agenda span {{ display: inline-block; width: 56px; color: {BAR_BG}; font-weight: 800; }}
@media (max-height: 960px) {{  /* 1440×900 and laptops: the cover's agenda above the bar */
  .mt-cover {{ margin-top: 8px; }}
  .mt-cover-title {{ font-size: 60px; }}
  .mt-cover-scope {{ font-size: 44px; margin-top: 4px; }}
  .mt-agenda {{ margin-top: 12px; }}
  .mt-agenda li {{ font-size: 30px; line-height: 1.6; }}
  .st-key-mt_period {{ margin-top: 8px; }}
  /* ten KPI cards, eight teams or five flags above the control bar */
  .mt-tiles {{ gap: 12px; margin-top: 6px; }}
  .mt-tile {{ padding: 8px 12px; }}
  .mt-tile-name {{ height: auto; max-height: 60px; }}
  .mt-tile-value {{ font-size: 56px; margin: 2px 0; }}
  .mt-message {{ margin: 6px 4px 2px; }}
  table.mt-table {{ margin-top: 6px; }}
  table.mt-table th, table.mt-table td {{ padding: 4px 12px; line-height: 1.25; }}
  .mt-note {{ margin-top: 2px; }}
  [data-testid="stMainBlockContainer"], .block-container {{ padding-top: 0 !important; }}
  [data-testid="stMain"] {{ margin-top: -36px; }}
}}
@media (max-width: 1600px) {{  /* five cards across 1440 px: the value on one line */
  .mt-tile-value {{ font-size: 56px; }}
  .mt-tile-target {{ white-space: nowrap; }}
}}
table.mt-compare, table.mt-table {{ border-collapse: collapse; margin-top: 14px; }}
table.mt-compare {{ width: 80%; }}
table.mt-compare th {{ font-size: 36px; text-align: left; padding: 10px 24px;
  border-bottom: 3px solid {BAR_BG}; }}
table.mt-compare th div {{ font-size: {SMALL_PX}px; font-weight: 400; }}
table.mt-compare td {{ font-size: {HEADLINE_PX - 8}px; font-weight: 800; padding: 10px 24px;
  border-bottom: 1px solid #c9d0d8; }}
table.mt-compare td:first-child {{ font-size: 30px; font-weight: 600; }}
table.mt-table {{ width: 100%; }}
table.mt-table th {{ font-size: {LABEL_PX}px; text-align: left; background: #e6ecf3;
  padding: 10px 16px; }}
table.mt-table td {{ font-size: 28px; padding: 10px 16px; border-bottom: 1px solid #c9d0d8; }}
table.mt-table.mt-dense th, table.mt-table.mt-dense td {{ padding: 6px 16px; line-height: 1.25; }}
tr.mt-emph td {{ color: #c62828; font-weight: 700; background: #fdecea; }}
.mt-alerts {{ display: flex; flex-direction: column; gap: 12px; margin-top: 10px; }}
.mt-alert {{ display: flex; align-items: center; gap: 28px; border-bottom: 1px solid #c9d0d8;
  padding-bottom: 8px; }}
.mt-alert-count {{ font-size: 56px; font-weight: 800; min-width: 230px; text-align: right; }}
.mt-alert-count span {{ font-size: {SMALL_PX}px; }}
.mt-alert-on .mt-alert-count {{ color: {theme.ATTAINMENT_COLORS["missed"]}; }}
.mt-alert-off .mt-alert-count {{ color: #5f6b7a; }}
.mt-alert-text {{ font-size: 30px; font-weight: 600; }}
.mt-alert-names {{ font-size: {SMALL_PX}px; font-weight: 400; color: #2b2f36; }}
.st-key-mt_controls {{ position: fixed; left: 0; right: 0; bottom: 0; z-index: 999990;
  background: #ffffff; border-top: 2px solid {BAR_BG}; padding: 10px 40px; }}
.st-key-mt_controls button {{ min-height: 56px; padding: 0 22px; }}
.st-key-mt_controls button p, .st-key-mt_controls label p, .st-key-mt_drill button p,
.st-key-mt_controls input, .st-key-mt_controls [data-baseweb="select"] div,
.st-key-mt_controls [data-testid="stMarkdownContainer"] p, .st-key-mt_controls kbd {{
  font-size: {SMALL_PX}px !important; font-weight: 600; }}
.st-key-mt_drill button {{ min-height: 54px; }}
/* A screen narrower than 1920 px shows the same slide scaled down (pages/meeting_presenter.py
   sets --mt-scale): laid out as wide as at 1920 px (charts measure this width), then drawn
   smaller, so a 1024-px projector's image is the 1920-px slide, whole. */
[data-testid="stMain"] {{ overflow-x: clip; }}
.st-key-mt_body {{ width: calc(100% / var(--mt-scale, 1)) !important; max-width: none !important;
  transform: scale(var(--mt-scale, 1)); transform-origin: 0 0; }}
@media (max-width: {LAPTOP_MAX_PX}px) {{
  .st-key-mt_controls {{ padding: 6px 16px; }}
  .st-key-mt_controls button {{ min-height: 40px; padding: 0 10px; }}
  .st-key-mt_controls button p, .st-key-mt_controls label p, .st-key-mt_controls input,
  .st-key-mt_controls [data-baseweb="select"] div,
  .st-key-mt_controls [data-testid="stMarkdownContainer"] p, .st-key-mt_controls kbd {{
    font-size: {LAPTOP_CONTROLS_PX}px !important; }}
}}
</style>
"""
