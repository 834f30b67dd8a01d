"""Export CLI: the dashboard's figures for one scope and period as JSON, from the same queries.

python -m dashboard.export --db URL --period 2026-Q1 [--county C] [--township T] [-o FILE]
    (C, T: a name as the pages show it, e.g. 双塘区, or a code; help and errors in Chinese)
    [--view overview|map|teams|chronic|rankings|quality|meeting]   (one view's model as JSON)
    [--format json|pdf|xlsx|pptx]   (pdf, xlsx, pptx: the weekly brief of 例会模式; -o FILE)
    [--user NAME]   (as that account sees it: scope clamped to its area, leagues cut)

python -m dashboard.export schedule [--once]   the brief filed by itself (brief/schedule.py)

Every file written (or JSON printed) is an `export` row of the audit trail (what, scope).
One JSON name per figure, the view models' own: 推送不到位 is `mismatched` in the classic
report too (it was `managed_level_mismatch`; same figure), 红标未上转 `red_not_up`.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

import sqlalchemy as sa

from dashboard import audit, auth, cli, quality_settings, small_cells
from dashboard.brief import fonts
from data_access import indicators, villages
from data_access.engine import create_readonly_engine
from data_access.periods import Period
from data_access.schema import check_schema
from data_access.scope import Scope
from views import chronic as chronic_view
from views import chronic_cells, grid_map_cells, overview, transition_cells
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
        if ch.transitions is not None and ch.small:
            # Over all diseases, hidden counts as the page shows them (views.transition_cells).
            report["chronic_transitions"] = [
                {"disease": ch.disease, **r}
                for r in transition_cells.records(ch)
                if r["from_color"] and r["to_color"]
            ]
        elif ch.transitions is not None:
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


DESCRIPTION = """导出看板的数字（与页面相同的视图模型）：一个范围、一个期间，UTF-8 JSON；
或例会模式的周报文件（PDF / Excel / PPT）。每写一个文件（或输出一次 JSON）都记入审计日志。

示例：
  python -m dashboard.export --db URL --period 2026-Q3 --county 双塘区
  python -m dashboard.export --db URL --period 2026-Q3 --county 双塘区 --format pptx -o 周报.pptx
  python -m dashboard.export schedule --once     周报自动存档：按计划生成一轮（见 schedule --help）
"""


def _parser() -> cli.Parser:
    parser = cli.Parser(prog="python -m dashboard.export", description=DESCRIPTION)
    parser.add_argument(
        "--db", required=True, metavar="URL", help="数据库的 SQLAlchemy URL（只读打开）"
    )
    parser.add_argument(
        "--period",
        required=True,
        metavar="P",
        help="期间：2026-03（月）、2026-Q1（季度）或 2026（年）",
    )
    parser.add_argument("--county", metavar="C", help="县区名称或 6 位代码，如 双塘区")
    parser.add_argument(
        "--township",
        action="append",
        default=[],
        metavar="T",
        help="乡镇名称或 9 位代码（可重复，或用逗号分隔）",
    )
    parser.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="写入文件 FILE，而不是标准输出"
    )
    parser.add_argument(
        "--user",
        metavar="NAME",
        help="按该账号（DASHBOARD_USERS_FILE）所见导出：只含其权限范围",
    )
    parser.add_argument(
        "--view",
        choices=tuple(VIEWS),
        metavar="VIEW",
        help="输出一个视图的完整视图模型（JSON）：" + " ".join(VIEWS),
    )
    parser.add_argument(
        "--format",
        choices=("json", *BRIEF_FORMATS),
        default="json",
        metavar="FMT",
        help="json（默认）：数字；pdf / xlsx / pptx：周报文件（需 -o FILE）",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["schedule"]:  # the brief filed by itself: dashboard.brief.schedule
        from dashboard.brief import schedule

        return schedule.main(argv[1:])
    parser = _parser()
    args = parser.parse_args(argv)
    if args.format != "json" and args.output is None:
        parser.error(f"--format {args.format} 写入文件：请用 -o FILE 指定文件")
    logging.basicConfig(level=logging.WARNING)
    try:
        period = Period.parse(args.period)
        engine = create_readonly_engine(args.db)
        report_schema = check_schema(engine)
        if not report_schema.ok:
            raise cli.CliError(cli.schema_words(report_schema))
        townships = [code for item in args.township for code in item.split(",")]
        scope = cli.area_scope(engine, args.county, townships)
        user, visible = _account(args.user), None
        if user is not None:
            scope, visible = user.clamp(scope), user.area
        # --user is what the caller says; the OS account is who ran it (both on every row).
        audit.set_actor(
            f"cli:{user.username if user else cli.os_user()}", audit.scope_words(scope),
            os_user=cli.os_user(), pid=os.getpid(),
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
    except Exception as exc:  # one Chinese line, never a traceback
        return cli.fail(*cli.failure(exc, args.db, args.output))
    return 0


def _account(username: str | None) -> auth.User | None:
    """The account named by --user (its area bounds the export); None without --user."""
    if username is None:
        return None
    user = auth.load_accounts().users.get(username)
    if user is None:
        raise cli.CliError(f"{auth.users_file().name} 中没有账号“{cli.echo(username)}”")
    return user


if __name__ == "__main__":
    sys.exit(main())
