"""The validation report: every problem with file, sheet, row, column, value and a reason in Chinese."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

ERROR = "错误"
WARNING = "警告"
NOTE = "提示"  # what the loader did on its own (rows skipped, codes shortened); never blocks
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
    # The root cause this problem follows from (e.g. 文件未识别：省平台团队.csv), if known.
    cause: str | None = None

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
            self.cause or "",
        ]


HEADER = ["级别", "文件", "工作表", "行", "列", "值", "问题", "表", "根本原因"]


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    # What a load would do, one line each (rows per table, months replaced).
    plan: list[str] = field(default_factory=list)
    plan_hidden: int = 0  # plan lines left out of the terminal summary (all are in the report)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def notes(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == NOTE]

    def summary(self, examples: int = 3, full: bool = False) -> str:
        """A few lines for the terminal: counts per table and reason, with example locations.

        Problems that follow from one root cause (a file not recognised) are grouped under it:
        fixing the cause removes them all.
        """
        lines = [
            f"错误 {len(self.errors)} 条，警告 {len(self.warnings)} 条，提示 {len(self.notes)} 条"
        ]
        by_cause: dict[str | None, list[Problem]] = {}
        for p in self.problems:
            by_cause.setdefault(p.cause, []).append(p)
        for cause, problems in sorted(
            by_cause.items(), key=lambda i: (i[0] is not None, i[0] or "")
        ):
            indent = "  "
            if cause is not None:
                errors = sum(1 for p in problems if p.severity == ERROR)
                lines.append(f"  {cause} → 以下 {errors:,} 条错误均由此引起")
                indent = "      "
            groups: dict[tuple, list[Problem]] = {}
            for p in problems:
                key = (p.severity, p.table, p.column, _reason_kind(p.reason))
                groups.setdefault(key, []).append(p)
            for (severity, table, column, _), items in sorted(groups.items(), key=_group_order):
                where = "、".join(_where(p) for p in items[:examples])
                more = f" 等 {len(items)} 处" if len(items) > examples else ""
                col = f".{column}" if column else ""
                lines.append(
                    f"{indent}[{severity}] {table}{col}: {items[0].reason}（{where}{more}）"
                )
        if self.plan:
            lines.append("加载内容：")
            shown = self.plan if full else _shorten(self.plan)
            lines.extend(f"  {line}" for line in shown)
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
        from dashboard import excel  # the one spreadsheet writer: safe cells, print setup

        sheets = {
            "问题": pd.DataFrame([p.as_row() for p in self.problems], columns=HEADER),
            "摘要": pd.DataFrame({"摘要": self.summary(examples=5, full=True).splitlines()}),
            "计划": pd.DataFrame({"计划": self.plan}, dtype=object),
        }
        path.write_bytes(excel.to_excel_bytes(sheets, audited=False))
        return path


# Lines per table of the plan shown in the terminal; the report's 计划 sheet has them all.
PLAN_LINES_SHOWN = 40


def _shorten(plan: list[str]) -> list[str]:
    shown: list[str] = []
    hidden = 0
    run = 0
    for line in plan:
        if not line.startswith("  "):
            if hidden:
                shown.append(f"  ……另有 {hidden:,} 行，见完整报告的「计划」")
            run, hidden = 0, 0
            shown.append(line)
        elif run < PLAN_LINES_SHOWN:
            run += 1
            shown.append(line)
        else:
            hidden += 1
    if hidden:
        shown.append(f"  ……另有 {hidden:,} 行，见完整报告的「计划」")
    return shown


def _reason_kind(reason: str) -> str:
    # Reasons of one check differ only after the first "：" (the offending value or row).
    return reason.split("：", 1)[0]


def _group_order(item):
    (severity, table, column, reason), _ = item
    return ((ERROR, WARNING, NOTE).index(severity), table, column or "", reason)


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
