"""One truth for 总览 and 慢病三色: the Counting rules, like-for-like periods, and the page, the
slides and the export showing the view model's numbers.

Hand-made database (tests/handmade.py), county A = 东镇 (V1, V2) + 西镇 (V3) + 空镇 (empty).
Chronic rows of A at 2026-03 (the end of 2026-Q1; there are no rows in 2026-02):
    p1 高血压 red   managed by township   → 推送不到位 (红标未上转)
    p1 糖尿病 green managed by village    → right level (p1 counts twice: 人次)
    p2 高血压 yellow managed by county    → 推送不到位
    p3 高血压 green managed by township   → 推送不到位 (p3 is new since 2025-12)
At 2025-12 (the previous end): p1 高血压 green, p1 糖尿病 green, p2 高血压 red, p4 糖尿病 yellow
(p4 leaves management before 2026-03).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from dashboard import export
from data_access.periods import Period
from data_access.scope import Scope
from tests import handmade as hm
from tests.dbs import dialect_params, loaded_database, sqlite_file
from views import chronic, labels, overview
from views.common import window, window_for
from views.jsonable import jsonable
from views.meeting import deck

APP = Path(__file__).resolve().parents[1] / "dashboard" / "frame.py"
PAGES = Path(__file__).resolve().parents[1] / "pages"
Q1 = Period.parse("2026-Q1")
COUNTY_A = Scope(hm.A)
HANDMADE_MONTHS = ["2025-12", "2026-01", "2026-02", "2026-03"]


@pytest.fixture(params=dialect_params())
def engine(request, tmp_path):
    with loaded_database(request.param, hm.ROWS, tmp_path) as eng:
        yield eng


@pytest.fixture(scope="module")
def sqlite_url(tmp_path_factory):
    path = tmp_path_factory.mktemp("views") / "handmade.sqlite"
    return sqlite_file(path, hm.ROWS)


# --- periods compared like with like ---------------------------------------------------------


def test_a_year_with_data_to_march_is_cut_and_compared_with_the_same_months():
    w = window(Period.parse("2026"), HANDMADE_MONTHS)
    assert w.label == "2026年（截至3月）"
    assert w.period.months == ("2026-01", "2026-02", "2026-03")
    assert w.previous.months == ("2025-01", "2025-02", "2025-03")
    assert w.previous_label == "2025年1–3月"
    assert not w.comparable
    assert w.no_change_reason == "2025年1–3月无数据，无法比较"


def test_a_previous_period_with_some_months_missing_gives_no_change():
    w = window(Q1, HANDMADE_MONTHS)  # 2025-Q4 has December only
    assert w.label == "2026年第1季度" and w.period.complete
    assert w.previous.months == ("2025-10", "2025-11", "2025-12")
    assert not w.comparable
    assert w.no_change_reason == "2025年第4季度数据不全（仅 1 个月有数据），无法同口径比较"


def test_a_quarter_cut_after_its_first_month_is_compared_with_the_first_month_before():
    w = window(Period.parse("2026-Q4"), ["2026-07", "2026-08", "2026-09", "2026-10"])
    assert w.label == "2026年第4季度（截至10月）"
    assert w.previous.months == ("2026-07",)
    assert w.comparable and w.no_change_reason is None


def test_overview_changes_only_like_for_like(engine):
    month = overview.build(engine, COUNTY_A, window_for(engine, Period.parse("2026-03")))
    fup = next(k for k in month.kpis if k.code == "fup")
    # 2026-03: (1 + 2) / (20 + 10) = 10 %; 2026-02: (1 + 0) / (20 + 5) = 4 % → +6 points
    assert fup.value == pytest.approx(10.0)
    assert fup.previous == pytest.approx(4.0)
    assert fup.change == pytest.approx(6.0)
    quarter = overview.build(engine, COUNTY_A, window_for(engine, Q1))
    htn = next(k for k in quarter.kpis if k.code == "htn")
    # `last`: 2026-02 is htn's last month with data in Q1: (35 + 12 + 9) / (50 + 20 + 10)
    assert htn.value == pytest.approx(70.0) and htn.month == "2026-02"
    assert htn.change is None
    assert htn.no_change_reason == "2025年第4季度数据不全（仅 1 个月有数据），无法同口径比较"


# --- the Counting rules ------------------------------------------------------------------------


def test_chronic_counts_rows_as_person_times_and_persons_for_one_disease(engine):
    w = window_for(engine, Q1)
    view = chronic.build(engine, COUNTY_A, w)
    assert view.month == "2026-03" and view.before == "2025-12"
    assert view.unit == "人次"
    assert view.total == 4  # p1 twice (two diseases), p2, p3
    assert (view.count("green"), view.count("yellow"), view.count("red")) == (2, 1, 1)
    one = chronic.build(engine, COUNTY_A, w, "hypertension")
    assert one.unit == "人" and one.total == 3


def test_mismatch_counts_rows_of_all_colours_with_the_red_part_named(engine):
    view = chronic.build(engine, COUNTY_A, window_for(engine, Q1))
    assert view.mismatch.mismatched == 3  # p1 高血压 red, p2 yellow, p3 green
    assert view.mismatch.red_not_up == 1  # p1 高血压 red at the township
    assert view.mismatch.share == pytest.approx(3 / 4)
    # the overview's alert and glance say the same
    ov = overview.build(engine, COUNTY_A, window_for(engine, Q1))
    alert = next(a for a in ov.alerts if a.key == "mismatch")
    assert (alert.count, alert.unit) == (3, "人次")
    assert "红标未上转 1 人次" in alert.subject
    assert ov.chronic.counts == {"green": 2, "yellow": 1, "red": 1}


def test_transitions_show_entries_and_exits_so_both_sides_add_up(engine):
    view = chronic.build(engine, COUNTY_A, window_for(engine, Q1))
    moves = view.transitions
    s = moves.summary
    # p1 高血压 green→red, p1 糖尿病 green→green, p2 red→yellow, p3 new, p4 gone
    assert (s.escalated, s.improved, s.unchanged, s.entered, s.left) == (1, 1, 1, 1, 1)
    assert moves.side("from_color") == {"green": 2, "yellow": 1, "red": 1}  # 2025-12 in A
    assert moves.side("to_color") == {"green": 2, "yellow": 1, "red": 1}  # 2026-03 in A
    assert sum(moves.side("to_color").values()) == view.total


# --- one number per label: slides and export ----------------------------------------------------


def test_slides_render_the_view_models(engine):
    w = window_for(engine, Q1)
    meeting = deck.build(engine, COUNTY_A, w)
    slides = {s.key: s for s in meeting.slides}
    view = chronic.build(engine, COUNTY_A, w)
    colors = slides["colors"]
    assert colors.total == view.total == 4
    assert colors.totals == {"green": 2, "yellow": 1, "red": 1}
    flows = slides["transitions"]
    assert flows.moved == {"worse": 1, "better": 1, "same": 1, "entered": 1, "left": 1}
    assert flows.before_sides == view.transitions.side("from_color")
    alerts = dict((subject[:5], count) for count, _unit, subject, _ in slides["alerts"].items)
    assert alerts["推送不到位"] == view.mismatch.mismatched == 3


@pytest.mark.parametrize("name,builder", [("overview", overview.build), ("chronic", chronic.build)])
def test_export_view_writes_the_model(sqlite_url, tmp_path, name, builder):
    out = tmp_path / f"{name}.json"
    code = export.main(
        [
            "--db",
            sqlite_url,
            "--period",
            "2026-Q1",
            "--county",
            hm.A,
            "--view",
            name,
            "-o",
            str(out),
        ]
    )
    assert code == 0
    written = json.loads(out.read_text(encoding="utf-8"))
    engine = sa.create_engine(sqlite_url)
    model = builder(engine, COUNTY_A, window_for(engine, Q1))
    engine.dispose()
    assert written == {"view": name, **json.loads(json.dumps(jsonable(model), ensure_ascii=False))}


def test_classic_export_counts_rows_for_the_mismatch(sqlite_url, tmp_path, capsys):
    assert export.main(["--db", sqlite_url, "--period", "2026-Q1", "--county", hm.A]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["mismatched"] == 3 and report["red_not_up"] == 1
    assert report["chronic_unit"] == "人次"


# --- the pages show the model ----------------------------------------------------------------


def run_page(monkeypatch, url: str, page: str, **params) -> AppTest:
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    monkeypatch.setenv("DASHBOARD_AUTH", "off")
    at = AppTest.from_file(str(APP), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(str(PAGES / page)).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_overview_page_shows_the_model(monkeypatch, sqlite_url):
    at = run_page(monkeypatch, sqlite_url, "overview.py", county=hm.A, period="2026-Q1")
    text = "\n".join(str(m.value) for m in at.markdown)
    assert "**3** 人次 推送不到位" in text
    assert "**红标** 1 人次（25.0%）" in text
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["高血压患者规范管理率"] == "70.0%"


def test_chronic_page_shows_the_model(monkeypatch, sqlite_url):
    def tab(key: str | None):  # each tab is drawn only when open (?tab= opens it)
        extra = {"tab": key} if key else {}
        at = run_page(monkeypatch, sqlite_url, "chronic.py", county=hm.A, period="2026-Q1", **extra)
        assert not at.exception, [e.message for e in at.exception]
        return at

    metrics = {m.label: m.value for m in tab(None).metric}
    assert metrics["在管慢病患者"] == "4 人次"
    text = "\n".join(str(m.value) for m in tab("mismatch").markdown)
    assert "推送不到位 **3** 人次" in text and "红标未上转 **1** 人次" in text
    metrics = {m.label: m.value for m in tab("trend").metric}
    assert metrics[labels.ENTERED_LABEL] == "1" and metrics[labels.LEFT_LABEL] == "1"
    assert "红标占比最高的村" in [h.value for h in tab("red").subheader]


def test_map_page_for_a_township_without_boundaries(monkeypatch, sqlite_url):
    # 西镇's only village (V3) has no boundary row: the map falls back to points and the
    # township outline is empty, which must not break the page.
    at = run_page(
        monkeypatch, sqlite_url, "grid_map.py", county=hm.A, township=hm.WEST, period="2026-Q1"
    )
    assert not at.error, [e.value for e in at.error]
