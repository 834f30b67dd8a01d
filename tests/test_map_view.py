"""views.grid_map on hand-made rows (every figure worked out by hand below), and the one-truth
checks: the 网格地图 page, the 二类村与一类村 slide and `export --view map` show the model.

Rows: tests/handmade.py plus a village signing indicator (fd_sign) and one 一类 village far
out on a poor road (at odds with its class).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from dashboard import export
from data_access.periods import Period
from data_access.scope import Scope
from pages import grid_map_layers, grid_map_tables
from tests import handmade as hm
from tests.dbs import dialect_params, loaded_database, sqlite_file
from views import grid_map, grid_map_village
from views.common import window_for
from views.jsonable import jsonable
from views.meeting import deck, village_slides

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"
TIMEOUT_S = 120  # a cold first run imports plotly, pandas, folium and the drivers
COUNTY_A = Scope(hm.A)


def rows():
    out = copy.deepcopy(hm.ROWS)
    out["indicator"].append(
        {
            "indicator_code": "fd_sign",
            "name": "家庭医生签约率",
            "unit": "%",
            "higher_is_better": True,
            "period_agg": "last",
            "target": 45.0,
            "weight": 0.0,  # kept out of the county ranking the other tests work out
        }
    )
    for area, month, num, den in [
        (hm.V1, "2026-02", 300, 1000),
        (hm.V1, "2026-03", 400, 1000),  # V1's last month in Q1: 40%
        (hm.V2, "2026-03", 100, 500),  # 20%
        (hm.V3, "2026-01", 200, 800),  # only January: 25%
    ]:
        out["indicator_value"].append(
            hm.indicator_value_row("fd_sign", "village", area, month, num, den)
        )
    for village in out["village"]:
        if village["village_code"] == hm.V3:  # 一类 but 12.5 km out on a poor road
            village.update(distance_km=12.5, road="poor")
    return out


@pytest.fixture(scope="module", params=dialect_params())
def engine(request, tmp_path_factory):
    with loaded_database(request.param, rows(), tmp_path_factory.mktemp(request.param)) as eng:
        yield eng


def q1(engine):
    return window_for(engine, Period.parse("2026-Q1"))


def by_village(view):
    return view.villages.set_index("village_code")


def by_class(view):
    return view.classes.set_index("village_class")


def test_every_layer_per_village(engine):
    view = grid_map.build(engine, COUNTY_A, q1(engine))
    v = by_village(view)
    assert v.index.tolist() == [hm.V1, hm.V2, hm.V3]
    # Q1 services: T1 10 + 5 + 4 + 2 = 21 over V1 (1,000) and V2 (500) → 14 and 7;
    # T2 7 + 3 = 10 for V3 (800). Per 1,000: 14, 14, 12.5.
    assert v["services"].tolist() == pytest.approx([14.0, 7.0, 10.0])
    assert view.values("services").tolist() == pytest.approx([14.0, 14.0, 12.5])
    # 2026-03 (the period's end month; February has no chronic rows), all diseases in 人次:
    # V1 p1 htn red + p1 diabetes green → 1/2; V2 p2 yellow → 0; V3 p3 green → 0.
    assert view.chronic_month == "2026-03"
    assert view.values("red_share").tolist() == pytest.approx([0.5, 0.0, 0.0])
    # signing at each village's last month with data: 400/1000, 100/500, 200/800
    assert view.values("signing").tolist() == pytest.approx([40.0, 20.0, 25.0])
    # 2026 funds: V1 50,000 / 1,000, V2 40,000 / 500; V3 has no row → no value, not 0
    funding = view.values("funding")
    assert funding.iloc[:2].tolist() == pytest.approx([50.0, 80.0]) and pd.isna(funding.iloc[2])
    assert view.values("class").tolist() == [1, 2, 1]
    assert view.empty_layers == () and not view.period_is_empty


def test_class_comparison(engine):
    view = grid_map.build(engine, COUNTY_A, q1(engine))
    c = by_class(view)
    assert c.index.tolist() == [1, 2, 0]
    assert c["villages"].tolist() == [2, 1, 3]
    assert c["population"].tolist() == [1800, 500, 2300]
    assert c["key_population"].tolist() == [550, 200, 750]
    # services: 一类 (14 + 10) / 1,800 × 1,000; 二类 7 / 500 × 1,000; all 31 / 2,300 × 1,000
    assert c["services_per_1000"].tolist() == pytest.approx([24000 / 1800, 14.0, 31000 / 2300])
    # red rows over all rows at 2026-03: 一类 1 of 3, 二类 0 of 1, all 1 of 4
    assert c["red_share"].tolist() == pytest.approx([1 / 3, 0.0, 0.25])
    assert c["sign_rate"].tolist() == pytest.approx([600 / 18, 20.0, 700 / 23])
    # funds only over villages with a row: 一类 50,000 / 1,000 (V3 has none), 二类 80,
    # all 90,000 / 1,500
    assert c["funded_population"].tolist() == [1000, 500, 1500]
    assert c["funding_per_capita"].tolist() == pytest.approx([50.0, 80.0, 60.0])
    assert view.tilt["funding_per_capita"] == pytest.approx(1.6)
    assert view.tilt["services_per_1000"] == pytest.approx(14 / (24000 / 1800))
    assert view.mismatches["village_code"].tolist() == [hm.V3]
    assert view.mismatches["reason"].tolist() == ["remote_class1"]
    assert view.townships[["township_code", "villages"]].values.tolist() == [
        [hm.EAST, 2],
        [hm.WEST, 1],
    ]


def test_no_change_when_the_previous_period_is_incomplete(engine):
    view = grid_map.build(engine, COUNTY_A, q1(engine))
    # 2025-Q4 has data only in December
    assert view.class_changes is None and view.previous_classes is None
    assert view.no_change_reason == "2025年第4季度数据不全（仅 1 个月有数据），无法同口径比较"


def test_change_against_a_complete_previous_period(engine):
    view = grid_map.build(engine, COUNTY_A, window_for(engine, Period.parse("2026-03")))
    ch = view.class_changes.set_index("village_class")
    # March: T1 2 → V1 4/3, V2 2/3; T2 3 → V3. February: T1 4 → V1 8/3, V2 4/3; T2 7 → V3.
    # 一类 (4/3 + 3 − 8/3 − 7) / 1,800 × 1,000; 二类 (2/3 − 4/3) / 500 × 1,000
    assert ch.at[1, "services_per_1000"] == pytest.approx((4 / 3 + 3 - 8 / 3 - 7) / 1.8)
    assert ch.at[2, "services_per_1000"] == pytest.approx(-4 / 3)
    # signing 一类: March 400/1000 (V3 has no March row) − February 300/1000 = +10 pp;
    # 二类: February has no row → none
    assert ch.at[1, "sign_rate"] == pytest.approx(10.0)
    assert pd.isna(ch.at[2, "sign_rate"])
    # February has no chronic rows: no red share to compare with
    assert ch["red_share"].isna().all()


def test_village_panel_matches_the_map(engine):
    window = q1(engine)
    panel = grid_map_village.village_panel(engine, COUNTY_A, window, hm.V1)
    services = panel.services.set_index("service_type")
    # T1 in Q1: follow_up 15, health_check 2, sign 4; V1 holds 1,000 of T1's 1,500 residents
    assert services["team_services"].to_dict() == {"follow_up": 15, "health_check": 2, "sign": 4}
    assert services["services"].to_dict() == pytest.approx(
        {"follow_up": 10.0, "health_check": 4 / 3, "sign": 8 / 3}
    )
    assert panel.village_share == pytest.approx(2 / 3) and panel.team_residents == 1500
    assert "按服务人口分摊自团队" in panel.services_note and "66.7%" in panel.services_note
    assert panel.chronic_month == "2026-03"
    assert panel.color_totals == {"green": 1, "yellow": 0, "red": 1}
    assert panel.figures["red_share"] == pytest.approx(0.5)
    assert panel.figures["services_per_1000"] == pytest.approx(14.0)
    assert sum(panel.services["services"]) == pytest.approx(panel.figures["services"])
    values = panel.indicators.set_index("indicator_code")["value"]
    assert values["fd_sign"] == pytest.approx(40.0)
    # a village outside the scope has no panel here
    assert grid_map_village.village_panel(engine, COUNTY_A, window, hm.V4) is None


def test_a_scope_without_villages(engine):
    view = grid_map.build(engine, Scope(hm.E), q1(engine))
    assert not view.has_villages and view.classes.empty


def test_classes_slide_formats_the_model(engine):
    window = q1(engine)
    src = deck.DirectSources(engine, COUNTY_A, window)
    m = deck.Meeting(deck.header(engine, COUNTY_A), window)
    slide = village_slides.classes(src, m)
    view = src.grid_map()
    assert slide.parts["per_capita"] == {1: 50.0, 2: 80.0}
    assert slide.parts["red_share"] == pytest.approx({1: 1 / 3, 2: 0.0})
    for c in (1, 2):
        assert slide.parts["per_capita"][c] == view.class_figure(c, "funding_per_capita")
        assert slide.parts["services"][c] == view.class_figure(c, "services_per_1000")
    assert slide.message == "二类村人均经费 80.0 元，高于一类村的 50.0 元（是其 1.60 倍）"
    assert dict(slide.parts["rows"])["村（网格）"] == {1: "2 个", 2: "1 个"}
    sheet = slide.sheets["一类二类村"]
    assert sheet["重点人群"].tolist() == [550, 200]
    assert sheet["有经费记录村的常住人口"].tolist() == [1000, 500]


# --- the renderers show the model ----------------------------------------------------------------


@pytest.fixture(scope="module")
def sqlite_url(tmp_path_factory):
    path = tmp_path_factory.mktemp("map_view") / "handmade.sqlite"
    return sqlite_file(path, rows())


def test_export_view_map_is_the_model(sqlite_url, tmp_path, capsys):
    out = tmp_path / "map.json"
    code = export.main(
        [
            "--db",
            sqlite_url,
            "--period",
            "2026-Q1",
            "--county",
            hm.A,
            "--view",
            "map",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    engine = sa.create_engine(sqlite_url)
    try:
        model = grid_map.build(engine, COUNTY_A, q1(engine))
    finally:
        engine.dispose()
    expected = json.loads(json.dumps({"view": "map", **jsonable(model)}, ensure_ascii=False))
    assert json.loads(out.read_text(encoding="utf-8")) == expected


def _app(monkeypatch, url: str, **params) -> AppTest:
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    for key, value in {"county": hm.A, "period": "2026-Q1", **params}.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(str(APP.parents[1] / "pages" / "grid_map.py")).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    """The first table on the page with that column."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


@pytest.mark.parametrize(
    ("period", "unit", "v1"),
    [
        ("2026-Q1", "次/千人·季", "14"),  # T1's 21 Q1 services: 14 for V1's 1,000 of 1,500
        ("2026-03", "次/千人·月", "1"),  # March: T1's 2 → 4/3 for V1 per 1,000 → 1.33
    ],
)
def test_services_layer_names_its_period(sqlite_url, period, unit, v1):
    """Legend and tooltip say 次/千人 per the period, as 团队工作量 does (每千人服务量（次/千人·季）)."""
    engine = sa.create_engine(sqlite_url)
    try:
        view = grid_map.build(engine, COUNTY_A, window_for(engine, Period.parse(period)))
    finally:
        engine.dispose()
    _colours, texts, legend = grid_map_layers.fills(view, "services")
    assert legend.title == f"每千人服务量（{unit}）"
    assert texts[0] == f"{v1} {unit}"  # V1's tooltip line
    assert grid_map.LAYERS["services"].unit_for(view.window.period.kind) == unit
    # the class table beside the map, in the same unit
    table = grid_map_tables.class_table(grid_map.class_comparison(view), view.window.period.kind)
    assert f"每千人服务量（{unit}）" in table["指标"].tolist()


def test_page_shows_the_model(monkeypatch, sqlite_url):
    at = _app(monkeypatch, sqlite_url)
    engine = sa.create_engine(sqlite_url)
    try:
        view = grid_map.build(engine, COUNTY_A, q1(engine))
    finally:
        engine.dispose()
    table = frame_with(at, "指标").set_index("指标")
    c = by_class(view)
    assert table.at["人均经费（元/人）", "一类村"] == f"{c.at[1, 'funding_per_capita']:,.1f}"
    assert table.at["人均经费（元/人）", "二类村"] == "80.0"
    assert table.at["村数（个）", "合计"] == "3"
    assert table.at["红标占比（%）", "一类村"] == f"{100 * c.at[1, 'red_share']:,.1f}"
    assert table.at["签约率（%）", "合计"] == f"{c.at[0, 'sign_rate']:,.1f}"
    text = "\n".join(str(m.value) for m in at.markdown)
    assert "**1.60 倍**" in text  # the tilt sentence from view.tilt
    mismatch = frame_with(at, "路况")
    assert mismatch["村"].tolist() == view.mismatches["name"].tolist()
    captions = "\n".join(str(c.value) for c in at.caption)
    assert view.no_change_reason in captions


def test_layer_and_village_follow_the_url(monkeypatch, sqlite_url):
    at = _app(monkeypatch, sqlite_url, layer="services", village=hm.V1)
    assert at.session_state["w_map_layer"] == "services"
    assert at.query_params["layer"] == "services"
    assert at.query_params["village"] == hm.V1
    # the village panel is open, its figures from views.grid_map_village.village_panel
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["每千人服务量（本村分摊）"] == "14 次/千人·季"  # as on the map's layer
    assert metrics["常住人口"] == "1,000 人"
    captions = "\n".join(str(c.value) for c in at.caption)
    assert "按服务人口分摊自团队：本村常住人口占团队服务人口（1,500 人）的 66.7%" in captions
    assert "红标占比 50.0%（与地图图层相同）" in captions
    # switching the layer writes it back; the default layer leaves the URL
    at.button_group(key="w_map_layer").set_value("funding").run()
    assert at.query_params["layer"] == "funding"
    at.button_group(key="w_map_layer").set_value("class").run()
    assert "layer" not in at.query_params
