"""慢病三色's colour counts beside their totals (期末分布, 各乡镇 / 各病种 bars and their hover,
the slide, the brief's table, the JSON export): a township role must not pin a count of 1–4
by subtracting the shown counts from a total shown on the same screen.

Hand-made figures (2026-03, all diseases, 人次), one colour small at every level:

    西镇 W: green 30, yellow 5, red 3 (38)      东镇 E: green 20, yellow 2, red 0 (22)
    scope:  green 50, yellow 7, red 3 (60)
    高血压:  green 40, yellow 6, red 2 (48)     糖尿病: green 10, yellow 1, red 1 (12)

The reader below is independent of views.masking: for each group shown with its total it
enumerates every value the hidden cells can take (a `<5` one 1–4, a 不显示 one 5 or more) and
requires every `<5` cell to stay free to be any of 1–4.
"""

from __future__ import annotations

import re

import pandas as pd

from dashboard.charts import chronic as chronic_charts
from data_access.chronic import COLORS, color_shares
from data_access.scope import Scope
from tests.small_cells_check import free
from views import chronic_cells, masking
from views.chronic import ChronicView
from views.meeting import chronic_slides

BELOW = 5
W, E = "330102001", "330102002"
CELLS = [  # area, disease, color, patients — chosen so that the sums above hold
    (W, "hypertension", "green", 24), (W, "hypertension", "yellow", 5), (W, "hypertension", "red", 2),
    (W, "diabetes", "green", 6), (W, "diabetes", "red", 1),
    (E, "hypertension", "green", 16), (E, "hypertension", "yellow", 1), (E, "diabetes", "green", 4),
    (E, "diabetes", "yellow", 1),
]  # fmt: skip
COLOR_TOTALS = {"green": 50, "yellow": 7, "red": 3}


def hand_view() -> ChronicView:
    rows = pd.DataFrame(CELLS, columns=["area_code", "disease", "color", "patients"])
    by_area = color_shares(rows, "area_code").assign(
        area_name=lambda d: d["area_code"].map({W: "西镇", E: "东镇"})
    )
    trend = color_shares(rows.assign(month="2026-03"), "month")
    return ChronicView(
        scope=Scope("330102", (W, E)),
        window=None,
        disease=None,
        month="2026-03",
        distribution=color_shares(rows),
        by_disease=color_shares(rows, "disease"),
        by_area=by_area,
        trend=trend,
    )


def seen_view() -> ChronicView:
    from dataclasses import replace

    view = hand_view()
    return replace(view, small=BELOW, hidden_colors=chronic_cells.colors_hidden(view, BELOW))


def test_the_hand_made_figures():
    view = hand_view()
    assert {c: view.count(c) for c in COLORS} == COLOR_TOTALS
    area = view.by_area.set_index(["area_code", "color"])["patients"].to_dict()
    assert area == {(W, "green"): 30, (W, "yellow"): 5, (W, "red"): 3,
                    (E, "green"): 20, (E, "yellow"): 2}  # fmt: skip
    disease = view.by_disease.set_index(["disease", "color"])["patients"].to_dict()
    assert disease == {("hypertension", "green"): 40, ("hypertension", "yellow"): 6, ("hypertension", "red"): 2,
                       ("diabetes", "green"): 10, ("diabetes", "yellow"): 1, ("diabetes", "red"): 1}  # fmt: skip


def shown_value(value):
    """What a reader learns of one cell: its number, or the range a masked one is in."""
    if value == masking.words(BELOW):
        return range(1, BELOW)
    if value == masking.PROTECTED:
        return "protect"
    return int(value)


def test_todays_screen_gives_the_red_three_away():
    """Without secondary suppression: 60 − 50 green − 7 yellow = 3 red (the derivation)."""
    view = hand_view()
    assert view.total - view.count("green") - view.count("yellow") == 3


def test_the_scope_cards_hide_the_small_colour_and_its_complement():
    view = seen_view()
    shown = {c: view.shown_count(c) for c in COLORS}
    assert shown["red"] == "<5" and shown["yellow"] == masking.PROTECTED
    assert shown["green"] == 50 and view.total == 60
    assert view.shown_share("red") is None and view.shown_share("yellow") is None
    assert free(view.total, [shown_value(v) for v in shown.values()])


def groups(table: pd.DataFrame, by: str, totals: dict) -> list[tuple[int, list]]:
    """(total, cells as shown) per `by` value (its total taken as known: conservative) and per
    colour whose scope total the cards show (a hidden one tells the reader no sum)."""
    view = seen_view()
    out = []
    for _, rows in table.groupby(by):
        out.append((int(totals[rows[by].iloc[0]]), [shown_value(v) for v in rows["patients"]]))
    for color, rows in table.groupby("color"):
        if isinstance(view.shown_count(color), int):
            out.append((COLOR_TOTALS[color], [shown_value(v) for v in rows["patients"]]))
    return out


def test_area_bars_give_no_small_count_away():
    view = seen_view()
    areas = chronic_cells.colour_table_seen(view, "area", "area_code", view.by_area)
    cell = areas.set_index(["area_code", "color"])["patients"].to_dict()
    assert cell[(W, "red")] == "<5" and cell[(E, "yellow")] == "<5"
    assert masking.PROTECTED in (cell[(W, "yellow")], cell[(W, "green")])
    assert areas.loc[areas["patients"].map(lambda v: isinstance(v, str)), "share"].isna().all()
    totals = {W: 38, E: 22}
    for total, cells in groups(areas, "area_code", totals):
        assert free(total, cells), (total, cells)
    # The hover and labels of the bars: no figure of a hidden part, no share of it.
    html = chronic_charts.share_bars_html(
        areas, "area_code", {W: "西镇", E: "东镇"}, dict.fromkeys(COLORS, "#888888")
    )
    tips = re.findall(r'title="([^"]*)"', html)
    assert not [t for t in tips if "红标：3" in t or "黄标：2" in t or "黄标：5" in t]
    assert "人数少，不显示" in html


def test_disease_bars_give_no_small_count_away():
    view = seen_view()
    diseases = chronic_cells.colour_table_seen(view, "disease", "disease", view.by_disease)
    cell = diseases.set_index(["disease", "color"])["patients"].to_dict()
    assert cell[("hypertension", "red")] == "<5" and cell[("diabetes", "red")] == "<5"
    assert cell[("diabetes", "yellow")] == "<5"
    for total, cells in groups(diseases, "disease", {"hypertension": 48, "diabetes": 12}):
        assert free(total, cells), (total, cells)


def test_a_county_role_sees_every_count():
    from dataclasses import replace

    view = replace(hand_view(), hidden_colors=chronic_cells.colors_hidden(hand_view(), 0))
    assert view.hidden_colors == {}
    assert {c: view.shown_count(c) for c in COLORS} == COLOR_TOTALS
    table = chronic_cells.colour_table_seen(view, "area", "area_code", view.by_area)
    assert table["patients"].tolist() == view.by_area["patients"].tolist()


class Stub:
    small = BELOW

    def chronic(self):
        return hand_view()


def test_the_slide_and_its_sheet_hide_as_the_page_does():
    slide = chronic_slides.colors(Stub(), None)
    assert slide.totals == {"green": 50, "yellow": masking.PROTECTED, "red": "<5"}
    assert slide.shares["red"] is None and "红标 <5" in slide.message
    sheet = slide.sheets["绿黄红构成"]
    assert 3 not in sheet["红标"].tolist() and 2 not in sheet["红标"].tolist()
    htn = next(r for r in slide.disease_rows if r.label == "高血压")
    assert htn.counts["red"] == "<5" and htn.total == 48
    assert free(48, [shown_value(htn.counts[c]) for c in COLORS])


def test_the_json_export_hides_as_the_page_does():
    from views.jsonable import jsonable

    view = seen_view()
    data = chronic_cells.mask_json(jsonable(view), view)
    dist = {r["color"]: r for r in data["distribution"]}
    assert dist["red"]["patients"] == "<5" and dist["red"]["share"] is None
    assert dist["yellow"]["patients"] == masking.PROTECTED
    red_trend = [r for r in data["trend"] if r["color"] == "red"]
    assert all(r["share"] is None for r in red_trend)  # 3/60 × 60 would give 3
    area = {(r["area_code"], r["color"]): r["patients"] for r in data["by_area"]}
    assert area[(W, "red")] == "<5"


def kpi(code: str, numerator: float, denominator: float):
    from views.overview import Kpi

    value = 100 * numerator / denominator
    return Kpi(code, f"指标{code}", "%", True, "sum", 90.0, 1.0, value, numerator, denominator,
               "2026-03", value / 90, 50.0, value - 50, None, None, (("2026-03", value),))  # fmt: skip


def test_township_rates_over_a_few_people_are_not_shown():
    """A township's indicator over 3 people (1/3 → 33.3%) names what happened to one of them."""
    from views.overview import Alert, OverviewView

    few, many = kpi("few", 1, 3), kpi("many", 40, 50)
    alert = Alert("below_target", 2, "项", "指标未达目标",
                  items=("指标few 33.3%（目标 90%）", "指标many 80.0%（目标 90%）"))  # fmt: skip
    view = OverviewView(Scope("330102", (W,)), None, True, True, kpis=(few, many),
                        alerts=(alert,))  # fmt: skip
    seen = chronic_cells.overview_seen(view, BELOW)
    shown = {k.code: k for k in seen.kpis}
    assert shown["few"].value is None and shown["few"].numerator is None
    assert shown["few"].denominator is None and shown["few"].change is None
    assert all(v is None for _m, v in shown["few"].trend)
    assert "<5" in shown["few"].no_value_reason
    assert shown["many"] == many
    (below_target,) = seen.alerts
    assert below_target.count == 1 and below_target.items == ("指标many 80.0%（目标 90%）",)
    assert chronic_cells.overview_seen(view, 0) is view  # a county role sees it all


def test_no_hidden_colour_count_is_alone_in_its_disease_or_colour():
    """B's yellow (1) hides B's red in its row and C's yellow in the yellow column; C's yellow
    would then be alone in C's row (C's total minus green and red), so C's red goes too.
    Counted by hand: hidden = B yellow (<5), B red, C yellow, C red."""
    table = pd.DataFrame(
        [("A", "green", 100), ("A", "yellow", 50), ("A", "red", 20),
         ("B", "green", 30), ("B", "yellow", 1), ("B", "red", 10),
         ("C", "green", 40), ("C", "yellow", 20), ("C", "red", 15)],
        columns=["disease", "color", "patients"],
    )  # fmt: skip
    got = chronic_cells._colour_cells(table, "disease", 5, set())
    assert set(got) == {("B", "yellow"), ("B", "red"), ("C", "yellow"), ("C", "red")}
    assert got[("B", "yellow")] == masking.SMALL
    for line in ("A", "B", "C", "green", "yellow", "red"):
        alone = [k for k in got if line in k]
        assert len(alone) != 1, line
