"""县区排名 as a view model (views.rankings): scores, ties, decimals, like-for-like rank changes
and 失分 on hand-made rows, expected figures worked out by hand below; then the page, the
slides and the export shown to render that one model.

Small database here: indicators i1 (higher is better, target 80, weight 3, `last`) and i2
(higher is better, target 50, weight 1, `sum`); counties X, Y, W (Y and W tie, reached with
different numerators and denominators) and Z (no i2 rows), one village each; May and June 2026.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from dashboard import export, navigation
from dashboard.charts import ranking_tables as tables
from data_access.periods import Period
from data_access.scope import Scope
from tests import handmade as hm
from tests.dbs import dialect_params, loaded_database, sqlite_file
from tests.rankings_page import shown_league
from views import rankings
from views.common import window, window_for
from views.jsonable import jsonable
from views.meeting import deck

X, Y, W, Z = "990301", "990302", "990303", "990304"
MAY, JUNE, Q2 = Period.parse("2026-05"), Period.parse("2026-06"), Period.parse("2026-Q2")
MONTHS = ("2026-05", "2026-06")


def _iv(code, county, month, num, den):
    return hm.indicator_value_row(code, "village", county + "001001", month, num, den)


def _indicator(code, agg, target, weight):
    return {
        "indicator_code": code,
        "name": {"i1": "规范管理率", "i2": "控制率"}[code],
        "unit": "%",
        "higher_is_better": True,
        "period_agg": agg,
        "target": target,
        "weight": weight,
    }


ROWS = {
    "county": [
        {"county_code": c, "name": n, "prefecture": "测试州"}
        for c, n in [(X, "甲县"), (Y, "乙县"), (W, "丙县"), (Z, "丁县")]
    ],
    "township": [
        {"township_code": c + "001", "county_code": c, "name": f"{c}镇", "health_center": "院"}
        for c in (X, Y, W, Z)
    ],
    "village": [
        {
            "village_code": c + "001001",
            "township_code": c + "001",
            "name": f"{c}村",
            "village_class": 1,
            "population": 100,
            "key_population": 10,
        }
        for c in (X, Y, W, Z)
    ],
    "indicator": [_indicator("i1", "last", 80.0, 3.0), _indicator("i2", "sum", 50.0, 1.0)],
    "indicator_value": [
        # May: X i1 80% (1), i2 40% (0.8) → 100 × (3 + 0.8) / 4 = 95; Y and W 100; Z i1 72%
        # (0.9) alone → 90. Ranks Y 1, W 1, X 3, Z 4.
        _iv("i1", X, "2026-05", 80, 100),
        _iv("i2", X, "2026-05", 40, 100),
        _iv("i1", Y, "2026-05", 8, 10),
        _iv("i2", Y, "2026-05", 5, 10),
        _iv("i1", W, "2026-05", 16, 20),
        _iv("i2", W, "2026-05", 10, 20),
        _iv("i1", Z, "2026-05", 72, 100),
        # June: X i1 80% (1), i2 49.92% (0.9984) → 99.96; Y i2 49.84% (0.9968) → 99.92;
        # W the same 49.84% from other counts → 99.92 (a tie); Z i1 60% (0.75) alone → 75.
        _iv("i1", X, "2026-06", 80, 100),
        _iv("i2", X, "2026-06", 4992, 10000),
        _iv("i1", Y, "2026-06", 8, 10),
        _iv("i2", Y, "2026-06", 4984, 10000),
        _iv("i1", W, "2026-06", 160, 200),
        _iv("i2", W, "2026-06", 1246, 2500),
        _iv("i1", Z, "2026-06", 60, 100),
    ],
}


@pytest.fixture(scope="module", params=dialect_params())
def engine(request, tmp_path_factory):
    with loaded_database(request.param, ROWS, tmp_path_factory.mktemp(request.param)) as eng:
        yield eng


def _rows(league):
    return {r.area_code: r for r in league.table.itertuples(index=False)}


def test_scores_ties_decimals_and_changes(engine):
    view = rankings.build(engine, Scope(), window(JUNE, MONTHS))
    t = _rows(view.counties)
    assert t[X].score == pytest.approx(99.96)
    assert t[Y].score == pytest.approx(99.92) and t[W].score == pytest.approx(99.92)
    assert t[Z].score == pytest.approx(75.0)
    assert [t[c].rank for c in (X, Y, W, Z)] == [1, 2, 2, 4]  # Y and W share a rank
    # One decimal would show X and Y both as 99.9; two separate them. Every score, the same.
    assert view.counties.decimals == 2
    assert [t[c].score_text for c in (X, Y, W, Z)] == ["99.96", "99.92", "99.92", "75.00"]
    assert view.counties.score_words(99.999) == "99.99"  # cut, never read as full marks
    # June against May (comparable): X 3 → 1, Y and W 1 → 2, Z 4 → 4.
    assert view.counties.comparable
    assert [t[c].change_text for c in (X, Y, W, Z)] == ["↑2", "↓1", "↓1", "持平"]
    assert [t[c].rank_change for c in (X, Y, W, Z)] == [2, -1, -1, 0]


def test_no_rank_change_when_the_previous_period_is_incomplete(engine):
    # Q2 is cut to May–June; the same months of Q1 have no data: not comparable.
    win = window(Q2, MONTHS)
    assert not win.comparable
    view = rankings.build(engine, Scope(X), win)
    league = view.counties
    assert not league.comparable and league.no_change_reason == win.no_change_reason
    assert league.table["rank_change"].isna().all()
    assert league.table["previous_rank"].isna().all()
    assert set(league.table["change_text"]) == {rankings.CHANGE_INCOMPLETE}
    assert set(view.townships.table["change_text"]) == {rankings.CHANGE_INCOMPLETE}


def test_points_lost_per_indicator(engine):
    view = rankings.build(engine, Scope(), window(JUNE, MONTHS))
    lost = {(r.area_code, r.indicator_code): r for r in view.counties.lost.itertuples()}
    # X: Σweight 4 → i1 is worth 75 points, i2 25. i1 attained → 0 lost; i2 25 × (1 − 0.9984).
    assert lost[(X, "i1")].full == pytest.approx(75.0) and lost[(X, "i1")].lost == pytest.approx(0)
    assert lost[(X, "i2")].full == pytest.approx(25.0)
    assert lost[(X, "i2")].lost == pytest.approx(0.04)
    assert lost[(Y, "i2")].lost == pytest.approx(0.08) and lost[(W, "i2")].lost == pytest.approx(
        0.08
    )
    # Z has no i2 value: i1 alone is worth 100 points; 100 × (1 − 0.75) = 25 lost.
    assert lost[(Z, "i1")].full == pytest.approx(100.0) and lost[(Z, "i1")].lost == pytest.approx(
        25
    )
    assert (Z, "i2") not in lost
    # Σ lost = 100 − score, and the table lists the area that lost most first.
    totals = view.counties.lost.groupby("area_code")["lost"].sum()
    for r in view.counties.table.itertuples():
        assert totals[r.area_code] == pytest.approx(100 - r.score)
    assert view.counties.lost["area_code"].iloc[0] == Z
    assert lost[(X, "i2")].value_text == "49.9%"  # below 50 at one decimal already
    assert lost[(X, "i2")].attainment_text == "99.8%"


def test_values_show_the_digit_that_decides_the_band():
    target_66 = (66 * 0.9, 66.0)
    assert rankings.decisive_text(65.97, "%", target_66) == "65.97%"  # 66.0% would read 达标
    assert rankings.decisive_text(66.04, "%", target_66) == "66.04%"  # above, not on, 66
    assert rankings.decisive_text(99.95, "%", (90.0, 100.0)) == "99.95%"
    assert rankings.decisive_text(None, "%", target_66) == "—"


def test_what_if_is_its_own_builder(engine):
    win = window(JUNE, MONTHS)
    moved = rankings.what_if(engine, Scope(), win, "county", {"i1": 0, "i2": 1})
    t = {r.area_code: r for r in moved.table.itertuples()}
    # i2 alone: X 99.84, Y and W 99.68, Z unranked.
    assert t[X].score == pytest.approx(99.84) and t[Y].score == pytest.approx(99.68)
    assert [t[c].rank for c in (X, Y, W)] == [1, 2, 2] and pd.isna(t[Z].rank)
    assert not moved.official and moved.ups == 0 and moved.downs == 0
    # The what-if scores are a league of their own: one decimal keeps 99.84 and 99.68 apart.
    assert moved.decimals == 1
    assert [t[c].score_text for c in (X, Y, W, Z)] == ["99.8", "99.6", "99.6", "—"]
    same = rankings.what_if(engine, Scope(), win, "county", {"i1": 3, "i2": 1})
    assert same.official


def test_what_if_shows_official_scores_as_the_league_does(engine):
    win = window(JUNE, MONTHS)
    league = rankings.build(engine, Scope(), win).counties
    official = dict(zip(league.table["area_code"], league.table["score_text"], strict=True))
    assert official == {X: "99.96", Y: "99.92", W: "99.92", Z: "75.00"}
    # i1 4 : i2 1 → X 100 × (4 + 0.9984) / 5 = 99.968, Y and W (4 + 0.9968) / 5 = 99.936,
    # Z i1 alone 75. Counted over both columns, 99.968 next to the official 99.96 would
    # need three decimals and the official column would read 99.960 (the league says 99.96).
    moved = rankings.what_if(engine, Scope(), win, "county", {"i1": 4, "i2": 1})
    t = {r.area_code: r for r in moved.table.itertuples()}
    assert moved.official_decimals == league.decimals == 2
    assert {c: t[c].official_text for c in (X, Y, W, Z)} == official
    # The what-if scores by the same rule: two decimals part 99.968 (99.96) and 99.936 (99.93).
    assert moved.decimals == 2
    assert [t[c].score_text for c in (X, Y, W, Z)] == ["99.96", "99.93", "99.93", "75.00"]
    shown = tables.what_if_frame(moved, league.area_label)  # the what-if tab's table
    assert shown["官方得分"].tolist() == [official[c] for c in moved.table["area_code"]]
    assert shown["模拟得分"].tolist() == moved.table["score_text"].tolist()


# --- renderers: the page, the slides and the export show the one model --------------------------

APP = Path(__file__).resolve().parents[1] / "dashboard" / "frame.py"
TIMEOUT_S = 120


@pytest.fixture(scope="module")
def handmade_url(tmp_path_factory):
    path = tmp_path_factory.mktemp("rank_app") / "handmade.sqlite"
    return sqlite_file(path, hm.ROWS)


def _model(url: str, scope: Scope, period: str):
    engine = sa.create_engine(url)
    try:
        return engine, rankings.build(engine, scope, window_for(engine, Period.parse(period)))
    finally:
        engine.dispose()


def test_handmade_ties_and_incomplete_quarter(handmade_url):
    engine, view = _model(handmade_url, Scope(hm.A), "2026-Q1")
    t = _rows(view.counties)
    # tests/test_queries.py: A 100 × (2 + 85/90 + 0.9) / 4 = 96.11…, B 95, C 100, D 100.
    assert [t[c].rank for c in (hm.C, hm.D, hm.A, hm.B)] == [1, 1, 3, 4]
    assert pd.isna(t[hm.E].rank)
    assert [t[c].score_text for c in (hm.C, hm.A, hm.B)] == ["100.0", "96.1", "95.0"]
    # 2025-Q4 has data in December only: no rank change, 数据不全.
    assert t[hm.A].change_text == rankings.CHANGE_INCOMPLETE and pd.isna(t[hm.A].rank_change)
    assert t[hm.E].change_text == "—"  # not ranked now


def test_page_slides_and_export_render_the_model(monkeypatch, handmade_url, tmp_path):
    # February against January (comparable). A: htn 56/80 → 1, fup 1/25 = 4% → 1, pvs 50% → 1:
    # 100. B: htn 60% → 1, pvs 30% → 0.6 → 100 × 2.6/3 = 86.66…; D fup 0% → 100; C none.
    # January: B 100 × (2 × 5/6 + 1 + 1)/4 = 91.66… first, A 100 × (2 + 0.6 + 0.8)/4 = 85.
    _engine, view = _model(handmade_url, Scope(hm.A), "2026-02")
    t = _rows(view.counties)
    assert [t[c].rank for c in (hm.A, hm.D, hm.B)] == [1, 1, 3]
    assert [t[c].change_text for c in (hm.A, hm.D, hm.B)] == ["↑1", "新", "↓2"]
    assert t[hm.B].score_text == "86.6"  # cut at the model's one decimal

    monkeypatch.setenv("DASHBOARD_DB_URL", handmade_url)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.query_params.update({"county": hm.A, "period": "2026-02"})
    at.run()
    file, _title, _icon = navigation.VIEWS["rankings"]
    at.switch_page(str(navigation.PAGES_DIR / file)).run()
    assert not at.exception, [e.message for e in at.exception]
    shown = shown_league(at)
    model = view.counties.table
    assert shown["名次"].tolist() == [rankings.rank_text(r) for r in model["rank"]]
    assert shown["综合得分"].tolist() == model["score_text"].tolist()
    assert shown["较上期"].tolist() == model["change_text"].tolist()

    engine = sa.create_engine(handmade_url)
    meeting = deck.build(engine, Scope(hm.A), view.window)
    slides = {s.key: s for s in meeting.slides}
    engine.dispose()
    for key, league in (("counties", view.counties), ("townships", view.townships)):
        rows = slides[key].league
        assert rows["score_text"].tolist() == league.table["score_text"].tolist(), key
        assert rows["rank"].tolist() == league.table["rank"].tolist(), key
        sheet = next(iter(slides[key].sheets.values()))
        # The sheet stores the number the text shows (cut, not rounded; empty for —).
        numbers = [None if t == "—" else float(t) for t in league.table["score_text"]]
        stored = [None if pd.isna(v) else v for v in sheet["综合得分"]]
        assert stored == numbers, key

    out = tmp_path / "rankings.json"
    args = ["--db", handmade_url, "--period", "2026-02", "--county", hm.A]
    assert export.main([*args, "--view", "rankings", "-o", str(out)]) == 0
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written.pop("view") == "rankings"
    assert written == json.loads(json.dumps(jsonable(view), ensure_ascii=False))


def test_page_state_is_in_the_url(monkeypatch, handmade_url):
    monkeypatch.setenv("DASHBOARD_DB_URL", handmade_url)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.query_params.update({"county": hm.A, "period": "2026-02"})
    at.run()
    file, _title, _icon = navigation.VIEWS["rankings"]
    at.query_params.update({"tab": "drill", "indicator": "fup", "measure": "lost"})
    at.switch_page(str(navigation.PAGES_DIR / file)).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="w_rank_indicator").value == "fup"
    assert at.query_params["tab"] == ["drill"] or at.query_params["tab"] == "drill"
