"""Reading the input (a workbook, or a folder of CSV files) into a DuckDB staging database.

Every contract table found becomes a view `src_<table>` with `_row` (the sheet's row number
or the CSV file's line number) and every contract column as text (NULL where the input has
no such column). Nothing is typed yet: validation reads the text and says what is wrong.
CSV files are read by DuckDB's CSV reader where they lie and never held in memory.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
from charset_normalizer import from_bytes
from openpyxl import load_workbook

from loader.columns import BY_NAME, TableSpec, match_header, match_table
from loader.report import ERROR, WARNING, Problem, Report

log = logging.getLogger("loader")

GIS_SUFFIXES = (".gpkg", ".shp", ".geojson", ".json")
# Bytes looked at to tell UTF-8 from GBK/GB18030; a CSV export is uniform throughout.
ENCODING_SAMPLE = 1 << 20
TRANSCODE_CHUNK = 4 << 20
EXCEL_BATCH_ROWS = 50_000
# Rows searched for the header: some sheets carry a title row or two above it.
HEADER_SEARCH_ROWS = 10
INSTRUCTIONS_SHEET = "说明"


@dataclass
class Source:
    """Where one contract table's rows came from."""

    spec: TableSpec
    file: str
    sheet: str | None
    header_row: int
    columns: tuple[str, ...]  # contract columns present in the input
    rows: int = 0

    def problem(self, severity, row, column, value, reason) -> Problem:
        return Problem(severity, self.spec.name, self.file, self.sheet, row, column, value, reason)


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Log how long a step took (`--verbose` shows it; the benchmark reads it)."""
    started = time.perf_counter()
    yield
    log.info("%-40s %7.2f s", name, time.perf_counter() - started)


def q(name: str) -> str:
    """A quoted identifier; only contract names and our own staging names are ever passed."""
    if not name.replace("_", "").isalnum() or not name.isascii():
        raise ValueError(f"not an identifier: {name!r}")
    return f'"{name}"'


def literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


class Staging:
    """A scratch DuckDB database that holds the input while it is validated.

    It lives in a file in `folder` (deleted with it) under `memory_limit`: DuckDB writes large
    tables to that file compressed as they are built and evicts their blocks when memory runs
    short, where an in-memory database kept 10M rows resident (1.6 GiB). CSV files are not
    copied in at all: their view reads the file, and normalising is the one pass over it.
    """

    def __init__(self, folder: Path, memory_limit: str = "400MB"):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(str(self.folder / "staging.duckdb"))
        self.con.execute(f"SET memory_limit = '{memory_limit}'")
        self.con.execute("SET temp_directory = ?", [str(self.folder / "spill")])
        self.con.execute("SET preserve_insertion_order = true")
        self.sources: dict[str, Source] = {}

    def close(self) -> None:
        self.con.close()

    def define_view(self, spec: TableSpec, source_table: str, row_expr: str, present) -> None:
        selected = [
            q(c.name) if c.name in present else f"CAST(NULL AS VARCHAR) AS {q(c.name)}"
            for c in spec.columns
        ]
        self.con.execute(
            f"CREATE OR REPLACE VIEW {q('src_' + spec.name)} AS "  # noqa: S608 - identifiers only
            f"SELECT {row_expr} AS _row, {', '.join(selected)} FROM {q(source_table)}"
        )


def read_input(path: Path, staging: Staging, report: Report) -> list[Path]:
    """Stage a workbook, a folder of CSV files or one CSV file; return GIS files found beside them."""
    path = Path(path)
    if not path.exists():
        report.add(Problem(ERROR, "", str(path), None, None, None, None, "找不到文件或文件夹"))
        return []
    if path.is_dir():
        gis = []
        for file in sorted(path.iterdir()):
            suffix = file.suffix.lower()
            if suffix == ".csv":
                _read_csv_file(file, staging, report)
            elif suffix in GIS_SUFFIXES:
                gis.append(file)
            elif suffix in (".xlsx", ".xlsm"):
                _read_workbook(file, staging, report)
        if not staging.sources and not gis:
            report.add(
                Problem(ERROR, "", path.name, None, None, None, None, "文件夹中没有可识别的表")
            )
        return gis
    suffix = path.suffix.lower()
    if suffix == ".csv":
        _read_csv_file(path, staging, report)
    elif suffix in (".xlsx", ".xlsm"):
        _read_workbook(path, staging, report)
    elif suffix == ".xls":
        report.add(
            Problem(
                ERROR,
                "",
                path.name,
                None,
                None,
                None,
                None,
                "不支持 .xls，请在 Excel 中另存为 .xlsx",
            )
        )
    else:
        report.add(
            Problem(
                ERROR, "", path.name, None, None, None, None, "只接受 .xlsx 工作簿或 CSV 文件夹"
            )
        )
    return []


def _map_headers(
    cells: list, spec: TableSpec, file: str, sheet: str | None, row: int, report: Report
) -> list[str | None] | None:
    """Header cells → contract column names; None (with errors reported) when unusable."""
    mapped: list[str | None] = []
    seen: set[str] = set()
    ok = True
    for cell in cells:
        name = match_header(cell, spec)
        if name is None and cell is not None and str(cell).strip():
            reason = "无法识别的列，已忽略"
            report.add(Problem(WARNING, spec.name, file, sheet, row, None, cell, reason))
        elif name in seen:
            report.add(Problem(ERROR, spec.name, file, sheet, row, name, cell, "列重复出现"))
            ok = False
            name = None
        elif name is not None:
            seen.add(name)
        mapped.append(name)
    for column in spec.columns:
        if column.required and column.name not in seen:
            reason = f"缺少必填列「{column.header}」"
            report.add(Problem(ERROR, spec.name, file, sheet, row, column.name, None, reason))
            ok = False
    return mapped if ok else None


# ---------------------------------------------------------------- CSV


def detect_encoding(path: Path) -> str:
    """`utf-8-sig`, `utf-16`, `utf-8`, `gb18030`, or else what charset-normalizer finds.

    Chinese Excel saves CSV in GBK (GB18030 is its superset); a short GBK file is easily
    mistaken for another code page by a detector, so GB18030 is tried before guessing.
    """
    with path.open("rb") as fh:
        sample = fh.read(ENCODING_SAMPLE)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # Excel's 「Unicode 文本」
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
            return encoding
        except UnicodeDecodeError:
            pass
    best = from_bytes(sample).best()
    return best.encoding if best else "gb18030"


def _transcode(path: Path, encoding: str, target: Path) -> None:
    """Rewrite a non-UTF-8 CSV as UTF-8 in chunks (never the whole file in memory)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(TRANSCODE_CHUNK):
            dst.write(decoder.decode(chunk))
        dst.write(decoder.decode(b"", final=True))


def _read_csv_file(path: Path, staging: Staging, report: Report) -> None:
    spec = match_table(path.stem)
    if spec is None or spec.name not in BY_NAME:
        report.add(
            Problem(WARNING, "", path.name, None, None, None, None, "文件名不是数据表名，已忽略")
        )
        return
    if spec.name in staging.sources:
        report.add(
            Problem(ERROR, spec.name, path.name, None, None, None, None, "同一张表有两个来源")
        )
        return
    try:
        encoding = detect_encoding(path)
        readable = path
        if encoding not in ("utf-8", "utf-8-sig"):
            readable = staging.folder / f"{spec.name}.utf8.csv"
            _transcode(path, encoding, readable)
        with readable.open(encoding="utf-8-sig", newline="") as fh:
            first = fh.readline()
    except (UnicodeDecodeError, LookupError) as exc:
        report.add(
            Problem(ERROR, spec.name, path.name, None, None, None, None, f"无法识别文件编码：{exc}")
        )
        return
    delimiter = max(",;\t", key=first.count)
    header = next(csv.reader(io.StringIO(first), delimiter=delimiter), [])
    mapped = _map_headers(header, spec, path.name, None, 1, report)
    if mapped is None:
        return
    names = [name or f"_ignored_{i}" for i, name in enumerate(mapped)]
    raw = f"raw_{spec.name}"
    try:
        # A view, not a copy: DuckDB checks the header and delimiter now and reads the rows
        # while normalising (loader.validate). row_number() over the file's order, +1 for
        # the header line, is the line number people see in a spreadsheet or editor.
        # A view holds no parameters: the path, names and delimiter are written as literals.
        columns = ", ".join(map(literal, names))
        staging.con.execute(
            f"CREATE OR REPLACE VIEW {q(raw)} AS SELECT row_number() OVER () + 1 AS _row, * "  # noqa: S608 - literals are escaped
            f"FROM read_csv({literal(str(readable))}, header = true, all_varchar = true, "
            f"names = [{columns}], delim = {literal(delimiter)}, quote = '\"', escape = '\"', "
            "null_padding = true, encoding = 'utf-8')"
        )
    except duckdb.Error as exc:
        report.add(csv_problem(spec, path.name, exc))
        return
    present = {n for n in mapped if n}
    staging.define_view(spec, raw, "_row", present)
    # rows are counted when the file is read, in the normalising pass.
    staging.sources[spec.name] = Source(spec, path.name, None, 1, tuple(sorted(present)))


def csv_problem(spec: TableSpec, file: str, exc: Exception) -> Problem:
    reason = f"无法读取 CSV（请检查分隔符、引号和每行列数）：{str(exc).splitlines()[0]}"
    return Problem(ERROR, spec.name, file, None, None, None, None, reason)


# ---------------------------------------------------------------- Excel


def _cell_text(value, kind: str) -> str | None:
    """An Excel cell as the text a CSV export would hold (codes typed as numbers keep all digits)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year:04d}-{value.month:02d}" if kind == "month" else value.isoformat()
    text = str(value).strip()
    return text or None


def _read_workbook(path: Path, staging: Staging, report: Report) -> None:
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a damaged file
        report.add(Problem(ERROR, "", path.name, None, None, None, None, f"无法打开工作簿：{exc}"))
        return
    try:
        for ws in wb.worksheets:
            if ws.title.strip() == INSTRUCTIONS_SHEET:
                continue
            spec = match_table(ws.title)
            if spec is None:
                reason = "工作表名不是数据表名，已忽略"
                report.add(Problem(WARNING, "", path.name, ws.title, None, None, None, reason))
                continue
            if spec.name in staging.sources:
                reason = "同一张表有两个来源"
                report.add(Problem(ERROR, spec.name, path.name, ws.title, None, None, None, reason))
                continue
            _read_sheet(ws, spec, path.name, staging, report)
    finally:
        wb.close()


def _read_sheet(ws, spec: TableSpec, file: str, staging: Staging, report: Report) -> None:
    rows = ws.iter_rows(values_only=True)
    header_row, header = 0, None
    for header_row, cells in enumerate(rows, start=1):
        if any(match_header(c, spec) for c in cells):
            header = list(cells)
            break
        if header_row >= HEADER_SEARCH_ROWS:
            break
    if header is None:
        reason = "找不到表头行（应为模板中的「中文名 列代码」）"
        report.add(Problem(ERROR, spec.name, file, ws.title, None, None, None, reason))
        return
    mapped = _map_headers(header, spec, file, ws.title, header_row, report)
    if mapped is None:
        return
    present = [n for n in mapped if n]
    positions = [(i, n, spec.column(n).kind) for i, n in enumerate(mapped) if n]
    table = f"raw_{spec.name}"
    columns = ", ".join(f"{q(n)} VARCHAR" for n in present)
    staging.con.execute(f"CREATE OR REPLACE TABLE {q(table)} (_row BIGINT, {columns})")
    batch: list[list] = []
    count = 0
    for number, cells in enumerate(rows, start=header_row + 1):
        values = [_cell_text(cells[i] if i < len(cells) else None, k) for i, n, k in positions]
        if all(v is None for v in values):
            continue  # blank rows (often formatted but empty) are not data
        batch.append([number, *values])
        if len(batch) >= EXCEL_BATCH_ROWS:
            count += _append(staging, table, present, batch)
            batch = []
    count += _append(staging, table, present, batch)
    if count == 0:
        # A sheet left empty is a table not provided (the template has one for every table).
        staging.con.execute(f"DROP TABLE {q(table)}")
        return
    staging.define_view(spec, table, "_row", set(present))
    staging.sources[spec.name] = Source(spec, file, ws.title, header_row, tuple(present), count)


def _append(staging: Staging, table: str, names: list[str], batch: list[list]) -> int:
    if not batch:
        return 0
    arrays = [pa.array([r[0] for r in batch], pa.int64())]
    arrays += [pa.array([r[i + 1] for r in batch], pa.string()) for i in range(len(names))]
    staging.con.register("excel_batch", pa.Table.from_arrays(arrays, ["_row", *names]))
    try:
        staging.con.execute(f"INSERT INTO {q(table)} SELECT * FROM excel_batch")  # noqa: S608
    finally:
        staging.con.unregister("excel_batch")
    return len(batch)
