"""Text from the database made inert for each place it is shown: one helper per output kind.

    markdown(t)   Streamlit markdown: titles, captions, notices, metric labels, button labels
    html(t)       HTML written with unsafe_allow_html (header, slides)
    html_name(t)  a name in a narrow HTML cell: cut with an ellipsis, whole on hover (title)
    plotly(t)     plotly labels and hover text (a subset of HTML); figure(fig) does a whole chart;
                  plotly_markup(template, *t) is the code's own tags around escaped text
    cell(v)       one Excel/CSV cell (OWASP CSV injection); frame(df), sheet_name(name)
    pdf(t)        one PDF text run (glyphs the font has, long words breakable)
    file_name(*parts)  a file name from words (county, period…): safe on every file system
    reason(t)     an error message for a page or a log: no password, no server path

Database names are data, never markup: every renderer goes through one of these.
"""

from __future__ import annotations

import html as _html
import re

import pandas as pd

from data_access import names

# --- markdown and HTML -----------------------------------------------------------------------
# Every character Streamlit's markdown gives a meaning (emphasis, links, images, HTML, math,
# tables, headings, lists), and `:` and `.` of web addresses (not enough on their own: below).
_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()<>#+-.!|~$:&=\"'"})
_LINE_BREAKS = str.maketrans({"\n": " ", "\r": " "})


# GFM makes web and mail addresses in plain text into links *after* backslash escapes are
# resolved (remark's autolink-literal transform), so `http\://x` is still a link. An invisible
# word joiner inside `://`, `www.` and after `@` breaks the patterns; the text reads the same.
_WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)", re.IGNORECASE)


def markdown(text) -> str:
    """Database text made literal inside Streamlit markdown (one line)."""
    text = _AUTOLINK.sub(_WORD_JOINER, str(text).translate(_LINE_BREAKS))
    return text.translate(_MARKDOWN_SPECIAL)


def html(text) -> str:
    """Database text made literal inside HTML (element content and quoted attributes)."""
    return _html.escape(str(text), quote=True)


def html_name(text, limit: int = names.SHORT) -> str:
    """A name for a narrow HTML cell (league, slide): cut with an ellipsis, whole on hover."""
    text = str(text)
    cut = names.short(text, limit)
    if cut == text:
        return html(text)
    return f'<span title="{html(text)}">{html(cut)}</span>'


# --- plotly ----------------------------------------------------------------------------------
# Plotly renders <b>, <i>, <a href>, <span style>, <sup>… in labels and hover text and decodes
# entities; an escaped `<` shows as itself. Entities already written are left alone, so a
# chart that escaped its labels is not escaped twice, and a bare <br> (a line break some
# charts put in their own labels) stays a break.
_BARE_AMP = re.compile(r"&(?!(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);)")
_BREAK = re.compile(r"&lt;br\s*/?&gt;", re.IGNORECASE)


class PlotlyMarkup(str):
    """A plotly label the code composed itself from escaped text (plotly_markup): plotly()
    and figure() leave it as it is. Any str operation on it gives a plain str again."""

    __slots__ = ()


def plotly_markup(template: str, *texts) -> PlotlyMarkup:
    """The code's own plotly tags (`template`, e.g. "<b>▶ {}</b>") around database text, each
    piece escaped with plotly() first: the tags render, the text stays text."""
    return PlotlyMarkup(template.format(*(plotly(t) for t in texts)))


def cut(text, limit: int = names.SHORT) -> str:
    """A name cut with an ellipsis for a narrow place whose container carries the whole name
    (a title attribute, a hover); html_name when the cut text is the HTML itself."""
    return names.short("" if text is None else str(text), limit)


def plotly_ticks(texts, limit: int = names.SHORT) -> list[str]:
    """Category ticks from names: each cut (cut) and made literal (plotly), kept distinct
    (two names cut alike would merge into one bar), for charts whose hover shows the whole
    name (plotly_names)."""
    out, seen = [], set()
    for text in texts:
        tick = plotly(cut(text, limit))
        while tick in seen:
            tick += "\u200b"  # invisible, but another category
        seen.add(tick)
        out.append(tick)
    return out


def plotly_names(texts) -> list[str]:
    """Whole names for a hover (customdata): made literal, never cut."""
    return [plotly(t) for t in texts]


def plotly(text) -> str:
    """Text made literal inside a plotly label, tick, legend or hover text (plotly_markup's
    result is already: it is returned as it is)."""
    if isinstance(text, PlotlyMarkup):
        return text
    escaped = _BARE_AMP.sub("&amp;", str(text)).replace("<", "&lt;").replace(">", "&gt;")
    # `%{…}` would be filled in by a hovertemplate that repeats the text.
    return _BREAK.sub("<br>", escaped).replace("%{", "%\u200b{")


# Trace properties that carry data shown as text (labels, ticks, hover, sankey nodes).
_TRACE_TEXT = ("x", "y", "text", "hovertext", "labels", "customdata", "name", "ids", "parents")


def _plotly_value(value):
    if isinstance(value, str):
        return plotly(value)
    if isinstance(value, tuple | list):
        return type(value)(_plotly_value(v) for v in value)
    kind = getattr(getattr(value, "dtype", None), "kind", None)
    if kind in ("O", "U", "S") and getattr(value, "ndim", 0):
        return [_plotly_value(v) for v in value.tolist()]
    return value


def figure(fig):
    """Escape every data-bearing text of a plotly figure in place; returns the figure."""
    for trace in fig.data:
        for prop in _TRACE_TEXT:
            if prop in trace and trace[prop] is not None:
                trace[prop] = _plotly_value(trace[prop])
        for part in ("node", "link"):  # sankey
            if part in trace and trace[part] is not None:
                for prop in ("label", "customdata"):
                    if prop in trace[part] and trace[part][prop] is not None:
                        trace[part][prop] = _plotly_value(trace[part][prop])
    for axis in [*fig.select_xaxes(), *fig.select_yaxes()]:
        if axis.ticktext is not None:
            axis.ticktext = _plotly_value(axis.ticktext)
    return fig


# --- spreadsheets ----------------------------------------------------------------------------
# OWASP "CSV injection": a cell that starts with one of these is read as a formula by Excel,
# LibreOffice or WPS; a leading apostrophe makes it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain number such as -3.5 or +12% cannot be a formula; it keeps its sign unquoted.
_PLAIN_NUMBER = re.compile(r"^[+-]?\d[\d,]*(\.\d+)?%?$")
# Excel's limit for one cell; longer text is cut rather than refused.
CELL_MAX_CHARS = 32_767


def cell(value):
    """One spreadsheet cell: text that would start a formula gets a leading apostrophe."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(value):
        value = "'" + value
    return value[:CELL_MAX_CHARS]


def frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of the table whose headers and text cells are all safe spreadsheet cells."""
    out = df.copy()
    out.columns = [cell(str(c)) if not isinstance(c, str) else cell(c) for c in out.columns]
    for column in range(out.shape[1]):
        series = out.iloc[:, column]
        if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            out.iloc[:, column] = series.map(cell)
    if not isinstance(out.index, pd.RangeIndex):
        out.index = out.index.map(cell)
    return out


# Excel forbids these in sheet names, a leading or trailing apostrophe, and more than 31 chars.
_SHEET_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\\r\n\t"})
SHEET_NAME_MAX = 31


# A bracketed qualifier: （抽查不少于 10 人次）, (元). Dropped first when a name is too long.
_SHEET_QUALIFIER = re.compile(r"\s*[（(][^（）()]*[）)]")
_SHEET_BREAKS = " _·、，,;；-"  # where a phrase may end


def _shortened(name: str, limit: int) -> str:
    """`name` in at most `limit` characters, whole phrases kept: bracketed qualifiers go
    first, then trailing phrases after a separator; a single phrase is cut only when it alone
    is too long."""
    if len(name) <= limit:
        return name
    plain = _SHEET_QUALIFIER.sub("", name).strip() or name
    if len(plain) <= limit:
        return plain
    cut = max(plain.rfind(ch, 0, limit + 1) for ch in _SHEET_BREAKS)
    if cut >= limit // 2:
        return plain[:cut].rstrip(_SHEET_BREAKS)
    return plain[:limit]


def sheet_name(name, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A valid, unique (case-insensitively, as Excel compares) sheet name, shortened to 31
    characters by whole phrases (_shortened), never cut inside a bracket."""
    whole = str(name).translate(_SHEET_FORBIDDEN).strip("' ")
    base = _shortened(whole, SHEET_NAME_MAX) or "Sheet"
    lowered = {t.lower() for t in taken}
    candidate, n = base, 2
    while candidate.lower() in lowered:
        suffix = f"_{n}"
        candidate = _shortened(whole, SHEET_NAME_MAX - len(suffix)) + suffix
        n += 1
    return candidate


# --- file names ------------------------------------------------------------------------------
# Characters no file system (or no shell user) wants in a name: path separators, Windows'
# reserved ones, quotes, markup brackets, and every control or bidi character.
_FILE_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f-\x9f' + names.BIDI + "'`$]+")
_FILE_SPACES = re.compile(r"[\s_]+")
FILE_PART_MAX = 40  # characters per part: a county and a few townships, not a paragraph


def file_name(*parts) -> str:
    """Words joined by `_` as one file name (without suffix), e.g. 周报_双塘区_2026年第3季度:
    no separator, reserved or control character, no leading dot (hidden file, `..`), no
    trailing dot or space (Windows), each part cut to FILE_PART_MAX characters."""
    cleaned = []
    for part in parts:
        text = _FILE_FORBIDDEN.sub("_", str(part if part is not None else ""))
        text = _FILE_SPACES.sub("_", text.replace(" · ", "_")).strip("._ ")
        text = text[:FILE_PART_MAX].rstrip("._ ")
        if text:
            cleaned.append(text)
    return "_".join(cleaned) or "未命名"


# --- PDF -------------------------------------------------------------------------------------
# Glyphs the CJK fonts lack, written as ones they have (the PDF must show no empty boxes).
_PDF_GLYPHS = str.maketrans({"✗": "×", "⚑": "", "◐": "◑", "\t": " ", "\r": " "})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def pdf(text) -> str:
    """Text for one fpdf2 text run (fpdf2 renders no markup unless asked to): glyphs the font
    has, no control characters. Lines are broken by dashboard.brief.wrap, which also cuts a
    long name without spaces, so it cannot overflow a table cell."""
    return _CONTROL.sub("", str(text).translate(_PDF_GLYPHS))


# --- error reasons ---------------------------------------------------------------------------
# Passwords in URLs and DSNs, and file system paths, must not reach a page or a log line.
_URL_PASSWORD = re.compile(r"(?P<scheme>[A-Za-z][\w+.-]*://[^:/@\s]*):[^@\s]*@")
_KEY_PASSWORD = re.compile(
    r"(?i)\b(password|passwd|pwd|secret|token)\s*[=:]\s*('[^']*'|\"[^\"]*\"|\S+)"
)
_PATH = re.compile(r"(?<![\w.:/])(?:/[\w.@+-]+){2,}/?|[A-Za-z]:\\(?:[\w .@+-]+\\?)+")
# A file database's URL names a server path: only the file name is kept.
_FILE_URL = re.compile(r"\b(?P<scheme>(?:duckdb|sqlite)[\w+]*):///+(?P<path>[^\s：:]+)")
REASON_MAX_CHARS = 300


def reason(text) -> str:
    """The first line of an error message without passwords or file system paths."""
    lines = [line.strip() for line in str(text).strip().splitlines() if line.strip()]
    first = lines[0] if lines else "未知错误"
    first = _URL_PASSWORD.sub(r"\g<scheme>:***@", first)
    first = _FILE_URL.sub(
        lambda m: f"{m.group('scheme')}:///…/{m.group('path').rstrip('/').split('/')[-1]}", first
    )
    first = _KEY_PASSWORD.sub(lambda m: f"{m.group(1)}=***", first)
    first = _PATH.sub(
        lambda m: "…/" + m.group(0).rstrip("/\\").replace("\\", "/").split("/")[-1], first
    )
    return first[:REASON_MAX_CHARS]


def exception_reason(exc: BaseException) -> str:
    """reason() of an exception; SQLAlchemy's wrapper is unwrapped to the driver's message."""
    return reason(getattr(exc, "orig", None) or exc)
