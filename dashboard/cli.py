"""What the command lines (python -m dashboard.export, … schedule) share: argparse in Chinese,
areas given by name or code, and every failure as one Chinese line.

    Parser(prog=…, description=…)    help, usage and argument errors in Chinese
    area_scope(engine, county, townships)   --county 双塘区 / 990101, --township 东镇 / 990101001
    failure(exc, url, output) → (exit code, Chinese line)
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

import sqlalchemy as sa

from dashboard import audit, auth, safe
from dashboard.brief.fonts import FontMissing
from data_access import villages
from data_access.engine import ConfigurationError, describe_url
from data_access.names import clean, short
from data_access.relations import Db
from data_access.scope import Scope, UnknownArea, resolve_scope

ECHO_MAX = 40  # characters of the user's own input shown back in a message

# argparse's English messages (Python 3.11–3.13) → Chinese; `{0}` … are the captured parts.
_ARGPARSE_WORDS = (
    (r"the following arguments are required: (.+)", "缺少必需的参数：{0}"),
    (
        r"argument (\S+): invalid choice: (.+?) \(choose from (.+)\)",
        "参数 {0} 的取值 {1} 无效（可选：{2}）",
    ),
    (r"argument (\S+): expected one argument", "参数 {0} 后面需要一个值"),
    (r"argument (\S+): not allowed with argument (\S+)", "参数 {0} 不能与 {1} 同时使用"),
    (r"argument (\S+): invalid (\S+) value: (.+)", "参数 {0} 的取值 {2} 无效"),
    (r"unrecognized arguments: (.+)", "无法识别的参数：{0}"),
    (r"ambiguous option: (\S+) could match (.+)", "选项 {0} 不明确，可能是：{1}"),
)


class CliError(ValueError):
    """Bad input the user can fix: the message is already the Chinese line to show."""


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix="用法：")


class Parser(argparse.ArgumentParser):
    """argparse with Chinese help (用法, 选项) and Chinese one-line errors (exit code 2)."""

    def __init__(self, **kwargs):
        super().__init__(formatter_class=_Formatter, add_help=False, **kwargs)
        self._optionals.title = "选项"
        self._positionals.title = "参数"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str):
        print(f"错误：{argparse_words(message)}（用 --help 查看用法）", file=sys.stderr)
        sys.exit(2)


def argparse_words(message: str) -> str:
    """An argparse error message in Chinese (as it is when it is not one argparse writes)."""
    for pattern, words in _ARGPARSE_WORDS:
        found = re.fullmatch(pattern, message.strip())
        if found:
            return words.format(*found.groups())
    return message


def echo(text: str) -> str:
    """User input shown back: control characters visible, cut to ECHO_MAX characters."""
    return short(clean(str(text)) or "", ECHO_MAX)


def _pick(text: str, rows: list[tuple[str, str, str]], what: str, hint: str) -> str:
    """The code of `text` among (code, name, where) rows: the code itself, else the one row
    of that name; CliError naming the candidates when several share it, or none has it."""
    text = text.strip()
    for code, _name, _where in rows:
        if code == text:
            return code
    named = [r for r in rows if r[1] is not None and r[1].strip() == text]
    if len(named) == 1:
        return named[0][0]
    if not named:
        raise CliError(f"没有名称或代码为“{echo(text)}”的{what}")
    listed = "、".join(f"{name}（{code}{where}）" for code, name, where in named)
    raise CliError(f"“{echo(text)}”对应 {len(named)} 个{what}：{listed}。请改用代码{hint}。")


def area_scope(engine: Db, county: str | None, townships: list[str]) -> Scope:
    """The scope of --county and --township, each a name (as the pages show it) or a code."""
    county_code = None
    if county and county.strip():
        rows = villages.counties(engine)
        county_code = _pick(
            county,
            [(c, n, "") for c, n in zip(rows["county_code"], rows["name"], strict=True)],
            "县区",
            "",
        )
    codes = []
    if townships:
        towns = villages.townships(engine, county_code)
        all_counties = villages.counties(engine)
        county_names = dict(zip(all_counties["county_code"], all_counties["name"], strict=True))
        rows = [
            (t, n, "" if county_code else f"，{county_names.get(c, c)}")
            for t, n, c in zip(
                towns["township_code"], towns["name"], towns["county_code"], strict=True
            )
        ]
        hint = "" if county_code else "，或用 --county 指定县区"
        for text in townships:
            try:
                codes.append(_pick(text, rows, "乡镇", hint))
            except CliError:
                if county_code is None or not text.strip().isdigit():
                    raise
                codes.append(text.strip())  # a code of another county: resolve_scope says so
    return resolve_scope(engine, county_code, codes)


def _area_words(exc: UnknownArea) -> str:
    level = {"county": "县区", "township": "乡镇"}.get(exc.level, exc.level)
    if "several counties" in str(exc):
        return f"乡镇 {echo(exc.code)} 分属不同县区，一次只能导出一个县区"
    if " in county " in str(exc):
        return f"乡镇 {echo(exc.code)} 不属于所选县区"
    return f"没有代码为“{echo(exc.code)}”的{level}"


def failure(exc: BaseException, url: str | None = None, output: Path | None = None):
    """(exit code, one Chinese line) for what went wrong; never a traceback."""
    where = f"数据库 {describe_url(url)}" if url else "数据库"
    if isinstance(exc, CliError):
        return 2, str(exc)
    if isinstance(exc, UnknownArea):
        return 2, _area_words(exc)
    if isinstance(exc, FontMissing):
        return 2, safe.exception_reason(exc)
    if isinstance(exc, auth.AccountsError | ConfigurationError):
        return 2, safe.exception_reason(exc)
    if isinstance(exc, ValueError) and "not a period" in str(exc):
        text = str(exc).split(": ", 1)[-1].strip("'\"")
        return 2, f"期间“{echo(text)}”格式不对，应为 2026-03、2026-Q1 或 2026"
    if isinstance(exc, ImportError | sa.exc.ArgumentError):  # a driver that is not installed
        return 2, f"{where} 无法使用：{safe.exception_reason(exc)}"
    if isinstance(exc, sa.exc.SQLAlchemyError):
        return 3, f"{where} 无法连接或读取：{safe.exception_reason(exc)}"
    if isinstance(exc, audit.AuditError):  # nothing is written that the trail does not hold
        return 5, f"{exc}——审计日志无法写入，导出已拒绝"
    if isinstance(exc, OSError):
        name = output.name if output else "输出"
        return 4, f"无法写入 {name}：{exc.strerror or safe.exception_reason(exc)}"
    if isinstance(exc, ValueError):
        return 2, safe.exception_reason(exc)
    return 1, f"{type(exc).__name__}: {safe.exception_reason(exc)}"


def schema_words(report) -> str:
    """What the database lacks of the data contract, in Chinese (table and column names)."""
    parts = []
    if report.missing_tables:
        parts.append("缺少表 " + "、".join(report.missing_tables))
    if report.missing_columns:
        parts.append("缺少列 " + "、".join(f"{t}.{c}" for t, c in report.missing_columns))
    return "数据库不符合数据约定：" + "；".join(parts)


def fail(code: int, message: str) -> int:
    print(f"错误：{message}", file=sys.stderr)
    return code


def os_user() -> str:
    """Who ran the CLI, for the audit trail (the server account when there is no --user)."""
    import pwd

    try:  # the real uid's account: unlike getpass.getuser(), not taken from $USER/$LOGNAME
        return pwd.getpwuid(os.getuid()).pw_name
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"
