"""The brief files itself: `python -m dashboard.export schedule [--once]`.

The schedule is set in one place, the `[schedule]` section of .streamlit/secrets.toml (the
file the app already reads; the folder from DASHBOARD_ARCHIVE_DIR wins over `folder`):

    [schedule]
    day = "周一"          # 周一…周日, or 1–7 (1 = Monday), or monday…sunday
    time = "07:00"        # local time of the server
    period = "季度"       # 季度 (the newest complete quarter) or 月 (the newest month)
    formats = ["pptx", "pdf", "xlsx"]
    townships = false     # true: also each township's own brief (what its head may open)
    folder = "/srv/yfrh/briefs"   # default: data/archive in the program folder

`--once` files one round now (cron / a systemd timer calls it at the scheduled time); without
it the command stays up and files a round at every scheduled time (a systemd service). Each
round is idempotent and takes the archive's file lock (dashboard.brief.archive). No thread in
the Streamlit server: with several server processes each would run the round, and a rerun or
a restart would kill it halfway; a timer outside the server has none of these problems.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path

from dashboard import audit, cli
from dashboard.brief import archive
from data_access.engine import (
    DEMO_DB_PATH,
    REPO_ROOT,
    configured_url,
    create_readonly_engine,
    demo_url,
)
from data_access.periods import Period

SECTION = "schedule"
ENV_FOLDER = "DASHBOARD_ARCHIVE_DIR"
DEFAULT_FOLDER = REPO_ROOT / "data" / "archive"
DAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
DAYS_EN = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
KINDS = {"季度": "quarter", "quarter": "quarter", "月": "month", "month": "month"}


@dataclass(frozen=True)
class Schedule:
    weekday: int = 0  # 0 = Monday
    at: clock = clock(7, 0)
    period_kind: str = "quarter"
    formats: tuple[str, ...] = archive.KIND_ORDER
    townships: bool = False
    folder: Path = DEFAULT_FOLDER

    @property
    def words(self) -> str:
        kind = "最近一个完整季度" if self.period_kind == "quarter" else "最近一个月"
        formats = "、".join({"pptx": "PPT", "pdf": "PDF", "xlsx": "Excel"}[f] for f in self.formats)
        return f"每{DAYS[self.weekday]} {self.at:%H:%M} 自动生成{kind}各县区的周报（{formats}）"

    def next_run(self, now: datetime) -> datetime:
        """The first scheduled moment after `now` (local time)."""
        day = now.date() + timedelta(days=(self.weekday - now.weekday()) % 7)
        moment = datetime.combine(day, self.at, tzinfo=now.tzinfo)
        return moment if moment > now else moment + timedelta(days=7)


def _secrets() -> Mapping:
    try:
        import streamlit as st

        return dict(st.secrets.get(SECTION, {}))
    except Exception:  # no secrets.toml: the defaults
        return {}


def _day(raw) -> int:
    text = str(raw).strip().lower()
    if text in DAYS or text.replace("星期", "周") in DAYS:
        return DAYS.index(text.replace("星期", "周"))
    if text in DAYS_EN:
        return DAYS_EN.index(text)
    if text.isdigit() and 1 <= int(text) <= 7:
        return int(text) - 1
    raise ValueError


def read(secrets: Mapping | None = None, environ: Mapping | None = None):
    """(Schedule, problems): the `[schedule]` settings; an unusable one keeps its default and
    is one Chinese problem line."""
    secrets = _secrets() if secrets is None else secrets
    environ = os.environ if environ is None else environ
    values, problems = {}, []
    readers = {
        "day": ("weekday", _day, "应为 周一…周日 或 1–7"),
        "time": ("at", lambda r: clock.fromisoformat(str(r).strip()), "应为 HH:MM，如 07:00"),
        "period": ("period_kind", lambda r: KINDS[str(r).strip()], "应为 季度 或 月"),
        "formats": ("formats", _formats, "应为 pptx、pdf、xlsx 中的一个或几个"),
        "townships": ("townships", _flag, "应为 true 或 false"),
        "folder": ("folder", lambda r: Path(str(r)).expanduser(), "应为目录路径"),
    }
    for name in secrets:
        if name not in readers:
            problems.append(f"[{SECTION}] {name}：没有这个设置")
    for name, (attr, parse, hint) in readers.items():
        if name not in secrets:
            continue
        try:
            values[attr] = parse(secrets[name])
        except (ValueError, KeyError, TypeError):
            problems.append(f"[{SECTION}] {name}：{hint}，已使用默认值")
    if (environ.get(ENV_FOLDER) or "").strip():
        values["folder"] = Path(environ[ENV_FOLDER].strip()).expanduser()
    return Schedule(**values), problems


def _formats(raw) -> tuple[str, ...]:
    items = [raw] if isinstance(raw, str) else list(raw)
    kinds = tuple(k for k in archive.KIND_ORDER if k in {str(i).strip().lower() for i in items})
    if not kinds or len(kinds) != len(set(items)):
        raise ValueError
    return kinds


def _flag(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    raise ValueError


def _parser() -> cli.Parser:
    parser = cli.Parser(
        prog="python -m dashboard.export schedule",
        description="周报自动存档：按 .streamlit/secrets.toml 的 [schedule] 设置，为每个县区生成周报"
        "（PPT、PDF、Excel）存入存档目录；已存档的同期周报不重复生成。",
    )
    parser.add_argument(
        "--once", action="store_true", help="立即生成一轮后退出（供 cron / systemd 定时器调用）"
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="数据库 URL（默认：DASHBOARD_DB_URL 或 secrets.toml 的 [database] url）",
    )
    parser.add_argument(
        "--folder",
        type=Path,
        metavar="DIR",
        help="存档目录（默认：设置中的 folder，或 data/archive）",
    )
    parser.add_argument(
        "--period", metavar="P", help="生成指定期间（如 2026-Q3），而不是最新的完整期间"
    )
    parser.add_argument("--replace", action="store_true", help="重新生成已存档的文件（数据更正后）")
    parser.add_argument("--show", action="store_true", help="只显示设置和下次运行时间，不生成")
    return parser  # fmt: skip


def _database_url(given: str | None) -> str:
    if given:
        return given
    try:
        import streamlit as st

        secrets_url = st.secrets.get("database", {}).get("url")
    except Exception:  # no secrets.toml
        secrets_url = None
    url = configured_url(secrets_url=secrets_url)
    if url:
        return url
    if DEMO_DB_PATH.exists():
        return demo_url()
    raise cli.CliError("没有配置数据库：请用 --db URL，或设置 DASHBOARD_DB_URL")


def run_round(url: str, settings: Schedule, period_text: str | None, replace: bool):
    """One round: every county's brief of the period into the archive (RoundReport)."""
    from data_access import meta

    engine = create_readonly_engine(url)
    months = meta.data_months(engine)
    period = Period.parse(period_text) if period_text else None
    period = period or archive.latest_period(months, settings.period_kind)
    if period is None:
        raise cli.CliError("数据库中还没有任何月份的数据，无法生成周报")
    return archive.file_round(
        engine, settings.folder, period, months, settings.formats, settings.townships, replace
    )


def _say(report: archive.RoundReport, folder: Path) -> None:
    label = report.period.label if report.period else "无期间"
    print(f"{label}：新存档 {len(report.written)} 个文件，已存在 {len(report.kept)} 个（{folder}）")
    for name in report.written:
        print(f"  + {name}")
    for problem in report.problems:
        print(f"注意：{problem}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    settings, problems = read()
    for problem in problems:
        print(f"注意：{problem}", file=sys.stderr)
    if args.folder is not None:
        settings = Schedule(**{**settings.__dict__, "folder": args.folder})
    if args.show:
        now = datetime.now().astimezone()
        print(f"{settings.words}；存档目录 {settings.folder}")
        print(f"下次运行：{settings.next_run(now):%Y-%m-%d %H:%M}")
        return 0
    try:
        url = _database_url(args.db)
    except Exception as exc:
        return cli.fail(*cli.failure(exc))
    audit.set_actor(f"schedule:{cli.os_user()}", os_user=cli.os_user(), pid=os.getpid())
    if args.once:
        try:
            _say(run_round(url, settings, args.period, args.replace), settings.folder)
        except Exception as exc:  # one Chinese line, never a traceback
            return cli.fail(*cli.failure(exc, url, settings.folder))
        return 0
    print(f"{settings.words}；存档目录 {settings.folder}")
    try:
        while True:  # a service: sleep until the scheduled time; a failed round waits a week
            now = datetime.now().astimezone()
            time.sleep(max(0.0, (settings.next_run(now) - now).total_seconds()))
            try:
                _say(run_round(url, settings, args.period, args.replace), settings.folder)
            except Exception as exc:
                cli.fail(*cli.failure(exc, url, settings.folder))
    except KeyboardInterrupt:
        return 0
