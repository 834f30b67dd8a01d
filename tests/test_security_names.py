"""Names shown safely everywhere (data_access.names, one place every query's frame passes
through): bidi controls removed, control characters visible, blank names as （未命名）+ code,
long names cut with the whole name on hover; and DASHBOARD_CJK_FONT checked for Chinese.

Hand-made database (tests/handmade.py) with three villages renamed: 㵲水村 V3 gets a
right-to-left override ("exe.\u202e镇RTL" shows as "LTR镇.exe" in a browser), 三台村 V1 a name
of spaces, 石'门村 V4 a tab, a bell and a line break; and 东镇 a 2,000-character name.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import matplotlib
import pytest

from dashboard import export, safe
from dashboard.brief import fonts
from data_access import chronic, names
from data_access.engine import create_readonly_engine
from data_access.periods import Period
from data_access.scope import Scope
from tests import handmade as hm
from tests.dbs import sqlite_file
from views import grid_map, rankings
from views.common import window_for

RTL = "exe.\u202e镇RTL"
LONG = "东" * 2000


def rows() -> dict:
    out = copy.deepcopy(hm.ROWS)
    renamed = {hm.V3: RTL, hm.V1: "   ", hm.V4: "石\t门\x07村\n二"}
    for v in out["village"]:
        v["name"] = renamed.get(v["village_code"], v["name"])
    for t in out["township"]:
        if t["township_code"] == hm.EAST:
            t["name"] = LONG
    return out


@pytest.fixture(scope="module")
def db_url(tmp_path_factory):
    return sqlite_file(tmp_path_factory.mktemp("names") / "names.sqlite", rows())


@pytest.fixture(scope="module")
def engine(db_url):
    eng = create_readonly_engine(db_url)
    yield eng
    eng.dispose()


def test_clean_by_hand():
    assert names.clean(RTL) == "exe.镇RTL"
    for mark in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f":
        assert names.clean(f"甲{mark}乙") == "甲乙"
    assert names.clean("a\tb\x07c\nd\x7f\x85") == "a\\tb\\x07c\\nd\\x7f\\x85"
    assert names.clean("  \u3000 ", "990101001001") == "（未命名）990101001001"
    assert names.clean("", None) == "（未命名）"
    assert names.clean(None) is None
    assert names.clean("三台村") == "三台村"
    assert names.short("长" * 300, 24) == "长" * 23 + "…" and names.short("短") == "短"


def test_every_name_read_is_clean(engine):
    got = chronic.village_names(engine).set_index("village_code")["village_name"]
    assert got[hm.V3] == "exe.镇RTL"
    assert got[hm.V1] == f"（未命名）{hm.V1}"
    assert got[hm.V4] == "石\\t门\\x07村\\n二"
    view = grid_map.build(engine, Scope(hm.A), window_for(engine, Period.parse("2026-03")))
    shown = view.villages.set_index("village_code")["name"]
    assert shown[hm.V3] == "exe.镇RTL" and shown[hm.V1] == f"（未命名）{hm.V1}"
    text = json.dumps(view.villages.to_dict("records"), ensure_ascii=False, default=str)
    assert "\u202e" not in text and "\t" not in text


def test_the_export_carries_clean_names(db_url, tmp_path):
    out = tmp_path / "map.json"
    assert export.main(["--db", db_url, "--period", "2026-03", "--county", hm.A, "--view", "map",
                        "-o", str(out)]) == 0  # fmt: skip
    text = out.read_text(encoding="utf-8")
    assert "\u202e" not in text  # (石'门村, with the controls, is in county B)
    assert f"（未命名）{hm.V1}" in text and "exe.镇RTL" in text


def test_a_long_name_is_cut_in_the_league_with_the_whole_name_on_hover(engine):
    cell = safe.html_name(LONG)
    assert cell.startswith('<span title="' + LONG + '">')
    assert cell.endswith("东" * 23 + "…</span>")
    assert safe.html_name("<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"
    hostile = safe.html_name('"><script>' + "长" * 40)
    assert "<script>" not in hostile and 'title="&quot;&gt;&lt;script&gt;' in hostile
    from dashboard.charts import league_html

    view = rankings.build(engine, Scope(hm.A), window_for(engine, Period.parse("2026-Q1")))
    html = league_html.league_html(view.townships, view.definitions, len(view.trend_months))
    assert f'title="{LONG}"' in html
    assert LONG not in re.sub(r'title="[^"]*"', "", html)  # whole only on hover
    assert "东" * 23 + "…" in html


# --- the CJK font ------------------------------------------------------------------------------

LATIN_FONT = str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")


def test_a_font_without_chinese_is_refused(monkeypatch):
    monkeypatch.setenv(fonts.ENV_FONT, LATIN_FONT)
    fonts.cjk_font.cache_clear()
    assert not fonts.has_cjk(LATIN_FONT)
    with pytest.raises(fonts.FontUnsuitable) as caught:
        fonts.cjk_font()
    assert "不含中文字形" in str(caught.value) and "DejaVuSans.ttf" in str(caught.value)
    assert "不含中文字形" in fonts.check_setting()
    monkeypatch.setenv(fonts.ENV_FONT, "/nowhere/font.ttf")
    assert "不存在" in fonts.check_setting()
    monkeypatch.delenv(fonts.ENV_FONT)
    assert fonts.check_setting() is None
    fonts.cjk_font.cache_clear()


def test_the_cli_exits_non_zero_with_a_chinese_reason(db_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(fonts.ENV_FONT, LATIN_FONT)
    fonts.cjk_font.cache_clear()
    out = tmp_path / "brief.pdf"
    code = export.main(["--db", db_url, "--period", "2026-03", "--county", hm.A,
                        "--format", "pdf", "-o", str(out)])  # fmt: skip
    fonts.cjk_font.cache_clear()
    assert code != 0 and not out.exists()
    assert "不含中文字形" in capsys.readouterr().err


def test_a_chinese_font_passes():
    found = [
        p for p in ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",) if Path(p).is_file()
    ]
    if not found:
        pytest.skip("no Noto Sans CJK on this machine")
    assert fonts.has_cjk(found[0])
