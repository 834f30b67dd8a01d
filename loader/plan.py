"""What a load replaces in the monthly tables, worked out before anything is written.

A monthly table's rows are replaced per month *and township* present in the file: a file with
one township's chronic rows for 2026-10 replaces that township's 2026-10 rows and leaves every
other township's as they are. The unit replaced (a "scope") is

- chronic_status: the villages of one township (village_code starts with its 9 digits);
- indicator_value: one indicator under one township (area_code starts with its code; a
  county-level row's scope is the county);
- team_service, sample_check: the teams of one township (team.township_code, from the file
  or the database).

`--replace-months` replaces whole months instead (townships absent from the file lose their
rows of those months), and a township's month shrinking by more than `--max-shrink` needs
`--allow-shrink`. The plan lists per table, month and township the rows before and after,
added, removed and changed (and for chronic rows the colour changes).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from loader.columns import BY_NAME, TABLES, TableSpec
from loader.read import Staging, q
from loader.report import ERROR, Problem

# A township's month may lose at most this share of its rows without --allow-shrink.
DEFAULT_MAX_SHRINK = 0.5
TEAM_TABLES = ("team_service", "sample_check")


@dataclass(frozen=True)
class PlanOptions:
    replace_months: bool = False  # replace whole months (delete townships absent from the file)
    max_shrink: float = DEFAULT_MAX_SHRINK
    allow_shrink: bool = False


def _team_map() -> str:
    """team_id → township_code, the file's teams first, then the database's."""
    return (
        "(SELECT team_id, township_code FROM norm_team UNION ALL "
        "SELECT team_id, township_code FROM db_team d WHERE NOT EXISTS "
        "(SELECT 1 FROM norm_team f WHERE f.team_id = d.team_id))"
    )


def _part(spec: TableSpec, alias: str) -> str:
    """SQL for the township-level part a row of `alias` belongs to."""
    if spec.name == "chronic_status":
        return f"substr({alias}.village_code, 1, 9)"
    if spec.name == "indicator_value":
        return f"{alias}.indicator_code || '|' || substr({alias}.area_code, 1, 9)"
    township = f"(SELECT township_code FROM {_team_map()} tm WHERE tm.team_id = {alias}.team_id)"  # noqa: S608
    return f"coalesce({township}, '?' || {alias}.team_id)"


def _label(staging: Staging, spec: TableSpec, part: str) -> str:
    township = part.split("|", 1)[1] if spec.name == "indicator_value" else part
    # The file's name first, else the database's: COALESCE says which (UNION ALL … LIMIT 1
    # may return either branch first).
    name = staging.con.execute(
        "SELECT COALESCE((SELECT min(name) FROM norm_township WHERE township_code = ?),"
        " (SELECT min(name) FROM db_township WHERE township_code = ?))",
        [township, township],
    ).fetchone()[0]
    name = township if name is None else name
    if spec.name == "indicator_value":
        return f"指标 {part.split('|', 1)[0]} {name}"
    return name


def plan_changes(staging: Staging, validation, options: PlanOptions) -> None:
    """Fill validation.scopes and the report's plan; refuse shrinking months without the flag."""
    report = validation.report
    for spec in TABLES:
        source = validation.sources.get(spec.name)
        if source is None:
            continue
        norm = q(f"norm_{spec.name}")
        rows = staging.con.execute(f"SELECT count(*) FROM {norm}").fetchall()[0][0]  # noqa: S608
        where = f"{source.file}" + (f" / {source.sheet}" if source.sheet else "")
        if not spec.monthly:
            on = " AND ".join(f"n.{q(k)} = b.{q(k)}" for k in spec.key)
            existing = staging.con.execute(
                f"SELECT count(*) FROM {norm} n WHERE EXISTS (SELECT 1 FROM {q('db_' + spec.name)} b WHERE {on})"  # noqa: S608
            ).fetchall()[0][0]
            kept = [c.name for c in spec.columns if c.name not in source.columns]
            line = f"{spec.name}：{rows:,} 行（新增 {rows - existing:,}，更新 {existing:,}）"
            if kept and existing:
                line += f"；文件中没有的列保留原值：{'、'.join(kept)}"
            report.plan.append(f"{line}  ← {where}")
            continue
        months = validation.months.get(spec.name, [])
        span = f"{months[0]}–{months[-1]}" if len(months) > 1 else "".join(months)
        report.plan.append(f"{spec.name}：{rows:,} 行，{len(months)} 个月（{span}）  ← {where}")
        lines = _monthly_plan(staging, validation, spec, source, options)
        report.plan.extend(f"  {line}" for line in lines)


def _monthly_plan(staging: Staging, validation, spec: TableSpec, source, options) -> list[str]:
    norm, old = q(f"norm_{spec.name}"), q(f"dbm_{spec.name}")
    keys = [k for k in spec.key if k != "month"]
    values = [c.name for c in spec.columns if c.name not in spec.key]
    part_n, part_o = _part(spec, "n"), _part(spec, "o")
    in_file = "SELECT DISTINCT month, part FROM n"
    o_filter = "" if options.replace_months else f"WHERE (month, part) IN ({in_file})"
    join = " AND ".join(
        ["n.month = o.month", "n.part = o.part"] + [f"n.{q(k)} = o.{q(k)}" for k in keys]
    )
    differs = " OR ".join(f"n.{q(v)} IS DISTINCT FROM o.{q(v)}" for v in values) or "false"
    color = (
        ", count(*) FILTER (WHERE n.month IS NOT NULL AND o.month IS NOT NULL "
        "AND n.color IS DISTINCT FROM o.color)"
        if spec.name == "chronic_status"
        else ", 0"
    )
    cols = ", ".join(q(c.name) for c in spec.columns)
    sql = (
        f"WITH n AS (SELECT {cols}, {part_n} AS part FROM {norm} n), "  # noqa: S608
        f"o0 AS (SELECT {cols}, {part_o} AS part FROM {old} o), "
        f"o AS (SELECT * FROM o0 {o_filter}) "
        "SELECT coalesce(n.month, o.month) AS month, coalesce(n.part, o.part) AS part, "
        "count(o.month), count(n.month), "
        "count(*) FILTER (WHERE o.month IS NULL), count(*) FILTER (WHERE n.month IS NULL), "
        f"count(*) FILTER (WHERE n.month IS NOT NULL AND o.month IS NOT NULL AND ({differs})) "
        f"{color}, bool_or(n.month IS NOT NULL) "
        f"FROM n FULL OUTER JOIN o ON {join} GROUP BY ALL ORDER BY 1, 2"
    )
    lines = []
    scopes: list[tuple[str, str]] = []
    report = validation.report
    for (
        month,
        part,
        before,
        after,
        added,
        removed,
        changed,
        recolored,
        present,
    ) in staging.con.execute(sql).fetchall():
        label = _label(staging, spec, part)
        if not present:
            lines.append(f"删除 {label} {month}：{before:,} → 0 行（--replace-months）")
            continue
        if before == 0:
            lines.append(f"新增 {label} {month}：{after:,} 行")
        else:
            detail = f"新增 {added:,}，删除 {removed:,}，变更 {changed:,}"
            if spec.name == "chronic_status":
                detail += f"，颜色变化 {recolored:,}"
            lines.append(f"替换 {label} {month}：{before:,} → {after:,} 行（{detail}）")
            if after < before * (1 - options.max_shrink) and not options.allow_shrink:
                reason = (
                    f"替换 {label} {month}：{before:,} → {after:,} 行，减少超过 "
                    f"{options.max_shrink:.0%}：若确实如此，请加上 --allow-shrink 再加载"
                    "（或用 --max-shrink 调整比例）"
                )
                report.add(
                    Problem(
                        ERROR, spec.name, source.file, source.sheet, None, "month", month, reason
                    )
                )
        if not options.replace_months:
            scopes.extend(_scopes(staging, spec, month, part))
    if options.replace_months:
        scopes = [(m, "") for m in validation.months.get(spec.name, [])]
    validation.scopes[spec.name] = sorted(set(scopes))
    return lines


def _scopes(staging: Staging, spec: TableSpec, month: str, part: str) -> list[tuple[str, str]]:
    """The (month, scope) units deleted for one township's month (see scope_condition)."""
    if spec.name not in TEAM_TABLES:
        return [(month, part)]
    teams = staging.con.execute(
        f"SELECT team_id FROM {_team_map()} tm WHERE township_code = ? UNION "  # noqa: S608
        f"SELECT team_id FROM {q('norm_' + spec.name)} WHERE month = ? AND '?' || team_id = ?",
        [part, month, part],
    ).fetchall()
    return [(month, t) for (t,) in teams]


def scope_condition(table: sa.Table, month: str, scope: str):
    """The rows of `table` one (month, scope) unit covers, as a SQLAlchemy condition."""
    condition = table.c.month == month
    if scope == "":
        return condition  # the whole month (--replace-months)
    if table.name == "chronic_status":
        return sa.and_(condition, table.c.village_code.startswith(scope, autoescape=True))
    if table.name == "indicator_value":
        indicator, prefix = scope.split("|", 1)
        return sa.and_(
            condition,
            table.c.indicator_code == indicator,
            table.c.area_code.startswith(prefix, autoescape=True),
        )
    return sa.and_(condition, table.c.team_id == scope)


def monthly_specs() -> list[TableSpec]:
    return [spec for spec in TABLES if spec.monthly]


assert all(name in BY_NAME for name in TEAM_TABLES)
