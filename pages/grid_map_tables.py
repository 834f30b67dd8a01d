"""Beside the grid map: the 一类/二类 comparison table, the tilt sentence and the list of
villages whose classification factors disagree with their class (rule from data_access.map)."""

from __future__ import annotations

import pandas as pd

from data_access import map as map_figures
from views import labels

# (column, row label, unit, digits, scale) of the class comparison.
CLASS_ROWS = [
    ("villages", "村数", "个", 0, 1.0),
    ("population", "常住人口", "人", 0, 1.0),
    ("funding_per_capita", "人均经费", "元/人", 1, 1.0),
    ("services_per_1000", "每千人服务量", "次/千人", 0, 1.0),
    ("red_share", "红标占比", "%", 1, 100.0),
    ("sign_rate", "签约率", "%", 1, 1.0),
]
TOTAL_CLASS = 0  # class_comparison's row over all villages


def class_table(comparison: pd.DataFrame) -> pd.DataFrame:
    """Figures as rows, 一类村/二类村/合计 as columns (text, — where there is no value)."""
    by_class = comparison.set_index("village_class")

    def cell(cls, col, digits, scale):
        if cls not in by_class.index or pd.isna(by_class.at[cls, col]):
            return labels.NO_VALUE
        value = by_class.at[cls, col] * scale
        return labels.compact_number(value) if digits == 0 else labels.number(value, digits)

    rows = []
    for col, label, unit, digits, scale in CLASS_ROWS:
        row = {"指标": f"{label}（{unit}）"}
        for cls, name in labels.CLASS_LABELS.items():
            row[name] = cell(cls, col, digits, scale)
        row["合计"] = cell(TOTAL_CLASS, col, digits, scale)
        rows.append(row)
    return pd.DataFrame(rows)


# The figures policy wants tilted toward 二类 villages.
TILT_ROWS = (("funding_per_capita", "人均经费"), ("services_per_1000", "每千人服务量"))


def tilt_sentence(comparison: pd.DataFrame) -> str | None:
    """e.g. 二类村人均经费是一类村的 1.26 倍 …; None without both classes."""
    by_class = comparison.set_index("village_class")
    if not {1, 2} <= set(by_class.index):
        return None
    parts = []
    for col, label in TILT_ROWS:
        one, two = by_class.at[1, col], by_class.at[2, col]
        if pd.notna(one) and pd.notna(two) and one:
            parts.append(f"{label}是一类村的 **{two / one:.2f} 倍**")
    if not parts:
        return None
    return "二类村" + "，".join(parts) + "（大于 1 倍即向二类村倾斜）。"


def mismatch_rule() -> str:
    """The rule behind the mismatch list, from the named constants in data_access.map."""
    return (
        f"规则：**一类村**距乡镇卫生院 ≥ {map_figures.REMOTE_DISTANCE_KM:g} km 且路况"
        f"“{labels.ROAD_LABELS[map_figures.REMOTE_ROAD]}”；"
        f"**二类村**距离 ≤ {map_figures.NEAR_DISTANCE_KM:g} km 且路况"
        f"“{labels.ROAD_LABELS[map_figures.NEAR_ROAD]}”。"
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
