"""The page look in the browser: the app's CSS and the frame script (Streamlit).

The colours are dashboard.palette's (no Streamlit there, so the export and the brief load
none); they are re-exported here for the pages and charts that style with both.
"""

from __future__ import annotations

import json
from string import Template

import streamlit as st

# The palette lives in dashboard.palette (no Streamlit); re-exported here for the pages.
from dashboard.palette import (  # noqa: F401
    ACCENT,
    ATTAINMENT_COLORS,
    ATTAINMENT_FILLS,
    ATTAINMENT_STYLES,
    CLASS_COLORS,
    FLAG_COLOR,
    HIGHLIGHT_FILL,
    LEVEL_COLORS,
    MANAGEMENT_COLORS,
    MANAGEMENT_COLORS_CB,
    MANAGEMENT_TEXT_COLORS,
    MAP_NO_VALUE,
    MAP_SEQUENTIAL,
    MOVEMENT_COLORS,
    NEUTRAL,
    SERVICE_COLORS,
    management_colors,
)

# Below this window width (px) the sidebar starts folded on a first visit, so that a 1024-px
# laptop gives the page its whole width; the ☰ button brings the filters back.
SIDEBAR_FOLD_BELOW_PX = 1280
# A row of four KPI cards narrower than this becomes two rows of two (a card under ~12rem
# would cut its value).
KPI_ROW_TWO_BELOW = "50rem"
# A row of metrics (团队工作量's six figures) becomes rows of three, then of two.
METRIC_ROW_THREE_BELOW = "60rem"
METRIC_ROW_TWO_BELOW = "32rem"
# 网格地图: the map needs this much to show a county; the comparison table four columns.
MAP_COLUMN_MIN_WIDTH = "32rem"
MAP_SIDE_MIN_WIDTH = "24rem"

CSS = Template("""
<style>
html, body, [class*="css"] {
  font-family: 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC',
    'WenQuanYi Micro Hei', sans-serif;
}
.block-container { padding-top: 1.2rem; }
/* Metrics wrap and shrink with their card instead of ending in an ellipsis. */
[data-testid="stMetric"] { container-type: inline-size; }
[data-testid="stMetricValue"] { font-size: clamp(1.35rem, 15cqi, 2.1rem); font-weight: 700;
  line-height: 1.2; }
[data-testid="stMetricLabel"] p { font-size: 1rem; font-weight: 600; }
[data-testid="stMetricLabel"] { height: auto; min-height: 1.5rem; }
[data-testid="stMetric"] [data-testid="stMarkdownContainer"],
[data-testid="stMetric"] [data-testid="stCaptionContainer"],
[data-testid="stMetric"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMetric"] [data-testid="stCaptionContainer"] p {
  white-space: normal; overflow: visible; text-overflow: clip; overflow-wrap: break-word; }
[data-testid="stMetricDelta"], [data-testid="stMetricDeltaDescription"] { height: auto;
  max-width: 100%; white-space: normal; }
/* "较2026年9月" stays whole: it moves under the change rather than breaking. */
[data-testid="stMetric"] div:has(> [data-testid="stMetricDelta"]) { flex-wrap: wrap;
  row-gap: 0.15rem; }
[data-testid="stMetricDeltaDescription"],
[data-testid="stMetric"] [data-testid="stMetricDeltaDescription"] p { white-space: nowrap; }
[data-testid="stBadge"], [data-testid="stBadge"] * { white-space: normal; }
/* KPI labels keep two lines' room, so the values of a row line up. */
[class*="st-key-yf_kpi_"] [data-testid="stMetricLabel"] { min-height: 3rem;
  align-items: flex-start; }
/* Rows of KPI cards (总览: four) and of metrics (团队工作量: six) break into even rows on a
   narrow window instead of squeezing: by the row's own width (container queries). */
$kpi_row, $metric_row { container-type: inline-size; flex-wrap: wrap; }
@container (max-width: $kpi_two) {
  $kpi_row > [data-testid="stColumn"] { flex: 1 1 calc(50% - 1rem) !important;
    min-width: calc(50% - 1rem) !important; } }
@container (max-width: $metric_three) {
  $metric_row > [data-testid="stColumn"] { flex: 1 1 calc(33% - 1rem) !important;
    min-width: calc(33% - 1rem) !important; } }
@container (max-width: $metric_two) {
  $metric_row > [data-testid="stColumn"] { flex: 1 1 calc(50% - 1rem) !important;
    min-width: calc(50% - 1rem) !important; } }
/* 网格地图: the class comparison goes under the map when both no longer fit side by side. */
[data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] .st-key-yf_map_side) {
  flex-wrap: wrap; row-gap: 1rem; }
[data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] .st-key-yf_map_side) > [data-testid="stColumn"] {
  flex: 3 1 $map !important; min-width: $map !important; }
[data-testid="stHorizontalBlock"] > [data-testid="stColumn"]:has(.st-key-yf_map_side) {
  flex: 2 1 $side !important; min-width: $side !important; }
/* Segmented controls (e.g. the map's five layers) wrap to a second line, never clip. */
[data-testid="stButtonGroup"] [role="radiogroup"] { flex-wrap: wrap; }
.yf-header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.4rem 1.2rem;
  border-bottom: 2px solid #1f4e79; padding-bottom: 0.4rem; margin-bottom: 0.8rem; }
.yf-scope { font-size: 1.5rem; font-weight: 700; color: #1a1a1a; }
.yf-meta { font-size: 0.95rem; color: #3d4652; }
.yf-demo { background: #b45309; color: #fff; font-weight: 700; padding: 0.1rem 0.6rem;
  border-radius: 0.3rem; font-size: 0.95rem; }
.st-key-yf_frame_script { display: none; }
</style>
""").substitute(
    kpi_row='[data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [class*="st-key-yf_kpi_"])',
    metric_row='[data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] > div > '
    '[data-testid="stElementContainer"] > [data-testid="stMetric"])',
    kpi_two=KPI_ROW_TWO_BELOW,
    metric_three=METRIC_ROW_THREE_BELOW,
    metric_two=METRIC_ROW_TWO_BELOW,
    map=MAP_COLUMN_MIN_WIDTH,
    side=MAP_SIDE_MIN_WIDTH,
)

# Streamlit's own controls speak English and have no locale setting: their fixed texts
# (tooltips, aria labels, placeholders) are put into Chinese in the browser as they appear.
UI_WORDS = {
    "Download as CSV": "下载 CSV",
    "Download": "下载",
    "Search": "搜索",
    "Fullscreen": "全屏",
    "Close fullscreen": "退出全屏",
    "Show/hide columns": "显示/隐藏列",
    "Choose an option": "请选择",
    "Choose options": "请选择",
    "No results": "没有匹配项",
    "No options to select": "没有可选项",
    "Select all": "全选",
    "Clear all": "全部清除",
    "Clear": "清除",
    "Copy to clipboard": "复制",
    "Collapse sidebar": "收起侧栏",
    "Expand sidebar": "展开侧栏",
    "Sidebar": "侧栏",
    "App pages": "页面",
    "Skip to main content": "跳到正文",
    "Link to heading": "标题链接",
    "Open": "展开",
    "Close": "关闭",
    "Show": "显示",
    "hide columns": "隐藏列",
    # Text inputs' hint (the sign-in form's password field among them).
    "Press Enter to submit form": "按回车键提交",
    "Press Enter to apply": "按回车键确认",
}
UI_PREFIXES = {"Help for ": "说明：", "Remove ": "移除 "}

_FRAME_SCRIPT = Template("""
<script>
(() => {
  // st.html is not iframed: this is the app's own document. Installed once per tab.
  if (window.__yfFrame) return;
  window.__yfFrame = true;
  const words = $words, prefixes = $prefixes;
  const ATTRS = ["title", "aria-label", "placeholder", "data-title"];
  const say = (text) => {
    if (!text) return null;
    const t = text.trim();
    if (Object.prototype.hasOwnProperty.call(words, t)) return text.replace(t, words[t]);
    for (const p in prefixes) if (t.startsWith(p)) return prefixes[p] + t.slice(p.length);
    return null;
  };
  const element = (el) => {
    for (const a of ATTRS) {
      const v = el.getAttribute && el.getAttribute(a);
      const w = v && say(v);
      if (w) el.setAttribute(a, w);
    }
  };
  const tree = (root) => {
    if (root.nodeType === Node.TEXT_NODE) {
      const w = say(root.nodeValue);
      if (w) root.nodeValue = w;
      return;
    }
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    element(root);
    for (const el of root.querySelectorAll("[title],[aria-label],[placeholder],[data-title]"))
      element(el);
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const w = say(n.nodeValue);
      if (w) n.nodeValue = w;
    }
  };
  tree(document.body);
  new MutationObserver((changes) => {
    for (const c of changes) {
      if (c.type === "attributes") element(c.target);
      else if (c.type === "characterData") tree(c.target);
      else c.addedNodes.forEach(tree);
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true,
                             attributes: true, attributeFilter: ATTRS});
  // A narrow window starts with the sidebar folded (once per tab: a reopened sidebar stays).
  if (window.innerWidth < $fold && !sessionStorage.getItem("yf-sidebar-folded")) {
    sessionStorage.setItem("yf-sidebar-folded", "1");
    let tries = 0;
    const fold = () => {
      const bar = document.querySelector('[data-testid="stSidebar"]');
      const button = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
      if (bar && button && bar.getAttribute("aria-expanded") !== "false") {
        if (bar.getAttribute("data-collapsed") !== "true") button.click();
      } else setTimeout(fold, tries++ < 50 ? 100 : 500);  // the sidebar comes after a
      // first-start page (demo or analytics store being built): keep looking until it does
    };
    fold();
  }
})();
</script>
""")


def apply(fold_sidebar: bool = True) -> None:
    """Put the app's CSS and the frame script (Chinese for Streamlit's own controls, sidebar
    folded on a narrow window) on the page."""
    st.markdown(CSS, unsafe_allow_html=True)
    script = _FRAME_SCRIPT.substitute(
        words=json.dumps(UI_WORDS, ensure_ascii=False),
        prefixes=json.dumps(UI_PREFIXES, ensure_ascii=False),
        fold=SIDEBAR_FOLD_BELOW_PX if fold_sidebar else 0,
    )
    with st.container(key="yf_frame_script"):
        st.html(script, unsafe_allow_javascript=True)
