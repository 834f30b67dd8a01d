"""Layouts hold on a 1024×768 laptop and a 1440×900 desktop, nothing on screen is English,
and a copied link with every page setting reopens the same screen in a new browser.

Screenshots land in artifacts/screens/layout_<page>_<width>.png.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard.charts import svg
from tests.browser import browser_page, component_frame, visit, wait_for_address, wait_for_script

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "artifacts" / "screens"
PERIOD = "2026-10"  # the demo's last month
SIZES = [(1024, 768), (1440, 900)]
TIMEOUT_MS = 60_000
# Texts Streamlit, plotly and Leaflet write in English unless told otherwise. Matched
# case-sensitively on word boundaries: Material icon names in the text (zoom_out_map,
# download) are lower case with underscores and are drawn as icons, not read.
ENGLISH = [
    "Select all",
    "Download",
    "Download as CSV",
    "Download plot as a png",
    "Download plot as a PNG",
    "Zoom in",
    "Zoom out",
    "Zoom",
    "Search",
    "Fullscreen",
    "Close fullscreen",
    "Autoscale",
    "Reset axes",
    "Reset view",
    "Pan",
    "Box Select",
    "Lasso Select",
    "Produced with Plotly",
    "Choose an option",
    "Show/hide columns",
    "Clear all",
    "No results",
    "Collapse sidebar",
    "Expand sidebar",
    "Copy to clipboard",
    "Help for",
]
ENGLISH_RE = re.compile(r"(?<![\w/])(" + "|".join(map(re.escape, ENGLISH)) + r")(?![\w/])")

# Every text a reader sees or hears: the text, and the tooltips/labels of every element
# (title and aria-label; data-title is plotly's mode-bar tooltip), in every frame.
TEXTS_JS = """() => {
  const out = [document.body ? document.body.innerText : ''];
  for (const el of document.querySelectorAll('[title],[aria-label],[data-title],[placeholder]'))
    for (const a of ['title', 'aria-label', 'data-title', 'placeholder']) {
      const v = el.getAttribute(a);
      if (v) out.push(v);
    }
  return out;
}"""
# Metric labels and values (and the text boxes inside them) whose text does not fit.
CUT_JS = """() => {
  const cut = [];
  for (const m of document.querySelectorAll(
      '[data-testid=stMetricValue], [data-testid=stMetricLabel]')) {
    for (const el of [m, ...m.querySelectorAll('*')]) {
      if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) {
        cut.push(m.getAttribute('data-testid') + ': ' + m.innerText.trim());
        break;
      }
      const style = getComputedStyle(el);
      if (el.clientWidth > 0 && style.textOverflow === 'ellipsis' && style.whiteSpace === 'nowrap'
          && el.scrollWidth > el.clientWidth) {
        cut.push(m.getAttribute('data-testid') + ' (ellipsis): ' + m.innerText.trim());
        break;
      }
    }
  }
  return cut;
}"""

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(demo, open_app):
    base, _ = open_app(demo.url, size=None)  # pages of each size are opened by the test
    return base, demo.county, demo.team


def pages(county: str, team: str) -> list[tuple[str, str]]:
    """(stem, URL path and query) of every view, and the team drill with its six figures."""
    q = f"county={county}&period={PERIOD}"
    return [
        ("overview", f"/?{q}"),
        ("grid_map", f"/grid_map?{q}"),
        ("teams", f"/teams?{q}"),
        ("teams_detail", f"/teams?{q}&tab=detail&team={team}"),
        ("chronic", f"/chronic?{q}"),
        ("rankings", f"/rankings?{q}"),
    ]


def english_on(page) -> list[str]:
    """English texts found in the page and its frames (the map is an iframe)."""
    found = set()
    for frame in page.frames:
        try:
            texts = frame.evaluate(TEXTS_JS)
        except Exception:  # a frame navigating away while we read it
            continue
        for text in texts:
            found.update(ENGLISH_RE.findall(text))
    return sorted(found)


def settle(page) -> None:
    """Wait for the script and for charts and the map to paint."""
    wait_for_script(page)
    page.wait_for_timeout(1500)


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_page_fits_and_speaks_chinese(server, width, height):
    base, county, team = server
    problems = []
    with browser_page(width, height) as page:
        for stem, path in pages(county, team):
            result = visit(page, base + path)
            settle(page)
            if stem == "grid_map":
                frame = component_frame(page, "streamlit_folium", TIMEOUT_MS)
                frame.wait_for_selector(".leaflet-control-zoom-in", timeout=TIMEOUT_MS)
            page.screenshot(path=str(SHOTS / f"layout_{stem}_{width}.png"))
            assert result["exceptions"] == 0, stem
            cut = page.evaluate(CUT_JS)
            if cut:
                problems.append(f"{stem}: cut {cut}")
            # Tables show their toolbar (search, download, fullscreen) on hover.
            tables = page.locator("[data-testid='stDataFrame']:visible")
            if tables.count():
                tables.first.scroll_into_view_if_needed()
                tables.first.hover()
                page.wait_for_timeout(300)
                buttons = page.locator("[data-testid='stElementToolbar'] button:visible")
                if buttons.count():
                    buttons.first.hover()
                    page.wait_for_timeout(500)
            english = english_on(page)
            if english:
                problems.append(f"{stem}: English {english}")
        sidebar = page.locator("[data-testid='stSidebar']")
        folded = sidebar.get_attribute("data-collapsed") == "true"
        assert folded == (width < 1280), "the sidebar folds on a narrow window only"
    assert not problems, "\n".join(problems)


def test_township_picker_has_no_english_choice(server):
    base, county, _team = server
    with browser_page(1440, 900) as page:
        visit(page, f"{base}/?county={county}&period={PERIOD}")
        page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").click()
        page.wait_for_selector("[role='option']", timeout=TIMEOUT_MS)
        options = page.locator("[role='option']").all_inner_texts()
        assert options and not any("Select" in o or "全选" in o for o in options), options
        assert english_on(page) == []


def test_kpi_trends_show_the_target(server):
    base, county, _team = server
    with browser_page(1440, 900) as page:
        visit(page, f"{base}/?county={county}&period={PERIOD}")
        settle(page)
        cards = page.locator("[class*='st-key-yf_kpi_']")
        assert cards.count() >= 4
        first = cards.first
        # drawn on the server as SVG (dashboard/charts/svg.py): no Plotly on the landing page
        spark = first.locator(f".{svg.SPARK_CLASS}")
        assert spark.count() == 1 and spark.locator("svg line.target").count() == 1
        assert "目标" in spark.inner_text()  # the dashed line's label
        assert page.locator(".js-plotly-plot").count() == 0


def _checked(page, text: str) -> bool:
    button = page.locator("[data-testid='stButtonGroup'] button", has_text=text).first
    return button.get_attribute("aria-checked") == "true"


def _selected_tab(page) -> str:
    return page.locator("[role='tab'][aria-selected='true']").first.inner_text().strip()


def _pick(page, label: str, index: int = 0) -> None:
    """Choose option `index` of the selectbox labelled `label`."""
    box = page.locator(f"input[aria-label='{label}']")
    for _ in range(5):  # after a fragment rerun the first click may only focus the box
        box.click()
        try:
            page.wait_for_selector("[role='option']", timeout=2_000)
            break
        except Exception:
            continue
    page.locator("[role='option']").nth(index).click()
    wait_for_script(page)


def _dialog_title(page) -> list[str]:
    """The village panel's heading: 村详情 and the village's name and class."""
    page.wait_for_selector("[role='dialog'] :text('·')", timeout=TIMEOUT_MS)
    lines = page.locator("[role='dialog']").inner_text().splitlines()
    return [line for line in lines if line.strip()][:2]


def test_a_copied_link_reopens_the_same_screen(server):
    base, county, _team = server
    start = f"county={county}&period={PERIOD}"
    copied = {}
    with browser_page(1440, 900) as page:
        # 网格地图: a layer and an open village panel
        visit(page, f"{base}/grid_map?{start}")
        page.locator("[data-testid='stButtonGroup'] button", has_text="人均经费").click()
        settle(page)
        _pick(page, "查看村详情（或在地图上点击村）")
        page.wait_for_selector("[role='dialog']", timeout=TIMEOUT_MS)
        village = _dialog_title(page)
        copied["map"] = wait_for_address(page, ("layer=funding", "village="), timeout_ms=TIMEOUT_MS)
        # 团队工作量: the detail tab with a team
        visit(page, f"{base}/teams?{start}")
        page.locator("[role='tab']", has_text="团队详情").click()
        settle(page)
        _pick(page, "选择团队", 1)  # 0 is 请选择团队…
        copied["teams"] = wait_for_address(page, ("tab=detail", "team="), timeout_ms=TIMEOUT_MS)
        team_name = page.locator("input[aria-label='选择团队']").input_value()
        # 县区排名: the single-indicator tab showing 失分
        visit(page, f"{base}/rankings?{start}")
        page.locator("[role='tab']", has_text="单项指标").click()
        settle(page)
        page.locator("[data-testid='stButtonGroup'] button", has_text="失分").click()
        settle(page)
        copied["rankings"] = wait_for_address(
            page, ("measure=lost", "tab=drill"), timeout_ms=TIMEOUT_MS
        )
    assert "layer=funding" in copied["map"] and "village=" in copied["map"]
    assert "tab=detail" in copied["teams"] and "team=" in copied["teams"]
    assert "measure=lost" in copied["rankings"] and "tab=drill" in copied["rankings"]

    with browser_page(1440, 900) as page:  # a new browser: nothing but the link
        visit(page, copied["map"])
        page.wait_for_selector("[role='dialog']", timeout=TIMEOUT_MS)
        assert _checked(page, "人均经费")
        assert _dialog_title(page) == village
        visit(page, copied["teams"])
        assert _selected_tab(page) == "团队详情"
        assert page.locator("input[aria-label='选择团队']").input_value() == team_name
        visit(page, copied["rankings"])
        assert _selected_tab(page) == "单项指标"
        assert _checked(page, "失分")
