"""Sign-in, roles by area, idle expiry and lockout.

Accounts live in a TOML file the administrator edits (default `.streamlit/users.toml`, or
env DASHBOARD_USERS_FILE); passwords are bcrypt hashes made with
`python -m dashboard.auth hash`. The embedded demo needs no sign-in; a real database with no
accounts refuses to start unless DASHBOARD_AUTH=off (then every page says sign-in is off).

    [settings]                     # optional; defaults below
    idle_minutes = 30              # no click for this long ends a session
    meeting_hold_minutes = 180     # 例会模式 keeps it alive this long after the last click/key
    max_failures = 5               # wrong passwords for one account from one address …
    lockout_minutes = 15           # … lock that pair this long (doubling on each repeat)
    address_max_failures = 20      # wrong passwords from one address, any account
    account_max_failures = 50      # wrong passwords for one account, any address
    oidc_role_claim = "dashboard_role"   # st.login accounts: the claims naming role and area
    oidc_county_claim = "county"
    oidc_townships_claim = "townships"

    [users.zhang]
    name = "张三"
    password_hash = "$2b$12$…"
    role = "township"              # admin 管理员 | leader 局领导 | county 县区 | township 乡镇
    county = "990101"              # county and township roles
    townships = ["990101001"]      # township role
"""

from __future__ import annotations

import os
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import bcrypt

from dashboard import websession
from data_access.engine import REPO_ROOT
from data_access.scope import Scope

ENV_AUTH = "DASHBOARD_AUTH"
ENV_USERS = "DASHBOARD_USERS_FILE"
DEFAULT_USERS_FILE = REPO_ROOT / ".streamlit" / "users.toml"

ROLE_LABELS = {"admin": "管理员", "leader": "局领导", "county": "县区", "township": "乡镇"}
# Defaults: half an hour idle ends a session on a shared office PC; five wrong passwords lock
# the account for a quarter of an hour (slows guessing, does not lock out a user for a day).
IDLE_MINUTES = 30
# 例会模式: an open meeting tab keeps its session alive (the room discusses a slide, the slides
# advance by themselves) for at most this long after the presenter's last click or key; then
# idle expiry applies as anywhere. Three hours cover a long 例会; a tab left on the projector
# overnight still ends.
MEETING_HOLD_MINUTES = 180
MAX_FAILURES = 5
LOCKOUT_MINUTES = 15
# One address trying many accounts (password spraying), and many addresses trying one account
# (distributed guessing): higher limits, so that a colleague who mistypes never hits them and
# nobody elsewhere can lock the administrator out of his own desk with a few tries.
ADDRESS_MAX_FAILURES = 20
ACCOUNT_MAX_FAILURES = 50
# Settings: (default, lowest, highest) — 0, a negative number or text is refused at start.
SETTINGS = {
    "idle_minutes": (IDLE_MINUTES, 1, 24 * 60),
    "meeting_hold_minutes": (MEETING_HOLD_MINUTES, 1, 12 * 60),
    "max_failures": (MAX_FAILURES, 1, 100),
    "lockout_minutes": (LOCKOUT_MINUTES, 1, 24 * 60),
    "address_max_failures": (ADDRESS_MAX_FAILURES, 1, 10_000),
    "account_max_failures": (ACCOUNT_MAX_FAILURES, 1, 10_000),
}
OIDC_CLAIMS = {"oidc_role_claim": "dashboard_role", "oidc_county_claim": "county",
               "oidc_townships_claim": "townships"}  # fmt: skip


class AccountsError(ValueError):
    """The accounts file cannot be used (unreadable, malformed, a role without its area)."""


@dataclass(frozen=True)
class User:
    username: str
    name: str
    role: str
    county: str | None = None
    townships: tuple[str, ...] = ()
    password_hash: str = field(default="", repr=False, compare=False)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def sees_everything(self) -> bool:
        return self.role in ("admin", "leader")

    @property
    def area(self) -> Scope | None:
        """The area this user may see; None for roles that see everything."""
        return None if self.sees_everything else self.clamp(Scope())

    def allows(self, scope: Scope) -> bool:
        """True when the scope lies inside what this user may see."""
        if self.sees_everything:
            return True
        if scope.county_code != self.county:
            return False
        if self.role == "township":
            return bool(scope.township_codes) and set(scope.township_codes) <= set(self.townships)
        return True

    def clamp(self, scope: Scope) -> Scope:
        """The scope cut to this user's area (the user's whole area when nothing is left)."""
        if self.sees_everything:
            return scope
        if self.role == "county":
            return scope if scope.county_code == self.county else Scope(self.county)
        kept = tuple(t for t in scope.township_codes if t in self.townships)
        return Scope(self.county, kept or self.townships)


@dataclass(frozen=True)
class Accounts:
    users: dict[str, User]
    idle_s: float = IDLE_MINUTES * 60
    meeting_hold_s: float = MEETING_HOLD_MINUTES * 60
    max_failures: int = MAX_FAILURES
    lockout_s: float = LOCKOUT_MINUTES * 60
    address_max_failures: int = ADDRESS_MAX_FAILURES
    account_max_failures: int = ACCOUNT_MAX_FAILURES
    claims: dict[str, str] = field(default_factory=lambda: dict(OIDC_CLAIMS))


def _setting(settings: dict, name: str) -> int:
    default, low, high = SETTINGS[name]
    value = settings.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise AccountsError(
            f"[settings] {name} = {str(value)[:20]!r} 无效：应为 {low} 到 {high} 的整数"
        )
    if not low <= value <= high:
        raise AccountsError(
            f"[settings] {name} = {value} 无效：应为 {low} 到 {high} 的整数"
            + ("（0 会关闭这项保护，不允许）" if value == 0 else "")
        )
    return int(value)


def users_file() -> Path:
    return Path(os.environ.get(ENV_USERS) or DEFAULT_USERS_FILE)


def load_accounts(path: Path | None = None) -> Accounts:
    """The accounts file, checked; an absent file means no accounts."""
    path = path or users_file()
    if not path.exists():
        return Accounts({})
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AccountsError(f"账号文件 {path.name} 无法读取：{exc}") from exc
    settings = raw.get("settings", {})
    users = {}
    for username, entry in raw.get("users", {}).items():
        role = entry.get("role")
        if role not in ROLE_LABELS:
            raise AccountsError(f"账号 {username} 的角色“{role}”无效（{'/'.join(ROLE_LABELS)}）")
        county = entry.get("county")
        townships = tuple(entry.get("townships", ()))
        if role in ("county", "township") and not county:
            raise AccountsError(f"账号 {username}（{ROLE_LABELS[role]}）缺少 county")
        if role == "township" and not townships:
            raise AccountsError(f"账号 {username}（乡镇）缺少 townships")
        if not str(entry.get("password_hash", "")).startswith("$2"):
            raise AccountsError(f"账号 {username} 缺少 bcrypt 密码哈希 password_hash")
        users[username] = User(
            username, entry.get("name", username), role, county, townships,
            entry["password_hash"],
        )  # fmt: skip
    if not isinstance(settings, dict):
        raise AccountsError("[settings] 应为一个表")
    unknown = set(settings) - set(SETTINGS) - set(OIDC_CLAIMS)
    if unknown:
        raise AccountsError(f"[settings] 中有不认识的设置：{'、'.join(sorted(unknown))[:80]}")
    claims = {}
    for name, default in OIDC_CLAIMS.items():
        value = settings.get(name, default)
        if not isinstance(value, str) or not value.strip():
            raise AccountsError(f"[settings] {name} 无效：应为声明（claim）的名字")
        claims[name] = value.strip()
    return Accounts(
        users,
        idle_s=_setting(settings, "idle_minutes") * 60,
        meeting_hold_s=_setting(settings, "meeting_hold_minutes") * 60,
        max_failures=_setting(settings, "max_failures"),
        lockout_s=_setting(settings, "lockout_minutes") * 60,
        address_max_failures=_setting(settings, "address_max_failures"),
        account_max_failures=_setting(settings, "account_max_failures"),
        claims=claims,
    )


def auth_switched_off(environ=None) -> bool:
    environ = os.environ if environ is None else environ
    return (environ.get(ENV_AUTH) or "").strip().lower() in ("off", "0", "false", "no")


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")


# --- lockout: per account+address, per address and per account, kept across restarts ------------
class Lockout:
    """Failure counts and lockouts in data/auth/sessions.sqlite (dashboard/websession.py).

    Three keys: the account from one address (`max_failures`, the one a user who mistypes
    meets), the address for any account (`address_max_failures`: spraying), and the account
    from any address (`account_max_failures`: guessing from many machines). Each lockout of
    the same key within a day lasts twice the one before."""

    @staticmethod
    def _keys(username: str, address: str | None, accounts: Accounts) -> list[tuple]:
        keys = [
            ("pair", f"{username}|{address or 'local'}", accounts.max_failures),
            ("account", username, accounts.account_max_failures),
        ]
        if address:  # unknown (this machine, no proxy header): not one key for everybody
            keys.append(("address", address, accounts.address_max_failures))
        return keys

    def locked_for(
        self, username: str, accounts: Accounts, address: str | None = None, now=None
    ) -> float:
        """Seconds until a sign-in of this account from this address may be tried (0: now)."""
        return max(
            websession.locked_for(kind, key, now)
            for kind, key, _ in self._keys(username, address, accounts)
        )

    def failed(
        self, username: str, accounts: Accounts, address: str | None = None, now=None
    ) -> bool:
        """Count a failure; True when it locks the account, the address or both."""
        locks = [
            websession.count_failure(kind, key, limit, accounts.lockout_s, now)
            for kind, key, limit in self._keys(username, address, accounts)
        ]
        return any(locks)

    def succeeded(self, username: str, address: str | None = None) -> None:
        websession.clear_failures("pair", f"{username}|{address or 'local'}")


def check_password(
    accounts: Accounts, lockout: Lockout, username: str, password: str, address: str | None = None
) -> str:
    """'ok', 'locked', 'now_locked' or 'wrong' (unknown users are 'wrong', after a hash)."""
    if lockout.locked_for(username, accounts, address) > 0:
        return "locked"
    user = accounts.users.get(username)
    # An unknown name costs a hash too, so timing does not tell which names exist.
    stored = user.password_hash if user else "$2b$12$" + "." * 53
    try:
        ok = bcrypt.checkpw(password.encode("utf-8"), stored.encode("ascii"))
    except ValueError:
        ok = False
    if ok and user:
        lockout.succeeded(username, address)
        return "ok"
    return "now_locked" if lockout.failed(username, accounts, address) else "wrong"


def oidc_user(claims: dict, accounts: Accounts) -> User | str:
    """The user an OpenID Connect sign-in stands for, or why there is none (Chinese).

    An account of the same name in the account file (the `preferred_username`, else the
    `email`) gives role and area; otherwise the provider's claims do (names in [settings])."""
    username = str(
        claims.get("preferred_username") or claims.get("email") or claims.get("sub") or ""
    )
    if not username:
        return "统一身份认证未提供用户名。"
    name = str(claims.get("name") or username)
    if username in accounts.users:
        known = accounts.users[username]
        return User(username, known.name, known.role, known.county, known.townships)
    role = claims.get(accounts.claims["oidc_role_claim"])
    if role not in ROLE_LABELS:
        return f"统一身份认证账号 {username[:40]} 没有本系统的角色（声明 {accounts.claims['oidc_role_claim']}）。"
    county = claims.get(accounts.claims["oidc_county_claim"])
    townships = claims.get(accounts.claims["oidc_townships_claim"]) or ()
    if isinstance(townships, str):
        townships = [t for t in townships.replace(",", " ").split() if t]
    if role in ("county", "township") and not county:
        return f"统一身份认证账号 {username[:40]} 缺少县区（声明 {accounts.claims['oidc_county_claim']}）。"
    if role == "township" and not townships:
        return f"统一身份认证账号 {username[:40]} 缺少乡镇（声明 {accounts.claims['oidc_townships_claim']}）。"
    return User(username, name, role, str(county) if county else None,
                tuple(str(t) for t in townships))  # fmt: skip


def session_user(
    record: websession.Record | None, accounts: Accounts, now: float | None = None
) -> User | str:
    """The user of an open session row, or why the session is over ('expired', 'account')."""
    import json

    now = time.time() if now is None else now
    if record is None:
        return "ended"
    if now - record.last_seen > accounts.idle_s:
        return "expired"
    if record.kind == "oidc":
        user = oidc_user(json.loads(record.claims or "{}"), accounts)
        return user if isinstance(user, User) else "account"
    user = accounts.users.get(record.username)
    if user is None or websession.fingerprint(user.password_hash) != record.fingerprint:
        return "account"  # removed from the account file, or its password changed
    return user


def main(argv: list[str] | None = None) -> int:
    """`python -m dashboard.auth hash`: prompt for a password, print its bcrypt hash."""
    import getpass

    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] != ["hash"]:
        print("usage: python -m dashboard.auth hash", file=sys.stderr)
        return 2
    password = getpass.getpass("密码：")
    if password != getpass.getpass("再输入一次：") or not password:
        print("error: passwords differ or are empty", file=sys.stderr)
        return 2
    print(hash_password(password))
    return 0


if __name__ == "__main__":
    sys.exit(main())
