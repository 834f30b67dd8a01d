"""Build a complete, deterministic demo database for any supported SQLAlchemy URL."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from data_access import schema
from demo import planted as plant
from demo.areas import build_areas
from demo.chronic import ChronicSimulator
from demo.indicators import INDICATORS, indicator_values, village_funding
from demo.scales import get_scale, month_range
from demo.teams import SERVICE_TYPES, build_teams, sample_checks, team_services
from demo.writer import open_writer
from views import labels

Progress = Callable[[float, str], None]

# Share of the progress bar each phase takes (chronic_status is most of the rows).
CHRONIC_START, CHRONIC_END = 0.25, 0.85


def build_database(
    url: str, scale: str = "demo", seed: int = 42, progress: Progress | None = None
) -> None:
    """Write every contract table of a demo database to `url` (existing contract tables are replaced)."""
    report = progress or (lambda fraction, message: None)
    spec = get_scale(scale)
    months = month_range(spec.months)
    # One independent stream per subject, so changing one generator leaves the others' data alone.
    rng_areas, rng_teams, rng_services, rng_checks, rng_chronic, rng_indicators, rng_funds = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(7)
    )

    report(0.0, "生成区划与网格边界…")
    areas = build_areas(rng_areas, spec)
    report(0.08, "生成家庭医生团队与服务记录…")
    teams = build_teams(rng_teams, areas)
    services = team_services(rng_services, areas, teams, months)
    checks = sample_checks(rng_checks, teams, services, months)
    # Data-quality cases for 数据质量, chosen by position: every other figure stays as it was.
    planted = plant.choose(areas, teams, services, months)
    village = areas.village
    if planted is not None:
        services = plant.plant_services(services, planted)
        checks = plant.plant_checks(checks, services, planted)
        village = plant.plant_villages(village, planted)

    with open_writer(url) as writer:
        report(0.12, "建立数据表…")
        writer.reset_tables()
        report(0.14, "写入区划、网格与边界…")
        writer.insert(schema.county, areas.county)
        writer.insert(schema.township, areas.township)
        writer.insert(schema.village, village)
        writer.insert(schema.village_boundary, areas.boundary)
        report(0.18, "写入团队、服务与抽查…")
        writer.insert(schema.team, teams.team)
        writer.insert(schema.team_member, teams.member)
        writer.insert(schema.team_village, teams.team_village)
        writer.insert(schema.service_type, SERVICE_TYPES)
        writer.insert(schema.team_service, services)
        writer.insert(schema.sample_check, checks)

        simulator = ChronicSimulator(rng_chronic, areas, months)
        step = (CHRONIC_END - CHRONIC_START) / len(months)
        tables = simulator.months_tables()
        if planted is not None:
            tables = plant.plant_chronic(tables, planted)
        for i, (month, rows) in enumerate(tables):
            report(CHRONIC_START + i * step, f"写入慢病三色数据 {month}（{rows.num_rows:,} 行）…")
            writer.insert(schema.chronic_status, rows)

        report(CHRONIC_END, "写入指标、经费与元数据…")
        writer.insert(schema.indicator, INDICATORS)
        writer.insert(
            schema.indicator_value,
            indicator_values(rng_indicators, areas, simulator.summary, months),
        )
        writer.insert(schema.village_funding, village_funding(rng_funds, areas, months))
        writer.insert(schema.data_meta, data_meta(scale, seed, months[-1]))
        report(0.92, "创建索引并整理数据库…")
        writer.finish()
    report(1.0, f"完成：{len(areas.village):,} 个村、{simulator.summary.rows:,} 行慢病记录")


def data_meta(scale: str, seed: int, last_month: str) -> pd.DataFrame:
    """Metadata rows; the extract time is derived from the data (5th of the next month, 08:00)."""
    year, month = int(last_month[:4]), int(last_month[5:])
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return pd.DataFrame(
        {
            "meta_key": ["extracted_at", "source", "demo", "scale", "seed"],
            "meta_value": [
                f"{year:04d}-{month:02d}-05T08:00:00+08:00",
                labels.DEMO_SOURCE,  # the bureau's words; scale and seed have their own keys
                "true",
                scale,
                str(seed),
            ],
        }
    )


def build_demo_file(
    path: Path, scale: str = "demo", seed: int = 42, progress: Progress | None = None
) -> None:
    """Build a DuckDB file next to `path`, then move it into place in one step (never half-built)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.building")
    leftovers = (temp, temp.with_name(temp.name + ".wal"))
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)
    try:
        build_database(f"duckdb:///{temp}", scale=scale, seed=seed, progress=progress)
        # A stale write-ahead log beside the old file would be replayed into the new one.
        path.with_name(path.name + ".wal").unlink(missing_ok=True)
        os.replace(temp, path)
    finally:
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)
