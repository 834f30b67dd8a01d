"""网格地图 as a user with a small-cell floor sees it (views.masking): village patient counts
and rates, and the export's JSON of the map. The villages are shown with totals beside them
(the scope's, each township's, each class's), so a small count hides others with it.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from views import masking
from views.grid_map import CLASS_COUNTS, CLASS_SHARES, MapView, class_comparison

# The villages' patient counts shown with totals beside them: the scope's (在管, 合计), each
# township's (各乡镇) and each class's (一类/二类 comparison).
VILLAGE_GROUPS = ((), ("township_code",), ("village_class",))
# Village rates over people (numerator, denominator, rate): not shown over a few people.
VILLAGE_RATES = (("sign_num", "sign_den", "sign_rate"),)


def village_status(view: MapView, below: int) -> pd.DataFrame:
    """Per village (aligned with view.villages) and count column of CLASS_COUNTS: "" / small /
    protect for a user with floor `below`; and per rate column whether it is hidden."""
    villages = view.villages
    status = pd.DataFrame(index=villages.index)
    for column in CLASS_COUNTS:
        status[column] = masking.suppress(
            villages, below, column, VILLAGE_GROUPS, key="village_code"
        )[0]
    for _numerator, denominator, rate in VILLAGE_RATES:
        status[rate] = [
            masking.SMALL if masking.hidden_rate(d, below) else "" for d in villages[denominator]
        ]
    return status


def hidden_villages(view: MapView, below: int, counts: tuple[str, ...]) -> list[str]:
    """Per village: why the value formed from `counts` is not shown ("" when it is)."""
    if not below or view.villages.empty or not counts:
        return [""] * len(view.villages)
    status = village_status(view, below)[list(counts)]
    out = []
    for row in status.itertuples(index=False):
        if masking.SMALL in row:
            out.append(masking.hidden_words(below))
        elif masking.PROTECT in row:
            out.append(masking.protected_words())
        else:
            out.append("")
    return out


def seen(view: MapView, below: int) -> MapView:
    """The view as a user with floor `below` sees it (the export's JSON): the class
    comparison as class_comparison shows it, village counts and rates masked as the map's
    fills, tooltips and panel mask them."""
    if not below:
        return view
    c = class_comparison(view, below)
    villages = view.villages
    if not villages.empty:
        status = village_status(view, below)
        villages = masking.apply(villages, status, below, CLASS_COUNTS, CLASS_SHARES)
        for numerator, denominator, rate in VILLAGE_RATES:
            hidden = status[rate] != ""
            for column in (numerator, denominator, rate):
                villages[column] = villages[column].astype(object).where(~hidden, None)
    mismatches = view.mismatches
    if not mismatches.empty and not view.villages.empty:
        by_code = village_status(view, below).set_index(view.villages["village_code"])
        status = by_code.reindex(mismatches["village_code"]).fillna("")
        status.index = mismatches.index
        mismatches = masking.apply(mismatches, status, below, CLASS_COUNTS, CLASS_SHARES)
    return replace(
        view,
        villages=villages,
        mismatches=mismatches,
        classes=c.classes,
        previous_classes=c.previous,
        class_changes=c.changes,
    )
