"""例会模式 for the presenter: keys move slides whatever control was clicked last, auto-advance
gives each slide its full time, the counter and clock show, every slide has a ≥ 48-px headline
and nothing runs off the side at 1920×1080, and the 周报 popover hands out the PowerPoint."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import brief
from data_access.periods import Period
from data_access.scope import Scope
from pages import meeting_state
from tests import handmade as hm
from tests.dbs import sqlite_file
from views.meeting import deck

APP = Path(__file__).resolve().parents[1] / "dashboard" / "frame.py"
TIMEOUT_S = 120
PROJECTOR = (1920, 1080)
DEMO_PERIOD = "2026-Q3"
DEMO_QUARTER = Period.parse(DEMO_PERIOD)
HEADLINE_MIN_PX = 48  # the title or message every slide has, read from the back row


@pytest.fixture(scope="module")
def db_url(tmp_path_factory):
    path = tmp_path_factory.mktemp("presenter") / "handmade.sqlite"
    return sqlite_file(path, hm.ROWS)


def test_switching_auto_advance_on_never_jumps(monkeypatch, db_url):
    monkeypatch.setenv("DASHBOARD_DB_URL", db_url)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    for key, value in {"mode": "meeting", "county": hm.A, "period": "2026-Q1"}.items():
        at.query_params[key] = value
    at.query_params["slide"] = "kpis"
    at.run()
    # The slide has been up far longer than any interval when the toggle goes on.
    at.session_state[meeting_state.S_SLIDE_SHOWN_AT] = ("kpis", time.monotonic() - 999)
    at.toggle(key=meeting_state.W_MEETING_AUTO).set_value(True).run()
    assert not at.exception
    assert at.query_params["slide"] == "kpis"
    # Once the slide's time is up, the next run of the timer moves on.
    at.session_state[meeting_state.S_SLIDE_SHOWN_AT] = ("kpis", time.monotonic() - 999)
    at.run()
    assert at.query_params["slide"] == "counties"
    # A new slide starts a new count.
    shown_key, _since = at.session_state[meeting_state.S_SLIDE_SHOWN_AT]
    assert shown_key == "counties"


# --- in Chromium at 1920×1080 ----------------------------------------------------------------

HEADLINE_JS = """() => Math.max(...Array.from(
  document.querySelectorAll('.mt-title, .mt-message, .mt-cover-title'),
  (el) => parseFloat(getComputedStyle(el).fontSize)))"""
# Anything wider than its box that is not meant to scroll sideways, or the page itself.
OVERFLOW_JS = """() => {
  const bad = [];
  const d = document.documentElement;
  if (d.scrollWidth > innerWidth) bad.push('document ' + d.scrollWidth);
  for (const el of document.querySelectorAll('.mt-head, .mt-message, .st-key-mt_body, .st-key-mt_controls')) {
    if (el.scrollWidth > el.clientWidth + 1) bad.push(el.className + ' ' + el.scrollWidth);
    const r = el.getBoundingClientRect();
    if (r.right > innerWidth + 1) bad.push(el.className + ' right ' + r.right);
  }
  return bad;
}"""


@pytest.fixture(scope="module")
def projector(demo, open_app):
    base, page = open_app(demo.url, PROJECTOR)
    return base, page, demo.county, demo.county_name


def deck_keys(demo, county: str) -> list[str]:
    """The slides of the county's demo meeting as built (bare ones left out, thin merged)."""
    from data_access.engine import create_readonly_engine
    from views.common import window_for

    engine = create_readonly_engine(demo.url)
    window = window_for(engine, Period.parse(DEMO_PERIOD))
    return [s.key for s in deck.build(engine, Scope(county), window).slides]


def shown(page) -> str:
    return page.url.split("slide=")[1].split("&")[0]


def press(page, key: str) -> None:
    from tests.browser import wait_for_script

    page.keyboard.press(key)
    page.wait_for_timeout(400)
    wait_for_script(page)


@pytest.mark.browser
def test_keys_move_slides_after_any_control(projector, demo, tmp_path):
    from pptx import Presentation

    from tests.browser import visit, wait_for_script

    base, page, county, name = projector
    keys = deck_keys(demo, county)
    visit(page, f"{base}/?county={county}&period={DEMO_PERIOD}&mode=meeting&slide={keys[1]}")
    controls = page.locator(".st-key-mt_controls")

    def after(step: int) -> str:
        return keys[keys.index(shown(page)) + step]

    # 自动翻页: the toggle keeps the focus; Space must not flip it back, → must move on.
    controls.get_by_text("自动翻页").click()
    wait_for_script(page)
    toggle = controls.locator("input[type=checkbox]").first
    assert toggle.is_checked()
    expected = after(1)
    press(page, "ArrowRight")
    assert shown(page) == expected
    expected = after(1)
    press(page, " ")
    assert shown(page) == expected and toggle.is_checked()
    # The seconds select (a combobox that takes arrow keys itself).
    controls.locator("[data-testid='stSelectbox']").click()
    page.wait_for_timeout(300)
    page.get_by_role("option", name="每页 120 秒").click()
    wait_for_script(page)
    expected = after(1)
    press(page, "ArrowRight")
    assert shown(page) == expected
    expected = after(-1)
    press(page, "ArrowLeft")
    assert shown(page) == expected
    # The 周报 popover, open: PageDown still moves, and its PowerPoint downloads.
    controls.locator("[data-testid='stPopover'] button").first.click()
    page.wait_for_timeout(500)
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="下载周报 PPT").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.suffix == ".pptx" and path.name == f"{brief.file_stem(name, DEMO_QUARTER)}.pptx"
    assert len(Presentation(io.BytesIO(path.read_bytes())).slides) == len(keys)
    expected = after(1)
    press(page, "PageDown")
    assert shown(page) == expected
    expected = after(-1)
    press(page, "PageUp")
    assert shown(page) == expected
    # Counter and clock: "4 / 10 · 14:05".
    position = page.locator(".mt-page").inner_text()
    assert position.startswith(f"{keys.index(shown(page)) + 1} / {len(keys)} · ")
    assert position[-5:-3].isdigit() and position[-3] == ":" and position[-2:].isdigit()
    controls.get_by_text("自动翻页").click()  # off again for the tests after this one
    wait_for_script(page)
    assert not toggle.is_checked()


@pytest.mark.browser
def test_every_slide_has_a_headline_and_fits_across(projector, demo):
    from tests.browser import visit

    base, page, county, _name = projector
    for key in deck_keys(demo, county):
        visit(page, f"{base}/?county={county}&period={DEMO_PERIOD}&mode=meeting&slide={key}")
        assert page.evaluate(HEADLINE_JS) >= HEADLINE_MIN_PX, key
        assert page.evaluate(OVERFLOW_JS) == [], key
