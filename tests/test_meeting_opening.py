"""The meeting's default period, its slides that always have a figure, the attainment rule at
the target, and the source line's words — on hand-made databases (tests/handmade.py and
variants built here) and the demo.

Hand-made months: 2025-12, 2026-01, 2026-02 (services only), 2026-03; 抽查 in 2025-12 and
2026-03. The variants add an April copied from March, with or without its 抽查.
"""

from __future__ import annotations

import copy

import pytest

from data_access import meta
from data_access.engine import create_readonly_engine
from data_access.meta import DataInfo
from data_access.periods import Period, latest_complete
from data_access.scope import Scope
from tests import handmade as hm
from tests.dbs import loaded_database
from views import attainment, labels
from views.common import freshness_words, header, window, window_for
from views.meeting import deck
from views.meeting.opening import opening

APRIL = "2026-04"


def with_april(checks: bool) -> dict:
    """hm.ROWS plus 2026-04: March's services, chronic rows and indicator rows again, and
    March's 抽查 only when `checks`."""
    rows = copy.deepcopy(hm.ROWS)
    for table in ("team_service", "chronic_status", "indicator_value"):
        rows[table] += [{**r, "month": APRIL} for r in rows[table] if r["month"] == "2026-03"]
    if checks:
        rows["sample_check"] += [
            {**r, "month": APRIL} for r in rows["sample_check"] if r["month"] == "2026-03"
        ]
    return rows


def sparse() -> dict:
    """hm.ROWS without indicators and without any 抽查: whole slides have nothing to show."""
    rows = copy.deepcopy(hm.ROWS)
    rows["indicator_value"] = []
    rows["sample_check"] = []
    return rows


VARIANTS = {"april_no_checks": with_april(False), "april_checks": with_april(True)}
VARIANTS["sparse"] = sparse()


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    """name → DuckDB engine over each variant (the rule is pure Python over the views)."""
    from contextlib import ExitStack

    with ExitStack() as stack:
        yield {
            name: stack.enter_context(
                loaded_database("duckdb", rows, tmp_path_factory.mktemp(name))
            )
            for name, rows in VARIANTS.items()
        }


def opening_of(engine, scope: Scope | None = None):
    scope = scope or Scope()
    months = meta.data_months(engine)
    head = header(engine, scope)

    def wanting(period: Period) -> tuple[str, ...]:
        w = window(period, months)
        return deck.wanting(deck.DirectSources(engine, scope, w), deck.Meeting(head, w))

    return opening(months, wanting)


def test_latest_complete_quarter():
    months = ["2025-12", "2026-01", "2026-02", "2026-03", "2026-04"]
    assert latest_complete(months, "quarter") == Period.parse("2026-Q1")
    # 2026-02 missing: Q1 is not complete, and 2025-Q4 has only December.
    assert latest_complete(["2025-12", "2026-01", "2026-03", "2026-04"], "quarter") is None


def test_a_month_without_checks_opens_on_the_complete_quarter(engines):
    """April has no 抽查, so 重点关注团队 has no team to show: the meeting opens on 2026-Q1
    (January–March all have data; 2026-Q2 has only April) and says why."""
    first = opening_of(engines["april_no_checks"])
    assert first.period == Period.parse("2026-Q1")
    assert first.why == (
        "最近一个完整季度：2026年4月的数据不足以做出“重点关注团队”一页（抽查按季度开展）"
    )
    # One county's meeting follows the same rule.
    assert opening_of(engines["april_no_checks"], Scope(hm.A)).period == Period.parse("2026-Q1")


def test_a_month_that_fills_every_slide_opens_on_itself(engines):
    first = opening_of(engines["april_checks"])
    assert first.period == Period.parse(APRIL) and first.why == ""


def test_without_a_complete_quarter_the_latest_month_stays(engines):
    """Sparse: no 抽查 anywhere. March misses 重点关注团队 and the KPIs, but so does 2026-Q1:
    a quarter that fills no more slides is no reason to leave the latest month."""
    first = opening_of(engines["sparse"])
    assert first.period == Period.parse("2026-03") and first.why == ""


@pytest.mark.parametrize("name", list(VARIANTS))
def test_no_slide_without_a_figure(engines, name):
    engine = engines[name]
    for period in (Period.parse("2026-03"), Period.parse("2026-Q1"), Period.parse("2024-05")):
        view = deck.build(engine, Scope(hm.A), window_for(engine, period))
        cover, *rest = view.slides
        assert all(s.has_figure for s in rest), [s.key for s in rest if not s.has_figure]
        assert cover.agenda == tuple(s.title for s in rest)  # the agenda follows what is kept
        left = [s for s in deck.every_slide(deck.DirectSources(engine, Scope(hm.A),
                window_for(engine, period)), view.meeting) if not s.has_figure]  # fmt: skip
        assert len(rest) + len(left) >= len(deck.slide_keys(Scope(hm.A), period)) - 2


def test_sparse_cover_says_what_is_left_out(engines):
    engine = engines["sparse"]
    view = deck.build(engine, Scope(hm.A), window_for(engine, Period.parse("2026-Q1")))
    keys = [s.key for s in view.slides]
    assert "kpis_missed" not in keys and "kpis" not in keys and "counties" not in keys
    assert "teams" not in keys
    cover = view.slides[0]
    # One line per reason, the titles it covers first.
    assert cover.left_out[0] == ("未达目标的指标、其余核心指标：2026年第1季度没有任何指标数据。")
    assert any(
        line.startswith("重点关注团队：2026年第1季度没有抽查记录") for line in cover.left_out
    )
    sheet = cover.sheets["说明"]
    assert list(sheet.loc[sheet["项目"] == "本期未列", "内容"]) == list(cover.left_out)


def test_thin_missed_kpis_merge(engines):
    """Hand-made 2026-03 in 清河县: only ehr (86.7% against 90%) is short of target — one
    card, so both KPI slides become one."""
    engine = engines["april_checks"]
    view = deck.build(engine, Scope(hm.A), window_for(engine, Period.parse("2026-03")))
    kpis = [s for s in view.slides if s.key.startswith("kpis")]
    every = {
        s.key: s
        for s in deck.every_slide(
            deck.DirectSources(engine, Scope(hm.A), view.meeting.window), view.meeting
        )
    }
    missed, rest = every["kpis_missed"], every["kpis"]
    assert [t.code for t in missed.tiles] == ["ehr"]  # 86.7% against 90%: one card
    assert [s.key for s in kpis] == ["kpis_all"]
    merged = kpis[0]
    assert merged.title == "核心指标对照目标"
    # short of target first, then the others as 其余核心指标 had them
    assert [t.code for t in merged.tiles] == ["ehr", *(t.code for t in rest.tiles)]
    assert merged.message == rest.message
    assert set(merged.sheets) == {"未达目标指标", "核心指标"}


def test_demo_opens_on_a_quarter_with_every_slide(tmp_path):
    from demo.generator import build_demo_file

    path = tmp_path / "demo.duckdb"
    build_demo_file(path, scale="demo", seed=42)
    engine = create_readonly_engine(f"duckdb:///{path}")
    months = meta.data_months(engine)
    first = opening_of(engine)
    # The demo's last month has no 抽查 (quarterly): its last complete quarter instead.
    assert max(months) == "2026-10"
    assert first.period == Period.parse("2026-Q3")
    assert "重点关注团队" in first.why
    view = deck.build(engine, Scope(), window_for(engine, first.period))
    assert all(s.has_figure for s in view.slides)
    assert "重点关注团队" in view.slides[0].agenda
    # and the demo's source line is the bureau's words, not the generator's parameters
    assert view.meeting.freshness.endswith("来源：演示数据（随机生成，非真实数据）")
    assert meta.data_info(engine).source == labels.DEMO_SOURCE


# --- attainment: the band agrees with the digits shown -------------------------------------------


@pytest.mark.parametrize(
    ("value", "target", "higher", "text", "band"),
    [
        (65.96, 66, True, "65.96%", "close"),  # 66.0% would read as 达标
        (65.94, 66, True, "65.9%", "close"),
        (66.0, 66, True, "66.0%", "met"),
        (66.04, 66, True, "66.04%", "met"),  # above, not on, the target
        (66.4, 66, True, "66.4%", "met"),
        (65.999996, 66, True, "65.9999%", "close"),  # cut, never rounded up to the target
        (59.4, 66, True, "59.4%", "close"),  # 66 × 0.9 exactly: on the line
        (59.36, 66, True, "59.36%", "missed"),
        (10.04, 10, False, "10.04%", "close"),  # lower is better: 10.0% would read 达标
        (10.0, 10, False, "10.0%", "met"),
        (9.96, 10, False, "9.96%", "met"),
        (None, 66, True, "—", "none"),
    ],
)
def test_attainment_at_the_boundary(value, target, higher, text, band):
    assert attainment.value_text(value, "%", target, higher) == text
    assert attainment.band(value, target, higher) == band


def test_shown_value_never_contradicts_its_band():
    """Every value from 58.00 to 67.00 in steps of 0.01 (and the thousandths around the
    target), against ≥66 and ≤62: the number shown, read back, lands in the value's band."""
    values = [5800 + i for i in range(901)]
    values = [v / 100 for v in values] + [65.99 + i / 1000 for i in range(21)]
    for target, higher in ((66, True), (62, False)):
        for v in values:
            shown = float(attainment.value_text(v, "%", target, higher).rstrip("%"))
            assert attainment.band(shown, target, higher) == attainment.band(v, target, higher)


def test_target_text_keeps_its_decimals():
    assert attainment.target_text(66, "%") == "66%"
    assert attainment.target_text(65.5, "%") == "65.5%"
    assert attainment.target_text(None, "%") == "—"


def test_kpi_tile_and_alert_use_the_rule(engines):
    """A KPI at 65.96 against 66 on the slides' tile and the 总览 alert item reads 65.96%."""
    from views.meeting.indicator_slides import _tile
    from views.overview import Kpi

    kpi = Kpi(code="x", name="某率", unit="%", higher_is_better=True, period_agg="sum",
              target=66.0, weight=1.0, value=65.96, numerator=6596.0, denominator=10000.0,
              month="2026-03", attainment=65.96 / 66, previous=None, change=None,
              no_value_reason=None, no_change_reason=None)  # fmt: skip
    tile = _tile(kpi)
    assert (tile.value, tile.band, tile.target) == ("65.96%", "close", "66%")
    assert kpi.below_target


# --- the source line ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("info", "words"),
    [
        # an older demo database: the generator's parameters as its source
        (
            DataInfo("2026-11-05T08:00:00+08:00", "演示数据生成器 (scale=demo, seed=42)", True, {}),
            "数据截至 2026-11-05 08:00 · 来源：演示数据（随机生成，非真实数据）",
        ),
        (
            DataInfo("2026-11-05T08:00:00+08:00", labels.DEMO_SOURCE, True, {}),
            "数据截至 2026-11-05 08:00 · 来源：演示数据（随机生成，非真实数据）",
        ),
        (
            DataInfo("2026-04-02T08:00:00+08:00", "省全民健康信息平台", False, {}),
            "数据截至 2026-04-02 08:00 · 来源：省全民健康信息平台",
        ),
        (DataInfo("2026-04-02T08:00:00+08:00", " ", False, {}), "数据截至 2026-04-02 08:00"),
        (DataInfo(None, None, False, {}), "数据提取时间未知"),
    ],
)
def test_source_words(info, words):
    assert freshness_words(info) == words


def test_handmade_source_is_its_own(engines):
    assert header(engines["sparse"], Scope()).freshness == (
        "数据截至 2026-04-02 08:00 · 来源：手工测试库"
    )
