"""Hostile names in a real browser: every page and every meeting slide on tests/hostile.py's
database, in headless Chromium. A name is data, never markup: no link, image or bold text is
made from it, and nothing it names is fetched (no request leaves 127.0.0.1).

The DOM of every frame (the page, the map's and the league tables' iframes) is searched after
the script has finished; on the map every village and label is hovered too, so the tooltips
Leaflet builds on demand are searched as well. Plotly builds hover labels on demand from its
figure data, so that data is checked for the pseudo-HTML tags plotly would render.
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlencode, urlsplit

import pytest
import sqlalchemy as sa

from data_access.periods import Period
from data_access.scope import Scope
from tests import handmade as hm
from tests import hostile
from tests.browser import PAGES, component_frame, visit
from tests.dbs import write_rows
from views import grid_map
from views.meeting import deck

pytestmark = pytest.mark.browser
PlaywrightTimeout = pytest.importorskip("playwright.sync_api").TimeoutError

PERIOD = "2026-Q1"  # the hand-made data's last complete quarter
MAP_TIMEOUT_MS = 60_000
MAP_SHAPES_TIMEOUT_MS = 15_000
LOCAL_HOSTS = ("127.0.0.1", "localhost")
SETTLE_MS = 800  # images and iframes start loading once inserted: give them time to ask

# Text that only exists when a name's markup was obeyed: the inner text of `**粗体XSS**`,
# `[链接XSS](…)`, `<b>粗XSS</b><a …>链</a>`. An element holding the whole name (a page that
# bolds an escaped name) is fine; an element holding a piece of one is the leak.
MARKUP_TAGS = (
    "a, img, b, strong, em, i, u, s, del, code, pre, kbd, mark, sup, sub, h1, h2, h3, h4, h5,"
    " h6, li, blockquote, table, iframe, svg a, tspan[style*='bold'], tspan[style*='italic']"
)
HOSTILE_FRAGMENTS = [
    "粗体" + hostile.MARKER,
    "粗" + hostile.MARKER,
    "链接" + hostile.MARKER,
    "点我" + hostile.MARKER,
    "链",
]

# Run in every frame: elements made from hostile data.
FIND_JS = """([host, marker, names, fragments, tags]) => {
  // invisible joiners are how safe.markdown breaks autolinks: not part of what a name reads
  const norm = s => (s || '').replace(/[\\u200b\\u2060]/g, '').replace(/\\s+/g, ' ').trim();
  const whole = names.map(norm);
  const found = [];
  // attributes a browser fetches or follows (a text box's value naming the host is just text)
  const urlAttrs = ['href', 'xlink:href', 'src', 'srcset', 'srcdoc', 'action', 'formaction',
    'poster', 'data', 'background', 'cite', 'ping', 'style'];
  const show = el => el.tagName.toLowerCase() + ': ' + (el.outerHTML || '').slice(0, 160);
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const v = a.value || '';
      if (urlAttrs.includes(a.name.toLowerCase()) && v.includes(host)) found.push('attribute ' + a.name + ' names ' + host + ' — ' + show(el));
      else if (a.name.startsWith('on') && v.includes('alert(1)'))
        found.push('handler ' + a.name + ' — ' + show(el));
    }
  }
  // a long name cut with an ellipsis (safe.html_name) reads as the whole name in its title
  const read = el => {
    const copy = el.cloneNode(true);
    for (const s of copy.querySelectorAll('span[title]'))
      if ((s.textContent || '').endsWith('…')) s.textContent = s.getAttribute('title');
    return norm(copy.textContent);
  };
  for (const el of document.querySelectorAll(tags)) {
    const t = read(el);
    if (!t) continue;
    if (fragments.includes(t)) { found.push('markup from a name — ' + show(el)); continue; }
    if (t.includes(marker) && !whole.some(n => t.includes(n)))
      found.push('part of a name in <' + el.tagName.toLowerCase() + '> — ' + show(el));
  }
  return found;
}"""

# Run in every frame: plotly builds hover labels on demand from its figure data, and its labels
# understand <b>, <a href>, <span>…: a name's own tag reaching that data unescaped is the leak.
PLOTLY_JS = """(tags) => {
  const found = [];
  for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    const text = JSON.stringify([gd.data || [], gd.layout || {}]);
    for (const t of tags)
      if (text.includes(t)) found.push('plotly figure holds the raw tag ' + t);
  }
  return found;
}"""
# The opening tags of the hostile names with the text after them, as they would reach plotly
# unescaped (a bare `<b>` is the pages' own bold).
RAW_TAGS = sorted(
    {m.group(0) for n in hostile.HOSTILE_NAMES for m in re.finditer(r"<[a-z]+[^<>]*>[^<]", n)}
)


def _names() -> list[str]:
    return [n.replace("\t", " ") for n in hostile.HOSTILE_NAMES if hostile.MARKER in n]


def urls() -> list[tuple[str, str]]:
    """(id, path?query) of every page under three scopes, the view states that show names,
    and every meeting slide over all counties and over one county."""
    scopes = {
        "all": {"period": PERIOD},
        "county": {"county": hm.A, "period": PERIOD},
        "township": {"county": hm.A, "township": hm.WEST, "period": PERIOD},
    }
    out = []
    for scope_id, params in scopes.items():
        for path, stem in PAGES:
            out.append((f"{stem}-{scope_id}", f"{path}?{urlencode(params)}"))
    county = scopes["county"]
    views = {
        "teams": [
            {"tab": "list"},
            {"tab": "detail", "team": "T1"},
            {"tab": "detail", "team": "T3"},
        ],
        "grid_map": [{"layer": k} for k in grid_map.LAYERS]
        + [{"village": hm.V1}, {**scopes["township"], "village": hm.V3}],
        "rankings": [{"tab": t} for t in ("township", "drill", "lost", "whatif", "method")],
    }
    for path, states in views.items():
        for extra in states:
            params = {**county, **extra}
            out.append(
                (f"{path}-" + "-".join(map(str, extra.values())), f"{path}?{urlencode(params)}")
            )
    for scope_id, scope in (("all", Scope()), ("county", Scope(hm.A))):
        for key in deck.slide_keys(scope, Period.parse(PERIOD)):
            params = {**scopes[scope_id], "mode": "meeting", "slide": key}
            out.append((f"meeting-{scope_id}-{key}", f"?{urlencode(params)}"))
    return out


@pytest.fixture(scope="module")
def app(chromium, open_app, tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile_browser") / "hostile.sqlite"
    writer = sa.create_engine(f"sqlite:///{path}")
    write_rows(writer, rows())
    writer.dispose()
    os.environ["DASHBOARD_AUTH"] = "off"  # the server inherits it (tests/conftest.py sets it too)
    base, page = open_app(f"sqlite:///{path}")
    page.requested = []
    page.on("request", lambda r: page.requested.append(r.url))
    return base, page


def off_machine(urls_seen: list[str]) -> list[str]:
    """Requests to anywhere but this machine (data: and blob: never leave it)."""
    out = []
    for url in urls_seen:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            continue
        if parts.hostname not in LOCAL_HOSTS:
            out.append(url)
    return out


def hover_map(page) -> None:
    """Hover every village and label of the map so Leaflet builds their tooltips."""
    frame = component_frame(page, "streamlit_folium", MAP_TIMEOUT_MS)
    try:
        frame.wait_for_selector(".leaflet-interactive", timeout=MAP_SHAPES_TIMEOUT_MS)
    except PlaywrightTimeout:
        return  # no shape drawn (a township without boundaries): its DOM is searched as it is
    targets = frame.locator(".leaflet-interactive, .yf-area-label")
    for i in range(targets.count()):
        try:
            targets.nth(i).hover(timeout=2_000, force=True)
        except PlaywrightTimeout:  # under another shape or off screen
            continue


def findings(page) -> list[str]:
    args = [hostile.EVIL_HOST, hostile.MARKER, _names(), HOSTILE_FRAGMENTS, MARKUP_TAGS]
    out = []
    for frame in page.frames:
        try:
            found = frame.evaluate(FIND_JS, args)
            found += frame.evaluate(PLOTLY_JS, RAW_TAGS)
        except Exception as exc:  # noqa: BLE001 — a frame navigating away is not a finding
            if "detached" in str(exc) or "destroyed" in str(exc):
                continue
            raise
        out += [f"{frame.url[:80]}: {f}" for f in found]
    return out


def rows() -> dict[str, list[dict]]:
    """hostile.rows(), with the markup names on the indicators too: hostile.rows() hands them
    the formula and long names only, and indicator names reach chart titles and axes."""
    out = hostile.rows()
    # plotly's own tags first (<b>, <a href>), then markdown's link, an image, a bare address
    markup = [
        next(n for n in hostile.HOSTILE_NAMES if n.startswith(start))
        for start in ("<b>", "<img", "[", "http")
    ]
    for k, row in enumerate(out["indicator"]):
        row["name"] = markup[k % len(markup)] + f"#i{k}"
    return out


URLS = urls()
PAGE_TARGETS = {u for _, u in URLS[: 3 * len(PAGES)]}


@pytest.mark.parametrize("target", [u for _, u in URLS], ids=[i for i, _ in URLS])
def test_hostile_names_stay_text_and_fetch_nothing(app, target):
    base, page = app
    page.requested.clear()
    page.blocked_requests.clear()
    result = visit(page, f"{base}/{target}")
    if target.startswith("grid_map"):
        hover_map(page)
    page.wait_for_timeout(SETTLE_MS)
    exceptions = page.locator("[data-testid='stException']").all_inner_texts()
    assert not exceptions, exceptions  # a name must not break a page either
    assert result["exceptions"] == 0
    found = findings(page)
    assert not found, "\n".join(found)
    leaked = off_machine(page.requested) + page.blocked_requests
    assert not leaked, sorted(set(leaked))
    # the page did show the names (else the test proves nothing)
    shown = " ".join(
        f.evaluate("() => document.body ? document.body.innerText : ''") for f in page.frames
    )
    if target in PAGE_TARGETS:  # each page as it opens lists names
        assert hostile.MARKER in shown or "长" * 20 in shown, target
