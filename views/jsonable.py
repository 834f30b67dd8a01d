"""A view model as JSON-ready data: what `python -m dashboard.export --view NAME` writes.

Dataclasses become objects with their fields and their argument-free properties (the
figures a renderer derives, e.g. a total or a share), DataFrames become lists of records,
numpy scalars become Python numbers and NaN becomes null. An object with a `__json__()`
method (a slide: views.meeting.deck.Slide) is written as what that method returns.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pandas as pd

from data_access.periods import Period


def _properties(cls) -> list[str]:
    return [
        name
        for klass in reversed(cls.__mro__)
        for name, value in vars(klass).items()
        if isinstance(value, property) and not name.startswith("_")
    ]


def jsonable(value: Any) -> Any:
    """`value` with every part JSON-serialisable (see the module docstring)."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, Period):
        return {"key": value.key, "label": value.label, "months": list(value.months)}
    if isinstance(value, pd.DataFrame):
        return [{str(k): jsonable(v) for k, v in row.items()} for row in value.to_dict("records")]
    if isinstance(value, pd.Series):
        return [jsonable(v) for v in value.tolist()]
    if callable(getattr(value, "__json__", None)) and not isinstance(value, type):
        return jsonable(value.__json__())  # a model with its own export shape (a slide)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for name in _properties(type(value)):
            if name not in out:
                out[name] = jsonable(getattr(value, name))
        return out
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, type):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value
