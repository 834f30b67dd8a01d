"""慢病三色's 绿黄红变化 (the from→to matrix with its row and column totals, the summary) and the
trend's monthly shares: a township role must not pin a count of 1–4 by subtracting the shown
counts of a row, a column or a summary figure from its total.

Hand-made matrix A (2026-02末 → 2026-03末, all diseases, 人次; floor 5):

    from \\ to   green  yellow  red  退出 | total
    green          50      10    2    0  |  62
    yellow         10      30   10    0  |  50
    red             0      10   40    0  |  50
    新纳入          20       0    0      |  20
    total          80      50   52    0

Only green→red (2) is small. Its row (total 62) and its column (total 52) are shown, so each
needs a second cell hidden: in the row the smallest other one, green→yellow (10); in the
column yellow→red (10). A hidden cell alone in its row or column is that line's total minus
the rest, so each of those lines hides a second one in turn, round the matrix, until no row
or column holds a single hidden cell.

Matrix B: as A, but red → green 4 and red → yellow 3 (red → red 0): the red row is 7, both its
cells small, and 4 + 3 = 7 tells each is at least 3: no third cell can protect them, so the
row's total (red at 2026-02末) is hidden, and with it a second colour of that month.

Trend: 2026-01 has red 3 beside green 50 and yellow 20 (red small, yellow hidden to protect
it: 100% − green − yellow would give red's share); 2026-02 has no small count.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from dashboard import navigation
from data_access.chronic import COLORS, color_shares
from data_access.chronic_flows import summarize_transitions
from data_access.scope import Scope
from pages import chronic_state
from tests import handmade as hm
from tests.small_cells_check import free
from tests.test_security_scope import db_url, env, signed_in  # noqa: F401 (fixtures)
from views import chronic_cells, masking, transition_cells
from views.chronic import ChronicView, Transitions
from views.jsonable import jsonable
from views.meeting import chronic_slides
from views.meeting.deck import TableSlide

BELOW = 5
SMALL, HIDE = "<5", masking.PROTECTED
G, Y, R = "green", "yellow", "red"
A = {  # (from, to) → rows; None: 新纳入 / 退出管理
    (G, G): 50, (G, Y): 10, (G, R): 2,
    (Y, G): 10, (Y, Y): 30, (Y, R): 10,
    (R, Y): 10, (R, R): 40,
    (None, G): 20,
}  # fmt: skip
B = {**{k: v for k, v in A.items() if k[0] != R}, (R, G): 4, (R, Y): 3}
TREND = {  # month → colour → rows (2026-03: the period's end, the matrix's columns)
    "2026-01": {G: 50, Y: 20, R: 3},
    "2026-02": {G: 60, Y: 30, R: 10},
}


def hand_view(cells: dict) -> ChronicView:
    flows = pd.DataFrame(
        [("hypertension", f, t, n) for (f, t), n in cells.items()],
        columns=["disease", "from_color", "to_color", "patients"],
    ).astype({"from_color": object, "to_color": object})
    flows[["from_color", "to_color"]] = flows[["from_color", "to_color"]].where(
        flows[["from_color", "to_color"]].notna(), None
    )
    now = flows.dropna(subset=["to_color"]).groupby("to_color")["patients"].sum()
    then = flows.dropna(subset=["from_color"]).groupby("from_color")["patients"].sum()
    dist = pd.DataFrame({"color": list(now.index), "patients": list(now.values)})
    prev = pd.DataFrame({"color": list(then.index), "patients": list(then.values)})
    trend = pd.DataFrame(
        [(m, c, n) for m, colours in TREND.items() for c, n in colours.items()]
        + [("2026-03", c, int(n)) for c, n in now.items()],
        columns=["month", "color", "patients"],
    )
    moves = Transitions("2026-02", "2026-03", flows, summarize_transitions(flows), False)
    return ChronicView(
        scope=Scope("330102", ("330102001",)),
        window=None,
        disease=None,
        month="2026-03",
        before="2026-02",
        distribution=color_shares(dist),
        previous_distribution=color_shares(prev),
        trend_months=("2026-01", "2026-02", "2026-03"),
        trend=color_shares(trend, "month"),
        transitions=moves,
    )


def seen_view(cells: dict, below: int = BELOW) -> ChronicView:
    view = hand_view(cells)
    return replace(view, small=below, hidden_colors=chronic_cells.colors_hidden(view, below))


def table(view: ChronicView) -> dict:
    """(from label, to label) → the matrix cell as shown, totals included (合计)."""
    shown = transition_cells.matrix_table(view, "上期", "本期").set_index("上期 \\ 本期")
    return {(f, t): shown.at[f, t] for f in shown.index for t in shown.columns}


def test_the_hand_made_matrix():
    view = hand_view(A)
    assert {c: view.count(c) for c in COLORS} == {G: 80, Y: 50, R: 52}
    side = view.transitions.side("from_color")
    assert side == {G: 62, Y: 50, R: 50}
    s = view.transitions.summary
    assert (s.escalated, s.improved, s.unchanged, s.entered, s.left) == (22, 20, 120, 20, 0)


def test_todays_matrix_gives_the_small_cell_away():
    """Without secondary suppression: 62 − 50 − 10 = 2 (green row), 52 − 10 − 40 = 2."""
    view = hand_view(A)
    assert view.transitions.side("from_color")[G] - 50 - 10 == 2


def test_a_small_cell_hides_one_more_in_its_row_and_its_column():
    view = seen_view(A)
    cell = table(view)
    assert cell[("绿标", "红标")] == SMALL
    assert cell[("绿标", "黄标")] == HIDE  # the row's second: 62 − 50 − 10 would give 2
    assert cell[("黄标", "红标")] == HIDE  # the column's second: 52 − 10 − 40
    # 黄标→红标 alone in the yellow row would be 50 − 10 − 30 = 10, and then the red column
    # gives 绿标→红标 back: so the yellow row hides a second cell, and so on round the
    # matrix until no row or column has a single hidden cell (tested below).
    assert not lonely(cell)
    assert cell[("绿标", "合计")] == "62" and cell[("合计", "红标")] == "52"
    assert cell[("绿标", "绿标")] == "50"
    moved = transition_cells.summary_seen(view)
    # 加重, 好转 and 转为红标 add up cells across rows and columns: with a cell hidden they
    # would pin it beside its row (a row minus 好转's part of it), so they are hidden too.
    assert moved == {"worse": HIDE, "better": HIDE, "same": 120, "entered": HIDE, "left": 0,
                     "into_red": HIDE}  # fmt: skip
    assert transition_cells.step_seen(view, G, R) == SMALL
    assert transition_cells.step_seen(view, G, Y) == HIDE


def lonely(cell: dict) -> list[str]:
    """Rows and columns shown with their total that hold exactly one hidden cell: that cell
    is the total minus the others, exactly (independent of views.masking)."""
    rows = {f for f, _ in cell} - {"合计"}
    cols = {t for _, t in cell} - {"合计", "上期 \\ 本期"}
    found = []
    for line, cells in [*((f, [cell[(f, t)] for t in cols]) for f in rows),
                        *((t, [cell[(f, t)] for f in rows]) for t in cols)]:  # fmt: skip
        total = cell.get((line, "合计")) if line in rows else cell.get(("合计", line))
        if total not in (SMALL, HIDE) and sum(v in (SMALL, HIDE) for v in cells) == 1:
            found.append(line)
    return found


def test_no_hidden_cell_is_alone_in_its_row_or_column():
    for matrix in (A, B):
        assert lonely(table(seen_view(matrix))) == []


def shown_value(value):
    if value == SMALL:
        return range(1, BELOW)
    if value == HIDE:
        return "protect"
    return int(str(value).replace(",", ""))


def test_every_row_column_and_summary_leaves_the_small_cell_open():
    view = seen_view(A)
    cell = table(view)
    froms, tos = ("绿标", "黄标", "红标", "新纳入/迁入"), ("绿标", "黄标", "红标", "退出/迁出")
    totals = {"绿标": 62, "黄标": 50, "红标": 50, "新纳入/迁入": 20}
    for f in froms:  # rows (the 新纳入 → 退出 corner is always 0)
        parts = [shown_value(cell[(f, t)]) for t in tos if cell[(f, t)] != "—"]
        assert free(totals[f], parts), f
    for t, total in zip(tos, (80, 50, 52, 0), strict=True):
        assert free(total, [shown_value(cell[(f, t)]) for f in froms if cell[(f, t)] != "—"]), t
    worse = [cell[("绿标", "黄标")], cell[("绿标", "红标")], cell[("黄标", "红标")]]
    assert free(22, [shown_value(v) for v in worse])
    into_red = [cell[("绿标", "红标")], cell[("黄标", "红标")]]
    assert free(12, [shown_value(v) for v in into_red])


def test_a_row_of_small_cells_hides_its_total_and_a_second_one():
    view = seen_view(B)
    cell = table(view)
    assert cell[("红标", "绿标")] == SMALL and cell[("红标", "黄标")] == SMALL
    # 4 + 3 = 7 would tell each is ≥ 3: the red row's total (red at 2026-02末) is hidden …
    assert cell[("红标", "合计")] == HIDE
    # … and so is one more colour of that month, else 62 + 50 + 7 − 62 − 50 gives it back.
    before = [cell[(c, "合计")] for c in ("绿标", "黄标")]
    assert HIDE in before
    # The previous share of red (the page's change, the colours slide) goes with it.
    assert view.previous_share_of(R) is None and view.share_change(R) is None


def test_a_small_month_of_the_trend_hides_its_colour_and_a_second():
    view = seen_view(A)
    shares = chronic_cells.trend_seen(view).set_index(["month", "color"])["share"]
    assert pd.isna(shares[("2026-01", R)])  # 3 of 73
    assert pd.isna(shares[("2026-01", Y)])  # 100% − green would give red's share
    assert shares[("2026-01", G)] == 50 / 73
    assert not shares.loc["2026-02"].isna().any()  # no small count that month
    assert shares[("2026-03", R)] == 52 / 182  # the end month as 期末分布 shows it


def test_the_slide_and_its_sheet_hide_as_the_page_does():
    class Stub:
        small = BELOW

        def chronic(self):
            return hand_view(A)

    slide = chronic_slides.transitions(Stub(), None)
    assert isinstance(slide, TableSlide)  # no flows drawn: a link's width is its count
    shown = slide.table.set_index(slide.table.columns[0])
    assert shown.at["绿标", "红标"] == SMALL and shown.at["绿标", "黄标"] == HIDE
    sheet = slide.sheets["颜色变化"]
    assert 2 not in sheet["人次"].tolist()
    assert sheet.loc[(sheet["2026年2月末"] == "绿标") & (sheet["2026年3月末"] == "红标"), "人次"].tolist() == [SMALL]  # fmt: skip
    assert slide.message.endswith("有的人数不足 5，加重与好转人数不显示，见表")


def test_with_no_floor_the_slide_is_as_before():
    class Stub:
        small = 0

        def chronic(self):
            return hand_view(A)

    slide = chronic_slides.transitions(Stub(), None)
    assert isinstance(slide, chronic_slides.TransitionsSlide)
    assert slide.matrix.count(G, R) == 2 and slide.matrix.count(G, Y) == 10
    assert 2 in slide.sheets["颜色变化"]["人次"].tolist()
    assert chronic_cells.colors_hidden(hand_view(A), 0) == {}
    view = hand_view(A)
    assert chronic_cells.trend_seen(view)["share"].tolist() == view.trend["share"].tolist()


def test_the_json_export_hides_as_the_page_does():
    view = seen_view(A)
    data = chronic_cells.mask_json(jsonable(view), view)
    flows = {(r["from_color"], r["to_color"]): r["patients"] for r in data["transitions"]["flows"]}
    assert flows[(G, R)] == SMALL and flows[(G, Y)] == HIDE and flows[(Y, R)] == HIDE
    assert flows[(G, G)] == 50
    trend = {(r["month"], r["color"]): r for r in data["trend"]}
    assert trend[("2026-01", R)]["patients"] == SMALL and trend[("2026-01", R)]["share"] is None
    assert trend[("2026-01", Y)]["patients"] == HIDE
    b = seen_view(B)
    data = chronic_cells.mask_json(jsonable(b), b)
    prev = {r["color"]: r for r in data["previous_distribution"]}
    assert prev[R]["patients"] == HIDE and prev[R]["share"] is None


def chronic_trend_tab(username: str):
    at = signed_in(username, county=hm.A, period="2026-Q1")
    at.session_state[chronic_state.S_CHRONIC_TAB] = "trend"
    at.switch_page(str(navigation.PAGES_DIR / navigation.VIEWS["chronic"][0])).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_the_page_shows_a_township_role_the_masked_matrix(env):  # noqa: F811
    at = chronic_trend_tab("s_west")
    tables = [d.value for d in at.dataframe if "合计" in d.value.columns]
    assert tables, "no transition table for a township role"
    cells = tables[0].drop(columns=tables[0].columns[0]).to_numpy().ravel().tolist()
    assert "<5" in cells and not {"1", "2", "3", "4"} & set(cells)
    charts = [c.key for c in at.get("plotly_chart")]
    assert "cs_trend" in charts and "cs_sankey" not in charts  # a link's width is its count


def test_the_page_shows_a_county_role_the_flows(env):  # noqa: F811
    at = chronic_trend_tab("s_county")
    assert not [d for d in at.dataframe if "合计" in d.value.columns]
    assert "cs_sankey" in [c.key for c in at.get("plotly_chart")]
