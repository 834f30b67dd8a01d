"""Session gaps of issue 25/26, without a browser: the meeting hold (when a timer's run keeps a
session alive), the 审计日志 table in Chinese with local times and pages, and the hard error
page's sign-in path for an administrator (details never for anyone else).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import activity, auth, signin, websession
from tests import handmade as hm
from tests.test_security_scope import PASSWORD
from tests.test_source_down import APP, _go_down, _run, _text, source  # noqa: F401 (fixture)
from views import audit_log

HOLD = 180 * 60.0


# --- 例会模式 keeps its session alive, an unattended tab does not ---------------------------
def test_a_click_or_key_always_counts_as_activity():
    assert activity.keeps_alive(timer=False, human_at=None, hold_s=HOLD, now=1e9)


def test_a_meeting_timer_counts_within_the_hold_only():
    now = 1_000_000.0
    assert activity.keeps_alive(True, now - 60, HOLD, now)  # discussing a slide
    assert activity.keeps_alive(True, now - HOLD + 1, HOLD, now)
    assert not activity.keeps_alive(True, now - HOLD, HOLD, now)  # left running overnight
    assert not activity.keeps_alive(True, None, HOLD, now)  # no click ever in this tab


def test_meeting_hold_setting_is_checked(tmp_path):
    path = tmp_path / "users.toml"
    for bad in ("0", '"abc"', "-5", "100000"):
        path.write_text(f"[settings]\nmeeting_hold_minutes = {bad}\n", encoding="utf-8")
        with pytest.raises(auth.AccountsError, match="meeting_hold_minutes"):
            auth.load_accounts(path)
    path.write_text("[settings]\nmeeting_hold_minutes = 90\n", encoding="utf-8")
    assert auth.load_accounts(path).meeting_hold_s == 90 * 60
    path.write_text("", encoding="utf-8")
    assert auth.load_accounts(path).meeting_hold_s == auth.MEETING_HOLD_MINUTES * 60


# --- 审计日志 -----------------------------------------------------------------------------
ROWS = [
    {"time": "2026-12-06T22:40:05+00:00", "event": "sign_in_failed", "user": "west",
     "address": None, "reason": None},
    {"time": "2026-12-06T23:59:59+00:00", "event": "page_view", "user": "west",
     "page": "总览", "scope": "330102/330102001", "session": "abc"},
    {"time": "2026-12-07T08:00:00+08:00", "event": "export_refused", "user": "west",
     "reason": "account"},
    {"time": "2026-12-07T08:00:00", "event": "some_future_event", "user": None},
]  # fmt: skip


def test_audit_table_in_chinese_with_local_times_and_no_none():
    table = audit_log.table(ROWS, ZoneInfo("Asia/Shanghai"))
    assert list(table["时间"]) == [
        "2026-12-07 06:40:05",  # 22:40 UTC is 06:40 the next morning in Shanghai
        "2026-12-07 07:59:59",
        "2026-12-07 08:00:00",
        "2026-12-07 08:00:00",  # no offset: as written by this server's clock
    ]
    assert list(table["事件"]) == ["登录失败", "查看页面", "下载被拒绝", "some_future_event"]
    assert table.loc[2, "原因"] == "账号已删除、停用或密码已变更"
    text = table.to_csv(index=False)
    assert "None" not in text and "nan" not in text.lower()
    assert table.loc[0, "来源地址"] == "" and table.loc[3, "用户"] == ""


def test_audit_times_follow_the_configured_zone():
    assert audit_log.timezone({}).key == "Asia/Shanghai"
    zone = audit_log.timezone({"DASHBOARD_TIMEZONE": "Europe/Berlin"})
    assert audit_log.table(ROWS[:1], zone).loc[0, "时间"] == "2026-12-06 23:40:05"
    with pytest.raises(ValueError, match="DASHBOARD_TIMEZONE"):
        audit_log.timezone({"DASHBOARD_TIMEZONE": "Mars/Olympus"})


def test_audit_pages():
    frame = pd.DataFrame({"n": range(250)})
    assert audit_log.pages(0) == 1 and audit_log.pages(250) == 3
    assert list(audit_log.page(frame, 1)["n"]) == list(range(100))
    assert list(audit_log.page(frame, 3)["n"]) == list(range(200, 250))
    assert list(audit_log.page(frame, 99)["n"]) == list(range(200, 250))  # clamped
    assert list(audit_log.page(frame, 0)["n"]) == list(range(100))


# --- the hard error page: a sign-in path for administrators, details for them only ---------
def _details(at) -> bool:
    text = _text(at).lower()
    return "sqlite" in text or "unable to open" in text


def test_an_administrator_signs_in_on_the_hard_error_page(source):  # noqa: F811
    _go_down(source)  # before any store was built: the hard error page
    at = _run()
    assert "无法连接数据库" in _text(at) and not _details(at)
    assert not any(b.label == "重试" for b in at.button)
    next(b for b in at.button if b.label == "管理员登录查看详情").click().run()
    at.text_input(key="w_auth_username").input("boss")
    at.text_input(key="w_auth_password").input(PASSWORD)
    next(b for b in at.button if b.label == "登录").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert _details(at) and any(b.label == "重试" for b in at.button)


def test_a_township_user_signed_in_on_the_error_page_sees_no_details(source):  # noqa: F811
    _go_down(source)
    at = _run()
    next(b for b in at.button if b.label == "管理员登录查看详情").click().run()
    at.text_input(key="w_auth_username").input("west")
    at.text_input(key="w_auth_password").input(PASSWORD)
    next(b for b in at.button if b.label == "登录").click().run()
    assert not at.exception
    assert not _details(at) and "连接详情仅管理员可见" in _text(at)
    assert not any(b.label == "重试" for b in at.button)


def test_an_administrator_with_an_open_session_sees_the_details_at_once(source):  # noqa: F811
    user = auth.load_accounts().users["boss"]
    sid, _grant = websession.create("boss", websession.fingerprint(user.password_hash))
    _go_down(source)
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.query_params.update({"county": hm.A, "period": "2026-03"})
    at.session_state[signin.S_SID] = sid  # what the cookie gives a new tab
    at.run()
    assert _details(at) and any(b.label == "重试" for b in at.button)
