"""The normalisation and format checks of one text cell, as DuckDB macros in staging.

A cell is read as the contract's typed value (`normalised`) by the same macros that decide
which of its column checks it fails (`format_checks`); loader.validate runs both in one pass.
"""

from __future__ import annotations

from loader.columns import CODE_DIGITS, ENUMS, Column, TableSpec, accepted_values
from loader.read import Staging, literal, q
from loader.report import ERROR, NOTE, WARNING
from loader.target import duck_type

# Staging macros: the normalisation of one text cell, shared by checks and the typed copy.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# ISO 7064 MOD 11-2: Σ digit × weight over the first 17 digits picks the 18th from 10X98765432.
ID_SUM = " + ".join(f"{w} * CAST(nt(x)[{i}] AS INTEGER)" for i, w in enumerate(ID_WEIGHTS, start=1))
FULL_WIDTH = "０１２３４５６７８９，．－／：＋ｅＥ"
HALF_WIDTH = "0123456789,.-/:+eE"
# Only a value with one of these is translated (translate() costs more than this test).
FULL_WIDTH_CLASS = "[０-９，．－／：＋ｅＥ]"
MACROS = rf"""
CREATE OR REPLACE MACRO nt(x) AS NULLIF(trim(CAST(x AS VARCHAR)), '');
CREATE OR REPLACE MACRO ntw(x) AS CASE
    WHEN regexp_matches(CAST(x AS VARCHAR), '{FULL_WIDTH_CLASS}')
    THEN nt(translate(CAST(x AS VARCHAR), '{FULL_WIDTH}', '{HALF_WIDTH}')) ELSE nt(x) END;
CREATE OR REPLACE MACRO num(x) AS TRY_CAST(replace(ntw(x), ',', '') AS DOUBLE);
CREATE OR REPLACE MACRO is_int(x) AS num(x) IS NOT NULL AND num(x) = floor(num(x));
CREATE OR REPLACE MACRO ym(y, m) AS
    CASE WHEN TRY_CAST(m AS INTEGER) BETWEEN 1 AND 12 THEN y || '-' || lpad(m, 2, '0') END;
CREATE OR REPLACE MACRO excel_serial(x) AS regexp_full_match(ntw(x), '[2-7]\d{{4}}(\.0+)?');
CREATE OR REPLACE MACRO month_of(x) AS CASE
    WHEN regexp_full_match(x, '\d{{4}}-(0[1-9]|1[0-2])') THEN x
    WHEN regexp_full_match(ntw(x), '\d{{6}}') THEN ym(ntw(x)[1:4], ntw(x)[5:6])
    WHEN regexp_full_match(ntw(x), '(19|20)\d{{2}}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])')
    THEN ym(ntw(x)[1:4], ntw(x)[5:6])
    WHEN excel_serial(x)
    THEN strftime(DATE '1899-12-30' + CAST(TRY_CAST(ntw(x) AS DOUBLE) AS INTEGER), '%Y-%m')
    WHEN regexp_full_match(ntw(x), '(\d{{4}})\s*[-/.年]\s*(\d{{1,2}})\s*月?(\s*[-/.]?\s*\d{{1,2}}\s*日?)?([ T].*)?')
    THEN ym(regexp_extract(ntw(x), '^(\d{{4}})', 1), regexp_extract(ntw(x), '^\d{{4}}\s*[-/.年]\s*(\d{{1,2}})', 1))
END;
CREATE OR REPLACE MACRO sci(x) AS regexp_matches(ntw(x), '\d[eE]\+?\d');
CREATE OR REPLACE MACRO code_of(x, n) AS CASE
    WHEN n = 12 AND regexp_full_match(ntw(x), '\d{{19}}') THEN ntw(x)[1:12] ELSE ntw(x) END;
CREATE OR REPLACE MACRO id_card(x) AS regexp_full_match(nt(x), '\d{{17}}[\dXx]')
    AND substr('10X98765432', 1 + ({ID_SUM}) % 11, 1) = upper(nt(x)[18]);
CREATE OR REPLACE MACRO person_name(x) AS regexp_full_match(nt(x), '[一-鿿]{{2,4}}(·[一-鿿]{{1,8}})?');
"""
# Enumerations whose codes are open: service types are rows of the service_type table.
OPEN_ENUMS = {"service_type"}


def install_macros(staging: Staging) -> None:
    for statement in MACROS.split(";"):
        if statement.strip():
            staging.con.execute(statement)
    for name in ENUMS:
        # A CASE over the accepted spellings: vectorised, where a lookup join per row is not.
        # Values already written as codes (exports) skip the CASE: a hashed IN is ~4× faster.
        branches = " ".join(
            f"WHEN {literal(label)} THEN {literal(code)}"
            for label, code in accepted_values(name).items()
        )
        codes = ", ".join(literal(code) for code in ENUMS[name])
        staging.con.execute(
            f"CREATE OR REPLACE MACRO {q('enum_' + name)}(x) AS CASE WHEN x IN ({codes}) THEN x "
            f"ELSE CASE lower(ntw(x)) {branches} END END"
        )


def normalised(column: Column) -> str:
    """SQL for the typed, normalised value of a text column (NULL when it cannot be read)."""
    c = q(column.name)
    kind = column.kind
    if kind == "int":
        return f"CASE WHEN is_int({c}) THEN CAST(num({c}) AS BIGINT) END"
    if kind == "real":
        return f"num({c})"
    if kind == "month":
        return f"month_of({c})"
    if kind in CODE_DIGITS:
        return f"code_of({c}, {CODE_DIGITS[kind]})"
    if kind == "area_code":
        return f"code_of({c}, length(ntw({c})) - 7 * CAST(length(ntw({c})) = 19 AS INTEGER))"
    enum = column.enum
    if enum is not None:
        lookup = f"{q('enum_' + enum)}({c})"
        if enum in OPEN_ENUMS:
            return f"COALESCE({lookup}, ntw({c}))"
        if kind == "bool":
            return f"CAST({lookup} = 'true' AS BOOLEAN)"
        if enum == "village_class":
            return f"CAST({lookup} AS SMALLINT)"
        return lookup
    return f"nt({c})" if kind == "text" else f"ntw({c})"


def format_checks(column: Column, spec: TableSpec) -> list[tuple[str, str, str]]:
    """(condition on the text, reason, severity) for one column."""
    c = q(column.name)
    kind = column.kind
    text = "ntw" if kind != "text" else "nt"
    present = f"{text}({c}) IS NOT NULL"
    checks = []
    if column.required:
        checks.append((f"nt({c}) IS NULL", "必填项为空", ERROR))
    if kind != "text":
        checks.append(
            (
                f"regexp_matches(CAST({c} AS VARCHAR), '{FULL_WIDTH_CLASS}')",
                "含全角数字或标点（如 ５２２７），已按半角读取，请确认",
                WARNING,
            )
        )
    if kind in CODE_DIGITS:
        digits = CODE_DIGITS[kind]
        digits_only = f"regexp_full_match(ntw({c}), '\\d{{{digits}}}')"
        if digits == 12:
            checks.append(
                (
                    f"regexp_full_match(ntw({c}), '\\d{{19}}')",
                    "19 位三调坐落单位代码（ZLDWDM），已取前 12 位作为村代码",
                    NOTE,
                )
            )
            digits_only = f"regexp_full_match(ntw({c}), '\\d{{12}}|\\d{{19}}')"
        # The cheap test first: AND evaluates its later terms only on rows that got that far.
        checks.append(
            (
                f"{present} AND NOT {digits_only} AND sci({c})",
                f"代码被写成了科学计数法，请把该列设为文本格式后重新输入 {digits} 位代码",
                ERROR,
            )
        )
        checks.append(
            (
                f"{present} AND NOT {digits_only} AND NOT sci({c})",
                f"应为 {digits} 位数字代码",
                ERROR,
            )
        )
    elif kind == "area_code":
        checks.append(
            (
                f"{present} AND NOT regexp_full_match(ntw({c}), '\\d{{6}}|\\d{{9}}|\\d{{12}}|\\d{{19}}')",
                "应为 6、9 或 12 位数字代码",
                ERROR,
            )
        )
    elif kind == "int":
        checks.append((f"{present} AND NOT is_int({c})", "应为整数", ERROR))
    elif kind == "real":
        checks.append((f"{present} AND num({c}) IS NULL", "应为数字", ERROR))
    elif kind == "month":
        checks.append(
            (f"{present} AND month_of({c}) IS NULL", "月份应为 YYYY-MM，如 2026-01", ERROR)
        )
        checks.append(
            (
                f"{present} AND excel_serial({c})",
                "看起来是 Excel 日期序号（如 46112 = 2026-03-31），已换算为月份，请确认",
                WARNING,
            )
        )
    elif column.enum is not None and column.enum not in OPEN_ENUMS:
        labels = "、".join(ENUMS[column.enum].values())
        checks.append(
            (
                f"{present} AND ({normalised(column)}) IS NULL",
                f"不是有效取值，可选：{labels}",
                ERROR,
            )
        )
    if spec.name == "chronic_status" and column.name == "patient_id":
        checks.append(
            (
                f"id_card({c})",
                "患者编号像是身份证号（18 位且校验位正确）：不得填写身份证号，请换成脱敏编号（如哈希）",
                ERROR,
            )
        )
        checks.append(
            (
                f"person_name({c})",
                "患者编号像是姓名：不得填写患者姓名，请换成脱敏编号（如哈希）",
                ERROR,
            )
        )
    return checks


def staging_values(staging: Staging, columns: list[Column], texts: list[str]) -> list:
    """Texts as the normalised, typed values `norm_<table>` holds for them."""
    given = ", ".join(f"CAST(? AS VARCHAR) AS {q(c.name)}" for c in columns)
    typed = ", ".join(f"CAST({normalised(c)} AS {duck_type(c.kind)})" for c in columns)
    return list(staging.con.execute(f"SELECT {typed} FROM (SELECT {given})", texts).fetchall()[0])  # noqa: S608
