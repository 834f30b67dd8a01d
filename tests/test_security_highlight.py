"""The chosen area's bar label is bold (the code's own <b>) around its name made text, on
县区排名's drill-down bars and the meeting's ranking slides, for a plain and a hostile name.

safe.figure escapes every label of a chart; safe.plotly_markup marks the labels the code
composed from escaped names, which it leaves as they are. In Chromium, plotly draws the
label as one bold run reading ▶ and the whole name, and makes no element from the name.
"""

from __future__ import annotations

import html
import re
from types import SimpleNamespace

import pandas as pd
import pytest

from dashboard import safe
from dashboard.charts import rankings
from pages import meeting_plots

PLAIN = "云山县"
HOSTILE = "<b>x</b><img src=x onerror=alert(1)>"
OTHER = "河口县"
# What the label says around each name, escaped for plotly (the name's own tags are text).
ESCAPED = {PLAIN: PLAIN, HOSTILE: "&lt;b&gt;x&lt;/b&gt;&lt;img src=x onerror=alert(1)&gt;"}
INDICATOR = SimpleNamespace(
    code="htn", name="高血压规范管理率", unit="%", target=60.0, higher_is_better=True, weight=1.0
)


def _area_rows(chosen_name: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": ["C1", "C2"],
            "name": [chosen_name, OTHER],
            "value": [55.0, 70.0],
            "lost": [1.5, 0.0],
            "full": [10.0, 10.0],
        }
    )


def lost_bars(name: str):
    return rankings.indicator_lost_bars(_area_rows(name), INDICATOR, "县区", highlight={"C1"})


def slide_bars(name: str):
    rows = pd.DataFrame(
        {
            "rank": [1, 2],
            "name": [OTHER, name],
            "highlight": [False, True],
            "score": [90.0, 80.0],
            "score_text": ["90.0", "80.0"],
            "move": ["", ""],
        }
    )
    return meeting_plots.ranking_bars(rows, 800)


# (chart, the chosen label's text before the name)
CHARTS = {"lost": (lost_bars, "▶ "), "slide": (slide_bars, "▶ 2  ")}


@pytest.mark.parametrize("name", [PLAIN, HOSTILE], ids=["plain", "hostile"])
def test_drill_bars_bold_the_escaped_chosen_name(name):
    # The drill's value bars are server-drawn HTML: the name is text inside the code's <b>.
    markup = rankings.indicator_bars(_area_rows(name), INDICATOR, "县区", highlight={"C1"})
    escaped = html.escape(name)
    # A long name is cut in the bar's label (whole in its title): the bold holds the escaped
    # name or an escaped start of it, and nothing else is bold.
    (bold,) = re.findall(r"<b>(.*?)</b>", markup)
    shown = bold.removeprefix("▶ ")
    assert bold.startswith("▶ ") and markup.count("<b>") == 1
    assert shown == escaped or (
        shown.endswith("…") and html.unescape(name).startswith(html.unescape(shown[:-1]))
    )
    assert f'title="▶ {escaped}"' in markup
    assert "<img" not in markup and f"<b>{OTHER}" not in markup and OTHER in markup


def _labels(fig) -> list[str]:
    return [str(y) for y in fig.data[0].y]


@pytest.mark.parametrize("name", [PLAIN, HOSTILE], ids=["plain", "hostile"])
@pytest.mark.parametrize("chart", list(CHARTS))
def test_chosen_label_is_bold_around_the_escaped_name(chart, name):
    draw, lead = CHARTS[chart]
    fig = draw(name)
    chosen = [y for y in _labels(fig) if "▶" in y]
    assert chosen == [f"<b>{lead}{ESCAPED[name]}</b>"]
    assert chosen[0].count("<b>") == 1 and chosen[0].count("</b>") == 1
    others = [y for y in _labels(fig) if y not in chosen]
    assert len(others) == 1 and "<" not in others[0] and OTHER in others[0]
    # the chart look applied again (the slide restyles a page's chart) changes nothing
    before = _labels(fig)
    safe.figure(fig)
    assert _labels(fig) == before


def test_plotly_markup_escapes_its_texts_only():
    label = safe.plotly_markup("<b>▶ {}</b>", HOSTILE)
    assert label == f"<b>▶ {ESCAPED[HOSTILE]}</b>"
    assert safe.plotly(label) == label  # marked: not escaped again
    # a name a database holds with the tags' own text is still escaped: only code marks
    assert safe.plotly(f"<b>▶ {ESCAPED[HOSTILE]}</b>") == f"&lt;b&gt;▶ {ESCAPED[HOSTILE]}&lt;/b&gt;"
    # any text made from the markup is plain text again
    assert safe.plotly(label + "<i>") == f"&lt;b&gt;▶ {ESCAPED[HOSTILE]}&lt;/b&gt;&lt;i&gt;"
    assert "%{" not in safe.plotly_markup("<b>{}</b>", "%{x}")  # no hovertemplate field


# --- in Chromium ---------------------------------------------------------------------------

# Every bold run plotly drew, and the elements a name's own tags would have made.
RENDERED_JS = """() => ({
  bold: [...document.querySelectorAll("tspan[style*='bold']")].map(t => t.textContent),
  made: document.querySelectorAll('.js-plotly-plot img, .js-plotly-plot b').length,
  labels: [...document.querySelectorAll('.ytick text')].map(t => t.textContent),
})"""


@pytest.fixture(scope="module")
def page(open_app):
    _, p = open_app(None, (1000, 700))  # a page, no server
    p.dialogs = []
    p.on("dialog", lambda d: (p.dialogs.append(d.message), d.dismiss()))
    return p


@pytest.mark.browser
@pytest.mark.parametrize("name", [PLAIN, HOSTILE], ids=["plain", "hostile"])
@pytest.mark.parametrize("chart", list(CHARTS))
def test_chosen_label_renders_bold_in_chromium(page, chart, name):
    draw, lead = CHARTS[chart]
    html = draw(name).to_html(include_plotlyjs=True, full_html=True)
    page.set_content(html, wait_until="load")
    page.wait_for_selector(".ytick text", state="attached")
    found = page.evaluate(RENDERED_JS)
    assert found["bold"] == [lead + name]  # one bold run: the marker and the whole name
    assert lead + name in found["labels"] and found["made"] == 0
    assert not page.dialogs and not page.blocked_requests
