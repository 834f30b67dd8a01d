"""Names from the database in narrow places: cut with an ellipsis, whole on hover; and names
read outside frames.frame (a team's header, the source line) cleaned like every other.

Hand-made: a 2,000-character team name, two names equal in their first 23 characters, a
team name with a right-to-left override and a blank leader, a source line with a bell.
"""

from __future__ import annotations

import copy
import re

import pandas as pd

from dashboard import safe
from dashboard.charts import chronic as chronic_charts
from dashboard.charts import teams as team_charts
from data_access import meta, names, team_detail
from data_access.engine import create_readonly_engine
from tests import handmade as hm
from tests.dbs import sqlite_file

LONG = "长" * 2000
TWINS = ["甲" * 23 + "一镇", "甲" * 23 + "二镇"]


def test_a_long_name_is_cut_and_whole_on_hover_in_the_bars():
    shares = pd.DataFrame(
        {"k": ["a", "a"], "color": ["green", "red"], "patients": [8, 2], "share": [0.8, 0.2]}
    )
    html = chronic_charts.share_bars_html(shares, "k", {"a": LONG}, dict.fromkeys(
        ["green", "yellow", "red"], "#888888"))  # fmt: skip
    cell = re.search(r'<div class="name" title="([^"]*)">([^<]*)</div>', html)
    assert cell.group(1) == LONG  # the whole name on hover
    assert cell.group(2) == "长" * (names.SHORT - 1) + names.ELLIPSIS


def test_plotly_ticks_are_cut_distinct_and_the_hover_is_whole():
    ticks = safe.plotly_ticks([LONG, *TWINS])
    assert all(len(t.replace("\u200b", "")) <= names.SHORT for t in ticks)
    assert len(set(ticks)) == 3  # two names cut alike stay two bars
    rows = pd.DataFrame({"label": [LONG, *TWINS], "value": [3.0, 2.0, 1.0]})
    fig = team_charts.ranking(rows, next(iter(team_charts.MEASURES)))
    bar = fig.data[0]
    assert max(len(y) for y in bar.y) <= names.SHORT + 1
    assert list(bar.customdata) == [LONG, *TWINS] and "%{customdata}" in bar.hovertemplate


def test_mismatch_bars_hover_the_whole_name():
    df = pd.DataFrame({"mismatch_share": [0.5], "mismatched": [5], "patients": [10]})
    fig = chronic_charts.mismatch_bars(df, [LONG])
    assert fig.data[0].y[0].endswith(names.ELLIPSIS)
    assert fig.data[0].customdata[0][1] == LONG


def test_names_read_outside_frame_are_cleaned(tmp_path):
    rows = copy.deepcopy(hm.ROWS)
    rows["team"][1] = {**rows["team"][1], "name": "exe.\u202e团队", "leader": "   "}
    rows["data_meta"] = [
        {"meta_key": "extracted_at", "meta_value": "2026-04-02T08:00:00+08:00"},
        {"meta_key": "source", "meta_value": "手工\x07测试库"},
    ]
    engine = create_readonly_engine(sqlite_file(tmp_path / "names.sqlite", rows))
    info = team_detail.team_info(engine, "T2")
    assert info["name"] == "exe.团队"  # the override is gone
    assert info["leader"].startswith(names.UNNAMED)
    assert meta.data_info(engine).source == "手工\\x07测试库"
