"""Target attainment as every screen shows it: one rule for the band and the value's digits.

The band (达标 / 接近目标 / 未达标) is decided on the value itself, as the composite score
counts it (DATA_CONTRACT.md); the value is then shown with the fewest decimals (from 1) that
keep it on its side of every band threshold, so the number a reader sees always agrees with
its band: 65.96 against a target of 66 reads "65.96% ◐ 接近目标", never "66.0% ◐ 接近目标".
KPI tiles, the 总览 cards and alert, the meeting's slides, the brief and the league tables
all take value, band and target text from here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from data_access.indicators import attainment
from views import labels

# Decimals tried at most before the value is cut (not rounded) to its side of a threshold.
MOST_DECIMALS = 4


def thresholds(target, higher_is_better: bool) -> tuple[float, ...]:
    """The indicator values at which attainment crosses 接近目标 and 达标, in its unit."""
    if target is None or pd.isna(target) or target <= 0:
        return ()
    # Rounded: 66 × 0.9 is 59.400000000000006 in floating point, and 59.4 is on the line.
    if higher_is_better:
        return (round(target * labels.ATTAINMENT_CLOSE, 9), target)
    return (target, round(target / labels.ATTAINMENT_CLOSE, 9))


def band(value, target, higher_is_better: bool) -> str:
    """met / close / missed / none for a value against its target (labels.attainment_band)."""
    return labels.attainment_band(attainment(value, target, higher_is_better))


def _side(value: float, limit: float) -> int:
    """-1 below, 0 on, 1 above (plain floats: numpy booleans do not subtract)."""
    value, limit = float(value), float(limit)
    return (value > limit) - (value < limit)


def decisive_digits(value: float, limits: Iterable[float], most: int = MOST_DECIMALS) -> float:
    """`value` at the fewest decimals (from 1) that keep it on its side of each limit — below,
    on or above, which serves higher- and lower-is-better alike (10.04 against ≤10 reads
    10.04, not 10.0); past `most` decimals it is cut toward its side, never across."""
    limits = tuple(float(t) for t in limits)
    for decimals in range(1, most + 1):
        shown = round(float(value), decimals)
        if all(_side(shown, t) == _side(value, t) for t in limits):
            return shown
    scale = 10**most
    crossed = [t for t in limits if _side(round(float(value), most), t) != _side(value, t)]
    below = any(value < t for t in crossed)
    return (math.floor if below else math.ceil)(value * scale) / scale


def decisive_text(value, unit: str | None, limits: Iterable[float], most: int = MOST_DECIMALS):
    """The value as text at the digit that decides its band: 65.97 against a target of 66
    reads 65.97%, not 66.0% (which would read as 达标); 66.0 reads 66.0%, 66.4 reads 66.4%."""
    if value is None or pd.isna(value):
        return labels.NO_VALUE
    limits = tuple(limits)
    shown = decisive_digits(float(value), limits, most)
    decimals = next((d for d in range(1, most) if round(shown, d) == shown), most)
    return labels.indicator_value(shown, unit, decimals)


def value_text(value, unit: str | None, target, higher_is_better: bool) -> str:
    """An indicator's value as shown beside its band and target (— without a value)."""
    return decisive_text(value, unit, thresholds(target, higher_is_better))


def target_text(target, unit: str | None) -> str:
    """A target with the decimals it has (66 → 66%, 65.5 → 65.5%), never rounded to 66%."""
    if target is None or pd.isna(target):
        return labels.NO_VALUE
    digits = next((d for d in range(MOST_DECIMALS + 1) if round(target, d) == target), 2)
    return labels.indicator_value(target, unit, digits)
