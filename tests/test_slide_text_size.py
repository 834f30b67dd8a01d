"""Every slide's smallest visible text is at least 28 px at 1920×1080 (a 2.5-m image read from
6 m): titles, notes, chart ticks and labels (Plotly's SVG text included), table cells and the
controls bar, measured in Chromium with getComputedStyle on every visible text node."""

from __future__ import annotations

import pytest

from tests.browser import visit
from tests.test_meeting import FIT_JS
from views.meeting import deck

PROJECTOR = (1920, 1080)
TEXT_MIN_PX = 28
DEMO_PERIOD = "2026-Q3"  # a quarter of the demo with the quarter before it
DEMO_LAST_MONTH = "2026-10"

# Every text node with a box on screen: its element's computed font size (SVG <text> and
# <tspan> of Plotly charts are elements too). Not text: icon glyphs (Material Symbols ligatures
# such as "expand_more"), Streamlit's skip link (a 1-px box until focused) and its toasts (app
# notices, not the slide).
SMALLEST_JS = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    const text = node.textContent.trim();
    if (!text || !el || el.closest('[data-testid="stToast"], script, style, title')) continue;
    const s = getComputedStyle(el), box = el.getBoundingClientRect();
    if (s.visibility === 'hidden' || parseFloat(s.opacity) === 0) continue;
    if (s.fontFamily.includes('Material') || box.width <= 1 || box.height <= 1) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const r = range.getBoundingClientRect();
    if (r.width < 1 || r.height < 1 || r.bottom < 0 || r.top > innerHeight) continue;
    found.push([parseFloat(s.fontSize), text.slice(0, 40)]);
  }
  found.sort((a, b) => a[0] - b[0]);
  return found.slice(0, 5);
}"""


@pytest.fixture(scope="module")
def projector(demo, open_app):
    base, page = open_app(demo.url, PROJECTOR)
    return base, page, demo.county


@pytest.mark.browser
@pytest.mark.parametrize("key", list(deck.SLIDE_TITLES))
@pytest.mark.parametrize("where", ["county", "all"])
def test_no_slide_text_below_28_px(projector, key, where):
    base, page, county = projector
    if where == "all" and key == "townships":
        pytest.skip("no township league without a county")
    query = (
        f"period={DEMO_LAST_MONTH}" if where == "all" else f"county={county}&period={DEMO_PERIOD}"
    )
    result = visit(page, f"{base}/?{query}&mode=meeting&slide={key}")
    assert result["exceptions"] == 0
    page.wait_for_timeout(500)  # Plotly lays its ticks out after the first paint
    smallest = page.evaluate(SMALLEST_JS)
    assert smallest, "no text measured"
    size, text = smallest[0]
    assert size >= TEXT_MIN_PX, f"{key} ({where}): {size}px “{text}”; smallest: {smallest}"


@pytest.mark.browser
def test_a_township_heads_comparison_slide_too(projector, demo):
    """与全县比较 is only in a meeting over chosen townships: measured there."""
    import sqlalchemy as sa

    base, page, county = projector
    engine = sa.create_engine(demo.url, connect_args={"read_only": True})  # the server has it
    with engine.connect() as conn:
        township = conn.execute(
            sa.text("SELECT min(township_code) FROM township WHERE county_code = :c"), {"c": county}
        ).scalar_one()
    engine.dispose()
    query = f"county={county}&township={township}&period={DEMO_PERIOD}"
    result = visit(page, f"{base}/?{query}&mode=meeting&slide=against_county")
    assert result["exceptions"] == 0
    assert "slide=against_county" in page.url  # shown, not left out
    assert page.locator(".mt-title").inner_text() == "与全县比较"
    assert page.evaluate(FIT_JS) == []  # a dozen rows, the note and lines above the controls
    size, text = page.evaluate(SMALLEST_JS)[0]
    assert size >= TEXT_MIN_PX, f"{size}px “{text}”"
