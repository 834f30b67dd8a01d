"""Command line: `python -m loader template|validate|load` (see README, "Loading your data")."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa

from data_access.engine import ConfigurationError, backend_of, describe_url
from loader.boundaries import read_boundaries
from loader.read import GIS_SUFFIXES, Staging, read_input
from loader.report import ERROR, Problem, Report
from loader.target import TargetError, load_target
from loader.template import build_template
from loader.validate import Validation, validate
from loader.write import load

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
SOURCE_MAX = 255  # data_meta.meta_value is varchar(255)


def check(
    path: Path,
    staging: Staging,
    db_url: str | None,
    boundaries: Path | None = None,
    code_field: str = "village_code",
    layer: str | None = None,
) -> Validation:
    """Read the input and boundaries into `staging` and validate them against the database."""
    report = Report()
    found = read_input(path, staging, report)
    if boundaries is None and found:
        gis = [f for f in found if f.suffix.lower() in GIS_SUFFIXES]
        if len(gis) > 1:
            names = "、".join(f.name for f in gis)
            reason = f"文件夹中有多个边界文件（{names}），请用 --boundaries 指定一个"
            report.add(
                Problem(ERROR, "village_boundary", path.name, None, None, None, None, reason)
            )
        elif gis:
            boundaries = gis[0]
    if boundaries is not None:
        read_boundaries(boundaries, code_field, staging, report, layer)
    return validate(staging, report, lambda months: load_target(staging, db_url, months))


def _inputs(path: Path, boundaries: Path | None) -> list[Path]:
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    return files + ([boundaries] if boundaries else [])


def extracted_at(files: list[Path]) -> str:
    """The newest modification time of the input files (when the extract was made), ISO 8601."""
    times = [f.stat().st_mtime for f in files if f.exists()]
    stamp = dt.datetime.fromtimestamp(max(times)) if times else dt.datetime.now()
    return stamp.astimezone().isoformat(timespec="seconds")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m loader",
        description="把县里的 Excel/CSV/GIS 数据检查后加载到监测数据库（数据约定见 DATA_CONTRACT.md）。",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    template = commands.add_parser("template", help="生成数据模板工作簿")
    template.add_argument("-o", "--output", type=Path, default=Path("数据模板.xlsx"))

    def inputs(sub):
        sub.add_argument("path", type=Path, help="工作簿 (.xlsx) 或 CSV 文件夹")
        sub.add_argument("--boundaries", type=Path, help="村边界文件：.gpkg、.shp、.geojson")
        sub.add_argument(
            "--code-field",
            default="village_code",
            help="边界文件中村代码字段名（默认 village_code）",
        )
        sub.add_argument("--layer", help="GeoPackage 中的图层名")
        sub.add_argument("--report", type=Path, help="完整报告 (.xlsx 或 .csv)；默认在当前目录")
        sub.add_argument("-v", "--verbose", action="store_true", help="显示每一步的用时")

    validate_cmd = commands.add_parser("validate", help="只检查，不写入")
    inputs(validate_cmd)
    validate_cmd.add_argument("--db", help="与之核对的数据库 URL（只读打开）")
    load_cmd = commands.add_parser("load", help="检查并在一个事务中写入")
    load_cmd.add_argument("--db", required=True, help="可写的数据库 URL（不是仪表盘的只读账号）")
    inputs(load_cmd)
    load_cmd.add_argument("--dry-run", action="store_true", help="检查并显示将写入的内容，不写入")
    load_cmd.add_argument("--accept-warnings", action="store_true", help="有警告时仍然写入")
    load_cmd.add_argument("--source", help="data_meta 的 source（默认：文件名与加载时间）")
    load_cmd.add_argument("--extracted-at", help="data_meta 的 extracted_at（默认：文件修改时间）")
    load_cmd.add_argument("--no-progress", action="store_true", help="不显示进度条")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "template":
        path = build_template(args.output)
        print(f"已生成模板：{path}")
        return EXIT_OK
    if args.verbose:
        logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    if args.db:
        try:
            backend_of(args.db)
        except ConfigurationError as exc:
            print(f"错误：{exc}", file=sys.stderr)
            return EXIT_USAGE
    with tempfile.TemporaryDirectory(prefix="loader-") as folder:
        staging = Staging(Path(folder))
        try:
            return _run(args, staging)
        except TargetError as exc:
            print(f"错误：无法读取数据库 {describe_url(args.db)}：{exc}", file=sys.stderr)
            return EXIT_USAGE
        finally:
            staging.close()


def _run(args, staging: Staging) -> int:
    validation = check(
        args.path, staging, args.db, args.boundaries, args.code_field, getattr(args, "layer", None)
    )
    report = validation.report
    report_path = args.report or Path.cwd() / f"{args.path.stem or 'input'}_校验报告.xlsx"
    report.write(report_path)
    print(report.summary())
    print(f"完整报告：{report_path}")
    if report.errors:
        print("有错误，没有写入任何数据。请按报告修改后重新运行。", file=sys.stderr)
        return EXIT_INVALID
    if args.command == "validate":
        print("检查通过。" if not report.warnings else "检查通过（有警告，请看报告）。")
        return EXIT_OK
    if report.warnings and not args.accept_warnings:
        print(
            f"有 {len(report.warnings)} 条警告，没有写入。确认无误后加上 --accept-warnings 再加载。",
            file=sys.stderr,
        )
        return EXIT_INVALID
    if args.dry_run:
        print("试运行（--dry-run）：检查通过，没有写入。")
        return EXIT_OK
    now = dt.datetime.now().astimezone()
    source = args.source or f"{args.path.name}（python -m loader，{now:%Y-%m-%d %H:%M} 加载）"
    meta = {
        "extracted_at": args.extracted_at or extracted_at(_inputs(args.path, args.boundaries)),
        "source": source[:SOURCE_MAX],
    }
    try:
        result = load(staging, validation, args.db, meta, progress=not args.no_progress)
    except sa.exc.SQLAlchemyError as exc:
        print(f"写入失败，已回滚，数据库未改变：{str(exc).splitlines()[0]}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # driver errors (duckdb, psycopg, pymysql) roll back the same way
        print(f"写入失败，已回滚，数据库未改变：{str(exc).splitlines()[0]}", file=sys.stderr)
        return EXIT_USAGE
    print(f"已写入 {describe_url(args.db)}：{result.describe()}")
    return EXIT_OK
