"""A small county as the bureau would hand it over, written as a filled template, a GBK CSV
folder and a Shapefile in EPSG:4490. Figures expected from it are worked out in the tests.

青山县 990801: 河口镇 (V1 一类, V2 二类, team T1) and 石桥乡 (V3 一类, V4 二类, team T2);
chronic rows for 2026-01 and 2026-02, services, checks and one rate indicator.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import geopandas as gpd
import sqlalchemy as sa
from openpyxl import load_workbook
from shapely.geometry import Polygon, box

from data_access.schema import metadata
from loader.columns import BY_NAME
from loader.history import history_metadata
from loader.template import build_template

COUNTY = "990801"
T_HEKOU, T_SHIQIAO = "990801001", "990801002"
V1, V2, V3, V4 = "990801001001", "990801001002", "990801002001", "990801002002"


def _village(code, township, name, cls, pop, key, road, lon):
    return {
        "village_code": code,
        "township_code": township,
        "name": name,
        "village_class": cls,
        "population": pop,
        "key_population": key,
        "area_km2": 8.5,
        "distance_km": 3.0 if cls == "一类" else 19.5,
        "road": road,
        "lon": lon,
        "lat": 26.0,
    }


def _chronic(month, patient, village, disease, color, level):
    return {
        "month": month,
        "patient_id": patient,
        "village_code": village,
        "disease": disease,
        "color": color,
        "managed_level": level,
    }


def _service(team, month, stype, level, n):
    return {
        "team_id": team,
        "month": month,
        "service_type": stype,
        "member_level": level,
        "services": n,
    }


def _value(area, month, num, den):
    return {
        "indicator_code": "htn_std_mgmt",
        "area_level": "村",
        "area_code": area,
        "month": month,
        "numerator": num,
        "denominator": den,
    }


def county_rows() -> dict[str, list[dict]]:
    """The county's rows with the Chinese labels a person types (绿标, 村级, 一类 …)."""
    return {
        "county": [{"county_code": COUNTY, "name": "青山县", "prefecture": "演示州"}],
        "township": [
            {
                "township_code": T_HEKOU,
                "county_code": COUNTY,
                "name": "河口镇",
                "health_center": "河口镇卫生院",
            },
            {
                "township_code": T_SHIQIAO,
                "county_code": COUNTY,
                "name": "石桥乡",
                "health_center": "石桥乡卫生院",
            },
        ],
        "village": [
            _village(V1, T_HEKOU, "河口村", "一类", 1200, 300, "好", 106.01),
            _village(V2, T_HEKOU, "岩脚村", "二类", 800, 260, "差", 106.03),
            _village(V3, T_SHIQIAO, "石桥村", "一类", 1000, 310, "一般", 106.05),
            _village(V4, T_SHIQIAO, "高寨村", "二类", 600, 200, "差", 106.07),
        ],
        "team": [
            {
                "team_id": "T1",
                "township_code": T_HEKOU,
                "name": "河口医防融合团队",
                "leader": "王一",
            },
            {
                "team_id": "T2",
                "township_code": T_SHIQIAO,
                "name": "石桥医防融合团队",
                "leader": "李二",
            },
        ],
        "team_member": [
            {
                "member_id": "m1",
                "team_id": "T1",
                "name": "张乡医",
                "level": "村级",
                "role": "乡村医生",
            },
            {
                "member_id": "m2",
                "team_id": "T1",
                "name": "赵全科",
                "level": "乡级",
                "role": "全科医生",
            },
            {
                "member_id": "m3",
                "team_id": "T1",
                "name": "钱专科",
                "level": "县级",
                "role": "专科医生",
            },
            {
                "member_id": "m4",
                "team_id": "T2",
                "name": "孙乡医",
                "level": "村级",
                "role": "乡村医生",
            },
            {
                "member_id": "m5",
                "team_id": "T2",
                "name": "周乡医",
                "level": "村级",
                "role": "乡村医生",
            },
        ],
        "team_village": [
            {"team_id": "T1", "village_code": V1},
            {"team_id": "T1", "village_code": V2},
            {"team_id": "T2", "village_code": V3},
            {"team_id": "T2", "village_code": V4},
        ],
        "service_type": [
            {"service_type": "签约", "name": "签约", "points": 2},
            {"service_type": "随访", "name": "随访", "points": 1.5},
        ],
        "team_service": [
            _service("T1", "2026-01", "签约", "村级", 3),
            _service("T1", "2026-02", "签约", "村级", 10),
            _service("T1", "2026-02", "随访", "乡级", 4),
            _service("T2", "2026-02", "随访", "村级", 6),
        ],
        "sample_check": [
            {"team_id": "T1", "month": "2026-02", "checked": 5, "passed": 4},
            {"team_id": "T2", "month": "2026-02", "checked": 2, "passed": 2},
        ],
        "chronic_status": [
            _chronic("2026-01", "p1", V1, "高血压", "绿标", "村级"),
            _chronic("2026-01", "p2", V2, "糖尿病", "黄标", "乡级"),
            _chronic("2026-01", "p3", V3, "高血压", "红标", "乡级"),
            _chronic("2026-02", "p1", V1, "高血压", "黄标", "乡级"),
            _chronic("2026-02", "p1", V1, "糖尿病", "绿标", "乡级"),
            _chronic("2026-02", "p2", V2, "糖尿病", "黄标", "乡级"),
            _chronic("2026-02", "p3", V3, "高血压", "红标", "县级"),
            _chronic("2026-02", "p4", V4, "高血压", "绿标", "村级"),
        ],
        "indicator": [
            {
                "indicator_code": "htn_std_mgmt",
                "name": "高血压患者规范管理率",
                "unit": "%",
                "higher_is_better": "是",
                "period_agg": "末月值",
                "target": 60,
                "weight": 1,
            }
        ],
        "indicator_value": [
            _value(V1, "2026-02", 30, 50),
            _value(V2, "2026-02", 10, 20),
            _value(V3, "2026-02", 20, 40),
            _value(V4, "2026-02", 5, 10),
        ],
        "village_funding": [
            {"village_code": V1, "year": 2026, "amount": 50000},
            {"village_code": V2, "year": 2026, "amount": 70000},
        ],
    }


def fill_template(path: Path, rows: dict[str, list[dict]]) -> Path:
    """The template with its example rows deleted and the given rows typed in (codes as text)."""
    build_template(path)
    wb = load_workbook(path)
    for spec_name in BY_NAME:
        ws = wb[spec_name]
        ws.delete_rows(2)
        columns = [c.name for c in BY_NAME[spec_name].columns]
        for number, row in enumerate(rows.get(spec_name, []), start=2):
            for index, column in enumerate(columns, start=1):
                ws.cell(row=number, column=index, value=row.get(column))
    wb.save(path)
    return path


def write_csv_folder(
    folder: Path, rows: dict[str, list[dict]], encoding: str = "gbk", chinese_headers: bool = True
) -> Path:
    """One CSV per table, as Chinese Excel saves them (GBK by default, Chinese headers)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, table_rows in rows.items():
        spec = BY_NAME[name]
        columns = [c.name for c in spec.columns]
        header = [c.label if chinese_headers else c.name for c in spec.columns]
        with (folder / f"{name}.csv").open("w", encoding=encoding, newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            for row in table_rows:
                writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    return folder


def village_polygons() -> dict[str, Polygon]:
    return {
        code: box(lon - 0.01, 25.99, lon + 0.01, 26.01)
        for code, lon in ((V1, 106.01), (V2, 106.03), (V3, 106.05), (V4, 106.07))
    }


def write_shapefile(path: Path, code_field: str = "CUN_DM", bowtie: str | None = None) -> Path:
    """Village outlines in EPSG:4490 (CGCS2000), codes in `code_field`; `bowtie` gets a
    self-intersecting ring."""
    shapes = village_polygons()
    if bowtie is not None:
        x0, y0, x1, y1 = shapes[bowtie].bounds
        shapes[bowtie] = Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1), (x0, y0)])
    gdf = gpd.GeoDataFrame(
        {code_field: list(shapes), "NAME": ["河口村", "岩脚村", "石桥村", "高寨村"]},
        geometry=list(shapes.values()),
        crs="EPSG:4490",
    )
    gdf.to_file(path, driver="ESRI Shapefile", encoding="utf-8", engine="pyogrio")
    return path


# ---------------------------------------------------------------- databases

PG_ADMIN = os.environ.get(
    "TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/yfrh_test"
)
MYSQL_ADMIN = os.environ.get(
    "TEST_MYSQL_ADMIN_URL", "mysql+pymysql://root@127.0.0.1:3306/yfrh_test?charset=utf8mb4"
)
# Other test modules use yfrh_test at the same time: the loader's tests keep to their own
# (per checkout, after YFRH_TEST_DB).
LOADER_DB = os.environ.get("YFRH_TEST_DB", "yfrh_test") + "_loader"


def server_url(dialect: str) -> str:
    """The loader tests' own database on the local server (created when absent)."""
    admin = sa.engine.make_url(PG_ADMIN if dialect == "postgresql" else MYSQL_ADMIN)
    if dialect == "postgresql":
        engine = sa.create_engine(admin.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            exists = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": LOADER_DB}
            ).scalar()
            if not exists:
                conn.exec_driver_sql(f"CREATE DATABASE {LOADER_DB}")
    else:
        # No database in the URL (URL.set(database=None) keeps it on SQLAlchemy 2.1).
        server = sa.engine.URL.create(
            admin.drivername, admin.username, admin.password, admin.host, admin.port,
            query=admin.query,
        )  # fmt: skip
        engine = sa.create_engine(server)
        with engine.begin() as conn:
            conn.exec_driver_sql(
                f"CREATE DATABASE IF NOT EXISTS {LOADER_DB} "
                "CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
            )
    engine.dispose()
    url = admin.set(database=LOADER_DB).render_as_string(hide_password=False)
    clean = sa.create_engine(url)
    metadata.drop_all(clean)
    history_metadata.drop_all(clean)  # the loader's own history tables too
    clean.dispose()
    return url


def row_counts(url: str) -> dict[str, int]:
    from demo.writer import writer_engine

    engine = writer_engine(url)
    try:
        present = set(sa.inspect(engine).get_table_names())
        with engine.connect() as conn:
            return {
                t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                for t in metadata.sorted_tables
                if t.name in present
            }
    finally:
        engine.dispose()
