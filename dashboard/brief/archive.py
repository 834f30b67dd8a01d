"""The brief archive on disk: one round of filing (every county's brief for one period) and
the listing the 周报存档 page reads.

    <folder>/<period key>/<county code>[-<township code>]/周报_双塘区_2026年第3季度.pptx (.pdf, .xlsx)
                                                        /brief.json   (what is filed, when)

Folders are named by codes (the names are in words in the files' names and in brief.json),
so a hostile name in the database cannot make a path. A round is idempotent: a file already
filed for its period and scope is kept, not written again; files are written to a temporary
name and renamed, so a reader never sees half a file; rounds take a file lock, so two timers
or several servers never file the same brief twice.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from dashboard import audit
from dashboard.brief import fonts
from data_access import villages
from data_access.periods import Period
from data_access.relations import Db
from data_access.scope import Scope
from views.archive import KIND_ORDER, Filed, FiledFile
from views.common import window

log = logging.getLogger(__name__)

MANIFEST = "brief.json"
LOCK = ".round.lock"
SUFFIXES = {"pptx": ".pptx", "pdf": ".pdf", "xlsx": ".xlsx"}


def scope_folder(scope: Scope) -> str:
    """The entry folder's name: the county code, with the townships' codes after a dash."""
    return "-".join([scope.county_code or "all", *scope.township_codes])


@contextlib.contextmanager
def round_lock(folder: Path):
    """Held while one round files: a second round (another timer, another server) waits."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _manifest(entry: Path) -> dict:
    try:
        return json.loads((entry / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


@dataclass
class RoundReport:
    period: Period | None = None
    written: list[str] = field(default_factory=list)  # file names filed now
    kept: list[str] = field(default_factory=list)  # already filed: left as they were
    problems: list[str] = field(default_factory=list)  # one Chinese line each


def latest_period(months: list[str], kind: str) -> Period | None:
    """The newest complete period of `kind` with data (the newest one when none is complete)."""
    from data_access.periods import periods_with_data

    found = periods_with_data(months, kind)
    for period in found:
        if window(period, months).period.complete:
            return period
    return found[0] if found else None


def scopes(engine: Db, townships: bool) -> list[Scope]:
    """Every county (and, with `townships`, every township of it), by code."""
    out = []
    towns = villages.townships(engine) if townships else None
    for code in villages.counties(engine)["county_code"]:
        out.append(Scope(code))
        if towns is not None:
            mine = towns.loc[towns["county_code"] == code, "township_code"]
            out.extend(Scope(code, (t,)) for t in mine)
    return out


def file_round(
    engine: Db,
    folder: Path,
    period: Period,
    months: list[str],
    kinds: tuple[str, ...] = KIND_ORDER,
    townships: bool = False,
    replace: bool = False,
) -> RoundReport:
    """File the brief of every county (and township) for `period` into `folder`. Each brief is
    built as the area's own user sees it (visible = its scope: leagues cut, small counts
    masked for a township). Files already filed are kept unless `replace`."""
    from dashboard import brief

    report = RoundReport(period)
    win = window(period, months)
    if "pdf" in kinds and fonts.cjk_font() is None:
        report.problems.append(fonts.MISSING + "（本轮不生成 PDF）")
        kinds = tuple(k for k in kinds if k != "pdf")
    with round_lock(folder):
        for scope in scopes(engine, townships):
            entry = folder / period.key / scope_folder(scope)
            filed = _manifest(entry) if not replace else {}
            have = filed.get("files", {})
            wanted = [k for k in kinds if not (k in have and (entry / have[k]["name"]).is_file())]
            report.kept += [have[k]["name"] for k in kinds if k not in wanted]
            if not wanted:
                continue
            meeting, data = brief.files(engine, scope, win, scope, wanted)
            entry.mkdir(parents=True, exist_ok=True)
            stem = brief.file_stem(meeting.scope_words, win.period)
            now = datetime.now().astimezone().isoformat(timespec="seconds")
            for kind, payload in data.items():
                name = stem + SUFFIXES[kind]
                _write(entry / name, payload)
                have[kind] = {"name": name, "size": len(payload), "filed_at": now}
                report.written.append(name)
            manifest = {
                "period": period.key,
                "period_label": win.period.label,
                "county_code": scope.county_code,
                "township_codes": list(scope.township_codes),
                "scope_words": meeting.scope_words,
                "freshness": meeting.header.freshness,
                "files": have,
            }
            _write(entry / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
    return report


def _filed(entry: Path, folder: Path) -> Filed | None:
    m = _manifest(entry)
    if not m.get("period") or not isinstance(m.get("files"), dict):
        return None
    files, times = [], []
    for kind in KIND_ORDER:
        item = m["files"].get(kind)
        if not isinstance(item, dict):
            continue
        name = str(item.get("name", ""))
        # only a plain name inside this entry's folder (a manifest never points elsewhere)
        if not name or Path(name).name != name or not (entry / name).is_file():
            continue
        files.append(FiledFile(kind, name, int(item.get("size") or 0)))
        times.append(str(item.get("filed_at") or ""))
    if not files:
        return None
    filed_at = max(times)[:16].replace("T", " ")
    scope = Scope(m.get("county_code"), tuple(m.get("township_codes") or ()))
    return Filed(
        m["period"], str(m.get("period_label") or m["period"]), scope,
        str(m.get("scope_words") or scope_folder(scope)), filed_at, tuple(files),
        str(entry.relative_to(folder)),
    )  # fmt: skip


def listing(folder: Path) -> list[Filed]:
    """Every brief filed under `folder` (none when it does not exist yet)."""
    if not folder.is_dir():
        return []
    out = []
    for manifest in sorted(folder.glob(f"*/*/{MANIFEST}")):
        found = _filed(manifest.parent, folder)
        if found is not None:
            out.append(found)
    return out


def read(folder: Path, filed: Filed, kind: str) -> bytes:
    """One filed file's bytes for a download, as an `export` row of the audit trail (written
    first: no row, no file)."""
    item = next(f for f in filed.files if f.kind == kind)
    path = (folder / filed.folder / item.name).resolve()
    if folder.resolve() not in path.parents:
        raise ValueError("存档文件不在存档目录中")
    audit.record("export", what=f"周报存档 {item.words}: {item.name}",
                 scope=audit.scope_words(filed.scope), period=filed.period_key)  # fmt: skip
    return path.read_bytes()
