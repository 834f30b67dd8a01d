"""Speaker notes: what a presenter says about a slide's figures when asked "how is this
counted, and where from?" — the slide's method in words and its source, from the slide's
own fields and the rules' constants (views.labels, views.teams), never recomputed.

    speaker_notes(slide, meeting) -> str

The PPTX writes it into each slide's notes; the PDF and the page may show the same text.
"""

from __future__ import annotations

from views import labels
from views.meeting.attention_slides import AlertsSlide, TeamsSlide
from views.meeting.chronic_slides import ColorsSlide, TransitionsSlide
from views.meeting.deck import Cover, Kind, Meeting, Slide, TableSlide
from views.meeting.indicator_slides import KpiSlide, RankingSlide
from views.meeting.village_slides import ClassesSlide

RATE = "比率 = 区域内各村上报的分子之和 ÷ 分母之和（率 × 100），不是各村比率的平均；分母为 0 时无值（—）。"
STOCK_FLOW = "“存量”指标取期内最后一个有数据的月份，“流量”指标把期内各月的分子、分母分别累加。"
ATTAINMENT = (
    "达标程度 = 本期值 ÷ 目标（越低越好的指标为 目标 ÷ 本期值），"
    f"不低于 {labels.ATTAINMENT_MET:.0%} 为{labels.ATTAINMENT_WORDS['met']}，"
    f"不低于 {labels.ATTAINMENT_CLOSE:.0%} 为{labels.ATTAINMENT_WORDS['close']}，"
    f"其余为{labels.ATTAINMENT_WORDS['missed']}。"
)
SCORE = (
    "综合得分（百分制）= 100 × Σ(权重 × 达标程度) ÷ Σ权重，达标程度封顶 1，只计有数值的指标；"
    "得分相同名次相同；得分截去多余小数（不四舍五入），位数以能区分不同得分为准。"
)
COLORS = (
    "绿黄红按所选月份月末的管理记录计数；所有病种合计时一人患两种病计两次（单位：人次），"
    "选定一个病种时单位为人。"
)
TRANSITIONS = (
    "把前后两个月末同一患者、同一病种的记录配对，比较颜色：绿→黄→红为加重，反之为好转；"
    f"只在后一个月出现的是“{labels.ENTERED_LABEL}”，只在前一个月出现的是“{labels.LEFT_LABEL}”。"
)
CLASSES = (
    "人均经费 = 本年度村经费之和 ÷ 有经费记录村的常住人口；"
    "每千人服务量 = 团队服务人次 ÷ 常住人口 × 1000；红标占比 = 红标人次 ÷ 在管人次。"
)
TEAMS = (
    "抽查合格率 = 合格人次 ÷ 抽查人次；村医服务占比 = 村级服务项目的服务人次 ÷ 团队全部服务人次。"
)


def _method(slide: Slide) -> list[str]:
    """The slide's method in sentences."""
    if isinstance(slide, Cover):
        return [f"本次例会 {len(slide.agenda)} 页：" + "、".join(slide.agenda) + "。"]
    if isinstance(slide, KpiSlide):
        lines = [RATE, STOCK_FLOW, ATTAINMENT]
        lines += [
            f"{t.name}：{t.value}（目标 {t.target}），"
            + (t.reason or labels.ATTAINMENT_WORDS[t.band])
            + (f"，较上期 {t.change}" if t.change else "")
            + "。"
            for t in slide.tiles
        ]
        return lines
    if isinstance(slide, RankingSlide):
        lines = [RATE, STOCK_FLOW, SCORE]
        if not slide.comparable and slide.no_change_reason:
            lines.append(f"名次不与上期比较：{slide.no_change_reason}。")
        lines.append(f"共 {slide.total} 个{slide.area}参与排名。")
        return lines
    if isinstance(slide, ColorsSlide):
        return [COLORS]
    if isinstance(slide, TransitionsSlide):
        return [TRANSITIONS]
    if isinstance(slide, ClassesSlide):
        return [CLASSES]
    if isinstance(slide, TeamsSlide):
        return [TEAMS, f"标记规则：{slide.rule}。"] if slide.rule else [TEAMS]
    if isinstance(slide, TableSlide):
        return [slide.note] if slide.note else []
    if isinstance(slide, AlertsSlide):
        return [
            f"{labels.count(count) if not isinstance(count, str) else count} {unit} {subject}"
            + (f"：{names}" if names else "")
            + "。"
            for count, unit, subject, names in slide.items
        ]
    return []


def speaker_notes(slide: Slide, m: Meeting) -> str:
    """The notes under a slide: its message, how its figures are counted, where they come
    from (scope, period, the extract) and which workbook sheets hold them in full."""
    lines = [m.heading(slide.title)]
    said = slide.empty or slide.message
    if said and slide.kind is not Kind.COVER:
        lines.append(said)
    method = _method(slide) if not slide.empty else []
    if method:
        lines.append("计算方法：")
        lines += [f"· {line}" for line in method]
    source = f"数据：{m.freshness}。" if m.freshness else ""
    if m.previous_label:
        source += f"对比期：{m.previous_label}。"
    if slide.sheets:
        source += "完整数字见周报 Excel 的工作表：" + "、".join(map(str, slide.sheets)) + "。"
    if source:
        lines.append(source)
    if m.demo:
        lines.append(f"【{labels.DEMO_BADGE}】本周报由演示数据生成，不代表任何真实地区。")
    return "\n".join(lines)
