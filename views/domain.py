"""The data layer's types and fixed values that pages need, handed on by the view models'
layer: pages read view models and import nothing of data_access (tests/test_layers.py)."""

from data_access.chronic import COLORS, DISEASES, EXPECTED_LEVEL, MIN_PATIENTS_FOR_RED_SHARE
from data_access.periods import Period, month_label
from data_access.scope import Scope

__all__ = [
    "COLORS",
    "DISEASES",
    "EXPECTED_LEVEL",
    "MIN_PATIENTS_FOR_RED_SHARE",
    "Period",
    "Scope",
    "month_label",
]
