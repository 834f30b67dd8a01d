"""No selectbox on any page (every tab open in turn, the whole area and one county) offers more
than 200 options: a list that long is unusable and is sent to the browser on every run (the
map once sent 2,000-7,000 villages, 60-208 KB).

The smallest data that catches it: the demo database (scale demo), which has more than 200
teams and more than 200 villages in all (a selectbox of either fails), not the prefecture.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dashboard import followup_ui, navigation
from tests.browser import demo_db
from tests.test_views import run_page

MOST_OPTIONS = 200
# Each page's tabs by their ?tab= key ("" the default); a page drawn with other tabs than
# these fails below, so a new tab cannot be left out.
TABS = {
    "overview": ("",),
    "map": ("",),
    "teams": ("", "list", "detail"),
    "chronic": ("", "trend", "mismatch", "red"),
    "rankings": ("county", "township", "drill", "lost", "whatif", "method"),
    "quality": ("",),
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = demo_db(tmp_path_factory.mktemp("selectbox_demo"))
    engine = sa.create_engine(db.url)
    with engine.connect() as conn:
        teams = conn.execute(sa.text("SELECT count(*) FROM team")).scalar()
        villages = conn.execute(sa.text("SELECT count(*) FROM village")).scalar()
    engine.dispose()
    assert teams > MOST_OPTIONS and villages > MOST_OPTIONS  # else the test proves nothing
    return db


def test_no_selectbox_offers_more_than_200(monkeypatch, demo):
    sizes = {}
    for scope in ({}, {"county": demo.county}):
        for view, tabs in TABS.items():
            for tab in tabs:
                at = run_page(
                    monkeypatch,
                    demo.url,
                    navigation.VIEWS[view][0],
                    **scope,
                    **({"tab": tab} if tab else {}),
                )
                page_tabs = [t for t in at.tabs if t.label not in followup_ui.TABS]
                if tab == tabs[0] and page_tabs:
                    assert len(page_tabs) == len(tabs), (view, [t.label for t in page_tabs])
                for box in [*at.selectbox, *at.multiselect]:
                    sizes[(view, tab, scope.get("county", ""), box.label)] = len(box.options)
    assert sizes, "no selectbox found"
    too_long = {k: n for k, n in sizes.items() if n > MOST_OPTIONS}
    assert not too_long, too_long
