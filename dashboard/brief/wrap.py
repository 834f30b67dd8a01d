"""Line breaking for Chinese text in the printed brief (the PDF), by the rules a typesetter
follows (禁则): a line never starts with closing punctuation (，。；、）…) nor ends with an
opening one (（《「…); a Latin word or a number (6,160, 89.6%, T99010100101) stays whole
unless it alone is wider than the line; Chinese text may break between any two characters.

fpdf2 breaks only at spaces (and, failing that, anywhere), so the brief breaks its lines here
and hands fpdf2 lines that already fit.

    lines(text, width_of, limit) -> list[str]      width_of: the text's width on the page
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Never at a line's start: closing brackets and quotes, pauses and stops, the percent sign.
NO_START = frozenset("，。、；：？！）》」』】〕〉”’…‥%,.;:?!)]}～")
# Never at a line's end: opening brackets and quotes.
NO_END = frozenset("（《「『【〔〈“‘([{")
# One unit: a run of Latin letters, digits and their punctuation (a word, a number, a code),
# a run of spaces, or one other character (a Chinese character breaks anywhere).
_UNIT = re.compile(r"[!-~]+| +|.", re.S)


def _groups(paragraph: str) -> list[str]:
    """The paragraph as the pieces a line may break between."""
    groups: list[str] = []
    for unit in _UNIT.findall(paragraph):
        glue = groups and not unit.isspace() and not groups[-1].isspace()
        if glue and (unit[0] in NO_START or groups[-1][-1] in NO_END):
            groups[-1] += unit
        else:
            groups.append(unit)
    return groups


def _split(piece: str, width_of: Callable[[str], float], limit: float) -> list[str]:
    """A piece wider than a line, cut where it must (never leaving punctuation to start)."""
    out = [""]
    for ch in piece:
        if out[-1] and width_of(out[-1] + ch) > limit and ch not in NO_START:
            out.append("")
        out[-1] += ch
    return out


def lines(text: str, width_of: Callable[[str], float], limit: float) -> list[str]:
    """`text` as lines no wider than `limit` (by `width_of`), broken by the rules above;
    its own line breaks are kept."""
    out: list[str] = []
    for paragraph in str(text).split("\n"):
        line = ""
        for piece in _groups(paragraph):
            if width_of(line + piece) <= limit:
                line += piece
                continue
            if line.strip():
                out.append(line.rstrip())
            line = "" if piece.isspace() else piece
            if width_of(line) > limit:  # a piece wider than the line: cut it
                *full, line = _split(line, width_of, limit)
                out.extend(full)
        out.append(line.rstrip())
    return out
