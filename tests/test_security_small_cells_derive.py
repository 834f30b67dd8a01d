"""Small cells that cannot be worked out: a reader holding everything a township role is shown
(pages, slides, the brief and `export --user`) tries to pin a masked count from a total minus
the other counts, and a rate over a few people. Every attempt must fail.

tests/test_security_small_cells_map.py's database, 西镇 at 2026-03 (all diseases, 人次):
- 㵲水村 V3 (一类): 25 rows, 3 red, 推送不到位 4 (p3 green by the township, 3 red by the
  township) — a township role sees red `<5` and 推送不到位 `<5`;
- 新寨村 V7 (二类): 2 rows, 1 red — everything `<5`;
- 大寨村 V8 (一类): 30 rows, 6 red, 推送不到位 0.
The derivations of issue 25 on today's code:
- 推送不到位 4 for 西镇 beside a list whose only village shows `<5` → V3's 4;
- 一类's 55 rows and 16.36% red (9) minus 大寨村's 6 red → V3's 3; 合计 57 − 一类 55 → 新寨村's 2;
- indicator rates of villages on 3 and 2 people (added here: signing 1/3 at V3 → 33.3%,
  2/2 at V8 → 100%; 高血压规范管理 1/3 at V3) shown to the township role.
"""

from __future__ import annotations

import copy
import io
import itertools
import re

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from data_access.map import SIGNING_INDICATOR
from data_access.periods import Period
from data_access.scope import Scope
from pages import grid_map_layers as map_layers
from tests import handmade as hm
from tests import test_security_small_cells_map as base
from tests.dbs import sqlite_file
from tests.test_security_small_cells_classes import signed_in
from tests.test_security_small_cells_map import (  # noqa: F401 (fixtures)
    COUNTY_ROLE,
    TOWNSHIP_ROLE,
    V7,
    V8,
    WEST,
    _export,
    default_threshold,
    users,
)
from views import grid_map
from views.common import window_for
from views.meeting import deck, village_slides

BELOW = 5


def rows() -> dict:
    out = base.rows()
    out["indicator"] = copy.deepcopy(out["indicator"]) + [
        {
            "indicator_code": SIGNING_INDICATOR,
            "name": "家庭医生签约率",
            "unit": "%",
            "higher_is_better": True,
            "period_agg": "last",
            "target": 70.0,
            "weight": 1.0,
        }
    ]
    out["indicator_value"] += [
        hm.indicator_value_row(SIGNING_INDICATOR, "village", hm.V3, "2026-03", 1, 3),
        hm.indicator_value_row(SIGNING_INDICATOR, "village", V8, "2026-03", 2, 2),
        hm.indicator_value_row(SIGNING_INDICATOR, "village", V7, "2026-03", 40, 50),
        hm.indicator_value_row("htn", "village", hm.V3, "2026-03", 1, 3),
    ]
    return out


@pytest.fixture(scope="module")
def db_url(tmp_path_factory):
    return sqlite_file(tmp_path_factory.mktemp("small_cells_derive") / "derive.sqlite", rows())


@pytest.fixture(scope="module")
def engine(db_url):
    import sqlalchemy as sa

    eng = sa.create_engine(db_url)
    yield eng
    eng.dispose()


# --- the reader --------------------------------------------------------------------------------


def _number(value) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).replace(",", "").strip()
    try:
        return float(text)
    except ValueError:
        return None


def pinned(total, cells: list) -> list[int]:
    """The masked small counts (`<5`) a reader can pin from a shown total and the shown cells
    (a small one is 1–4; one hidden to protect it, 不显示, is at least 5): the values of the
    small cells that only one solution allows."""
    total = _number(total)
    if total is None:
        return []
    residual = round(total - sum(_number(c) or 0 for c in cells if _number(c) is not None))
    hidden = [c for c in cells if _number(c) is None]
    small = [i for i, c in enumerate(hidden) if c == f"<{BELOW}"]
    if not small:
        return []
    ranges = [
        range(1, BELOW) if c == f"<{BELOW}" else range(BELOW, max(BELOW, residual) + 1)
        for c in hidden
    ]
    seen = [set() for _ in hidden]
    for combo in itertools.product(*ranges):
        if sum(combo) == residual:
            for i, v in enumerate(combo):
                seen[i].add(v)
    return [next(iter(seen[i])) for i in small if len(seen[i]) == 1]


def test_the_reader_pins_what_today_gives_away():
    assert pinned(4, ["<5"]) == [4]
    assert pinned(9, [6, "<5"]) == [3]
    assert pinned(8, ["<5", "<5"]) == [4, 4]
    assert pinned(9, ["不显示", "<5"]) == []
    assert pinned(6, ["不显示", "<5"]) == [1]  # 不显示 is at least 5
    assert pinned("<5", ["<5"]) == []


def known(*tables: list[dict], key: str, column: str) -> dict:
    """Per village (or class): the count as a reader holding every table knows it."""
    out: dict = {}
    for table in tables:
        for row in table:
            value = row.get(column)
            if _number(out.get(row[key])) is None:
                out[row[key]] = value
    return out


# --- 推送不到位 beside its village list ------------------------------------------------------------


def test_mismatch_total_does_not_give_the_one_masked_village_away(users, db_url, tmp_path):  # noqa: F811
    model = _export(db_url, tmp_path, "m_west", "--view", "chronic")
    m = model["mismatch"]
    cells = [r["mismatched"] for r in model["mismatch_villages"]["rows"]]
    assert "<5" in cells
    assert pinned(m["mismatched"], cells) == []
    for part in ("red_not_up",):
        assert pinned(m[part], cells) == []
    report = _export(db_url, tmp_path, "m_west")
    assert pinned(report["mismatched"], cells) == []


def test_mismatch_alert_of_overview_and_the_brief(users, db_url, engine, tmp_path):  # noqa: F811
    """总览's alert and the brief's 需要关注 slide carry the same count (4 on today's code)."""
    villages = _export(db_url, tmp_path, "m_west", "--view", "chronic")["mismatch_villages"]
    cells = [r["mismatched"] for r in villages["rows"]]
    shown = _export(db_url, tmp_path, "m_west", "--view", "overview")
    alert = next(a for a in shown["alerts"] if a["key"] == "mismatch")
    assert pinned(alert["count"], cells) == [] and "红标未上转 <5" in alert["subject"]
    assert pinned(shown["chronic"]["mismatch"]["mismatched"], cells) == []
    deck_json = _export(db_url, tmp_path, "m_west", "--view", "meeting")
    slide = next(s for s in deck_json["slides"] if s["key"] == "alerts")
    counts = [item[0] for item in slide["parts"]["items"] if "推送不到位" in item[2]]
    assert counts and all(pinned(c, cells) == [] for c in counts)
    window = window_for(engine, Period.parse("2026-Q1"))
    from dashboard import brief

    book = openpyxl.load_workbook(io.BytesIO(brief.xlsx_bytes(engine, WEST, window, WEST)))
    rows = [r for r in book["需要关注"].iter_rows(values_only=True) if r and "推送不到位" in str(r)]
    assert rows and all("<5" in r for r in rows), rows


def test_mismatch_tab_of_the_page(users, db_url, monkeypatch):  # noqa: F811
    monkeypatch.setenv("DASHBOARD_DB_URL", db_url)
    monkeypatch.delenv("DASHBOARD_AUTH", raising=False)
    from dashboard import navigation
    from pages import chronic_state

    at = signed_in("m_west", period="2026-03")
    at.session_state[chronic_state.S_CHRONIC_TAB] = "mismatch"
    at.switch_page(str(navigation.PAGES_DIR / navigation.VIEWS["chronic"][0])).run()
    assert not at.exception, [e.message for e in at.exception]
    text = "\n".join(str(m.value) for m in at.markdown)
    headline = re.search(r"推送不到位 \*\*([^*]+)\*\*", text)
    assert headline, text
    table = next(d.value for d in at.dataframe if "村" in d.value.columns)
    column = next(c for c in table.columns if c.startswith("推送不到位"))
    assert "<5" in table[column].tolist()
    assert pinned(headline.group(1), table[column].tolist()) == []


def test_county_role_still_sees_the_mismatch_figures(users, db_url, tmp_path):  # noqa: F811
    model = _export(db_url, tmp_path, "m_county", "--view", "chronic", "--township", hm.WEST)
    assert model["mismatch"]["mismatched"] == 4
    assert [r["mismatched"] for r in model["mismatch_villages"]["rows"]] == [4]


# --- a class's red share and the other villages -------------------------------------------------


def _class_slide_sheet(engine) -> list[dict]:
    window = window_for(engine, Period.parse("2026-03"))
    src = deck.DirectSources(engine, WEST, window, TOWNSHIP_ROLE, BELOW)
    slide = village_slides.classes(src, deck.Meeting(deck.header(engine, WEST), window))
    return slide.sheets["一类二类村"].to_dict("records")


def test_class_red_share_and_the_other_villages_give_nothing_away(users, db_url, engine, tmp_path):  # noqa: F811
    shown_map = _export(db_url, tmp_path, "m_west", "--view", "map")
    shown_chronic = _export(db_url, tmp_path, "m_west", "--view", "chronic")
    villages = shown_map["villages"]
    red = known(villages, shown_chronic["red_villages"], key="village_code", column="red")
    patients = known(villages, shown_chronic["red_villages"], key="village_code", column="patients")
    classes = {r["village_class"]: r for r in shown_map["classes"]}
    sheet = {1: _class_slide_sheet(engine)[0], 2: _class_slide_sheet(engine)[1]}
    for c in (1, 2):
        members = [v["village_code"] for v in villages if v["village_class"] == c]
        share = _number(sheet[c]["红标占比（%）"])
        if share is None:
            share = 100 * (_number(classes[c]["red_share"]) or float("nan"))
        class_patients = _number(classes[c]["patients"])
        class_red = _number(classes[c]["red"])
        if class_red is None and class_patients is not None and share == share:
            class_red = round(share * class_patients / 100)
        assert pinned(class_red, [red[v] for v in members]) == [], c
        assert pinned(class_patients, [patients[v] for v in members]) == [], c
    # the township's total (合计, also 在管 on 慢病三色) over the two classes and the villages
    total = classes[0]
    assert pinned(total["patients"], [classes[1]["patients"], classes[2]["patients"]]) == []
    assert pinned(total["red"], [classes[1]["red"], classes[2]["red"]]) == []
    assert pinned(total["red"], list(red.values())) == []
    assert pinned(total["patients"], list(patients.values())) == []


def test_class_mix_on_the_chronic_page_gives_nothing_away(users, db_url, tmp_path):  # noqa: F811
    """按村类别 per colour beside the township's colour totals: 二类 is 新寨村 alone."""
    model = _export(db_url, tmp_path, "m_west", "--view", "chronic")
    totals = {r["color"]: r["patients"] for r in model["distribution"]}
    for color in ("green", "red"):
        cells = [r["patients"] for r in model["by_class"] if r["color"] == color]
        assert "<5" in cells and pinned(totals[color], cells) == [], (color, cells)


def test_county_role_still_sees_the_class_figures(users, db_url, tmp_path):  # noqa: F811
    model = _export(db_url, tmp_path, "m_county", "--view", "map", "--township", hm.WEST)
    classes = {r["village_class"]: r for r in model["classes"]}
    assert (classes[1]["patients"], classes[1]["red"]) == (55, 9)
    assert {v["village_code"]: v["red"] for v in model["villages"]} == {hm.V3: 3, V7: 1, V8: 6}


# --- rates on tiny denominators -----------------------------------------------------------------


def test_village_rates_over_a_few_people_are_not_shown(users, db_url, engine, tmp_path):  # noqa: F811
    villages = {
        v["village_code"]: v
        for v in _export(db_url, tmp_path, "m_west", "--view", "map")["villages"]
    }
    for code in (hm.V3, V8):  # 1/3 and 2/2
        v = villages[code]
        assert v["sign_rate"] is None and v["sign_num"] is None and v["sign_den"] is None, v
    assert villages[V7]["sign_rate"] == pytest.approx(80.0)  # 40/50: enough people
    view = grid_map.build(engine, WEST, window_for(engine, Period.parse("2026-03")))
    _colours, texts, _legend = map_layers.fills(view, "signing", BELOW)
    shown = dict(zip(view.villages["village_code"], texts, strict=True))
    assert "33.3" not in shown[hm.V3] and "100.0" not in shown[V8]
    assert shown[V7] == "80.0%"
    county = {
        v["village_code"]: v
        for v in _export(db_url, tmp_path, "m_county", "--view", "map", "--township", hm.WEST)[
            "villages"
        ]
    }
    assert county[hm.V3]["sign_rate"] == pytest.approx(100 / 3)


def _panel_script(url: str, visible, village: str) -> None:
    import streamlit as st

    from dashboard import data, database, state
    from data_access.engine import create_readonly_engine
    from data_access.periods import Period
    from data_access.scope import Scope
    from pages import grid_map_village_panel as panel
    from views.common import window_for

    db = database.Database(url, create_readonly_engine(url), builds_demo=False)
    data.set_database(db)
    scope = Scope("990101", ("990101002",))
    window = window_for(db.engine, Period.parse("2026-03"))
    state.set_current(state.Filters(scope, window, visible))
    panel.render(scope, window, village)
    st.write("done")


@pytest.mark.parametrize(("visible", "hidden"), [(TOWNSHIP_ROLE, True), (COUNTY_ROLE, False)])
def test_village_panel_rates_and_counts(db_url, visible, hidden):
    at = AppTest.from_function(
        _panel_script, args=(db_url, visible, hm.V3), default_timeout=120
    ).run()
    assert not at.exception, [e.message for e in at.exception]
    cells = [str(v) for d in at.dataframe for v in d.value.astype(str).to_numpy().ravel()]
    if hidden:
        assert not any("33.3" in c for c in cells), cells
    else:
        assert any("33.3" in c for c in cells), cells
    at8 = AppTest.from_function(
        _panel_script, args=(db_url, visible, V8), default_timeout=120
    ).run()
    text = "\n".join(str(e.value) for e in (*at8.markdown, *at8.caption))
    cells8 = [str(v) for d in at8.dataframe for v in d.value.astype(str).to_numpy().ravel()]
    if hidden:  # 大寨村's 6 red would give 㵲水村's 3 away with the class's 9
        assert "红标 **6**" not in text and not any("100.0" in c for c in cells8)
    else:
        assert "红标 **6**" in text


def test_scope_of_these_tests_is_the_township():
    assert Scope(hm.A, (hm.WEST,)) == WEST == TOWNSHIP_ROLE
