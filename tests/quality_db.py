"""A hand-made database for 数据质量 with one planted case per rule and clean rows beside them.

Months: services 2025-01 … 2026-03 (so 2026-Q1 has twelve months of history), chronic rows
2025-04 … 2026-03 (the twelve months the colour rules look at). Every team delivers health
checks of a steady size that wobbles by a few services (no run of equal months) unless its
case says otherwise.

County A 清河县 990101
  东镇 (EAST)   TP 全合格团队 (V1): 300 a month, 抽查 30 of 30 in 2026-03, peers TC1 TC2 TQ at
                ~100 (Q1 300, 300, 390: median 300, TP 900 = 3×)
                TC1 (VF), TC2 (V2): clean · TQ (VQ): 2026-03 190 after 100 and 100 (季末 1.9×)
  西镇 (WEST)   TS 突增团队 (VS): ~100, 2026-02 500 (5×) · TW (VW, VN): 40 follow-ups in 2026-01
                for 3 chronic rows · TX (VX, no residents): ~50 a month · TI (VFL): 80 a month
                from 2025-10 to 2026-03 (six equal months)
County B 乙县 990102
  南镇 (SOUTH)  TD (VD): one member, ~700 a month (over 30 a working day)
  北镇 (NORTH)  TN (VNN): ~200 a month, 抽查 2 in the quarter (0.3 %)

Chronic (all hypertension unless said): VF six patients green all twelve months (frozen);
V1 four patients alternating green/yellow every month; V2 one patient turning yellow in
2025-10; VW w1 turning yellow in 2025-10 and w2 yellow throughout; VN n1 green throughout
(too few rows to be judged frozen); VS one change in 2026-01; VFL four patients green, red,
green in 2026-01 … 03 (flip-flops); patient `dup` in V1 (hypertension) and V2 (diabetes) in
2026-03; VD one change. VN has 0 signed residents of 100 (家庭医生签约率).
"""

from __future__ import annotations

A, B = "990101", "990102"
EAST, WEST, SOUTH, NORTH = "990101001", "990101002", "990102001", "990102002"
V1, V2, VF, VQ = "990101001001", "990101001002", "990101001003", "990101001004"
VS, VW, VN, VX, VFL = (
    "990101002001",
    "990101002002",
    "990101002003",
    "990101002004",
    "990101002005",
)
VD, VNN = "990102001001", "990102002001"

MONTHS_2025 = [f"2025-{m:02d}" for m in range(1, 13)]
Q1 = ["2026-01", "2026-02", "2026-03"]
TREND = [*MONTHS_2025[3:], *Q1]  # 2025-04 … 2026-03

# Monthly totals 2025-01 … 2025-12, then 2026-01 … 2026-03.
WOBBLE = [0, 3, -3, 1, -1, 0, 4, -4, 0, 2, -2, 1]
SERVICES = {
    "TP": [300 + w for w in WOBBLE] + [300, 302, 298],
    "TC1": [100 + w for w in WOBBLE] + [100, 101, 99],
    "TC2": [100 - w for w in WOBBLE] + [101, 99, 100],
    "TQ": [100 + w for w in WOBBLE] + [100, 100, 190],
    "TS": [100, 104, 96, 100, 102, 98, 100, 105, 95, 101, 99, 100] + [100, 500, 100],
    "TW": [60 + w for w in WOBBLE] + [60, 61, 59],
    "TX": [50 + w for w in WOBBLE] + [50, 51, 49],
    "TI": [70, 72, 68, 71, 69, 70, 73, 67, 70, 80, 80, 80] + [80, 80, 80],
    "TD": [700 + w for w in WOBBLE] + [700, 702, 698],
    "TN": [200 + w for w in WOBBLE] + [200, 201, 199],
}
TW_FOLLOW_UPS = 40  # of TW's 60 in 2026-01

TEAMS = {  # team → (township, name, members, villages)
    "TP": (EAST, "全合格团队", 3, [V1]),
    "TC1": (EAST, "东一团队", 3, [VF]),
    "TC2": (EAST, "东二团队", 3, [V2]),
    "TQ": (EAST, "季末团队", 3, [VQ]),
    "TS": (WEST, "突增团队", 4, [VS]),
    "TW": (WEST, "随访团队", 2, [VW, VN]),
    "TX": (WEST, "无人村团队", 2, [VX]),
    "TI": (WEST, "照抄团队", 2, [VFL]),
    "TD": (SOUTH, "独人团队", 1, [VD]),
    "TN": (NORTH, "北镇团队", 3, [VNN]),
}
CHECKS = {  # team → (checked, passed) in 2026-03
    "TP": (30, 30),
    "TC1": (20, 19),
    "TC2": (20, 19),
    "TQ": (20, 19),
    "TS": (40, 38),
    "TW": (20, 19),
    "TD": (110, 100),
    "TN": (2, 2),
}
VILLAGES = {  # village → (township, name, population)
    V1: (EAST, "一村", 1000),
    V2: (EAST, "二村", 500),
    VF: (EAST, "不变村", 300),
    VQ: (EAST, "季村", 400),
    VS: (WEST, "突村", 400),
    VW: (WEST, "随村", 200),
    VN: (WEST, "未签村", 100),
    VX: (WEST, "无人村", 0),
    VFL: (WEST, "往返村", 200),
    VD: (SOUTH, "独村", 100),
    VNN: (NORTH, "北村", 300),
}
SIGNED = {V1: (400, 1000), V2: (200, 500), VF: (100, 300), VN: (0, 100), VW: (50, 200)}
LEVEL = {"green": "village", "yellow": "township", "red": "county"}


def _chronic(month, patient, village, color, disease="hypertension"):
    return {
        "month": month,
        "patient_id": patient,
        "village_code": village,
        "disease": disease,
        "color": color,
        "managed_level": LEVEL[color],
    }


def _chronic_rows() -> list[dict]:
    rows = []
    for i, month in enumerate(TREND):
        late = month >= "2025-10"
        rows += [_chronic(month, f"f{k}", VF, "green") for k in range(1, 7)]
        rows += [
            _chronic(month, f"a{k}", V1, "green" if i % 2 == 0 else "yellow") for k in range(1, 5)
        ]
        rows.append(_chronic(month, "b1", V2, "yellow" if late else "green", "diabetes"))
        rows.append(_chronic(month, "w1", VW, "yellow" if late else "green"))
        rows.append(_chronic(month, "w2", VW, "yellow"))
        rows.append(_chronic(month, "n1", VN, "green"))
        rows.append(_chronic(month, "s1", VS, "yellow" if month >= "2026-01" else "green"))
        rows.append(_chronic(month, "d1", VD, "yellow" if late else "green"))
    for month, color in zip(Q1, ("green", "red", "green"), strict=True):
        rows += [_chronic(month, f"g{k}", VFL, color) for k in range(1, 5)]
    rows.append(_chronic("2026-03", "dup", V1, "green"))
    rows.append(_chronic("2026-03", "dup", V2, "green", "diabetes"))
    return rows


def _services() -> list[dict]:
    rows = []
    for team_id, values in SERVICES.items():
        for month, n in zip([*MONTHS_2025, *Q1], values, strict=True):
            follow = TW_FOLLOW_UPS if (team_id, month) == ("TW", "2026-01") else 0
            rows.append(
                {"team_id": team_id, "month": month, "service_type": "health_check",
                 "member_level": "village", "services": n - follow}
            )  # fmt: skip
            if follow:
                rows.append(
                    {"team_id": team_id, "month": month, "service_type": "follow_up",
                     "member_level": "village", "services": follow}
                )  # fmt: skip
    return rows


ROWS = {
    "county": [
        {"county_code": A, "name": "清河县", "prefecture": "演示州"},
        {"county_code": B, "name": "乙县", "prefecture": "演示州"},
    ],
    "township": [
        {"township_code": EAST, "county_code": A, "name": "东镇", "health_center": "东镇卫生院"},
        {"township_code": WEST, "county_code": A, "name": "西镇", "health_center": "西镇卫生院"},
        {"township_code": SOUTH, "county_code": B, "name": "南镇", "health_center": "南镇卫生院"},
        {"township_code": NORTH, "county_code": B, "name": "北镇", "health_center": "北镇卫生院"},
    ],
    "village": [
        {
            "village_code": code,
            "township_code": town,
            "name": name,
            "village_class": 1,
            "population": people,
            "key_population": people // 4,
            "area_km2": 3.0,
            "distance_km": 4.0,
            "road": "good",
            "lon": 106.5,
            "lat": 26.1,
        }
        for code, (town, name, people) in VILLAGES.items()
    ],  # fmt: skip
    "team": [
        {"team_id": t, "township_code": town, "name": name, "leader": "队长"}
        for t, (town, name, _, _) in TEAMS.items()
    ],
    "team_member": [
        {
            "member_id": f"{t}-{k}",
            "team_id": t,
            "name": f"成员{k}",
            "level": "village",
            "role": "乡村医生",
        }
        for t, (_, _, members, _) in TEAMS.items()
        for k in range(1, members + 1)
    ],  # fmt: skip
    "team_village": [
        {"team_id": t, "village_code": v} for t, (_, _, _, vs) in TEAMS.items() for v in vs
    ],
    "service_type": [
        {"service_type": "follow_up", "name": "随访", "points": 1.5},
        {"service_type": "health_check", "name": "体检", "points": 3.0},
    ],
    "team_service": _services(),
    "sample_check": [
        {"team_id": t, "month": "2026-03", "checked": c, "passed": p}
        for t, (c, p) in CHECKS.items()
    ],
    "chronic_status": _chronic_rows(),
    "indicator": [
        {
            "indicator_code": "fd_sign",
            "name": "家庭医生签约率",
            "unit": "%",
            "higher_is_better": True,
            "period_agg": "last",
            "target": 45.0,
            "weight": 1.0,
        },
    ],  # fmt: skip
    "indicator_value": [
        {
            "indicator_code": "fd_sign",
            "area_level": "village",
            "area_code": v,
            "month": "2026-03",
            "numerator": n,
            "denominator": d,
        }
        for v, (n, d) in SIGNED.items()
    ],  # fmt: skip
    "data_meta": [
        {"meta_key": "extracted_at", "meta_value": "2026-04-05T08:00:00+08:00"},
        {"meta_key": "source", "meta_value": "数据质量手工库"},
    ],
}
