"""Sessions that last the working day: a revocable server-side record behind a signed cookie.

The browser holds one cookie, `yfrh_session`: a random session id signed with itsdangerous
(Pallets' signing library, the one under Flask's and Starlette's sessions), HttpOnly (no script
can read it), SameSite=Strict (no other site's page can send it) and Secure behind HTTPS. The id
means nothing without its row in `data/auth/sessions.sqlite` (only its SHA-256 is kept there),
and the row ends at sign-out, after `idle_minutes` without a click, when the account leaves the
account file, or when its password hash changes. Every run, fragment and download asks
`check()`, so an ended row is felt at the next interaction of any kind.

A Streamlit script cannot set an HttpOnly cookie (it talks over a websocket), so after a sign-in
the page is sent, once, to `/yfrh-auth/grant?t=…&next=…`: a route of our own, mounted beside
Streamlit's with st.App (dashboard/app.py), that swaps the one-time grant (60 s) for the
cookie and redirects to the page the user asked for. Plain Python and Starlette; no Streamlit
import, so the export CLI and tests use it too.

The same SQLite file keeps the lockout counters (per account and per source address), so a
restart does not forget them.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import sqlite3
import threading
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from data_access.engine import REPO_ROOT

log = logging.getLogger(__name__)

ENV_DIR = "DASHBOARD_AUTH_DIR"
ENV_SECRET = "DASHBOARD_SESSION_SECRET"
DEFAULT_DIR = REPO_ROOT / "data" / "auth"
COOKIE = "yfrh_session"
ROUTE_PREFIX = "/yfrh-auth"
GRANT_ROUTE = f"{ROUTE_PREFIX}/grant"
SIGN_OUT_ROUTE = f"{ROUTE_PREFIX}/signout"
GRANT_S = 60  # a grant is swapped for the cookie at once; a minute covers a slow page
# The cookie outlives no working day by much; the row's idle expiry ends sessions sooner.
COOKIE_MAX_AGE_S = 12 * 3600
# Set by dashboard/app.py when the grant route is mounted (not under AppTest or a plain
# `streamlit run dashboard/frame.py`, where a sign-in lasts as long as the browser tab).
routes_mounted = False

_lock = threading.Lock()


def folder() -> Path:
    return Path(os.environ.get(ENV_DIR) or DEFAULT_DIR)


def _db_path() -> Path:
    return folder() / "sessions.sqlite"


_ready: set[Path] = set()  # files whose tables this process has made sure of


def _connect() -> sqlite3.Connection:
    path = _db_path()
    if path in _ready and path.exists():
        con = sqlite3.connect(path, timeout=10, isolation_level=None)
        con.execute("PRAGMA synchronous=NORMAL")  # WAL: durable at checkpoints, never corrupt
        return con
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fresh = not path.exists()
    con = sqlite3.connect(path, timeout=10, isolation_level=None)
    if fresh:
        os.chmod(path, 0o600)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    _ready.add(path)
    con.executescript(
        """
        CREATE TABLE IF NOT EXISTS sessions (
            sid_hash TEXT PRIMARY KEY, username TEXT NOT NULL, kind TEXT NOT NULL,
            fingerprint TEXT NOT NULL, claims TEXT, address TEXT,
            created REAL NOT NULL, last_seen REAL NOT NULL,
            grant_hash TEXT, grant_until REAL, ended REAL, end_reason TEXT);
        CREATE INDEX IF NOT EXISTS sessions_grant ON sessions(grant_hash);
        CREATE TABLE IF NOT EXISTS oidc_logins (key TEXT PRIMARY KEY, used REAL NOT NULL);
        CREATE TABLE IF NOT EXISTS failures (
            kind TEXT NOT NULL, key TEXT NOT NULL, count INTEGER NOT NULL,
            last REAL NOT NULL, locked_until REAL NOT NULL, lockouts INTEGER NOT NULL,
            PRIMARY KEY (kind, key));
        """
    )
    return con


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def fingerprint(password_hash: str) -> str:
    """What the row keeps of the password hash: a change ends the sessions made before it."""
    return _hash("pw:" + password_hash)[:32]


# --- the signing secret -----------------------------------------------------------------------
def _secret() -> str:
    configured = os.environ.get(ENV_SECRET)
    if configured:
        return configured
    path = folder() / "secret"
    with _lock:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
        return path.read_text().strip()


def _serializer():
    from itsdangerous import URLSafeSerializer

    return URLSafeSerializer(_secret(), salt="yfrh-session")


def sign(sid: str) -> str:
    return _serializer().dumps(sid)


def unsign(cookie: str | None) -> str | None:
    """The session id in a cookie value, None when it is absent or not signed by us."""
    if not cookie:
        return None
    from itsdangerous import BadSignature

    try:
        sid = _serializer().loads(cookie)
    except BadSignature:
        return None
    return sid if isinstance(sid, str) else None


# --- session rows -------------------------------------------------------------------------
@dataclass(frozen=True)
class Record:
    username: str
    kind: str  # "password" or "oidc"
    fingerprint: str
    claims: str | None
    address: str | None
    created: float
    last_seen: float


def create(
    username: str,
    fingerprint: str,
    kind: str = "password",
    address: str | None = None,
    claims: str | None = None,
    now: float | None = None,
) -> tuple[str, str]:
    """A new session row; returns (session id, one-time grant for the cookie route)."""
    now = time.time() if now is None else now
    sid, grant = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with closing(_connect()) as con:
        con.execute(
            "INSERT INTO sessions (sid_hash, username, kind, fingerprint, claims, address,"
            " created, last_seen, grant_hash, grant_until) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (_hash(sid), username, kind, fingerprint, claims, address, now, now,
             _hash(grant), now + GRANT_S),
        )  # fmt: skip
        # Rows ended or idle for a week are of no use to anyone.
        con.execute("DELETE FROM sessions WHERE last_seen < ? OR ended < ?", (now - 7 * 86400,) * 2)
    return sid, grant


def redeem(grant: str, now: float | None = None) -> str | None:
    """Swap a grant for a fresh session id (once, within GRANT_S); None when it is not valid.

    The id the sign-in form's session holds is not the one the cookie carries: the grant
    mints a new id for the same row's user, so the URL never carries a usable session."""
    now = time.time() if now is None else now
    with closing(_connect()) as con:
        row = con.execute(
            "SELECT sid_hash, username, kind, fingerprint, claims, address, created FROM sessions"
            " WHERE grant_hash = ? AND grant_until >= ? AND ended IS NULL",
            (_hash(grant), now),
        ).fetchone()
        if row is None:
            return None
        # The form's session id ends here: from now on the tab runs on the cookie's.
        con.execute(
            "UPDATE sessions SET grant_hash = NULL, ended = ?, end_reason = 'redeemed'"
            " WHERE sid_hash = ?",
            (now, row[0]),
        )
        sid = secrets.token_urlsafe(32)
        con.execute(
            "INSERT INTO sessions (sid_hash, username, kind, fingerprint, claims, address,"
            " created, last_seen) VALUES (?,?,?,?,?,?,?,?)",
            (_hash(sid), *row[1:], now),
        )
    return sid


def lookup(sid: str | None) -> Record | None:
    """The open row of a session id (None when there is none or it has ended)."""
    if not sid:
        return None
    with closing(_connect()) as con:
        row = con.execute(
            "SELECT username, kind, fingerprint, claims, address, created, last_seen"
            " FROM sessions WHERE sid_hash = ? AND ended IS NULL",
            (_hash(sid),),
        ).fetchone()
    return Record(*row) if row else None


def touch(sid: str, now: float | None = None) -> None:
    now = time.time() if now is None else now
    with closing(_connect()) as con:
        con.execute("UPDATE sessions SET last_seen = ? WHERE sid_hash = ?", (now, _hash(sid)))


def end(sid: str | None, reason: str, now: float | None = None) -> None:
    if not sid:
        return
    now = time.time() if now is None else now
    with closing(_connect()) as con:
        con.execute(
            "UPDATE sessions SET ended = ?, end_reason = ? WHERE sid_hash = ? AND ended IS NULL",
            (now, reason, _hash(sid)),
        )


def oidc_kind(sid: str | None) -> bool:
    """True when the session came from an OpenID Connect sign-in."""
    record = lookup(sid) if sid else None
    if record is None and sid:
        with closing(_connect()) as con:
            row = con.execute(
                "SELECT kind FROM sessions WHERE sid_hash = ?", (_hash(sid),)
            ).fetchone()
        return bool(row) and row[0] == "oidc"
    return record is not None and record.kind == "oidc"


def oidc_login_fresh(claims: dict, now: float | None = None) -> bool:
    """True once per provider sign-in (issuer, subject, issued-at, nonce), within 10 minutes
    of it: st.login's own cookie lasts 30 days, and must not reopen a session that expired
    or was signed out; that takes a new sign-in at the provider."""
    now = time.time() if now is None else now
    iat = claims.get("iat")
    if not isinstance(iat, int | float) or now - iat > 600:
        return False
    key = _hash("|".join(str(claims.get(k, "")) for k in ("iss", "sub", "iat", "nonce")))
    with closing(_connect()) as con:
        con.execute("DELETE FROM oidc_logins WHERE used < ?", (now - 86400,))
        cur = con.execute("INSERT OR IGNORE INTO oidc_logins VALUES (?, ?)", (key, now))
    return cur.rowcount == 1


def short_id(sid: str | None) -> str | None:
    """The session as the audit trail names it (a hash prefix: the trail holds no usable id)."""
    return _hash(sid)[:12] if sid else None


# --- lockout: per account and per source address, kept across restarts ------------------------
def locked_for(kind: str, key: str, now: float | None = None) -> float:
    now = time.time() if now is None else now
    with closing(_connect()) as con:
        row = con.execute(
            "SELECT locked_until FROM failures WHERE kind = ? AND key = ?", (kind, key)
        ).fetchone()
    return max(0.0, (row[0] if row else 0.0) - now)


def count_failure(
    kind: str, key: str, max_failures: int, lockout_s: float, now: float | None = None
) -> bool:
    """Count a failure of an account or address; True when it locks it now.

    Backoff: each lockout of the same key within a day lasts twice the one before (at most
    a day), so a guesser slows down a lot while a user who mistyped waits a quarter hour."""
    now = time.time() if now is None else now
    with _lock, closing(_connect()) as con:
        con.execute("BEGIN IMMEDIATE")
        row = con.execute(
            "SELECT count, last, locked_until, lockouts FROM failures WHERE kind = ? AND key = ?",
            (kind, key),
        ).fetchone()
        count, last, until, lockouts = row or (0, 0.0, 0.0, 0)
        if now - last > lockout_s:
            count = 0  # failures a lockout-length apart do not add up
        if now - max(last, until) > 86400:
            lockouts = 0
        count += 1
        locks = count >= max_failures
        if locks:
            until = now + min(86400.0, lockout_s * 2**lockouts)
            count, lockouts = 0, lockouts + 1
        con.execute(
            "INSERT OR REPLACE INTO failures VALUES (?,?,?,?,?,?)",
            (kind, key, count, now, until, lockouts),
        )
        con.execute("COMMIT")
    return locks


def clear_failures(kind: str, key: str) -> None:
    """A right password clears the account's count (not its lockout history)."""
    with closing(_connect()) as con:
        con.execute("UPDATE failures SET count = 0 WHERE kind = ? AND key = ?", (kind, key))


# --- the cookie route (mounted by dashboard/app.py) --------------------------------------------
def safe_next(target: str | None) -> str:
    """A path on this server to go to after the cookie is set ("/" for anything else)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


def _secure(request) -> bool:
    return (
        request.url.scheme == "https"
        or request.headers.get("x-forwarded-proto", "").lower() == "https"
    )


async def grant_endpoint(request):
    from starlette.responses import RedirectResponse

    sid = redeem(request.query_params.get("t", ""))
    if sid is None:
        # An old or replayed grant: back to the page, which asks for a sign-in.
        response = RedirectResponse(safe_next(request.query_params.get("next")), 303)
        response.headers["Cache-Control"] = "no-store"
        return response
    response = RedirectResponse(safe_next(request.query_params.get("next")), 303)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.set_cookie(
        COOKIE, sign(sid), max_age=COOKIE_MAX_AGE_S, path="/", httponly=True,
        samesite="strict", secure=_secure(request),
    )  # fmt: skip
    return response


async def sign_out_endpoint(request):
    """Ends the cookie's session row and deletes the cookie (the form's 退出登录 goes here)."""
    from starlette.responses import RedirectResponse

    end(unsign(request.cookies.get(COOKIE)), "sign_out")
    response = RedirectResponse(safe_next(request.query_params.get("next")), 303)
    response.headers["Cache-Control"] = "no-store"
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return response


def routes() -> list:
    from starlette.routing import Route

    return [Route(GRANT_ROUTE, grant_endpoint), Route(SIGN_OUT_ROUTE, sign_out_endpoint)]
