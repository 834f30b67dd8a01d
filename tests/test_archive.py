"""The brief files itself (python -m dashboard.export schedule) and the 周报存档 page lists what
was filed, per role; file names in words, safe for any file system, also for hostile names."""

from __future__ import annotations

import copy
import os
from datetime import datetime, time
from pathlib import Path

import pytest
import sqlalchemy as sa

from dashboard import brief, export, navigation, safe
from dashboard.brief import archive, schedule
from data_access import meta
from data_access.names import clean
from data_access.periods import Period
from tests import handmade as hm
from tests import hostile
from tests.dbs import sqlite_file
from tests.test_audit_downloads import click, downloads  # noqa: F401 (fixture)
from tests.test_security_scope import db_url, env, events, signed_in  # noqa: F401 (fixtures)
from views import archive as archive_view
from views.domain import Scope

Q1 = Period.parse("2026-Q1")
# The hand-made counties by code, in words (tests/handmade.py), and their brief's file stems.
COUNTY_WORDS = {
    "990101": "清河县",
    "990102": "O_Brien县",  # O'Brien县: the apostrophe is not kept in a file name
    "990103": "丙县",
    "990104": "丁县",
    "990105": "戊县",
}


def stem(words: str) -> str:
    return f"周报_{words}_2026年第1季度"


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_AUDIT_DIR", str(tmp_path / "audit"))
    return tmp_path / "briefs"


def filed_round(url: str, folder: Path, **options) -> archive.RoundReport:
    engine = sa.create_engine(url)
    try:
        months = meta.data_months(engine)
        return archive.file_round(engine, folder, Q1, months, **options)
    finally:
        engine.dispose()


# --- names in words --------------------------------------------------------------------------


def test_brief_names_are_words():
    assert brief.file_stem("双塘区", Period.parse("2026-Q3")) == "周报_双塘区_2026年第3季度"
    assert brief.file_stem("双塘区 · 东镇、西镇", Period.parse("2026-03")) == (
        "周报_双塘区_东镇、西镇_2026年3月"
    )


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd", "a/b\\c", ".hidden", "..", "<b>镇</b>", 'x:"*?|', "exe.\u202egnp",
     "tab\there\nline", "  ", "C:\\Windows", "长" * 300, "镇.", "$(rm -rf ~)`x`"],
)  # fmt: skip
def test_hostile_names_make_safe_file_names(name):
    made = safe.file_name("周报", name, "2026年第1季度") + ".pptx"
    assert made.startswith("周报_") and made.endswith("_2026年第1季度.pptx")
    assert not set(made) & set("/\\:*?\"<>|$`'\u202e\t\n")
    assert ".." not in made.replace("..pptx", "") and not made.startswith(".")
    assert len(made) < 80
    assert Path(made).name == made  # one path component


# --- the round ---------------------------------------------------------------------------------


def test_round_files_every_county_once_and_the_archive_lists_them(db_url, folder):  # noqa: F811
    first = filed_round(db_url, folder, kinds=("xlsx",))
    expected = sorted(stem(w) + ".xlsx" for w in COUNTY_WORDS.values())
    assert sorted(first.written) == expected and first.kept == []
    for code, words in COUNTY_WORDS.items():
        path = folder / "2026-Q1" / code / (stem(words) + ".xlsx")
        assert path.read_bytes()[:2] == b"PK"
    audited = [r for r in events(folder.parent) if r["event"] == "export"]
    assert sorted(r["what"] for r in audited) == sorted(
        f"周报 Excel: {stem(w)}" for w in COUNTY_WORDS.values()
    )
    times = {p: p.stat().st_mtime_ns for p in folder.rglob("*.xlsx")}

    again = filed_round(db_url, folder, kinds=("xlsx",))  # idempotent: nothing written twice
    assert again.written == [] and sorted(again.kept) == expected
    assert {p: p.stat().st_mtime_ns for p in folder.rglob("*.xlsx")} == times
    assert len([r for r in events(folder.parent) if r["event"] == "export"]) == len(audited)
    assert not list(folder.rglob("*.tmp"))

    more = filed_round(db_url, folder, kinds=("xlsx", "pptx"))  # a new kind: only it is added
    assert sorted(more.written) == sorted(stem(w) + ".pptx" for w in COUNTY_WORDS.values())

    listed = archive.listing(folder)
    assert sorted(f.scope.county_code for f in listed) == sorted(COUNTY_WORDS)
    view = archive_view.build(listed, None)
    assert [g.period_label for g in view.periods] == ["2026年第1季度"]
    assert [b.scope_words for b in view.periods[0].briefs] == [
        "清河县", "O'Brien县", "丙县", "丁县", "戊县",
    ]  # fmt: skip
    assert [f.kind for f in view.periods[0].briefs[0].files] == ["pptx", "xlsx"]
    assert view.total == 5 and view.note is None


def test_schedule_once_from_the_command_line(db_url, folder, monkeypatch, capsys):  # noqa: F811
    monkeypatch.setattr(schedule, "_secrets", lambda: {"formats": ["pptx"], "period": "季度"})
    args = ["schedule", "--once", "--db", db_url, "--folder", str(folder)]
    assert export.main(args) == 0
    out = capsys.readouterr().out
    assert "2026年第1季度：新存档 5 个文件，已存在 0 个" in out
    assert (folder / "2026-Q1" / hm.A / (stem("清河县") + ".pptx")).is_file()
    assert export.main(args) == 0
    assert "新存档 0 个文件，已存在 5 个" in capsys.readouterr().out
    assert export.main([*args, "--period", "2026-13"]) == 2
    assert "期间“2026-13”格式不对" in capsys.readouterr().err


def test_schedule_settings():
    settings, problems = schedule.read(
        {"day": "周三", "time": "06:30", "period": "月", "formats": ["xlsx", "pdf"],
         "townships": True, "folder": "/srv/briefs"}, {},
    )  # fmt: skip
    assert problems == []
    assert (settings.weekday, settings.at, settings.period_kind) == (2, time(6, 30), "month")
    assert settings.formats == ("pdf", "xlsx") and settings.townships
    assert settings.folder == Path("/srv/briefs")
    assert settings.words == "每周三 06:30 自动生成最近一个月各县区的周报（PDF、Excel）"
    bad, problems = schedule.read(
        {"day": "someday", "time": "7点", "formats": ["doc"], "colour": 1},
        {"DASHBOARD_ARCHIVE_DIR": "/tmp/x"},
    )
    assert bad == schedule.Schedule(folder=Path("/tmp/x"))
    assert len(problems) == 4 and "[schedule] colour：没有这个设置" in problems
    monday = schedule.Schedule()  # every Monday 07:00
    sunday_night = datetime(2026, 12, 6, 22, 0)
    assert monday.next_run(sunday_night) == datetime(2026, 12, 7, 7, 0)
    assert monday.next_run(datetime(2026, 12, 7, 7, 0)) == datetime(2026, 12, 14, 7, 0)
    assert monday.next_run(datetime(2026, 12, 7, 6, 59)) == datetime(2026, 12, 7, 7, 0)


# --- who sees which brief ----------------------------------------------------------------------


def test_roles_see_their_briefs(db_url, folder):  # noqa: F811
    filed_round(db_url, folder, kinds=("xlsx",), townships=True)
    listed = archive.listing(folder)

    def seen(visible, county=None):
        view = archive_view.build(listed, visible, county)
        return [
            (b.scope.county_code, b.scope.township_codes) for g in view.periods for b in g.briefs
        ]

    towns_a = [(hm.A, ()), (hm.A, (hm.EAST,)), (hm.A, (hm.WEST,)), (hm.A, (hm.EMPTY,))]
    assert sorted(seen(Scope(hm.A))) == sorted(towns_a)
    assert seen(Scope(hm.A, (hm.WEST,))) == [(hm.A, (hm.WEST,))]
    assert len(seen(None)) == len(listed) and sorted(seen(None, hm.A)) == sorted(towns_a)
    # without township briefs, a township head is told where their own brief is
    county_only = [f for f in listed if not f.scope.township_codes]
    view = archive_view.build(county_only, Scope(hm.A, (hm.WEST,)))
    assert view.periods == () and "总览" in view.note


def test_hostile_names_are_filed_under_codes(tmp_path, folder):
    url = sqlite_file(tmp_path / "hostile.sqlite", hostile.rows())
    report = filed_round(url, folder, kinds=("xlsx",))
    assert len(report.written) == 5
    for path in folder.rglob("*.xlsx"):
        assert path.parent.parent.parent == folder  # <folder>/<period>/<county code>/file
        assert path.parent.name in COUNTY_WORDS and not set(path.name) & set("/\\<>:\"'|?*\t")
    names = {clean(row["name"]) for row in hostile.rows()["county"]}
    assert {f.scope_words for f in archive.listing(folder)} == names  # data, as the pages show


def test_a_manifest_never_points_outside_its_folder(db_url, folder):  # noqa: F811
    filed_round(db_url, folder, kinds=("xlsx",))
    manifest = folder / "2026-Q1" / hm.A / archive.MANIFEST
    manifest.write_text(
        manifest.read_text("utf-8").replace(stem("清河县") + ".xlsx", "../../../secret.xlsx"),
        "utf-8",
    )
    (folder.parent / "secret.xlsx").write_bytes(b"secret")
    assert hm.A not in [f.scope.county_code for f in archive.listing(folder)]


# --- the pages ---------------------------------------------------------------------------------


def test_archive_page_per_role_and_downloads_audited(env, downloads, monkeypatch):  # noqa: F811
    folder = env / "briefs"
    filed_round(os.environ["DASHBOARD_DB_URL"], folder, kinds=("xlsx",), townships=True)
    monkeypatch.setenv("DASHBOARD_ARCHIVE_DIR", str(folder))
    page = str(navigation.PAGES_DIR / navigation.ARCHIVE[0])

    at = signed_in("s_west", period="2026-Q1")
    downloads.clear()  # the sign-in lands on 总览, which offers the live brief
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    assert [t.value for t in at.title] == ["周报存档"]
    assert set(downloads) == {stem("清河县_西镇") + ".xlsx"}

    at = signed_in("s_county", period="2026-Q1")
    downloads.clear()
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    names = {stem(w) + ".xlsx" for w in ("清河县", "清河县_东镇", "清河县_西镇", "清河县_空镇")}
    assert set(downloads) == names
    assert all(b.proto.ignore_rerun for b in at.get("download_button"))
    before = len(events(env))
    assert click(downloads[stem("清河县") + ".xlsx"])[:2] == b"PK"
    rows = [r for r in events(env)[before:] if r["event"] == "export"]
    assert [(r["user"], r["scope"], r["period"], r["what"]) for r in rows] == [
        ("s_county", hm.A, "2026-Q1", f"周报存档 Excel: {stem('清河县')}.xlsx")
    ]


def test_overview_offers_the_brief_named_in_words(env, downloads):  # noqa: F811
    at = signed_in("s_county", period="2026-Q1")
    at.switch_page(str(navigation.PAGES_DIR / navigation.VIEWS["overview"][0])).run()
    assert not at.exception, [e.message for e in at.exception]
    assert {stem("清河县") + s for s in (".xlsx", ".pptx")} <= set(downloads)
    before = len(events(env))
    assert click(downloads[stem("清河县") + ".pptx"])[:2] == b"PK"
    rows = [r for r in events(env)[before:] if r["event"] == "export"]
    assert [(r["user"], r["what"]) for r in rows] == [("s_county", f"周报 PPT: {stem('清河县')}")]


# --- the export CLI in Chinese, areas by name ----------------------------------------------------


def test_cli_help_is_chinese(capsys):
    with pytest.raises(SystemExit) as done:
        export.main(["--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("用法：python -m dashboard.export") and "显示本帮助并退出" in text
    assert "usage" not in text and "show this help" not in text and "选项" in text
    with pytest.raises(SystemExit) as done:
        export.main(["schedule", "--help"])
    assert "立即生成一轮后退出" in capsys.readouterr().out
    with pytest.raises(SystemExit) as done:
        export.main(["--period", "2026-Q1"])
    assert done.value.code == 2
    assert capsys.readouterr().err == "错误：缺少必需的参数：--db（用 --help 查看用法）\n"


@pytest.fixture(scope="module")
def twin_url(tmp_path_factory):
    """hm.ROWS with a township of county B named 东镇, like one of county A."""
    rows = copy.deepcopy(hm.ROWS)
    for row in rows["township"]:
        if row["township_code"] == hm.SOUTH:
            row["name"] = "东镇"
    return sqlite_file(tmp_path_factory.mktemp("twin") / "twin.sqlite", rows)


def test_cli_takes_names_as_well_as_codes(twin_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DASHBOARD_AUDIT_DIR", str(tmp_path / "audit"))
    base = ["--db", twin_url, "--period", "2026-Q1"]
    outputs = {}
    for county, township in (("清河县", "西镇"), (hm.A, hm.WEST), ("清河县", hm.WEST)):
        out = tmp_path / f"{county}_{township}.json"
        args = [*base, "--county", county, "--township", township, "-o", str(out)]
        assert export.main(args) == 0, capsys.readouterr().err
        outputs[(county, township)] = out.read_text("utf-8")
    assert len(set(outputs.values())) == 1 and f'"{hm.WEST}"' in next(iter(outputs.values()))
    # a name two townships share: the candidates, with their counties, and what to do
    assert export.main([*base, "--township", "东镇"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("错误：“东镇”对应 2 个乡镇：")
    assert f"东镇（{hm.EAST}，清河县）" in err and f"东镇（{hm.SOUTH}，O'Brien县）" in err
    assert "--county" in err
    # with the county it is one township
    assert export.main([*base, "--county", "O'Brien县", "--township", "东镇"]) == 0
    capsys.readouterr()
    assert export.main([*base, "--county", "不存在县"]) == 2
    assert capsys.readouterr().err == "错误：没有名称或代码为“不存在县”的县区\n"
    assert export.main([*base, "--county", hm.B, "--township", hm.WEST]) == 2
    assert capsys.readouterr().err == f"错误：乡镇 {hm.WEST} 不属于所选县区\n"


def test_archive_page_shows_hostile_names_as_text(tmp_path, folder, monkeypatch, downloads):  # noqa: F811
    from streamlit.testing.v1 import AppTest

    url = sqlite_file(tmp_path / "hostile_page.sqlite", hostile.rows())
    filed_round(url, folder, kinds=("xlsx",))
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    monkeypatch.setenv("DASHBOARD_AUTH", "off")
    monkeypatch.setenv("DASHBOARD_ARCHIVE_DIR", str(folder))
    at = AppTest.from_file(str(navigation.ROOT / "dashboard" / "frame.py"), default_timeout=120)
    at.query_params["period"] = "2026-Q1"
    at.run()
    downloads.clear()
    at.switch_page(str(navigation.PAGES_DIR / navigation.ARCHIVE[0])).run()
    assert not at.exception, [e.message for e in at.exception]
    shown = [str(m.value) for m in at.markdown]
    assert sum(hostile.MARKER in m for m in shown) >= 3  # the names are there, as text
    assert not any("<b>" in m or "<a href" in m for m in shown)
    assert len(downloads) == 5
    assert all(Path(name).name == name and "<" not in name for name in downloads)
