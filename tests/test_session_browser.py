"""A session for the working day, in Chromium against `streamlit run dashboard/app.py`.

Signed in as a township head on a deep link, the reload, a new tab on the same link and
例会模式 show the page without a sign-in form; the cookie is HttpOnly and SameSite=Strict. After
the account leaves the account file, a fragment (the team ranking selector), a download and a
reload all end at the sign-in form (the download gives no file). With the audit folder
unwritable or the disk full, sign-in is refused in Chinese without a traceback, and the
administrator's 审计日志 page says why.

Waits are for elements and the script's state, never fixed sleeps.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests import handmade as hm
from tests.browser import EXCEPTION, SCRIPT_DONE, browser_page, streamlit_server
from tests.dbs import sqlite_file
from tests.test_auth import PASSWORD, accounts_file

pytestmark = pytest.mark.skipif(
    not Path("/usr/bin/chromium").exists() and not os.environ.get("CHROMIUM_PATH"),
    reason="no Chromium",
)
SIGN_IN_TITLE = "医防融合监测 · 登录"
WAIT_MS = 90_000
LINK = f"chronic?county={hm.A}&township={hm.WEST}&period=2026-03&tab=mismatch"


SIGNED_IN = """() => !document.querySelector("input[type=password]") &&
    [...document.querySelectorAll("[data-testid='stSidebar'] button")]
        .some(b => b.textContent.includes("退出登录"))"""


def signed_in(page) -> None:
    """Until the page shows a signed-in page (fails after WAIT_MS with the form still there)."""
    page.wait_for_function(SIGNED_IN, timeout=WAIT_MS)
    page.wait_for_selector(SCRIPT_DONE, timeout=WAIT_MS)


def sign_in_form(page) -> None:
    page.wait_for_selector("input[type=password]", timeout=WAIT_MS)
    page.wait_for_selector(SCRIPT_DONE, timeout=WAIT_MS)


def shows_sign_in(page) -> bool:
    return page.locator("input[type=password]").count() > 0


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


def no_traceback(page) -> None:
    assert page.locator(EXCEPTION).count() == 0
    text = page.inner_text("body")
    assert "Traceback" not in text and "Ask Google" not in text and "/work/" not in text


def _server(tmp_path, settings: str = ""):
    """A server on a hand-made database with sign-in on; yields (base URL, folder)."""
    db = sqlite_file(tmp_path / "h.sqlite", hm.ROWS)
    users = accounts_file(tmp_path, settings)
    env = {
        "DASHBOARD_AUTH": None,
        "DASHBOARD_USERS_FILE": str(users),
        "DASHBOARD_AUDIT_DIR": str(tmp_path / "audit"),
        "DASHBOARD_AUTH_DIR": str(tmp_path / "auth"),
        "DASHBOARD_STORE_DIR": str(tmp_path / "store"),
    }
    with streamlit_server(db, script="app.py", env=env) as base:
        yield base, tmp_path


@pytest.fixture
def server(tmp_path):
    yield from _server(tmp_path)


def test_a_township_session_lasts_through_reload_new_tab_and_meeting(server):
    base, folder = server
    with browser_page() as page:
        page.goto(f"{base}/{LINK}")
        sign_in_form(page)
        sign_in(page, "west")
        # Back on the page asked for, with its tab, through the grant route.
        page.wait_for_url(lambda url: "/chronic?" in url and "tab=mismatch" in url, timeout=WAIT_MS)
        signed_in(page)
        no_traceback(page)
        cookie = {c["name"]: c for c in page.context.cookies()}["yfrh_session"]
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        assert page.evaluate("document.cookie").find("yfrh_session") < 0  # scripts cannot read it

        page.reload()
        signed_in(page)
        assert "tab=mismatch" in page.url

        tab = page.context.new_page()
        tab.goto(f"{base}/{LINK}")
        signed_in(tab)
        assert tab.get_by_role("tab", name="推送不到位", selected=True).count() == 1

        meeting = page.context.new_page()
        meeting.goto(f"{base}/?county={hm.A}&township={hm.WEST}&period=2026-03&mode=meeting")
        signed_in(meeting)
        no_traceback(meeting)
        meeting.close()
        tab.close()

        # The account leaves the account file: the team ranking selector (a fragment) is
        # the next interaction, and it ends at the sign-in form.
        page.goto(f"{base}/teams?county={hm.A}&township={hm.WEST}&period=2026-03")
        signed_in(page)
        users = folder / "users.toml"
        users.write_text(users.read_text("utf-8").replace("[users.west]", "[users.gone]"))
        page.locator("[data-testid='stMain'] [data-testid='stSelectbox']").first.click()
        page.get_by_role("option").nth(1).click()
        sign_in_form(page)
        assert SIGN_IN_TITLE in page.inner_text("body")
        page.reload()
        sign_in_form(page)
    rows = (folder / "audit" / "audit.jsonl").read_text("utf-8")
    assert '"session_ended"' in rows and '"reason": "account"' in rows


def test_a_download_after_the_account_is_removed_gives_no_file(server):
    base, folder = server
    with browser_page() as page:
        page.goto(f"{base}/teams?county={hm.A}&township={hm.WEST}&period=2026-03&tab=list")
        sign_in_form(page)
        sign_in(page, "west")
        page.wait_for_url(lambda url: "/teams?" in url, timeout=WAIT_MS)
        signed_in(page)
        button = page.get_by_role("button", name="下载 CSV")
        button.wait_for(timeout=WAIT_MS)
        users = folder / "users.toml"
        users.write_text(users.read_text("utf-8").replace("[users.west]", "[users.gone]"))
        got = []
        page.on("download", lambda d: got.append(d))
        button.click()
        # The refusal is on the trail; the next interaction shows the sign-in form.
        trail = folder / "audit" / "audit.jsonl"
        deadline_rows = ""
        for _ in range(300):
            deadline_rows = trail.read_text("utf-8")
            if '"export_refused"' in deadline_rows:
                break
            page.wait_for_timeout(100)
        assert '"export_refused"' in deadline_rows
        assert '"event": "export"' not in deadline_rows
        if got:  # Chromium may start a download of the error answer: it holds no data
            path = got[0].path()
            assert path is None or "团队" not in Path(path).read_text("utf-8", errors="replace")
        # At once, without another click or a reload: the sign-in form says why.
        sign_in_form(page)
        page.get_by_text("账号已删除、停用或密码已变更").wait_for(timeout=WAIT_MS)
        no_traceback(page)
        shot(page, folder, "download_after_removal.png")
        page.reload()
        sign_in_form(page)


def shot(page, folder: Path, name: str) -> None:
    """A screenshot in the test's folder, copied to YFRH_SHOTS when set (to look at)."""
    page.screenshot(path=str(folder / name), full_page=True)
    shots = os.environ.get("YFRH_SHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        (Path(shots) / name).write_bytes((folder / name).read_bytes())


@pytest.fixture
def idle_server(tmp_path):
    """As `server`, with idle expiry after one minute and a two-minute meeting hold."""
    yield from _server(tmp_path, "idle_minutes = 1\nmeeting_hold_minutes = 2")


def test_a_meeting_holds_its_session_and_an_idle_page_does_not(idle_server):
    """The room discusses one slide for longer than idle_minutes: still signed in. A page left
    alone as long ends at the sign-in form with its reason (the form's hint in Chinese). The
    administrator's 审计日志 then reads in Chinese, in local time."""
    base, folder = idle_server
    with browser_page() as page:
        page.goto(f"{base}/?county={hm.A}&township={hm.WEST}&period=2026-03&mode=meeting")
        sign_in_form(page)
        page.get_by_label("账号").fill("west")
        page.get_by_label("密码").fill(PASSWORD)
        shot(page, folder, "sign_in_form.png")
        assert "Press Enter" not in page.inner_text("body")
        assert "按回车键提交" in page.inner_text("body")
        page.get_by_role("button", name="登录", exact=True).click()
        page.wait_for_selector(".st-key-mt_next", timeout=WAIT_MS)
        # Back on the main page's own address (it has no path: the cookie route's `next`
        # once became "/127.0.0.1:port" and Streamlit opened its "Page not found" dialog).
        assert page.locator("[role=dialog]").count() == 0
        assert page.url.startswith(f"{base}/?")
        page.wait_for_timeout(80_000)  # idle_minutes = 1: longer than that without a click
        assert not shows_sign_in(page)
        shot(page, folder, "meeting_after_idle_minute.png")
        page.keyboard.press("ArrowRight")  # the presenter's key: the next slide, signed in
        page.wait_for_selector(SCRIPT_DONE, timeout=WAIT_MS)
        assert not shows_sign_in(page)

        other = page.context.new_page()  # an ordinary page of the same session
        other.goto(f"{base}/teams?county={hm.A}&township={hm.WEST}&period=2026-03")
        signed_in(other)
        page.close()  # the meeting tab's heartbeat stops with it
        other.wait_for_timeout(80_000)
        other.locator("[data-testid='stMain'] [data-testid='stSelectbox']").first.click()
        other.get_by_role("option").nth(1).click()
        sign_in_form(other)
        other.get_by_text("长时间未操作，已自动退出登录").wait_for(timeout=WAIT_MS)
        shot(other, folder, "expired.png")
        sign_in(other, "wrong-name", "wrong")
        other.get_by_text("账号或密码不正确").wait_for(timeout=WAIT_MS)
        sign_in(other, "admin")
        signed_in(other)
        other.goto(f"{base}/admin")
        signed_in(other)
        # The table is drawn on a canvas: its words are checked in tests/test_session_gaps.py
        # and seen in the screenshot; here the page and its zone.
        other.get_by_text("时间为 Asia/Shanghai 时间").wait_for(timeout=WAIT_MS)
        other.get_by_role("button", name="导出 CSV（全部）").wait_for(timeout=WAIT_MS)
        other.locator("[data-testid='stDataFrame'] canvas").first.wait_for(timeout=WAIT_MS)
        no_traceback(other)
        shot(other, folder, "audit_page.png")


@pytest.mark.parametrize("fault", ["unwritable", "full"])
def test_sign_in_is_refused_when_the_trail_cannot_be_written(tmp_path, fault):
    db = sqlite_file(tmp_path / "h.sqlite", hm.ROWS)
    users = accounts_file(tmp_path)
    audit_dir = tmp_path / "audit"
    audit_dir.mkdir()
    mounted = False
    if fault == "full":
        # A real full disk: a 64 KB tmpfs filled up; else a file that is /dev/full.
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs",
                                  str(audit_dir)], capture_output=True).returncode == 0  # fmt: skip
        if mounted:
            filler = audit_dir / "filler"
            with filler.open("wb") as f, pytest.raises(OSError):
                f.write(b"x" * 1024 * 1024)
                f.flush()
        else:
            (audit_dir / "audit.jsonl").symlink_to("/dev/full")
    elif os.geteuid() == 0:  # root writes anywhere: a read-only mount, or a path under a file
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs",
                                  str(audit_dir)], capture_output=True).returncode == 0  # fmt: skip
        if not mounted:
            (tmp_path / "file").write_text("")
            audit_dir = tmp_path / "file" / "audit"
    else:
        audit_dir.chmod(0o500)
    env = {
        "DASHBOARD_AUTH": None,
        "DASHBOARD_USERS_FILE": str(users),
        "DASHBOARD_AUDIT_DIR": str(audit_dir),
        "DASHBOARD_AUTH_DIR": str(tmp_path / "auth"),
        "DASHBOARD_STORE_DIR": str(tmp_path / "store"),
    }
    try:
        with streamlit_server(db, script="app.py", env=env) as base, browser_page() as page:
            page.goto(f"{base}/?county={hm.A}")
            sign_in_form(page)
            sign_in(page, "west")
            page.get_by_text("审计日志暂时无法写入").wait_for(timeout=WAIT_MS)
            sign_in_form(page)
            no_traceback(page)
            page.screenshot(path=str(tmp_path / f"refused_{fault}.png"))
            # The administrator gets in and reads why on the 审计日志 page.
            page.goto(f"{base}/")
            sign_in_form(page)
            sign_in(page, "admin")
            signed_in(page)
            page.goto(f"{base}/admin")
            signed_in(page)
            page.get_by_text("审计日志无法写入").first.wait_for(timeout=WAIT_MS)
            no_traceback(page)
            page.screenshot(path=str(tmp_path / f"admin_{fault}.png"), full_page=True)
            shots = os.environ.get("YFRH_SHOTS")
            if shots:
                Path(shots).mkdir(parents=True, exist_ok=True)
                for name in (f"refused_{fault}.png", f"admin_{fault}.png"):
                    (Path(shots) / name).write_bytes((tmp_path / name).read_bytes())
    finally:
        if mounted:
            subprocess.run(["umount", str(audit_dir)], check=False)


def test_oidc_sign_in_takes_the_role_from_a_claim(tmp_path):
    """st.login against a real OpenID Connect provider (oidc-provider-mock) started here; the
    account `li` is not in the account file, so role and area come from its claims."""
    from oidc_provider_mock import User, run_server_in_thread

    from tests.browser import free_port

    claims = {"preferred_username": "li", "name": "李科长", "email": "li@example.org",
              "dashboard_role": "township", "county": hm.A, "townships": [hm.WEST]}  # fmt: skip
    with run_server_in_thread(user_claims=[User(sub="li", claims=claims)]) as provider:
        issuer = f"http://localhost:{provider.server_port}"
        port = free_port()
        secrets = tmp_path / "secrets.toml"
        secrets.write_text(
            f"""[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "test-only-{os.getpid()}-a-long-random-string"
client_id = "dashboard"
client_secret = "dashboard-secret"
server_metadata_url = "{issuer}/.well-known/openid-configuration"
""",
            encoding="utf-8",
        )
        db = sqlite_file(tmp_path / "h.sqlite", hm.ROWS)
        env = {
            "DASHBOARD_AUTH": None,
            "DASHBOARD_USERS_FILE": str(accounts_file(tmp_path)),
            "DASHBOARD_AUDIT_DIR": str(tmp_path / "audit"),
            "DASHBOARD_AUTH_DIR": str(tmp_path / "auth"),
            "DASHBOARD_STORE_DIR": str(tmp_path / "store"),
        }
        args = ("--secrets.files", str(secrets))
        with (
            streamlit_server(db, port=port, script="app.py", env=env, args=args) as base,
            browser_page() as page,
        ):
            page.goto(f"{base}/teams?county={hm.A}&period=2026-03")
            sign_in_form(page)
            page.get_by_role("button", name="使用统一身份认证登录").click()
            page.wait_for_url(lambda url: url.startswith(issuer), timeout=WAIT_MS)
            page.locator("input[name=sub]").fill("li")
            page.get_by_role("button", name="Authorize").click()
            page.wait_for_url(lambda url: url.startswith(base), timeout=WAIT_MS)
            signed_in(page)
            no_traceback(page)
            names = {c["name"] for c in page.context.cookies()}
            assert "yfrh_session" in names
            assert "李科长（乡镇）" in page.text_content("[data-testid='stSidebar']")
            page.reload()
            signed_in(page)
    rows = [r for r in (tmp_path / "audit" / "audit.jsonl").read_text("utf-8").splitlines()]
    sign_ins = [r for r in rows if '"sign_in"' in r]
    assert sign_ins and '"method": "oidc"' in sign_ins[0] and '"role": "township"' in sign_ins[0]
    views = [r for r in rows if '"page_view"' in r]
    assert views and all(f'"scope": "{hm.A}/{hm.WEST}"' in r for r in views)
