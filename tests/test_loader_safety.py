"""Nothing lost on every dialect: a file with one township's rows of a month replaces that
township's month only; a shrinking month needs --allow-shrink; a village file with units in
its headers and fewer columns updates what it has and nulls nothing; `history` lists the
loads and `undo` restores row counts and checksums of every table."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from data_access.load_history import read_loads
from data_access.schema import metadata
from demo.writer import writer_engine
from loader.cli import main
from tests.loader_county import T_HEKOU, V1, V2, V3, county_rows, write_csv_folder
from tests.test_loader import table_rows, target  # noqa: F401 - the four-dialect fixture
from views.load_history import load_rows


def checksums(url: str) -> dict[str, tuple[int, str]]:
    """Rows and a SHA-256 of the sorted rows of every contract table present."""
    engine = writer_engine(url)
    try:
        present = set(sa.inspect(engine).get_table_names())
        found = {}
        with engine.connect() as conn:
            for table in metadata.sorted_tables:
                if table.name not in present:
                    continue
                rows = sorted(
                    repr(tuple(_plain(v) for v in r)) for r in conn.execute(sa.select(table))
                )
                digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
                found[table.name] = (len(rows), digest)
        return found
    finally:
        engine.dispose()


def _plain(value):
    return round(float(value), 9) if isinstance(value, float) else value


def load(*args) -> int:
    return main(["load", "--no-progress", *map(str, args)])


def test_partial_month_replaces_one_township_and_undo_restores_everything(
    target,  # noqa: F811
    tmp_path,
    capsys,
):
    good = write_csv_folder(tmp_path / "good", county_rows(), encoding="utf-8")
    report = tmp_path / "r.csv"
    assert load("--db", target, good, "--report", report) == 0, capsys.readouterr()
    before = checksums(target)
    capsys.readouterr()

    # 河口镇 (V1, V2) had 3 chronic rows in 2026-02; the file has 1 of them, recoloured.
    one = {
        "chronic_status": [
            {"month": "2026-02", "patient_id": "p1", "village_code": V1, "disease": "高血压",
             "color": "红标", "managed_level": "县级"},
        ]
    }  # fmt: skip
    folder = write_csv_folder(tmp_path / "one", one, encoding="utf-8")
    # 3 → 1 is more than the default 50 % less: refused, nothing written.
    assert load("--db", target, folder, "--report", report) == 1
    out = capsys.readouterr()
    assert "--allow-shrink" in out.out + out.err
    assert checksums(target) == before
    # validate shows the change per township and month before anything is written.
    assert main(["validate", str(folder), "--db", target, "--report", str(report)]) == 1
    plan = capsys.readouterr().out
    assert "替换 河口镇 2026-02：3 → 1 行（新增 0，删除 2，变更 1，颜色变化 1）" in plan

    assert load("--db", target, folder, "--report", report, "--allow-shrink") == 0
    capsys.readouterr()
    rows = table_rows(target, "chronic_status", "month, patient_id, disease")
    feb = [(r[1], r[2], r[3], r[4]) for r in rows if r[0] == "2026-02"]
    # 石桥乡 (V3 p3, V4 p4) keeps its February rows; 河口镇 now has exactly the file's row.
    assert feb == [
        ("p1", V1, "hypertension", "red"),
        ("p3", V3, "hypertension", "red"),
        ("p4", "990801002002", "hypertension", "green"),
    ]
    assert len([r for r in rows if r[0] == "2026-01"]) == 3  # January untouched

    # A village file with a unit in its header and only some columns: population updated,
    # every other column kept (no NULL); an unknown column without mapping is refused first.
    villages = tmp_path / "villages"
    villages.mkdir()
    (villages / "village.csv").write_text(
        "村代码,乡镇代码,村名称,村分类,常住人口(人),备注\n"
        f"{V1},{T_HEKOU},河口村,一类,1300,新\n"
        f"{V2},{T_HEKOU},岩脚村,二类,805,\n",
        encoding="utf-8",
    )
    assert load("--db", target, villages, "--report", report) == 1
    assert "无法识别的列「备注」" in capsys.readouterr().out
    args = ["--ignore-column", "备注", "--accept-warnings"]  # the changed populations warn
    assert load("--db", target, villages, "--report", report, *args) == 0
    capsys.readouterr()
    stored = {r[0]: r for r in table_rows(target, "village", "village_code")}
    # (code, township, name, class, population, key_population, area, distance, road, lon, lat)
    assert stored[V1][4:7] == (1300, 300, 8.5) and stored[V2][4:7] == (805, 260, 8.5)
    assert stored[V1][8:] == ("good", 106.01, 26.0) and stored[V3][4] == 1000
    assert all(v is not None for r in stored.values() for v in r)

    # history: newest first, the id first.
    assert main(["history", "--db", target]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split()[0] for line in lines] == ["3", "2", "1"]
    assert "village.csv" in lines[0] and "chronic_status.csv" in lines[1]
    assert "chronic_status 新增 1、替换掉 3" in lines[1]

    # undo: loads newest first; an older one is refused while a newer one stands.
    assert main(["undo", "--db", target, "2"]) == 1
    assert "请先" in capsys.readouterr().err
    assert main(["undo", "--db", target, "3"]) == 0
    assert main(["undo", "--db", target, "2"]) == 0
    assert checksums(target) == before
    assert main(["undo", "--db", target, "2"]) == 1  # already undone
    assert main(["history", "--db", target]) == 0
    assert "已撤销" in capsys.readouterr().out
    # The admin page reads the same list through data_access.
    engine = writer_engine(target)
    try:
        loads = read_loads(engine)
    finally:
        engine.dispose()
    assert [(r["load_id"], bool(r["undone_at"])) for r in loads] == [
        (3, True),
        (2, True),
        (1, False),
    ]
    assert loads[1]["files"] == ["chronic_status.csv"]
    assert loads[1]["counts"]["chronic_status"] == {"inserted": 1, "updated": 0, "replaced": 3}
    # … and the 审计日志 page's 数据加载记录 shows them so.
    engine = writer_engine(target)
    try:
        shown = load_rows(engine)
    finally:
        engine.dispose()
    assert [r["编号"] for r in shown] == [3, 2, 1]
    assert shown[1]["行数"] == "chronic_status +1 −3" and shown[1]["状态"].startswith("已撤销（")
