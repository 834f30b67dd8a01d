"""督办事项 and 解读 never touch the monitoring database: on all four dialects, writing items
and notes (pages' module and the CLI), building the deck with them and the brief leave every
table of the source as it was; file databases stay byte-identical. And the CLI's add / list /
close against hand-made data."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
import sqlalchemy as sa

from dashboard import audit, state_db
from dashboard import followup as cli
from dashboard.brief import pptx as brief_pptx
from data_access.periods import Period
from data_access.schema import metadata
from data_access.scope import Scope
from tests import handmade as hm
from tests.dbs import dialect_params, loaded_database, urls_for
from views.common import window_for
from views.meeting import deck


@pytest.fixture
def own(tmp_path, monkeypatch):
    monkeypatch.setenv(state_db.ENV_URL, str(tmp_path / "own" / "state.sqlite"))
    monkeypatch.setenv(audit.ENV_DIR, str(tmp_path / "audit"))
    state_db.reset_for_tests()
    yield tmp_path
    state_db.reset_for_tests()


def _snapshot(engine: sa.Engine) -> dict:
    """Every table's name, and every contract table's rows, in a stable order."""
    out = {"tables": sorted(sa.inspect(engine).get_table_names())}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            out[table.name] = sorted(map(repr, conn.execute(sa.select(table)).all()))
    return out


def _files(folder) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.iterdir() if p.suffix in (".duckdb", ".sqlite")}  # fmt: skip


@pytest.mark.parametrize("dialect", dialect_params())
def test_items_and_notes_leave_the_source_unchanged(dialect, own, capsys):
    source = own / "source"
    source.mkdir()
    with loaded_database(dialect, hm.ROWS, source) as engine:
        before, files = _snapshot(engine), _files(source)
        reader_url = urls_for(dialect, source)[1]
        code = cli.main(["add", "--db", reader_url, "--county", hm.A, "--township", hm.EAST,
                         "--figure", "推送不到位", "--owner", "东镇卫生院", "--due", "2026-04-01",
                         "--text", "红标全部上转", "--period", "2026-03"])  # fmt: skip
        assert code == 0, capsys.readouterr().err
        state_db.add_note(scope=Scope(hm.A), place="清河县", figure="推送不到位",
                          period_key="2026-03", text="三月起按新口径", by="王局长")  # fmt: skip
        window = window_for(engine, Period.parse("2026-03"))
        board = state_db.board(None, date(2026, 4, 8))
        view = deck.build(engine, Scope(hm.A), window, followups=board)
        slide = view.slides[1]
        assert slide.key == "followup" and slide.rows[0].now == "2 人次（2026年3月）"
        assert slide.rows[0].overdue and slide.notes[0][2] == "三月起按新口径"
        brief_pptx.render(view.meeting, view.slides)
        assert cli.main(["close", "1"]) == 0
        assert _snapshot(engine) == before
    assert _files(source) == files  # file databases byte-identical


def test_cli_add_list_close(own, tmp_path, capsys):
    from tests.dbs import sqlite_file

    url = sqlite_file(tmp_path / "hm.sqlite", hm.ROWS)
    args = ["add", "--db", url, "--county", hm.A, "--figure", "抽查合格率", "--team", "T1",
            "--owner", "东镇\t卫生院", "--due", "2026-04-01", "--text", "复核\n抽查"]  # fmt: skip
    assert cli.main(args) == 0
    assert capsys.readouterr().out.strip() == "1"
    assert cli.main(["list"]) == 0
    line = capsys.readouterr().out
    assert line == (
        f"1\t清河县({hm.A})\t抽查合格率（三台村医防融合团队）\t东镇 卫生院\t2026-04-01\t进行中\t复核 抽查\n"
    )
    assert cli.main(["close", "1"]) == 0 and "已关闭 1" in capsys.readouterr().out
    assert cli.main(["list", "--state", "open"]) == 0 and capsys.readouterr().out == ""
    # An unknown label names the ones there are; a bad date is refused; nothing written.
    bad = ["add", "--db", url, "--county", hm.A, "--figure", "不存在", "--owner", "x",
           "--due", "2026-04-01", "--text", "x"]  # fmt: skip
    assert cli.main(bad) == 2
    err = capsys.readouterr().err
    assert "没有名为“不存在”的指标" in err and "高血压患者规范管理率" in err
    bad[bad.index("不存在")] = "推送不到位"
    bad[bad.index("2026-04-01")] = "04/01"
    assert cli.main(bad) == 2 and "不是日期" in capsys.readouterr().err
    events = [r["event"] for r in reversed(audit.read())]
    assert events == ["followup_created", "followup_closed"]
