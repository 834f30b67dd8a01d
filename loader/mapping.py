"""The administrator's mapping file (TOML): how a provincial export's names become the contract's.

Written once per source system and passed as `--mapping FILE` to `validate` and `load`, so a
monthly export loads by cron with no hand edits. See docs/mapping.example.toml for every
section; in short:

    [files]          file name, file stem or sheet name (glob patterns allowed) → table
    [columns.TABLE]  header as the file writes it → contract column
    [values.NAME]    value as the file writes it → contract value; NAME is a column
                     (`managed_level`) or an enumeration (`level`, `service_type`, `color` …)
    [village_codes]  old village code → new (撤并村: rows under the old code load under the new)
    [indicators]     signing = "QYL" : the export's 家庭医生签约率 indicator loads as `fd_sign`,
                     the code the map's 签约率 layer reads
    [ignore]         columns = ["序号", …]: headers to drop without an error (all tables)
"""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from loader.columns import BY_NAME, TableSpec, normal_text

# The indicator code the map's 签约率 layer reads (data_access.map.SIGNING_INDICATOR).
SIGNING_CODE = "fd_sign"


class MappingError(ValueError):
    """The mapping file cannot be used (its message is shown as it is)."""


@dataclass
class Mapping:
    files: dict[str, str] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    village_codes: dict[str, str] = field(default_factory=dict)
    ignore: set[str] = field(default_factory=set)
    path: str = ""

    def table_for(self, name: str) -> TableSpec | None:
        """The table a file (name or stem) or sheet maps to, if the mapping names it."""
        stem = Path(name).stem
        for pattern, table in self.files.items():
            for candidate in (name, stem):
                if candidate == pattern or fnmatch.fnmatchcase(candidate, pattern):
                    return BY_NAME[table]
        return None

    def column_for(self, header: object, spec: TableSpec) -> str | None:
        if header is None:
            return None
        text = normal_text(str(header))
        for name, column in self.columns.get(spec.name, {}).items():
            if normal_text(name) == text:
                return column
        return None

    def ignored(self, header: object) -> bool:
        return header is not None and normal_text(str(header)) in self.ignore

    def values_for(self, spec: TableSpec, column: str) -> dict[str, str]:
        """File value → contract value for one column (its own section, then its enumeration's)."""
        col = spec.column(column)
        found: dict[str, str] = {}
        if col.enum:
            found.update(self.values.get(col.enum, {}))
        found.update(self.values.get(column, {}))
        found.update(self.values.get(f"{spec.name}.{column}", {}))
        if col.kind == "code12" or column == "area_code":
            found.update(self.village_codes)
        return found


def load_mapping(path: Path | None, ignore_columns: list[str] | None = None) -> Mapping:
    """Read and check a mapping file (None: an empty mapping); `ignore_columns` from the command line."""
    mapping = Mapping(ignore={normal_text(c) for c in ignore_columns or []})
    if path is None:
        return mapping
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise MappingError(f"无法读取映射文件 {path}：{exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"映射文件 {path} 格式有误（TOML）：{exc}") from exc
    mapping.path = str(path)
    known = {"files", "columns", "values", "village_codes", "indicators", "ignore"}
    unknown = set(data) - known
    if unknown:
        raise MappingError(f"映射文件中有无法识别的部分：{'、'.join(sorted(unknown))}")
    for pattern, table in _section(data, "files").items():
        if table not in BY_NAME:
            raise MappingError(
                f"[files] {pattern} = {table}：没有这张表（可用：{'、'.join(BY_NAME)}）"
            )
        mapping.files[pattern] = table
    for table, columns in _section(data, "columns").items():
        if table not in BY_NAME:
            raise MappingError(f"[columns.{table}]：没有这张表")
        names = {c.name for c in BY_NAME[table].columns}
        for header, column in _strings(columns, f"columns.{table}").items():
            if column not in names:
                raise MappingError(
                    f"[columns.{table}] {header} = {column}：{table} 没有这一列（可用：{'、'.join(sorted(names))}）"
                )
        mapping.columns[table] = dict(columns)
    for name, values in _section(data, "values").items():
        mapping.values[name] = {
            normal_text(k): v for k, v in _strings(values, f"values.{name}").items()
        }
    mapping.village_codes = _strings(_section(data, "village_codes"), "village_codes")
    indicators = _section(data, "indicators")
    signing = indicators.get("signing")
    if signing:
        mapping.values.setdefault("indicator_code", {})[normal_text(str(signing))] = SIGNING_CODE
    ignore = _section(data, "ignore").get("columns", [])
    mapping.ignore |= {normal_text(str(c)) for c in ignore}
    return mapping


def _section(data: dict, name: str) -> dict:
    section = data.get(name, {})
    if not isinstance(section, dict):
        raise MappingError(f"映射文件的 [{name}] 应是一个表（键 = 值）")
    return section


def _strings(section, name: str) -> dict[str, str]:
    if not isinstance(section, dict):
        raise MappingError(f"映射文件的 [{name}] 应是一个表（键 = 值）")
    return {str(k): str(v) for k, v in section.items()}
