"""The brief's charts as PNG images, drawn by matplotlib on this machine (plotly's image export
needs a browser it downloads, which an intranet machine cannot).

One drawing per slide type, registered as views.meeting.registry's Output.PDF_CHART: the
slide's fields in, a matplotlib Figure out (None: no chart for it).
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from dashboard import palette
from dashboard.brief.fonts import CjkFont
from data_access.chronic import COLORS
from data_access.villages import VILLAGE_CLASSES
from views import labels
from views.common import month_words
from views.meeting.attention_slides import AlertsSlide, TeamsSlide
from views.meeting.chronic_slides import ColorsSlide, TransitionsSlide
from views.meeting.deck import Cover, NoData, Slide, TableSlide
from views.meeting.indicator_slides import KpiSlide, RankingSlide
from views.meeting.registry import Output, drawer, nothing, register
from views.meeting.village_slides import ClassesSlide

WIDTH_IN = 7.4  # the A4 text width (190 mm) at print size
DPI = 200  # sharp on paper, a few hundred kB per chart
ROW_IN = 0.32  # one bar row
FONT_PT = 9
SCORE_TEXT_ROOM = 0.3  # room right of the last score tick (share of the axis) for "100.0 分 持平"
AXIS_BREAK = "≈"  # where a cut score axis starts


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", facecolor="white")
    return buffer.getvalue()


def _figure(height_in: float, cols: int = 1) -> tuple[Figure, list]:
    fig = Figure(figsize=(WIDTH_IN, height_in))
    axes = fig.subplots(1, cols, squeeze=False)[0]
    for ax in axes:
        ax.spines[["top", "right"]].set_visible(False)
    return fig, list(axes)


register(Output.PDF_CHART, NoData, Cover, TableSlide, AlertsSlide)(nothing)


@register(Output.PDF_CHART, KpiSlide)
def _kpis(slide: KpiSlide) -> Figure | None:
    tiles = slide.tiles
    if not tiles:
        return None
    fig, (ax,) = _figure(0.6 + ROW_IN * len(tiles))
    names = [t.name for t in tiles]
    reached = [0.0 if t.attainment is None else 100.0 * t.attainment for t in tiles]
    colors = [palette.ATTAINMENT_COLORS[t.band] for t in tiles]
    y = np.arange(len(tiles))
    ax.barh(y, reached, color=colors)
    for i, t in enumerate(tiles):
        ax.text(reached[i] + 1, i, f"{t.value}（目标 {t.target}）", va="center")
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlim(0, 140)
    ax.set_xticks([0, 25, 50, 75, 100], ["0", "25%", "50%", "75%", "100%"])
    ax.set_xlabel("达标程度（本期值相对目标，封顶 100%）")
    return fig


@register(Output.PDF_CHART, RankingSlide)
def _ranking(slide: RankingSlide) -> Figure:
    rows = slide.league
    rows = rows[rows["rank"].notna()]
    chosen = rows["highlight"].any()
    fig, (ax,) = _figure(0.6 + ROW_IN * len(rows))
    y = np.arange(len(rows))
    colors = [palette.ACCENT if not chosen or h else "#8fa9c4" for h in rows["highlight"]]
    ax.barh(y, rows["score"], color=colors)
    # The axis spans the scores (94–100, not 0–120): a cut axis is marked ≈ and said so.
    axis = labels.score_axis(rows["score"])
    span = axis.end - axis.start
    # The ranking view's score text: the digits the page and the slide show.
    for i, (score, text, move) in enumerate(
        zip(rows["score"], rows["score_text"], rows["move"], strict=True)
    ):
        ax.text(score + span / 100, i, f"{text} 分 {move}", va="center")
    ax.set_yticks(y, [f"{int(r)}  {n}" for r, n in zip(rows["rank"], rows["name"], strict=True)])
    ax.invert_yaxis()
    ax.set_xlim(axis.start, axis.end + SCORE_TEXT_ROOM * span)
    ax.set_xticks(list(axis.ticks), [axis.tick_text(t) for t in axis.ticks])
    ax.set_xlabel("；".join(filter(None, ["综合得分（百分制）", axis.note])))
    if axis.broken:
        ax.text(
            0, 0, AXIS_BREAK, transform=ax.transAxes, ha="center", va="center",
            fontsize=12, bbox={"facecolor": "white", "edgecolor": "none", "pad": 0},
        )  # fmt: skip
    return fig


@register(Output.PDF_CHART, ColorsSlide)
def _colors(slide: ColorsSlide) -> Figure:
    rows = slide.rows
    fig, (ax,) = _figure(0.7 + ROW_IN * 1.2 * len(rows))
    y = np.arange(len(rows))
    left = np.zeros(len(rows))
    for color in COLORS:
        # a row without patients draws no bar (its shares are None)
        shares = np.array([100 * (r.shares[color] or 0.0) for r in rows])
        ax.barh(
            y,
            shares,
            left=left,
            color=palette.MANAGEMENT_COLORS[color],
            label=labels.COLOR_LABELS[color],
        )
        for i, s in enumerate(shares):
            if s >= 6:  # narrower parts cannot hold their label
                ax.text(left[i] + s / 2, i, f"{s:.1f}%", ha="center", va="center",
                        color=palette.MANAGEMENT_TEXT_COLORS[color])  # fmt: skip
        left += shares
    ax.set_yticks(y, [r.label for r in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(f"占比（{month_words(slide.month)}末，人次）")
    ax.legend(ncols=3, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
    return fig


@register(Output.PDF_CHART, TransitionsSlide)
def _transitions(slide: TransitionsSlide) -> Figure:
    """The colours kept at both ends (新纳入 and 退出管理 are in the printed table)."""
    matrix = slide.matrix
    counts = np.array([[matrix.count(f, t) for t in COLORS] for f in COLORS], dtype=float)
    fig, (ax,) = _figure(2.6)
    ax.imshow(counts, cmap="Blues", aspect="auto")
    top = float(counts.max() or 1)
    for i in range(3):
        for j in range(3):
            n = counts[i, j]
            ax.text(j, i, f"{int(n):,}", ha="center", va="center",
                    color="white" if n > top / 2 else "#111111")  # fmt: skip
    names = [labels.COLOR_LABELS[c] for c in COLORS]
    ax.set_xticks(range(3), [f"本期{n}" for n in names])
    ax.set_yticks(range(3), [f"上期{n}" for n in names])
    ax.set_title(f"{month_words(slide.before)}末 → {month_words(slide.month)}末（人次）")
    return fig


@register(Output.PDF_CHART, ClassesSlide)
def _classes(slide: ClassesSlide) -> Figure | None:
    fig, axes = _figure(2.4, cols=3)
    names = [labels.CLASS_LABELS[c] for c in VILLAGE_CLASSES]
    colors = [palette.CLASS_COLORS[c] for c in VILLAGE_CLASSES]

    def texts(values: list, fmt: str) -> list[str]:
        return [labels.NO_VALUE if v is None else fmt.format(v) for v in values]

    red_share = slide.red_share
    red = [None if red_share[c] is None else 100 * red_share[c] for c in VILLAGE_CLASSES]
    per_capita = [slide.per_capita[c] for c in VILLAGE_CLASSES]
    services = [slide.services[c] for c in VILLAGE_CLASSES]
    # (title, bar heights, bar labels); the red share as the slide writes it (why it is not
    # shown to a township role where a count is small)
    panels = (
        (f"{slide.year}年人均公卫经费（元）", per_capita, texts(per_capita, "{:.1f}")),
        (f"每千人服务量（{slide.services_unit}）", services, texts(services, "{:,.0f}")),
        ("红标占比（%）", red, [slide.red_text[c] for c in VILLAGE_CLASSES]),
    )
    for ax, (title, values, shown_texts) in zip(axes, panels, strict=True):
        shown = [0 if v is None else v for v in values]
        ax.bar(names, shown, color=colors)
        for i, text in enumerate(shown_texts):
            ax.text(i, shown[i], text, ha="center", va="bottom")
        ax.set_title(title)
        ax.set_ylim(0, max(shown + [1]) * 1.2)
    return fig


@register(Output.PDF_CHART, TeamsSlide)
def _teams(slide: TeamsSlide) -> Figure | None:
    w = slide.workload
    w = w[w["checked"] > 0]
    if w.empty:
        return None
    fig, (ax,) = _figure(3.2)
    low = slide.low_pass_rate
    plain, flagged = w[~w["flagged"]], w[w["flagged"]]
    ax.scatter(
        plain["services"],
        100 * plain["pass_rate"].astype(float),
        s=14,
        color=palette.ACCENT,
        label="团队",
    )
    if not flagged.empty:
        ax.scatter(flagged["services"], 100 * flagged["pass_rate"].astype(float), s=40,
                   marker="X", color=palette.FLAG_COLOR, label=f"合格率低于 {low:.0%}")  # fmt: skip
    _names_apart(fig, ax, [(str(r.name), r.services, 100 * r.pass_rate)
                           for r in flagged.itertuples(index=False)])  # fmt: skip
    ax.axhline(100 * low, color=palette.FLAG_COLOR, linestyle="--", linewidth=1)
    threshold = slide.threshold  # high volume, over the whole database: a reference
    if threshold is not None and threshold <= w["services"].max() * 1.2:
        ax.axvline(threshold, color=palette.NEUTRAL, linestyle=":", linewidth=1)
    ax.set_xlabel("服务总量（人次）")
    ax.set_ylabel("抽查合格率（%）")
    ax.legend(frameon=False, ncols=2, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    return fig


# Where a point's name may go, in points from the point: right, left, then further up and
# down; the first place that overlaps no name placed before is taken.
NAME_OFFSETS = [(dx, dy) for dy in (3, -11, 13, -21, 23, -31, 33, -41) for dx in (5, -5)]


def _names_apart(fig: Figure, ax, points: list[tuple[str, float, float]]) -> None:
    """Each point's name beside it where it overlaps no other name placed before; a name
    moved away from its point gets a thin line to it."""
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw_without_rendering()  # the axes' final limits: positions as printed
    placed = []
    for name, x, y in sorted(points, key=lambda p: -p[2]):
        for dx, dy in NAME_OFFSETS:
            note = _name(ax, name, x, y, dx, dy)
            box = note.get_window_extent(renderer).expanded(1.05, 1.15)
            if not any(box.overlaps(other) for other in placed):
                break
            if (dx, dy) != NAME_OFFSETS[-1]:
                note.remove()
        placed.append(box)


def _name(ax, name: str, x: float, y: float, dx: float, dy: float):
    line = {"arrowstyle": "-", "linewidth": 0.5, "color": palette.NEUTRAL} if abs(dy) > 13 else None
    return ax.annotate(name, (x, y), xytext=(dx, dy), textcoords="offset points",
                       fontsize=FONT_PT - 1, ha="left" if dx > 0 else "right",
                       va="bottom" if dy > 0 else "top", arrowprops=line)  # fmt: skip


def chart_png(slide: Slide, font: CjkFont) -> bytes | None:
    """The slide's chart as a PNG in the Chinese font, or None (no chart, or nothing to show)."""
    draw = drawer(Output.PDF_CHART, slide)
    rc = {"font.family": [font.family], "font.size": FONT_PT, "axes.unicode_minus": False}
    with rc_context(rc):
        fig = draw(slide)
        return None if fig is None else _png(fig)
