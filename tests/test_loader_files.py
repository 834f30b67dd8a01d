"""The files a county actually receives: hand-written CSVs with title lines, blank and 合计
rows, full-width digits, units in headers, quoted line breaks, odd date spellings, 三调 codes,
the template's example row, 身份证号 as patient ids, unrecognised files, and a provincial
export loaded by a mapping file alone. Expected values are written out by hand."""

from __future__ import annotations

import pytest

from loader.cli import check, main
from loader.encoding import detect_encoding
from loader.read import Staging
from loader.report import ERROR, NOTE, WARNING
from tests.loader_county import T_HEKOU, V1, V2, V3, V4, county_rows, write_csv_folder
from tests.test_loader import table_rows

CHRONIC_HEADER = "月份,患者编号,村代码,病种,颜色,实际管理层级\n"


@pytest.fixture
def staging(tmp_path):
    stage = Staging(tmp_path / "stage")
    yield stage
    stage.close()


def base_folder(tmp_path, name="base"):
    """The county without its chronic rows (the tests write those by hand)."""
    rows = county_rows()
    rows.pop("chronic_status")
    return write_csv_folder(tmp_path / name, rows, encoding="utf-8")


def load(*args) -> int:
    return main(["load", "--no-progress", *map(str, args)])


def test_messy_csv_loads_the_same_rows_as_the_clean_file(tmp_path, capsys):
    clean = base_folder(tmp_path, "clean")
    (clean / "chronic_status.csv").write_text(
        CHRONIC_HEADER
        + f"2026-02,p1,{V1},高血压,黄标,乡级\n"
        + f"2026-02,p2,{V2},糖尿病,黄标,乡级\n"
        + f"2026-02,p3,{V3},高血压,红标,县级\n"
        + f"2026-02,p4,{V4},高血压,绿标,村级\n",
        encoding="utf-8",
    )
    messy = base_folder(tmp_path, "messy")
    (messy / "chronic_status.csv").write_text(
        "青山县慢病三色管理月报（2026年2月）\n"  # a title line above the header
        "制表单位：青山县卫生健康局,,,,,\n"
        + CHRONIC_HEADER
        + f"2026年02月28日,p1,{V1},高血压,黄标,乡级\n"  # a date with 年月日
        + f"20260228,p2,{V2},糖尿病,黄标,乡级\n"  # yyyymmdd
        + f"46081,p3,{V3},高血压,红标,县级\n"  # an Excel serial date: 2026-02-28
        + f"２０２６-０２,p4,{V4[:-1]}２,高血压,绿标,村级\n"  # full-width digits
        + "合计,4,,,,\n"  # a total row
        + ",,,,,\n,,,,,\n",  # trailing blank rows
        encoding="gbk",
    )
    # The village file: a subtotal row and units in brackets in the headers.
    (messy / "village.csv").write_text(
        "村代码,乡镇代码,村名称,村分类,常住人口(人),重点人群（人）,面积[平方公里],到卫生院距离（公里）,路况,经度,纬度\n"
        f"{V1},{T_HEKOU},河口村,一类,1200,300,8.5,3.0,好,106.01,26.0\n"
        f"{V2},{T_HEKOU},岩脚村,二类,800,260,8.5,19.5,差,106.03,26.0\n"
        "990801001000,990801001,河口镇小计,,2000,560,,,,,\n"
        f"{V3},990801002,石桥村,一类,1000,310,8.5,3.0,一般,106.05,26.0\n"
        f"{V4},990801002,高寨村,二类,600,200,8.5,19.5,差,106.07,26.0\n",
        encoding="utf-8",
    )
    # The template's example row left in the county sheet.
    (messy / "county.csv").write_text(
        "县代码,县名称,所属州市\n990901,示例县,示例州\n990801,青山县,演示州\n", encoding="utf-8"
    )
    urls = {}
    for name, folder in (("clean", clean), ("messy", messy)):
        urls[name] = f"duckdb:///{tmp_path / (name + '.duckdb')}"
        report = tmp_path / f"{name}.csv"
        code = load("--db", urls[name], folder, "--report", report, "--accept-warnings")
        assert code == 0, capsys.readouterr()
    text = (tmp_path / "messy.csv").read_text(encoding="utf-8-sig")
    for words in (
        "表头在第 3 行",
        "合计/小计/总计行（不是数据），已跳过（第 8 行）",  # chronic 合计
        "合计/小计/总计行（不是数据），已跳过（第 4 行）",  # 河口镇小计
        "空行，已跳过（第 9、10 行）",
        "全角",
        "Excel 日期序号",
        "示例行",
    ):
        assert words in text, words
    for table in ("county", "village", "chronic_status"):
        assert table_rows(urls["messy"], table) == table_rows(urls["clean"], table)
    assert [r[0] for r in table_rows(urls["messy"], "county", "1")] == ["990801"]


def test_quoted_line_breaks_units_and_sandiao_codes(tmp_path, staging):
    folder = base_folder(tmp_path)
    (folder / "team.csv").write_text(
        '团队编号,乡镇代码,团队名称,队长\nT1,990801001,"河口医防\n融合团队",王一\nT2,990801001,石桥团队,李二\n',
        encoding="utf-8",
    )
    (folder / "village_funding.csv").write_text(
        f"村代码,年度,金额[元]\n{V1}0000001,2026,50000\n", encoding="utf-8"
    )
    validation = check(folder, staging, None)
    assert not validation.report.errors
    names = staging.con.execute("SELECT name FROM norm_team ORDER BY team_id").fetchall()
    assert names == [("河口医防\n融合团队",), ("石桥团队",)]
    funding = staging.con.execute("SELECT village_code, year, amount FROM norm_village_funding")
    assert funding.fetchall() == [(V1, 2026, 50000.0)]
    notes = [p.reason for p in validation.report.problems if p.severity == NOTE]
    assert any("19 位三调坐落单位代码" in n for n in notes)


def test_encoding_is_found_on_the_whole_file(tmp_path):
    path = tmp_path / "chronic_status.csv"
    ascii_rows = "".join(f"2026-02,p{i},{V1},hypertension,green,village\n" for i in range(30_000))
    assert len(ascii_rows) > 1 << 20  # more than the first MiB is ASCII
    path.write_bytes(
        (CHRONIC_HEADER + ascii_rows + f"2026-02,张,{V1},高血压,绿标,村级\n").encode("gbk")
    )
    assert detect_encoding(path) == "gb18030"


def test_id_numbers_and_names_as_patient_ids_are_rejected(tmp_path, staging):
    folder = base_folder(tmp_path)
    (folder / "chronic_status.csv").write_text(
        CHRONIC_HEADER
        + f"2026-02,11010519491231002X,{V1},高血压,绿标,村级\n"  # a valid 身份证号
        + f"2026-02,110105194912310021,{V1},糖尿病,绿标,村级\n"  # wrong check digit: a code
        + f"2026-02,张三,{V2},高血压,绿标,村级\n"  # a name
        + f"2026-02,a3f9c2e1,{V3},高血压,绿标,村级\n",
        encoding="utf-8",
    )
    validation = check(folder, staging, None)
    errors = {(p.row, p.value): p.reason for p in validation.report.errors}
    assert set(errors) == {(2, "11010519491231002X"), (4, "张三")}
    assert "身份证号" in errors[(2, "11010519491231002X")]
    assert "姓名" in errors[(4, "张三")]


def test_messages_use_the_files_words_and_group_cascades(tmp_path, capsys):
    folder = base_folder(tmp_path)
    (folder / "team.csv").rename(folder / "省平台_团队信息.csv")
    (folder / "team_service.csv").write_text(
        "团队编号,月份,服务类型,提供者层级,服务次数\nT1,2026-02,转诊,村级,2\n", encoding="utf-8"
    )
    report = tmp_path / "r.csv"
    assert main(["validate", str(folder), "--report", str(report)]) == 1
    out = capsys.readouterr().out
    # Every team reference fails because the team file was not recognised: one root cause.
    assert "文件未识别：省平台_团队信息.csv → 以下 " in out
    text = report.read_text(encoding="utf-8-sig")
    assert "可用的名称：county.csv（或 县.csv）" in text and "team.csv" in text
    lines = [line for line in text.splitlines() if "service_type（服务类型）中找不到" in line]
    assert lines and ",转诊," in lines[0]  # the value as the file writes it, not referral


MAPPING = """
# A provincial export: its own file names, headers and values.
[files]
"慢病三色管理明细_*" = "chronic_status"
"家医签约指标*" = "indicator_value"

[columns.chronic_status]
"统计月份" = "month"
"患者ID" = "patient_id"
"管理村编码" = "village_code"
"病种名称" = "disease"
"标识颜色" = "color"
"管理机构" = "managed_level"

[columns.indicator_value]
"指标编码" = "indicator_code"
"统计层级" = "area_level"
"区划编码" = "area_code"
"统计月份" = "month"
"已签约人数" = "numerator"
"常住人口数" = "denominator"

[values.managed_level]
"村卫生室" = "village"
"乡镇卫生院" = "township"
"县总医院" = "county"

[values.color]
"G" = "green"
"Y" = "yellow"
"R" = "red"

[village_codes]
"990801001009" = "990801001001"   # 撤并村: 老屋村 merged into 河口村

[indicators]
signing = "QYL"

[ignore]
columns = ["序号"]
"""


def test_a_provincial_export_loads_by_mapping_alone(tmp_path, capsys):
    url = f"duckdb:///{tmp_path / 'county.duckdb'}"
    base = base_folder(tmp_path)
    indicators = base / "indicator.csv"
    indicators.write_text(
        indicators.read_text(encoding="utf-8") + "QYL,家庭医生签约率,%,是,末月值,45,1\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "省平台.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    # The indicator list loads with the mapping too: its QYL is the map's 签约率 (fd_sign).
    args = ["--report", tmp_path / "b.csv", "--accept-warnings", "--mapping", mapping]
    assert load("--db", url, base, *args) == 0
    assert ("fd_sign", "家庭医生签约率") in [r[:2] for r in table_rows(url, "indicator", "1")]
    export = tmp_path / "export"
    export.mkdir()
    (export / "慢病三色管理明细_202603.csv").write_text(
        "序号,统计月份,患者ID,管理村编码,病种名称,标识颜色,管理机构\n"
        "1,2026-03,p1,990801001009,高血压,R,县总医院\n"
        f"2,2026-03,p3,{V3},高血压,G,村卫生室\n",
        encoding="gbk",
    )
    (export / "家医签约指标_202603.csv").write_text(
        "统计月份,指标编码,统计层级,区划编码,已签约人数,常住人口数\n"
        f"2026-03,QYL,村,{V1},600,1200\n2026-03,QYL,村,{V3},450,1000\n",
        encoding="utf-8",
    )
    code = load("--db", url, export, "--mapping", mapping, "--report", tmp_path / "r.csv")
    assert code == 0, capsys.readouterr()
    chronic = [
        r for r in table_rows(url, "chronic_status", "month, patient_id") if r[0] == "2026-03"
    ]
    assert chronic == [
        ("2026-03", "p1", V1, "hypertension", "red", "county"),
        ("2026-03", "p3", V3, "hypertension", "green", "village"),
    ]
    values = [r for r in table_rows(url, "indicator_value", "1, 3") if r[3] == "2026-03"]
    assert values == [
        ("fd_sign", "village", V1, "2026-03", 600.0, 1200.0),
        ("fd_sign", "village", V3, "2026-03", 450.0, 1000.0),
    ]


def test_severities(tmp_path, staging):
    """Notes never block; full-width digits warn; an unknown column is an error."""
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "county.csv").write_text(
        "县代码,县名称,备注\n９９０８０１,青山县,x\n", encoding="utf-8"
    )
    report = check(folder, staging, None).report
    kinds = {(p.severity, p.reason.split("：")[0].split("「")[0]) for p in report.problems}
    assert (ERROR, "无法识别的列") in kinds
    assert any(s == WARNING and "全角" in r for s, r in kinds)


def test_the_shipped_example_mapping_reads():
    from pathlib import Path

    from loader.mapping import load_mapping

    mapping = load_mapping(Path(__file__).parents[1] / "docs" / "mapping.example.toml")
    assert mapping.table_for("慢病患者三色管理明细_202611.csv").name == "chronic_status"
    assert mapping.values["indicator_code"] == {"QYL_001": "fd_sign"}
    assert mapping.village_codes == {"522729101009": "522729101001"}


def test_sandiao_parcels_and_a_dbf_without_cpg(tmp_path, staging):
    """A 三调 layer: 19-digit ZLDWDM per parcel, GBK field names and no .cpg (--encoding gbk)."""
    import geopandas as gpd
    from shapely.geometry import box

    parcels = [(V1 + "0010001", 106.00), (V1 + "0020002", 106.01), (V2 + "0010001", 106.03)]
    gdf = gpd.GeoDataFrame(
        {"坐落代码": [code for code, _ in parcels]},
        geometry=[box(x, 26.0, x + 0.01, 26.01) for _, x in parcels],
        crs="EPSG:4490",
    )
    path = tmp_path / "三调.shp"
    gdf.to_file(path, driver="ESRI Shapefile", encoding="gbk", engine="pyogrio")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    rows = county_rows()
    rows.pop("chronic_status")
    folder = write_csv_folder(tmp_path / "gbk", rows, encoding="gbk")  # --encoding: all files
    staging.encoding = "gbk"
    validation = check(folder, staging, None, path, "坐落代码")
    assert not validation.report.errors, validation.report.errors
    rows = staging.con.execute(
        "SELECT village_code FROM norm_village_boundary ORDER BY 1"
    ).fetchall()
    assert rows == [(V1,), (V2,)]  # V1's two parcels merged into one outline
    notes = [p.reason for p in validation.report.problems if p.severity == NOTE]
    assert any("19 位三调坐落单位代码" in n and "2 个村" in n for n in notes)
