"""Every fault gives the error page (or one CLI line), never a traceback, password or path."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from dashboard import export, navigation
from data_access.engine import describe_url
from tests import handmade as hm
from tests import hostile
from tests.dbs import READER, loaded_database, sqlite_file, write_rows

APP = Path(__file__).resolve().parents[1] / "dashboard" / "frame.py"
TIMEOUT_S = 120
SECRET = "hunter2secret"


def run_app(monkeypatch, url: str, page: str | None = None, **params) -> AppTest:
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    monkeypatch.setenv("DASHBOARD_AUTH", "off")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(str(navigation.PAGES_DIR / navigation.VIEWS[page][0])).run()
    return at


def shown(at: AppTest) -> str:
    parts = [e.value for e in (*at.error, *at.code, *at.markdown, *at.warning, *at.info)]
    return "\n".join(str(p) for p in parts)


def assert_error_page(at: AppTest, title: str) -> str:
    assert not at.exception, [e.message for e in at.exception]
    text = shown(at)
    assert title in "\n".join(str(e.value) for e in at.error), text
    assert SECRET not in text and "/tmp/" not in text and "Traceback" not in text
    return text


def test_describe_url_hides_query_passwords():
    text = describe_url(f"postgresql://u:{SECRET}@h/db?password={SECRET}&sslmode=require")
    assert SECRET not in text and "sslmode=require" in text


def test_password_in_query_string_is_not_shown_or_logged(monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    at = run_app(monkeypatch, f"postgresql://nobody@127.0.0.1:1/none?password={SECRET}")
    assert_error_page(at, "无法连接数据库")
    assert SECRET not in caplog.text


def test_file_that_is_not_a_database(monkeypatch, tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_text("not a database " * 100)
    at = run_app(monkeypatch, f"sqlite:///{path}")
    text = assert_error_page(at, "数据库")
    assert "not a database" in text


@pytest.mark.parametrize("url", ["postgresql+pg8000://u:pw@h/db", "mysql+mysqldb://u@h/db"])
def test_driver_not_installed(monkeypatch, url):
    at = run_app(monkeypatch, url)
    assert_error_page(at, "数据库配置无效")


@pytest.fixture(scope="module")
def bad_colour_url(tmp_path_factory):
    rows = {k: list(v) for k, v in hm.ROWS.items()}
    rows["chronic_status"] = [
        {**r, "color": "purple"} if i % 2 else r for i, r in enumerate(rows["chronic_status"])
    ]
    path = tmp_path_factory.mktemp("colour") / "colour.sqlite"
    return sqlite_file(path, rows)


@pytest.mark.parametrize("view", list(navigation.VIEWS))
def test_unknown_values_give_no_traceback(monkeypatch, bad_colour_url, view):
    at = run_app(monkeypatch, bad_colour_url, view, county=hm.A, period="2026-Q1")
    assert not at.exception, [e.message for e in at.exception]


def test_account_without_select_on_one_table(monkeypatch, tmp_path):
    with loaded_database("postgresql", hm.ROWS, tmp_path) as reader:
        admin = sa.create_engine(str(reader.url).replace(READER, "postgres", 1))
        # the reader URL names the reader role; the same server's admin revokes one table
        from tests.dbs import PG_ADMIN_URL, PG_READER_URL

        admin.dispose()
        admin = sa.create_engine(PG_ADMIN_URL)
        with admin.begin() as conn:
            conn.exec_driver_sql(f"REVOKE SELECT ON team_service FROM {READER}")
        try:
            for view in navigation.VIEWS:
                at = run_app(monkeypatch, PG_READER_URL, view, county=hm.A, period="2026-Q1")
                assert not at.exception, (view, [e.message for e in at.exception])
                assert at.error, view
        finally:
            with admin.begin() as conn:
                conn.exec_driver_sql(f"GRANT SELECT ON team_service TO {READER}")
            admin.dispose()


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile_app") / "hostile.sqlite"
    return sqlite_file(path, hostile.rows())


@pytest.mark.parametrize("view", list(navigation.VIEWS))
def test_hostile_names_render_every_page(monkeypatch, hostile_url, view):
    at = run_app(monkeypatch, hostile_url, view, county=hm.A, period="2026-Q1")
    assert not at.exception, [e.message for e in at.exception]
    for element in at.markdown:
        text = str(element.value)
        if getattr(element.proto, "allow_html", False):
            assert "<img" not in text and "<b>粗" not in text, text
        else:
            # database text in markdown is escaped: no live link, image, bold or bare URL
            assert f"](http://{hostile.EVIL_HOST}" not in text, text
            assert f"**粗体{hostile.MARKER}**" not in text, text
            assert f"http://{hostile.EVIL_HOST}" not in text, text


def test_meeting_mode_with_hostile_names(monkeypatch, hostile_url):
    at = run_app(monkeypatch, hostile_url, county=hm.A, period="2026-Q1", mode="meeting")
    assert not at.exception, [e.message for e in at.exception]
    for button in at.button:
        assert f"**粗体{hostile.MARKER}**" not in button.label


def cli(*args: str) -> tuple[int, str]:
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = export.main(list(args))
    return code, err.getvalue()


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+pg8000://u:pw@h/db",
        f"postgresql://nobody:{SECRET}@127.0.0.1:1/none?password={SECRET}",
        "sqlite:///{notdb}",
    ],
    ids=["driver", "password", "notdb"],
)
def test_export_cli_one_line(url, tmp_path):
    notdb = tmp_path / "x.sqlite"
    notdb.write_text("nope " * 200)
    code, err = cli("--db", url.format(notdb=notdb), "--period", "2026-Q1")
    assert code != 0
    assert err.count("\n") == 1 and err.startswith("错误：")
    assert SECRET not in err and "Traceback" not in err


def test_export_cli_unwritable_output(tmp_path):
    db = tmp_path / "ok.sqlite"
    writer = sa.create_engine(f"sqlite:///{db}")
    write_rows(writer, hm.ROWS)
    writer.dispose()
    for out in (tmp_path / "missing" / "dir" / "x.xlsx", tmp_path):
        code, err = cli("--db", f"sqlite:///{db}", "--period", "2026-Q1", "--format", "xlsx",
                        "-o", str(out))  # fmt: skip
        assert code == 4 and err.count("\n") == 1, err
        assert str(tmp_path) not in err


def test_many_bad_codes_give_one_notice(monkeypatch, tmp_path):
    db = tmp_path / "ok.sqlite"
    writer = sa.create_engine(f"sqlite:///{db}")
    write_rows(writer, hm.ROWS)
    writer.dispose()
    codes = ",".join(f"99{i:07d}" for i in range(400))
    at = run_app(monkeypatch, f"sqlite:///{db}", county=hm.A, township=codes, foo="1",
                 disease="<b>x</b>", palette="neon", period="2026-Q1")  # fmt: skip
    assert not at.exception, [e.message for e in at.exception]
    notices = [w for w in at.main.warning if w.icon == ":material/link_off:"]
    assert len(notices) == 1
    text = str(notices[0].value)
    assert "另有" in text and len(text) < 400 and "<b>" not in text
    for key in ("foo", "township", "palette"):
        assert key not in at.query_params, key
    assert at.query_params["county"] == hm.A


@pytest.mark.parametrize("params", [{"mode": "evil"}, {"mode": "meeting", "slide": "nope"}])
def test_bad_mode_and_slide_are_dropped(monkeypatch, tmp_path, params):
    db = tmp_path / "ok.sqlite"
    writer = sa.create_engine(f"sqlite:///{db}")
    write_rows(writer, hm.ROWS)
    writer.dispose()
    at = run_app(monkeypatch, f"sqlite:///{db}", county=hm.A, period="2026-Q1", **params)
    assert not at.exception, [e.message for e in at.exception]
    if params["mode"] == "evil":
        assert "mode" not in at.query_params
        assert "mode" in str(at.main.warning[0].value)
    else:
        assert at.query_params["slide"] != "nope"
        assert any("幻灯片" in str(t.value) for t in at.toast)
