"""Names from the database made safe to show, in one place: every name column a query reads
passes through `clean_frame` (data_access.frames.frame), so pages, slides, the brief and the
export CLI show the same text.

- bidi controls (U+202A–U+202E embeddings/overrides, U+2066–U+2069 isolates, U+200E/U+200F/
  U+061C marks) are removed: an override turns "exe.镇RTL" into "LTR镇.exe" on screen;
- other control characters are shown visibly as escapes (\t, \n, \x07 …), never as boxes
  or as line breaks inside a table;
- a blank name (empty or only spaces) reads （未命名） plus its code;
- `short` cuts a long name with an ellipsis for narrow places (league columns, slides), whose
  renderer shows the whole name on hover (dashboard.safe.html_name).

Markup and formulas are not this module's concern: each renderer escapes (dashboard.safe).
"""

from __future__ import annotations

import re

import pandas as pd

# Bidirectional formatting characters: removed.
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_BIDI = str.maketrans(dict.fromkeys(BIDI))
# Control characters as visible escapes (\t, \n, \x07 …): plain ASCII every font has, so
# they show the same on a page, in a chart image, a PDF or a spreadsheet (control pictures
# such as ␉ are missing from the CJK fonts the brief embeds).
_NAMED = {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}
_CONTROLS = str.maketrans(
    {i: _NAMED.get(i, f"\\x{i:02x}") for i in (*range(0x20), *range(0x7F, 0xA0))}
)
_BAD_CHARACTER = re.compile(f"[{BIDI}\\x00-\\x1f\\x7f-\\x9f]")
_BLANK = re.compile("(?:^|\ue000)\\s*(?:\ue000|$)")
UNNAMED = "（未命名）"
ELLIPSIS = "…"
# Characters a name keeps where room is short (a league column, a slide row): about 12 CJK
# characters fit a 1024-px league column at its font size.
SHORT = 24


def clean(text, code=None) -> str:
    """A name as shown: bidi controls removed, control characters visible, blank → （未命名）
    and the code. None (no name at all) stays None."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return text
    out = str(text).translate(_BIDI).translate(_CONTROLS)
    if not out.strip():
        return f"{UNNAMED}{'' if code is None or pd.isna(code) else code}"
    return out


def short(text, limit: int = SHORT) -> str:
    """The name cut to `limit` characters with an ellipsis (as it is when it fits)."""
    text = "" if text is None else str(text)
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def is_name_column(column: str) -> bool:
    """Columns that hold names from the database (what clean_frame cleans)."""
    return column in ("name", "leader", "health_center") or column.endswith("_name")


def _code_column(column: str, columns: list[str]) -> str | None:
    """The code beside a name column: x_name → x_code / x_id; name → the first code/id."""
    if column.endswith("_name"):
        stem = column[: -len("_name")]
        for candidate in (f"{stem}_code", f"{stem}_id"):
            if candidate in columns:
                return candidate
        return None
    return next((c for c in columns if c.endswith(("_code", "_id"))), None)


def _needs_work(values: list) -> bool:
    """Whether any value has a bidi or control character or is blank (two regex passes over
    the column joined: a few ms for 40,000 names)."""
    texts = [v for v in values if isinstance(v, str)]
    if not texts:
        return False
    joined = "\ue000".join(texts)  # a private-use separator no name holds
    return bool(_BAD_CHARACTER.search(joined) or _BLANK.search(joined))


def clean_record(record: dict) -> dict:
    """One row read outside frames.frame (a dict of column → value) with its name columns
    cleaned as clean_frame cleans them."""
    columns = list(record)
    return {
        k: clean(v, record.get(_code_column(k, columns) or "")) if is_name_column(k) else v
        for k, v in record.items()
    }


def clean_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The frame with its name columns cleaned (in place when something needs it)."""
    columns = list(df.columns)
    for column in columns:
        if not is_name_column(column) or df[column].dtype.kind not in "OUT":
            continue
        values = df[column].tolist()
        if not _needs_work(values):
            continue
        code = _code_column(column, columns)
        codes = df[code].tolist() if code else [None] * len(values)
        df[column] = pd.Series(
            [clean(v, c) for v, c in zip(values, codes, strict=True)], index=df.index, dtype=object
        )
    return df
