"""The shared axis and sign formatters (views.labels) against hand-made values, and the charts
that use them: month ticks carry the year at each year change, a score ranking's axis spans
its scores (with its cut said and marked), a change never reads "-0.0"."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard.charts import month_axis
from pages import meeting_plots
from views import labels
from views.meeting.deck import Kind
from views.meeting.indicator_slides import RankingSlide

TEN_MONTHS = tuple(f"2025-{m:02d}" for m in (11, 12)) + tuple(f"2026-{m:02d}" for m in range(1, 9))


# --- month ticks --------------------------------------------------------------------------------


def test_month_ticks_name_the_year_wherever_it_changes():
    # Every third month, counted back from August: the ticks skip January, yet 2026 is written.
    assert labels.month_ticks(TEN_MONTHS, most=4) == [
        ("2025-11", "2025年11月"),
        ("2026-02", "2026年2月"),
        ("2026-05", "5月"),
        ("2026-08", "8月"),
    ]
    # All shown: the year on the first and on January; stacked for narrow columns.
    assert labels.month_ticks(("2025-12", "2026-01", "2026-02"), stacked=True) == [
        ("2025-12", "12月<br>2025年"),
        ("2026-01", "1月<br>2026年"),
        ("2026-02", "2月"),
    ]
    # Few enough months: every one, whatever `most`.
    assert [t for _, t in labels.month_ticks(("2026-03", "2026-04"), most=6)] == [
        "2026年3月",
        "4月",
    ]
    # Two years apart in one step (a thinned axis over three years).
    months = [f"{y}-{m:02d}" for y in (2024, 2025, 2026) for m in range(1, 13)]
    ticks = labels.month_ticks(months, most=3)
    assert ticks == [
        ("2024-12", "2024年12月"),
        ("2025-12", "2025年12月"),
        ("2026-12", "2026年12月"),
    ]
    assert labels.month_ticks((), most=4) == []


def test_month_axis_puts_the_shared_ticks_on_a_plotly_axis():
    fig = month_axis(go.Figure(), TEN_MONTHS, most=4)
    axis = fig.layout.xaxis
    assert list(axis.tickvals) == ["2025-11", "2026-02", "2026-05", "2026-08"]
    assert list(axis.ticktext) == ["2025年11月", "2026年2月", "5月", "8月"]
    assert axis.tickangle == 0 and list(axis.categoryarray) == list(TEN_MONTHS)


# --- signed changes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [
        (-0.04, 1, labels.FLAT),  # rounds to 0: never "-0.0"
        (-0.049, 1, labels.FLAT),
        (0.0, 1, labels.FLAT),
        (0.04, 1, labels.FLAT),
        (-0.06, 1, "-0.1"),
        (0.06, 1, "+0.1"),
        (1234.56, 1, "+1,234.6"),
        (-0.4, 0, labels.FLAT),
        (-0.6, 0, "-1"),
        (None, 1, labels.NO_VALUE),
        (math.nan, 1, labels.NO_VALUE),
    ],
)
def test_signed_rounds_before_the_sign(value, digits, text):
    assert labels.signed(value, digits) == text


def test_unchanged_rank_and_no_value_read_differently():
    assert labels.RANK_MOVES["same"] == labels.FLAT != labels.NO_VALUE
    assert labels.FLAT in labels.RANK_MOVE_LEGEND


# --- score axes -------------------------------------------------------------------------------

SPREAD = [96.2, 99.0, 100.0, 99.9, 96.8]  # the demo's five counties: 3.8 points apart


def test_score_axis_starts_near_the_lowest_score():
    # 96.2 − max(25% of 3.8, 2) = 94.2 → steps of 2 (5.8 / 5 → 2) → from 94.
    axis = labels.score_axis(SPREAD)
    assert (axis.start, axis.end, axis.ticks) == (94.0, 100.0, (94.0, 96.0, 98.0, 100.0))
    assert axis.broken and axis.note == "横轴从 94 分起（已截断）"
    assert axis.tick_text(96.0) == "96 分"
    # All at 100: two points below, ticks a whole point apart.
    assert labels.score_axis([100.0, 100.0]).ticks == (98.0, 99.0, 100.0)
    # 88.1–92.3: 88.1 − 2 = 86.1 → steps of 5 → 85, 90, 95, 100.
    assert labels.score_axis([88.1, 92.3, math.nan]).ticks == (85.0, 90.0, 95.0, 100.0)


def test_score_axis_from_zero_when_scores_spread_widely():
    for scores in ([40.0, 100.0], [0.0, 10.0], []):
        axis = labels.score_axis(scores)
        assert axis.start == 0 and axis.end == 100 and not axis.broken and axis.note == ""
        assert axis.ticks == (0.0, 20.0, 40.0, 60.0, 80.0, 100.0)


def _league(scores: list[float]) -> pd.DataFrame:
    ranks = pd.Series(scores).rank(ascending=False, method="min").astype(int)
    return pd.DataFrame(
        {
            "rank": ranks,
            "name": [f"县{i}" for i in range(len(scores))],
            "highlight": [False] * len(scores),
            "score": scores,
            "score_text": [f"{s:.1f}" for s in scores],
            "move": [labels.FLAT] * len(scores),
        }
    )


def test_slide_ranking_bars_span_the_scores():
    fig = meeting_plots.ranking_bars(_league(SPREAD), 700)
    axis = fig.layout.xaxis
    assert axis.range[0] == 94.0 and axis.range[1] > 100.0  # room for "100.0 分 持平"
    assert list(axis.tickvals) == [94.0, 96.0, 98.0, 100.0]
    assert list(axis.ticktext) == ["94 分", "96 分", "98 分", "100 分"]
    assert axis.title.text == "横轴从 94 分起（已截断）"
    assert [a.text for a in fig.layout.annotations] == [meeting_plots.AXIS_BREAK]
    # Scores from 40: from 0, no note, no break mark.
    fig = meeting_plots.ranking_bars(_league([40.0, 100.0]), 700)
    assert fig.layout.xaxis.range[0] == 0 and fig.layout.xaxis.title.text is None
    assert not fig.layout.annotations


def test_brief_ranking_image_spans_the_scores():
    from dashboard.brief import images

    rows = _league(SPREAD)
    slide = RankingSlide(
        kind=Kind.COUNTIES,
        rows=rows,
        league=rows,
        area="县区",
        drill=False,
        drill_to=(),
        decimals=1,
        total=len(rows),
        comparable=True,
        no_change_reason=None,
    )
    fig = images._ranking(slide)
    ax = fig.axes[0]
    assert ax.get_xlim()[0] == 94.0
    assert [t.get_text() for t in ax.get_xticklabels()] == ["94 分", "96 分", "98 分", "100 分"]
    assert "横轴从 94 分起（已截断）" in ax.get_xlabel()
    assert images.AXIS_BREAK in [t.get_text() for t in ax.texts]
