"""Read 县区排名's league table (an HTML table, dashboard.charts.league_html) out of an AppTest."""

from __future__ import annotations

import pandas as pd
from lxml import html as lxml_html

from dashboard.charts import league_html


def shown_league(at, index: int = 0) -> pd.DataFrame:
    """The `index`-th league table on the page as text, columns named by its header cells."""
    markups = [h.value for h in at.html if league_html.CSS_CLASS in h.value]
    table = lxml_html.fromstring(markups[index]).xpath("//table")[0]
    header = [th.text_content().strip() for th in table.xpath(".//thead//th")]
    rows = [
        [td.text_content().strip() for td in tr.xpath("./td")] for tr in table.xpath(".//tbody/tr")
    ]
    return pd.DataFrame(rows, columns=header)
