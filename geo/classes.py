"""Class breaks for thematic fills: round-number quantile breaks, class per value, legend text."""

from __future__ import annotations

import math

import numpy as np

# Five classes: as many as a reader tells apart on a washed-out projector.
DEFAULT_CLASSES = 5


def _nice(value: float, digits: int = 2) -> float:
    """Round to `digits` significant digits (5 → 5, 123.4 → 120, 0.0345 → 0.035)."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - int(math.floor(math.log10(abs(value)))))


def _finite(values) -> np.ndarray:
    arr = np.asarray([np.nan if v is None else v for v in values], dtype=float)
    return arr[np.isfinite(arr)]


def nice_breaks(values, classes: int = DEFAULT_CLASSES) -> list[float]:
    """Inner class breaks: quantiles of the values rounded to two significant digits, so each
    class holds about as many villages and the legend reads in round numbers. Fewer breaks
    come back when values repeat; none when there are no values."""
    arr = _finite(values)
    if arr.size == 0:
        return []
    qs = np.quantile(arr, np.linspace(0, 1, classes + 1)[1:-1])
    breaks = sorted({_nice(float(q)) for q in qs})
    return [b for b in breaks if arr.min() < b <= arr.max()]


def classify(values, breaks: list[float]) -> np.ndarray:
    """Class index per value (0 … len(breaks)); -1 for a missing value."""
    arr = np.asarray([np.nan if v is None else v for v in values], dtype=float)
    idx = np.searchsorted(np.asarray(breaks, dtype=float), arr, side="right")
    return np.where(np.isnan(arr), -1, idx)


def spread(palette: tuple[str, ...], count: int) -> list[str]:
    """`count` colours spread evenly over a sequential palette (light → dark)."""
    if count >= len(palette):
        return list(palette[:count])
    picks = np.linspace(0, len(palette) - 1, count).round().astype(int)
    return [palette[i] for i in picks]


def range_labels(breaks: list[float], fmt) -> list[str]:
    """Legend text per class: "< a", "a – b", …, "≥ z"; one class without breaks: "全部"."""
    if not breaks:
        return ["全部"]
    labels = [f"< {fmt(breaks[0])}"]
    labels += [f"{fmt(a)} – {fmt(b)}" for a, b in zip(breaks, breaks[1:], strict=False)]
    labels.append(f"≥ {fmt(breaks[-1])}")
    return labels
