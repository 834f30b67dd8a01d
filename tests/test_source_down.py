"""The source database down: pages keep showing the analytics store's last extract under a
banner "数据源暂时无法连接，显示的是 X 时的数据"; the URL and the driver's message only for an
administrator (or with sign-in off); 重试 (which clears the server's caches) only for them.

Hand-made database (tests/handmade.py) in a SQLite file, extract 2026-04-02T08:00:00+08:00;
the source "goes down" by moving the file away (the read-only engine can no longer open it).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import database
from tests import handmade as hm
from tests.dbs import sqlite_file
from tests.test_security_scope import HASH, PASSWORD

APP = Path(__file__).resolve().parents[1] / "dashboard" / "frame.py"
BANNER = "数据源暂时无法连接，显示的是 2026-04-02 08:00 时的数据"


@pytest.fixture
def source(tmp_path, monkeypatch):
    path = tmp_path / "source.sqlite"
    url = sqlite_file(path, hm.ROWS)
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    monkeypatch.setenv("DASHBOARD_STORE_DIR", str(tmp_path / "store"))
    monkeypatch.setenv("DASHBOARD_AUDIT_DIR", str(tmp_path / "audit"))
    users = tmp_path / "users.toml"
    users.write_text(
        f"""
[users.boss]
password_hash = "{HASH}"
role = "admin"
[users.west]
password_hash = "{HASH}"
role = "township"
county = "{hm.A}"
townships = ["{hm.WEST}"]
""",
        encoding="utf-8",
    )
    monkeypatch.setenv("DASHBOARD_USERS_FILE", str(users))
    monkeypatch.delenv("DASHBOARD_AUTH", raising=False)  # tests/conftest.py switches it off
    database._keeper.clear()
    database._engine.clear()
    yield path
    database._keeper.clear()
    database._engine.clear()


def _run(**params) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.query_params.update({"county": hm.A, "period": "2026-03", **params})
    return at.run()


def _text(at: AppTest) -> str:
    parts = [*at.warning, *at.error, *at.markdown, *at.caption, *at.code, *at.subheader]
    return "\n".join(str(e.value) for e in parts)


def _sign_in(at: AppTest, username: str) -> AppTest:
    at.text_input(key="w_auth_username").input(username)
    at.text_input(key="w_auth_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _go_down(path: Path) -> None:
    """The file away, and the server's pooled connection with it: a new connection fails, as
    with a database server that is stopped."""
    path.rename(path.with_name("gone.sqlite"))
    database._engine.clear()


def _overview_figures(at: AppTest) -> list[str]:
    return [str(m.value) for m in at.metric]


@pytest.mark.parametrize("restart", [False, True])
def test_pages_keep_the_last_extract_with_a_banner(source, monkeypatch, restart):
    monkeypatch.setenv("DASHBOARD_AUTH", "off")
    before = _run()
    assert not before.exception, [e.message for e in before.exception]
    figures = _overview_figures(before)
    assert figures and BANNER not in _text(before)
    _go_down(source)
    if restart:  # a server started while the source is down: the store on disk serves
        database._keeper.clear()
    at = _run()
    assert not at.exception, [e.message for e in at.exception]
    text = _text(at)
    assert BANNER in text and "无法连接数据库" not in text
    assert _overview_figures(at) == figures  # the same extract's figures
    # sign-in off (DASHBOARD_AUTH=off): today's behaviour, details and 重试, no password
    assert "source.sqlite" in text or "gone" not in text
    assert any(b.label == "重试" for b in at.button)


def test_details_and_retry_for_administrators_only(source):
    first = _sign_in(_run(), "boss")
    assert not first.exception
    _go_down(source)

    visitor = _run()  # not signed in: the banner above the sign-in form, no details
    text = _text(visitor)
    assert BANNER in text and "sqlite" not in text.lower() and "unable to open" not in text
    assert not any(b.label == "重试" for b in visitor.button)

    township = _sign_in(_run(), "west")
    text = _text(township)
    assert BANNER in text and "sqlite" not in text.lower()
    assert not any(b.label == "重试" for b in township.button)
    assert not any("连接详情" in str(e.label) for e in township.expander)

    admin = _sign_in(_run(), "boss")
    text = _text(admin)
    assert BANNER in text and "sqlite" in text.lower()
    assert any("连接详情" in str(e.label) for e in admin.expander)
    assert any(b.label == "重试" for b in admin.button)


def test_without_a_store_the_error_page_hides_the_details_from_visitors(source, monkeypatch):
    _go_down(source)  # down before any store was built: nothing to serve
    at = _run()
    text = _text(at)
    assert "无法连接数据库" in text
    assert "sqlite" not in text.lower() and not any(b.label == "重试" for b in at.button)
    monkeypatch.setenv("DASHBOARD_AUTH", "off")
    at = _run()
    text = _text(at)
    assert "无法连接数据库" in text and "sqlite" in text.lower()
    assert any(b.label == "重试" for b in at.button)
