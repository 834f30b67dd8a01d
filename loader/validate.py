"""Validation in the staging database: every check is a query that returns the offending rows.

One pass over each input normalises its rows into a typed table `norm_<table>` (Chinese
labels become the contract's codes) and marks, per row, which column checks (required,
types, code formats, months, enumerations) its text fails; only a check that failed reads
the input again, for its rows. The relational checks run on the typed tables (duplicates,
foreign keys against the file and the database, nesting of codes, passed ≤ checked,
numerator ≤ denominator, teams).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace

import duckdb
from tqdm import tqdm

from loader.cells import format_checks, install_macros, normalised, staging_values
from loader.columns import (
    AREA_DIGITS,
    BY_NAME,
    FOREIGN_KEYS,
    NESTING,
    NON_NEGATIVE,
    TABLES,
    TableSpec,
)
from loader.plan import PlanOptions, plan_changes
from loader.read import Source, Staging, csv_problem, phase, q
from loader.report import ERROR, MAX_ROWS_PER_CHECK, NOTE, WARNING, Problem, Report, counted
from loader.target import create_typed, duck_type

# Where a village's coordinates may lie (a warning outside).
CHINA_LON = (73.0, 136.0)
CHINA_LAT = (3.0, 54.0)
# Column checks per table are bits of one BIGINT per row.
MAX_CHECKS = 62


@dataclass
class Validation:
    report: Report
    sources: dict[str, Source]
    months: dict[str, list[str]] = field(default_factory=dict)  # monthly table → months in file
    target: dict = field(default_factory=dict)
    # monthly table → the (month, scope) units a load deletes before inserting (loader.plan)
    scopes: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.report.errors


class Checker:
    """Runs checks against the staging tables and files their rows into the report."""

    def __init__(self, staging: Staging, report: Report, sources: dict[str, Source]):
        self.staging = staging
        self.report = report
        self.sources = sources

    def rows(
        self,
        source: Source,
        severity: str,
        column: str | None,
        sql: str,
        reason,
        params=(),
        raw: bool = False,
        cause: str | None = None,
    ):
        """Report rows of `sql` (selecting _row, value[, detail]); reason may be a function of detail.

        raw: show the value as the file writes it (转诊, not referral), read back from the
        input for the reported rows only.
        """
        limited = (
            f"SELECT *, count(*) OVER () AS _n FROM ({sql}) ORDER BY 1 LIMIT {MAX_ROWS_PER_CHECK}"  # noqa: S608
        )
        found = self.staging.con.execute(limited, list(params)).fetchall()
        shown: dict = {}
        if raw and found and column is not None:
            numbers = ", ".join(str(int(r[0])) for r in found if r[0] is not None)
            if numbers:
                shown = dict(
                    self.staging.con.execute(
                        f"SELECT _row, {q(column)} FROM {q('src_' + source.spec.name)} "  # noqa: S608
                        f"WHERE _row IN ({numbers})"
                    ).fetchall()
                )
        for record in found:
            row, value, *detail = record[:-1]
            value = shown.get(row, value)
            text = reason(*detail) if callable(reason) else reason
            problem = source.problem(severity, row, column, value, text)
            self.report.add(replace(problem, cause=cause) if cause else problem)
        if found and found[0][-1] > len(found):
            more = found[0][-1] - len(found)
            base = reason(*found[0][2:-1]) if callable(reason) else reason
            line = counted(
                severity, source.spec.name, source.file, source.sheet, column, more, base
            )
            self.report.add(replace(line, cause=cause) if cause else line)
        return len(found)


SKIPPED = {"空行": "空行，已跳过", "合计行": "合计/小计/总计行（不是数据），已跳过"}


def validate(
    staging: Staging, report: Report, target_loader, options: PlanOptions | None = None
) -> Validation:
    """Run every check; `target_loader(months)` copies the database's rows into staging."""
    options = options or PlanOptions()
    install_macros(staging)
    sources = staging.sources
    checker = Checker(staging, report, sources)
    # One step per table read and checked, per table's relational checks, and the plan.
    bar = tqdm(
        total=2 * len(sources) + 2,
        desc="检查",
        unit="步",
        file=sys.stderr,
        disable=not staging.progress,
    )
    for spec in TABLES:
        source = sources.get(spec.name)
        if source is None:
            create_typed(staging, f"norm_{spec.name}", spec, with_row=True)
            continue
        bar.set_postfix_str(spec.name)
        bar.update(1)
        checks = [
            (column, condition, reason, severity)
            for column in spec.columns
            if column.name in source.columns or column.required
            for condition, reason, severity in format_checks(column, spec)
        ]
        # One pass reads the input (for a CSV file, the file itself), writes the typed table
        # and marks each row's failed checks in a bitmask; rows are fetched only for checks
        # that failed somewhere.
        with phase(f"read, check and normalise {spec.name}"):
            try:
                failed = _normalise(staging, spec, [condition for _, condition, _, _ in checks])
            except duckdb.Error as exc:  # a CSV file's malformed row shows up as it is read
                report.add(csv_problem(spec, source.file, exc))
                del sources[spec.name]
                create_typed(staging, f"norm_{spec.name}", spec, with_row=True)
                continue
        src = q(f"src_{spec.name}")
        for bit, (column, condition, reason, severity) in enumerate(checks):
            if failed >> bit & 1:
                sql = (
                    f"SELECT _row, {q(column.name)} FROM {src} WHERE _skip IS NULL AND {condition}"  # noqa: S608
                )
                checker.rows(source, severity, column.name, sql, reason)
        _set_aside(staging, report, spec, source)
    months = {
        spec.name: [
            m
            for (m,) in staging.con.execute(
                f"SELECT DISTINCT month FROM {q('norm_' + spec.name)} "  # noqa: S608
                "WHERE month IS NOT NULL ORDER BY 1"
            ).fetchall()
        ]
        for spec in TABLES
        if spec.monthly and spec.name in sources
    }
    validation = Validation(report, sources, months)
    bar.set_postfix_str("读取数据库")
    bar.update(1)
    with phase("read the target database"):
        validation.target = target_loader(months)
    if validation.target.get("demo"):
        report.add(
            Problem(
                ERROR,
                "data_meta",
                "",
                None,
                None,
                "demo",
                "true",
                "目标数据库是演示数据库（data_meta demo = true）：请加载到新的数据库文件或空数据库",
            )
        )
    for spec in TABLES:
        source = sources.get(spec.name)
        if source is not None:
            bar.set_postfix_str(spec.name)
            bar.update(1)
            with phase(f"relational checks {spec.name}"):
                _relational_checks(checker, spec, source)
    bar.set_postfix_str("计划")
    with phase("team coverage, plan"):
        _team_coverage(checker)
        plan_changes(staging, validation, options)
    bar.update(bar.total - bar.n)
    bar.close()
    return validation


def _set_aside(staging: Staging, report: Report, spec: TableSpec, source: Source) -> None:
    """Say which rows are not data (blank, 合计, the template's example) and drop them."""
    norm = q(f"norm_{spec.name}")
    found = staging.con.execute(
        f"SELECT _skip, count(*), list(_row ORDER BY _row)[1:5] FROM {norm} "  # noqa: S608
        "WHERE _skip IS NOT NULL GROUP BY 1 ORDER BY 1"
    ).fetchall()
    for kind, count, first in found:
        where = "、".join(map(str, first)) + (" 等" if count > len(first) else "")
        reason = f"{count:,} 行{SKIPPED[kind]}（第 {where} 行）"
        report.add(source.problem(NOTE, first[0], None, None, reason))
    if found:
        staging.con.execute(f"DELETE FROM {norm} WHERE _skip IS NOT NULL")  # noqa: S608
    _example_rows(staging, report, spec, source)
    staging.con.execute(f"ALTER TABLE {norm} DROP COLUMN _skip")  # noqa: S608
    source.rows = staging.con.execute(f"SELECT count(*) FROM {norm}").fetchall()[0][0]  # noqa: S608


def _normalise(staging: Staging, spec: TableSpec, conditions: list[str]) -> int:
    """Write `norm_<table>` from `src_<table>`; return the OR of its rows' failed-check bits."""
    if len(conditions) > MAX_CHECKS:
        raise ValueError(f"{spec.name}: more checks than bits")
    typed = ", ".join(
        f"CAST({normalised(c)} AS {duck_type(c.kind)}) AS {q(c.name)}" for c in spec.columns
    )
    bits = " | ".join(
        f"CASE WHEN {condition} THEN {1 << bit} ELSE 0 END"
        for bit, condition in enumerate(conditions)
    )
    norm = q(f"norm_{spec.name}")
    staging.con.execute(
        f"CREATE OR REPLACE TABLE {norm} AS SELECT _row, {typed}, _skip, "  # noqa: S608 - identifiers only
        f"CASE WHEN _skip IS NULL THEN CAST({bits or 0} AS BIGINT) ELSE 0 END AS _failed "
        f"FROM {q('src_' + spec.name)}"
    )
    rows, failed = staging.con.execute(
        f"SELECT count(*), coalesce(bit_or(_failed), 0) FROM {norm}"  # noqa: S608
    ).fetchall()[0]
    staging.sources[spec.name].rows = rows
    return failed


def _relational_checks(checker: Checker, spec: TableSpec, source: Source) -> None:
    norm = q(f"norm_{spec.name}")
    db = q(f"db_{spec.name}")
    keys = ", ".join(q(k) for k in spec.key)
    # Duplicates within the file.
    key_text = " || '/' || ".join(f"coalesce(CAST(n.{q(k)} AS VARCHAR), '')" for k in spec.key)
    join = " AND ".join(f"n.{q(k)} IS NOT DISTINCT FROM d.{q(k)}" for k in spec.key)
    # Grouping by one 64-bit hash of the key is much cheaper than by the key's strings (10M
    # rows); the hash only pre-selects, the exact key decides.
    hashed = f"hash({keys})"
    sql = (
        f"WITH h AS (SELECT {hashed} AS h FROM {norm} GROUP BY 1 HAVING count(*) > 1), "  # noqa: S608
        f"c AS (SELECT * FROM {norm} WHERE {hashed} IN (SELECT h FROM h)), "
        f"d AS (SELECT {keys}, min(_row) AS first FROM c GROUP BY {keys} HAVING count(*) > 1) "
        f"SELECT n._row, {key_text}, d.first FROM c n JOIN d ON {join} WHERE n._row <> d.first"
    )
    what = "、".join(spec.key)
    checker.rows(
        source, ERROR, spec.key[0], sql, lambda first: f"重复：与第 {first} 行的 {what} 相同"
    )
    # Same key already in the database with other values: a warning (the file wins).
    if not spec.monthly:
        # Only columns the file has: a column it leaves out keeps its stored values.
        others = [
            c.name for c in spec.columns if c.name not in spec.key and c.name in source.columns
        ]
        if spec.name == "village_boundary":
            others = []
        if others:
            on = " AND ".join(f"n.{q(k)} = b.{q(k)}" for k in spec.key)
            differs = " OR ".join(f"n.{q(c)} IS DISTINCT FROM b.{q(c)}" for c in others)
            names = " || ".join(
                f"CASE WHEN n.{q(c)} IS DISTINCT FROM b.{q(c)} THEN '{c}: ' || "
                f"coalesce(CAST(b.{q(c)} AS VARCHAR), '空') || ' → ' || "
                f"coalesce(CAST(n.{q(c)} AS VARCHAR), '空') || '；' ELSE '' END"
                for c in others
            )
            sql = (
                f"SELECT n._row, {key_text}, {names} FROM {norm} n JOIN {db} b ON {on} "  # noqa: S608
                f"WHERE {differs}"
            )
            checker.rows(
                source,
                WARNING,
                spec.key[0],
                sql,
                lambda change: f"数据库中已有此记录且内容不同，加载后以文件为准：{change}",
            )
    # Foreign keys, against the file and the database.
    for (table, column), (parent, parent_column) in FOREIGN_KEYS.items():
        if table != spec.name:
            continue
        c = q(column)
        pc = q(parent_column)
        sql = (
            f"SELECT _row, {c} FROM {norm} t WHERE {c} IS NOT NULL "  # noqa: S608
            f"AND NOT EXISTS (SELECT 1 FROM {q('norm_' + parent)} p WHERE p.{pc} = t.{c}) "
            f"AND NOT EXISTS (SELECT 1 FROM {q('db_' + parent)} p WHERE p.{pc} = t.{c})"
        )
        label = BY_NAME[parent].label
        checker.rows(
            source,
            ERROR,
            column,
            sql,
            f"在 {parent}（{label}）中找不到：文件和数据库中都没有",
            raw=True,
            cause=_missing_cause(checker, parent),
        )
    if spec.name == "indicator_value":
        _indicator_value_checks(checker, source)
    for table, child, parent in NESTING:
        if table == spec.name:
            sql = (
                f"SELECT _row, {q(child)}, {q(parent)} FROM {norm} "  # noqa: S608
                f"WHERE NOT starts_with({q(child)}, {q(parent)})"
            )
            checker.rows(source, ERROR, child, sql, lambda p: f"代码应以所属上级代码 {p} 开头")
    for table, column in NON_NEGATIVE:
        if table == spec.name:
            sql = f"SELECT _row, {q(column)} FROM {norm} WHERE {q(column)} < 0"  # noqa: S608
            checker.rows(source, ERROR, column, sql, "不能为负数")
    if spec.name == "sample_check":
        sql = f"SELECT _row, passed, checked FROM {norm} WHERE passed > checked"  # noqa: S608
        checker.rows(source, ERROR, "passed", sql, lambda n: f"合格人数大于抽查人数 {n}")
    if spec.name == "village":
        for column, (low, high) in (("lon", CHINA_LON), ("lat", CHINA_LAT)):
            sql = (
                f"SELECT _row, {q(column)} FROM {norm} "  # noqa: S608
                f"WHERE {q(column)} NOT BETWEEN ? AND ?"
            )
            reason = f"超出中国范围（{low}–{high}），请检查经纬度是否填反"
            checker.rows(source, WARNING, column, sql, reason, (low, high))


def _missing_cause(checker: Checker, parent: str) -> str | None:
    """Why a parent table is missing from this input, when a file was not recognised."""
    if parent in checker.sources or not checker.staging.unrecognised:
        return None
    return "文件未识别：" + "、".join(checker.staging.unrecognised)


def _indicator_value_checks(checker: Checker, source: Source) -> None:
    norm = q("norm_indicator_value")
    for level, digits in AREA_DIGITS.items():
        code = q(f"{level}_code")
        sql = (
            f"SELECT _row, area_code FROM {norm} t WHERE area_level = ? AND area_code IS NOT NULL "  # noqa: S608
            f"AND (length(area_code) <> ? OR (NOT EXISTS (SELECT 1 FROM {q('norm_' + level)} p "
            f"WHERE p.{code} = t.area_code) AND NOT EXISTS (SELECT 1 FROM {q('db_' + level)} p "
            f"WHERE p.{code} = t.area_code)))"
        )
        label = BY_NAME[level].label
        reason = f"层级为{label}时应为 {digits} 位代码，且须在 {level}（{label}）中（文件或数据库）"
        checker.rows(source, ERROR, "area_code", sql, reason, (level, digits))
    # Rates: a numerator above its denominator would show more than 100 %.
    sql = (
        f"SELECT v._row, v.numerator, v.denominator FROM {norm} v "  # noqa: S608
        "JOIN (SELECT indicator_code, unit FROM norm_indicator UNION ALL "
        "SELECT indicator_code, unit FROM db_indicator d WHERE NOT EXISTS "
        "(SELECT 1 FROM norm_indicator f WHERE f.indicator_code = d.indicator_code)) i "
        "USING (indicator_code) WHERE trim(i.unit) = '%' AND v.numerator > v.denominator"
    )
    checker.rows(
        source, ERROR, "numerator", sql, lambda d: f"分子大于分母 {d:g}：百分比指标不能超过 100%"
    )
    # Within one indicator and month all rows are at one area level (DATA_CONTRACT.md).
    sql = (
        f"WITH m AS (SELECT indicator_code, month, mode(area_level) AS level FROM {norm} "  # noqa: S608
        "GROUP BY ALL HAVING count(DISTINCT area_level) > 1) "
        f"SELECT v._row, v.area_level, m.level FROM {norm} v JOIN m USING (indicator_code, month) "
        "WHERE v.area_level <> m.level"
    )
    checker.rows(
        source,
        ERROR,
        "area_level",
        sql,
        lambda level: f"同一指标同一月份的行应在同一层级（多数行是 {level}）",
    )


def _example_rows(staging: Staging, report: Report, spec: TableSpec, source: Source) -> None:
    """The template's example row (示例县) is never data: it is left out, with a note."""
    from loader.template import EXAMPLE_COUNTY, EXAMPLES  # the template owns its examples

    example = EXAMPLES.get(spec.name)
    # Only rows of the fictional example county; 签约 worth 2 points may well be real.
    if not example or not any(EXAMPLE_COUNTY in str(v) for v in example.values()):
        return
    present = [c for c in example if c in source.columns]
    if not present:
        return
    # Compared after normalising (on the typed table, not another pass over the input): the
    # example's 绿标 and a row's green are the same value.
    columns = [source.spec.column(c) for c in present]
    values = staging_values(staging, columns, [str(example[c]) for c in present])
    where = " AND ".join(f"{q(c)} IS NOT DISTINCT FROM ?" for c in present)
    norm = q("norm_" + spec.name)
    rows = [
        r
        for (r,) in staging.con.execute(
            f"SELECT _row FROM {norm} WHERE {where} ORDER BY 1",  # noqa: S608
            values,
        ).fetchall()
    ]
    if rows:
        listed = "、".join(map(str, rows[:5]))
        reason = f"模板的示例行（{EXAMPLE_COUNTY} 示例县），不是数据，已跳过（第 {listed} 行）"
        report.add(source.problem(NOTE, rows[0], None, None, reason))
        staging.con.execute(f"DELETE FROM {norm} WHERE {where}", values)  # noqa: S608


def _team_coverage(checker: Checker) -> None:
    """Every village has exactly one team (file rows replace the database's for their villages)."""
    sources = checker.sources
    assignment = (
        "SELECT team_id, village_code, _row FROM norm_team_village UNION ALL "
        "SELECT team_id, village_code, NULL FROM db_team_village d WHERE NOT EXISTS "
        "(SELECT 1 FROM norm_team_village f WHERE f.village_code = d.village_code)"
    )
    tv = sources.get("team_village")
    if tv is not None:
        sql = (
            f"WITH a AS ({assignment}), two AS (SELECT village_code, string_agg(DISTINCT team_id, '、') "  # noqa: S608
            "AS teams FROM a GROUP BY village_code HAVING count(DISTINCT team_id) > 1) "
            "SELECT a._row, village_code, two.teams FROM a JOIN two USING (village_code) "
            "WHERE a._row IS NOT NULL"
        )
        checker.rows(
            tv, ERROR, "village_code", sql, lambda teams: f"一个村只能由一个团队服务，现有：{teams}"
        )
    village = sources.get("village")
    if village is not None or tv is not None:
        sql = (
            f"WITH a AS ({assignment}) SELECT v._row, v.village_code FROM norm_village v "  # noqa: S608
            "WHERE NOT EXISTS (SELECT 1 FROM a WHERE a.village_code = v.village_code)"
        )
        if village is not None:
            checker.rows(village, WARNING, "village_code", sql, "没有任何团队服务这个村")
