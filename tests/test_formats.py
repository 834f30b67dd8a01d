"""The formatting rules of views.labels, one per kind of figure (expected texts by hand)."""

from __future__ import annotations

import pandas as pd
import pytest

from views import labels


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [
        (1204, "count", "1,204"),
        (2297.0, "count", "2,297"),
        (55.24, "rate", "55.2%"),
        (55.25001, "rate", "55.3%"),
        (100, "rate", "100.0%"),
        (195.04, "per_1000", "195.0"),
        (2234.46, "per_1000", "2,234.5"),
        (183, "average", "183.0"),  # next to 143.8: the same decimals in one column
        (143.84, "average", "143.8"),
        (12345.6, "points", "12,345.6"),
        (3500.4, "yuan", "3,500"),
        (None, "count", "—"),
        (float("nan"), "rate", "—"),
    ],
)
def test_one_decimal_rule_per_kind(value, kind, text):
    assert labels.figure(value, kind) == text


def test_percent_has_no_space_and_counts_have_separators():
    assert labels.pct(55.2) == "55.2%"
    assert labels.fraction_pct(0.552) == "55.2%"
    assert labels.count(1204) == "1,204"
    assert labels.compact_number(2_025_000) == "202.5万"
    assert labels.compact_number(999_999) == "999,999"


@pytest.mark.parametrize(
    ("delta", "text"),
    [(0.0, "持平"), (0.04, "持平"), (-0.049, "持平"), (0.05, "+0.1 个百分点"),
     (-1.26, "-1.3 个百分点"), (3, "+3.0 个百分点"), (None, None)],
)  # fmt: skip
def test_a_zero_change_reads_flat_not_plus_zero(delta, text):
    assert labels.change_pp(delta) == text


def test_relative_change_and_its_metric_arguments():
    assert labels.change_relative(0.0004) == "持平"
    assert labels.change_relative(0.052) == "+5.2%"
    assert labels.change_relative(-0.1) == "-10.0%"
    assert labels.metric_delta("持平") == {
        "delta": "持平",
        "delta_color": "off",
        "delta_arrow": "off",
    }
    assert labels.metric_delta("+5.2%", "inverse") == {"delta": "+5.2%", "delta_color": "inverse"}


def test_per_1000_names_its_period():
    assert labels.per_1000_unit("month") == "次/千人·月"
    assert labels.per_1000_unit("quarter") == "次/千人·季"
    assert labels.per_1000_unit("year") == "次/千人·年"


def test_count_axis_in_wan_from_ten_thousand():
    small = labels.count_axis(4200)
    assert small["tickformat"] == ",d" and small["exponentformat"] == "none"
    big = labels.count_axis(62_000)
    assert big["tickvals"] == [0, 20_000, 40_000, 60_000, 80_000]
    assert big["ticktext"] == ["0", "2万", "4万", "6万", "8万"]
    assert labels.count_axis(130_000)["ticktext"][:3] == ["0", "5万", "10万"]
    assert labels.axis_number(15_000) == "1.5万" and labels.axis_number(2_000) == "2,000"
    # 万 with the decimals the step needs: 12,500 on a 2,500 step is not 1.2万.
    assert labels.count_axis(12_500)["ticktext"][4:] == ["1万", "1.25万", "1.5万"]


def test_count_axis_of_small_and_not_whole_figures():
    # A handful of services: one tick per unit (plotly's 0.5 steps would print 0, 1, 1, 2).
    few = labels.count_axis(3.6)
    assert few["tickformat"] == ",d" and few["tickmode"] == "linear"
    assert (few["tick0"], few["dtick"]) == (0, 1)
    assert "dtick" not in labels.count_axis(11)  # plotly's own steps are whole from here
    # Figures with decimals (an average, an indicator in its own unit) keep them: 0.5, 1,234.5.
    assert labels.count_axis(3.6, whole=False) == {
        "tickformat": ",~f",
        "separatethousands": True,
        "exponentformat": "none",
    }
    # An axis that does not start at 0 (a trend line) ticks across its own range.
    trend = labels.count_axis(15_300, bottom=12_000, whole=False)
    assert trend["tickvals"] == [12_000, 13_000, 14_000, 15_000, 16_000]
    assert trend["ticktext"] == ["1.2万", "1.3万", "1.4万", "1.5万", "1.6万"]


@pytest.mark.parametrize(
    ("header", "values", "kind"),
    [
        ("服务总量（人次）", [1204, 2297], "count"),
        ("服务人口", [1200.0, None], "count"),
        (f"{labels.PASS_RATE}（%）", [55.2, 60.0], "rate"),
        ("估算绩效经费（元）", [3500.4], "yuan"),
        ("每千服务人口服务量", [183.0, 143.8], "per_1000"),
        ("人均服务量", [183.0, 143.8], "average"),
        ("积分", [10.0], "points"),
        ("团队", ["甲", "乙"], None),
        ("⚑ 是否标记", [True, False], None),
    ],
)
def test_column_kind_from_header_and_values(header, values, kind):
    assert labels.column_kind(header, pd.Series(values)) == kind


def test_excel_and_table_formats_follow_the_same_kinds():
    assert labels.EXCEL_FORMATS["count"] == "#,##0"
    assert labels.EXCEL_FORMATS["rate"] == '0.0"%"'  # the cell holds 55.2, shows 55.2%
    assert labels.COLUMN_FORMATS["count"] == "%,d"
    assert labels.COLUMN_FORMATS["rate"] == "%.1f%%"
    assert set(labels.EXCEL_FORMATS) == set(labels.COLUMN_FORMATS) == set(labels.DIGITS)
    assert labels.excel_score_format(2) == "0.00" and labels.excel_score_format(0) == "0"
