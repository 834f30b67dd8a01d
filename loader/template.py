"""The data template: one sheet per contract table, Chinese headers with the column code,
drop-downs for every enumeration, one example row per sheet, and a 说明 sheet."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from loader.columns import ENUMS, TABLES, Column, TableSpec
from views import labels

# Rows the drop-downs and text formats cover; a county's largest sheet fits easily.
TEMPLATE_ROWS = 100_000
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FONT = Font(bold=True, color="C00000")
EXAMPLE_FONT = Font(italic=True, color="808080")

# One example row per sheet, a consistent fictional county (province prefix 99, as the demo).
EXAMPLE_COUNTY = "990901"
EXAMPLES: dict[str, dict[str, object]] = {
    "county": {"county_code": "990901", "name": "示例县", "prefecture": "示例州"},
    "township": {
        "township_code": "990901001",
        "county_code": "990901",
        "name": "示例镇",
        "health_center": "示例镇卫生院",
    },
    "village": {
        "village_code": "990901001001",
        "township_code": "990901001",
        "name": "示例村",
        "village_class": "二类",
        "population": 1250,
        "key_population": 380,
        "area_km2": 12.5,
        "distance_km": 18.2,
        "road": "差",
        "lon": 106.45,
        "lat": 26.02,
    },
    "village_boundary": {
        "village_code": "990901001001",
        "geojson": '{"type": "Polygon", "coordinates": [[[106.44, 26.01], [106.46, 26.01], '
        "[106.46, 26.03], [106.44, 26.03], [106.44, 26.01]]]}",
    },
    "team": {
        "team_id": "990901001-T01",
        "township_code": "990901001",
        "name": "示例村医防融合团队",
        "leader": "王医生",
    },
    "team_member": {
        "member_id": "990901001-T01-01",
        "team_id": "990901001-T01",
        "name": "李乡医",
        "level": "村级",
        "role": "乡村医生",
    },
    "team_village": {"team_id": "990901001-T01", "village_code": "990901001001"},
    "service_type": {"service_type": "签约", "name": "签约", "points": 2},
    "team_service": {
        "team_id": "990901001-T01",
        "month": "2026-01",
        "service_type": "签约",
        "member_level": "村级",
        "services": 35,
    },
    "sample_check": {"team_id": "990901001-T01", "month": "2026-01", "checked": 10, "passed": 9},
    "chronic_status": {
        "month": "2026-01",
        "patient_id": "a3f9c2e1",
        "village_code": "990901001001",
        "disease": "高血压",
        "color": "绿标",
        "managed_level": "村级",
    },
    "indicator": {
        "indicator_code": "htn_std_mgmt",
        "name": "高血压患者规范管理率",
        "unit": "%",
        "higher_is_better": "是",
        "period_agg": "末月值",
        "target": 66,
        "weight": 1,
    },
    "indicator_value": {
        "indicator_code": "htn_std_mgmt",
        "area_level": "村",
        "area_code": "990901001001",
        "month": "2026-01",
        "numerator": 52,
        "denominator": 80,
    },
    "village_funding": {"village_code": "990901001001", "year": 2026, "amount": 86000},
}

GENERAL = [
    "本模板用于把本县数据加载到医防融合监测数据库。每张数据表一个工作表，第 1 行是表头（中文名 + 列代码），"
    "第 2 行是灰色的示例行：请删除示例行，从第 2 行起填写本县数据。",
    "红色粗体表头是必填列。代码列（县 6 位、乡镇 9 位、村 12 位统计用区划代码）已设为文本格式，请勿改成数值，"
    "否则 Excel 会把代码变成科学计数法。",
    "带下拉框的列只能选给定的中文取值；用 CSV 导入时也可以写英文代码（如 green、hypertension）。",
    "月份写 YYYY-MM（如 2026-01；2026年03月、20260331 等写法也能识别）。按月的表（团队服务量、抽查、慢病三色管理、"
    "指标值）再次加载某个月份时，只替换文件中出现的乡镇在这个月份的数据，其他乡镇、其他月份不受影响；"
    "某乡镇某月行数减少一半以上时需要确认（--allow-shrink），整月替换要明确加上 --replace-months。"
    "其余表按代码/编号新增或更新，文件中没有的列保留数据库中的原值。每次加载都有编号，可用 python -m loader undo 撤销。",
    "家庭医生签约率：地图的「签约率」图层读取指标代码 fd_sign（村级的分子 = 已签约人数，分母 = 常住人口）。"
    '本县的签约率指标请用这个代码；若省平台导出用别的代码，在映射文件 [indicators] 中写 signing = "该代码"，'
    "加载时自动换成 fd_sign。",
    "患者编号只能填脱敏编号（如哈希）：像身份证号（18 位且校验位正确）或姓名的编号会被拒绝。",
    "不需要的表可以整张删除或留空；加载只处理有数据的表。村边界通常不在表格中填写，而是用 --boundaries "
    "指定自然资源局的边界文件（GeoPackage、Shapefile 连同 .prj/.cpg、GeoJSON）。",
    "也可以用 CSV 文件夹代替本工作簿：每张表一个文件，文件名为表名（如 village.csv、chronic_status.csv），"
    "表头用列代码或本模板的中文表头，编码 UTF-8 或 GBK 均可。",
    "命令：python -m loader validate 数据模板.xlsx --db 数据库地址（只检查，不写入）；"
    "python -m loader load --db 数据库地址 数据模板.xlsx（检查无误后一次性写入）。",
]

COUNTING = [
    "慢病数字按某一个月的行计数。所有病种合计时，一人患两种病计两次，单位为人次；选定一个病种时单位为人。",
    "颜色决定应由哪一级管理：绿标→村卫生室，黄标→乡镇卫生院，红标→县总医院。实际管理层级与颜色不一致的行"
    f"是「{labels.MISMATCH}」（如 {labels.RED_NOT_UP} = 红标但不由县级管理的行）。",
    "颜色转变把前一个月与后一个月同一患者、同一病种的行配对；只在一个月出现的行是「新纳入」或「退出管理」。",
    "比率 = Σ分子 / Σ分母（× 100 得 %），按地区内所有行求和后再相除，绝不是各行比率的平均；分母为 0 时无值（显示 —）。",
    "同一指标同一月份的所有行必须在同一地区层级（村、乡或县），向上汇总；比该层级更细的地区没有该指标的值。",
    "期间汇总：「末月值」是存量，一个期间取有数据的最后一个月；「累计」是流量，期间内各月分子、分母相加。",
    "综合评分（百分制）：每个权重大于 0 且有值的指标，达成度 = min(值/目标, 1)（越高越好）或 "
    "min(目标/值, 1)（越低越好，值为 0 时为 1）；得分 = 100 × Σ权重×达成度 / Σ权重，得分相同名次并列。",
    "团队积分 = Σ 服务次数 × 该服务类型的积分；每个村只能由一个团队服务。抽查合格人数不能大于抽查人数。",
]


def build_template(path: Path) -> Path:
    """Write the template workbook to `path`."""
    wb = Workbook()
    notes = wb.active
    notes.title = "说明"
    _instructions(notes)
    for spec in TABLES:
        _table_sheet(wb.create_sheet(spec.name), spec)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _table_sheet(ws, spec: TableSpec) -> None:
    example = EXAMPLES.get(spec.name, {})
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        cell = ws.cell(row=1, column=index, value=column.header)
        cell.fill = HEADER_FILL
        cell.font = REQUIRED_FONT if column.required else Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        value = example.get(column.name)
        sample = ws.cell(row=2, column=index, value=value)
        sample.font = EXAMPLE_FONT
        if _is_text(column):
            sample.number_format = "@"
            # The column's own format: codes typed later stay text (no 9.90801E+11).
            ws.column_dimensions[letter].number_format = "@"
        ws.column_dimensions[letter].width = max(12, min(40, 2 * len(column.header)))
        if column.enum is not None:
            _dropdown(ws, column, letter)
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 32


def _is_text(column: Column) -> bool:
    return column.kind in ("text", "code6", "code9", "code12", "area_code", "month")


def _dropdown(ws, column: Column, letter: str) -> None:
    labels = list(ENUMS[column.enum].values())
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(labels) + '"',
        allow_blank=not column.required,
        showErrorMessage=True,
        errorTitle="取值无效",
        error="请从下拉列表中选择：" + "、".join(labels),
        promptTitle=column.label,
        prompt="、".join(labels),
        showInputMessage=True,
    )
    validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
    ws.add_data_validation(validation)


def _instructions(ws) -> None:
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 22
    ws.column_dimensions["C"].width = 18
    ws.column_dimensions["D"].width = 10
    ws.column_dimensions["E"].width = 8
    ws.column_dimensions["F"].width = 70
    ws.append(["医防融合监测 · 数据模板说明"])
    ws["A1"].font = Font(bold=True, size=14)
    for line in GENERAL:
        ws.append([line])
    ws.append([])
    ws.append(["计数规则"])
    ws.cell(row=ws.max_row, column=1).font = Font(bold=True, size=12)
    for line in COUNTING:
        ws.append([line])
    ws.append([])
    ws.append(["工作表", "列代码", "中文名", "类型", "必填", "说明 / 可选值"])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for spec in TABLES:
        ws.append([f"{spec.name}（{spec.label}）", "", "", "", "", spec.help])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
        for column in spec.columns:
            ws.append(
                [
                    "",
                    column.name,
                    column.label,
                    _kind_words(column),
                    "是" if column.required else "",
                    _column_help(column),
                ]
            )
    ws.append(
        [
            "data_meta（元数据）",
            "",
            "",
            "",
            "",
            "加载时自动写入 extracted_at（提取时间）和 source（来源），无需填写",
        ]
    )


def _kind_words(column: Column) -> str:
    kind = column.kind
    words = {
        "text": "文本",
        "code6": "6 位代码",
        "code9": "9 位代码",
        "code12": "12 位代码",
        "area_code": "6/9/12 位代码",
        "int": "整数",
        "real": "数字",
        "bool": "是/否",
        "month": "月份 YYYY-MM",
    }
    return words.get(kind, "下拉选择")


def _column_help(column: Column) -> str:
    if column.enum is None:
        return column.help
    choices = "、".join(f"{label}（{code}）" for code, label in ENUMS[column.enum].items())
    return f"{column.help}；可选：{choices}" if column.help else f"可选：{choices}"
