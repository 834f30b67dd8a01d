"""绿黄红变化 (transitions) as a user with a small-cell floor sees it (views.masking).

The from→to matrix of rows between the previous end month and this one is shown with its
totals: each row adds up to a colour's count at the earlier end (新纳入 for rows only at the
later one), each column to a colour's count at the later end (退出管理), and the summary adds
up the cells that 加重, 好转 or 不变 and those that turn red. `statuses` applies the small-cell
rule over all those groups at once:

- totals level: the counts at both ends and the summary, each side shown with its total
  (the later end's colours are 期末分布's, so they start from its statuses);
- cell level: the matrix, with its rows, columns, movements and 转为红标 as groups; cells of
  a group whose total is hidden start hidden (the parts of a hidden total must not add up
  to it); a group that cannot be protected hides its total, which the totals level then
  protects in turn (it may not be worked out from its side either), until nothing changes.

Statuses are keyed as ChronicView.hidden_colors ("move|green|red", "before|new",
"after|out", "moved|worse", "into_red"); the later end's colours as "distribution|<color>".
"""

from __future__ import annotations

import pandas as pd

from data_access.chronic import COLOR_RANK, COLORS
from views import labels, masking
from views.chronic import Transitions, cell_key

NEW, OUT = "new", "out"  # the 新纳入 row and the 退出管理 column
FROM_ENDS, TO_ENDS = (*COLORS, NEW), (*COLORS, OUT)
MOVEMENTS = ("worse", "better", "same")
MOVED_WORDS = {"worse": "加重", "better": "好转", "same": "不变"}
# A total hidden because its parts could not protect each other stands in the totals level
# as a small count would (1): it needs a partner hidden beside it.
FORCED_VALUE = 1


def movement(from_end: str, to_end: str) -> str:
    """worse / better / same for colour → colour; entered / left for the edges."""
    if from_end == NEW:
        return "entered"
    if to_end == OUT:
        return "left"
    if from_end not in COLOR_RANK or to_end not in COLOR_RANK:
        return "same"
    step = COLOR_RANK[to_end] - COLOR_RANK[from_end]
    return "worse" if step > 0 else "better" if step < 0 else "same"


def matrix(moves: Transitions) -> dict[tuple[str, str], int]:
    """(from end, to end) → rows over all diseases; NEW → OUT left out (always 0)."""
    sums = {(f, t): 0 for f in FROM_ENDS for t in TO_ENDS if (f, t) != (NEW, OUT)}
    for f, t, n in zip(
        moves.flows["from_color"], moves.flows["to_color"], moves.flows["patients"], strict=True
    ):
        key = (NEW if f is None or pd.isna(f) else f, OUT if t is None or pd.isna(t) else t)
        if key in sums:
            sums[key] += int(n)
    return sums


def _move_key(f: str, t: str) -> str:
    return cell_key("move", f, t)


def _side_key(f_or_t: str, side: str) -> str:
    """A total of one end: before|green, before|new, distribution|green, after|out."""
    if side == "after" and f_or_t in COLORS:
        return cell_key("distribution", f_or_t)
    return cell_key(side, f_or_t)


def _suppress_groups(
    values: dict[str, int],
    groups: list[list[str]],
    start: dict[str, str],
    below: int,
    forced: frozenset[str] = frozenset(),
) -> tuple[dict[str, str], list[int]]:
    """masking.suppress over overlapping groups (lists of keys of `values`, each shown with
    its total) until no group hides more; (status per key, the indexes of the groups that
    could not be protected). `forced` keys are hidden totals that need protecting."""
    status = {k: start.get(k, "") if values[k] > 0 else "" for k in values}  # 0 names nobody
    status |= {k: masking.SMALL for k, n in values.items() if masking.is_small(n, below)}
    changed = True
    while changed:
        changed, exposed = False, set()  # the last pass, when nothing changes, tells
        for i, keys in enumerate(groups):
            if not any(status[k] or k in forced for k in keys):
                continue  # nothing hidden in it: nothing to protect (and no pandas to run)
            cells = pd.DataFrame(
                {
                    "key": keys,
                    "n": [FORCED_VALUE if k in forced else values[k] for k in keys],
                }
            )
            hidden = pd.Series([bool(status[k]) for k in keys])
            got, out = masking.suppress(cells, below, "n", ((),), "key", hidden)
            if out:
                exposed.add(i)
            for k, state in zip(keys, got, strict=True):
                if k in forced and state:
                    state = masking.PROTECT
                if state and not status[k]:
                    status[k] = state
                    changed = True
            # A hidden count alone in a group is its total minus the others shown: exactly
            # known, it protects nothing in its other groups (a row's protecting cell would
            # give the small one in its column away). Hide a second one beside it.
            counts = [values[k] for k in keys]
            hidden = [bool(status[k]) or k in forced for k in keys]
            if masking.lone(counts, hidden):
                pick = masking.partner(counts, hidden, keys)
                if pick is None:
                    exposed.add(i)
                else:
                    status[keys[pick]] = masking.PROTECT
                    changed = True
    return status, sorted(exposed)


def statuses(moves: Transitions | None, below: int, distribution: dict[str, str]) -> dict:
    """The hidden cells of the transitions for floor `below`, given 期末分布's statuses
    (`distribution`: "distribution|<color>" → status); keys as the module says."""
    if not below or moves is None:
        return {}
    cells = matrix(moves)
    moved = {m: sum(n for (f, t), n in cells.items() if movement(f, t) == m) for m in MOVEMENTS}
    into_red = sum(cells[(f, "red")] for f in COLORS if f != "red")
    totals = {_side_key(f, "before"): sum(cells[(f, t)] for t in TO_ENDS if (f, t) in cells)
              for f in FROM_ENDS}  # fmt: skip
    totals |= {_side_key(t, "after"): sum(cells[(f, t)] for f in FROM_ENDS if (f, t) in cells)
               for t in TO_ENDS}  # fmt: skip
    totals |= {cell_key("moved", m): n for m, n in moved.items()}
    totals["into_red"] = into_red
    before = [_side_key(f, "before") for f in COLORS]
    after = [_side_key(t, "after") for t in COLORS]
    summary = [cell_key("moved", m) for m in MOVEMENTS]
    # The totals' own groups: each end's colours (the month's total), and the summary with
    # the edge of each end (worse + better + same + entered = the later month's total).
    total_groups = [before, after, [*summary, _side_key(NEW, "before")],
                    [*summary, _side_key(OUT, "after")], ["into_red"]]  # fmt: skip
    keys = {(f, t): _move_key(f, t) for f, t in cells}
    values = {keys[c]: n for c, n in cells.items()}
    groups = {_side_key(f, "before"): [keys[(f, t)] for t in TO_ENDS if (f, t) in keys]
              for f in FROM_ENDS}  # fmt: skip
    groups |= {_side_key(t, "after"): [keys[(f, t)] for f in FROM_ENDS if (f, t) in keys]
               for t in TO_ENDS}  # fmt: skip
    groups |= {cell_key("moved", m): [keys[c] for c in cells if movement(*c) == m]
               for m in MOVEMENTS}  # fmt: skip
    groups["into_red"] = [keys[(f, "red")] for f in COLORS if f != "red"]
    start = {k: s for k, s in distribution.items() if k in totals and s}
    forced: set[str] = set()
    while True:
        shown_totals, _ = _suppress_groups(totals, total_groups, start, below, frozenset(forced))
        hidden_start = {
            k: masking.PROTECT
            for total, members in groups.items()
            if shown_totals.get(total)
            for k in members
        }
        moves_status, exposed = _suppress_groups(values, list(groups.values()), hidden_start, below)
        names = list(groups)
        new = {names[i] for i in exposed} - forced - {k for k, s in shown_totals.items() if s}
        if not new:
            break
        forced |= new
    out = {k: s for k, s in shown_totals.items() if s}
    out |= {k: s for k, s in moves_status.items() if s}
    if any(moves_status.values()):
        # 加重, 好转 and 转为红标 each add up cells of several rows and columns: beside those
        # lines they pin hidden cells (the red row minus 好转's red cells gives 红→退出), so
        # with any cell hidden they are hidden too; their sum with 不变 and 新纳入 is the
        # later total, which the rows and columns already tell.
        for key in (cell_key("moved", "worse"), cell_key("moved", "better"), "into_red"):
            if totals[key] > 0:
                out.setdefault(key, masking.PROTECT)
    return out


def seen(view, key: str, value):
    """A figure of the transitions as `view` shows it (masking.seen_count)."""
    return masking.seen_count(value, view.hidden_colors.get(key, ""), view.small)


def any_hidden(view) -> bool:
    """Whether this user sees any transition figure hidden (the Sankey is then not drawn)."""
    return any(k.split("|")[0] in ("move", "before", "after", "moved", "into_red")
               for k in view.hidden_colors)  # fmt: skip


def matrix_table(view, before_words: str, after_words: str) -> pd.DataFrame:
    """The matrix as shown (rows: the earlier end, columns: the later end, each with its
    合计), hidden figures as words; for the page, the slide and the brief."""
    moves = view.transitions
    cells = matrix(moves)
    rows = []
    for f in FROM_ENDS:
        name = labels.COLOR_LABELS[f] if f in COLORS else labels.ENTERED_LABEL
        row = {f"{before_words} \\ {after_words}": name}
        for t in TO_ENDS:
            col = labels.COLOR_LABELS[t] if t in COLORS else labels.LEFT_LABEL
            row[col] = (labels.NO_VALUE if (f, t) == (NEW, OUT)
                        else _text(seen(view, _move_key(f, t), cells[(f, t)])))  # fmt: skip
        total = sum(n for (a, _b), n in cells.items() if a == f)
        row["合计"] = _text(seen(view, _side_key(f, "before"), total))
        rows.append(row)
    last = {f"{before_words} \\ {after_words}": "合计"}
    for t in TO_ENDS:
        col = labels.COLOR_LABELS[t] if t in COLORS else labels.LEFT_LABEL
        total = sum(n for (_a, b), n in cells.items() if b == t)
        last[col] = _text(seen(view, _side_key(t, "after"), total))
    last["合计"] = labels.NO_VALUE
    return pd.DataFrame([*rows, last])


def _text(value) -> str:
    return value if isinstance(value, str) else f"{value:,}"


def summary_seen(view) -> dict:
    """加重, 好转, 不变, 新纳入, 退出管理 and 转为红标 as shown (int, `<5` or 不显示)."""
    moves = view.transitions
    s = moves.summary
    into_red = sum(moves.step(c, "red") for c in COLORS if c != "red")
    return {
        "worse": seen(view, cell_key("moved", "worse"), s.escalated),
        "better": seen(view, cell_key("moved", "better"), s.improved),
        "same": seen(view, cell_key("moved", "same"), s.unchanged),
        "entered": seen(view, _side_key(NEW, "before"), s.entered),
        "left": seen(view, _side_key(OUT, "after"), s.left),
        "into_red": seen(view, "into_red", into_red),
    }


def step_seen(view, from_color: str, to_color: str):
    """One colour → colour count as shown."""
    return seen(view, _move_key(from_color, to_color), view.transitions.step(from_color, to_color))


def records(view) -> list[dict]:
    """The matrix's cells with anyone in them as JSON records (from_color/to_color None:
    新纳入 / 退出管理), as shown."""
    return [
        {
            "from_color": None if f == NEW else f,
            "to_color": None if t == OUT else t,
            "patients": seen(view, _move_key(f, t), n),
        }
        for (f, t), n in matrix(view.transitions).items()
        if n
    ]
