"""Small-cell protection beyond the page tables: the grid map's red-share layer (fills,
tooltips, legend, the cache key of the built map) and `export --user NAME` (JSON views, brief).

Hand-made database: tests/handmade.py plus, in 西镇 at 2026-03 (all diseases, 人次),
- 㵲水村 V3: p3 green by the township (handmade) + 21 green by the village + 3 red by the
  township → 25 rows, 3 red (12.0%), 推送不到位 4 (the 3 red and p3): 25 ≥ 20, so it is
  on the red-village list; a township role sees red `<5` and 推送不到位 `<5`, no shares;
- 新寨村 V7 (二类): 1 red by the county + 1 green by the village → 2 rows, 1 red (50.0%);
  everything `<5` for a township role, and its red share is not shown;
- 大寨村 V8: 24 green by the village + 6 red by the county → 30 rows, 6 red (20.0%): no
  small count, yet a township role does not see its red (不显示): with 一类's 9 red, 6 would
  give 㵲水村's 3 away (complementary suppression, views.masking.suppress); nor 㵲水村's 25
  rows: 西镇's 57 − 30 − 25 would give 新寨村's 2 away.
"""

from __future__ import annotations

import copy
import io
import json
from types import SimpleNamespace

import openpyxl
import pytest
import sqlalchemy as sa

from dashboard import brief, export, small_cells, theme
from data_access.periods import Period
from data_access.scope import Scope
from geo import maps
from pages import grid_map_layers as map_layers
from pages import grid_map_tables
from tests import handmade as hm
from tests.dbs import sqlite_file
from tests.test_security_scope import HASH
from views import grid_map
from views.common import window_for

V7, V8 = "990101002002", "990101002003"
TOWNSHIP_ROLE = Scope(hm.A, (hm.WEST,))
COUNTY_ROLE = Scope(hm.A)
WEST = Scope(hm.A, (hm.WEST,))


def rows() -> dict:
    out = copy.deepcopy(hm.ROWS)
    village = dict(next(v for v in out["village"] if v["village_code"] == hm.V3))
    out["village"] += [
        {**village, "village_code": V7, "name": "新寨村", "village_class": 2, "population": 300},
        {**village, "village_code": V8, "name": "大寨村", "population": 1200},
    ]
    out["team_village"] += [
        {"team_id": "T3", "village_code": V7},
        {"team_id": "T3", "village_code": V8},
    ]
    chronic = out["chronic_status"]

    def add(village_code, prefix, n, color, level):
        for i in range(n):
            chronic.append(
                hm.chronic_row("2026-03", f"{prefix}{i}", village_code, "diabetes", color, level)
            )

    add(hm.V3, "w3g", 21, "green", "village")
    add(hm.V3, "w3r", 3, "red", "township")
    add(V7, "w7r", 1, "red", "county")
    add(V7, "w7g", 1, "green", "village")
    add(V8, "w8g", 24, "green", "village")
    add(V8, "w8r", 6, "red", "county")
    return out


@pytest.fixture(scope="module")
def db_url(tmp_path_factory):
    path = tmp_path_factory.mktemp("small_cells_map") / "handmade.sqlite"
    return sqlite_file(path, rows())


@pytest.fixture(scope="module")
def engine(db_url):
    eng = sa.create_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture(autouse=True)
def default_threshold(monkeypatch):
    monkeypatch.delenv(small_cells.ENV, raising=False)


@pytest.fixture
def users(monkeypatch, tmp_path):
    path = tmp_path / "users.toml"
    path.write_text(
        f"""
[users.m_county]
password_hash = "{HASH}"
role = "county"
county = "{hm.A}"
[users.m_west]
password_hash = "{HASH}"
role = "township"
county = "{hm.A}"
townships = ["{hm.WEST}"]
""",
        encoding="utf-8",
    )
    monkeypatch.setenv("DASHBOARD_USERS_FILE", str(path))
    monkeypatch.setenv("DASHBOARD_AUDIT_DIR", str(tmp_path / "audit"))
    return tmp_path


def test_the_floor_is_the_threshold_for_township_roles_only(monkeypatch):
    assert small_cells.floor(TOWNSHIP_ROLE) == 5
    assert small_cells.floor(COUNTY_ROLE) == 0 and small_cells.floor(None) == 0
    monkeypatch.setenv(small_cells.ENV, "10")
    assert small_cells.floor(TOWNSHIP_ROLE) == 10
    monkeypatch.setenv(small_cells.ENV, "0")
    assert small_cells.floor(TOWNSHIP_ROLE) == 0


# --- the map ---------------------------------------------------------------------------------


def west_view(engine) -> grid_map.MapView:
    return grid_map.build(engine, WEST, window_for(engine, Period.parse("2026-Q1")))


def test_the_model_holds_the_true_figures(engine):
    v = west_view(engine).villages.set_index("village_code")
    assert v.loc[[hm.V3, V7, V8], "patients"].tolist() == [25, 2, 30]
    assert v.loc[[hm.V3, V7, V8], "red"].tolist() == [3, 1, 6]
    assert v.loc[[hm.V3, V7, V8], "red_share"].tolist() == pytest.approx([0.12, 0.5, 0.2])


def _by_village(view, values) -> dict:
    return dict(zip(view.villages["village_code"], values, strict=True))


def test_red_share_fill_and_tooltip_masked_for_a_township_role(engine):
    view = west_view(engine)
    colours, texts, legend = map_layers.fills(view, "red_share", small=5)
    colour, text = _by_village(view, colours), _by_village(view, texts)
    assert text == {hm.V3: "人数<5，不显示", V7: "人数<5，不显示", V8: "为防推算，不显示"}
    assert colour[hm.V3] == colour[V7] == colour[V8] == theme.MAP_NO_VALUE
    # no value shown: no class, and the hidden villages named in the legend with why
    assert legend.entries == (
        (theme.MAP_NO_VALUE, "人数<5，不显示（2 个村）"),
        (theme.MAP_NO_VALUE, "为防推算，不显示（1 个村）"),
    )
    # other layers are no patient counts: nothing masked
    _c, services, _l = map_layers.fills(view, "services", small=5)
    assert "人数<5，不显示" not in services


def test_red_share_fill_and_tooltip_as_they_are_for_a_county_role(engine):
    view = west_view(engine)
    colours, texts, legend = map_layers.fills(view, "red_share", small=0)
    assert _by_village(view, texts) == {hm.V3: "12.0%", V7: "50.0%", V8: "20.0%"}
    assert theme.MAP_NO_VALUE not in colours
    assert not any("不显示" in label for _c, label in legend.entries)


def test_the_built_map_carries_no_masked_figure(engine, monkeypatch):
    monkeypatch.setattr(map_layers, "leaflet_url", lambda: "/app/static/vendor/leaflet")
    view = west_view(engine)
    geometry = grid_map.geometry(engine, WEST)
    masked = maps.map_html(map_layers.build_map(view, geometry, "red_share", 5))
    shown = maps.map_html(map_layers.build_map(view, geometry, "red_share", 0))
    hidden = "人数\\u003c5，不显示"  # as the page's script holds it (< escaped)
    assert hidden in masked and "为防推算，不显示" in masked
    assert "12.0%" not in masked and "50.0%" not in masked and "20.0%" not in masked
    assert "12.0%" in shown and "50.0%" in shown and "人数\\u003c5" not in shown


def test_the_map_cache_is_keyed_by_the_masking(monkeypatch):
    """A township role and a county role never share a built map (nor two thresholds)."""
    calls = []
    monkeypatch.setattr(map_layers.data, "kept", lambda key, *_: calls.append(key))
    monkeypatch.setattr(map_layers, "leaflet_url", lambda: "/leaflet")
    monkeypatch.setattr(map_layers.data, "database", lambda: SimpleNamespace(key="db"))
    window = "2026-Q1"  # passed through to the cache key as it is
    map_layers.map_for(WEST, window, "red_share", TOWNSHIP_ROLE)
    map_layers.map_for(WEST, window, "red_share", COUNTY_ROLE)
    map_layers.map_for(WEST, window, "red_share", None)
    monkeypatch.setenv(small_cells.ENV, "10")
    map_layers.map_for(WEST, window, "red_share", TOWNSHIP_ROLE)
    assert [args[-1] for args in calls] == [5, 0, 0, 10]
    assert len(set(calls)) == 3  # county role and administrator: one map


def test_map_tables_beside_the_map_carry_no_patient_count(engine):
    # the mismatch list (分类与条件不符的村) shows no patient figure
    view = west_view(engine)
    table = grid_map_tables.mismatch_table(view.villages)
    assert set(table.columns) == {"村", "乡镇", "类别", "距离", "路况"}


# --- export --user -----------------------------------------------------------------------------


def _export(db_url, tmp_path, user: str, *args: str) -> dict:
    out = tmp_path / f"{user}.json"
    argv = ["--db", db_url, "--period", "2026-03", "--user", user, *args, "-o", str(out)]
    assert export.main(argv) == 0
    return json.loads(out.read_text(encoding="utf-8"))


COUNT_COLUMNS = ("patients", "red", "mismatched")


def village_records(node) -> list[dict]:
    """Every record of the JSON that names a village (a village_code or village_name)."""
    found = []
    if isinstance(node, dict):
        if "village_code" in node or "village_name" in node:
            found.append(node)
        for value in node.values():
            found += village_records(value)
    elif isinstance(node, list):
        for value in node:
            found += village_records(value)
    return found


def small_counts(model: dict) -> list[tuple]:
    return [
        (r.get("village_code"), c, r[c])
        for r in village_records(model)
        for c in COUNT_COLUMNS
        if isinstance(r.get(c), int | float) and 0 < r[c] < 5
    ]


@pytest.mark.parametrize("view", ["chronic", "map", "overview", "teams", "meeting"])
def test_township_role_json_has_no_small_village_count(users, db_url, tmp_path, view):
    model = _export(db_url, tmp_path, "m_west", "--view", view)
    assert small_counts(model) == []
    if view in ("chronic", "map"):  # the lists are there, masked
        assert "<5" in json.dumps(model, ensure_ascii=False)


def test_chronic_json_as_the_pages_show_it(users, db_url, tmp_path):
    west = _export(db_url, tmp_path, "m_west", "--view", "chronic")
    red = {r["village_code"]: r for r in west["red_villages"]}
    assert set(red) == {hm.V3, V8}  # V7 has fewer than 20 rows: not ranked by red share
    # 25 and 6 hidden (不显示) so that 新寨村's 2 rows and 㵲水村's 3 red cannot be worked out
    assert (red[hm.V3]["patients"], red[hm.V3]["red"], red[hm.V3]["red_share"]) == (
        "不显示",
        "<5",
        None,
    )
    assert (red[V8]["patients"], red[V8]["red"], red[V8]["red_share"]) == (30, "不显示", None)
    wrong = {r["village_code"]: r for r in west["mismatch_villages"]["rows"]}
    assert set(wrong) == {hm.V3}
    assert (wrong[hm.V3]["mismatched"], wrong[hm.V3]["mismatch_share"]) == ("<5", None)
    assert west["mismatch_villages"]["total"] == 1

    county = _export(db_url, tmp_path, "m_county", "--view", "chronic", "--township", hm.WEST)
    red = {r["village_code"]: r for r in county["red_villages"]}
    assert (red[hm.V3]["patients"], red[hm.V3]["red"]) == (25, 3)
    assert red[hm.V3]["red_share"] == pytest.approx(0.12)
    wrong = {r["village_code"]: r for r in county["mismatch_villages"]["rows"]}
    assert wrong[hm.V3]["mismatched"] == 4
    assert wrong[hm.V3]["mismatch_share"] == pytest.approx(0.16)
    assert small_counts(county) != []  # the county role sees the numbers


def test_map_json_as_the_map_shows_it(users, db_url, tmp_path):
    west = _export(db_url, tmp_path, "m_west", "--view", "map")
    v = {r["village_code"]: r for r in west["villages"]}
    assert [(v[c]["patients"], v[c]["red"], v[c]["red_share"]) for c in (hm.V3, V7, V8)] == [
        ("不显示", "<5", None),
        ("<5", "<5", None),
        (30, "不显示", None),
    ]
    county = _export(db_url, tmp_path, "m_county", "--view", "map", "--township", hm.WEST)
    v = {r["village_code"]: r for r in county["villages"]}
    assert [(v[c]["patients"], v[c]["red"]) for c in (hm.V3, V7, V8)] == [(25, 3), (2, 1), (30, 6)]


def test_threshold_zero_switches_the_export_masking_off(users, db_url, tmp_path, monkeypatch):
    monkeypatch.setenv(small_cells.ENV, "0")
    west = _export(db_url, tmp_path, "m_west", "--view", "map")
    v = {r["village_code"]: r for r in west["villages"]}
    assert (v[V7]["patients"], v[V7]["red"]) == (2, 1)


def test_brief_workbook_lists_no_village_patient_count(engine):
    """The 周报 (what --format xlsx/pdf/pptx write, one model) names villages only in the list
    of villages without service, which has no patient figure: nothing there to mask."""
    window = window_for(engine, Period.parse("2026-03"))
    book = openpyxl.load_workbook(
        io.BytesIO(brief.xlsx_bytes(engine, TOWNSHIP_ROLE, window, TOWNSHIP_ROLE))
    )
    names = {"㵲水村", "新寨村", "大寨村"}
    naming = []  # (sheet, header, row) of every row with a village name in a cell of its own
    for ws in book.worksheets:
        table = list(ws.iter_rows(values_only=True))
        header = table[1] if len(table) > 1 else ()  # under the title row
        naming += [(ws.title, header, row) for row in table[2:] if names & set(row)]
    assert [row for _t, _h, row in naming] == [
        ("新寨村", "西镇", "清河县", "O'Hara团队"),
        ("大寨村", "西镇", "清河县", "O'Hara团队"),
    ]
    assert {header for _t, header, _r in naming} == {("村", "乡镇", "县区", "团队")}
