"""Command line: `python -m demo --duckdb data/demo.duckdb` or `python -m demo --url URL`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from data_access.schema import metadata
from demo.generator import build_database, build_demo_file
from demo.scales import SCALES
from demo.writer import writer_engine


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo", description="Build the demo database.")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--url", help="SQLAlchemy URL to write (contract tables are replaced)")
    target.add_argument("--duckdb", type=Path, help="DuckDB file to build atomically")
    parser.add_argument("--scale", choices=list(SCALES), default="demo")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)

    started = time.perf_counter()

    def progress(fraction: float, message: str) -> None:
        print(f"[{fraction:4.0%}] {time.perf_counter() - started:7.1f}s  {message}", flush=True)

    if args.duckdb is not None:
        build_demo_file(args.duckdb, scale=args.scale, seed=args.seed, progress=progress)
        url = f"duckdb:///{args.duckdb}"
    else:
        build_database(args.url, scale=args.scale, seed=args.seed, progress=progress)
        url = args.url
    print(f"built scale={args.scale} seed={args.seed} in {time.perf_counter() - started:.1f}s")
    _print_counts(url)
    return 0


def _print_counts(url: str) -> None:
    engine = writer_engine(url)
    try:
        with engine.connect() as conn:
            for table in metadata.sorted_tables:
                count = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                print(f"  {table.name:<18}{count:>12,}")
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
