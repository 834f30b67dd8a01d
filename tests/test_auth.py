"""Sign-in, roles by area, lockout, idle expiry and the audit trail (AppTest on a hand-made db)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import audit, auth, navigation
from data_access.scope import Scope
from tests import handmade as hm
from tests.dbs import sqlite_file

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"
TIMEOUT_S = 120
PASSWORD = "correct horse"
HASH = auth.hash_password(PASSWORD)  # one hash for every account: bcrypt is slow on purpose


@pytest.fixture(scope="module")
def db_url(tmp_path_factory):
    path = tmp_path_factory.mktemp("auth") / "handmade.sqlite"
    return sqlite_file(path, hm.ROWS)


def accounts_file(folder: Path, settings: str = "") -> Path:
    path = folder / "users.toml"
    path.write_text(
        f"""
[settings]
{settings}
[users.admin]
name = "管理员甲"
password_hash = "{HASH}"
role = "admin"
[users.leader]
password_hash = "{HASH}"
role = "leader"
[users.county_a]
password_hash = "{HASH}"
role = "county"
county = "{hm.A}"
[users.west]
name = "西镇院长"
password_hash = "{HASH}"
role = "township"
county = "{hm.A}"
townships = ["{hm.WEST}"]
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def env(monkeypatch, db_url, tmp_path):
    monkeypatch.setenv("DASHBOARD_DB_URL", db_url)
    monkeypatch.delenv("DASHBOARD_AUTH", raising=False)
    monkeypatch.setenv("DASHBOARD_USERS_FILE", str(accounts_file(tmp_path)))
    monkeypatch.setenv("DASHBOARD_AUDIT_DIR", str(tmp_path / "audit"))
    return tmp_path


def app(**params) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def sign_in(at: AppTest, username: str, password: str = PASSWORD) -> AppTest:
    at.text_input(key="w_auth_username").input(username)
    at.text_input(key="w_auth_password").input(password)
    return at.button[0].click().run()


def events(folder: Path) -> list[dict]:
    path = folder / "audit" / audit.FILE_NAME
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def test_real_database_without_accounts_refuses(monkeypatch, db_url, tmp_path):
    monkeypatch.setenv("DASHBOARD_DB_URL", db_url)
    monkeypatch.delenv("DASHBOARD_AUTH", raising=False)
    monkeypatch.setenv("DASHBOARD_USERS_FILE", str(tmp_path / "none.toml"))
    at = app()
    assert not at.exception
    assert "尚未配置登录账号" in texts(at.error)
    assert "dashboard.auth hash" in texts(at.markdown)


def test_auth_off_says_so_on_every_page(monkeypatch, db_url, tmp_path):
    monkeypatch.setenv("DASHBOARD_DB_URL", db_url)
    monkeypatch.setenv("DASHBOARD_AUTH", "off")
    monkeypatch.setenv("DASHBOARD_USERS_FILE", str(tmp_path / "none.toml"))
    at = app()
    for file, _title, _icon in navigation.VIEWS.values():
        at.switch_page(str(navigation.PAGES_DIR / file)).run()
        assert not at.exception
        assert "登录已关闭" in texts(at.sidebar.warning)


def test_sign_in_shows_nothing_before(env):
    at = app(county=hm.B)
    assert not at.exception
    assert "登录" in texts(at.title)
    assert not at.metric and not at.sidebar.selectbox


def test_township_head_sees_only_their_township(env):
    at = sign_in(app(county=hm.B, period="2026-Q1"), "west")
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["s_filters"].scope == Scope(hm.A, (hm.WEST,))
    assert at.sidebar.selectbox(key="w_county").options == ["清河县"]
    assert at.sidebar.multiselect(key="w_townships").options == ["西镇"]
    for file, _title, _icon in navigation.VIEWS.values():
        at.switch_page(str(navigation.PAGES_DIR / file)).run()
        assert not at.exception, (file, [e.message for e in at.exception])
        assert at.session_state["s_filters"].scope == Scope(hm.A, (hm.WEST,))
    rows = events(env)
    assert [r["event"] for r in rows][:1] == ["sign_in"]
    views = [r for r in rows if r["event"] == "page_view"]
    assert views and all(r["user"] == "west" and r["scope"] == f"{hm.A}/{hm.WEST}" for r in views)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"county": hm.B}, Scope(hm.A, (hm.WEST,))),
        ({"county": hm.A, "township": hm.EAST}, Scope(hm.A, (hm.WEST,))),
        ({"township": f"{hm.EAST},{hm.WEST}"}, Scope(hm.A, (hm.WEST,))),
    ],
)
def test_links_outside_the_scope_are_clamped_with_a_notice(env, params, expected):
    at = sign_in(app(), "west")
    for key, value in params.items():  # a hand-made link opened in the signed-in session
        at.query_params[key] = value
    at.run()
    assert not at.exception
    assert at.session_state["s_filters"].scope == expected
    assert "超出您的权限" in texts(at.warning)


def test_county_role_cannot_choose_all_counties(env):
    at = sign_in(app(), "county_a")
    assert at.sidebar.selectbox(key="w_county").options == ["清河县"]
    assert at.session_state["s_filters"].scope == Scope(hm.A)


def test_wrong_passwords_lock_the_account(env, monkeypatch):
    monkeypatch.setenv("DASHBOARD_USERS_FILE", str(accounts_file(env, "max_failures = 3")))
    at = app()
    for _ in range(3):
        at = sign_in(at, "west", "wrong")
    assert "已锁定" in texts(at.error)
    at = sign_in(at, "west")  # the right password does not help while locked
    assert "已锁定" in texts(at.error) and not at.metric
    kinds = [r["event"] for r in events(env)]
    assert kinds.count("sign_in_failed") == 2 and "locked" in kinds


def test_idle_session_expires(env, monkeypatch):
    at = sign_in(app(), "county_a")  # (west is locked by the test above: one server process)
    assert at.metric
    at.session_state["s_auth_last_seen"] = 0.0  # long ago
    at.run()
    assert "已自动退出登录" in texts(at.info)
    assert "expired" in [r["event"] for r in events(env)]


def test_admin_page_only_for_admins(env):
    at = sign_in(app(), "admin")
    at.switch_page(str(navigation.PAGES_DIR / "admin.py")).run()
    assert not at.exception, [e.message for e in at.exception]
    assert "审计日志" in texts(at.title)
    assert at.dataframe
    # The analytics store the pages read: its extract and a refresh on demand.
    status = " ".join(m.value for m in at.markdown)
    assert "数据提取时间" in status and "分析库生成于" in status
    assert any(b.label == "立即检查数据更新" for b in at.button)


def test_lockout_and_clamp_units():
    accounts = auth.Accounts({}, max_failures=2, lockout_s=60)
    lock = auth.Lockout()
    assert not lock.failed("x", accounts, now=0)
    assert lock.failed("x", accounts, now=1)
    assert lock.locked_for("x", now=30) == 31 and lock.locked_for("x", now=61) == 0
    user = auth.User("w", "w", "township", hm.A, (hm.WEST,))
    assert user.clamp(Scope()) == Scope(hm.A, (hm.WEST,))
    assert user.clamp(Scope(hm.B, (hm.SOUTH,))) == Scope(hm.A, (hm.WEST,))
    assert not user.allows(Scope(hm.A)) and user.allows(Scope(hm.A, (hm.WEST,)))
