"""数据质量 on the hand-made database of tests/quality_db.py: every planted case is flagged with
its reason, no clean row is, on four dialects; the store gives the source's flags; scope,
small cells, thresholds from settings, the export CLI and the page.

Expected figures are worked out by hand in tests/quality_db.py's docstring and below.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import quality_settings
from data_access import store
from data_access.periods import Period
from data_access.scope import Scope
from data_access.store_build import build as build_store
from tests import quality_db as q
from tests.dbs import dialect_params, loaded_database, sqlite_file
from views import quality
from views.common import window_for
from views.jsonable import jsonable
from views.quality_flags import DEFAULT_THRESHOLDS

# (rule, entity code, month) → (severity, figure, comparison), each worked out by hand:
EXPECTED = {
    # TS: history 2025-02 … 2026-01 has median 100 and MAD 1.5 → z = 400 / (1.4826 × 1.5).
    ("spike", "TS", "2026-02"): (
        "high", "2026年2月服务 500 人次",
        "此前 12 个月中位数 100 人次（5.0 倍，稳健 z = 179.9，阈值 3.5）",
    ),
    # TD: one member; 22, 20 and 22 weekdays in 2026-01 … 03.
    ("daily_rate", "TD", "2026-01"): (
        "high", "2026年1月人均每工作日 31.8 人次", "上限 30 人次（700 人次 / 1 名成员 / 22 个工作日）",
    ),
    ("daily_rate", "TD", "2026-02"): (
        "high", "2026年2月人均每工作日 35.1 人次", "上限 30 人次（702 人次 / 1 名成员 / 20 个工作日）",
    ),
    ("daily_rate", "TD", "2026-03"): (
        "high", "2026年3月人均每工作日 31.7 人次", "上限 30 人次（698 人次 / 1 名成员 / 22 个工作日）",
    ),
    # TW: 40 follow-ups; w1, w2 (随村) and n1 (未签村) under management → 3; 40 > 2 × 2 × 3.
    ("follow_ups", "TW", "2026-01"): (
        "high", "2026年1月随访 40 次", "所服务村月末在管慢病患者 3 人次（随访为其 13.3 倍，阈值 2 倍）",
    ),
    # TP: 900 in Q1; TC1 300, TC2 300, TQ 390 → median 300.
    ("perfect_checks", "TP", None): (
        "high", "抽查 30 人次全部合格，服务 900 人次",
        "本乡镇其他 3 个团队服务量中位数 300 人次（3.0 倍，阈值 2 倍）",
    ),
    ("no_residents", q.VX, None): (
        "high", "所属团队（只服务无人口的村）本期服务 150 人次", "常住人口为 0",
    ),
    ("surge", "TQ", "2026-03"): (
        "medium", "2026年3月（季末）服务 190 人次", "本季前两个月较高者 100 人次（1.9 倍，阈值 1.8）",
    ),
    ("identical", "TI", "2026-03"): (
        "medium", "连续 6 个月每月 80 人次", "2025年10月至2026年3月（阈值 6 个月）",
    ),
    ("no_signed", q.VN, "2026-03"): (
        "medium", "月末在管慢病患者 1 人次", "2026年3月签约居民 0 人（签约率分母 100）",
    ),
    # County A over 2025-04 … 2026-03: 173 rows paired (VF 66, V1 44, V2 11, VW 22, VN 11,
    # VFL 8, VS 11), 55 changed (V1 44, V2 1, VW 1, VFL 8, VS 1): 31.8 %; VF 66 × 0.318 = 21.
    # VN (11 × 0.318 = 3.5 < 5) is not judged.
    ("frozen", q.VF, None): (
        "medium", "2025年4月至2026年3月标色变化 0 人次（共 66 人次可比）",
        "全县同期变化率 31.8%，按此应约 21 人次变化（阈值 5）",
    ),
    ("two_villages", q.V1, None): (
        "medium", "1 人次（按月计）同月在其他村也有记录", "同一患者同一月份只应在一个村管理",
    ),
    ("two_villages", q.V2, None): (
        "medium", "1 人次（按月计）同月在其他村也有记录", "同一患者同一月份只应在一个村管理",
    ),
    ("flips", q.VFL, None): ("medium", "绿→红→绿 4 人次", "阈值 4 人次"),
    # 北镇: 2 re-checks for 600 services in Q1; 东镇 90 / 1,890 = 4.8 %, 西镇 60 / 1,270 = 4.7 %,
    # 南镇 110 / 2,100 = 5.2 % are above the 4 % line.
    ("check_share", q.NORTH, None): (
        "medium", "抽查 2 人次，为服务量的 0.3%", "完整季度服务 600 人次；政策比例 5%，阈值 4%",
    ),
}  # fmt: skip
CLEAN = {"TC1", "TC2", "TX", "TN", q.VQ, q.VS, q.VW, q.VD, q.VNN, q.EAST, q.WEST, q.SOUTH}


EVERYTHING = Scope()


def q1(engine, scope=EVERYTHING, **options):
    return quality.build(engine, scope, window_for(engine, Period.parse("2026-Q1")), **options)


@pytest.fixture(params=dialect_params())
def dialect(request):
    return request.param


def test_every_planted_case_is_flagged_and_no_clean_row_is(dialect, tmp_path):
    with loaded_database(dialect, q.ROWS, tmp_path) as engine:
        view = q1(engine)
    got = {(f.rule, f.entity.code, f.month): f for f in view.flags}
    assert set(got) == set(EXPECTED)
    for key, (severity, figure, comparison) in EXPECTED.items():
        flag = got[key]
        assert (flag.severity, flag.figure, flag.comparison) == (severity, figure, comparison), key
        assert flag.sentence.endswith("，建议核查。")
    assert not CLEAN & {f.entity.code for f in view.flags}
    assert (view.count, view.high, view.teams, view.villages, view.townships) == (15, 7, 10, 11, 4)


def test_the_done_when_cases_say_why_and_link_to_the_explaining_view(tmp_path):
    with loaded_database("duckdb", q.ROWS, tmp_path) as engine:
        view = q1(engine)
    by = {(f.rule, f.entity.code): f for f in view.flags}
    spike = by["spike", "TS"]
    assert spike.sentence == (
        "突增团队2026年2月服务 500 人次，是自身此前 12 个月中位数（100 人次）的 5.0 倍，建议核查。"
    )
    assert spike.link.page == "teams" and dict(spike.link.params) == {"team": "TS", "tab": "detail"}
    assert spike.entity.where == "清河县 · 西镇"
    assert by["perfect_checks", "TP"].sentence == (
        "全合格团队本期抽查 30 人次全部合格，而服务量 900 人次是本乡镇其他团队中位数（300 人次）"
        "的 3.0 倍，建议核查。"
    )
    empty = by["no_residents", q.VX]
    assert (
        empty.sentence
        == "无人村常住人口为 0，但所属团队（只服务无人口的村）本期服务 150 人次，建议核查。"
    )
    assert empty.link.page == "map" and dict(empty.link.params) == {"village": q.VX}
    assert (empty.entity.team_id, empty.entity.township_name) == ("TX", "西镇")
    assert by["two_villages", q.V1].sentence.startswith(
        "一村本期有 1 人次（按月计）患者同月在其他村"
    )
    assert by["frozen", q.VF].sentence == (
        "不变村近 12 个月 66 人次慢病记录的标色无一变化，而全县同期有 31.8% 发生变化，建议核查。"
    )
    town = by["check_share", q.NORTH]
    assert dict(town.link.params) == {"township": q.NORTH, "tab": "list"}
    # The table lists them as the page does, high first.
    table = view.table()
    assert (
        list(table["严重程度"][:7]) == ["高"] * 7 and table["说明"].str.endswith("建议核查。").all()
    )


def test_a_month_without_a_quarter_end_says_what_it_did_not_judge(tmp_path):
    with loaded_database("duckdb", q.ROWS, tmp_path) as engine:
        view = quality.build(engine, Scope(), window_for(engine, Period.parse("2026-02")))
    # TI's six equal months end in March (five by February); VFL returns to green in March.
    assert {(f.rule, f.entity.code) for f in view.flags} == {
        ("spike", "TS"),
        ("daily_rate", "TD"),
        ("no_residents", q.VX),
        ("frozen", q.VF),
    }
    assert view.not_evaluated == ("季末集中、抽查比例不足：本期不含季末月份，未判断。",)


def test_the_scope_cuts_the_flags_to_its_townships(tmp_path):
    with loaded_database("duckdb", q.ROWS, tmp_path) as engine:
        west = q1(engine, Scope(q.A, (q.WEST,)))
        county_b = q1(engine, Scope(q.B))
    assert {f.entity.code for f in west.flags} == {"TS", "TW", "TI", q.VX, q.VN, q.VFL}
    assert {f.entity.township_code for f in west.flags} == {q.WEST}
    assert {f.entity.code for f in county_b.flags} == {"TD", q.NORTH}


def test_small_patient_counts_are_masked_for_a_township_role(tmp_path):
    with loaded_database("duckdb", q.ROWS, tmp_path) as engine:
        view = q1(engine, Scope(q.A, (q.WEST,)), small=5)
    by = {(f.rule, f.entity.code): f for f in view.flags}
    assert by["no_signed", q.VN].figure == "月末在管慢病患者 <5 人次"
    assert by["follow_ups", "TW"].comparison.startswith("所服务村月末在管慢病患者 <5 人次")
    assert by["spike", "TS"].figure == "2026年2月服务 500 人次"  # services are not patients


def test_thresholds_from_settings_change_the_flags(tmp_path):
    env = {"DASHBOARD_QUALITY_SPIKE_RATIO": "6", "DASHBOARD_QUALITY_FLIP_MIN": "5"}
    t, problems = quality_settings.read(env, {})
    assert (t.spike_ratio, t.flip_min, problems) == (6.0, 5, [])
    assert quality_settings.read({}, {"identical_months": 7})[0].identical_months == 7
    bad, problems = quality_settings.read({"DASHBOARD_QUALITY_SPIKE_Z": "abc"}, {"nope": 1})
    assert bad == DEFAULT_THRESHOLDS and len(problems) == 2
    with loaded_database("duckdb", q.ROWS, tmp_path) as engine:
        view = q1(engine, thresholds=t)
    rules = {f.rule for f in view.flags}
    assert "spike" not in rules and "flips" not in rules and "identical" in rules
    assert "中位数的 6 倍" in view.method[0][1]


def test_the_store_gives_the_source_flags(dialect, tmp_path):
    with loaded_database(dialect, q.ROWS, tmp_path) as source:
        built = store.open_store(build_store(source, "x", tmp_path / "store.duckdb"))
        try:
            for key in ("2026-Q1", "2026-03", "2026-02", "2026", "2025-Q4"):
                for scope in (Scope(), Scope(q.A), Scope(q.A, (q.WEST,))):
                    w = window_for(source, Period.parse(key))
                    direct = jsonable(quality.build(source, scope, w, small=5))
                    stored = jsonable(quality.build(built, scope, w, small=5))
                    assert direct == stored, (key, scope)
        finally:
            built.dispose()


def test_export_view_quality(tmp_path):
    from dashboard import export

    url = sqlite_file(tmp_path / "q.sqlite", q.ROWS)
    out = tmp_path / "q.json"
    code = export.main(["--db", url, "--period", "2026-Q1", "--view", "quality", "-o", str(out)])
    assert code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["view"] == "quality" and data["count"] == 15
    assert {f["rule"] for f in data["flags"]} >= {"spike", "perfect_checks", "two_villages"}


APP = Path(__file__).resolve().parents[1] / "dashboard" / "frame.py"


def test_the_page_renders_the_flags_and_what_a_flag_is(monkeypatch, tmp_path):
    url = sqlite_file(tmp_path / "q.sqlite", q.ROWS)
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params.update(county=q.A, period="2026-Q1")
    at.run()
    at.switch_page(str(APP.parents[1] / "pages" / "quality.py")).run()
    assert not at.exception, [e.message for e in at.exception]
    text = "\n".join(str(e.value) for e in (*at.markdown, *at.caption, *at.info))
    assert "数据质量" in "\n".join(str(t.value) for t in at.title)
    assert "不是结论" in text and "建议核查" in text
    assert "突增团队2026年2月服务 500 人次" in text
    assert "北镇" not in text  # county B is outside the scope


def test_the_slide_and_the_brief_carry_the_flags(tmp_path):
    import io

    import pandas as pd
    from pptx import Presentation

    from dashboard.brief import pptx as brief_pptx
    from dashboard.brief import printed, render_xlsx
    from views.meeting import deck

    with loaded_database("duckdb", q.ROWS, tmp_path) as engine:
        view = deck.build(engine, Scope(q.A), window_for(engine, Period.parse("2026-Q1")))
    slide = next(s for s in view.slides if s.key == "quality")
    # County A: the 15 flags less TD's three months and 北镇 (county B).
    assert slide.message == "11 个团队/村/乡镇有 11 条数据质量提示（其中高 4 条），建议核查"
    assert (slide.count, slide.high, slide.more) == (11, 4, 6)
    assert printed.table(slide).iloc[0].tolist() == [
        "高", "服务量突增", "团队 突增团队（西镇）", "2026年2月服务 500 人次",
    ]  # fmt: skip
    assert len(slide.sheets["数据质量提示"]) == 11
    prs = Presentation(io.BytesIO(brief_pptx.render(view.meeting, view.slides)))
    keys = [s.key for s in view.slides]
    words = [
        shape.text_frame.text
        for shape in prs.slides[keys.index("quality")].shapes
        if shape.has_text_frame
    ]
    assert slide.message in words and "数据质量提示" in words
    book = pd.read_excel(
        io.BytesIO(render_xlsx(view.meeting, view.slides)), sheet_name=None, header=1
    )
    assert len(book["数据质量提示"]) == 11
