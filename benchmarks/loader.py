"""Loader benchmark: N `chronic_status` rows from CSV into a database, time and peak memory.

python benchmarks/loader.py --rows 10000000 --db duckdb:////tmp/bench.duckdb [--keep]

Writes a CSV folder (2,000 villages in one county, 12 months of chronic rows) to a temporary
folder with DuckDB, runs `python -m loader load` on it in a child process and reports its
wall time and peak resident memory (ru_maxrss of the child). The folder is deleted after.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
MONTHS = 12
TOWNSHIPS = 20
VILLAGES_PER_TOWNSHIP = 100


def write_inputs(folder: Path, rows: int) -> None:
    con = duckdb.connect()
    con.execute(
        "COPY (SELECT '990101' AS county_code, '基准县' AS name, '基准州' AS prefecture) TO ? (HEADER)",
        [str(folder / "county.csv")],
    )
    con.execute(
        "COPY (SELECT '990101' || lpad(CAST(t AS VARCHAR), 3, '0') AS township_code, "
        "'990101' AS county_code, '镇' || t AS name, '卫生院' || t AS health_center "
        "FROM range(1, ?) r(t)) TO ? (HEADER)",
        [TOWNSHIPS + 1, str(folder / "township.csv")],
    )
    con.execute(
        "COPY (SELECT '990101' || lpad(CAST(t AS VARCHAR), 3, '0') || lpad(CAST(v AS VARCHAR), 3, '0') "
        "AS village_code, '990101' || lpad(CAST(t AS VARCHAR), 3, '0') AS township_code, "
        "'村' || t || '-' || v AS name, 1 + (v % 2) AS village_class, 1000 AS population "
        "FROM range(1, ?) a(t), range(1, ?) b(v)) TO ? (HEADER)",
        [TOWNSHIPS + 1, VILLAGES_PER_TOWNSHIP + 1, str(folder / "village.csv")],
    )
    con.execute(
        "COPY (SELECT 'T' || t AS team_id, '990101' || lpad(CAST(t AS VARCHAR), 3, '0') "
        "AS township_code, '团队' || t AS name FROM range(1, ?) r(t)) TO ? (HEADER)",
        [TOWNSHIPS + 1, str(folder / "team.csv")],
    )
    con.execute(
        "COPY (SELECT 'T' || t AS team_id, '990101' || lpad(CAST(t AS VARCHAR), 3, '0') "
        "|| lpad(CAST(v AS VARCHAR), 3, '0') AS village_code "
        "FROM range(1, ?) a(t), range(1, ?) b(v)) TO ? (HEADER)",
        [TOWNSHIPS + 1, VILLAGES_PER_TOWNSHIP + 1, str(folder / "team_village.csv")],
    )
    per_month = rows // MONTHS
    con.execute(
        "COPY (SELECT '2025-' || lpad(CAST(1 + i // ? AS VARCHAR), 2, '0') AS month, "
        "'p' || CAST(i % ? AS VARCHAR) AS patient_id, "
        "'990101' || lpad(CAST(1 + (i % ?) % ? AS VARCHAR), 3, '0') "
        "|| lpad(CAST(1 + (i % ?) // ? % ? AS VARCHAR), 3, '0') AS village_code, "
        "'hypertension' AS disease, "
        "['green', 'yellow', 'red'][CAST(1 + hash(i) % 3 AS BIGINT)] AS color, "
        "['village', 'township', 'county'][CAST(1 + hash(i + 7) % 3 AS BIGINT)] AS managed_level "
        "FROM range(?) r(i)) TO ? (HEADER)",
        [
            per_month,
            per_month,
            per_month,
            TOWNSHIPS,
            per_month,
            TOWNSHIPS,
            VILLAGES_PER_TOWNSHIP,
            per_month * MONTHS,
            str(folder / "chronic_status.csv"),
        ],
    )
    con.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", required=True, help="writable URL; its contract tables are loaded")
    parser.add_argument("--keep", action="store_true", help="keep the generated CSV folder")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="loader-bench-"))
    folder = scratch / "input"
    folder.mkdir()
    try:
        started = time.perf_counter()
        write_inputs(folder, args.rows)
        size = sum(f.stat().st_size for f in folder.iterdir()) / 1e6
        print(f"inputs: {args.rows:,} rows, {size:,.0f} MB in {time.perf_counter() - started:.1f}s")
        started = time.perf_counter()
        command = [sys.executable, "-m", "loader", "load", "--db", args.db, str(folder)]
        command += ["--report", str(scratch / "report.csv"), "--no-progress", "--verbose"]
        result = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB → MiB
        print(result.stdout[-600:], result.stderr[-3000:], sep="\n")
        print(f"load: exit {result.returncode}, {elapsed:.1f}s, peak RSS {peak:,.0f} MiB")
        return result.returncode
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
