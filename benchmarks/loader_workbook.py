"""Loader benchmark on a filled template workbook: a county's ~700k chronic rows.

python benchmarks/loader_workbook.py [--rows 697029] [--keep]

Writes the data template filled for one county (10 townships, 150 villages, 30 teams,
24 months of chronic rows, ~29k a month, as the county in issue #24) with openpyxl, then
times in child processes, as an administrator would run them:

1. `python -m loader validate WORKBOOK` (no database: reading and every check);
2. `python -m loader load --db duckdb:///…` into a new DuckDB file;
3. `python -m loader validate WORKBOOK --db …` again: the plan compares every month and
   township with the 700k rows now stored (rows added / removed / changed, colour changes).

Prints the figures (wall time, peak resident memory of the child); nothing is asserted.
The workbook and database are deleted afterwards unless --keep.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from loader.columns import BY_NAME, TABLES  # noqa: E402

COUNTY = "990801"
TOWNSHIPS = 10
VILLAGES_PER_TOWNSHIP = 15
TEAMS_PER_TOWNSHIP = 3
MONTHS = 24
COLORS = ("绿标", "黄标", "红标")
LEVELS = ("村级", "乡级", "县级")
DISEASES = ("高血压", "糖尿病", "肝炎", "严重精神障碍", "肺结核")


def months() -> list[str]:
    return [f"{2025 + m // 12}-{m % 12 + 1:02d}" for m in range(MONTHS)]


def county_tables(rows: int) -> dict[str, list[list]]:
    """Rows per table in the template's column order."""
    rng = random.Random(24)
    townships = [f"{COUNTY}{t:03d}" for t in range(1, TOWNSHIPS + 1)]
    villages = [f"{t}{v:03d}" for t in townships for v in range(1, VILLAGES_PER_TOWNSHIP + 1)]
    teams = [f"{t}-T{n}" for t in townships for n in range(1, TEAMS_PER_TOWNSHIP + 1)]
    data: dict[str, list[list]] = {
        "county": [[COUNTY, "基准县", "基准州"]],
        "township": [[t, COUNTY, f"镇{t[-3:]}", f"镇{t[-3:]}卫生院"] for t in townships],
        "village": [
            [
                v,
                v[:9],
                f"村{v[-6:]}",
                "一类" if i % 2 else "二类",
                1200,
                300,
                8.5,
                6.0,
                "好",
                106.0 + i / 1000,
                26.0,
            ]
            for i, v in enumerate(villages)
        ],  # fmt: skip
        "team": [[t, t[:9], f"团队{t}", "队长"] for t in teams],
        "team_village": [[f"{v[:9]}-T{1 + int(v[-3:]) % TEAMS_PER_TOWNSHIP}", v] for v in villages],
    }
    per_month = rows // MONTHS
    chronic = []
    for month in months():
        for p in range(per_month):
            village = villages[p % len(villages)]
            chronic.append(
                [month, f"p{p:06d}", village, DISEASES[p % 5], rng.choice(COLORS),
                 rng.choice(LEVELS)]
            )  # fmt: skip
    data["chronic_status"] = chronic
    return data


def write_workbook(path: Path, rows: int) -> int:
    data = county_tables(rows)
    wb = Workbook(write_only=True)
    for spec in TABLES:
        if spec.name not in data:
            continue
        ws = wb.create_sheet(spec.name)
        ws.append([c.header for c in BY_NAME[spec.name].columns])
        for row in data[spec.name]:
            ws.append(row)
    wb.save(path)
    return len(data["chronic_status"])


def timed(command: list[str]) -> tuple[int, float, str]:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    return result.returncode, time.perf_counter() - started, result.stdout + result.stderr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=697_029)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--workbook", type=Path, help="reuse a workbook written before (--keep)")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="loader-workbook-"))
    workbook = scratch / "数据模板.xlsx"
    if args.workbook:
        shutil.copy(args.workbook, workbook)
    url = f"duckdb:///{scratch / 'county.duckdb'}"
    report = str(scratch / "report.csv")
    try:
        started = time.perf_counter()
        if not args.workbook:
            chronic = write_workbook(workbook, args.rows)
            size = workbook.stat().st_size / 1e6
            print(f"workbook: {chronic:,} chronic rows, {size:.1f} MB, written in "
                  f"{time.perf_counter() - started:.0f} s (openpyxl)")  # fmt: skip
        from benchmarks.machine import reference_ms

        print(f"machine reference workload: {reference_ms():.0f} ms (lower is faster)")
        loader = [sys.executable, "-m", "loader"]
        steps = [
            ("validate (no database)", [*loader, "validate", str(workbook), "--report", report]),
            ("load into DuckDB", [*loader, "load", "--db", url, str(workbook), "--report", report,
                                  "--accept-warnings", "--no-progress"]),
            ("validate against the loaded DuckDB",
             [*loader, "validate", str(workbook), "--db", url, "--report", report]),
        ]  # fmt: skip
        code = 0
        for name, command in steps:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            status, elapsed, output = timed(command)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
            peak = after.ru_maxrss / 1024  # KiB → MiB, the largest child so far
            # CPU time beside wall time: on a shared machine (load average far above the
            # cores) the wall time says more about the neighbours than about the loader.
            print(
                f"{name}: exit {status}, {elapsed:.1f} s wall, {cpu:.1f} s CPU, "
                f"peak RSS {peak:,.0f} MiB, load average {os.getloadavg()[0]:.1f}"
            )
            if status:
                print(output[-2000:])
                code = status
        return code
    finally:
        if args.keep:
            print(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
