"""Server-drawn charts (dashboard.charts.svg): the numbers and labels in the markup are the
view model's, names are escaped, and 总览 / 慢病三色's default tab draw no Plotly chart."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import navigation
from dashboard.charts import chronic as chronic_charts
from dashboard.charts import svg, svg_values
from pages.overview_kpi import trend_chart
from tests import handmade as hm
from tests.dbs import sqlite_file
from views.overview import Kpi

HOSTILE = '<img src=x onerror="alert(1)">镇&'
COLORS = {"green": "#1b7f3b", "yellow": "#e0a800", "red": "#c62828"}


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside each <title>."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.titles: list[str] = []
        self._in_title = False
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.titles.append(data)

    def find(self, tag: str, cls: str | None = None) -> list[dict]:
        return [a for t, a in self.tags if t == tag and (cls is None or a.get("class") == cls)]


def path_points(d: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r"([-\d.]+) ([-\d.]+)", d)]


# --- sparkline -------------------------------------------------------------------------------


def test_sparkline_draws_the_values_target_and_hover_texts():
    points = [
        svg.SparkPoint("2026年1月", 60.0, "60.0%"),
        svg.SparkPoint("2026年2月", 70.0, "70.0%"),
        svg.SparkPoint("2026年3月", 80.0, "80.0%"),
    ]
    markup = svg.sparkline(points, "#1b7f3b", target=65.0, target_text="目标 65%")
    el = Elements(markup)
    # range: values and target 60..80, span 20, 15% below and 25% above -> 57..85
    assert svg.spark_range([60.0, 70.0, 80.0], 65.0) == (57.0, 85.0)
    (line,) = el.find("path", "line")
    xs_ys = path_points(line["d"])
    assert [x for x, _ in xs_ys] == [0.0, 50.0, 100.0]
    # y = 100 * (85 - v) / 28: 60 -> 89.29, 70 -> 53.57, 80 -> 17.86
    assert [round(y, 2) for _, y in xs_ys] == [89.29, 53.57, 17.86]
    (target,) = el.find("line", "target")
    assert round(float(target["y1"]), 2) == round(100 * (85 - 65) / 28, 2)  # 71.43
    (dot,) = el.find("path", "dot")
    assert path_points(dot["d"])[0] == (100.0, 17.86)  # the latest month
    assert el.titles == ["2026年1月：60.0%", "2026年2月：70.0%", "2026年3月：80.0%"]
    assert "目标 65%" in markup and "2026年1月</span>" in markup and "2026年3月</span>" in markup


def test_sparkline_breaks_at_a_month_without_data_and_needs_two_values():
    points = [
        svg.SparkPoint("1月", 10.0, "10"),
        svg.SparkPoint("2月", 20.0, "20"),
        svg.SparkPoint("3月", None, "—"),
        svg.SparkPoint("4月", 30.0, "30"),
    ]
    el = Elements(svg.sparkline(points, "#000"))
    lines = el.find("path", "line")
    assert len(lines) == 2  # 1-2月, then 4月 alone
    assert lines[1]["d"].startswith("M100 ") and lines[1]["d"].endswith("l0 0")  # a dot
    assert el.titles[2] == "3月：—"
    assert svg.sparkline(points[2:], "#000") == ""  # one value: nothing drawn
    assert svg.sparkline([], "#000") == ""


def test_kpi_card_sparkline_is_the_models_trend():
    kpi = Kpi(
        code="htn", name="高血压规范管理率", unit="%", higher_is_better=True, period_agg="sum",
        target=65.0, weight=10, value=68.9, numerator=689, denominator=1000, month="2026-02",
        attainment=1.06, previous=None, change=None, no_value_reason=None, no_change_reason=None,
        trend=(("2025-12", 66.0), ("2026-01", 67.5), ("2026-02", 68.9)),
    )  # fmt: skip
    el = Elements(trend_chart(kpi))
    assert el.titles == ["2025年12月：66.0%", "2026年1月：67.5%", "2026年2月：68.9%"]
    assert "目标 65%" in trend_chart(kpi)


# --- stacked 绿黄红 bars ------------------------------------------------------------------------


def shares_frame() -> pd.DataFrame:
    # 东镇 6 patients: 3 green, 2 yellow, 1 red; a hostile name with 4: 4 green only
    rows = [
        ("E", "green", 3, 0.5),
        ("E", "yellow", 2, 2 / 6),
        ("E", "red", 1, 1 / 6),
        ("H", "green", 4, 1.0),
    ]
    return pd.DataFrame(rows, columns=["area_code", "color", "patients", "share"])


def test_stacked_bars_write_the_counts_and_shares_of_the_model():
    names = {"E": "东镇", "H": HOSTILE}
    markup = chronic_charts.share_bars_html(shares_frame(), "area_code", names, COLORS, "人次")
    el = Elements(markup)
    parts = el.find("div", "part")
    got = [(p["data-count"], p["data-share"]) for p in parts]
    assert got == [
        ("3", "50"),
        ("2", "33.33"),
        ("1", "16.67"),
        ("4", "100"),
        ("0", "0"),
        ("0", "0"),
    ]
    assert parts[0]["title"] == "东镇 · 绿标：3 人次（50.0%）"
    assert parts[1]["title"] == "东镇 · 黄标：2 人次（33.3%）"
    assert parts[3]["title"] == f"{HOSTILE} · 绿标：4 人次（100.0%）"  # as text, decoded
    # inside the parts: count and share as the plotly bars wrote them; red is written after
    assert "3（50.0%）" in markup and "2（33.3%）" in markup
    assert [a for t, a in el.tags if t == "div" and a.get("class") == "after"]
    assert "1（16.7%）</div>" in markup and "0（0.0%）</div>" in markup
    # the name is escaped: no element from it
    assert (
        "<img" not in markup and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;镇&amp;" in markup
    )
    assert [t for t, _ in el.tags].count("img") == 0
    assert "绿标" in markup and "黄标" in markup and "红标" in markup  # the legend
    assert [s for t, a in el.tags if t == "span" and (s := a.get("style", "")).startswith("left")]


def test_stacked_bars_narrow_write_count_over_share():
    names = {"E": "东镇"}
    markup = chronic_charts.share_bars_html(shares_frame(), "area_code", names, COLORS, narrow=True)
    assert "3<br>50.0%" in markup and 'class="yf-bars two"' in markup


def test_red_first_order_is_kept():
    names = chronic_charts.red_first(shares_frame(), "area_code", {"H": "H", "E": "E"})
    rows = chronic_charts.share_rows(shares_frame(), "area_code", names, COLORS)
    assert [r.name for r in rows] == ["E", "H"]
    assert [p.count for p in rows[0].parts] == [3, 2, 1]


@pytest.mark.parametrize("share", [None, float("nan")])
def test_a_part_without_share_is_empty(share):
    part = svg.BarPart("红标", 0, share, "#c62828", "#fff")
    row = svg.BarRow("村", (part,), "0（—）")
    assert 'style="width:0%' in svg.stacked_bars([row], "人")


# --- the pages -------------------------------------------------------------------------------

APP = Path(__file__).resolve().parents[1] / "dashboard" / "frame.py"
TIMEOUT_S = 120  # a cold first run imports pandas and the drivers


@pytest.fixture(scope="module")
def db_url(tmp_path_factory):
    return sqlite_file(tmp_path_factory.mktemp("svg") / "handmade.sqlite", hm.ROWS)


@pytest.mark.parametrize("view", ["overview", "chronic", "teams", "rankings"])
def test_landing_pages_draw_no_plotly(monkeypatch, db_url, view):
    """The default tabs of 总览, 慢病三色, 团队工作量, 县区排名: no st.plotly_chart, so the
    browser fetches no Plotly."""
    monkeypatch.setenv("DASHBOARD_DB_URL", db_url)
    monkeypatch.setenv("DASHBOARD_AUTH", "off")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.query_params["county"] = hm.A
    at.query_params["period"] = "2026-Q1"
    at.run()
    at.switch_page(str(navigation.PAGES_DIR / navigation.VIEWS[view][0])).run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.get("plotly_chart")
    marks = "\n".join(str(m.value) for m in at.markdown)
    drawn = {
        "overview": svg.SPARK_CLASS,
        "chronic": svg.BARS_CLASS,
        "teams": svg_values.COLUMNS_CLASS,
    }
    assert drawn.get(view, "") in marks


# --- 团队工作量's bars and monthly columns ------------------------------------------------------


def test_team_ranking_bars_are_the_rows():
    from dashboard.charts import teams as team_charts

    rows = pd.DataFrame({"label": ["甲队", HOSTILE], "value": [0.8, 0.55]})
    el = Elements(team_charts.ranking_html(rows, "pass_rate"))
    cells = el.find("div", "cell")
    assert [c["data-value"] for c in cells] == ["80", "55"]  # % of the axis 0-100
    assert cells[1]["title"].startswith(HOSTILE)  # decoded text: it was escaped
    markup = team_charts.ranking_html(rows, "pass_rate")
    assert "80.0%" in markup and "55.0%" in markup and "<img" not in markup


def test_village_share_bars_mark_the_median():
    from dashboard.charts import teams as team_charts

    one = pd.DataFrame({"label": ["甲队", "乙队"], "share": [0.2, 0.5], "median": [0.4, 0.4]})
    markup = team_charts.village_share_html(one)
    assert "20.0% ▼" in markup and "50.0%</span>" in markup and "全县中位数 40.0%" in markup
    two = one.assign(median=[0.3, 0.6])  # two counties: a tick per bar
    el = Elements(team_charts.village_share_html(two))
    assert [a["style"] for a in el.find("i", "tick")] == ["left:27.27%", "left:54.55%"]  # of 110
    # A text starts past its mark when the mark lies after the bar: 甲队 20% with its tick at
    # 30% (of 110: 18.18% → 27.27%, 9.09 points further); 乙队 50% has its tick at 60% (10 →
    # 9.09 points); with one median line at 40%, 甲队's text starts past the line.
    shifts = [a.get("style") for a in el.find("span", "val")]
    assert shifts == ["margin-left:calc(9.09% + 6px)", "margin-left:calc(9.09% + 6px)"]
    el = Elements(team_charts.village_share_html(one))
    assert [a.get("style") for a in el.find("span", "val")] == [
        "margin-left:calc(18.18% + 6px)",  # 20% → 40%: 18.18% → 36.36%
        None,  # 50%: already past the line
    ]


def test_monthly_columns_sum_the_services():
    from dashboard.charts import teams as team_charts

    monthly = pd.DataFrame(
        {
            "service_type": ["sign", "follow_up", "follow_up", "sign"],
            "month": ["2026-01", "2026-01", "2026-02", "2026-03"],
            "services": [100, 10, 5, 2],
        }
    )
    months = ("2025-12", "2026-01", "2026-02", "2026-03")  # December: no row at all
    markup = team_charts.monthly_stack_html(monthly, months, "service_type", ("2026-03",))
    el = Elements(markup)
    assert [s["data-value"] for s in el.find("div", "seg")] == ["100", "10", "5", "2"]
    cols = [a for t, a in el.tags if t == "div" and a.get("class", "").startswith("col")]
    assert [c["title"] for c in cols] == [  # on hover, every month with its year
        "2025年12月 合计：0 人次",
        "2026年1月 合计：110 人次",
        "2026年2月 合计：5 人次",
        "2026年3月 合计：2 人次",
    ]
    assert [c["class"] for c in cols] == ["col", "col", "col", "col hl"]  # the chosen shaded
    # The empty month says so in its column and in a note, rather than leaving a gap.
    assert markup.count(f'<span class="none">{svg.NO_DATA}</span>') == 1
    assert "2025年12月没有数据（不是 0 人次）。" in markup
    assert "签约" in markup and "随访" in markup  # the legend


def test_nice_ticks():
    assert svg_values.nice_ticks(110) == [0, 50, 100, 150]
    assert svg_values.nice_ticks(272_000) == [0, 100_000, 200_000, 300_000]
    assert svg_values.nice_ticks(0) == [0.0, 1.0]
