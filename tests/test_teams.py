"""团队工作量 figures on a hand-made database, on every dialect, plus the page under AppTest.

Teams of county K (990201): TA has a member of every level and work of every service type
(抽查 70% on 20 re-checks: flagged); TB only village doctors; TC has a member but no village,
no service and no 抽查; TD has no member and too few re-checks to be flagged. TE sits in a
second county Z (990202). Expected values are worked out by hand and written as literals.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data_access import overview, team_detail, teams
from data_access.periods import Period
from data_access.scope import Scope
from pages import teams_funds as performance
from tests.dbs import dialect_params, loaded_database, sqlite_file
from tests.handmade import service_row
from views import labels
from views import teams as team_view
from views.common import window

K, Z = "990201", "990202"
X, Y, Z1 = "990201001", "990201002", "990202001"
VA1, VA2, VB1, VD1, VE1 = (
    "990201001001",
    "990201001002",
    "990201001003",
    "990201002001",
    "990202001001",
)
Q1 = Period.parse("2026-Q1")


def _village(code, township, name, cls, pop, key, km, road):
    return {
        "village_code": code,
        "township_code": township,
        "name": name,
        "village_class": cls,
        "population": pop,
        "key_population": key,
        "area_km2": 2.0,
        "distance_km": km,
        "road": road,
        "lon": 106.5,
        "lat": 26.1,
    }


def _member(mid, team, name, level, role):
    return {"member_id": mid, "team_id": team, "name": name, "level": level, "role": role}


def _check(team, month, checked, passed):
    return {"team_id": team, "month": month, "checked": checked, "passed": passed}


ROWS = {
    "county": [
        {"county_code": K, "name": "甲县", "prefecture": "测试州"},
        {"county_code": Z, "name": "乙县", "prefecture": "测试州"},
    ],
    "township": [
        {"township_code": X, "county_code": K, "name": "东乡", "health_center": "东乡卫生院"},
        {"township_code": Y, "county_code": K, "name": "西乡", "health_center": "西乡卫生院"},
        {"township_code": Z1, "county_code": Z, "name": "南乡", "health_center": "南乡卫生院"},
    ],
    "village": [
        _village(VA1, X, "一村", 1, 1200, 300, 3.5, "good"),
        _village(VA2, X, "二村", 2, 800, 200, 18.0, "poor"),
        _village(VB1, X, "三村", 1, 500, 100, 2.0, "fair"),
        _village(VD1, Y, "四村", 2, 400, 120, 25.0, "poor"),
        _village(VE1, Z1, "五村", 1, 300, 90, 5.0, "good"),
    ],
    "team": [
        {"team_id": "TA", "township_code": X, "name": "一村团队", "leader": "甲一"},
        {"team_id": "TB", "township_code": X, "name": "三村团队", "leader": "乙二"},
        {"team_id": "TC", "township_code": X, "name": "新组团队", "leader": None},
        {"team_id": "TD", "township_code": Y, "name": "四村团队", "leader": "丁四"},
        {"team_id": "TE", "township_code": Z1, "name": "五村团队", "leader": "戊五"},
    ],
    # TA's members are stored out of level order on purpose.
    "team_member": [
        _member("a4", "TA", "赵", "other", "健康管理师"),
        _member("a3", "TA", "钱", "village", "乡村医生"),
        _member("a1", "TA", "孙", "county", "专科医生"),
        _member("a2", "TA", "李", "township", "全科医生"),
        _member("b1", "TB", "周", "village", "乡村医生"),
        _member("b2", "TB", "吴", "village", "乡村医生"),
        _member("c1", "TC", "郑", "township", "护士"),
        _member("e1", "TE", "王", "village", "乡村医生"),
    ],
    "team_village": [
        {"team_id": "TA", "village_code": VA1},
        {"team_id": "TA", "village_code": VA2},
        {"team_id": "TB", "village_code": VB1},
        {"team_id": "TD", "village_code": VD1},
        {"team_id": "TE", "village_code": VE1},
    ],
    "service_type": [
        {"service_type": "sign", "name": "签约", "points": 2.0},
        {"service_type": "follow_up", "name": "随访", "points": 1.5},
        {"service_type": "health_check", "name": "体检", "points": 3.0},
        {"service_type": "health_education", "name": "健康教育", "points": 1.0},
        {"service_type": "consultation", "name": "诊疗", "points": 0.5},
        {"service_type": "referral", "name": "转诊", "points": 2.0},
    ],
    "team_service": [
        service_row("TA", "2025-12", "sign", "village", 100),  # before Q1
        service_row("TA", "2026-01", "sign", "village", 40),
        service_row("TA", "2026-01", "follow_up", "township", 20),
        service_row("TA", "2026-02", "health_check", "county", 10),
        service_row("TA", "2026-02", "health_education", "other", 6),
        service_row("TA", "2026-03", "consultation", "village", 30),
        service_row("TA", "2026-03", "referral", "township", 4),
        service_row("TA", "2026-04", "sign", "village", 50),  # after Q1
        service_row("TB", "2026-01", "follow_up", "village", 12),
        service_row("TB", "2026-02", "follow_up", "village", 8),
        service_row("TB", "2026-03", "sign", "township", 5),
        service_row("TD", "2026-01", "referral", "other", 0),  # a row with zero services
        service_row("TD", "2026-02", "sign", "village", 16),
        service_row("TD", "2026-02", "health_check", "county", 4),
        service_row("TE", "2026-01", "sign", "village", 9),
        service_row("TE", "2026-01", "follow_up", "township", 1),
    ],
    "sample_check": [
        _check("TA", "2025-12", 5, 5),
        _check("TA", "2026-03", 20, 14),
        _check("TB", "2026-03", 10, 10),
        _check("TD", "2026-02", 5, 2),
        _check("TE", "2026-03", 0, 0),
    ],
    "data_meta": [
        {"meta_key": "extracted_at", "meta_value": "2026-04-02T08:00:00+08:00"},
        {"meta_key": "source", "meta_value": "团队测试库"},
    ],
}


@pytest.fixture(scope="module", params=dialect_params())
def engine(request, tmp_path_factory):
    with loaded_database(request.param, ROWS, tmp_path_factory.mktemp(request.param)) as eng:
        yield eng


def _records(df, columns):
    return [tuple(r) for r in df[columns].itertuples(index=False)]


def _by_team(df, column):
    return dict(zip(df["team_id"], df[column], strict=True))


# --- per team over a scope ---------------------------------------------------------------------


def test_summary_counts_and_points(engine):
    df = teams.team_summary(engine, Scope(K), Q1)
    cols = ["team_id", "county_code", "services", "points", "village_services", "members"]
    assert _records(df, cols) == [
        ("TA", K, 110, 169.0, 70, 4),
        ("TB", K, 25, 40.0, 20, 2),
        ("TC", K, 0, 0.0, 0, 1),
        ("TD", K, 20, 44.0, 16, 0),
    ]
    assert _records(df, ["team_id", "villages", "population", "checked", "passed"]) == [
        ("TA", 2, 2000, 20, 14),
        ("TB", 1, 500, 10, 10),
        ("TC", 0, 0, 0, 0),
        ("TD", 1, 400, 5, 2),
    ]


def test_summary_services_by_type_columns(engine):
    df = teams.team_summary(engine, Scope(K), Q1)
    cols = [f"services_{t}" for t in teams.SERVICE_TYPES]
    assert _records(df, ["team_id", *cols]) == [
        ("TA", 40, 20, 10, 6, 30, 4),
        ("TB", 5, 20, 0, 0, 0, 0),
        ("TC", 0, 0, 0, 0, 0, 0),
        ("TD", 16, 0, 4, 0, 0, 0),
    ]


def test_summary_composition_by_level(engine):
    df = teams.team_summary(engine, Scope(K), Q1)
    cols = [f"members_{lv}" for lv in teams.MEMBER_LEVELS]
    assert _records(df, ["team_id", *cols]) == [
        ("TA", 1, 1, 1, 1),
        ("TB", 0, 0, 2, 0),
        ("TC", 0, 1, 0, 0),
        ("TD", 0, 0, 0, 0),
    ]


def test_summary_ratios_and_missing_denominators(engine):
    df = teams.team_summary(engine, Scope(K), Q1)
    per_member = _by_team(df, "services_per_member")
    assert per_member["TA"] == pytest.approx(27.5)
    assert per_member["TB"] == pytest.approx(12.5)
    assert per_member["TC"] == 0.0  # one member, no services: a real zero
    assert pd.isna(per_member["TD"])  # no members: no value
    per_1000 = _by_team(df, "services_per_1000")
    assert per_1000["TA"] == pytest.approx(55.0)
    assert per_1000["TB"] == pytest.approx(50.0)
    assert pd.isna(per_1000["TC"])  # serves no village
    assert per_1000["TD"] == pytest.approx(50.0)
    share = _by_team(df, "village_doctor_share")
    assert share["TA"] == pytest.approx(70 / 110)
    assert share["TB"] == pytest.approx(0.8)
    assert pd.isna(share["TC"])
    assert share["TD"] == pytest.approx(0.8)
    rate = _by_team(df, "pass_rate")
    assert rate["TA"] == pytest.approx(0.7)
    assert rate["TB"] == pytest.approx(1.0)
    assert pd.isna(rate["TC"])  # no 抽查
    assert rate["TD"] == pytest.approx(0.4)


def test_summary_township_scope_and_empty_period(engine):
    west = teams.team_summary(engine, Scope(K, (Y,)), Q1)
    assert _records(west, ["team_id", "services", "points"]) == [("TD", 20, 44.0)]
    empty = teams.team_summary(engine, Scope(K), Period.parse("2024-05"))
    assert _records(empty, ["team_id", "services", "points", "checked", "members"]) == [
        ("TA", 0, 0.0, 0, 4),
        ("TB", 0, 0.0, 0, 2),
        ("TC", 0, 0.0, 0, 1),
        ("TD", 0, 0.0, 0, 0),
    ]
    assert empty["village_doctor_share"].isna().all() and empty["pass_rate"].isna().all()
    assert not teams.low_pass_rate(empty).any()
    assert teams.high_volume_threshold(empty) is None


def test_workload_unchanged_for_export(engine):
    df = teams.team_workload(engine, Scope(K), Q1)
    assert list(df.columns) == [*teams.WORKLOAD_COLUMNS, "village_doctor_share", "pass_rate"]
    assert _records(df, ["team_id", "services", "points"]) == [
        ("TA", 110, 169.0),
        ("TB", 25, 40.0),
        ("TC", 0, 0.0),
        ("TD", 20, 44.0),
    ]
    composition = teams.member_composition(engine, Scope(K)).sort_values("level")
    assert _records(composition, ["level", "members"]) == [
        ("county", 1),
        ("other", 1),
        ("township", 2),
        ("village", 3),
    ]


def test_services_by_type(engine):
    df = teams.services_by_type(engine, Scope(K), Q1)
    assert _records(df, ["team_id", "service_type", "services", "points"]) == [
        ("TA", "consultation", 30, 15.0),
        ("TA", "follow_up", 20, 30.0),
        ("TA", "health_check", 10, 30.0),
        ("TA", "health_education", 6, 6.0),
        ("TA", "referral", 4, 8.0),
        ("TA", "sign", 40, 80.0),
        ("TB", "follow_up", 20, 30.0),
        ("TB", "sign", 5, 10.0),
        ("TD", "health_check", 4, 12.0),
        ("TD", "referral", 0, 0.0),
        ("TD", "sign", 16, 32.0),
    ]
    one = teams.services_by_type(engine, Scope(K), Q1, team_id="TB")
    assert _records(one, ["service_type", "services", "points"]) == [
        ("follow_up", 20, 30.0),
        ("sign", 5, 10.0),
    ]


def test_members_by_level_and_service_types(engine):
    df = teams.members_by_level(engine, Scope(K))
    assert _records(df, ["team_id", "level", "members"]) == [
        ("TA", "county", 1),
        ("TA", "other", 1),
        ("TA", "township", 1),
        ("TA", "village", 1),
        ("TB", "village", 2),
        ("TC", "township", 1),
    ]
    types = teams.service_types(engine)
    assert _records(types, ["service_type", "points"]) == [
        ("sign", 2.0),
        ("follow_up", 1.5),
        ("health_check", 3.0),
        ("health_education", 1.0),
        ("consultation", 0.5),
        ("referral", 2.0),
    ]


def test_scope_totals(engine):
    totals = teams.scope_totals(teams.team_summary(engine, Scope(K), Q1))
    assert {k: totals[k] for k in ("teams", "services", "village_services", "members")} == {
        "teams": 4,
        "services": 155,
        "village_services": 106,
        "members": 7,
    }
    assert totals["points"] == 253.0
    levels = [totals[f"members_{lv}"] for lv in teams.MEMBER_LEVELS]
    assert levels == [1, 2, 3, 1]  # county, township, village, other
    assert (totals["population"], totals["checked"], totals["passed"]) == (2900, 35, 26)
    assert totals["village_doctor_share"] == pytest.approx(106 / 155)
    assert totals["pass_rate"] == pytest.approx(26 / 35)  # Σpassed / Σchecked, not a mean
    assert totals["services_per_member"] == pytest.approx(155 / 7)
    assert totals["services_per_1000"] == pytest.approx(155_000 / 2900)
    empty = teams.scope_totals(teams.team_summary(engine, Scope(K), Period.parse("2024-05")))
    assert empty["village_doctor_share"] is None and empty["pass_rate"] is None
    assert empty["services_per_1000"] == 0.0


def test_low_pass_rate_flag_and_high_volume_reference(engine):
    df = teams.team_summary(engine, Scope(K), Q1)
    # served teams 20, 25, 110: upper quartile at position 1.5 → 25 + 0.5 × 85
    assert teams.high_volume_threshold(df) == pytest.approx(67.5)
    # the reference the view uses: every team of the database (TE's 10 too), whatever the
    # scope: 10, 20, 25, 110 → position 2.25 → 25 + 0.25 × 85
    assert teams.high_volume_reference(engine, Q1) == pytest.approx(46.25)
    # TA 14/20 = 70% < 80% on 20 ≥ 10 re-checks; TD 2/5 = 40% but only 5 re-checks
    assert _by_team(df.assign(f=teams.low_pass_rate(df)), "f") == {
        "TA": True,
        "TB": False,
        "TC": False,
        "TD": False,
    }


def test_flag_rule_edges():
    df = pd.DataFrame(
        {
            "services": [100, 100, 100, 10, 0, 100, 100],
            "checked": [20, 9, 20, 20, 0, 10, 10],
            "pass_rate": [0.5, 0.5, 0.9, 0.5, None, 0.8, 0.7],
        }
    )
    # served 10 and five of 100: the upper quartile is 100
    assert teams.high_volume_threshold(df) == 100.0
    # the flag is the team's own 抽查 only: 9 re-checks are too few, 80% is not under 80%,
    # no 抽查 is no flag; a small team (10 services) at 50% is flagged like a big one
    assert teams.low_pass_rate(df).tolist() == [True, False, False, True, False, False, True]
    # the rule is defined once (data_access.teams), not again for the 总览 alert
    assert not hasattr(overview, "LOW_PASS_RATE")
    assert not hasattr(overview, "MIN_CHECKED_FOR_PASS_RATE")


def test_village_share_medians(engine):
    # the whole county K, whichever townships are chosen: median of 70/110, 0.8, 0.8
    town = teams.village_share_medians(engine, Scope(K, (X,)), Q1)
    assert _records(town, ["county_code", "teams"]) == [(K, 3)]
    assert town["median"].iloc[0] == pytest.approx(0.8)
    every = teams.village_share_medians(engine, Scope(), Q1)
    assert _records(every, ["county_code", "teams", "median"]) == [(K, 3, 0.8), (Z, 1, 0.9)]
    # January: TA 40/60, TB 12/12; TD's only row has 0 services and is left out
    jan = teams.village_share_medians(engine, Scope(K), Period.parse("2026-01"))
    assert jan["teams"].tolist() == [2]
    assert jan["median"].iloc[0] == pytest.approx((40 / 60 + 1.0) / 2)
    assert teams.village_share_medians(engine, Scope(K), Period.parse("2024-05")).empty


# --- one team and months ----------------------------------------------------------------------


def test_monthly_services_scope(engine):
    df = team_detail.monthly_services(engine, Scope(K), Q1.months)
    assert _records(df, ["month", "service_type", "member_level", "services", "points"]) == [
        ("2026-01", "follow_up", "township", 20, 30.0),
        ("2026-01", "follow_up", "village", 12, 18.0),
        ("2026-01", "referral", "other", 0, 0.0),
        ("2026-01", "sign", "village", 40, 80.0),
        ("2026-02", "follow_up", "village", 8, 12.0),
        ("2026-02", "health_check", "county", 14, 42.0),  # TA 10 + TD 4
        ("2026-02", "health_education", "other", 6, 6.0),
        ("2026-02", "sign", "village", 16, 32.0),
        ("2026-03", "consultation", "village", 30, 15.0),
        ("2026-03", "referral", "township", 4, 8.0),
        ("2026-03", "sign", "township", 5, 10.0),
    ]


def test_monthly_services_one_team(engine):
    months = ("2025-12", "2026-01", "2026-02")
    df = team_detail.monthly_services(engine, Scope(K), months, team_id="TA")
    assert _records(df, ["month", "service_type", "member_level", "services"]) == [
        ("2025-12", "sign", "village", 100),
        ("2026-01", "follow_up", "township", 20),
        ("2026-01", "sign", "village", 40),
        ("2026-02", "health_check", "county", 10),
        ("2026-02", "health_education", "other", 6),
    ]
    assert team_detail.monthly_services(engine, Scope(K), months, team_id="TC").empty


def test_team_info_members_villages(engine):
    assert team_detail.team_info(engine, "TA") == {
        "team_id": "TA",
        "name": "一村团队",
        "leader": "甲一",
        "township_code": X,
        "township_name": "东乡",
        "county_code": K,
    }
    assert team_detail.team_info(engine, "NOPE") is None
    members = team_detail.team_members(engine, "TA")
    assert _records(members, ["member_id", "level"]) == [
        ("a1", "county"),
        ("a2", "township"),
        ("a3", "village"),
        ("a4", "other"),
    ]
    assert team_detail.team_members(engine, "TD").empty
    villages = team_detail.team_villages(engine, "TA")
    assert _records(villages, ["village_code", "name", "village_class", "population"]) == [
        (VA1, "一村", 1, 1200),
        (VA2, "二村", 2, 800),
    ]
    assert team_detail.team_villages(engine, "TC").empty


# --- configuration and chart helpers ----------------------------------------------------------


def test_yuan_per_point_configuration():
    env = performance.ENV_YUAN_PER_POINT
    assert performance.yuan_per_point({env: "2.5"}, secrets_value=9) == 2.5  # env wins
    assert performance.yuan_per_point({}, secrets_value=3) == 3.0
    assert performance.yuan_per_point({env: " "}, secrets_value="") is None
    for bad in ("abc", "-1", "0", "nan"):
        with pytest.raises(ValueError):
            performance.yuan_per_point({env: bad}, secrets_value="")
    assert team_view.estimated_funds(253.0, 2.5) == 632.5
    assert team_view.estimated_funds(253.0, None) is None


def test_chart_helpers():
    assert labels.month_ticks(("2025-11", "2025-12", "2026-01"), stacked=True) == [
        ("2025-11", "11月<br>2025年"),
        ("2025-12", "12月"),
        ("2026-01", "1月<br>2026年"),
    ]
    months = ("2025-10", "2025-11", "2025-12", "2026-01")
    assert team_view.since_data(months, ["2026-01", "2025-11"]) == months[1:]
    assert team_view.since_data(months, []) == months
    df = pd.DataFrame(
        {
            "team_id": ["t1", "t2", "t3"],
            "name": ["甲队", "甲队", "乙队"],
            "township_name": ["东乡", "西乡", "东乡"],
            "services": [5, 9, 7],
            "pass_rate": [None, 0.5, 0.9],
        }
    )
    assert team_view.team_labels(df).tolist() == ["甲队（东乡）", "甲队（西乡）", "乙队"]
    view = team_view.TeamsView(
        Scope(K),
        window(Q1, Q1.months),
        df.assign(label=team_view.team_labels(df), flagged=True),
    )
    assert view.ranked("services")["label"].tolist() == ["甲队（西乡）", "乙队", "甲队（东乡）"]
    assert _records(view.flagged_teams, ["label", "mark"]) == [
        ("甲队（西乡）", 1),
        ("乙队", 2),
        ("甲队（东乡）", 3),
    ]
    # no value, no rank: the team without a pass rate is left out, not ranked as 0
    assert view.ranked("pass_rate", highest=False)["label"].tolist() == ["甲队（西乡）", "乙队"]
    assert view.unranked("pass_rate")["label"].tolist() == ["甲队（东乡）"]


# --- the page under AppTest -------------------------------------------------------------------

APP = Path(__file__).resolve().parents[1] / "dashboard" / "frame.py"
TIMEOUT_S = 120  # a cold first run imports plotly, pandas and the drivers


@pytest.fixture(scope="module")
def db_url(tmp_path_factory):
    path = tmp_path_factory.mktemp("teams_app") / "teams.sqlite"
    return sqlite_file(path, ROWS)


def open_teams(monkeypatch, url: str, yuan_per_point: str | None = None, **params) -> AppTest:
    """Open the app with URL parameters, then switch to the 团队工作量 page."""
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    if yuan_per_point is None:
        monkeypatch.delenv(performance.ENV_YUAN_PER_POINT, raising=False)
    else:
        monkeypatch.setenv(performance.ENV_YUAN_PER_POINT, yuan_per_point)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(str(Path(APP).parents[1] / "pages" / "teams.py"))
    return at.run()


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_page_overview_figures(monkeypatch, db_url):
    at = open_teams(monkeypatch, db_url, county=K, period="2026-Q1")
    assert not at.exception, [e.message for e in at.exception]
    shown = metrics(at)
    assert shown["团队"] == "4 个"
    assert shown["服务总量"] == "155"
    assert shown["每千人服务量（次/千人·季）"] == "53.4"  # 155 × 1000 / 2900 = 53.45… per quarter
    assert shown["积分"] == "253"
    assert shown["村医服务占比"] == "68.4%"  # 106 / 155
    assert shown["抽查合格率"] == "74.3%"  # 26 / 35
    captions = texts(at.caption)
    # high volume is a reference over every team of the database (46.25, see above)
    assert "全部县区有服务团队的上四分位数（46 人次" in captions
    assert "本期 1 个团队被标记" in captions
    assert "1 个团队无抽查" in captions


def test_page_team_link_opens_detail(monkeypatch, db_url):
    at = open_teams(monkeypatch, db_url, "2", county=K, period="2026-Q1", team="TA")
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["w_team_view"] == "团队详情"
    assert at.query_params["team"] == "TA"
    assert "一村团队" in texts(at.subheader)
    shown = metrics(at)
    assert shown["服务人次"] == "110"
    assert shown["积分"] == "169.0"
    assert shown["估算绩效经费"] == "338 元"  # 169 points × 2 yuan
    assert shown["人均服务量"] == "27.5"
    assert shown["每千人服务量"] == "55.0"
    assert shown["村医服务占比"] == "63.6%"  # 70 / 110
    assert shown["抽查合格率"] == "70.0%"
    assert "⚑" in texts(at.warning)  # own pass rate 70% < 80% on 20 re-checks
    tables = [df.value for df in at.dataframe]
    members, villages, points = tables[0], tables[1], tables[2]
    assert members["层级"].tolist() == ["县级", "乡级", "村级", "X（其他）"]
    assert villages["类别"].tolist() == ["一类村", "二类村"]
    assert points["积分"].tolist() == [80.0, 30.0, 30.0, 6.0, 15.0, 8.0]
    assert points["估算绩效经费（元）"].tolist() == [160.0, 60.0, 60.0, 12.0, 30.0, 16.0]


def test_page_choosing_a_team_writes_the_url(monkeypatch, db_url):
    at = open_teams(monkeypatch, db_url, county=K, period="2026-Q1")
    at.session_state["w_team_view"] = "团队详情"
    at.run()
    assert "请在上方选择一个团队" in texts(at.info)
    at.selectbox(key="w_team").set_value("TD").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.query_params["team"] == "TD"
    assert "该团队没有登记成员" in texts(at.info)
    assert metrics(at)["人均服务量"] == "—"  # no members: no value
    assert "未配置每积分金额" in texts(at.caption)


@pytest.mark.parametrize(
    "params",
    [
        {"county": K, "period": "2026-Q1", "team": "ZZ<b>9"},
        {"county": K, "township": Y, "period": "2026-Q1", "team": "TA"},  # outside the scope
    ],
    ids=["unknown", "outside-scope"],
)
def test_page_rejects_unknown_team(monkeypatch, db_url, params):
    at = open_teams(monkeypatch, db_url, **params)
    assert not at.exception, [e.message for e in at.exception]
    warning = texts(at.warning)
    assert "不存在或不在所选范围内" in warning and "<b>" not in warning
    assert "team" not in at.query_params
    assert at.session_state["w_team_view"] != "团队详情"


def test_page_table_and_downloads(monkeypatch, db_url):
    at = open_teams(monkeypatch, db_url, county=K, period="2026-Q1")
    at.session_state["w_team_view"] = "团队列表"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    table = at.dataframe[0].value.set_index("团队")
    assert table.loc["一村团队", "服务总量（人次）"] == 110
    assert table.loc["一村团队", "村医服务占比（%）"] == 63.6
    assert table.loc["一村团队", team_view.FLAG_COLUMN] == "⚑ 是"
    assert table.loc["一村团队", "签约（人次）"] == 40
    assert table.loc["一村团队", "X（其他）成员"] == 1
    assert pd.isna(table.loc["新组团队", "抽查合格率（%）"])  # no 抽查: no rate
    assert pd.isna(table.loc["四村团队", "人均服务量"])  # no members
    assert "估算绩效经费（元）" not in table.columns  # not configured


def test_page_empty_period_and_bad_amount(monkeypatch, db_url):
    at = open_teams(monkeypatch, db_url, "很多", county=K, period="2024-05")
    assert not at.exception, [e.message for e in at.exception]
    assert "没有团队服务和抽查记录" in texts(at.info)
    # leaders read that funds are not estimated; where to fix it is for administrators only
    assert "每积分金额未能读取" in texts(at.caption)
    assert "DASHBOARD_YUAN_PER_POINT" not in texts(at.caption) + texts(at.warning)
