"""Estimated performance funds (绩效经费估算): points × a per-point amount the county configures.

The amount is policy, not data, so it comes from the deployment's configuration:
environment variable DASHBOARD_YUAN_PER_POINT, else `[performance] yuan_per_point` in
.streamlit/secrets.toml. Without either, the dashboard shows points only.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping

import streamlit as st

ENV_YUAN_PER_POINT = "DASHBOARD_YUAN_PER_POINT"
SECRETS_SECTION = "performance"
SECRETS_KEY = "yuan_per_point"
SOURCE_HINT = f"环境变量 {ENV_YUAN_PER_POINT} 或 secrets.toml 的 [{SECRETS_SECTION}] {SECRETS_KEY}"


def parse_yuan_per_point(value) -> float | None:
    """A configured amount as yuan per point; None when unset; ValueError when unusable."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"not a number: {value!r}") from None
    if not math.isfinite(amount) or amount <= 0:
        raise ValueError(f"must be a positive number: {value!r}")
    return amount


def _secrets_value():
    try:
        return st.secrets.get(SECRETS_SECTION, {}).get(SECRETS_KEY)
    except Exception:  # no secrets.toml: the normal case
        return None


def yuan_per_point(environ: Mapping[str, str] | None = None, secrets_value=None) -> float | None:
    """The configured yuan per point (env first, then secrets), or None; ValueError if invalid."""
    environ = os.environ if environ is None else environ
    text = environ.get(ENV_YUAN_PER_POINT)
    if text is not None and text.strip():
        return parse_yuan_per_point(text)
    return parse_yuan_per_point(_secrets_value() if secrets_value is None else secrets_value)
