"""The validation report: every problem with file, sheet, row, column, value and a reason in Chinese."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

ERROR = "错误"
WARNING = "警告"
# Rows listed one by one per check; the rest are counted in one line, so that a file with a
# million bad rows still gives a report a person can open.
MAX_ROWS_PER_CHECK = 200


@dataclass(frozen=True)
class Problem:
    severity: str  # ERROR or WARNING
    table: str
    file: str
    sheet: str | None
    row: int | None  # the sheet's row number, or the CSV file's line number
    column: str | None  # contract column code
    value: object
    reason: str

    def as_row(self) -> list:
        return [
            self.severity,
            self.file,
            self.sheet or "",
            self.row if self.row is not None else "",
            self.column or "",
            "" if self.value is None else str(self.value),
            self.reason,
            self.table,
        ]


HEADER = ["级别", "文件", "工作表", "行", "列", "值", "问题", "表"]


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    # What a load would do, one line each (rows per table, months replaced).
    plan: list[str] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    def summary(self, examples: int = 3) -> str:
        """A few lines for the terminal: counts per table and reason, with example locations."""
        lines = [f"错误 {len(self.errors)} 条，警告 {len(self.warnings)} 条"]
        groups: dict[tuple, list[Problem]] = {}
        for p in self.problems:
            groups.setdefault((p.severity, p.table, p.column, _reason_kind(p.reason)), []).append(p)
        for (severity, table, column, _), items in sorted(groups.items(), key=_group_order):
            where = "、".join(_where(p) for p in items[:examples])
            more = f" 等 {len(items)} 处" if len(items) > examples else ""
            col = f".{column}" if column else ""
            lines.append(f"  [{severity}] {table}{col}: {items[0].reason}（{where}{more}）")
        if self.plan:
            lines.append("加载内容：")
            lines.extend(f"  {line}" for line in self.plan)
        return "\n".join(lines)

    def write(self, path: Path) -> Path:
        """The full report as .xlsx (sheets 问题 and 摘要) or .csv (problems only, UTF-8 with BOM)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix.lower() == ".csv":
            # The BOM lets Chinese Excel open the file without garbling it.
            with path.open("w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(HEADER)
                writer.writerows(p.as_row() for p in self.problems)
            return path
        wb = Workbook(write_only=False)
        ws = wb.active
        ws.title = "问题"
        ws.append(HEADER)
        for p in self.problems:
            ws.append(p.as_row())
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for letter, width in zip("ABCDEFGH", (6, 28, 16, 8, 18, 24, 60, 18), strict=True):
            ws.column_dimensions[letter].width = width
        summary = wb.create_sheet("摘要")
        for line in self.summary(examples=5).splitlines():
            summary.append([line])
        summary.column_dimensions["A"].width = 120
        wb.save(path)
        return path


def _reason_kind(reason: str) -> str:
    # Reasons of one check differ only after the first "：" (the offending value or row).
    return reason.split("：", 1)[0]


def _group_order(item):
    (severity, table, column, reason), _ = item
    return (severity != ERROR, table, column or "", reason)


def _where(p: Problem) -> str:
    place = p.sheet or p.file
    return f"{place} 第 {p.row} 行" if p.row is not None else place


def counted(
    severity: str, table: str, file: str, sheet: str | None, column, more: int, reason: str
):
    """The line that stands for rows beyond MAX_ROWS_PER_CHECK of one check."""
    return Problem(
        severity,
        table,
        file,
        sheet,
        None,
        column,
        None,
        f"{reason}：另有 {more:,} 行同类问题未逐条列出",
    )


def counts(problems: list[Problem]) -> Counter:
    return Counter((p.severity, p.table) for p in problems)
