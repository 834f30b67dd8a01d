"""Load history and undo: every load gets an id, and what it replaced is kept to restore.

The loader owns these tables in the target database (the dashboard never reads them except
the admin page's list, through data_access.history):

- `loader_load`: one row per load — id, time, OS account, files, rows per table, and when
  it was undone;
- `loader_scope`: the (table, month, scope) units a load replaced in the monthly tables
  (loader.plan.scope_condition says which rows a scope covers);
- `loader_saved_<table>`: per contract table (and data_meta), the rows a load deleted or
  overwrote (`saved_kind` = 'old', every column as it was) and the keys it added ('new').

`python -m loader undo LOAD_ID` puts the 'old' rows back and removes what the load added,
in one transaction; only the newest load not yet undone can be undone (an older one's rows
may have been replaced again since), so loads are undone newest first.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
from dataclasses import dataclass

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.schema import CreateIndex, CreateTable

from data_access import schema
from demo.writer import TableWriter, open_writer
from loader.columns import TABLES
from loader.plan import scope_condition

history_metadata = sa.MetaData()

loader_load = sa.Table(
    "loader_load",
    history_metadata,
    sa.Column("load_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("loaded_at", sa.String(32), nullable=False),
    sa.Column("os_user", sa.String(128)),
    sa.Column("files", sa.Text),
    sa.Column("counts", sa.Text),
    sa.Column("source", sa.String(255)),
    sa.Column("undone_at", sa.String(32)),
    sa.Column("undone_by", sa.String(128)),
)
loader_scope = sa.Table(
    "loader_scope",
    history_metadata,
    sa.Column("load_id", sa.Integer, nullable=False),
    sa.Column("table_name", sa.String(64), nullable=False),
    sa.Column("month", sa.String(7), nullable=False),
    sa.Column("scope", sa.String(255), nullable=False),
)
SAVED_KIND = "saved_kind"
OLD, NEW = "old", "new"


def _saved_table(table: sa.Table) -> sa.Table:
    columns = [
        sa.Column("load_id", sa.Integer, nullable=False),
        sa.Column(SAVED_KIND, sa.String(3), nullable=False),
    ]
    columns += [sa.Column(c.name, c.type, nullable=True) for c in table.columns]
    saved = sa.Table(f"loader_saved_{table.name}", history_metadata, *columns)
    sa.Index(f"ix_loader_saved_{table.name}", saved.c.load_id, saved.c[SAVED_KIND])
    return saved


# Contract tables a load writes, plus data_meta (extracted_at, source).
HISTORY_TABLES = [schema.metadata.tables[spec.name] for spec in TABLES] + [schema.data_meta]
SAVED = {table.name: _saved_table(table) for table in HISTORY_TABLES}
KEYS = {spec.name: spec.key for spec in TABLES} | {"data_meta": ("meta_key",)}
MONTHLY = {spec.name for spec in TABLES if spec.monthly}


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER") or os.environ.get("USERNAME") or "?"


def now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


# ---------------------------------------------------------------- statements on a writer


def _executed(writer: TableWriter, statement):
    """A cursor that has run one Core statement with its bound values (close it after)."""
    compiled = statement.compile(
        dialect=writer.dialect, compile_kwargs={"render_postcompile": True}
    )
    params = compiled.construct_params()
    order = compiled.positiontup or []
    cursor = writer.connection.cursor()
    try:
        cursor.execute(str(compiled), tuple(params[name] for name in order))
    except BaseException:
        cursor.close()
        raise
    return cursor


def execute(writer: TableWriter, statement) -> int:
    """One Core statement with its bound values on the writer's connection; rows affected."""
    cursor = _executed(writer, statement)
    try:
        return cursor.rowcount
    finally:
        cursor.close()


def run_many(writer: TableWriter, statement, rows: list[dict]) -> None:
    """executemany of a Core statement with the writer's placeholders (bindparam names)."""
    if not rows:
        return
    compiled = statement.compile(dialect=writer.dialect)
    order = compiled.positiontup or []
    cursor = writer.connection.cursor()
    cursor.executemany(str(compiled), [tuple(row[name] for name in order) for row in rows])
    cursor.close()


def fetch(writer: TableWriter, statement) -> list[tuple]:
    cursor = _executed(writer, statement)
    try:
        return [tuple(r) for r in cursor.fetchall()]
    finally:
        cursor.close()


def ensure_history_tables(writer: TableWriter) -> None:
    """Create the loader's own tables where absent (committed before the load's transaction)."""
    present = set(sa.inspect(writer.engine).get_table_names())
    for table in history_metadata.sorted_tables:
        if table.name in present:
            continue
        if writer.dialect.name in ("mysql", "mariadb"):
            table = table.to_metadata(sa.MetaData())
            table.dialect_kwargs["mysql_charset"] = "utf8mb4"
        writer._execute(CreateTable(table))
        for index in table.indexes:
            writer._execute(CreateIndex(index))
    writer.connection.commit()


# ---------------------------------------------------------------- recording a load


@dataclass
class Recorder:
    """Keeps, inside the load's transaction, what the load replaces."""

    writer: TableWriter
    load_id: int

    @classmethod
    def start(cls, writer: TableWriter, files: list[str], source: str) -> Recorder:
        (last,) = fetch(writer, sa.select(sa.func.max(loader_load.c.load_id)))[0]
        load_id = int(last or 0) + 1
        row = {
            "load_id": load_id,
            "loaded_at": now(),
            "os_user": os_user(),
            "files": json.dumps(files, ensure_ascii=False),
            "counts": "{}",
            "source": source[:255],
        }
        execute(writer, loader_load.insert().values(row))
        return cls(writer, load_id)

    def save_scope(self, table: sa.Table, month: str, scope: str) -> None:
        """Keep the rows of one (month, scope) unit before they are deleted."""
        saved = SAVED[table.name]
        names = [c.name for c in table.columns]
        select = sa.select(
            sa.literal(self.load_id), sa.literal(OLD), *(table.c[n] for n in names)
        ).where(scope_condition(table, month, scope))
        execute(self.writer, saved.insert().from_select(["load_id", SAVED_KIND, *names], select))
        execute(
            self.writer,
            loader_scope.insert().values(
                load_id=self.load_id, table_name=table.name, month=month, scope=scope
            ),
        )

    def save_where(self, table: sa.Table, condition) -> None:
        """Keep the rows of `table` matching `condition` before they are deleted or changed."""
        saved = SAVED[table.name]
        names = [c.name for c in table.columns]
        select = sa.select(
            sa.literal(self.load_id), sa.literal(OLD), *(table.c[n] for n in names)
        ).where(condition)
        execute(self.writer, saved.insert().from_select(["load_id", SAVED_KIND, *names], select))

    def save_rows(self, table: sa.Table, kind: str, rows: pa.Table) -> None:
        """Keep rows given as Arrow (old rows read before, or the keys a load adds)."""
        if rows.num_rows == 0:
            return
        saved = SAVED[table.name]
        arrays, names = [], []
        for column in saved.columns:
            if column.name == "load_id":
                arrays.append(pa.array([self.load_id] * rows.num_rows, pa.int64()))
            elif column.name == SAVED_KIND:
                arrays.append(pa.array([kind] * rows.num_rows, pa.string()))
            elif column.name in rows.column_names:
                arrays.append(rows.column(column.name))
            else:
                arrays.append(pa.nulls(rows.num_rows, _arrow_type(column)))
            names.append(column.name)
        self.writer.append(saved, pa.Table.from_arrays(arrays, names))

    def finish(self, counts: dict) -> None:
        execute(
            self.writer,
            loader_load.update()
            .where(loader_load.c.load_id == self.load_id)
            .values(counts=json.dumps(counts, ensure_ascii=False)),
        )


def _arrow_type(column: sa.Column) -> pa.DataType:
    if isinstance(column.type, sa.Integer):
        return pa.int64()
    if isinstance(column.type, sa.Float | sa.Double | sa.Numeric):
        return pa.float64()
    if isinstance(column.type, sa.Boolean):
        return pa.bool_()
    return pa.string()


# ---------------------------------------------------------------- listing and undoing


@dataclass(frozen=True)
class LoadEntry:
    load_id: int
    loaded_at: str
    os_user: str
    files: list[str]
    counts: dict
    source: str
    undone_at: str | None
    undone_by: str | None

    def line(self) -> str:
        """One line for `history`: id, time, files, OS account, rows per table."""
        files = "、".join(self.files) or "—"
        state = f"  已撤销（{self.undone_at}，{self.undone_by}）" if self.undone_at else ""
        counts = describe_counts(self.counts)
        return f"{self.load_id}  {self.loaded_at}  {files}  {self.os_user}  {counts}{state}"


def describe_counts(counts: dict) -> str:
    parts = []
    for table, c in counts.items():
        words = [f"新增 {c.get('inserted', 0):,}"]
        if c.get("updated"):
            words.append(f"更新 {c['updated']:,}")
        if c.get("replaced"):
            words.append(f"替换掉 {c['replaced']:,}")
        parts.append(f"{table} " + "、".join(words))
    return "；".join(parts) or "—"


def list_loads(writer: TableWriter) -> list[LoadEntry]:
    if "loader_load" not in set(sa.inspect(writer.engine).get_table_names()):
        return []
    rows = fetch(writer, sa.select(loader_load).order_by(loader_load.c.load_id.desc()))
    return [
        LoadEntry(
            r[0],
            r[1],
            r[2] or "",
            json.loads(r[3] or "[]"),
            json.loads(r[4] or "{}"),
            r[5] or "",
            r[6],
            r[7],
        )  # fmt: skip
        for r in rows
    ]


def history(url: str) -> list[LoadEntry]:
    with open_writer(url) as writer:
        return list_loads(writer)


class UndoError(RuntimeError):
    """The load cannot be undone (its message is shown as it is)."""


def _undo_refusal(loads: list[LoadEntry], load_id: int) -> str | None:
    entry = next((e for e in loads if e.load_id == load_id), None)
    if entry is None:
        return f"没有编号为 {load_id} 的加载（python -m loader history 列出全部）"
    if entry.undone_at:
        return f"加载 {load_id} 已于 {entry.undone_at} 撤销"
    later = [e.load_id for e in loads if e.load_id > load_id and not e.undone_at]
    if later:
        newer = "、".join(map(str, sorted(later, reverse=True)))
        return f"加载 {load_id} 之后还有加载 {newer}：请先按从新到旧的顺序撤销它们"
    return None


def undo(url: str, load_id: int) -> LoadEntry:
    """Restore what load `load_id` replaced, in one transaction; return the load undone."""
    with open_writer(url) as writer:
        loads = list_loads(writer)
        refusal = _undo_refusal(loads, load_id)
        if refusal is None:
            _undo(writer, load_id)
    if refusal is not None:
        raise UndoError(refusal)
    return next(e for e in loads if e.load_id == load_id)


def _undo(writer: TableWriter, load_id: int) -> None:
    cursor = writer.connection.cursor()
    if writer.dialect.name == "duckdb":
        cursor.execute("BEGIN TRANSACTION")
    cursor.close()
    present = set(sa.inspect(writer.engine).get_table_names())
    tables = [t for t in HISTORY_TABLES if t.name in present]
    # Children first: monthly facts, team assignments, then dimensions newest-first.
    for table in tables:
        if table.name in MONTHLY:
            _undo_monthly(writer, table, load_id)
    if any(t.name == "team_village" for t in tables):
        _undo_pairs(writer, schema.metadata.tables["team_village"], load_id)
    dimensions = [t for t in tables if t.name not in MONTHLY and t.name != "team_village"]
    for table in reversed(dimensions):
        _delete_added(writer, table, load_id)
    for table in dimensions:
        _restore_old(writer, table, load_id)
    execute(
        writer,
        loader_load.update()
        .where(loader_load.c.load_id == load_id)
        .values(undone_at=now(), undone_by=os_user()),
    )
    writer.connection.commit()
    if writer.dialect.name == "duckdb":
        writer.connection.cursor().execute("CHECKPOINT")


def _saved_select(table: sa.Table, load_id: int, kind: str) -> sa.Select:
    saved = SAVED[table.name]
    return sa.select(*(saved.c[c.name] for c in table.columns)).where(
        saved.c.load_id == load_id, saved.c[SAVED_KIND] == kind
    )


def _undo_monthly(writer: TableWriter, table: sa.Table, load_id: int) -> None:
    scopes = fetch(
        writer,
        sa.select(loader_scope.c.month, loader_scope.c.scope).where(
            loader_scope.c.load_id == load_id, loader_scope.c.table_name == table.name
        ),
    )
    for month, scope in scopes:
        execute(writer, table.delete().where(scope_condition(table, month, scope or "")))
    names = [c.name for c in table.columns]
    execute(writer, table.insert().from_select(names, _saved_select(table, load_id, OLD)))


def _undo_pairs(writer: TableWriter, table: sa.Table, load_id: int) -> None:
    """team_village: remove the assignments the load wrote, put back those it replaced."""
    added = fetch(writer, _saved_select(table, load_id, NEW))
    condition = sa.and_(
        table.c.team_id == sa.bindparam("p_team"), table.c.village_code == sa.bindparam("p_v")
    )
    run_many(writer, table.delete().where(condition), [{"p_team": t, "p_v": v} for t, v in added])
    names = [c.name for c in table.columns]
    execute(writer, table.insert().from_select(names, _saved_select(table, load_id, OLD)))


def _key_condition(table: sa.Table):
    return sa.and_(*(table.c[k] == sa.bindparam(f"p_{k}") for k in KEYS[table.name]))


def _delete_added(writer: TableWriter, table: sa.Table, load_id: int) -> None:
    keys = KEYS[table.name]
    saved = SAVED[table.name]
    added = fetch(
        writer,
        sa.select(*(saved.c[k] for k in keys)).where(
            saved.c.load_id == load_id, saved.c[SAVED_KIND] == NEW
        ),
    )
    rows = [{f"p_{k}": v for k, v in zip(keys, r, strict=True)} for r in added]
    run_many(writer, table.delete().where(_key_condition(table)), rows)


def _restore_old(writer: TableWriter, table: sa.Table, load_id: int) -> None:
    """Put the old values back, updating only the columns that differ now (DuckDB rewrites an
    updated indexed column as delete + insert, which a referenced parent row cannot survive)."""
    keys = KEYS[table.name]
    names = [c.name for c in table.columns]
    others = [n for n in names if n not in keys]
    old_rows = fetch(writer, _saved_select(table, load_id, OLD))
    if not old_rows:
        return
    condition = _key_condition(table)
    current = {}
    for row in old_rows:
        params = {f"p_{k}": row[names.index(k)] for k in keys}
        found = fetch(writer, sa.select(table).where(condition).params(params))
        current[tuple(row[names.index(k)] for k in keys)] = found[0] if found else None
    missing, groups = [], {}
    for row in old_rows:
        key = tuple(row[names.index(k)] for k in keys)
        now_row = current[key]
        if now_row is None:
            missing.append(row)
            continue
        changed = tuple(n for n in others if row[names.index(n)] != now_row[names.index(n)])
        if changed:
            params = {f"p_{n}": row[names.index(n)] for n in names}
            groups.setdefault(changed, []).append(params)
    for changed, rows in groups.items():
        update = (
            table.update().where(condition).values({c: sa.bindparam(f"p_{c}") for c in changed})
        )
        run_many(writer, update, rows)
    if missing:
        insert = table.insert().values({n: sa.bindparam(f"p_{n}") for n in names})
        run_many(writer, insert, [{f"p_{n}": r[i] for i, n in enumerate(names)} for r in missing])
