"""Export CLI: the dashboard's figures for one scope and period as JSON, from the same queries.

python -m dashboard.export --db URL --period 2026-Q1 [--county C] [--township T] [-o FILE]
    [--format json|pdf|xlsx]   (pdf, xlsx: the weekly brief of 例会模式; they need -o FILE)
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from dashboard import safe
from dashboard.meeting.fonts import FontMissing
from data_access import chronic, indicators, teams, villages
from data_access.engine import ConfigurationError, create_readonly_engine, describe_url
from data_access.periods import Period
from data_access.schema import check_schema
from data_access.scope import Scope, UnknownArea, resolve_scope


def _clean(value):
    """JSON-safe scalars: numpy → Python, NaN → None."""
    if value is None or value is pd.NA:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _records(df, columns) -> list[dict]:
    return [
        {c: _clean(v) for c, v in zip(columns, row, strict=True)}
        for row in df[columns].itertuples(index=False)
    ]


def build_report(engine: sa.Engine, scope: Scope, period: Period) -> dict:
    """Everything the export prints, as a JSON-ready dict."""
    snapshot = chronic.snapshot_month(engine, scope, period)
    report: dict = {
        "period": period.key,
        "months": list(period.months),
        "previous_period": period.previous().key,
        "scope": {"county": scope.county_code, "townships": list(scope.township_codes)},
        "village_classes": _records(
            villages.village_class_summary(engine, scope),
            ["village_class", "villages", "population", "key_population"],
        ),
        "chronic_month": snapshot,
        "chronic_colors": [],
        "chronic_previous_month": None,
        "chronic_transitions": [],
        "managed_level_mismatch": 0,
    }
    if snapshot is not None:
        report["chronic_colors"] = _records(
            chronic.color_distribution(engine, scope, snapshot), ["disease", "color", "patients"]
        )
        report["managed_level_mismatch"] = chronic.mismatched_patients(engine, scope, snapshot)
        before = chronic.month_before(engine, scope, period.first_month)
        report["chronic_previous_month"] = before
        if before is not None:
            report["chronic_transitions"] = _records(
                chronic.transitions(engine, scope, before, snapshot),
                ["disease", "from_color", "to_color", "patients"],
            )
    report["team_workload"] = _records(
        teams.team_workload(engine, scope, period),
        ["team_id", "services", "points", "members", "village_doctor_share", "checked", "passed"],
    )
    report["indicators"] = _records(
        indicators.indicator_values(engine, scope, period),
        ["indicator_code", "value", "numerator", "denominator"],
    )
    report["county_ranking"] = _records(
        indicators.county_ranking(engine, period), ["county_code", "score", "rank"]
    )
    return report


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard.export",
        description="Export the dashboard's figures for one scope and period as UTF-8 JSON.",
    )
    parser.add_argument("--db", required=True, help="SQLAlchemy database URL (opened read-only)")
    parser.add_argument("--period", required=True, help="YYYY-MM, YYYY-Qn or YYYY")
    parser.add_argument("--county", help="6-digit county code")
    parser.add_argument(
        "--township",
        action="append",
        default=[],
        help="9-digit township code (repeat or comma-separate)",
    )
    parser.add_argument("-o", "--output", type=Path, help="write to FILE instead of stdout")
    parser.add_argument(
        "--format",
        choices=("json", "pdf", "xlsx"),
        default="json",
        help="json: the figures (default); pdf / xlsx: the weekly brief (周报) as a file",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.format != "json" and args.output is None:
        parser.error(f"--format {args.format} writes a file: give -o FILE")
    logging.basicConfig(level=logging.WARNING)
    try:
        period = Period.parse(args.period)
        engine = create_readonly_engine(args.db)
        report_schema = check_schema(engine)
        if not report_schema.ok:
            raise ConfigurationError(
                f"database does not match the data contract: {report_schema.describe()}"
            )
        townships = [code for item in args.township for code in item.split(",")]
        scope = resolve_scope(engine, args.county, townships)
        if args.format != "json":
            from dashboard import brief  # matplotlib and fpdf2: loaded for the brief only

            write = brief.pdf_bytes if args.format == "pdf" else brief.xlsx_bytes
            args.output.write_bytes(write(engine, scope, period))
            return 0
        report = build_report(engine, scope, period)
        text = json.dumps(report, ensure_ascii=False, indent=2)
        if args.output:
            args.output.write_text(text + "\n", encoding="utf-8")
        else:
            sys.stdout.buffer.write((text + "\n").encode("utf-8"))
    except (ValueError, UnknownArea, ConfigurationError, FontMissing) as exc:
        return _fail(2, safe.exception_reason(exc))
    except (ImportError, sa.exc.ArgumentError) as exc:  # a driver that is not installed
        return _fail(2, f"database {describe_url(args.db)} unusable: {safe.exception_reason(exc)}")
    except sa.exc.SQLAlchemyError as exc:
        reason = safe.exception_reason(exc)
        return _fail(3, f"database {describe_url(args.db)} unavailable: {reason}")
    except OSError as exc:  # the output file cannot be written
        return _fail(4, f"cannot write {args.output.name if args.output else 'output'}: "
                     f"{exc.strerror or safe.exception_reason(exc)}")  # fmt: skip
    except Exception as exc:  # anything else: still one line, never a traceback
        return _fail(1, f"{type(exc).__name__}: {safe.exception_reason(exc)}")
    return 0


def _fail(code: int, message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
