"""The small-cell rule for a given floor: patient counts from 1 to floor − 1 read `<floor`, and
a share formed from such a count is not shown. 0 reveals nobody; a floor of 0 masks nothing.

Complementary (secondary) suppression: a masked count must not be worked out from a total
shown beside it minus the other counts. Where a group of counts is shown with its total (the
villages of a township or of a class, the classes of the scope), `suppress` hides further
counts of the group (`PROTECTED`, smallest first) until the hidden ones tell a reader nothing
beyond "each masked one is below the floor"; a group that cannot reach that hides its total.
Every output (page, slide, brief, export) takes its hidden cells from here.

Pure, so that view models and slides apply it as the pages do. Who gets which floor (township
roles, the DASHBOARD_SMALL_CELL setting) is the frame's decision: dashboard.small_cells.floor.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import pandas as pd


def is_small(count, below: int) -> bool:
    """1 ≤ count < below; no value stays none, and a count already masked is not one."""
    if not below or count is None or isinstance(count, str) or pd.isna(count):
        return False
    return 0 < float(count) < below


def words(below: int) -> str:
    """A masked count as shown: <5."""
    return f"<{below}"


def hidden_words(below: int) -> str:
    """What a value not shown says in its place (map tooltip and legend, class tables, slide)."""
    return f"人数{words(below)}，不显示"


def hidden_rows(table: pd.DataFrame, below: int, counts: Iterable[str]) -> pd.Series:
    """Per row: whether any of its `counts` is small (below `below`; 0: never)."""
    counts = list(counts)
    if not below or not counts or table.empty:
        return pd.Series(False, index=table.index)
    return table[counts].map(lambda c: is_small(c, below)).any(axis=1)


def mask_table(
    table: pd.DataFrame, below: int, counts: Iterable[str], shares: Iterable[str] = ()
) -> pd.DataFrame:
    """A copy of the table whose small `counts` read `<below` and whose `shares` are empty on
    the rows where any of those counts is small (0: the table as it is)."""
    if not below or table.empty:
        return table
    counts, shares = list(counts), list(shares)
    small = table[counts].map(lambda c: is_small(c, below))
    out = table.copy()
    for column in counts:
        out[column] = out[column].astype(object).where(~small[column], words(below))
    hidden = small.any(axis=1)
    for column in shares:
        out[column] = out[column].astype(object).where(~hidden, None)
    return out


def mask_records(
    rows: list[dict], below: int, counts: Iterable[str], shares: Iterable[str] = ()
) -> list[dict]:
    """`mask_table` for a table already turned into JSON records (the export CLI)."""
    if not below:
        return rows
    counts, shares = list(counts), list(shares)
    out = []
    for row in rows:
        small = [c for c in counts if is_small(row.get(c), below)]
        row = {**row, **{c: words(below) for c in small}}
        if small:
            row.update({s: None for s in shares if s in row})
        out.append(row)
    return out


# --- complementary suppression -----------------------------------------------------------------

SMALL, PROTECT = "small", "protect"  # a count below the floor / hidden to protect one
# A count hidden only so that a small one cannot be worked out from a total (it is not small).
PROTECTED = "不显示"


def protected_words() -> str:
    """What a share says whose counts were hidden to protect another's (tables, slide)."""
    return "为防推算，不显示"


def _reveals(small: list[float], protect: list[float], below: int) -> bool:
    """Whether a known sum of these hidden counts narrows a small one below 1 … below − 1.

    The reader knows each small count is in [1, below − 1] and each protecting one ≥ below;
    a small count's range is then [lo, hi] with lo = max(1, S − Σ maxima of the others) and
    hi = min(below − 1, S − Σ minima of the others).
    """
    if not small:
        return False
    total = sum(small) + sum(protect)
    hi = total - (len(small) - 1) - len(protect) * below
    lo = 1 if protect else total - (len(small) - 1) * (below - 1)
    return hi < below - 1 or lo > 1


def suppress(
    cells: pd.DataFrame,
    below: int,
    count: str,
    groups: Iterable[tuple[str, ...]] = ((),),
    key: str | None = None,
    start: pd.Series | None = None,
) -> tuple[pd.Series, set[tuple]]:
    """Per row of `cells`: "" (shown), SMALL or PROTECT for the `count` column, when each of
    `groups` (column tuples; () is the whole frame) is shown with its total; and the groups
    (grouping, key) whose total must be hidden because no count is left to protect with.
    Equal counts are taken in the order of the `key` column, so that every output listing
    the same rows hides the same ones. `start` (same index, True: hide) hides cells from the
    outset: the parts of a total hidden elsewhere on the same screen."""
    status = pd.Series("", index=cells.index, dtype=object)
    if not below or cells.empty:
        return status, set()
    order = cells.index
    if key is not None:
        cells = cells.sort_values(key, kind="stable")
    values = cells[count].astype(float).fillna(0.0)
    status = status.loc[cells.index]
    if start is not None:
        forced = start.reindex(cells.index).fillna(False).astype(bool) & (values > 0)
        status[forced] = PROTECT
    status[values.map(lambda c: is_small(c, below))] = SMALL
    groups = [tuple(g) for g in groups]
    members = []
    for grouping in groups:
        if not grouping:
            members.append(((), cells.index))
            continue
        by = list(grouping) if len(grouping) > 1 else grouping[0]
        for value, index in cells.groupby(by, dropna=False).groups.items():
            members.append(((grouping, value if isinstance(value, tuple) else (value,)), index))
    exposed: set[tuple] = set()
    changed = True
    while changed:
        changed = False
        for name, index in members:
            if name in exposed:
                continue
            group = status.loc[index]
            small = values.loc[group[group == SMALL].index].tolist()
            protect = values.loc[group[group == PROTECT].index].tolist()
            if not _reveals(small, protect, below):
                continue
            shown = values.loc[group[group == ""].index]
            shown = shown[shown > 0].sort_values(kind="stable")
            if shown.empty:
                exposed.add(name)
                continue
            status[shown.index[0]] = PROTECT
            changed = True
    return status.reindex(order), exposed


def lone(counts: Iterable[float], hidden: Iterable[bool]) -> bool:
    """Exactly one non-zero count of a group shown with its total is hidden: it is that total
    minus the rest, so it protects nothing in its other groups."""
    return sum(1 for n, h in zip(counts, hidden, strict=True) if h and n > 0) == 1


def partner(counts: list[float], hidden: list[bool], keys: list) -> int | None:
    """The position of the count to hide beside a `lone` one: the smallest shown non-zero,
    equal ones by key; None when the group shows none."""
    shown = [(n, k, i) for i, (n, h, k) in enumerate(zip(counts, hidden, keys, strict=True))
             if not h and n > 0]  # fmt: skip
    return min(shown)[2] if shown else None


def suppress_table(
    table: pd.DataFrame,
    below: int,
    counts: Iterable[str],
    shares: Iterable[str] = (),
    groups: Iterable[tuple[str, ...]] = ((),),
    key: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(a copy of `table` as shown, the status per count column): small counts read `<below`,
    counts hidden to protect them read PROTECTED, and `shares` are empty on rows with any
    hidden count. The table must hold every row of its groups (not a top-N list)."""
    counts, groups = list(counts), [tuple(g) for g in groups]
    status = pd.DataFrame(index=table.index)
    for column in counts:
        status[column] = suppress(table, below, column, groups, key)[0]
    return apply(table, status, below, counts, shares), status


def apply(
    table: pd.DataFrame,
    status: pd.DataFrame,
    below: int,
    counts: Iterable[str],
    shares: Iterable[str] = (),
) -> pd.DataFrame:
    """`table` with the hidden cells of `status` (same index, one column per count) shown as
    they read: `<below`, PROTECTED; `shares` empty on rows with any hidden count."""
    if not below or table.empty:
        return table
    counts = [c for c in counts if c in status.columns]
    out = table.copy()
    for column in counts:
        state = status[column].reindex(out.index).fillna("")
        out[column] = out[column].astype(object)
        out.loc[state == SMALL, column] = words(below)
        out.loc[state == PROTECT, column] = PROTECTED
    hidden = (status[counts].reindex(out.index).fillna("") != "").any(axis=1) if counts else None
    if hidden is not None:
        for column in shares:
            out[column] = out[column].astype(object).where(~hidden, None)
    return out


def seen_count(value, state: str, below: int):
    """A count as shown for its status: `<below` (SMALL), PROTECTED (PROTECT) or itself."""
    if state == SMALL:
        return words(below)
    if state == PROTECT:
        return PROTECTED
    return value


def hidden_rate(denominator, below: int) -> bool:
    """A rate over fewer than `below` people (0 < denominator < below) is not shown: 1/3 or
    2/2 names what happened to one or two people."""
    return is_small(denominator, below)


# A count of people in free text (a 解读 or a 督办事项): digits (full-width too) or a small
# Chinese numeral, then a unit that counts people. Money, dates and percentages are not.
_PEOPLE = re.compile(
    r"(?<![0-9０-９.．])([0-9０-９]+|[一二两三四五六七八九十]+)(\s*)(人次|人|名|例|位|户)"
)
_CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                   "八": 8, "九": 9}  # fmt: skip


def _numeral(words: str) -> int | None:
    """12 / １２ / 三 / 十二 / 二十 as a number (None beyond what a small cell can be)."""
    if words.isdigit():
        return int(unicodedata.normalize("NFKC", words))
    if "十" not in words:
        return _CHINESE_DIGITS.get(words) if len(words) == 1 else None
    tens, _, ones = words.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_CHINESE_DIGITS.get(tens, 0) if tens else 1) * 10 + _CHINESE_DIGITS.get(ones, 0)


def mask_text(text: str, below: int) -> str:
    """Free text as a user with this floor sees it: a count of people from 1 to below − 1
    (3 人, 两名, ４例) reads <5 人; other numbers are left as written (0: nothing masked)."""
    if not below or not text:
        return text

    def one(match: re.Match) -> str:
        value = _numeral(match.group(1))
        if value is None or not is_small(value, below):
            return match.group(0)
        return f"{words(below)}{match.group(2)}{match.group(3)}"

    return _PEOPLE.sub(one, text)
