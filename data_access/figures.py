"""How one figure is formed from its sums: the contract's Σ numerator / Σ denominator rule."""

from __future__ import annotations

import math

PERCENT_UNIT = "%"


def ratio(numerator, denominator, unit: str | None = None) -> float | None:
    """Σnum / Σden (× 100 for `%`); None when either is missing or the denominator is 0."""
    if numerator is None or denominator is None:
        return None
    numerator, denominator = float(numerator), float(denominator)
    if math.isnan(numerator) or math.isnan(denominator) or denominator == 0:
        return None
    value = numerator / denominator
    return value * 100 if unit == PERCENT_UNIT else value


def share(part, whole) -> float | None:
    """part / whole as a fraction 0..1; None when whole is 0 or missing."""
    return ratio(part, whole)
