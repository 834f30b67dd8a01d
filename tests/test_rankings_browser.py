"""县区排名's league tables fit a 1440×900 desktop: every indicator in view, no sideways scroll.

Screenshots land in artifacts/screens/rankings_<case>.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.charts.league_html import CSS_CLASS
from demo.indicators import INDICATORS
from tests.browser import visit

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "artifacts" / "screens"
PERIOD = "2026-10"  # the demo's last month
CASES = {
    "all_counties": f"period={PERIOD}&tab=county",
    "county_990101": f"period={PERIOD}&county=990101&tab=county",
    "townships_990101": f"period={PERIOD}&county=990101&tab=township",
}
# The table's box: scroll width against the width it is given, and its indicator columns.
MEASURE_JS = f"""() => [...document.querySelectorAll('.{CSS_CLASS}')].map(e => ({{
  scroll: e.scrollWidth, client: e.clientWidth,
  indicators: e.querySelectorAll('thead th.ind').length,
  right: Math.max(...[...e.querySelectorAll('th, td')].map(c => c.getBoundingClientRect().right)),
  box: e.getBoundingClientRect().right,
}}))"""

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app(demo_app):
    return demo_app  # tests/conftest.py: a server on the demo database and a page


@pytest.mark.parametrize("case", list(CASES))
def test_league_table_fits_1440(app, case):
    base, page = app
    result = visit(page, f"{base}/rankings?{CASES[case]}", SHOTS / f"rankings_{case}.png")
    assert result["exceptions"] == 0
    tables = page.evaluate(MEASURE_JS)
    assert len(tables) == 1, tables
    box = tables[0]
    assert box["scroll"] <= box["client"] + 1, box  # no sideways scrolling
    assert box["right"] <= box["box"] + 1, box  # and no cell drawn past the table's edge
    assert box["indicators"] == len(INDICATORS), box  # every indicator is in the table
