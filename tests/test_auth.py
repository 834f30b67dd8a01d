"""Sign-in, roles by area, lockout, idle expiry and the audit trail (AppTest on a hand-made db)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import audit, auth, navigation, websession
from data_access.scope import Scope
from tests import handmade as hm
from tests.dbs import sqlite_file

APP = Path(__file__).resolve().parents[1] / "dashboard" / "frame.py"
TIMEOUT_S = 120
PASSWORD = "correct horse"
HASH = auth.hash_password(PASSWORD)  # one hash for every account: bcrypt is slow on purpose
OTHER_HASH = auth.hash_password("a new password")


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
    at = sign_in(at, "west", "wrong")
    kinds = [r["event"] for r in events(env)]
    # Every attempt is on the trail, those during the lockout too.
    assert kinds == ["sign_in_failed", "sign_in_failed", "locked", "sign_in_locked",
                     "sign_in_locked"]  # fmt: skip


def session_id(at: AppTest) -> str:
    return at.session_state["s_auth_sid"]


def test_idle_session_expires(env, monkeypatch):
    at = sign_in(app(), "county_a")  # (west is locked by the test above: one server process)
    assert at.metric
    websession.touch(session_id(at), now=0.0)  # last seen long ago
    at.run()
    assert "已自动退出登录" in texts(at.info)
    assert not at.metric
    assert "expired" in [r["event"] for r in events(env)]


@pytest.mark.parametrize("change", ["removed", "password"])
def test_account_change_ends_the_session_at_the_next_run(env, change):
    at = sign_in(app(), "leader")
    assert at.metric
    path = env / "users.toml"
    text = path.read_text(encoding="utf-8")
    if change == "removed":
        text = text.replace("[users.leader]", "[users.gone]")
    else:
        text = text.replace(f'[users.leader]\npassword_hash = "{HASH}"',
                            f'[users.leader]\npassword_hash = "{OTHER_HASH}"')  # fmt: skip
    path.write_text(text, encoding="utf-8")
    at.run()
    assert not at.exception
    assert not at.metric and at.text_input(key="w_auth_username")
    assert "密码已变更，登录已结束" in texts(at.info)
    ended = [r for r in events(env) if r["event"] == "session_ended"]
    assert ended and ended[-1]["user"] == "leader" and ended[-1]["reason"] == "account"


@pytest.mark.parametrize(
    ("setting", "words"),
    [
        ('idle_minutes = "abc"', "idle_minutes"),
        ("lockout_minutes = 0", "0 会关闭这项保护"),
        ("max_failures = -1", "max_failures"),
        ("idle_minutes = 1.5", "idle_minutes"),
        ("lockout_mintues = 5", "不认识的设置"),
    ],
)
def test_nonsense_settings_are_refused_in_chinese(env, monkeypatch, setting, words):
    monkeypatch.setenv("DASHBOARD_USERS_FILE", str(accounts_file(env, setting)))
    with pytest.raises(auth.AccountsError, match=words):
        auth.load_accounts()
    at = app()
    assert not at.exception
    assert "账号文件无效" in texts(at.error)
    assert words in texts(at.code)


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


def test_lockout_per_pair_address_and_account_kept_across_restarts(monkeypatch, tmp_path):
    monkeypatch.setenv("DASHBOARD_AUTH_DIR", str(tmp_path))
    accounts = auth.Accounts({}, max_failures=2, lockout_s=60, address_max_failures=3,
                             account_max_failures=4)  # fmt: skip
    lock = auth.Lockout()
    # The pair (account, address): two failures lock it, doubling on a second lockout.
    assert not lock.failed("x", accounts, "10.0.0.1", now=0)
    assert lock.failed("x", accounts, "10.0.0.1", now=1)
    assert lock.locked_for("x", accounts, "10.0.0.1", now=30) == 31
    assert lock.locked_for("x", accounts, "10.0.0.9", now=30) == 0  # not from another desk
    assert auth.Lockout().locked_for("x", accounts, "10.0.0.1", now=30) == 31  # a new process
    assert not lock.failed("x", accounts, "10.0.0.1", now=100)
    assert lock.failed("x", accounts, "10.0.0.1", now=101)
    assert lock.locked_for("x", accounts, "10.0.0.1", now=101) == 120  # backoff: 2 x 60 s
    # One address spraying accounts: its third failure locks the address for every account.
    lock.failed("a", accounts, "10.0.0.2", now=0)
    lock.failed("b", accounts, "10.0.0.2", now=1)
    assert lock.locked_for("c", accounts, "10.0.0.2", now=1) == 0
    assert lock.failed("c", accounts, "10.0.0.2", now=2)
    assert lock.locked_for("d", accounts, "10.0.0.2", now=3) > 0
    assert lock.locked_for("d", accounts, "10.0.0.3", now=3) == 0
    # Many addresses guessing one account: the account locks at its own, higher limit.
    for i in range(3):
        assert not lock.failed("admin", accounts, f"10.1.0.{i}", now=0)
    assert lock.failed("admin", accounts, "10.1.0.9", now=1)
    assert lock.locked_for("admin", accounts, "10.2.0.1", now=2) > 0


def test_clamp_units():
    user = auth.User("w", "w", "township", hm.A, (hm.WEST,))
    assert user.clamp(Scope()) == Scope(hm.A, (hm.WEST,))
    assert user.clamp(Scope(hm.B, (hm.SOUTH,))) == Scope(hm.A, (hm.WEST,))
    assert not user.allows(Scope(hm.A)) and user.allows(Scope(hm.A, (hm.WEST,)))


def test_oidc_roles_from_the_account_file_or_the_claims():
    known = auth.User("wang@x", "王", "county", hm.A, (), HASH)
    accounts = auth.Accounts({"wang@x": known})
    user = auth.oidc_user({"sub": "1", "email": "wang@x", "dashboard_role": "admin"}, accounts)
    assert (user.role, user.county) == ("county", hm.A)  # the file wins over the claim
    user = auth.oidc_user({"sub": "2", "preferred_username": "li", "dashboard_role": "township",
                           "county": hm.A, "townships": [hm.WEST]}, accounts)  # fmt: skip
    assert (user.role, user.county, user.townships) == ("township", hm.A, (hm.WEST,))
    assert "没有本系统的角色" in auth.oidc_user({"sub": "3", "email": "z"}, accounts)
    assert "缺少乡镇" in auth.oidc_user(
        {"sub": "4", "email": "q", "dashboard_role": "township", "county": hm.A}, accounts
    )


def test_the_server_refuses_to_start_on_nonsense_settings(tmp_path):
    """`streamlit run dashboard/app.py` imports app.py first: a Chinese line, exit 2."""
    import subprocess
    import sys

    bad = tmp_path / "users.toml"
    bad.write_text("[settings]\nlockout_minutes = 0\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", "import dashboard.app"],
        cwd=APP.parents[1], capture_output=True, text=True, timeout=120,
        env={**os.environ, "DASHBOARD_USERS_FILE": str(bad)},
    )  # fmt: skip
    assert done.returncode == 2
    assert "启动失败" in done.stderr and "lockout_minutes" in done.stderr
    assert "Traceback" not in done.stderr
