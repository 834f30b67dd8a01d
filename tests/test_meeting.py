"""例会模式: slide content over tests/handmade.py (figures worked out by hand below), the
meeting frame under AppTest (keys, drill-down and back, honest empty states).

The slides in Chromium at 1920×1080 are in tests/test_meeting_browser.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data_access.periods import Period
from data_access.scope import Scope
from tests import handmade as hm
from tests.dbs import dialect_params, loaded_database, sqlite_file
from views.common import header, window_for
from views.meeting import deck

APP = Path(__file__).resolve().parents[1] / "dashboard" / "frame.py"
# 上周督办 is there only with items in the own database: tests/test_followup_app.py runs it.
ALWAYS = [k for k in deck.SLIDE_TITLES if k is not deck.Kind.FOLLOWUP]
TIMEOUT_S = 120  # a cold first run imports plotly, pandas and the drivers
Q1 = Period.parse("2026-Q1")


@pytest.fixture(scope="module", params=dialect_params())
def engine(request, tmp_path_factory):
    with loaded_database(request.param, hm.ROWS, tmp_path_factory.mktemp(request.param)) as eng:
        yield eng


def meeting_of(engine, scope: Scope, period: Period | None) -> deck.MeetingView:
    return deck.build(engine, scope, window_for(engine, period) if period else None)


def slides_of(engine, scope: Scope, period: Period | None) -> dict[str, deck.Slide]:
    """Every slide by key, before the deck leaves out bare ones and merges thin ones."""
    m = deck.Meeting(header(engine, scope), window_for(engine, period))
    return {s.key: s for s in deck.every_slide(deck.DirectSources(engine, scope, m.window), m)}


def test_slide_order_and_titles(engine):
    view = meeting_of(engine, Scope(hm.A), Q1)
    m, slides = view.meeting, view.slides
    assert [s.key for s in slides] == [
        "cover",
        "kpis_missed",
        "kpis",
        "counties",
        "townships",
        "colors",
        "transitions",
        "classes",
        "teams",
        "quality",
        "alerts",
    ]
    assert m.heading("需要关注") == "需要关注 · 清河县 · 2026年第1季度"
    # Without a county there is no township league.
    assert "townships" not in deck.slide_keys(Scope(), Q1)


def test_kpis_against_target(engine):
    slides = slides_of(engine, Scope(hm.A), Q1)
    missed, kpis = slides["kpis_missed"], slides["kpis"]
    # htn (last month with data, 2026-02): (35+12+9)/(50+20+10) = 70.0% ≥ 60 → met.
    # fup (sum, lower is better): (2+3+1+0+1+2)/(20+10+20+5+20+10) = 9/85 = 10.6%; 10/10.6 = 0.94.
    # pvs (county level, sum): (40+50+0)/(100+100+0) = 45.0%; 45/50 = 0.90 → close.
    # ehr (last, 2026-03): (90+40)/(100+50) = 86.7%; 86.7/90 = 0.96 → close.
    tiles = missed.tiles + kpis.tiles
    values = {t.code: (t.value, t.band) for t in tiles}
    assert values == {
        "htn": ("70.0%", "met"),
        "fup": ("10.6%", "close"),
        "pvs": ("45.0%", "close"),
        "ehr": ("86.7%", "close"),
    }
    assert kpis.message == "4 项指标中 1 项达标、3 项接近目标"
    # Short of target first, furthest first (0.90, 0.94, 0.96); the met one after.
    assert [t.code for t in missed.tiles] == ["pvs", "fup", "ehr"]
    assert [t.code for t in kpis.tiles] == ["htn"]
    assert missed.message == "3 项指标未达目标：3 项接近目标"
    # 2025-Q4 has no indicator rows (and data in only one month): no change to show, rather
    # than a change from zero — the reason instead.
    assert {t.change for t in tiles} == {"2025年第4季度数据不全（仅 1 个月有数据），无法同口径比较"}


def test_kpis_of_a_township_explain_county_only_indicators(engine):
    kpis = slides_of(engine, Scope(hm.A, (hm.EAST,)), Q1)["kpis"]
    pvs = next(t for t in kpis.tiles if t.code == "pvs")
    assert pvs.value == "—" and pvs.reason == "仅在县级统计，乡镇无此值"


def test_colors_and_transitions(engine):
    slides = slides_of(engine, Scope(hm.A), Q1)
    colors = slides["colors"]
    # 2026-03 in 清河县: p1 htn red, p1 diabetes green, p2 htn yellow, p3 htn green.
    assert colors.totals == {"green": 2, "yellow": 1, "red": 1}
    # 2025-12: p1 htn green, p1 diabetes green, p2 htn red, p4 diabetes yellow → 1 of 4 red.
    assert colors.message == "2026年3月末在管 4 人次：红标 1 人次（25.0%），2025年12月末为 25.0%"
    moves = slides["transitions"]
    # In both months: p1 htn green→red (worse), p1 diabetes green→green, p2 htn red→yellow;
    # p3 is new (新纳入), p4 left (退出): both sides add up to the two months' distributions.
    assert moves.moved == {"worse": 1, "better": 1, "same": 1, "entered": 1, "left": 1}
    assert moves.before_sides == {"green": 2, "yellow": 1, "red": 1}
    assert moves.after_sides == colors.totals
    assert moves.into_red == 1
    assert moves.message.startswith("2025年12月末 → 2026年3月末：1 人次加重")


def test_classes_tilt(engine):
    classes = slides_of(engine, Scope(hm.A), Q1)["classes"]
    # 2026 funds: 三台村 (一类, 1,000 people) 50,000 → 50.0; 高坡村 (二类, 500) 40,000 → 80.0.
    assert classes.per_capita == {1: 50.0, 2: 80.0}
    assert classes.message == "二类村人均经费 80.0 元，高于一类村的 50.0 元（是其 1.60 倍）"
    # 2026-03 red share: 一类 1 of 3 rows (p1 htn), 二类 0 of 1.
    assert classes.red_share == pytest.approx({1: 1 / 3, 2: 0.0})
    rows = dict(classes.rows)
    assert rows["村（网格）"] == {1: "2 个", 2: "1 个"}


@pytest.mark.parametrize(
    ("period", "unit"),
    [
        (Q1, "次/千人·季"),
        (Period.parse("2026-03"), "次/千人·月"),
        (Period.parse("2026"), "次/千人·年"),
    ],
)
def test_classes_services_name_their_period(engine, period, unit):
    """每千人服务量 carries the unit of the map's layer and table and of 团队工作量."""
    classes = slides_of(engine, Scope(hm.A), period)["classes"]
    rows = dict(classes.rows)
    label = f"每千人服务量（{unit}）"
    assert [name for name in rows if "千人" in name] == [label]
    if period == Q1:  # 一类 (14 + 10) / 1,800 × 1,000 = 13.3; 二类 7 / 500 × 1,000 = 14.0
        assert rows[label] == {1: "13", 2: "14"}
    assert classes.services_unit == unit
    sheet = classes.sheets["一类二类村"]
    assert [c for c in sheet.columns if "千人" in c] == [label]


def test_flagged_teams_and_alerts(engine):
    slides = slides_of(engine, Scope(hm.A), Q1)
    teams = slides["teams"]
    # The flag is the team's own 抽查 (the 总览 alert's rule): T1 7/10 = 70% < 80% on 10
    # re-checks → flagged. High volume is only a reference over every team of the database:
    # Q1 services T5 1, T2 7+3 = 10, T1 10+5+4+2 = 21 → upper quartile 10 + 0.5 × 11 = 15.5.
    assert teams.threshold == pytest.approx(15.5)
    assert list(teams.rows["team_id"]) == ["T1"]
    assert teams.flagged == 1
    assert teams.message == "1 个团队抽查合格率低于 80%（抽查不少于 10 人次）"
    alerts = slides["alerts"].items
    items = {text[:6]: (count, unit) for count, unit, text, _names in alerts}
    # 推送不到位 over all colours: p1 htn (red at township), p2 (yellow at county), p3 (green
    # at township) = 3 人次, of which 红标未上转 1; every village served; T1 under 80%;
    # fup, pvs, ehr under target; 二类 gets more per head: only raised alerts are listed.
    assert items == {
        "推送不到位（": (3, "人次"),
        "团队抽查合格": (1, "个"),
        "指标未达目标": (3, "项"),
    }
    assert "其中红标未上转 1 人次" in alerts[0][2]
    assert slides["alerts"].message == "本期 3 类事项需要关注"


def test_period_without_data_says_so(engine):
    slides = slides_of(engine, Scope(hm.A), Period.parse("2024-05"))
    for key in ("kpis_missed", "kpis", "counties", "colors", "transitions", "teams"):
        assert slides[key].empty, key
        assert not slides[key].sheets, key
    assert slides["colors"].empty == "2024年5月所选范围内没有慢病三色管理数据。"
    # The deck leaves them out; its cover says which, one line per reason.
    deck_2024 = meeting_of(engine, Scope(hm.A), Period.parse("2024-05")).slides
    assert all(s.has_figure for s in deck_2024)
    cover = deck_2024[0]
    assert "慢病患者绿黄红构成、绿黄红变化：2024年5月所选范围内没有慢病三色管理数据。" in (
        cover.left_out
    )
    assert cover.agenda == tuple(s.title for s in deck_2024[1:])
    none = meeting_of(engine, Scope(), None).slides
    assert [s.key for s in none] == ["cover"] and none[0].empty


# --- the frame under AppTest --------------------------------------------------------------------


@pytest.fixture(scope="module")
def db_url(tmp_path_factory):
    path = tmp_path_factory.mktemp("meeting_app") / "handmade.sqlite"
    return sqlite_file(path, hm.ROWS)


def run_meeting(monkeypatch, url: str, **params) -> AppTest:
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    monkeypatch.setenv("DASHBOARD_AUTH", "off")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.query_params["mode"] = "meeting"
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def text_of(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in at.markdown)


@pytest.mark.parametrize("key", ALWAYS)
@pytest.mark.parametrize(
    "params",
    [
        {"county": hm.A, "period": "2026-Q1"},
        {"county": hm.A, "township": hm.WEST, "period": "2026-Q1"},
        {"county": hm.A, "period": "2024-05"},
    ],
    ids=["county", "township", "empty"],
)
def test_every_slide_renders(monkeypatch, db_url, key, params):
    at = run_meeting(monkeypatch, db_url, slide=key, **params)
    assert not at.exception, [e.message for e in at.exception]
    shown = at.query_params["slide"]
    title = deck.SLIDE_TITLES[shown]
    period = Period.parse(params["period"]).label
    assert f'<span class="mt-title">{title}</span>' in text_of(at)
    assert f"清河县{' · 西镇' if 'township' in params else ''} · {period}" in text_of(at)


def test_keys_drill_and_back(monkeypatch, db_url):
    at = run_meeting(monkeypatch, db_url, county=hm.A, period="2026-Q1", slide="counties")
    at.button(key="mt_next").click().run()
    assert at.query_params["slide"] == "townships"
    at.button(key="mt_prev").click().run()
    assert at.query_params["slide"] == "counties"
    at.button(key="mt_next").click().run()
    at.button(key=f"mt_drill_{hm.EAST}").click().run()
    assert not at.exception
    assert at.query_params["township"] == hm.EAST
    assert at.query_params["slide"] == "townships"  # the room stays on the same subject
    assert "清河县 · 东镇 · 2026年第1季度" in text_of(at)
    at.button(key="mt_back").click().run()
    assert "township" not in at.query_params
    assert [b.key for b in at.button if b.key == "mt_back"] == []


def test_exit_returns_to_the_page(monkeypatch, db_url):
    at = run_meeting(monkeypatch, db_url, county=hm.A, period="2026-Q1")
    at.button(key="mt_exit").click().run()
    assert "mode" not in at.query_params and at.query_params["county"] == hm.A
    assert not at.exception
    assert "总览" in "\n".join(str(t.value) for t in at.title)


# --- every slide in Chromium at 1920×1080 --------------------------------------------------------

SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screens"
PROJECTOR = (1920, 1080)
DEMO_PERIOD = "2026-Q3"  # inside the demo's twelve months, with the quarter before it too
DEMO_LAST_MONTH = "2026-10"
LABEL_MIN_PX = 28  # the floor for any text read from 6 m (tests/test_slide_text_size.py: all of it)
HEADLINE_MIN_PX = 48  # the brief's floor for headline numbers
HEADLINES = ".mt-tile-value, .mt-big-value, table.mt-compare td + td, .mt-alert-count"

# Elements that scroll (or the page itself), and slide content hidden under the controls.
FIT_JS = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    const s = getComputedStyle(el);
    if (!el.getClientRects().length) continue;
    const scrollsY = ['auto', 'scroll'].includes(s.overflowY) && el.scrollHeight > el.clientHeight + 1;
    const scrollsX = ['auto', 'scroll'].includes(s.overflowX) && el.scrollWidth > el.clientWidth + 1;
    if (scrollsY || scrollsX) bad.push(el.dataset.testid || el.className || el.tagName);
  }
  const d = document.documentElement;
  if (d.scrollHeight > innerHeight || d.scrollWidth > innerWidth) bad.push('document');
  const controls = document.querySelector('.st-key-mt_controls').getBoundingClientRect().top;
  let bottom = 0;
  for (const el of document.querySelectorAll('.st-key-mt_body *')) {
    const r = el.getBoundingClientRect();
    if (r.height > 0) bottom = Math.max(bottom, r.bottom);
  }
  if (bottom > controls + 1) bad.push(`content ends at ${bottom}px, under the controls at ${controls}px`);
  return bad;
}"""

# The smallest font of visible text on the slide (title, message, body; SVG text included).
SMALLEST_JS = """() => {
  let smallest = [1e9, ''];
  for (const root of document.querySelectorAll('.mt-head, .mt-message, .st-key-mt_body')) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode, el = node.parentElement;
      if (!node.textContent.trim() || !el.getClientRects().length) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const size = parseFloat(getComputedStyle(el).fontSize);
      if (size < smallest[0]) smallest = [size, node.textContent.trim().slice(0, 30)];
    }
  }
  return smallest;
}"""


@pytest.fixture(scope="module")
def projector(demo, open_app):
    base, page = open_app(demo.url, PROJECTOR)
    return base, page, demo.county, demo.county_name


def open_slide(projector, key: str, query: str | None = None, shot: str | None = None):
    from tests.browser import visit

    base, page, county, _name = projector
    query = query or f"county={county}&period={DEMO_PERIOD}"
    return visit(page, f"{base}/?{query}&mode=meeting&slide={key}", shot and SHOTS / shot)


@pytest.mark.browser
@pytest.mark.parametrize("key", ALWAYS)
@pytest.mark.parametrize("where", ["county", "all"])
def test_slide_fits_the_projector(projector, key, where):
    _base, page, _county, name = projector
    if where == "all" and key == "townships":
        pytest.skip("no township league without a county")
    # The whole demo over its last month (many teams, few re-checks each), or one county's quarter.
    query = f"period={DEMO_LAST_MONTH}" if where == "all" else None
    result = open_slide(projector, key, query, shot=f"meeting_{where}_{key}.png")
    print(f"\nmeeting {where} {key}: {result['seconds']:.2f} s")
    assert result["exceptions"] == 0
    assert page.evaluate(FIT_JS) == []
    # A slide the period leaves out (or merges) opens the deck where it would be: the cover,
    # or the merged KPIs.
    shown = deck.Kind(page.evaluate("new URLSearchParams(location.search).get('slide')"))
    assert shown is key or shown in (deck.Kind.COVER, deck.Kind.KPIS_ALL)
    assert page.locator(".mt-title").inner_text() == deck.SLIDE_TITLES[shown]
    period = Period.parse(DEMO_LAST_MONTH if where == "all" else DEMO_PERIOD).label
    scope_words = page.locator(".mt-scope").inner_text()
    assert scope_words.endswith(f" · {period}") and (where == "all" or name in scope_words)
    for chrome in ("stSidebar", "stHeader", "stToolbar"):
        assert not page.locator(f"[data-testid='{chrome}']").first.is_visible(), chrome
    size, text = page.evaluate(SMALLEST_JS)
    assert size >= LABEL_MIN_PX, f"{size}px: {text}"
    headlines = page.locator(HEADLINES)
    for i in range(headlines.count()):
        px = headlines.nth(i).evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
        assert px >= HEADLINE_MIN_PX
    assert page.blocked_requests == [], page.blocked_requests


@pytest.mark.browser
def test_keyboard_and_clicker_keys_move_slides(projector):
    from tests.browser import wait_for_script

    _base, page, _county, _name = projector
    open_slide(projector, "kpis")
    for key, expected in (
        ("ArrowRight", "counties"),
        (" ", "townships"),
        ("PageDown", "colors"),
        ("ArrowLeft", "townships"),
        ("PageUp", "counties"),
    ):
        page.keyboard.press(key)
        page.wait_for_timeout(300)
        wait_for_script(page)
        assert f"slide={expected}" in page.url, (key, page.url)
        assert page.locator(".mt-title").inner_text() == deck.SLIDE_TITLES[expected]


@pytest.mark.browser
def test_drill_into_a_county_and_back(projector):
    from tests.browser import wait_for_script

    _base, page, county, name = projector
    open_slide(projector, "counties", query=f"period={DEMO_PERIOD}")
    assert "county=" not in page.url
    page.locator(f".st-key-mt_drill_{county} button").click()
    page.wait_for_timeout(300)
    wait_for_script(page)
    assert f"county={county}" in page.url and "slide=counties" in page.url
    assert page.locator(".mt-scope").inner_text().startswith(name)
    page.screenshot(path=str(SHOTS / "meeting_drilled.png"))
    page.keyboard.press("Backspace")
    page.wait_for_timeout(300)
    wait_for_script(page)
    assert "county=" not in page.url
    assert page.locator(".st-key-mt_back").count() == 0


@pytest.mark.browser
def test_weekly_brief_downloads_from_the_slides(projector, tmp_path):
    from dashboard import safe
    from dashboard.brief import fonts

    _base, page, _county, name = projector
    open_slide(projector, "alerts")
    page.locator(".st-key-mt_controls [data-testid='stPopover'] button").first.click()
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / "meeting_brief.png"))
    buttons = {"下载周报 Excel": b"PK"}
    if fonts.cjk_font() is not None:
        buttons["下载周报 PDF"] = b"%PDF"
    for label, magic in buttons.items():
        with page.expect_download(timeout=120_000) as download:
            page.get_by_role("button", name=label).click()
        path = tmp_path / download.value.suggested_filename
        download.value.save_as(path)
        assert path.name.startswith(safe.file_name("周报", name, "2026年第3季度"))
        assert path.read_bytes()[: len(magic)] == magic
