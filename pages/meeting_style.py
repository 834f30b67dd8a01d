"""The projector theme: no app chrome, very large type, dark on white (survives a washed-out
projector in a lit room), one navy title bar. Sizes are px: a 1920×1080 screen read from 6 m
needs headline figures of 48 px and more and no label under 20 px."""

from __future__ import annotations

from dashboard import theme

TITLE_PX = 52  # every slide's headline: at least 48 px reads from the back row
PAGE_PX = 30  # slide counter and clock: the presenter glances at them from the lectern
HEADLINE_PX = 64  # big numbers in tables and lists (the floor is 48)
KPI_PX = 76  # the KPI tiles' values: the slide's headline figures
LABEL_PX = 24  # names, table cells, notes (the floor is 20)
SMALL_PX = 22  # the smallest text on a slide
INK = "#111111"
BAR_BG = theme.ACCENT

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
.mt-empty {{ font-size: 40px; color: {INK}; text-align: center; margin-top: 220px; }}
.mt-subempty {{ font-size: 30px; color: {INK}; margin: 40px 0; }}
.mt-note {{ font-size: {SMALL_PX}px; color: #2b2f36; margin-top: 8px; }}
.mt-tiles {{ display: grid; gap: 22px; margin-top: 14px; }}
.mt-tile {{ border: 2px solid #c9d0d8; border-left: 14px solid; border-radius: 6px;
  padding: 16px 18px; }}
.mt-tile-name {{ font-size: {LABEL_PX}px; font-weight: 700; line-height: 1.25; height: 60px;
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
.mt-agenda {{ list-style: none; padding: 0; margin-top: 48px; columns: 2; }}
.mt-agenda li {{ font-size: 36px; font-weight: 600; line-height: 1.9; margin: 0; }}
.mt-agenda span {{ display: inline-block; width: 56px; color: {BAR_BG}; font-weight: 800; }}
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
.mt-alerts {{ display: flex; flex-direction: column; gap: 12px; margin-top: 10px; }}
.mt-alert {{ display: flex; align-items: center; gap: 28px; border-bottom: 1px solid #c9d0d8;
  padding-bottom: 8px; }}
.mt-alert-count {{ font-size: 56px; font-weight: 800; min-width: 230px; text-align: right; }}
.mt-alert-count span {{ font-size: 28px; }}
.mt-alert-on .mt-alert-count {{ color: {theme.ATTAINMENT_COLORS["missed"]}; }}
.mt-alert-off .mt-alert-count {{ color: #5f6b7a; }}
.mt-alert-text {{ font-size: 30px; font-weight: 600; }}
.mt-alert-names {{ font-size: {SMALL_PX}px; font-weight: 400; color: #2b2f36; }}
.st-key-mt_controls {{ position: fixed; left: 0; right: 0; bottom: 0; z-index: 999990;
  background: #ffffff; border-top: 2px solid {BAR_BG}; padding: 10px 40px; }}
.st-key-mt_controls button {{ min-height: 56px; padding: 0 22px; }}
.st-key-mt_controls button p, .st-key-mt_controls label p, .st-key-mt_drill button p,
.st-key-mt_controls input {{ font-size: {SMALL_PX}px !important; font-weight: 600; }}
.st-key-mt_drill button {{ min-height: 54px; }}
</style>
"""
