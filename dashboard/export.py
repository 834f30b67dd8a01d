"""Export CLI: the dashboard's figures for one scope and period as JSON, from the same queries.

python -m dashboard.export --db URL --period 2026-Q1 [--county C] [--township T] [-o FILE]
    [--view overview|map|teams|chronic|rankings|quality|meeting]   (one view's model as JSON)
    [--format json|pdf|xlsx|pptx]   (pdf, xlsx, pptx: the weekly brief of 例会模式; -o FILE)
    [--user NAME]   (as that account sees it: scope clamped to its area, leagues cut)

Every file written (or JSON printed) is an `export` row of the audit trail (what, scope).
One JSON name per figure, the view models' own: 推送不到位 is `mismatched` in the classic
report too (it was `managed_level_mismatch`; same figure), 红标未上转 `red_not_up`.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

import sqlalchemy as sa

from dashboard import audit, auth, quality_settings, safe, small_cells
from dashboard.brief import fonts
from dashboard.brief.fonts import FontMissing
from data_access import indicators, villages
from data_access.engine import ConfigurationError, create_readonly_engine, describe_url
from data_access.periods import Period
from data_access.schema import check_schema
from data_access.scope import Scope, UnknownArea, resolve_scope
from views import chronic as chronic_view
from views import chronic_cells, grid_map_cells, overview
from views import grid_map as grid_map_view
from views import quality as quality_view
from views import rankings as rankings_view
from views import teams as teams_view
from views.common import Window, window_for
from views.jsonable import jsonable
from views.meeting import deck


def _records(df, columns) -> list[dict]:
    return jsonable(df[columns])


# --view NAME → the view model's builder (options at their defaults: all diseases, …).
VIEWS = {
    "overview": overview.build,
    "chronic": chronic_view.build,
    "map": grid_map_view.build,
    "teams": teams_view.build,
    "rankings": rankings_view.build,
    "quality": quality_view.build,
    "meeting": deck.build,
}


# --format values writing the weekly brief as a file (dashboard.brief) instead of JSON.
BRIEF_FORMATS = ("pdf", "xlsx", "pptx")


# Builders whose model shows areas beside the scope (the leagues): they take `visible`.
CUT_TO_VISIBLE = (rankings_view.build, deck.build)
# Builders whose model formats figures from patient counts itself (the slides): they take the
# user's small-cell floor as `small`.
TAKE_SMALL = (deck.build, quality_view.build)
# Builders that take the administrator's 数据质量 thresholds (dashboard.quality_settings).
TAKE_QUALITY_THRESHOLDS = (deck.build, quality_view.build)
# Per builder: the model as a user with a small-cell floor sees it, before it becomes JSON
# (the map's class comparison; the village tables are masked in the JSON: VILLAGE_COUNTS).
SEEN_WITH_FLOOR = {
    grid_map_view.build: lambda engine, model, below: grid_map_cells.seen(model, below),
    chronic_view.build: chronic_cells.seen,
    overview.build: lambda engine, model, below: chronic_cells.overview_seen(model, below),
}


# Village tables of a view's JSON that hold patient counts: (path, count columns, shares that
# would give a small count away). A township role gets them as its pages show them (`<5`).
VILLAGE_COUNTS = {
    "chronic": (
        (("red_villages",), ("patients", "red"), ("red_share",)),
        (("mismatch_villages", "rows"), ("patients", "mismatched"), ("mismatch_share",)),
    ),
    "map": (
        (("villages",), ("patients", "red"), ("red_share",)),
        (("mismatches",), ("patients", "red"), ("red_share",)),
    ),
}


def _mask_village_counts(name: str, model: dict, visible: Scope | None) -> dict:
    """The JSON of a view with its village patient counts masked for this user (in place)."""
    for path, counts, shares in VILLAGE_COUNTS.get(name, ()):
        *parents, last = path
        holder = model
        for key in parents:
            holder = holder.get(key) or {}
        if holder.get(last):
            holder[last] = small_cells.mask_records(holder[last], visible, counts, shares)
    return model


def build_view(
    engine: sa.Engine, name: str, scope: Scope, window: Window, visible: Scope | None = None
) -> dict:
    """One view's model as JSON-ready data: everything its page or the deck shows (patient
    counts of villages and village classes masked for `visible` as the pages mask them)."""
    builder = VIEWS[name]
    below = small_cells.floor(visible)
    options = {"visible": visible} if builder in CUT_TO_VISIBLE else {}
    if builder in TAKE_SMALL:
        options["small"] = below
    if builder in TAKE_QUALITY_THRESHOLDS:
        options["thresholds"] = quality_settings.thresholds()
    model = builder(engine, scope, window, **options)
    if builder in SEEN_WITH_FLOOR:
        model = SEEN_WITH_FLOOR[builder](engine, model, below)
    data = _mask_village_counts(name, jsonable(model), visible)
    if isinstance(model, chronic_view.ChronicView):  # its colour counts as the page hides them
        data = chronic_cells.mask_json(data, model)
    return {"view": name, **data}


def build_report(
    engine: sa.Engine, scope: Scope, period: Period, visible: Scope | None = None
) -> dict:
    """The export's classic keys, each taken from the view model that shows it on screen."""
    window = window_for(engine, period)
    ov = overview.build(engine, scope, window)
    ch = chronic_cells.seen(
        engine, chronic_view.build(engine, scope, window), small_cells.floor(visible)
    )
    period = window.period
    report: dict = {
        "period": period.key,
        "period_label": window.label,
        "months": list(period.months),
        "previous_period": window.previous.key,
        "previous_months": list(window.previous.months),
        "comparable": window.comparable,
        "scope": {"county": scope.county_code, "townships": list(scope.township_codes)},
        "village_classes": _records(
            ov.classes if len(ov.classes) else villages.village_class_summary(engine, scope),
            ["village_class", "villages", "population", "key_population"],
        ),
        "chronic_month": ch.month,
        "chronic_unit": ch.unit,
        "chronic_colors": [],
        "chronic_previous_month": ch.before,
        "chronic_transitions": [],
        "mismatched": 0,  # 推送不到位 (the views' mismatch.mismatched; was managed_level_mismatch)
        "red_not_up": 0,
    }
    if ch.month is not None:
        dist = chronic_cells.colour_table_seen(ch, "disease", "disease", ch.by_disease)
        report["chronic_colors"] = _records(dist, ["disease", "color", "patients"])
        report["mismatched"] = ch.mismatch.mismatched
        report["red_not_up"] = ch.mismatch.red_not_up
        if ch.transitions is not None:
            report["chronic_transitions"] = _records(
                ch.transitions.flows.dropna(subset=["from_color", "to_color"]),
                ["disease", "from_color", "to_color", "patients"],
            )
    tv = teams_view.build(engine, scope, window)
    report["team_workload"] = _records(
        tv.teams,
        [
            "team_id",
            "services",
            "points",
            "members",
            "village_doctor_share",
            "checked",
            "passed",
            "pass_rate",
            "flagged",
        ],
    )
    report["indicators"] = [
        {
            "indicator_code": k.code,
            "value": k.value,
            "numerator": k.numerator,
            "denominator": k.denominator,
        }
        for k in ov.kpis
    ] or _records(
        indicators.indicator_values(engine, scope, period),
        ["indicator_code", "value", "numerator", "denominator"],
    )
    # The league 县区排名, its slide and the brief show (score_text: the digits they show).
    league = rankings_view.build(engine, scope, window, visible=visible).counties
    report["county_ranking"] = (
        _records(
            league.table.rename(columns={"area_code": "county_code"}),
            ["county_code", "score", "rank", "score_text", "previous_rank", "change_text"],
        )
        if league is not None
        else []
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
        "--user",
        help="export as this account (DASHBOARD_USERS_FILE) sees it: its area only",
    )
    parser.add_argument(
        "--view",
        choices=tuple(VIEWS),
        help="write that view's model as JSON (everything the page or the deck shows)",
    )
    parser.add_argument(
        "--format",
        choices=("json", *BRIEF_FORMATS),
        default="json",
        help="json: the figures (default); pdf / xlsx / pptx: the weekly brief (周报) as a file",
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
        user, visible = _account(args.user), None
        if user is not None:
            scope, visible = user.clamp(scope), user.area
        # --user is what the caller says; the OS account is who ran it (both on every row).
        audit.set_actor(
            f"cli:{user.username if user else _os_user()}", audit.scope_words(scope),
            os_user=_os_user(), pid=os.getpid(),
        )  # fmt: skip
        if args.format != "json":
            from dashboard import brief  # matplotlib and fpdf2: loaded for the brief only

            if args.format == "pdf":
                fonts.require()  # a font without Chinese: exit 2 with why, no PDF

            write = {"pdf": brief.pdf_bytes, "xlsx": brief.xlsx_bytes, "pptx": brief.pptx_bytes}[
                args.format
            ]
            args.output.write_bytes(write(engine, scope, window_for(engine, period), visible))
            return 0
        if args.view:
            report = build_view(engine, args.view, scope, window_for(engine, period), visible)
        else:
            report = build_report(engine, scope, period, visible)
        audit.record("export", what=f"json: {args.view or 'report'}", period=period.key)
        text = json.dumps(report, ensure_ascii=False, indent=2)
        if args.output:
            args.output.write_text(text + "\n", encoding="utf-8")
        else:
            sys.stdout.buffer.write((text + "\n").encode("utf-8"))
    except (ValueError, UnknownArea, ConfigurationError, FontMissing, auth.AccountsError) as exc:
        return _fail(2, safe.exception_reason(exc))
    except (ImportError, sa.exc.ArgumentError) as exc:  # a driver that is not installed
        return _fail(2, f"database {describe_url(args.db)} unusable: {safe.exception_reason(exc)}")
    except sa.exc.SQLAlchemyError as exc:
        reason = safe.exception_reason(exc)
        return _fail(3, f"database {describe_url(args.db)} unavailable: {reason}")
    except audit.AuditError as exc:  # nothing is written that the trail does not hold
        return _fail(5, f"{exc} — export refused")
    except OSError as exc:  # the output file cannot be written
        return _fail(4, f"cannot write {args.output.name if args.output else 'output'}: "
                     f"{exc.strerror or safe.exception_reason(exc)}")  # fmt: skip
    except Exception as exc:  # anything else: still one line, never a traceback
        return _fail(1, f"{type(exc).__name__}: {safe.exception_reason(exc)}")
    return 0


def _account(username: str | None) -> auth.User | None:
    """The account named by --user (its area bounds the export); None without --user."""
    if username is None:
        return None
    user = auth.load_accounts().users.get(username)
    if user is None:
        raise ValueError(f"no account {username[:40]!r} in {auth.users_file().name}")
    return user


def _os_user() -> str:
    """Who ran the CLI, for the audit trail (the server account when there is no --user)."""
    import pwd

    try:  # the real uid's account: unlike getpass.getuser(), not taken from $USER/$LOGNAME
        return pwd.getpwuid(os.getuid()).pw_name
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"


def _fail(code: int, message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
