"""Sign-in, roles by area, idle expiry and lockout.

Accounts live in a TOML file the administrator edits (default `.streamlit/users.toml`, or
env DASHBOARD_USERS_FILE); passwords are bcrypt hashes made with
`python -m dashboard.auth hash`. The embedded demo needs no sign-in; a real database with no
accounts refuses to start unless DASHBOARD_AUTH=off (then every page says sign-in is off).

    [settings]                     # optional; defaults below
    idle_minutes = 30
    max_failures = 5
    lockout_minutes = 15

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
import threading
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import bcrypt

from data_access.engine import REPO_ROOT
from data_access.scope import Scope

ENV_AUTH = "DASHBOARD_AUTH"
ENV_USERS = "DASHBOARD_USERS_FILE"
DEFAULT_USERS_FILE = REPO_ROOT / ".streamlit" / "users.toml"

ROLE_LABELS = {"admin": "管理员", "leader": "局领导", "county": "县区", "township": "乡镇"}
# Defaults: half an hour idle ends a session on a shared office PC; five wrong passwords lock
# the account for a quarter of an hour (slows guessing, does not lock out a user for a day).
IDLE_MINUTES = 30
MAX_FAILURES = 5
LOCKOUT_MINUTES = 15


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
    max_failures: int = MAX_FAILURES
    lockout_s: float = LOCKOUT_MINUTES * 60


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
    return Accounts(
        users,
        idle_s=float(settings.get("idle_minutes", IDLE_MINUTES)) * 60,
        max_failures=int(settings.get("max_failures", MAX_FAILURES)),
        lockout_s=float(settings.get("lockout_minutes", LOCKOUT_MINUTES)) * 60,
    )


def auth_switched_off(environ=None) -> bool:
    environ = os.environ if environ is None else environ
    return (environ.get(ENV_AUTH) or "").strip().lower() in ("off", "0", "false", "no")


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")


# --- lockout: failures per account, shared by every session of the server process ----------
class Lockout:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: dict[str, list[float]] = {}
        self._until: dict[str, float] = {}

    def locked_for(self, username: str, now: float | None = None) -> float:
        """Seconds the account stays locked (0 when it is not)."""
        now = time.time() if now is None else now
        return max(0.0, self._until.get(username, 0.0) - now)

    def failed(self, username: str, accounts: Accounts, now: float | None = None) -> bool:
        """Count a failure; True when it locks the account."""
        now = time.time() if now is None else now
        with self._lock:
            recent = [t for t in self._failures.get(username, []) if now - t < accounts.lockout_s]
            recent.append(now)
            self._failures[username] = recent
            if len(recent) >= accounts.max_failures:
                self._until[username] = now + accounts.lockout_s
                self._failures[username] = []
                return True
            return False

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(username, None)


def check_password(accounts: Accounts, lockout: Lockout, username: str, password: str) -> str:
    """'ok', 'locked', 'now_locked' or 'wrong' (unknown users are 'wrong', after a hash)."""
    if lockout.locked_for(username) > 0:
        return "locked"
    user = accounts.users.get(username)
    # An unknown name costs a hash too, so timing does not tell which names exist.
    stored = user.password_hash if user else "$2b$12$" + "." * 53
    try:
        ok = bcrypt.checkpw(password.encode("utf-8"), stored.encode("ascii"))
    except ValueError:
        ok = False
    if ok and user:
        lockout.succeeded(username)
        return "ok"
    return "now_locked" if lockout.failed(username, accounts) else "wrong"


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
