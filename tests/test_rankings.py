"""League tables (县区排名) on hand-made rows, on every dialect; expected figures worked out by hand.

Two months: 2026-01 is the previous period of 2026-02. Counties K1 and K2 tie in February,
K3 lacks the county-level indicator and has a 0/0 row, K4 reports only in February (new),
K5 only in January. `late` is lower-is-better, `ehr` has weight 0.
"""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from dashboard import excel
from dashboard.charts import ranking_tables as tables
from data_access import indicators, rankings
from data_access.periods import Period
from data_access.scope import Scope
from tests.dbs import dialect_params, loaded_database
from tests.handmade import indicator_value_row
from views import rankings as rankings_view
from views.common import window

K1, K2, K3, K4, K5 = "990201", "990202", "990203", "990204", "990205"
T11, T12, T13 = "990201001", "990201002", "990201003"
T21, T31, T41, T51 = "990202001", "990203001", "990204001", "990205001"
V11, V12 = "990201001001", "990201002001"
V21, V31, V41, V51 = "990202001001", "990203001001", "990204001001", "990205001001"
JAN, FEB = Period.parse("2026-01"), Period.parse("2026-02")
Q1 = Period.parse("2026-Q1")
MONTHS = ("2026-01", "2026-02")


def _indicator(code, name, higher, agg, target, weight):
    return {
        "indicator_code": code,
        "name": name,
        "unit": "%",
        "higher_is_better": higher,
        "period_agg": agg,
        "target": target,
        "weight": weight,
    }


def _village(code, township):
    return {"village_code": code, "township_code": township, "name": f"村{code[-3:]}"}


ROWS = {
    "county": [
        {"county_code": c, "name": n, "prefecture": "测试州"}
        for c, n in [(K1, "甲县"), (K2, "乙县"), (K3, "丙县"), (K4, "丁县"), (K5, "戊县")]
    ],
    "township": [
        {"township_code": t, "county_code": t[:6], "name": n, "health_center": f"{n}卫生院"}
        for t, n in [
            (T11, "东镇"),
            (T12, "西镇"),
            (T13, "空镇"),
            (T21, "乙镇"),
            (T31, "丙镇"),
            (T41, "丁镇"),
            (T51, "戊镇"),
        ]
    ],
    "village": [
        _village(v, v[:9]) | {"village_class": 1, "population": 100, "key_population": 10}
        for v in (V11, V12, V21, V31, V41, V51)
    ],
    "indicator": [
        _indicator("mgmt", "规范管理率", True, "last", 80.0, 2.0),
        _indicator("late", "随访逾期率", False, "sum", 10.0, 1.0),
        _indicator("visits", "基层门急诊占比", True, "sum", 50.0, 1.0),
        _indicator("ehr", "建档率", True, "last", 90.0, 0.0),
    ],
    "indicator_value": [
        # previous month
        indicator_value_row("mgmt", "village", V11, "2026-01", 20, 50),
        indicator_value_row("mgmt", "village", V12, "2026-01", 20, 50),
        indicator_value_row("mgmt", "village", V21, "2026-01", 40, 50),
        indicator_value_row("mgmt", "village", V31, "2026-01", 30, 50),
        indicator_value_row("mgmt", "village", V51, "2026-01", 50, 50),
        indicator_value_row("late", "village", V11, "2026-01", 1, 10),
        indicator_value_row("late", "village", V21, "2026-01", 5, 10),
        indicator_value_row("late", "village", V31, "2026-01", 1, 10),
        indicator_value_row("late", "village", V51, "2026-01", 0, 10),
        indicator_value_row("visits", "county", K1, "2026-01", 0, 0),
        indicator_value_row("visits", "county", K2, "2026-01", 50, 100),
        indicator_value_row("visits", "county", K3, "2026-01", 40, 100),
        # current month
        indicator_value_row("mgmt", "village", V11, "2026-02", 40, 50),
        indicator_value_row("mgmt", "village", V12, "2026-02", 30, 50),
        indicator_value_row("mgmt", "village", V21, "2026-02", 80, 100),
        indicator_value_row("mgmt", "village", V31, "2026-02", 0, 0),
        indicator_value_row("mgmt", "village", V41, "2026-02", 45, 50),
        indicator_value_row("late", "village", V11, "2026-02", 2, 20),
        indicator_value_row("late", "village", V12, "2026-02", 3, 20),
        indicator_value_row("late", "village", V21, "2026-02", 0, 10),
        indicator_value_row("late", "village", V31, "2026-02", 4, 20),
        indicator_value_row("late", "village", V41, "2026-02", 1, 10),
        indicator_value_row("visits", "county", K1, "2026-02", 50, 100),
        indicator_value_row("visits", "county", K2, "2026-02", 11, 40),
        indicator_value_row("visits", "county", K4, "2026-02", 60, 100),
        indicator_value_row("ehr", "village", V11, "2026-02", 9, 10),
    ],
}


@pytest.fixture(scope="module", params=dialect_params())
def engine(request, tmp_path_factory):
    with loaded_database(request.param, ROWS, tmp_path_factory.mktemp(request.param)) as eng:
        yield eng


@pytest.fixture(scope="module")
def feb(engine):
    return rankings.league_table(engine, FEB, "county", trend_months=MONTHS, compare_with=JAN)


def _by_area(df):
    return {r.area_code: r for r in df.itertuples(index=False)}


def test_scores_with_tie_missing_indicator_and_zero_denominator(feb):
    t = _by_area(feb.table)
    # K1: mgmt 70/100 = 70% → 70/80 = 0.875 (w2); late 5/40 = 12.5% → 10/12.5 = 0.8; visits 50%
    # → 1: 100 × (1.75 + 0.8 + 1) / 4.
    assert t[K1].score == pytest.approx(88.75)
    # K2: mgmt 80% → 1; late 0/10 = 0% → 1 (lower is better, value 0); visits 11/40 = 27.5%
    # → 0.55: 100 × 3.55 / 4, the same score as K1 reached another way.
    assert t[K2].score == pytest.approx(88.75)
    # K3: mgmt 0/0 has no value, visits has no rows; late 4/20 = 20% → 10/20 = 0.5 alone.
    assert t[K3].score == pytest.approx(50.0)
    assert t[K3].indicators_scored == 1
    assert t[K4].score == pytest.approx(100.0)
    assert pd.isna(t[K5].score) and pd.isna(t[K5].rank)
    assert [t[c].rank for c in (K4, K1, K2, K3)] == [1, 2, 2, 4]
    assert feb.table["area_code"].tolist() == [K4, K1, K2, K3, K5]


def test_values_behind_the_scores(feb):
    v = {(r.area_code, r.indicator_code): r for r in feb.values.itertuples(index=False)}
    assert v[(K2, "late")].value == pytest.approx(0.0)  # 0 %, a value, not "no value"
    assert v[(K2, "late")].attainment == pytest.approx(1.0)
    assert (v[(K3, "mgmt")].numerator, v[(K3, "mgmt")].denominator) == (0, 0)
    assert pd.isna(v[(K3, "mgmt")].value) and pd.isna(v[(K3, "mgmt")].attainment)
    assert (K3, "visits") not in v
    assert v[(K1, "ehr")].value == pytest.approx(90.0)  # shown, weight 0: not in the score


def test_rank_change_against_previous_month(feb):
    t = _by_area(feb.table)
    # January: K5 100 (1); K3 (1.5 + 1 + 0.8)/4 = 82.5 (2); K2 (2 + 0.2 + 1)/4 = 80 (3);
    # K1 (1 + 1)/3 = 66.67 (4) with visits 0/0 left out.
    assert t[K1].previous_score == pytest.approx(200 / 3)
    assert [t[c].previous_rank for c in (K5, K3, K2, K1)] == [1, 2, 3, 4]
    assert (t[K1].movement, t[K1].rank_change) == ("up", 2)
    assert (t[K2].movement, t[K2].rank_change) == ("up", 1)
    assert (t[K3].movement, t[K3].rank_change) == ("down", -2)
    assert t[K4].movement == "new" and pd.isna(t[K4].rank_change)  # only in February
    assert pd.isna(t[K5].movement) and pd.isna(t[K5].rank_change)  # only in January


def test_every_county_is_new_without_a_previous_period(engine):
    league = rankings.league_table(engine, Q1, "county", compare_with=Q1.previous())
    t = _by_area(league.table)
    # K1 over Q1: mgmt is `last` → February 70% (0.875); late is `sum` → 6/50 = 12% → 10/12;
    # visits is `sum` → January's 0/0 adds nothing, 50/100 → 1.
    assert t[K1].score == pytest.approx(100 * (1.75 + 10 / 12 + 1) / 4)
    assert {t[c].movement for c in (K1, K2, K3, K4, K5)} == {"new"}  # 2025-Q4 has no data
    assert league.monthly.empty and league.monthly_scores.empty  # no trend months asked
    # Nothing to compare with (a period not comparable like for like): no movement at all.
    alone = rankings.league_table(engine, Q1, "county").table
    assert alone["movement"].isna().all() and alone["rank_change"].isna().all()
    assert alone["previous_rank"].isna().all()


def test_monthly_scores_for_the_trend(feb):
    s = {(r.area_code, r.month): r for r in feb.monthly_scores.itertuples(index=False)}
    assert s[(K1, "2026-01")].score == pytest.approx(200 / 3)
    assert s[(K1, "2026-02")].score == pytest.approx(88.75)
    assert s[(K5, "2026-01")].rank == 1
    assert (K5, "2026-02") not in s and (K4, "2026-01") not in s
    m = {(r.area_code, r.indicator_code, r.month): r for r in feb.monthly.itertuples(index=False)}
    assert m[(K2, "visits", "2026-02")].value == pytest.approx(27.5)


def test_township_league_leaves_county_only_indicator_out(engine):
    league = rankings.league_table(
        engine, FEB, "township", K1, trend_months=MONTHS, compare_with=JAN
    )
    t = _by_area(league.table)
    # 东镇: mgmt 80% → 1, late 10% → 1 → 100. 西镇: mgmt 60% → 0.75, late 15% → 10/15:
    # 100 × (1.5 + 2/3) / 3. visits is county-level: no township value, not in the score.
    assert t[T11].score == pytest.approx(100.0)
    assert t[T12].score == pytest.approx(100 * (1.5 + 2 / 3) / 3)
    assert pd.isna(t[T13].rank) and pd.isna(t[T13].movement)  # a township without data
    assert [t[c].rank for c in (T11, T12)] == [1, 2]
    # January: 东镇 (1 + 1)/3, 西镇 mgmt 40% alone → 50: same order, no move.
    assert [t[c].movement for c in (T11, T12)] == ["same", "same"]
    assert "visits" not in set(league.values["indicator_code"])
    assert set(league.table["area_code"]) == {T11, T12, T13}


def test_what_if_weights_move_ranks_but_not_the_official_ones(engine, feb):
    defs = indicators.indicator_definitions(engine)
    moved = _by_area(
        rankings.what_if_ranking(feb, defs, {"mgmt": 0, "late": 1, "visits": 0, "ehr": 0})
    )
    # late alone: K2 0% → 100, K4 10% → 100, K1 12.5% → 80, K3 20% → 50.
    assert moved[K2].score == pytest.approx(100.0) and moved[K1].score == pytest.approx(80.0)
    assert [moved[c].rank for c in (K2, K4, K1, K3)] == [1, 1, 3, 4]
    assert [moved[c].official_rank for c in (K2, K4, K1, K3)] == [2, 1, 2, 4]
    assert (moved[K2].movement, moved[K2].rank_change) == ("up", 1)
    assert (moved[K1].movement, moved[K1].rank_change) == ("down", -1)
    assert moved[K4].movement == "same" and pd.isna(moved[K5].movement)
    assert _by_area(feb.table)[K2].rank == 2  # the official league is untouched
    only_ehr = {"mgmt": 0, "late": 0, "visits": 0, "ehr": 1}  # weight-0 indicator brought in
    only_ehr = _by_area(rankings.what_if_ranking(feb, defs, only_ehr))
    assert (only_ehr[K1].rank, only_ehr[K1].movement, only_ehr[K1].rank_change) == (1, "up", 1)
    assert pd.isna(only_ehr[K2].rank) and pd.isna(only_ehr[K2].movement)


def test_league_model_changes_highlight_trend_and_method(engine):
    view = rankings_view.build(engine, Scope(K1), window(FEB, MONTHS))
    t = view.counties.table
    assert t["area_code"].tolist() == [K4, K1, K2, K3, K5]
    # January → February: K4 new, K1 4 → 2, K2 3 → 2, K3 2 → 4; K5 not ranked now.
    assert t["change_text"].tolist() == ["新", "↑2", "↑1", "↓2", "—"]
    assert t["highlight"].tolist() == [False, True, False, False, False]  # K1 chosen
    assert t["trend"].tolist()[1] == [pytest.approx(200 / 3), pytest.approx(88.75)]
    assert t["trend"].tolist()[0] == [pytest.approx(100.0)]  # K4: no January score
    # Targets with their direction, and the weights' shares (ehr weight 0: not scored).
    method = view.method_table
    # Chinese only: no code column a user would read (`mgmt`)
    assert method["指标"].tolist() == ["规范管理率", "随访逾期率", "基层门急诊占比", "建档率"]
    assert "代码" not in method.columns
    assert method["目标"].tolist() == ["≥80%", "≤10%", "≥50%", "≥90%"]
    assert method["权重占比"].tolist() == ["50%", "25%", "25%", "—"]
    assert view.county_only == ("visits",)  # reported by counties only: — for townships


def test_league_display_and_export(engine):
    defs = indicators.indicator_definitions(engine)
    view = rankings_view.build(engine, Scope(K1), window(FEB, MONTHS))
    late = next(d for d in defs.itertuples(index=False) if d.indicator_code == "late")
    assert tables.cell_text(12.5, late) == "12.5% ✗"  # 10/12.5 = 0.8 < 0.9
    assert tables.cell_text(10.5, late) == "10.5% ◐"  # 10/10.5 ≥ 0.9
    assert tables.cell_text(None, late) == "—"
    book = openpyxl.load_workbook(
        io.BytesIO(
            excel.to_excel_bytes(
                {
                    "县区排名": tables.league_export(view.counties, defs),
                    "计算方法": tables.method_sheet(view),
                }
            )
        )
    )
    sheet = book["县区排名"]
    header = [c.value for c in sheet[1]]  # no title given: the header is the first row
    assert header[:7] == [
        "名次",
        "较上期",
        "上期名次",
        "县区代码",
        "县区",
        "综合得分",
        "计分指标数",
    ]
    # The value column carries unit and target; the attainment words have their own column.
    assert "随访逾期率（%，目标 ≤10%）" in header and "随访逾期率 达标情况" in header
    assert not [h for h in header if "目标" in h and "达标情况" in h]
    first = sheet[2]
    # The score as the page shows it: one decimal separates 100, 88.75 (88.7) and 50,
    # a number cut to the model's decimals with the matching number format.
    assert [c.value for c in first[:6]] == [1, "新", None, K4, "丁县", 100.0]
    assert first[5].number_format == "0.0"
    scores = [row[5] for row in sheet.iter_rows(min_row=2, max_row=3)]
    assert [(c.value, c.number_format) for c in scores][1] == (88.7, "0.0")  # cut, not 88.8
    late = header.index("随访逾期率（%，目标 ≤10%）")
    assert first[late].number_format == '0.00"%"'
    method = {row[0].value: row[1].value for row in book["计算方法"].iter_rows(min_row=2)}
    assert any("Σ(权重 × 达标程度)" in text for text in method.values())
    assert method["指标：随访逾期率"].startswith("越低越好；目标 ≤10%；期内各月分子、分母分别累加")


def test_scores_are_cut_not_rounded_and_keep_different_scores_apart():
    assert rankings_view.score_text(99.998, 2) == "99.99"  # never reads as full marks
    assert rankings_view.score_text(99.3, 2) == "99.30"
    assert rankings_view.score_text(None, 2) == "—"
    assert rankings_view.score_decimals(pd.Series([100.0, 99.998, 99.301, 99.304])) == 3
    # a tie stays a tie: float noise does not add a decimal
    assert rankings_view.score_decimals(pd.Series([88.75, 88.75 + 1e-12, None])) == 1
    assert rankings_view.score_decimals([88.75, 88.71]) == 2
    mt = rankings_view.movement_text
    assert mt("up", 2) == "↑2" and mt("down", -3) == "↓3"
    assert mt("same", 0) == "持平" and mt("new", None) == "新"
    assert mt(float("nan"), None) == "—"
