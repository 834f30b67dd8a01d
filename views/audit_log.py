"""审计日志 as an administrator reads it: event names in Chinese, times in the server's time
zone, nothing written for a missing value, one page of rows at a time.

The trail itself (dashboard/audit.py) keeps English event names and ISO times with their
offset: they are what a script or an auditor's tool reads. This module only renders them.

    DASHBOARD_TIMEZONE = Asia/Shanghai   the zone times are shown in (an IANA name)
"""

from __future__ import annotations

import math
import os
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

ENV_TIMEZONE = "DASHBOARD_TIMEZONE"
DEFAULT_TIMEZONE = "Asia/Shanghai"
PAGE_ROWS = 100

EVENTS = {
    "sign_in": "登录",
    "sign_in_failed": "登录失败",
    "sign_in_locked": "锁定期间尝试登录",
    "locked": "账号或地址被锁定",
    "sign_out": "退出登录",
    "expired": "超时自动退出",
    "session_ended": "会话结束",
    "page_view": "查看页面",
    "drill": "查看明细",
    "export": "导出/下载",
    "export_refused": "下载被拒绝",
}
# Why a session ended or a download was refused (websession / auth reasons).
REASONS = {
    "expired": "长时间未操作",
    "account": "账号已删除、停用或密码已变更",
    "ended": "会话已结束",
    "account_file": "账号文件无效",
    "audit_failed": "审计日志无法写入",
    "sign_out": "已退出登录",
}
METHODS = {"password": "账号密码", "oidc": "统一身份认证"}
COLUMNS = {
    "time": "时间", "event": "事件", "user": "用户", "address": "来源地址",
    "session": "会话", "page": "页面", "scope": "范围", "period": "期间", "what": "内容",
    "village": "村", "team": "团队", "area": "地区", "reason": "原因", "method": "方式",
    "os_user": "系统账号",
}  # fmt: skip


def timezone(environ=None) -> ZoneInfo:
    """DASHBOARD_TIMEZONE, checked (ValueError with a Chinese message for an unknown zone)."""
    environ = os.environ if environ is None else environ
    name = (environ.get(ENV_TIMEZONE) or "").strip() or DEFAULT_TIMEZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"{ENV_TIMEZONE}={name[:40]!r} 无效：应为时区名称，如 {DEFAULT_TIMEZONE}"
        ) from exc


def local_time(value, zone: ZoneInfo) -> str:
    """An ISO time with offset as 2026-12-07 06:40:12 in `zone`; one without an offset is taken
    as written by this server's clock (shown as it is); anything else as its text."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(zone)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def table(rows: list[dict], zone: ZoneInfo) -> pd.DataFrame:
    """The trail's rows (newest first) as the page shows them: Chinese columns and words,
    local times, "" for a missing value. Unknown events keep their name."""
    frame = pd.DataFrame(rows)
    columns = [c for c in COLUMNS if c in frame]
    out = pd.DataFrame(index=frame.index)
    for column in columns:
        values = frame[column]
        if column == "time":
            out[COLUMNS[column]] = [local_time(v, zone) for v in values]
            continue
        words = {"event": EVENTS, "reason": REASONS, "method": METHODS}.get(column, {})
        out[COLUMNS[column]] = [words.get(_text(v), _text(v)) for v in values]
    return out


def pages(total: int, size: int = PAGE_ROWS) -> int:
    """How many pages `total` rows fill (at least one)."""
    return max(1, math.ceil(total / size))


def page(frame: pd.DataFrame, number: int, size: int = PAGE_ROWS) -> pd.DataFrame:
    """Page `number` (1-based, clamped into range) of `frame`."""
    number = min(max(1, int(number)), pages(len(frame), size))
    return frame.iloc[(number - 1) * size : number * size]
