"""The sign-in gate of the frame (Streamlit side of dashboard.auth) and the signed-in user."""

from __future__ import annotations

import time

import streamlit as st

from dashboard import audit, auth, database, safe
from dashboard.auth import User

S_USER = "s_auth_user"  # the signed-in User
S_LAST_SEEN = "s_auth_last_seen"  # time.time() of the session's last run (idle expiry)
S_EXPIRED = "s_auth_expired"  # the session just expired: say so on the sign-in form
S_MODE = "s_auth_mode"  # "on", "off" (DASHBOARD_AUTH=off) or "demo"
S_OFF_TOASTED = "s_auth_off_toasted"  # the meeting's "sign-in is off" toast was shown
W_USERNAME, W_PASSWORD = "w_auth_username", "w_auth_password"

NO_ACCOUNTS_HINT = (
    "请管理员添加账号：运行 `python -m dashboard.auth hash` 生成密码哈希，写入 "
    "`.streamlit/users.toml`（或环境变量 `DASHBOARD_USERS_FILE` 指定的文件，格式见 README），"
    "然后重试。仅在受控测试环境中，可设置 `DASHBOARD_AUTH=off` 明确关闭登录。"
)


@st.cache_resource(show_spinner=False)
def _lockout() -> auth.Lockout:
    return auth.Lockout()


def current_user() -> User | None:
    """The signed-in user, or None when sign-in is off (demo or DASHBOARD_AUTH=off)."""
    return st.session_state.get(S_USER)


def _sign_out(reason: str) -> None:
    user = st.session_state.pop(S_USER, None)
    if user is not None:
        audit.record(reason, user=user.username)


def _form(accounts: auth.Accounts) -> None:
    st.title("医防融合监测 · 登录")
    if st.session_state.pop(S_EXPIRED, False):
        st.info("长时间未操作，已自动退出登录。请重新登录。")
    with st.form("signin"):
        username = st.text_input("账号", key=W_USERNAME)
        password = st.text_input("密码", type="password", key=W_PASSWORD)
        submitted = st.form_submit_button("登录", type="primary")
    if not submitted:
        st.stop()
    lockout = _lockout()
    result = auth.check_password(accounts, lockout, username.strip(), password)
    name = safe.markdown(username.strip()[:40])
    if result == "ok":
        user = accounts.users[username.strip()]
        st.session_state[S_USER] = user
        st.session_state[S_LAST_SEEN] = time.time()
        audit.record("sign_in", user=user.username, role=user.role)
        st.rerun()
    if result == "wrong":
        audit.record("sign_in_failed", user=username.strip()[:64])
        st.error("账号或密码不正确。")
    else:
        if result == "now_locked":
            audit.record("locked", user=username.strip()[:64])
        minutes = max(1, round(lockout.locked_for(username.strip()) / 60))
        st.error(f"账号 {name} 登录失败次数过多，已锁定，请 {minutes} 分钟后再试。")
    st.stop()


def require(db: database.Database) -> User | None:
    """Sign-in before anything else is drawn; returns the user, None when sign-in is off."""
    if db.builds_demo:
        st.session_state[S_MODE] = "demo"
        return None
    if auth.auth_switched_off():
        st.session_state[S_MODE] = "off"
        return None
    st.session_state[S_MODE] = "on"
    try:
        accounts = auth.load_accounts()
    except auth.AccountsError as exc:
        database.error_page("账号文件无效", str(exc), "请管理员修正账号文件后重试。")
    if not accounts.users:
        database.error_page(
            "尚未配置登录账号", "连接的是正式数据库，但没有任何账号。", NO_ACCOUNTS_HINT
        )
    user = current_user()
    now = time.time()
    if user is not None and now - st.session_state.get(S_LAST_SEEN, now) > accounts.idle_s:
        _sign_out("expired")
        st.session_state[S_EXPIRED] = True
        user = None
    if user is not None and user.username not in accounts.users:  # account removed
        _sign_out("sign_out")
        user = None
    if user is None:
        _form(accounts)
    user = accounts.users[user.username]  # role or area changes apply at once
    st.session_state[S_USER] = user
    st.session_state[S_LAST_SEEN] = now
    return user


def sidebar(user: User | None, meeting_mode: bool = False) -> None:
    """Who is signed in (with 退出登录), or a visible notice that sign-in is off.

    The notice heads the sidebar of every page, where it does not move the page's own
    layout; on the projector (sidebar collapsed) a toast shows it once per session.
    """
    mode = st.session_state.get(S_MODE)
    if user is None:
        if mode == "off":
            st.sidebar.warning(
                "登录已关闭（DASHBOARD_AUTH=off）：任何能访问本端口的人都能看到全部数据。",
                icon=":material/lock_open:",
            )
            if meeting_mode and not st.session_state.get(S_OFF_TOASTED):
                st.session_state[S_OFF_TOASTED] = True
                st.toast("登录已关闭（DASHBOARD_AUTH=off）。", icon=":material/lock_open:")
        elif mode == "demo":
            st.sidebar.caption("演示数据库：未启用登录。")
        return
    role = auth.ROLE_LABELS[user.role]
    st.sidebar.caption(f"{safe.markdown(user.name)}（{role}）")
    if st.sidebar.button("退出登录", key="w_auth_sign_out", icon=":material/logout:"):
        _sign_out("sign_out")
        st.rerun()
