"""The sign-in gate of the frame (Streamlit side of dashboard.auth) and the signed-in user.

A sign-in (password form or st.login's OpenID Connect) opens a session row
(dashboard/websession.py); the browser gets its HttpOnly cookie through the grant route and
every later run, fragment (`fragment` below) and download (audit.deferred's guard) checks
that row again: sign-out, idle expiry, a removed account or a changed password end it at the
next interaction of any kind.
"""

from __future__ import annotations

import functools
import json
import logging
import time
from urllib.parse import quote, urlencode, urlsplit

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard import activity, audit, auth, database, drill, safe, state, websession
from dashboard.auth import User

log = logging.getLogger(__name__)

S_USER = "s_auth_user"  # the signed-in User
S_SID = "s_auth_sid"  # the session id of this tab's row (dashboard/websession.py)
S_EXPIRED = "s_auth_expired"  # why the last session ended: say so on the sign-in form
S_MODE = "s_auth_mode"  # "on", "off" (DASHBOARD_AUTH=off) or "demo"
S_OFF_TOASTED = "s_auth_off_toasted"  # the meeting's "sign-in is off" toast was shown
W_USERNAME, W_PASSWORD = "w_auth_username", "w_auth_password"
S_ADMIN_FORM = "s_auth_admin_form"  # the error page's administrator sign-in was opened

# A session row's last_seen is written at most this often (idle expiry is in minutes).
TOUCH_S = 15
NO_ACCOUNTS_HINT = (
    "请管理员添加账号：运行 `python -m dashboard.auth hash` 生成密码哈希，写入 "
    "`.streamlit/users.toml`（或环境变量 `DASHBOARD_USERS_FILE` 指定的文件，格式见 README），"
    "然后重试。仅在受控测试环境中，可设置 `DASHBOARD_AUTH=off` 明确关闭登录。"
)
AUDIT_DOWN = (
    "审计日志暂时无法写入，为保证每次登录、查看和下载都有记录，系统暂停服务。"
    "请联系管理员（管理员登录后在“审计日志”页面可以看到原因）。"
)
ENDED = {
    "expired": "长时间未操作，已自动退出登录。请重新登录。",
    "account": "账号已删除、停用或密码已变更，登录已结束。请重新登录。",
    "account_file": "账号文件无效，登录已结束。请联系管理员。",
    "ended": "登录已结束（已在其他窗口退出或被管理员结束）。请重新登录。",
}


def current_user() -> User | None:
    """The signed-in user, or None when sign-in is off (demo or DASHBOARD_AUTH=off)."""
    return st.session_state.get(S_USER)


def address() -> str | None:
    """The browser's address: the connection's, or X-Real-IP / X-Forwarded-For's last hop when
    the connection comes from this machine (the documented nginx front); None on loopback."""
    direct = st.context.ip_address  # None for 127.0.0.1 and ::1
    if isinstance(direct, str) and direct:
        return direct[:64]
    try:
        headers = dict(st.context.headers)
    except Exception:  # no browser connection (AppTest)
        return None
    real = headers.get("X-Real-IP") or headers.get("x-real-ip")
    chain = headers.get("X-Forwarded-For") or headers.get("x-forwarded-for") or ""
    forwarded = real if isinstance(real, str) and real else str(chain).split(",")[-1]
    return forwarded.strip()[:64] or None


def oidc_configured() -> bool:
    """True when .streamlit/secrets.toml has an [auth] section (st.login's provider)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file, or one that does not parse: no OpenID Connect
        return False


def _guard(sid: str) -> callable:
    """What a deferred download asks before it builds: None while the session holds. When it
    does not, the tab is rerun at once (from the download's thread), so the sign-in form with
    its reason replaces the page on the click itself, not at the next interaction."""
    ctx = get_script_run_ctx()
    tab = ctx.session_id if ctx is not None else None

    def check() -> str | None:
        try:
            accounts = auth.load_accounts()
        except auth.AccountsError:
            why = "account_file"
        else:
            result = auth.session_user(websession.lookup(sid), accounts)
            if isinstance(result, User):
                return None
            why = result
        activity.rerun_tab(tab)
        return why

    return check


def _set_actor(user: User | None, sid: str | None) -> None:
    """This thread's actor for the trail; the scope is the last run's filters' (a fragment's
    run has no filters of its own), replaced by app.py once this run's filters are drawn."""
    filters = st.session_state.get(state.S_FILTERS)
    audit.set_actor(
        user.username if user else None,
        audit.scope_words(filters.scope) if filters is not None else None,
        websession.short_id(sid),
        address(),
        _guard(sid) if sid else None,
    )


def _end(sid: str, why: str, username: str | None) -> None:
    """End a session row and say why on the trail (a trail that cannot be written is logged)."""
    websession.end(sid, why)
    st.session_state.pop(S_USER, None)
    st.session_state.pop(S_SID, None)
    st.session_state[S_EXPIRED] = why
    try:
        audit.record("expired" if why == "expired" else "session_ended", user=username, reason=why)
    except audit.AuditError:
        pass  # logged by audit.record; the session ends all the same


def _redirect(url: str) -> None:
    """Send the browser to a URL of this server (what st.login does to reach its route)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    ctx = get_script_run_ctx()
    if ctx is not None:
        msg = ForwardMsg()
        msg.auth_redirect.url = url
        ctx.enqueue(msg)


def _here() -> str:
    """The path and query the browser asked for (where to return after the cookie is set)."""
    # urlsplit, not string cuts: the main page's URL has no path at all (scheme and host
    # only), which a cut at the first "/" once turned into the path "/host:port" (Page not
    # found).
    path = urlsplit(st.context.url or "").path or "/"
    query = urlencode(st.query_params.to_dict())
    return websession.safe_next(path + (f"?{query}" if query else ""))


def _open_session(user: User, kind: str, claims: dict | None = None) -> bool:
    """Record the sign-in, open the row, and hand the browser its cookie; False when refused
    because the trail cannot be written (administrators still get in, to see why)."""
    where = address()
    fp = websession.fingerprint(user.password_hash) if kind == "password" else "oidc"
    sid, grant = websession.create(
        user.username, fp, kind, where, json.dumps(claims, ensure_ascii=False) if claims else None
    )
    _set_actor(user, sid)
    try:
        audit.record("sign_in", user=user.username, role=user.role, method=kind)
    except audit.AuditError:
        if not user.is_admin:
            websession.end(sid, "audit_failed")
            st.error(AUDIT_DOWN, icon=":material/gpp_bad:")
            return False
        log.error("AUDIT DOWN: administrator %s signed in (not in the trail)", user.username)
    st.session_state[S_USER] = user
    st.session_state[S_SID] = sid
    if websession.routes_mounted:  # swap the grant for the cookie, then back to this page
        _redirect(f"{websession.GRANT_ROUTE}?t={grant}&next={quote(_here(), safe='')}")
        st.stop()
    return True


def _record_attempt(event: str, username: str, **fields) -> bool:
    """An attempt on the trail; False (and a message) when the trail cannot be written."""
    try:
        audit.record(event, user=username[:64], **fields)
    except audit.AuditError:
        st.error(AUDIT_DOWN, icon=":material/gpp_bad:")
        return False
    return True


def _oidc(accounts: auth.Accounts) -> None:
    """The OpenID Connect half of the form: a fresh st.login opens a session of ours."""
    info = st.user
    if info.get("is_logged_in"):
        claims = {k: v for k, v in info.to_dict().items() if k not in ("tokens",)}
        fresh = websession.oidc_login_fresh(claims)
        user = auth.oidc_user(claims, accounts)
        if isinstance(user, str):
            _set_actor(None, None)
            _record_attempt("sign_in_failed", str(claims.get("sub", "")), method="oidc")
            st.error(user)
        elif fresh and _open_session(user, "oidc", claims):
            st.rerun()
    if st.button("使用统一身份认证登录", type="primary", icon=":material/badge:"):
        if info.get("is_logged_in"):
            st.logout()  # an old provider sign-in: sign in again there
        else:
            st.login()


def _form(accounts: auth.Accounts, oidc: bool) -> None:
    st.title("医防融合监测 · 登录")
    why = st.session_state.pop(S_EXPIRED, None)
    if why in ENDED:
        st.info(ENDED[why])
    if oidc:
        _oidc(accounts)
        if not accounts.users:
            st.stop()
        st.caption("或使用本系统账号：")
    with st.form("signin"):
        username = st.text_input("账号", key=W_USERNAME)
        password = st.text_input("密码", type="password", key=W_PASSWORD)
        submitted = st.form_submit_button("登录", type="primary")
    if not submitted:
        st.stop()
    username = username.strip()
    where = address()
    _set_actor(None, None)
    lockout = auth.Lockout()
    result = auth.check_password(accounts, lockout, username, password, where)
    if result == "ok":
        if _open_session(accounts.users[username], "password"):
            st.rerun()
        st.stop()
    event = {"wrong": "sign_in_failed", "locked": "sign_in_locked", "now_locked": "locked"}
    if not _record_attempt(event[result], username, address=where):
        st.stop()
    if result == "wrong":
        st.error("账号或密码不正确。")
    else:
        minutes = max(1, round(lockout.locked_for(username, accounts, where) / 60))
        st.error(
            f"账号 {safe.markdown(username[:40])} 登录失败次数过多，已锁定，请 {minutes} 分钟后再试。"
        )
    st.stop()


def identify() -> User | None:
    """The user this tab or its cookie is signed in as, without drawing a form (None: nobody,
    or the account file cannot be read). For pages drawn before require(): the hard error
    page, which shows connection details to a signed-in administrator only."""
    try:
        accounts = auth.load_accounts()
    except auth.AccountsError:
        return None
    sid = st.session_state.get(S_SID) or websession.unsign(
        st.context.cookies.get(websession.COOKIE)
    )
    result = auth.session_user(websession.lookup(sid), accounts) if sid else None
    if not isinstance(result, User):
        return None
    st.session_state[S_USER], st.session_state[S_SID] = result, sid
    _set_actor(result, sid)
    return result


def admin_sign_in() -> None:
    """On the hard error page, for a visitor not signed in: the way an administrator signs in
    to see the connection details (the form opens on a click; stops the run)."""
    user = current_user()
    if user is not None:
        st.caption("连接详情仅管理员可见。")
        return
    if st.button("管理员登录查看详情", icon=":material/admin_panel_settings:") or (
        st.session_state.get(S_ADMIN_FORM)
    ):
        st.session_state[S_ADMIN_FORM] = True
        try:
            accounts = auth.load_accounts()
        except auth.AccountsError:
            st.caption("账号文件无效，暂时无法登录。")
            return
        st.session_state[S_MODE] = "on"
        _form(accounts, oidc_configured())


def require(db: database.Database) -> User | None:
    """Sign-in before anything else is drawn; returns the user, None when sign-in is off."""
    if db.builds_demo or auth.auth_switched_off():
        st.session_state[S_MODE] = "demo" if db.builds_demo else "off"
        _set_actor(None, None)
        return None
    st.session_state[S_MODE] = "on"
    try:
        accounts = auth.load_accounts()
    except auth.AccountsError as exc:
        database.error_page("账号文件无效", str(exc), "请管理员修正账号文件后重试。")
    oidc = oidc_configured()
    if not accounts.users and not oidc:
        database.error_page(
            "尚未配置登录账号", "连接的是正式数据库，但没有任何账号。", NO_ACCOUNTS_HINT
        )
    sid = st.session_state.get(S_SID) or websession.unsign(
        st.context.cookies.get(websession.COOKIE)
    )
    user, record = None, None
    if sid:
        record = websession.lookup(sid)
        result = auth.session_user(record, accounts)
        if isinstance(result, User):
            user = result
        elif record is not None:
            _end(sid, result, record.username)
        else:
            if st.session_state.pop(S_SID, None):  # this tab was signed in: say it ended
                st.session_state[S_EXPIRED] = "ended"
            st.session_state.pop(S_USER, None)
    if user is None:
        _form(accounts, oidc)
    timer = activity.timer_run()
    if activity.counts(timer, accounts.meeting_hold_s) and (
        record is None or time.time() - record.last_seen > TOUCH_S
    ):
        websession.touch(sid)
    st.session_state[S_USER] = user  # role or area changes apply at once
    st.session_state[S_SID] = sid
    _set_actor(user, sid)
    return user


def still_signed_in(timer: bool = False) -> bool:
    """The session of this run still holds (always True with sign-in off); a `timer` run (the
    meeting's) counts as activity only within the meeting hold (activity.keeps_alive)."""
    if st.session_state.get(S_MODE) != "on":
        return True
    sid = st.session_state.get(S_SID)
    if not sid:
        return False
    try:
        accounts = auth.load_accounts()
    except auth.AccountsError:
        return False
    record = websession.lookup(sid)
    result = auth.session_user(record, accounts)
    if not isinstance(result, User):
        return False
    if activity.counts(timer, accounts.meeting_hold_s) and time.time() - record.last_seen > TOUCH_S:
        websession.touch(sid)
    _set_actor(result, sid)
    return True


def fragment(func=None, *, run_every=None):
    """st.fragment that first checks the session: a fragment rerun after sign-out, expiry or
    an account change reruns the whole app instead, which shows the sign-in form. Timed
    fragments (only the meeting's) count as activity within the meeting hold (activity.keeps_alive)."""

    def wrap(body):
        @functools.wraps(body)
        def guarded(*args, **kwargs):
            if not still_signed_in(timer=run_every is not None):
                st.rerun(scope="app")
            result = body(*args, **kwargs)
            try:
                drill.audit_drill()
            except audit.AuditError:
                user = current_user()
                if user is None or not user.is_admin:
                    refuse_audit_down()
            return result

        return st.fragment(guarded, run_every=run_every)

    return wrap(func) if func is not None else wrap


def meeting_keepalive() -> None:
    """例会模式's heartbeat: while the room discusses one slide (no click, no auto-advance),
    a timed run every third of the idle time keeps the session alive — within the meeting
    hold only (activity.keeps_alive); it draws nothing."""
    if st.session_state.get(S_MODE) != "on":
        return
    try:
        idle_s = auth.load_accounts().idle_s
    except auth.AccountsError:
        return

    @fragment(run_every=max(5.0, min(60.0, idle_s / 3)))
    def beat() -> None:
        return None

    beat()


def refuse_audit_down() -> None:
    """The page a user sees instead of what they asked for while the trail cannot be written."""
    st.error(AUDIT_DOWN, icon=":material/gpp_bad:")
    st.stop()


def sign_out() -> None:
    sid = st.session_state.pop(S_SID, None)
    user = st.session_state.pop(S_USER, None)
    websession.end(sid, "sign_out")
    try:
        audit.record("sign_out", user=user.username if user else None)
    except audit.AuditError:
        pass  # logged; signing out is never refused
    if user is not None and websession.oidc_kind(sid):
        st.logout()  # also ends st.login's own cookie (and the provider's session, if it can)
        st.stop()
    if websession.routes_mounted:
        _redirect(websession.SIGN_OUT_ROUTE)
        st.stop()
    st.rerun()


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
        sign_out()
