"""A small hand-made database with the awkward cases; expected figures are worked out in tests.

Counties: A 990101 (three townships: 东镇 with both classes, 西镇 with 一类 only, 空镇 empty),
B 990102, C 990103 (no data for the county-level indicator), D 990104 (ties with C),
E 990105 (no townships, no data).
"""

A, B, C, D, E = "990101", "990102", "990103", "990104", "990105"
EAST, WEST, EMPTY = "990101001", "990101002", "990101003"
SOUTH, NORTH, DTOWN = "990102001", "990103001", "990104001"
V1, V2, V3 = "990101001001", "990101001002", "990101002001"
V4, V5, V6 = "990102001001", "990103001001", "990104001001"


def _village(code, township, name, cls, pop, key):
    return {
        "village_code": code,
        "township_code": township,
        "name": name,
        "village_class": cls,
        "population": pop,
        "key_population": key,
        "area_km2": 3.5,
        "distance_km": 4.0 if cls == 1 else 21.0,
        "road": "good" if cls == 1 else "poor",
        "lon": 106.5,
        "lat": 26.1,
    }


def service_row(team, month, stype, level, n):
    return {
        "team_id": team,
        "month": month,
        "service_type": stype,
        "member_level": level,
        "services": n,
    }


def chronic_row(month, patient, village, disease, color, level):
    return {
        "month": month,
        "patient_id": patient,
        "village_code": village,
        "disease": disease,
        "color": color,
        "managed_level": level,
    }


def indicator_value_row(code, level, area, month, num, den):
    return {
        "indicator_code": code,
        "area_level": level,
        "area_code": area,
        "month": month,
        "numerator": num,
        "denominator": den,
    }


SQUARE = '{"type": "Polygon", "coordinates": [[[106.0, 26.0], [106.1, 26.0], [106.1, 26.1], [106.0, 26.0]]]}'

ROWS = {
    "county": [
        {"county_code": A, "name": "清河县", "prefecture": "演示州"},
        {"county_code": B, "name": "O'Brien县", "prefecture": "演示州"},
        {"county_code": C, "name": "丙县", "prefecture": "演示州"},
        {"county_code": D, "name": "丁县", "prefecture": "演示州"},
        {"county_code": E, "name": "戊县", "prefecture": "演示州"},
    ],
    "township": [
        {"township_code": EAST, "county_code": A, "name": "东镇", "health_center": "东镇卫生院"},
        {"township_code": WEST, "county_code": A, "name": "西镇", "health_center": "西镇卫生院"},
        {"township_code": EMPTY, "county_code": A, "name": "空镇", "health_center": "空镇卫生院"},
        {
            "township_code": SOUTH,
            "county_code": B,
            "name": "石'门镇",
            "health_center": "石门卫生院",
        },
        {"township_code": NORTH, "county_code": C, "name": "北镇", "health_center": "北镇卫生院"},
        {"township_code": DTOWN, "county_code": D, "name": "丁镇", "health_center": "丁镇卫生院"},
    ],
    "village": [
        _village(V1, EAST, "三台村", 1, 1000, 300),
        _village(V2, EAST, "<b>高坡</b>村", 2, 500, 200),
        _village(V3, WEST, "㵲水村", 1, 800, 250),
        _village(V4, SOUTH, "石'门村", 2, 600, 150),
        _village(V5, NORTH, "北村", 1, 700, 210),
        _village(V6, DTOWN, "丁村", 1, 400, 100),
    ],
    "village_boundary": [{"village_code": V1, "geojson": SQUARE}],
    "team": [
        {"team_id": "T1", "township_code": EAST, "name": "三台村医防融合团队", "leader": "王一"},
        {"team_id": "T2", "township_code": WEST, "name": "㵲水村团队", "leader": "李二"},
        {"team_id": "T3", "township_code": WEST, "name": "O'Hara团队", "leader": "张三"},
        {"team_id": "T4", "township_code": SOUTH, "name": "石门团队", "leader": "赵四"},
        {"team_id": "T5", "township_code": NORTH, "name": "北村团队", "leader": "钱五"},
    ],
    "team_member": [
        {"member_id": "m1", "team_id": "T1", "name": "甲", "level": "county", "role": "专科医生"},
        {"member_id": "m2", "team_id": "T1", "name": "乙", "level": "township", "role": "全科医生"},
        {"member_id": "m3", "team_id": "T1", "name": "丙", "level": "village", "role": "乡村医生"},
        {"member_id": "m4", "team_id": "T1", "name": "丁", "level": "other", "role": "健康管理师"},
        {"member_id": "m5", "team_id": "T2", "name": "戊", "level": "village", "role": "乡村医生"},
        {"member_id": "m6", "team_id": "T2", "name": "己", "level": "village", "role": "乡村医生"},
        {"member_id": "m7", "team_id": "T3", "name": "庚", "level": "township", "role": "护士"},
        {"member_id": "m8", "team_id": "T4", "name": "辛", "level": "village", "role": "乡村医生"},
    ],
    "team_village": [
        {"team_id": "T1", "village_code": V1},
        {"team_id": "T1", "village_code": V2},
        {"team_id": "T2", "village_code": V3},
        {"team_id": "T4", "village_code": V4},
        {"team_id": "T5", "village_code": V5},
    ],
    "service_type": [
        {"service_type": "sign", "name": "签约", "points": 2.0},
        {"service_type": "follow_up", "name": "随访", "points": 1.5},
        {"service_type": "health_check", "name": "体检", "points": 3.0},
    ],
    "team_service": [
        service_row("T1", "2025-12", "sign", "village", 100),
        service_row("T1", "2026-01", "follow_up", "village", 10),
        service_row("T1", "2026-01", "follow_up", "township", 5),
        service_row("T1", "2026-02", "sign", "county", 4),
        service_row("T1", "2026-03", "health_check", "village", 2),
        service_row("T2", "2026-02", "follow_up", "village", 7),
        service_row("T2", "2026-03", "sign", "other", 3),
        service_row("T4", "2026-03", "health_check", "county", 0),
        service_row("T5", "2026-01", "sign", "village", 1),
    ],
    "sample_check": [
        {"team_id": "T1", "month": "2025-12", "checked": 5, "passed": 5},
        {"team_id": "T1", "month": "2026-03", "checked": 10, "passed": 7},
        {"team_id": "T2", "month": "2026-03", "checked": 0, "passed": 0},
    ],
    # No rows at all in 2026-02: a month with no chronic data.
    "chronic_status": [
        chronic_row("2025-12", "p1", V1, "hypertension", "green", "village"),
        chronic_row("2025-12", "p1", V1, "diabetes", "green", "village"),
        chronic_row("2025-12", "p2", V2, "hypertension", "red", "county"),
        chronic_row("2025-12", "p4", V3, "diabetes", "yellow", "township"),
        chronic_row("2025-12", "p5", V4, "tuberculosis", "red", "county"),
        chronic_row("2026-01", "p1", V1, "hypertension", "yellow", "township"),
        chronic_row("2026-01", "p2", V2, "hypertension", "red", "county"),
        chronic_row("2026-01", "p3", V3, "hypertension", "green", "village"),
        chronic_row("2026-03", "p1", V1, "hypertension", "red", "township"),
        chronic_row("2026-03", "p1", V1, "diabetes", "green", "village"),
        chronic_row("2026-03", "p2", V2, "hypertension", "yellow", "county"),
        chronic_row("2026-03", "p3", V3, "hypertension", "green", "township"),
        chronic_row("2026-03", "p5", V4, "tuberculosis", "red", "county"),
        chronic_row("2026-03", "p6", V5, "hypertension", "green", "village"),
    ],
    "indicator": [
        {
            "indicator_code": "htn",
            "name": "高血压患者规范管理率",
            "unit": "%",
            "higher_is_better": True,
            "period_agg": "last",
            "target": 60.0,
            "weight": 2.0,
        },
        {
            "indicator_code": "fup",
            "name": "慢病随访逾期率",
            "unit": "%",
            "higher_is_better": False,
            "period_agg": "sum",
            "target": 10.0,
            "weight": 1.0,
        },
        {
            "indicator_code": "pvs",
            "name": "县域内基层医疗卫生机构门急诊占比",
            "unit": "%",
            "higher_is_better": True,
            "period_agg": "sum",
            "target": 50.0,
            "weight": 1.0,
        },
        {
            "indicator_code": "ehr",
            "name": "居民电子健康档案建档率",
            "unit": "%",
            "higher_is_better": True,
            "period_agg": "last",
            "target": 90.0,
            "weight": 0.0,
        },
    ],
    # htn has no rows in 2026-03 (a missing month); V5's only htn row has a zero denominator.
    "indicator_value": [
        indicator_value_row("htn", "village", V1, "2026-01", 30, 50),
        indicator_value_row("htn", "village", V2, "2026-01", 10, 20),
        indicator_value_row("htn", "village", V3, "2026-01", 8, 10),
        indicator_value_row("htn", "village", V4, "2026-01", 5, 10),
        indicator_value_row("htn", "village", V5, "2026-01", 0, 0),
        indicator_value_row("htn", "village", V1, "2026-02", 35, 50),
        indicator_value_row("htn", "village", V2, "2026-02", 12, 20),
        indicator_value_row("htn", "village", V3, "2026-02", 9, 10),
        indicator_value_row("htn", "village", V4, "2026-02", 6, 10),
        indicator_value_row("fup", "village", V1, "2026-01", 2, 20),
        indicator_value_row("fup", "village", V2, "2026-01", 3, 10),
        indicator_value_row("fup", "village", V4, "2026-01", 0, 10),
        indicator_value_row("fup", "village", V1, "2026-02", 1, 20),
        indicator_value_row("fup", "village", V3, "2026-02", 0, 5),
        indicator_value_row("fup", "village", V6, "2026-02", 0, 10),
        indicator_value_row("fup", "village", V1, "2026-03", 1, 20),
        indicator_value_row("fup", "village", V2, "2026-03", 2, 10),
        indicator_value_row("fup", "village", V5, "2026-03", 1, 10),
        indicator_value_row("pvs", "county", A, "2026-01", 40, 100),
        indicator_value_row("pvs", "county", B, "2026-01", 60, 100),
        indicator_value_row("pvs", "county", A, "2026-02", 50, 100),
        indicator_value_row("pvs", "county", B, "2026-02", 30, 100),
        indicator_value_row("pvs", "county", A, "2026-03", 0, 0),
        indicator_value_row("pvs", "county", B, "2026-03", 30, 100),
        indicator_value_row("ehr", "village", V1, "2026-03", 90, 100),
        indicator_value_row("ehr", "village", V2, "2026-03", 40, 50),
    ],
    "village_funding": [
        {"village_code": V1, "year": 2026, "amount": 50000.0},
        {"village_code": V2, "year": 2026, "amount": 40000.0},
    ],
    "data_meta": [
        {"meta_key": "extracted_at", "meta_value": "2026-04-02T08:00:00+08:00"},
        {"meta_key": "source", "meta_value": "手工测试库"},
    ],
}
