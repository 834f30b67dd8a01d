"""Beside the grid map: the 一类/二类 comparison table and its change, the tilt sentence and
the list of villages whose classification factors disagree with their class; all from the
view model (views.grid_map)."""

from __future__ import annotations

import pandas as pd

from views import grid_map, labels
from views.common import month_end_words

PER_1000 = grid_map.PER_1000  # the per-1,000 unit of the period, as on the map's layer

# (column, row label, unit, digits, scale) of the class comparison.
CLASS_ROWS = [
    ("villages", "村数", "个", 0, 1.0),
    ("population", "常住人口", "人", 0, 1.0),
    ("funding_per_capita", "人均经费", "元/人", 1, 1.0),
    ("services_per_1000", "每千人服务量", PER_1000, 1, 1.0),
    ("red_share", "红标占比", "%", 1, 100.0),
    ("sign_rate", "签约率", "%", 1, 1.0),
]
TOTAL_CLASS = grid_map.TOTAL_CLASS


def class_table(comparison: grid_map.ClassComparison, period_kind: str) -> pd.DataFrame:
    """Figures as rows, 一类村/二类村/合计 as columns (text, — where there is no value, and
    why where a small-cell rule hides it)."""
    by_class = comparison.classes.set_index("village_class")

    def cell(cls, col, digits, scale):
        if col in grid_map.CLASS_SHARES and cls in comparison.hidden:
            return comparison.hidden_text(cls)
        if cls not in by_class.index or pd.isna(by_class.at[cls, col]):
            return labels.NO_VALUE
        value = by_class.at[cls, col] * scale
        return labels.compact_number(value) if digits == 0 else labels.number(value, digits)

    rows = []
    for col, label, unit, digits, scale in CLASS_ROWS:
        row = {"指标": f"{label}（{grid_map.unit_words(unit, period_kind)}）"}
        for cls, name in labels.CLASS_LABELS.items():
            row[name] = cell(cls, col, digits, scale)
        row["合计"] = cell(TOTAL_CLASS, col, digits, scale)
        rows.append(row)
    return pd.DataFrame(rows)


# The figures policy wants tilted toward 二类 villages.
TILT_ROWS = (("funding_per_capita", "人均经费"), ("services_per_1000", "每千人服务量"))


def tilt_sentence(view: grid_map.MapView) -> str | None:
    """e.g. 二类村人均经费是一类村的 1.26 倍 …; None without both classes."""
    parts = [
        f"{label}是一类村的 **{view.tilt[col]:.2f} 倍**"
        for col, label in TILT_ROWS
        if view.tilt.get(col) is not None
    ]
    if not parts:
        return None
    return "二类村" + "，".join(parts) + "（大于 1 倍即向二类村倾斜）。"


# (column, row label, unit) of the change table: percentage points for shares and rates.
CHANGE_ROWS = [
    ("services_per_1000", "每千人服务量", PER_1000, 1),
    ("red_share", "红标占比", "个百分点", 1),
    ("sign_rate", "签约率", "个百分点", 1),
]


def change_table(comparison: grid_map.ClassComparison, period_kind: str) -> pd.DataFrame:
    """Change vs the previous period per class (signed text, — where there is none); needs
    comparison.changes."""
    by_class = comparison.changes.set_index("village_class")

    def cell(cls, col, digits):
        if col in grid_map.CLASS_SHARES and cls in comparison.hidden_changes:
            return comparison.hidden_text(cls)
        if cls not in by_class.index or pd.isna(by_class.at[cls, col]):
            return labels.NO_VALUE
        return labels.signed(by_class.at[cls, col], digits)

    rows = []
    for col, label, unit, digits in CHANGE_ROWS:
        row = {"指标": f"{label}（{grid_map.unit_words(unit, period_kind)}）"}
        for cls, name in labels.CLASS_LABELS.items():
            row[name] = cell(cls, col, digits)
        row["合计"] = cell(TOTAL_CLASS, col, digits)
        rows.append(row)
    return pd.DataFrame(rows)


def month_text(month: str | None) -> str:
    return month_end_words(month) if month else "期末"


def mismatch_rule(rule: dict) -> str:
    """The rule behind the mismatch list, from the thresholds the view used."""
    return (
        f"规则：**一类村**距乡镇卫生院 ≥ {rule['remote_distance_km']:g} km 且路况"
        f"“{labels.ROAD_LABELS[rule['remote_road']]}”；"
        f"**二类村**距离 ≤ {rule['near_distance_km']:g} km 且路况"
        f"“{labels.ROAD_LABELS[rule['near_road']]}”。"
    )


def mismatch_table(mismatches: pd.DataFrame) -> pd.DataFrame:
    """The villages at odds with their class (the rule above the table says why)."""
    return pd.DataFrame(
        {
            "村": mismatches["name"],
            "乡镇": mismatches["township_name"],
            "类别": [labels.CLASS_LABELS.get(c, str(c)) for c in mismatches["village_class"]],
            "距离": [f"{d:.1f} km" for d in mismatches["distance_km"]],
            "路况": [labels.ROAD_LABELS.get(r, labels.NO_VALUE) for r in mismatches["road"]],
        }
    )
