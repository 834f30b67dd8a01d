"""The grid map in headless Chromium: every village drawn, nothing fetched off the machine,
and clicks that drill down (township → filters and URL, village → panel).

Screenshots land in artifacts/screens/grid_map_*.png (1440×900).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import component_frame, demo_db, visit, wait_for_script

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "artifacts" / "screens"
PERIOD = "2026-10"  # the demo's last month
LEAFLET_PATH = "/app/static/vendor/leaflet/leaflet.js"
MAP_TIMEOUT_MS = 60_000

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app(chromium, open_app, tmp_path_factory):
    db = demo_db(tmp_path_factory.mktemp("map_browser"), scale="test")
    base, page = open_app(db.url)
    page.loaded = []
    page.on("response", lambda r: page.loaded.append((r.status, r.url)))
    return base, page, db.county, db.villages


def map_frame(page):
    """The streamlit-folium iframe, once Leaflet has drawn into it."""
    frame = component_frame(page, "streamlit_folium", MAP_TIMEOUT_MS)
    frame.wait_for_selector("path.leaflet-interactive", timeout=MAP_TIMEOUT_MS)
    return frame


def open_county(app, shot: str):
    base, page, county, _villages = app
    result = visit(page, f"{base}/grid_map?county={county}&period={PERIOD}")
    frame = map_frame(page)
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / shot))
    return result, frame


def test_every_village_is_drawn_offline(app):
    _base, page, _county, villages = app
    result, frame = open_county(app, "grid_map_county.png")
    print(f"\ngrid map (county): {result['seconds']:.2f} s")
    assert result["exceptions"] == 0
    # polygons, and clinic points (also SVG paths) for villages without a boundary
    assert frame.locator("path.leaflet-interactive").count() == villages
    assert frame.locator(".yf-legend").count() == 1
    assert frame.locator(".yf-area-label.yf-town").count() >= 1
    assert page.blocked_requests == [], page.blocked_requests
    leaflet = [(status, url) for status, url in page.loaded if url.endswith(LEAFLET_PATH)]
    assert leaflet and all(status == 200 for status, _ in leaflet)


def test_thematic_layer_switch_redraws_with_its_legend(app):
    _base, page, _county, villages = app
    open_county(app, "grid_map_county.png")
    page.locator("[data-testid='stButtonGroup'] button", has_text="红标占比").click()
    wait_for_script(page)
    frame = map_frame(page)
    frame.wait_for_selector(".yf-legend-title:has-text('红标占比（%）')", timeout=MAP_TIMEOUT_MS)
    assert frame.locator("path.leaflet-interactive").count() == villages
    assert "layer=red_share" in page.url  # a copied link opens the same layer
    page.screenshot(path=str(SHOTS / "grid_map_red_share.png"))
    assert page.blocked_requests == []


def test_clicking_a_township_narrows_the_filters(app):
    _base, page, _county, _villages = app
    _result, frame = open_county(app, "grid_map_county.png")
    label = frame.locator(".yf-area-label.yf-town").first
    name = label.inner_text()
    label.click()
    page.wait_for_url("**township=*", timeout=MAP_TIMEOUT_MS)
    wait_for_script(page)
    assert name in page.locator(".yf-header").inner_text()
    map_frame(page)
    page.screenshot(path=str(SHOTS / "grid_map_township.png"))
    assert page.blocked_requests == []


def test_clicking_a_county_narrows_the_filters(app):
    base, page, county, _villages = app
    visit(page, f"{base}/grid_map?period={PERIOD}")
    frame = map_frame(page)
    assert frame.locator(".yf-area-label.yf-county").count() == 2  # the test scale's counties
    frame.locator(".yf-area-label.yf-county").first.click()
    page.wait_for_url("**county=*", timeout=MAP_TIMEOUT_MS)
    wait_for_script(page)
    assert f"county={county}" in page.url
    assert page.locator("[data-testid='stException']").count() == 0


def test_clicking_a_village_opens_its_panel(app):
    _base, page, _county, _villages = app
    _result, frame = open_county(app, "grid_map_county.png")
    hit = None
    for path in frame.locator("path.leaflet-interactive").all():
        # the first village whose centre is not under a label
        if path.evaluate(
            "el => { const r = el.getBoundingClientRect();"
            " return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === el; }"
        ):
            hit = path
            break
    assert hit is not None
    hit.click()
    page.wait_for_selector("text=本期服务", timeout=MAP_TIMEOUT_MS)
    wait_for_script(page)
    assert "village=" in page.url  # a copied link reopens the panel
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("text=慢病三色（绿黄红）").count() == 1
    page.screenshot(path=str(SHOTS / "grid_map_village.png"), full_page=True)
    assert page.blocked_requests == []
