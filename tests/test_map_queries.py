"""data_access.map and data_access.village_detail on every dialect.

The hand-made rows plus: a signing indicator (fd_sign) with village rows, boundaries for
three villages (one valid, one self-intersecting, one not GeoJSON), and distances/roads that
put one village of each class at odds with its class. Expected values are worked out by hand.
"""

from __future__ import annotations

import copy
import json

import pandas as pd
import pytest

from data_access import map as mp
from data_access import village_detail as vd
from data_access.periods import Period
from data_access.scope import Scope
from tests import handmade as hm
from tests.dbs import dialect_params, loaded_database

Q1 = Period.parse("2026-Q1")
COUNTY_A = Scope(hm.A)
BOWTIE = json.dumps(
    {
        "type": "Polygon",
        "coordinates": [[[106, 26], [106.1, 26.1], [106.1, 26], [106, 26.1], [106, 26]]],
    }
)


def _rows():
    rows = copy.deepcopy(hm.ROWS)
    rows["indicator"].append(
        {
            "indicator_code": "fd_sign",
            "name": "家庭医生签约率",
            "unit": "%",
            "higher_is_better": True,
            "period_agg": "last",
            "target": 45.0,
            "weight": 1.0,
        }
    )
    for area, month, num, den in [
        (hm.V1, "2026-02", 300, 1000),
        (hm.V1, "2026-03", 400, 1000),  # V1's last month: 40%
        (hm.V2, "2026-03", 100, 500),  # 20%
        (hm.V3, "2026-01", 200, 800),  # only January: 25%
        (hm.V6, "2026-03", 10, 0),  # zero denominator: no value
    ]:
        rows["indicator_value"].append(
            {
                "indicator_code": "fd_sign",
                "area_level": "village",
                "area_code": area,
                "month": month,
                "numerator": num,
                "denominator": den,
            }
        )
    rows["village_boundary"] += [
        {"village_code": hm.V2, "geojson": BOWTIE},
        {"village_code": hm.V3, "geojson": "not json"},
    ]
    for village in rows["village"]:
        if village["village_code"] == hm.V3:  # 一类 but far on a poor road
            village.update(distance_km=12.5, road="poor")
        if village["village_code"] == hm.V4:  # 二类 but near on a good road
            village.update(distance_km=3.0, road="good")
    return rows


@pytest.fixture(scope="module", params=dialect_params())
def engine(request, tmp_path_factory):
    with loaded_database(request.param, _rows(), tmp_path_factory.mktemp(request.param)) as eng:
        yield eng


def _by_code(df):
    return df.set_index("village_code")


def test_village_facts_carry_township_county_and_team(engine):
    df = _by_code(mp.village_facts(engine, COUNTY_A))
    assert df.index.tolist() == [hm.V1, hm.V2, hm.V3]
    assert df.loc[hm.V2, "name"] == "<b>高坡</b>村"
    assert df.loc[hm.V2, "township_name"] == "东镇" and df.loc[hm.V2, "county_name"] == "清河县"
    assert df.loc[hm.V1, "team_name"] == "三台村医防融合团队"
    assert df.loc[hm.V3, "team_id"] == "T2"
    assert df.loc[hm.V3, "distance_km"] == 12.5
    assert pd.isna(_by_code(mp.village_facts(engine, Scope(hm.D))).loc[hm.V6, "team_id"])


def test_boundaries_of_the_scope(engine):
    df = mp.village_boundaries(engine, COUNTY_A)
    assert df["village_code"].tolist() == [hm.V1, hm.V2, hm.V3]
    assert mp.village_boundaries(engine, Scope(hm.B)).empty


def test_village_figures(engine):
    df = _by_code(mp.village_figures(engine, COUNTY_A, Q1))
    # services: T1 did 15 + 4 + 2 = 21 in Q1 for V1 (1,000) and V2 (500); T2 did 10 for V3
    assert df["services"].tolist() == pytest.approx([14.0, 7.0, 10.0])
    assert df["services_per_1000"].tolist() == pytest.approx([14.0, 14.0, 12.5])
    # chronic at 2026-03 (February has no rows): V1 one red of two rows
    assert df["chronic_month"].unique().tolist() == ["2026-03"]
    assert df["patients"].tolist() == [2, 1, 1] and df["red"].tolist() == [1, 0, 0]
    assert df["red_share"].tolist() == pytest.approx([0.5, 0.0, 0.0])
    # signing: each village's last month with data
    assert df["sign_rate"].tolist() == pytest.approx([40.0, 20.0, 25.0])
    # 2026 funds: V3 has no row, so no value (not zero)
    assert df.loc[hm.V1, "funding_per_capita"] == pytest.approx(50.0)
    assert df.loc[hm.V2, "funding_per_capita"] == pytest.approx(80.0)
    assert pd.isna(df.loc[hm.V3, "funding_per_capita"])


def test_village_without_team_or_data_has_no_values(engine):
    row = mp.village_figures(engine, Scope(hm.D), Q1).iloc[0]
    assert row["village_code"] == hm.V6
    assert pd.isna(row["services"]) and pd.isna(row["services_per_1000"])
    assert pd.isna(row["red_share"])  # no chronic rows: no denominator
    assert pd.isna(row["sign_rate"])  # zero denominator


def test_a_period_without_rows_has_no_values_rather_than_zeros(engine):
    df = mp.village_figures(engine, COUNTY_A, Period.parse("2024-05"))
    assert df["services"].isna().all() and df["services_per_1000"].isna().all()
    assert df["red_share"].isna().all() and df["sign_rate"].isna().all()
    assert df["funding_per_capita"].isna().all()
    # a team without rows beside teams with rows did no work: 0, not missing
    t4 = _by_code(mp.village_figures(engine, Scope(), Q1)).loc[hm.V4]
    assert t4["services"] == 0 and t4["services_per_1000"] == 0


def test_class_comparison_forms_ratios_from_sums(engine):
    figures = mp.village_figures(engine, COUNTY_A, Q1)
    df = mp.class_comparison(figures).set_index("village_class")
    assert df.index.tolist() == [1, 2, 0]
    assert df["villages"].tolist() == [2, 1, 3]
    assert df["population"].tolist() == [1800, 500, 2300]
    # funding: only villages with a row count (class 1: V1's 50,000 over 1,000 residents)
    assert df["funding_per_capita"].tolist() == pytest.approx([50.0, 80.0, 60.0])
    assert df["services_per_1000"].tolist() == pytest.approx([24000 / 1800, 14.0, 31000 / 2300])
    assert df["red_share"].tolist() == pytest.approx([1 / 3, 0.0, 0.25])
    assert df["sign_rate"].tolist() == pytest.approx([60000 / 1800, 20.0, 70000 / 2300])


def test_class_mismatches_follow_the_named_rule(engine):
    figures = mp.village_figures(engine, Scope(), Q1)
    df = mp.class_mismatches(figures)
    assert df[["village_code", "reason"]].values.tolist() == [
        [hm.V3, "remote_class1"],
        [hm.V4, "near_class2"],
    ]
    assert mp.REMOTE_DISTANCE_KM <= 12.5 and mp.NEAR_DISTANCE_KM >= 3.0


def test_indicator_sums_per_village(engine):
    df = mp.indicator_sums(engine, COUNTY_A, Q1, ("htn", "fup"))
    got = {
        (r.village_code, r.indicator_code): (r.numerator, r.denominator) for r in df.itertuples()
    }
    assert got == {
        (hm.V1, "htn"): (35, 50),  # last month with data: February
        (hm.V2, "htn"): (12, 20),
        (hm.V3, "htn"): (9, 10),
        (hm.V1, "fup"): (4, 60),  # a sum over January–March
        (hm.V2, "fup"): (5, 20),
        (hm.V3, "fup"): (0, 5),
    }


def test_village_panel_figures(engine):
    services = vd.village_services(engine, hm.V1, Q1).set_index("service_type")
    assert services["team_services"].to_dict() == {"follow_up": 15, "health_check": 2, "sign": 4}
    assert services["services"].to_dict() == pytest.approx(
        {"follow_up": 10.0, "health_check": 4 / 3, "sign": 8 / 3}
    )
    month, colors = vd.village_colors(engine, hm.V1, Q1)
    assert month == "2026-03"
    assert colors[["disease", "color", "patients", "share"]].values.tolist() == [
        ["diabetes", "green", 1, 1.0],
        ["hypertension", "red", 1, 1.0],
    ]
    values = vd.village_indicators(engine, hm.V1, Q1).set_index("indicator_code")["value"]
    assert values[["htn", "fup", "ehr", "fd_sign"]].tolist() == pytest.approx(
        [70.0, 400 / 60, 90.0, 40.0]
    )
    assert pd.isna(values["pvs"])  # county-level only


def test_village_panel_edge_cases(engine):
    assert vd.village_info(engine, "999999999999") is None
    assert vd.village_services(engine, hm.V6, Q1).empty  # no team
    month, colors = vd.village_colors(engine, hm.V6, Q1)
    assert month is None and colors.empty


def test_one_village_has_the_figures_of_the_whole_scope(engine):
    whole = _by_code(mp.village_figures(engine, COUNTY_A, Q1))
    one = _by_code(mp.village_figures(engine, COUNTY_A, Q1, village_code=hm.V2))
    assert one.index.tolist() == [hm.V2]
    columns = ["services", "services_per_1000", "red_share", "sign_rate", "funding_per_capita"]
    assert one.loc[hm.V2, columns].tolist() == pytest.approx(whole.loc[hm.V2, columns].tolist())
    # the scope's end month, not the village's own: 2026-03 for the whole county
    assert one.loc[hm.V2, "chronic_month"] == "2026-03"
