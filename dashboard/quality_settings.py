"""The 数据质量 thresholds as the administrator set them (views.quality_flags.Thresholds).

Like the other policy settings (每积分金额, the small-cell floor) they come from the
deployment's configuration, never from a page: an environment variable per threshold,
`DASHBOARD_QUALITY_<NAME>` (e.g. DASHBOARD_QUALITY_SPIKE_RATIO=2.5), else the `[quality]`
section of .streamlit/secrets.toml (`spike_ratio = 2.5`). A value that is not a positive
number keeps the default, and the 数据质量 page names it for administrators.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import fields

from views.quality_flags import DEFAULT_THRESHOLDS, Thresholds

ENV_PREFIX = "DASHBOARD_QUALITY_"
SECRETS_SECTION = "quality"
SOURCE_HINT = f"环境变量 {ENV_PREFIX}<名称> 或 secrets.toml 的 [{SECRETS_SECTION}]"


def _secrets() -> Mapping:
    try:
        import streamlit as st

        return dict(st.secrets.get(SECRETS_SECTION, {}))
    except Exception:  # no secrets.toml: the normal case
        return {}


def read(
    environ: Mapping[str, str] | None = None, secrets: Mapping | None = None
) -> tuple[Thresholds, list[str]]:
    """(thresholds, problems): env first, then secrets; each unusable value is one problem
    (in Chinese, naming the setting) and keeps its default."""
    environ = os.environ if environ is None else environ
    secrets = _secrets() if secrets is None else secrets
    known = [f.name for f in fields(Thresholds)]
    changes, problems = {}, []
    for name in secrets:
        if name not in known:
            problems.append(f"[{SECRETS_SECTION}] {name}：没有这个阈值")
    for name in known:
        raw = environ.get(ENV_PREFIX + name.upper())
        where = f"{ENV_PREFIX}{name.upper()}"
        if raw is None or not str(raw).strip():
            raw, where = secrets.get(name), f"[{SECRETS_SECTION}] {name}"
        if raw is None:
            continue
        try:
            value = float(raw)
        except (TypeError, ValueError):
            problems.append(f"{where}：不是数字")
            continue
        if not math.isfinite(value) or value <= 0:
            problems.append(f"{where}：应为正数")
            continue
        default = getattr(DEFAULT_THRESHOLDS, name)
        changes[name] = int(round(value)) if isinstance(default, int) else value
    return DEFAULT_THRESHOLDS.replace(**changes), problems


def thresholds() -> Thresholds:
    """The configured thresholds (problems are shown by the page, not here)."""
    return read()[0]
