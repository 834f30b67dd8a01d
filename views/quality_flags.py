"""What a 数据质量 flag is: its thresholds (with why), the entity it is about, its link, and
the rule's method in words. Pure data; the rules are views.quality_rules, the view
views.quality."""

from __future__ import annotations

from dataclasses import dataclass, fields

# Severity → label; high first in every list.
SEVERITY_LABELS = {"high": "高", "medium": "中"}
LEVEL_LABELS = {"team": "团队", "village": "村", "township": "乡镇"}
ADVICE = "建议核查"


@dataclass(frozen=True)
class Thresholds:
    """Every threshold of the rules; an administrator may override each one (settings:
    dashboard.quality_settings). Defaults are chosen so that the demo's ordinary seasonality
    and noise raise no flag."""

    # Modified z-score of Iglewicz & Hoaglin: |x − median| / (1.4826 × MAD) above 3.5 is
    # their standard cut for an outlier; it ignores the spike itself when judging the spread.
    spike_z: float = 3.5
    # … and at least twice the usual month: January's signing and the checks of summer lift
    # a team's month by up to ~1.5×, which is seasonality, not a spike.
    spike_ratio: float = 2.0
    # The team's own history a month is compared with: a year covers every season once.
    history_months: int = 12
    # Fewer months give no stable median (a new team is not judged on two months).
    min_history_months: int = 6
    # A month with fewer services than this is never flagged for volume: a handful more
    # services is no pattern worth a visit.
    min_services: int = 30
    # Assessment is quarterly: a quarter's last month above this multiple of the higher of its
    # first two months looks like work recorded for the assessment (the demo's quarter-end
    # follow-up peak is 1.2×).
    surge_ratio: float = 1.8
    # Services per team member per working day (Mon–Fri, holidays not removed, so the rate
    # is if anything underestimated): 30 is one service every 16 minutes of an 8-hour day,
    # by every member, every day — more than a team can deliver.
    daily_ceiling: float = 30.0
    # Chronic patients are followed up quarterly (4 a year in the national standard); the
    # follow-up type also covers other key groups (the elderly, pregnant women), which the
    # demo's busiest teams bring to 1.5 per chronic patient in a month. Twice as many
    # follow-ups as patients under management, in one month, is more than both together.
    followups_per_patient: float = 2.0
    # 100 % on at least 30 re-checks: with a true pass rate of 90 % that happens by chance
    # 4 % of the time (0.9^30) …
    perfect_min_checks: int = 30
    # … together with at least this multiple of the median services of the township's other
    # teams: the pattern the 5 % 抽查 exists to catch.
    perfect_volume_ratio: float = 2.0
    # The same monthly total this many months running: real work varies month to month.
    identical_months: int = 6
    # A village (or team) whose colours never changed in 12 months is flagged when the
    # county's rate of change predicts at least this many changes (P(0) < 1 % at 5).
    frozen_expected_changes: float = 5.0
    # Green → red → green in three consecutive months is possible (an acute episode): a large
    # village sees up to three in a year by chance in the demo; four within the period is a
    # pattern.
    flip_min: int = 4
    # 抽查 covers 5 % of the service recipients (policy); below 4 % (services stand in for
    # recipients, so a margin) a township's checks cannot vouch for its figures.
    check_share_min: float = 0.04

    def replace(self, **changes) -> Thresholds:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return Thresholds(**values)


DEFAULT_THRESHOLDS = Thresholds()

# rule key → (kind as shown, level, base severity): the order of the page's method note.
RULES = {
    "spike": ("服务量突增", "team", "medium"),
    "surge": ("季末集中", "team", "medium"),
    "daily_rate": ("人均日服务量过高", "team", "high"),
    "follow_ups": ("随访多于在管患者", "team", "medium"),
    "perfect_checks": ("抽查全部合格且服务量畸高", "team", "high"),
    "identical": ("逐月数字完全相同", "team", "medium"),
    "no_residents": ("无常住人口却有服务", "village", "high"),
    "no_signed": ("无签约居民却有在管患者", "village", "medium"),
    "frozen": ("标色长期不变", "village", "medium"),
    "two_villages": ("同一患者同月在两个村", "village", "medium"),
    "flips": ("绿→红→绿往返", "village", "medium"),
    "check_share": ("抽查比例不足", "township", "medium"),
}


def method(t: Thresholds) -> list[tuple[str, str, str]]:
    """(kind, rule with its thresholds, why) for each rule, as the page and README state them."""
    return [
        (
            RULES["spike"][0],
            f"团队某月服务量与自身此前 {t.history_months} 个月比较：稳健 z 值 = (本月 − 中位数) /"
            f" (1.4826 × 绝对中位差) ≥ {t.spike_z:g}，且本月 ≥ 中位数的 {t.spike_ratio:g} 倍、"
            f"不少于 {t.min_services} 人次；历史不足 {t.min_history_months} 个月不判断。",
            "中位数和绝对中位差不受个别异常月份影响；倍数条件排除一月签约、夏季体检等季节性高峰。",
        ),
        (
            RULES["surge"][0],
            f"数据只有月度粒度，无法看到“月末几天”，因此按季度判断：季度最后一个月的服务量 ≥ 前两个月"
            f"较高者的 {t.surge_ratio:g} 倍（且不少于 {t.min_services} 人次）；期间内须含完整季度。",
            "绩效按季度考核兑现，考核前集中录入会表现为季末月份突增。",
        ),
        (
            RULES["daily_rate"][0],
            f"团队某月服务量 / (成员数 × 当月工作日数) > {t.daily_ceiling:g} 人次；工作日按周一至周五"
            "计，未扣除法定节假日（估计值偏低，判断偏保守）。",
            f"{t.daily_ceiling:g} 人次相当于每名成员每个工作日每 16 分钟完成一次服务，且天天如此。",
        ),
        (
            RULES["follow_ups"][0],
            f"团队某月随访次数 > 所服务村当月在管慢病患者人次 × {t.followups_per_patient:g}"
            f"（且不少于 {t.min_services} 次）。",
            "慢病患者按规范每季度随访一次；随访也包括老年人、孕产妇等其他重点人群，故留有余量；"
            f"一个月内随访达到在管患者的 {t.followups_per_patient:g} 倍以上，超出两者之和的常理。",
        ),
        (
            RULES["perfect_checks"][0],
            f"本期抽查不少于 {t.perfect_min_checks} 人次且全部合格，同时服务量 ≥ 本乡镇其他团队中位数的"
            f" {t.perfect_volume_ratio:g} 倍。",
            "真实合格率 90% 时，30 人次全部合格的机会约 4%；高服务量加上从不失分，正是 5% 抽查要发现的情形。",
        ),
        (
            RULES["identical"][0],
            f"团队月服务总量连续 {t.identical_months} 个月完全相同（且不少于 {t.min_services} 人次），"
            "连续区间与本期有重叠。",
            "真实工作量逐月总有起伏，完全相同的数字多为照抄或估填。",
        ),
        (
            RULES["no_residents"][0],
            "村常住人口为 0（或未填），但期末有慢病患者在管、有签约居民，或其团队只服务无人口的村却有服务量。",
            "没有居民的村不应产生服务。",
        ),
        (
            RULES["no_signed"][0],
            "村签约率指标的签约人数为 0（分母大于 0），但期末有慢病患者在管。",
            "在管慢病患者是重点签约人群，签约为 0 与在管记录相互矛盾。",
        ),
        (
            RULES["frozen"][0],
            f"近 12 个月村内（或团队所服务各村合计）慢病患者标色变化为 0，而按全县同期变化率应有"
            f" ≥ {t.frozen_expected_changes:g} 人次变化；团队被标记时不再单列其各村。",
            f"按全县变化率期望 {t.frozen_expected_changes:g} 次而实际为 0 的概率低于 1%；标色从不变化多为未真实随访评估。",
        ),
        (
            RULES["two_villages"][0],
            "同一患者（同一编号）在同一个月出现在两个及以上村的管理记录中（按本期各月合计人次）。",
            "一名患者同一时间只应由一个网格管理，重复记录会重复计算服务和积分。",
        ),
        (
            RULES["flips"][0],
            f"本期村内出现“绿标 → 红标 → 绿标”（连续三次记录）的患者病种人次 ≥ {t.flip_min}。",
            "急性波动偶有发生；同一村反复出现多为标色随意填写。",
        ),
        (
            RULES["check_share"][0],
            f"乡镇本期抽查人次 / 所含完整季度的服务人次 < {t.check_share_min:.0%}；期间内没有季末月份时不判断。",
            f"政策要求按 5% 比例抽查服务对象；服务人次代替服务对象，故留有余量（{t.check_share_min:.0%}）。",
        ),
    ]


@dataclass(frozen=True)
class Entity:
    """What a flag is about: a team, a village or a township, with the areas it lies in."""

    level: str  # team / village / township
    code: str  # team_id, village_code or township_code
    name: str
    township_code: str
    township_name: str
    county_code: str
    county_name: str
    team_id: str | None = None  # the team itself, or the village's team
    team_name: str | None = None

    @property
    def where(self) -> str:
        """乡镇 · 县区 in words."""
        return f"{self.county_name} · {self.township_name}"


@dataclass(frozen=True)
class Link:
    """The page that explains a flag, with the URL parameters that open it there."""

    page: str  # dashboard.navigation.VIEWS key
    label: str
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Flag:
    """One flag: the rule, how serious, about what, the figure, the comparison, the sentence."""

    rule: str  # RULES key
    severity: str  # high / medium
    entity: Entity
    month: str | None  # the month it is about (None: the whole period)
    value: float  # the figure as a number (services, rate, patients …)
    figure: str  # the figure in words
    comparison: str  # what it was compared with, in words
    sentence: str  # plain Chinese, ending in 建议核查
    link: Link

    @property
    def kind(self) -> str:
        return RULES[self.rule][0]

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]


def team_link(team_id: str) -> Link:
    return Link("teams", "查看团队详情", (("team", team_id), ("tab", "detail")))


def village_link(village_code: str) -> Link:
    return Link("map", "在网格地图上查看该村", (("village", village_code),))


def township_link(township_code: str) -> Link:
    return Link("teams", "查看该乡镇的团队列表", (("township", township_code), ("tab", "list")))
