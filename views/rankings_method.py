"""县区排名's method in words: the official scoring method (DATA_CONTRACT.md) as sentences and
as a table of the indicators, shown beside every league (page, slides, brief, Excel)."""

from __future__ import annotations

import pandas as pd

from views import labels
from views.common import Window

# A rank change needs a like-for-like previous period; otherwise the cell says why not.
CHANGE_INCOMPLETE = "数据不全"
AGG_TEXT = {"last": "取期内最后一个有数据的月份", "sum": "期内各月分子、分母分别累加"}


def target_text(d) -> str:
    """≥66% for higher-is-better, ≤10% for lower-is-better indicators."""
    sign = "≥" if d.higher_is_better else "≤"
    return sign + labels.indicator_value(d.target, d.unit, 0)


def method_lines(definitions: pd.DataFrame, window: Window | None = None) -> list[str]:
    """The official method in plain Chinese (DATA_CONTRACT.md), one sentence a line."""
    scored = definitions[definitions["weight"] > 0]
    total = scored["weight"].sum()
    compare = (
        f"较上期：与{window.previous_label}（同样的月份）按同一方法排出的名次比较"
        if window is not None
        else "较上期：与上一期同样的月份按同一方法排出的名次比较"
    )
    return [
        f"参与计分的指标共 {len(scored)} 项，权重合计 {total:g}；权重为 0 的指标只展示、不计分。",
        "指标值 = 区域内各村（或乡镇、县）上报的分子之和 ÷ 分母之和（率 × 100），不是各村比率的平均；分母为 0 或无数据时显示 —。",
        "“存量”指标取期内最后一个有数据的月份；“流量”指标把期内各月的分子、分母分别累加。",
        "达标程度：越高越好的指标 = min(指标值 ÷ 目标值, 1)；越低越好的指标 = min(目标值 ÷ 指标值, 1)，指标值为 0 时记 1。超额完成不额外加分。",
        "综合得分（百分制）= 100 × Σ(权重 × 达标程度) ÷ Σ权重，只计有数值的指标；某项指标缺数时，该项不计入分子和分母。",
        "按综合得分从高到低排名；得分相同名次相同（如 1、2、2、4）；没有任何计分指标数据的地区不排名。"
        "得分在页面、例会、周报和导出中显示相同的位数：截去多余小数（不四舍五入），位数以能区分不同得分为准。",
        f"{compare}；{labels.RANK_MOVE_LEGEND}；"
        f"上期月份数据不全时不比较名次，显示“{CHANGE_INCOMPLETE}”。",
        "乡镇排名只用有乡镇或村级数据的指标；仅在县级统计的指标在乡镇排名中显示 —，不计分。",
        "颜色和符号：✓ 达标（达标程度 100%），◐ 接近目标（90% 及以上），✗ 未达标，— 无数据。",
    ]


LOST_METHOD = (
    "满分 100 分。某地区每项有数值的计分指标的分值 = 100 × 该项权重 ÷ 该地区有数值的计分指标权重之和。",
    "得分 = 分值 × 达标程度；失分 = 分值 − 得分 = 分值 × (1 − 达标程度)。",
    "各项得分之和即综合得分，各项失分之和 = 100 − 综合得分。",
    "缺数的指标不设分值、不得分也不失分，其分值按权重分摊到其余指标。",
    "指标值和达标程度显示到能判断“达标 / 接近目标”的位数（如目标 66% 时 65.97% 未达标、66.04% 达标）。",
)


def method_frame(definitions: pd.DataFrame) -> pd.DataFrame:
    """The indicators, directions, aggregation, targets and weights (share of the total weight)."""
    total = definitions.loc[definitions["weight"] > 0, "weight"].sum()
    return pd.DataFrame(
        {
            "指标": definitions["name"],
            "方向": ["越高越好" if h else "越低越好" for h in definitions["higher_is_better"]],
            "目标": [target_text(d) for d in definitions.itertuples(index=False)],
            "期间汇总": [AGG_TEXT.get(a, a) for a in definitions["period_agg"]],
            "权重": definitions["weight"],
            "权重占比": [
                labels.pct(100 * w / total if total and w > 0 else None, 0)
                for w in definitions["weight"]
            ],
        }
    )
