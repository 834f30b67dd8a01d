"""Command line: `python -m loader template|validate|load|history|undo` (see README, "Loading your data")."""

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
from loader.history import UndoError, history, undo
from loader.mapping import MappingError, load_mapping
from loader.plan import DEFAULT_MAX_SHRINK, PlanOptions
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
    options: PlanOptions | None = None,
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
    return validate(staging, report, lambda months: load_target(staging, db_url, months), options)


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
        sub.add_argument(
            "--mapping", type=Path, help="映射文件 (TOML)：文件名、列名、取值、村代码的对应"
        )
        sub.add_argument(
            "--ignore-column",
            action="append",
            default=[],
            metavar="列名",
            help="明确忽略文件中的这一列（可重复）；其他无法识别的列是错误",
        )
        sub.add_argument(
            "--encoding",
            help="CSV 和无 .cpg 的 Shapefile (.dbf) 的编码，如 gbk、utf-8（默认自动识别）",
        )
        sub.add_argument(
            "--replace-months",
            action="store_true",
            help="整月替换：文件中没有的乡镇在这些月份的数据也删除（默认只替换文件中有的乡镇）",
        )
        sub.add_argument(
            "--max-shrink",
            type=float,
            default=DEFAULT_MAX_SHRINK,
            metavar="比例",
            help=f"一个乡镇某月的行数减少超过此比例时拒绝加载（默认 {DEFAULT_MAX_SHRINK}）",
        )
        sub.add_argument("--allow-shrink", action="store_true", help="允许某乡镇某月的行数大幅减少")
        sub.add_argument("--no-progress", action="store_true", help="不显示进度条")

    validate_cmd = commands.add_parser("validate", help="只检查，不写入")
    inputs(validate_cmd)
    validate_cmd.add_argument("--db", help="与之核对的数据库 URL（只读打开）")
    load_cmd = commands.add_parser("load", help="检查并在一个事务中写入")
    load_cmd.add_argument("--db", required=True, help="可写的数据库 URL（不是仪表盘的只读账号）")
    inputs(load_cmd)
    load_cmd.add_argument("--dry-run", action="store_true", help="检查并显示将写入的内容，不写入")
    load_cmd.add_argument("--accept-warnings", action="store_true", help="有警告时仍然写入")
    load_cmd.add_argument(
        "--source",
        help="data_meta 的 source：整个数据库的来源，如「某县卫生健康局」"
        "（默认保留原有来源，并注明「最近加载：YYYY-MM」）",
    )
    load_cmd.add_argument("--extracted-at", help="data_meta 的 extracted_at（默认：文件修改时间）")
    history_cmd = commands.add_parser("history", help="列出加载记录（最新的在前，第一列是编号）")
    history_cmd.add_argument("--db", required=True, help="数据库 URL")
    undo_cmd = commands.add_parser("undo", help="撤销一次加载，恢复它替换掉的数据")
    undo_cmd.add_argument("--db", required=True, help="可写的数据库 URL")
    undo_cmd.add_argument("load_id", type=int, help="加载编号（见 history）")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "template":
        path = build_template(args.output)
        print(f"已生成模板：{path}")
        return EXIT_OK
    if args.command in ("history", "undo"):
        return _history(args)
    if args.verbose:
        logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    if args.db:
        try:
            backend_of(args.db)
        except ConfigurationError as exc:
            print(f"错误：{exc}", file=sys.stderr)
            return EXIT_USAGE
    try:
        mapping = load_mapping(args.mapping, args.ignore_column)
    except MappingError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    with tempfile.TemporaryDirectory(prefix="loader-") as folder:
        staging = Staging(Path(folder))
        staging.mapping = mapping
        staging.encoding = args.encoding
        staging.progress = not args.no_progress
        try:
            return _run(args, staging)
        except TargetError as exc:
            print(f"错误：无法读取数据库 {describe_url(args.db)}：{exc}", file=sys.stderr)
            return EXIT_USAGE
        finally:
            staging.close()


def _history(args) -> int:
    try:
        backend_of(args.db)
        if args.command == "history":
            entries = history(args.db)
            if not entries:
                print("没有加载记录。")
            for entry in entries:
                print(entry.line())
            return EXIT_OK
        entry = undo(args.db, args.load_id)
    except ConfigurationError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    except UndoError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_INVALID
    except sa.exc.SQLAlchemyError as exc:
        print(f"错误：{str(exc).splitlines()[0]}（数据库未改变）", file=sys.stderr)
        return EXIT_USAGE
    print(
        f"已撤销加载 {entry.load_id}（{entry.loaded_at}，{'、'.join(entry.files)}）：数据已恢复到加载之前。"
    )
    return EXIT_OK


def whole_source(given: str | None, before: str | None, months: dict[str, list[str]]) -> str:
    """data_meta.source describes the whole database: the given text, or the one it had, plus
    the latest month loaded (最近加载：2026-11)."""
    latest = max((m[-1] for m in months.values() if m), default=None)
    stamp = latest or dt.date.today().strftime("%Y-%m")
    base = given or (before or "").split("（最近加载：")[0].strip() or "本县监测数据"
    return f"{base}（最近加载：{stamp}）"


def _run(args, staging: Staging) -> int:
    options = PlanOptions(args.replace_months, args.max_shrink, args.allow_shrink)
    validation = check(
        args.path,
        staging,
        args.db,
        args.boundaries,
        args.code_field,
        getattr(args, "layer", None),
        options,
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
    source = whole_source(args.source, validation.target.get("source"), validation.months)
    meta = {
        "extracted_at": args.extracted_at or extracted_at(_inputs(args.path, args.boundaries)),
        "source": source[:SOURCE_MAX],
    }
    try:
        files = [f.name for f in _inputs(args.path, args.boundaries)]
        result = load(staging, validation, args.db, meta, not args.no_progress, files)
    except sa.exc.SQLAlchemyError as exc:
        print(f"写入失败，已回滚，数据库未改变：{str(exc).splitlines()[0]}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # driver errors (duckdb, psycopg, pymysql) roll back the same way
        print(f"写入失败，已回滚，数据库未改变：{str(exc).splitlines()[0]}", file=sys.stderr)
        return EXIT_USAGE
    print(f"已写入 {describe_url(args.db)}（加载编号 {result.load_id}）：{result.describe()}")
    print(f"如需撤销：python -m loader undo --db URL {result.load_id}")
    return EXIT_OK
