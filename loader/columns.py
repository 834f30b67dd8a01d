"""What the loader knows about each contract table: Chinese headers, value kinds, enumerations.

The table and column names come from data_access.schema; this module adds what a person
filling a sheet needs (labels, accepted Chinese values, descriptions) and what validation
needs (the kind of each value, keys, month columns).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa

from data_access import schema

# Enumerations: code → Chinese label shown in the template's drop-downs. Other accepted
# spellings are in ALIASES; codes themselves are always accepted.
ENUMS: dict[str, dict[str, str]] = {
    "village_class": {"1": "一类", "2": "二类"},
    "road": {"good": "好", "fair": "一般", "poor": "差"},
    "level": {"county": "县级", "township": "乡级", "village": "村级", "other": "其他"},
    "area_level": {"village": "村", "township": "乡", "county": "县"},
    "disease": {
        "hypertension": "高血压",
        "diabetes": "糖尿病",
        "hepatitis": "肝炎",
        "severe_mental": "严重精神障碍",
        "tuberculosis": "肺结核",
    },
    "color": {"green": "绿标", "yellow": "黄标", "red": "红标"},
    "service_type": {
        "sign": "签约",
        "follow_up": "随访",
        "health_check": "体检",
        "health_education": "健康教育",
        "consultation": "诊疗",
        "referral": "转诊",
    },
    "period_agg": {"last": "末月值", "sum": "累计"},
    "boolean": {"true": "是", "false": "否"},
}
ALIASES: dict[str, dict[str, str]] = {
    "village_class": {"一类村": "1", "二类村": "2", "1类": "1", "2类": "2"},
    "road": {"较好": "good", "中": "fair", "较差": "poor"},
    "level": {
        "县": "county",
        "乡": "township",
        "乡镇": "township",
        "乡镇级": "township",
        "村": "village",
        "x": "other",
        "其它": "other",
    },
    "area_level": {"村级": "village", "乡镇": "township", "乡级": "township", "县级": "county"},
    "disease": {
        "精神障碍": "severe_mental",
        "严重精神病": "severe_mental",
        "结核病": "tuberculosis",
    },
    "color": {
        "绿": "green",
        "黄": "yellow",
        "红": "red",
        "绿色": "green",
        "黄色": "yellow",
        "红色": "red",
    },
    "service_type": {"健康体检": "health_check", "转诊服务": "referral"},
    "period_agg": {"末月": "last", "期末值": "last", "合计": "sum", "累加": "sum"},
    "boolean": {"1": "true", "0": "false", "越高越好": "true", "越低越好": "false", "y": "true"},
}


def accepted_values(enum: str) -> dict[str, str]:
    """Every accepted spelling (lower-case) → the contract's code."""
    values = {code.lower(): code for code in ENUMS[enum]}
    values.update({label.lower(): code for code, label in ENUMS[enum].items()})
    values.update({alias.lower(): code for alias, code in ALIASES.get(enum, {}).items()})
    return values


@dataclass(frozen=True)
class Column:
    name: str
    label: str  # Chinese header
    kind: str  # text, code6, code9, code12, area_code, int, real, bool, month, enum:<name>
    required: bool
    help: str = ""

    @property
    def header(self) -> str:
        """The template's header cell, e.g. `村代码 village_code`."""
        return f"{self.label} {self.name}"

    @property
    def enum(self) -> str | None:
        if self.kind.startswith("enum:"):
            return self.kind.split(":", 1)[1]
        if self.kind == "bool":
            return "boolean"
        return None


@dataclass(frozen=True)
class TableSpec:
    name: str
    label: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # rows with equal keys are duplicates
    help: str = ""

    @property
    def table(self) -> sa.Table:
        return schema.metadata.tables[self.name]

    @property
    def monthly(self) -> bool:
        """A monthly fact table: loading a month replaces that month's rows."""
        return any(c.kind == "month" for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _c(name, label, kind, required=False, help=""):
    return Column(name, label, kind, required, help)


TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "county",
        "县",
        (
            _c("county_code", "县代码", "code6", True, "6 位统计用区划代码"),
            _c("name", "县名称", "text", True, "如 长顺县"),
            _c("prefecture", "所属州市", "text", help="县所属的州/市"),
        ),
        ("county_code",),
    ),
    TableSpec(
        "township",
        "乡镇",
        (
            _c("township_code", "乡镇代码", "code9", True, "9 位区划代码，前 6 位是县代码"),
            _c("county_code", "县代码", "code6", True, "所属县，须在 county 表中"),
            _c("name", "乡镇名称", "text", True),
            _c("health_center", "卫生院名称", "text", help="乡镇卫生院或社区卫生服务中心"),
        ),
        ("township_code",),
    ),
    TableSpec(
        "village",
        "村（网格）",
        (
            _c("village_code", "村代码", "code12", True, "12 位区划代码，前 9 位是乡镇代码"),
            _c("township_code", "乡镇代码", "code9", True, "所属乡镇，须在 township 表中"),
            _c("name", "村名称", "text", True, "行政村或社区，一个村就是一个网格"),
            _c(
                "village_class",
                "村分类",
                "enum:village_class",
                True,
                "一类：集中、路况好、易开展；二类：分散、偏远、交通不便",
            ),
            _c("population", "常住人口", "int", help="人"),
            _c("key_population", "重点人群", "int", help="65 岁以上、0-6 岁儿童、孕产妇、慢病患者"),
            _c("area_km2", "面积（平方公里）", "real"),
            _c(
                "distance_km", "到卫生院距离（公里）", "real", help="村卫生室到乡镇卫生院的道路距离"
            ),
            _c("road", "路况", "enum:road"),
            _c("lon", "经度", "real", help="村卫生室位置，CGCS2000/WGS84 经度"),
            _c("lat", "纬度", "real", help="村卫生室位置，纬度"),
        ),
        ("village_code",),
    ),
    TableSpec(
        "village_boundary",
        "村边界",
        (
            _c("village_code", "村代码", "code12", True),
            _c("geojson", "边界 GeoJSON", "text", True, "Polygon 或 MultiPolygon，经纬度"),
        ),
        ("village_code",),
        "通常不在表格中填写：用 --boundaries 指定自然资源局的边界文件（GeoPackage、Shapefile、GeoJSON）",
    ),
    TableSpec(
        "team",
        "家庭医生团队",
        (
            _c("team_id", "团队编号", "text", True, "自定，在全县唯一"),
            _c("township_code", "乡镇代码", "code9", True, "管理该团队的乡镇卫生院所在乡镇"),
            _c("name", "团队名称", "text", True, "如 三台村医防融合团队"),
            _c("leader", "队长", "text"),
        ),
        ("team_id",),
    ),
    TableSpec(
        "team_member",
        "团队成员",
        (
            _c("member_id", "成员编号", "text", True, "自定，唯一"),
            _c("team_id", "团队编号", "text", True, "须在 team 表中"),
            _c("name", "姓名", "text"),
            _c("level", "层级", "enum:level", True, "县级、乡级、村级、其他（X）"),
            _c("role", "角色", "text", help="全科医生、乡村医生、专科医生、护士、公卫人员……"),
        ),
        ("member_id",),
    ),
    TableSpec(
        "team_village",
        "团队服务的村",
        (
            _c("team_id", "团队编号", "text", True),
            _c("village_code", "村代码", "code12", True, "每个村只能由一个团队服务"),
        ),
        ("team_id", "village_code"),
        "文件中出现的村，其服务团队以文件为准（替换数据库中原有的分配）",
    ),
    TableSpec(
        "service_type",
        "服务类型",
        (
            _c("service_type", "服务类型", "enum:service_type", True),
            _c("name", "名称", "text", True),
            _c("points", "积分", "real", True, "每次服务的积分"),
        ),
        ("service_type",),
    ),
    TableSpec(
        "team_service",
        "团队服务量",
        (
            _c("team_id", "团队编号", "text", True),
            _c("month", "月份", "month", True, "YYYY-MM，如 2026-01"),
            _c("service_type", "服务类型", "enum:service_type", True),
            _c("member_level", "提供者层级", "enum:level", True),
            _c("services", "服务次数", "int", True, "当月次数，月份之间相加"),
        ),
        ("team_id", "month", "service_type", "member_level"),
    ),
    TableSpec(
        "sample_check",
        "抽查",
        (
            _c("team_id", "团队编号", "text", True),
            _c("month", "月份", "month", True),
            _c("checked", "抽查人数", "int", True),
            _c("passed", "合格人数", "int", True, "不能大于抽查人数"),
        ),
        ("team_id", "month"),
    ),
    TableSpec(
        "chronic_status",
        "慢病三色管理",
        (
            _c("month", "月份", "month", True, "月末状态"),
            _c("patient_id", "患者编号", "text", True, "脱敏编号（哈希），不得填写姓名或身份证号"),
            _c("village_code", "村代码", "code12", True, "患者所在管理村"),
            _c("disease", "病种", "enum:disease", True),
            _c("color", "颜色", "enum:color", True, "绿标村管、黄标乡管、红标县管"),
            _c("managed_level", "实际管理层级", "enum:level", True, "现在由哪一级管理"),
        ),
        ("month", "patient_id", "disease"),
    ),
    TableSpec(
        "indicator",
        "指标",
        (
            _c("indicator_code", "指标代码", "text", True, "如 htn_std_mgmt"),
            _c("name", "指标名称", "text", True, "如 高血压患者规范管理率"),
            _c("unit", "单位", "text", help="比率填 %"),
            _c("higher_is_better", "越高越好", "bool", True),
            _c("period_agg", "期间汇总", "enum:period_agg", True, "末月值：存量；累计：流量"),
            _c("target", "目标值", "real", help="按显示单位，如 66 表示 66%"),
            _c("weight", "权重", "real", True, "综合评分中的权重，0 表示不参与排名"),
        ),
        ("indicator_code",),
    ),
    TableSpec(
        "indicator_value",
        "指标值",
        (
            _c("indicator_code", "指标代码", "text", True, "须在 indicator 表中"),
            _c("area_level", "地区层级", "enum:area_level", True, "村、乡、县"),
            _c("area_code", "地区代码", "area_code", True, "与层级一致：12、9 或 6 位"),
            _c("month", "月份", "month", True),
            _c("numerator", "分子", "real"),
            _c("denominator", "分母", "real"),
        ),
        ("indicator_code", "area_level", "area_code", "month"),
    ),
    TableSpec(
        "village_funding",
        "村级经费",
        (
            _c("village_code", "村代码", "code12", True),
            _c("year", "年度", "int", True, "如 2026"),
            _c("amount", "金额（元）", "real", help="基本公卫服务经费"),
        ),
        ("village_code", "year"),
    ),
)

BY_NAME = {spec.name: spec for spec in TABLES}
# Tables whose rows are replaced by key (upsert); monthly tables replace whole months.
CODE_DIGITS = {"code6": 6, "code9": 9, "code12": 12}
AREA_DIGITS = {"county": 6, "township": 9, "village": 12}

# Foreign keys checked against the file and the database: (table, column) → (table, column).
FOREIGN_KEYS: dict[tuple[str, str], tuple[str, str]] = {
    ("township", "county_code"): ("county", "county_code"),
    ("village", "township_code"): ("township", "township_code"),
    ("village_boundary", "village_code"): ("village", "village_code"),
    ("team", "township_code"): ("township", "township_code"),
    ("team_member", "team_id"): ("team", "team_id"),
    ("team_village", "team_id"): ("team", "team_id"),
    ("team_village", "village_code"): ("village", "village_code"),
    ("team_service", "team_id"): ("team", "team_id"),
    ("team_service", "service_type"): ("service_type", "service_type"),
    ("sample_check", "team_id"): ("team", "team_id"),
    ("chronic_status", "village_code"): ("village", "village_code"),
    ("indicator_value", "indicator_code"): ("indicator", "indicator_code"),
    ("village_funding", "village_code"): ("village", "village_code"),
}
# A code column must start with its parent's code: (table, child column, parent column).
NESTING = (
    ("township", "township_code", "county_code"),
    ("village", "village_code", "township_code"),
)
# Counts that cannot be negative.
NON_NEGATIVE = {
    ("village", "population"),
    ("village", "key_population"),
    ("village", "area_km2"),
    ("village", "distance_km"),
    ("service_type", "points"),
    ("team_service", "services"),
    ("sample_check", "checked"),
    ("sample_check", "passed"),
    ("indicator_value", "numerator"),
    ("indicator_value", "denominator"),
    ("indicator", "weight"),
    ("village_funding", "amount"),
}


_TOKEN_SPLIT = re.compile(r"[\s()（）:：\[\]【】]+")
# A unit in brackets at the end of a header: 常住人口(人), 面积（平方公里）, 金额[元], 人口【人】.
_UNIT = re.compile(r"\s*[(\[【{<][^()\[\]【】{}<>]*[)\]】}>]\s*$")


def normal_text(text: str) -> str:
    """A header or name as compared: NFKC (full-width → half-width), no BOM, no outer spaces."""
    return unicodedata.normalize("NFKC", str(text)).replace("\ufeff", "").strip()


def without_unit(text: str) -> str:
    """`常住人口(人)` → `常住人口`; a header without a bracketed unit stays as it is."""
    stripped = _UNIT.sub("", text)
    return stripped or text


def match_header(text: object, spec: TableSpec) -> str | None:
    """The contract column a header cell names: its code, its Chinese label, or both, with or
    without a unit in brackets (常住人口(人), 面积（平方公里）, 金额[元]), full- or half-width."""
    if text is None:
        return None
    cell = normal_text(text)
    if not cell:
        return None
    names = {c.name for c in spec.columns}
    for token in _TOKEN_SPLIT.split(cell):
        if token.lower() in names:
            return token.lower()
    bare = without_unit(cell)
    for column in spec.columns:
        label = normal_text(column.label)
        if cell in (label, normal_text(column.header)) or bare in (label, without_unit(label)):
            return column.name
    return None


def match_table(name: str) -> TableSpec | None:
    """The contract table a sheet or file name stands for (`village`, `村（网格） village`, `村（网格）`)."""
    text = normal_text(name)
    for token in _TOKEN_SPLIT.split(text):
        if token.lower() in BY_NAME:
            return BY_NAME[token.lower()]
    return next((spec for spec in TABLES if text == normal_text(spec.label)), None)


def accepted_names(suffix: str = ".csv") -> str:
    """The file names a folder may hold, for the message on a file that is not recognised."""
    return "、".join(f"{spec.name}{suffix}（或 {spec.label}{suffix}）" for spec in TABLES)
