"""Every page in headless Chromium against `streamlit run` on a generated database.

Screenshots land in artifacts/screens/ (a CI artifact); render times are printed, not asserted.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import PAGES, visit

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "artifacts" / "screens"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app(demo_app):
    return demo_app  # tests/conftest.py: a server on the demo database and a page


@pytest.mark.parametrize(("path", "stem"), PAGES, ids=[s for _, s in PAGES])
def test_page_renders_without_exception(app, path, stem):
    base, page = app
    result = visit(page, f"{base}/{path}", SHOTS / f"{stem}.png")
    print(f"\n{stem}: finished rendering in {result['seconds']:.2f} s")
    assert result["exceptions"] == 0
    assert page.locator("[data-testid='stHeading']").count() > 0
    assert page.blocked_requests == [], page.blocked_requests


def test_link_reproduces_the_view(app):
    base, page = app
    visit(page, f"{base}/teams?period=2026-Q1", SHOTS / "teams_q1.png")
    assert "period=2026-Q1" in page.url
    assert "2026年第1季度" in page.locator(".yf-header").inner_text()
