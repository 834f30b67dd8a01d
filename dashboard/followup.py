"""督办事项 from the command line: add, list, close — the same own database as the pages.

    python -m dashboard.followup add --db URL --county CODE [--township CODE] --figure LABEL \\
        --owner TEXT --due YYYY-MM-DD --text TEXT [--period YYYY-MM|YYYY-Qn|YYYY] [--team ID]
    python -m dashboard.followup list [--state open|closed|all]
    python -m dashboard.followup close ID

`--figure` is the label as on screen (推送不到位, 抽查合格率, an indicator's name); `--db` (the
monitoring database, opened read-only) checks the label and names the scope; the item is
written to DASHBOARD_STATE_DB or its default (dashboard.state_db), with an audit line. `--user`
acts as an account of DASHBOARD_USERS_FILE: its area bounds what it may list, add and close.
`list` prints one item a line, tab-separated: id, scope, figure, owner, due, state, text.
A bureau imports last month's list from Excel by saving it as CSV and running `add` per row.
"""

from __future__ import annotations

import logging
import os
import sys

from dashboard import audit, auth, cli, state_db
from dashboard.export import _account
from data_access.engine import create_readonly_engine
from data_access.meta import data_months
from data_access.periods import Period
from views import followup as fv
from views.common import header, window
from views.meeting.deck import DirectSources


def _parser() -> cli.Parser:
    parser = cli.Parser(
        prog="python -m dashboard.followup", description="督办事项：添加、列出、关闭。"
    )
    parser.add_argument("--user", help="act as this account (DASHBOARD_USERS_FILE): its area")
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="add an item")
    add.add_argument("--db", required=True, help="the monitoring database (read-only)")
    add.add_argument("--county", required=True)
    add.add_argument("--township")
    add.add_argument("--figure", required=True, help="label as on screen, e.g. 推送不到位")
    add.add_argument("--team", help="team id, for one team's 抽查合格率")
    add.add_argument("--owner", required=True)
    add.add_argument("--due", required=True, help="YYYY-MM-DD")
    add.add_argument("--text", required=True)
    add.add_argument("--period", help="YYYY-MM, YYYY-Qn or YYYY (default: the latest month)")
    listing = sub.add_parser("list", help="one item a line")
    listing.add_argument("--state", choices=("open", "closed", "all"), default="all")
    close = sub.add_parser("close", help="close an item")
    close.add_argument("id", type=int)
    return parser


def _add(args, user: auth.User | None, by: str) -> int:
    engine = create_readonly_engine(args.db)
    scope = cli.area_scope(engine, args.county, [args.township] if args.township else [])
    if user is not None and not user.allows(scope):
        raise cli.CliError("无权在该范围内写督办事项")
    months = data_months(engine)
    if not months:
        raise ValueError("数据库中还没有任何月份的数据")
    period = Period.parse(args.period) if args.period else Period.parse(max(months))
    win = window(period, months)
    src = DirectSources(engine, scope, win)
    subject_name = None
    if args.team:
        if args.figure not in fv.TEAM_FIGURES:
            raise ValueError(f"--team 只适用于：{'、'.join(fv.TEAM_FIGURES)}")
        teams = src.teams().teams
        found = teams[teams["team_id"] == args.team] if len(teams) else teams
        if not len(found):
            raise ValueError(f"范围内没有团队 {args.team[:20]!r}")
        subject_name = str(found["label"].iloc[0])
    if fv.value_of(src, args.figure, args.team) is None:
        raise ValueError(
            f"没有名为“{args.figure[:40]}”的指标；可用：{'、'.join(fv.figure_labels(src))}"
        )
    new_id = state_db.add_item(
        scope=scope, place=header(engine, scope).scope_words, figure=args.figure,
        period_key=win.period.full.key, data_month=max(months),
        owner=args.owner, due=args.due, text=args.text, by=by,
        visible=user.area if user else None, subject=args.team, subject_name=subject_name,
    )  # fmt: skip
    print(new_id)
    return 0


def _line(item: fv.Item) -> str:
    codes = item.county_code + (f"/{item.township_code}" if item.township_code else "")
    cells = (str(item.id), f"{item.place}({codes})", item.figure_words, item.owner, item.due,
             fv.STATE_WORDS.get(item.state, item.state), item.text)  # fmt: skip
    return "\t".join(" ".join(c.split()) for c in cells)  # one line: no tab or newline inside


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    try:
        user = _account(args.user)
        by = f"cli:{user.username if user else cli.os_user()}"
        audit.set_actor(by, os_user=cli.os_user(), pid=os.getpid())
        visible = user.area if user else None
        if args.command == "add":
            return _add(args, user, by)
        if args.command == "list":
            state = None if args.state == "all" else args.state
            for item in state_db.items(visible, state):
                sys.stdout.write(_line(item) + "\n")
            return 0
        state_db.close_item(args.id, by=by, visible=visible)
        print(f"已关闭 {args.id}")
    except state_db.StateError as exc:
        return cli.fail(3, str(exc))
    except PermissionError as exc:  # an area not the user's (not a file: cli.failure's OSError)
        return cli.fail(2, str(exc))
    except Exception as exc:  # one Chinese line, never a traceback
        return cli.fail(*cli.failure(exc, getattr(args, "db", None)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
