"""Official indicators (village rows per month, one county-level indicator) and village funding."""

from __future__ import annotations

import numpy as np
import pandas as pd

from demo.areas import Areas
from demo.chronic import ChronicSummary

INDICATORS = pd.DataFrame(
    [
        ("htn_std_mgmt", "高血压患者规范管理率", "%", True, "last", 66.0, 2.0),
        ("dm_std_mgmt", "糖尿病患者规范管理率", "%", True, "last", 65.0, 2.0),
        ("bp_control", "管理人群血压控制率", "%", True, "last", 60.0, 1.0),
        ("bg_control", "管理人群血糖控制率", "%", True, "last", 55.0, 1.0),
        ("elderly_mgmt", "65岁及以上老年人健康管理率", "%", True, "last", 70.0, 1.0),
        ("fd_sign", "家庭医生签约率", "%", True, "last", 45.0, 1.0),
        ("key_sign", "重点人群签约率", "%", True, "last", 75.0, 1.0),
        ("followup_overdue", "慢病随访逾期率", "%", False, "sum", 10.0, 1.0),
        ("primary_visit_share", "县域内基层医疗卫生机构门急诊占比", "%", True, "sum", 65.0, 1.0),
        ("ehr_rate", "居民电子健康档案建档率", "%", True, "last", 90.0, 0.0),
    ],
    columns=[
        "indicator_code",
        "name",
        "unit",
        "higher_is_better",
        "period_agg",
        "target",
        "weight",
    ],
)
COUNTY_LEVEL = "primary_visit_share"  # reported by the county's health statistics, not by village
GAP_INDICATOR = "bg_control"  # one middle month never arrived: pages must say "no data"
ZERO_DENOMINATOR_SHARE = 0.0005  # village rows reported as 0/0 (shown as —, never 0 %)
TILT_CLASS2 = 1.3  # 二类 villages get ~1.3× the per-capita funds of 一类 …
UNTILTED_CLASS2 = 0.85  # … except in one county, which the map should flag
FUNDS_PER_CAPITA_2024 = 38.0  # yuan of 基本公卫 funds passed down to the village, per resident


def indicator_values(
    rng: np.random.Generator, areas: Areas, chronic: ChronicSummary, months: list[str]
) -> pd.DataFrame:
    """indicator_value rows: village level for all but COUNTY_LEVEL; sorted by month."""
    village = areas.village
    n_months, n_villages = len(months), len(village)
    class2 = (village["village_class"] == 2).to_numpy()
    county = areas.village_county
    # A county is good or bad across the board, and improves at its own pace.
    performance = rng.normal(0, 0.035, len(areas.county))
    slope = rng.normal(0.0025, 0.002, len(areas.county))
    months_idx = np.arange(n_months)[:, None]

    def rate(first: float, second: float, spread: float = 0.04) -> np.ndarray:
        """Monthly probability per village: class level + county + village + trend + noise."""
        p = (
            np.where(class2, second, first)
            + performance[county]
            + rng.normal(0, spread, n_villages)
        )
        p = p + rng.normal(0, 0.02, len(areas.county))[county] + slope[county] * months_idx
        return np.clip(p + rng.normal(0, 0.012, (n_months, n_villages)), 0.02, 0.995)

    counts = chronic.counts  # (months, villages, diseases, colours)
    htn, dm = counts[:, :, 0, :], counts[:, :, 1, :]
    htn_n, dm_n = htn.sum(axis=2), dm.sum(axis=2)
    population = np.broadcast_to(village["population"].to_numpy(), (n_months, n_villages))
    key = np.broadcast_to(village["key_population"].to_numpy(), (n_months, n_villages))
    share65 = np.where(
        class2, rng.uniform(0.15, 0.20, n_villages), rng.uniform(0.12, 0.15, n_villages)
    )
    elderly = np.broadcast_to(
        np.round(village["population"].to_numpy() * share65), (n_months, n_villages)
    )
    due = rng.binomial(htn_n + dm_n, 1 / 3)
    binomial = rng.binomial
    control_shift = performance[county]
    values = {
        "htn_std_mgmt": (binomial(htn_n, rate(0.71, 0.61)), htn_n),
        "dm_std_mgmt": (binomial(dm_n, rate(0.69, 0.59)), dm_n),
        "bp_control": (
            binomial(htn[..., 0], np.clip(0.86 + control_shift, 0, 1))
            + binomial(htn[..., 1], 0.22),
            htn_n,
        ),
        "bg_control": (
            binomial(dm[..., 0], np.clip(0.82 + control_shift, 0, 1)) + binomial(dm[..., 1], 0.2),
            dm_n,
        ),
        "elderly_mgmt": (binomial(elderly.astype(np.int64), rate(0.74, 0.64)), elderly),
        "fd_sign": (binomial(population, rate(0.50, 0.42)), population),
        "key_sign": (binomial(key, rate(0.80, 0.70)), key),
        "followup_overdue": (binomial(due, 1.0 - rate(0.93, 0.87, spread=0.02)), due),
        "ehr_rate": (binomial(population, rate(0.92, 0.86, spread=0.02)), population),
    }
    frames = []
    month_arr = np.asarray(months)
    codes = village["village_code"].to_numpy()
    for code, (numerator, denominator) in values.items():
        numerator = np.asarray(numerator, dtype=float).copy()
        denominator = np.asarray(denominator, dtype=float).copy()
        zero = rng.random(numerator.shape) < ZERO_DENOMINATOR_SHARE
        numerator[zero] = denominator[zero] = 0.0
        keep = np.ones(n_months, dtype=bool)
        if code == GAP_INDICATOR and n_months >= 3:
            keep[n_months // 2] = False
        m, v = np.nonzero(np.broadcast_to(keep[:, None], (n_months, n_villages)))
        frames.append(
            _frame(code, "village", codes[v], month_arr[m], numerator[m, v], denominator[m, v])
        )
    frames.append(_county_visits(rng, areas, months, performance))
    result = pd.concat(frames, ignore_index=True)
    _force_zero_denominators(rng, result)
    return result.sort_values(
        ["month", "indicator_code", "area_code"], kind="stable", ignore_index=True
    )


def _frame(code, level, area_codes, months, numerator, denominator) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_code": code,
            "area_level": level,
            "area_code": area_codes,
            "month": months,
            "numerator": numerator,
            "denominator": denominator,
        }
    )


def _county_visits(rng, areas: Areas, months: list[str], performance: np.ndarray) -> pd.DataFrame:
    """Outpatient visits of each county's residents (winter busier); share seen in primary care."""
    n_counties, n_months = len(areas.county), len(months)
    population = np.bincount(
        areas.village_county, weights=areas.village["population"], minlength=n_counties
    )
    winter = np.array([1.0 + 0.15 * np.cos(2 * np.pi * (int(m[5:]) - 1) / 12) for m in months])
    visits = np.round(
        population[None, :]
        * 0.42
        * winter[:, None]
        * rng.lognormal(0, 0.05, (n_months, n_counties))
    )
    share = np.clip(
        0.62 + 1.5 * performance[None, :] + rng.normal(0, 0.012, (n_months, n_counties)), 0.3, 0.9
    )
    primary = rng.binomial(visits.astype(np.int64), share).astype(float)
    m, c = np.nonzero(np.ones((n_months, n_counties), dtype=bool))
    codes = areas.county["county_code"].to_numpy()
    return _frame(
        COUNTY_LEVEL, "county", codes[c], np.asarray(months)[m], primary[m, c], visits[m, c]
    )


def _force_zero_denominators(rng, values: pd.DataFrame) -> None:
    """Make sure a few village rows are 0/0, even in a tiny database."""
    village_rows = np.flatnonzero((values["area_level"] == "village").to_numpy())
    rows = rng.choice(village_rows, size=min(3, len(village_rows)), replace=False)
    values.loc[rows, ["numerator", "denominator"]] = 0.0


def village_funding(rng: np.random.Generator, areas: Areas, months: list[str]) -> pd.DataFrame:
    """Yearly funds per village (yuan) for every year the months touch, tilted toward 二类."""
    village = areas.village
    n = len(village)
    class2 = (village["village_class"] == 2).to_numpy()
    untilted = int(rng.integers(1, len(areas.county))) if len(areas.county) > 1 else 0
    tilt = np.where(
        areas.village_county == untilted, UNTILTED_CLASS2, TILT_CLASS2 * rng.uniform(0.92, 1.08, n)
    )
    tilt = np.where(class2, tilt, 1.0)
    frames = []
    for year in sorted({int(m[:4]) for m in months}):
        per_capita = (
            (FUNDS_PER_CAPITA_2024 + 2.0 * (year - 2024)) * tilt * rng.lognormal(0, 0.08, n)
        )
        amount = np.round(village["population"].to_numpy() * per_capita, -1)
        frames.append(
            pd.DataFrame({"village_code": village["village_code"], "year": year, "amount": amount})
        )
    return pd.concat(frames, ignore_index=True)
