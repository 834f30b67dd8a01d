"""Small-cell protection: a township role sees `<5` for a village's 1–4 patients, and no share
that gives them away; a county role or an administrator sees the number.

Hand-made database, March 2026: 西镇's one village 㵲水村 has one row, p3 hypertension green
managed by the township (expected: the village) — 在管 1, 推送不到位 1, share 100%.
"""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import navigation, small_cells, state
from data_access.scope import Scope
from pages import chronic_state
from tests import handmade as hm
from tests.test_security_scope import db_url, env, signed_in  # noqa: F401 (fixtures)

TOWNSHIP = Scope(hm.A, (hm.WEST,))


def test_threshold_setting(monkeypatch):
    assert small_cells.threshold({}) == 5
    assert small_cells.threshold({small_cells.ENV: "10"}) == 10
    assert small_cells.threshold({small_cells.ENV: "0"}) == 0
    assert small_cells.threshold({small_cells.ENV: "x"}) == 5
    monkeypatch.setenv(small_cells.ENV, "0")
    assert not small_cells.applies(TOWNSHIP)


def test_mask_hides_small_counts_and_their_shares(monkeypatch):
    monkeypatch.delenv(small_cells.ENV, raising=False)
    table = pd.DataFrame({"村": ["a", "b", "c"], "在管": [30, 4, 0], "红标": [2, 4, 0],
                          "占比": [2 / 30, 1.0, None]})  # fmt: skip
    out = small_cells.mask(table, TOWNSHIP, ["在管", "红标"], ["占比"])
    assert out["在管"].tolist() == [30, "<5", 0]  # 0 reveals nobody
    assert out["红标"].tolist() == ["<5", "<5", 0]
    assert out["占比"].isna().tolist() == [True, True, True]  # 2/30 would give the 2 away
    for visible in (None, Scope(hm.A)):  # administrators, leaders, county roles
        assert small_cells.mask(table, visible, ["在管", "红标"], ["占比"]) is table
    assert small_cells.count(3, TOWNSHIP) == "<5" and small_cells.count(3, Scope(hm.A)) == "3"
    assert small_cells.count(1200, TOWNSHIP) == "1,200"


def chronic_villages(username: str) -> pd.DataFrame:
    at = signed_in(username, county=hm.A, period="2026-03")
    at.session_state[chronic_state.S_CHRONIC_TAB] = "mismatch"  # the tab with the village list
    at.switch_page(str(navigation.PAGES_DIR / navigation.VIEWS["chronic"][0])).run()
    assert not at.exception, [e.message for e in at.exception]
    tables = [d.value for d in at.dataframe if "村" in d.value.columns]
    assert tables, "no village table on 慢病三色"
    return tables[0].set_index("村")


def test_township_role_sees_less_than_five(env):  # noqa: F811
    row = chronic_villages("s_west").loc["㵲水村"]
    assert row["在管（人次）"] == "<5" and row["推送不到位（人次）"] == "<5"
    assert pd.isna(row["占比"])


@pytest.mark.parametrize("username", ["s_admin", "s_county"])
def test_county_role_and_admin_see_the_number(env, username):  # noqa: F811
    row = chronic_villages(username).loc["㵲水村"]
    assert int(row["在管（人次）"]) == 1 and int(row["推送不到位（人次）"]) == 1
    assert float(row["占比"]) == pytest.approx(100.0)


def _panel_script(url: str, visible) -> None:
    """The village panel alone (the map page around it is not needed to test its figures)."""
    import streamlit as st

    from dashboard import data, database
    from data_access.engine import create_readonly_engine
    from data_access.periods import Period
    from data_access.scope import Scope
    from pages import grid_map_village_panel as panel
    from views.common import window_for

    db = database.Database(url, create_readonly_engine(url), builds_demo=False)
    data.set_database(db)
    scope = Scope("990101", ("990101002",))
    window = window_for(db.engine, Period.parse("2026-03"))
    state.set_current(state.Filters(scope, window, visible))
    panel.render(scope, window, "990101002001")
    st.write("done")


@pytest.mark.parametrize(
    ("visible", "masked"), [(TOWNSHIP, True), (Scope(hm.A), False), (None, False)]
)
def test_village_panel_masks_for_township_role(db_url, visible, masked):  # noqa: F811
    at = AppTest.from_function(_panel_script, args=(db_url, visible), default_timeout=120).run()
    assert not at.exception, [e.message for e in at.exception]
    text = "\n".join(str(e.value) for e in (*at.markdown, *at.caption))
    if masked:
        assert "绿标 **<5**" in text and "在管 <5 人次" in text
        assert "红标占比不显示" in text and "绿标 **<5**（" not in text
    else:
        assert "绿标 **1**（100.0%）" in text and "在管 1 人次" in text
