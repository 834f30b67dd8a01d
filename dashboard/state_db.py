"""The dashboard's own small database: 督办事项 (with their history) and 解读 on figures.

Never the monitoring database: that one is read through the read-only engine only
(data_access.engine); this module imports nothing of it (tests/test_layers.py), and refuses a
URL equal to the monitoring one. Default: a SQLite file `data/state/state.sqlite` (folder 0700,
file 0600), created on first use. `DASHBOARD_STATE_DB` names another: a SQLAlchemy URL
(e.g. `postgresql://dashboard_state:…@host/health`, with `DASHBOARD_STATE_SCHEMA` for a schema
the administrator made for it) or a file path (SQLite).

Every change (created, edited, closed, a note written) is one transaction that also appends
its audit line (dashboard.audit); when the audit line cannot be written the transaction is
rolled back and the change refused (AuditError). Every failure is a StateError with a Chinese
message: callers show it and carry on; no page goes down because this database cannot be
written. Plain Python: the CLI (`python -m dashboard.followup`) and tests use it too.
"""

from __future__ import annotations

import logging
import os
import threading
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa

from dashboard import audit
from views.domain import Scope
from views.followup import Board, Item, Note, in_scope

log = logging.getLogger(__name__)

ENV_URL = "DASHBOARD_STATE_DB"
ENV_SCHEMA = "DASHBOARD_STATE_SCHEMA"
DEFAULT_FILE = Path(__file__).resolve().parents[1] / "data" / "state" / "state.sqlite"
TEXT_MAX, OWNER_MAX, NOTE_MAX = 500, 100, 300


class StateError(RuntimeError):
    """The own database cannot be read or written, or the input is refused (Chinese text)."""


def _tables(schema: str | None) -> tuple[sa.MetaData, sa.Table, sa.Table, sa.Table]:
    md = sa.MetaData(schema=schema)
    common = lambda: [  # noqa: E731 - the columns every entry has
        sa.Column("county_code", sa.String(20), nullable=False),
        sa.Column("township_code", sa.String(20)),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("figure", sa.String(100), nullable=False),
        sa.Column("subject", sa.String(64)),
        sa.Column("period_key", sa.String(10), nullable=False),
    ]
    items = sa.Table(
        "followup_item", md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        *common(),
        sa.Column("subject_name", sa.String(200)),
        sa.Column("data_month", sa.String(7)),
        sa.Column("owner", sa.String(OWNER_MAX), nullable=False),
        sa.Column("due", sa.String(10), nullable=False),
        sa.Column("text", sa.String(TEXT_MAX), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("closed_by", sa.String(100)),
        sa.Column("closed_at", sa.String(32)),
    )  # fmt: skip
    events = sa.Table(
        "followup_event", md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("item_id", sa.Integer, nullable=False, index=True),
        sa.Column("action", sa.String(10), nullable=False),  # created / edited / closed
        sa.Column("by_user", sa.String(100), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("detail", sa.String(2000), nullable=False),
    )  # fmt: skip
    notes = sa.Table(
        "figure_note", md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        *common(),
        sa.Column("text", sa.String(NOTE_MAX), nullable=False),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )  # fmt: skip
    return md, items, events, notes


_lock = threading.Lock()
_engines: dict[tuple[str, str | None], tuple[sa.Engine, tuple]] = {}
created_message: str | None = None  # said once when this process created the database


def url() -> str:
    raw = (os.environ.get(ENV_URL) or "").strip()
    if not raw:
        return f"sqlite:///{DEFAULT_FILE}"
    return raw if "://" in raw else f"sqlite:///{Path(raw).expanduser().resolve()}"


def where() -> str:
    """The database in words without a password (for messages)."""
    try:
        return sa.engine.make_url(url()).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return ENV_URL


def _connect() -> tuple[sa.Engine, tuple]:
    """The engine and tables, creating the database and tables on first use."""
    global created_message
    target, schema = url(), (os.environ.get(ENV_SCHEMA) or "").strip() or None
    monitoring = (os.environ.get("DASHBOARD_DB_URL") or "").strip()
    if monitoring and sa.engine.make_url(monitoring) == sa.engine.make_url(target):
        raise StateError("督办数据库不能是监测数据库（监测数据库只读）：请另设 DASHBOARD_STATE_DB")
    with _lock:
        if (target, schema) in _engines:
            return _engines[(target, schema)]
        parsed = sa.engine.make_url(target)
        fresh = False
        if parsed.get_backend_name() == "sqlite" and parsed.database:
            path = Path(parsed.database)
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fresh = not path.exists()
        engine = sa.create_engine(target, pool_pre_ping=True)
        md, *tables = _tables(schema)
        md.create_all(engine)
        if fresh:
            os.chmod(parsed.database, 0o600)
            created_message = f"已创建督办数据库：{where()}（仪表盘自有，不写监测数据库）"
            log.warning("%s", created_message)
        _engines[(target, schema)] = (engine, tuple(tables))
        return _engines[(target, schema)]


def _guarded(action: str):
    """Run `action(engine, tables)`; database errors become a StateError in Chinese."""
    try:
        engine, tables = _connect()
        return action(engine, tables)
    except (StateError, audit.AuditError, PermissionError, ValueError):
        raise
    except (sa.exc.SQLAlchemyError, OSError) as exc:
        log.warning("state database failed: %s: %s", type(exc).__name__, exc)
        raise StateError(f"督办数据库暂时无法读写（{where()}）；页面不受影响，请稍后再试") from exc


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _check(scope: Scope, visible: Scope | None) -> None:
    if scope.county_code is None:
        raise ValueError("督办事项和解读须指定县区")
    probe = Note(0, scope.county_code, scope.township_codes[0] if scope.township_codes else None,
                 "", "", None, "", "", "", "")  # fmt: skip
    if visible is not None and not (in_scope(probe, visible) and _covers(visible, scope)):
        raise PermissionError("无权在该范围内写督办事项或解读")


def _covers(visible: Scope, scope: Scope) -> bool:
    """A township user may write only about one of their townships, not their whole county."""
    return not visible.township_codes or bool(scope.township_codes)


def _text(value: str, name: str, most: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValueError(f"{name}不能为空")
    if len(value) > most:
        raise ValueError(f"{name}过长（最多 {most} 字）")
    return value


def _due(value: str) -> str:
    try:
        return date.fromisoformat((value or "").strip()).isoformat()
    except ValueError:
        raise ValueError(f"期限“{(value or '')[:20]}”不是日期（YYYY-MM-DD）") from None


def _where(scope: Scope, visible: Scope | None, place: str, figure: str, subject: str | None,
           period_key: str) -> dict:  # fmt: skip
    """What an item or a note is about, checked against the user's area."""
    _check(scope, visible)
    return {
        "county_code": scope.county_code,
        "township_code": scope.township_codes[0] if scope.township_codes else None,
        "place": _text(place, "范围", 200),
        "figure": _text(figure, "指标", 100),
        "subject": subject,
        "period_key": period_key,
    }


def add_item(*, scope: Scope, place: str, figure: str, period_key: str, data_month: str | None,
             owner: str, due: str, text: str, by: str, visible: Scope | None = None,
             subject: str | None = None, subject_name: str | None = None) -> int:  # fmt: skip
    """A new item (its `created` event and audit line in the same transaction); its id."""
    row = {
        **_where(scope, visible, place, figure, subject, period_key),
        "subject_name": subject_name,
        "data_month": data_month,
        "owner": _text(owner, "责任人", OWNER_MAX),
        "due": _due(due),
        "text": _text(text, "事项", TEXT_MAX),
        "state": "open",
        "created_by": by,
        "created_at": _now(),
    }

    def write(engine, tables) -> int:
        items, events, _ = tables
        with engine.begin() as conn:
            new_id = conn.execute(sa.insert(items).values(**row)).inserted_primary_key[0]
            _event(conn, events, new_id, "created", by, row)
            audit.record("followup_created", item=new_id, figure=row["figure"],
                         scope=audit.scope_words(scope), period=period_key)  # fmt: skip
        return int(new_id)

    return _guarded(write)


def _event(conn, events, item_id: int, action: str, by: str, detail: dict) -> None:
    import json

    conn.execute(sa.insert(events).values(item_id=item_id, action=action, by_user=by, at=_now(),
                 detail=json.dumps(detail, ensure_ascii=False, default=str)[:2000]))  # fmt: skip


def _load(conn, items, item_id: int, visible: Scope | None) -> Item:
    found = conn.execute(sa.select(items).where(items.c.id == item_id)).mappings().first()
    if found is None:
        raise ValueError(f"没有编号为 {item_id} 的督办事项")
    item = Item(**dict(found))
    if visible is not None and not in_scope(item, visible):
        raise ValueError(f"没有编号为 {item_id} 的督办事项")  # outside the area: as if none
    return item


def edit_item(item_id: int, *, by: str, visible: Scope | None = None, **changes: str) -> None:
    """Change owner, due or text of an open item (an `edited` event with old and new)."""
    checks = {"owner": ("责任人", OWNER_MAX), "text": ("事项", TEXT_MAX)}
    new = {k: _due(v) if k == "due" else _text(v, *checks[k]) for k, v in changes.items()
           if k in ("owner", "due", "text")}  # fmt: skip
    if not new:
        raise ValueError("没有要修改的内容")

    def write(engine, tables) -> None:
        items, events, _ = tables
        with engine.begin() as conn:
            item = _load(conn, items, item_id, visible)
            if item.state != "open":
                raise ValueError(f"督办事项 {item_id} 已关闭，不能修改")
            old = {k: getattr(item, k) for k in new}
            conn.execute(sa.update(items).where(items.c.id == item_id).values(**new))
            _event(conn, events, item_id, "edited", by, {"old": old, "new": new})
            audit.record("followup_edited", item=item_id, fields=sorted(new))

    _guarded(write)


def close_item(item_id: int, *, by: str, visible: Scope | None = None) -> None:
    def write(engine, tables) -> None:
        items, events, _ = tables
        with engine.begin() as conn:
            item = _load(conn, items, item_id, visible)
            if item.state == "closed":
                raise ValueError(f"督办事项 {item_id} 已关闭")
            at = _now()
            conn.execute(sa.update(items).where(items.c.id == item_id)
                         .values(state="closed", closed_by=by, closed_at=at))  # fmt: skip
            _event(conn, events, item_id, "closed", by, {"state": "closed"})
            audit.record("followup_closed", item=item_id, figure=item.figure)

    _guarded(write)


def items(visible: Scope | None = None, state: str | None = None) -> list[Item]:
    """Items the user may see (None: all), oldest first; `state` open/closed filters."""

    def read(engine, tables) -> list[Item]:
        table = tables[0]
        query = sa.select(table).order_by(table.c.id)
        if state:
            query = query.where(table.c.state == state)
        with engine.connect() as conn:
            found = [Item(**dict(r)) for r in conn.execute(query).mappings()]
        return [i for i in found if visible is None or in_scope(i, visible)]

    return _guarded(read)


def history(item_id: int, visible: Scope | None = None) -> list[dict]:
    """The item's events, oldest first: action, by_user, at, detail."""

    def read(engine, tables) -> list[dict]:
        items_t, events, _ = tables
        with engine.connect() as conn:
            _load(conn, items_t, item_id, visible)
            query = sa.select(events).where(events.c.item_id == item_id).order_by(events.c.id)
            return [dict(r) for r in conn.execute(query).mappings()]

    return _guarded(read)


def add_note(*, scope: Scope, place: str, figure: str, period_key: str, text: str, by: str,
             visible: Scope | None = None, subject: str | None = None) -> int:  # fmt: skip
    row = {
        **_where(scope, visible, place, figure, subject, period_key),
        "text": _text(text, "解读", NOTE_MAX),
        "author": by,
        "created_at": _now(),
    }

    def write(engine, tables) -> int:
        notes_t = tables[2]
        with engine.begin() as conn:
            new_id = conn.execute(sa.insert(notes_t).values(**row)).inserted_primary_key[0]
            audit.record("note_written", note=new_id, figure=row["figure"],
                         scope=audit.scope_words(scope), period=period_key)  # fmt: skip
        return int(new_id)

    return _guarded(write)


def notes(visible: Scope | None = None) -> list[Note]:
    def read(engine, tables) -> list[Note]:
        table = tables[2]
        with engine.connect() as conn:
            found = conn.execute(sa.select(table).order_by(table.c.id)).mappings()
            rows = [Note(**dict(r)) for r in found]
        return [n for n in rows if visible is None or in_scope(n, visible)]

    return _guarded(read)


def board(visible: Scope | None, today: date | None = None) -> Board:
    """The items and notes a user may see, for the meeting and the brief; an own database
    that cannot be read gives an empty board (logged), never a failed meeting or brief."""
    try:
        return Board(tuple(items(visible)), tuple(notes(visible)), today or date.today())
    except StateError as exc:
        log.warning("meeting without 督办事项: %s", exc)
        return Board(today=today or date.today())


def reset_for_tests() -> None:
    """Forget the engines (a test points DASHBOARD_STATE_DB elsewhere)."""
    global created_message
    with _lock:
        for engine, _ in _engines.values():
            engine.dispose()
        _engines.clear()
        created_message = None
