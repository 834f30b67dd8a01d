"""Reading the input (a workbook, or a folder of CSV files) into a DuckDB staging database.

Every contract table found becomes a view `src_<table>` with `_row` (the sheet's row number
or the CSV file's line number) and every contract column as text (NULL where the input has
no such column). Nothing is typed yet: validation reads the text and says what is wrong.
CSV files are read by DuckDB's CSV reader where they lie and never held in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
from python_calamine import CalamineWorkbook
from tqdm import tqdm

from loader.columns import BY_NAME, TableSpec, accepted_names, match_header, match_table
from loader.encoding import detect_encoding, has_quotes, transcode
from loader.mapping import Mapping
from loader.report import ERROR, NOTE, WARNING, Problem, Report

log = logging.getLogger("loader")

GIS_SUFFIXES = (".gpkg", ".shp", ".geojson", ".json")
EXCEL_BATCH_ROWS = 50_000
# Rows searched for the header: some sheets carry a title row or two above it.
HEADER_SEARCH_ROWS = 10
INSTRUCTIONS_SHEET = "说明"
# Header search: the row naming the most contract columns among the first rows wins.
CSV_DELIMITERS = ",;\t|"
# A subtotal row names 合计/小计/总计 in any column but an enumeration's (合计 = 累计 there).
SUBTOTAL = r"^\s*(合\s*计|小\s*计|总\s*计)|(合\s*计|小\s*计|总\s*计)\s*[:：]?\s*$"
# Rows of a sheet shown by a progress bar.
PROGRESS_MIN_ROWS = 50_000


@dataclass
class Source:
    """Where one contract table's rows came from."""

    spec: TableSpec
    file: str
    sheet: str | None
    header_row: int
    columns: tuple[str, ...]  # contract columns present in the input
    rows: int = 0
    raw: dict[str, str] | None = None  # contract column → the header as the file writes it

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
        self.mapping = Mapping()
        self.encoding: str | None = None  # --encoding: overrides detection (CSV and .dbf)
        self.progress = False
        # Files and sheets not recognised as a table: the root cause of errors that follow.
        self.unrecognised: list[str] = []

    def close(self) -> None:
        self.con.close()

    def define_view(self, spec: TableSpec, source_table: str, row_expr: str, present) -> None:
        """`src_<table>`: every contract column as text, values mapped (--mapping), and `_skip`
        naming rows that are not data (空行, 合计行), which validation sets aside."""
        selected = []
        for c in spec.columns:
            if c.name not in present:
                selected.append(f"CAST(NULL AS VARCHAR) AS {q(c.name)}")
                continue
            values = self.mapping.values_for(spec, c.name)
            if values:
                # Compared after trimming, as the mapping file's keys are.
                branches = " ".join(
                    f"WHEN {literal(k)} THEN {literal(v)}" for k, v in values.items()
                )
                key = f"trim(CAST({q(c.name)} AS VARCHAR))"
                selected.append(f"CASE {key} {branches} ELSE {q(c.name)} END AS {q(c.name)}")
            else:
                selected.append(q(c.name))
        cells = [q(c.name) for c in spec.columns if c.name in present]
        blank = " AND ".join(f"NULLIF(trim(CAST({c} AS VARCHAR)), '') IS NULL" for c in cells)
        texts = [q(c.name) for c in spec.columns if c.name in present and c.enum is None]
        subtotal = " OR ".join(
            f"regexp_matches(CAST({c} AS VARCHAR), {literal(SUBTOTAL)})" for c in texts
        )
        skip = f"CASE WHEN {blank or 'false'} THEN '空行' "
        if subtotal:
            skip += f"WHEN {subtotal} THEN '合计行' "
        skip += "END"
        self.con.execute(
            f"CREATE OR REPLACE VIEW {q('src_' + spec.name)} AS "  # noqa: S608 - identifiers only
            f"SELECT {row_expr} AS _row, {', '.join(selected)}, {skip} AS _skip "
            f"FROM {q(source_table)}"
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
            elif suffix in (".xlsx", ".xlsm", ".xlsb", ".ods"):
                _read_workbook(file, staging, report)
        if not staging.sources and not gis:
            report.add(
                Problem(ERROR, "", path.name, None, None, None, None, "文件夹中没有可识别的表")
            )
        return gis
    suffix = path.suffix.lower()
    if suffix == ".csv":
        _read_csv_file(path, staging, report)
    elif suffix in (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"):
        _read_workbook(path, staging, report)
    else:
        report.add(
            Problem(
                ERROR, "", path.name, None, None, None, None, "只接受 .xlsx 工作簿或 CSV 文件夹"
            )
        )
    return []


def header_name(cell, spec: TableSpec, mapping: Mapping) -> str | None:
    """The contract column of a header cell: the mapping file first, then the contract's names."""
    return mapping.column_for(cell, spec) or match_header(cell, spec)


def _map_headers(
    cells: list,
    spec: TableSpec,
    file: str,
    sheet: str | None,
    row: int,
    report: Report,
    mapping: Mapping,
) -> list[str | None] | None:
    """Header cells → contract column names; None (with errors reported) when unusable.

    A header that names no contract column is an error (a column ignored silently would
    leave its values unloaded, or worse): map it in the mapping file or name it with
    --ignore-column. The table is still read, so that its other problems are reported too.
    """
    mapped: list[str | None] = []
    seen: set[str] = set()
    ok = True
    for cell in cells:
        name = header_name(cell, spec, mapping)
        if name is None and cell is not None and str(cell).strip():
            if not mapping.ignored(cell):
                reason = (
                    f"无法识别的列「{str(cell).strip()}」：请在映射文件 [columns.{spec.name}] 中"
                    f'指定它对应的列，或加上 --ignore-column "{str(cell).strip()}" 明确忽略'
                )
                report.add(Problem(ERROR, spec.name, file, sheet, row, None, cell, reason))
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


def unrecognised(staging: Staging, report: Report, file: str, sheet: str | None, what: str) -> None:
    """A file or sheet that is no table: say which names are accepted."""
    staging.unrecognised.append(f"{file}" + (f" / {sheet}" if sheet else ""))
    suffix = ".csv" if sheet is None else ""
    reason = (
        f"{what}不是数据表名，已忽略。可用的名称：{accepted_names(suffix)}；"
        "或在映射文件 [files] 中指定它是哪张表（--mapping）"
    )
    report.add(Problem(WARNING, "", file, sheet, None, None, None, reason))


def table_of(name: str, staging: Staging) -> TableSpec | None:
    spec = staging.mapping.table_for(name) or match_table(Path(name).stem if "." in name else name)
    return spec if spec is not None and spec.name in BY_NAME else None


def find_header(rows: list[list], spec: TableSpec, mapping: Mapping) -> int | None:
    """Index of the row that names the most contract columns (title lines above it are skipped)."""
    best, index = 0, None
    for i, cells in enumerate(rows):
        named = sum(1 for c in cells if header_name(c, spec, mapping))
        if named > best:
            best, index = named, i
    return index


def _read_csv_file(path: Path, staging: Staging, report: Report) -> None:
    spec = table_of(path.name, staging)
    if spec is None:
        unrecognised(staging, report, path.name, None, "文件名")
        return
    if spec.name in staging.sources:
        report.add(
            Problem(ERROR, spec.name, path.name, None, None, None, None, "同一张表有两个来源")
        )
        return
    try:
        encoding = staging.encoding or detect_encoding(path)
        readable = path
        if encoding.lower().replace("_", "-") not in ("utf-8", "utf-8-sig", "utf8"):
            readable = staging.folder / f"{spec.name}.utf8.csv"
            transcode(path, encoding, readable)
        with readable.open(encoding="utf-8-sig", newline="") as fh:
            head = [fh.readline() for _ in range(HEADER_SEARCH_ROWS)]
    except (UnicodeDecodeError, LookupError) as exc:
        report.add(
            Problem(ERROR, spec.name, path.name, None, None, None, None, f"无法识别文件编码：{exc}")
        )
        return
    # The delimiter and header line that name the most contract columns: exports often put
    # a title line (or two) above the header.
    best = (0, ",", 0, [])
    for delimiter in CSV_DELIMITERS:
        rows = list(csv.reader(io.StringIO("".join(head)), delimiter=delimiter))
        index = find_header(rows, spec, staging.mapping)
        if index is not None:
            named = sum(1 for c in rows[index] if header_name(c, spec, staging.mapping))
            if named > best[0]:
                best = (named, delimiter, index, rows[index])
    _, delimiter, skip, header = best
    if skip:
        reason = f"表头在第 {skip + 1} 行，已跳过上方 {skip} 行标题"
        report.add(Problem(NOTE, spec.name, path.name, None, skip + 1, None, None, reason))
    mapped = _map_headers(header, spec, path.name, None, skip + 1, report, staging.mapping)
    if mapped is None:
        return
    names = [name or f"_ignored_{i}" for i, name in enumerate(mapped)]
    raw = f"raw_{spec.name}"
    try:
        # A view, not a copy: DuckDB checks the header and delimiter now and reads the rows
        # while normalising (loader.validate). row_number() over the file's order, +1 for
        # the header line, is the line number people see in a spreadsheet or editor.
        # A view holds no parameters: the path, names and delimiter are written as literals.
        # The parallel reader cannot follow a line break inside quotes: files that quote
        # any cell are read by one thread.
        columns = ", ".join(map(literal, names))
        parallel = "false" if has_quotes(readable) else "true"
        staging.con.execute(
            f"CREATE OR REPLACE VIEW {q(raw)} AS SELECT row_number() OVER () + {skip + 1} AS _row, * "  # noqa: S608 - literals are escaped
            f"FROM read_csv({literal(str(readable))}, header = true, all_varchar = true, "
            f"names = [{columns}], delim = {literal(delimiter)}, quote = '\"', escape = '\"', "
            f"null_padding = true, encoding = 'utf-8', skip = {skip}, parallel = {parallel})"
        )
    except duckdb.Error as exc:
        report.add(csv_problem(spec, path.name, exc))
        return
    present = {n for n in mapped if n}
    staging.define_view(spec, raw, "_row", present)
    # rows are counted when the file is read, in the normalising pass.
    raw_names = {n: str(c).strip() for c, n in zip(header, mapped, strict=False) if n}
    staging.sources[spec.name] = Source(
        spec, path.name, None, skip + 1, tuple(sorted(present)), raw=raw_names
    )


def csv_problem(spec: TableSpec, file: str, exc: Exception) -> Problem:
    reason = f"无法读取 CSV（请检查分隔符、引号和每行列数）：{str(exc).splitlines()[0]}"
    return Problem(ERROR, spec.name, file, None, None, None, None, reason)


# ---------------------------------------------------------------- Excel


def _cell_text(value, kind: str) -> str | None:
    """An Excel cell as the text a CSV export would hold (codes typed as numbers keep all digits)."""
    if type(value) is str:  # most cells: the fast path first
        return value.strip() or None
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
    """A workbook through calamine (Rust): 700k rows in seconds where openpyxl took minutes."""
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for a damaged file
        report.add(Problem(ERROR, "", path.name, None, None, None, None, f"无法打开工作簿：{exc}"))
        return
    try:
        for name in wb.sheet_names:
            if name.strip() == INSTRUCTIONS_SHEET:
                continue
            spec = table_of(name, staging)
            if spec is None:
                unrecognised(staging, report, path.name, name, "工作表名")
                continue
            if spec.name in staging.sources:
                reason = "同一张表有两个来源"
                report.add(Problem(ERROR, spec.name, path.name, name, None, None, None, reason))
                continue
            _read_sheet(wb.get_sheet_by_name(name), spec, path.name, staging, report)
    finally:
        wb.close()


def _read_sheet(ws, spec: TableSpec, file: str, staging: Staging, report: Report) -> None:
    # Rows as Excel numbers them: calamine starts at the first used cell.
    first_row = (ws.start[0] if ws.start else 0) + 1
    rows = ws.iter_rows()
    head: list[list] = []
    for cells in rows:
        head.append(list(cells))
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    index = find_header(head, spec, staging.mapping)
    if index is None:
        reason = "找不到表头行（应为模板中的「中文名 列代码」）"
        report.add(Problem(ERROR, spec.name, file, ws.name, None, None, None, reason))
        return
    header_row = first_row + index
    header = head[index]
    mapped = _map_headers(header, spec, file, ws.name, header_row, report, staging.mapping)
    if mapped is None:
        return
    present = [n for n in mapped if n]
    positions = [(i, n, spec.column(n).kind) for i, n in enumerate(mapped) if n]
    table = f"raw_{spec.name}"
    columns = ", ".join(f"{q(n)} VARCHAR" for n in present)
    staging.con.execute(f"CREATE OR REPLACE TABLE {q(table)} (_row BIGINT, {columns})")
    batch: list[list] = []
    count = 0
    bar = tqdm(
        total=max(ws.height - index - 1, 0),
        desc=f"读取 {spec.name}",
        unit="行",
        unit_scale=True,
        file=sys.stderr,
        disable=not staging.progress or ws.height < PROGRESS_MIN_ROWS,
    )

    def remaining():
        yield from head[index + 1 :]
        yield from rows

    with bar:
        for number, cells in enumerate(remaining(), start=header_row + 1):
            values = [_cell_text(cells[i] if i < len(cells) else None, k) for i, n, k in positions]
            if all(v is None for v in values):
                continue  # blank rows (often formatted but empty) are not data
            batch.append([number, *values])
            if len(batch) >= EXCEL_BATCH_ROWS:
                count += _append(staging, table, present, batch)
                bar.update(len(batch))
                batch = []
        count += _append(staging, table, present, batch)
    if count == 0:
        # A sheet left empty is a table not provided (the template has one for every table).
        staging.con.execute(f"DROP TABLE {q(table)}")
        return
    staging.define_view(spec, table, "_row", set(present))
    raw_names = {n: str(c).strip() for c, n in zip(header, mapped, strict=False) if n}
    staging.sources[spec.name] = Source(
        spec, file, ws.name, header_row, tuple(present), count, raw=raw_names
    )


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
