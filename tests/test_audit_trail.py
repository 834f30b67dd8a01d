"""The audit trail cannot be lost silently: a hash chain the admin page verifies, a file only
its owner reads, fail-closed sign-in and pages when a line cannot be written (unwritable
folder, full disk), the administrator told, and rows that say who, from where, in which session,
drilled into what — from the app and from the export CLI (with the OS account)."""

from __future__ import annotations

import json
import os
import pwd
import stat
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import audit, navigation
from pages import teams_state
from tests import handmade as hm
from tests.test_auth import APP, TIMEOUT_S, accounts_file, sign_in, texts


@pytest.fixture
def trail(monkeypatch, tmp_path) -> Path:
    monkeypatch.setenv(audit.ENV_DIR, str(tmp_path / "audit"))
    return tmp_path / "audit"


def lines(folder: Path) -> list[dict]:
    return [json.loads(x) for x in (folder / audit.FILE_NAME).read_text("utf-8").splitlines()]


def test_each_line_carries_the_hash_of_the_one_before(trail):
    for i in range(5):
        audit.record("page_view", user="u", page=str(i))
    rows = lines(trail)
    assert rows[0]["prev"] == audit.GENESIS
    raw = (trail / audit.FILE_NAME).read_bytes().splitlines()
    assert [r["prev"] for r in rows[1:]] == [audit._line_hash(x) for x in raw[:-1]]
    assert audit.verify() == (True, 5, "")
    assert stat.S_IMODE((trail / audit.FILE_NAME).stat().st_mode) == 0o600


@pytest.mark.parametrize(("tamper", "line"), [("change", 3), ("delete", 2), ("insert", 3)])
def test_a_changed_removed_or_inserted_line_breaks_the_chain(trail, tamper, line):
    for i in range(4):
        audit.record("export", user="u", what=f"csv {i}")
    path = trail / audit.FILE_NAME
    raw = path.read_text("utf-8").splitlines()
    if tamper == "change":
        raw[1] = raw[1].replace("csv 1", "csv 9")
    elif tamper == "delete":
        del raw[1]
    else:
        raw.insert(2, raw[1])
    path.write_text("\n".join(raw) + "\n", "utf-8")
    intact, _checked, where = audit.verify()
    assert not intact and f"第 {line} 行" in where


def test_a_file_readable_by_others_is_closed_and_rotation_keeps_the_chain(trail, monkeypatch):
    trail.mkdir()
    (trail / audit.FILE_NAME).write_text("", "utf-8")
    os.chmod(trail / audit.FILE_NAME, 0o644)
    monkeypatch.setattr(audit, "MAX_BYTES", 400)
    for i in range(12):
        audit.record("page_view", user="u", page=f"页面 {i}")
    assert stat.S_IMODE((trail / audit.FILE_NAME).stat().st_mode) == 0o600
    assert len(audit.rotated_files()) >= 2
    assert audit.verify() == (True, 12, "")
    assert [r["page"] for r in audit.read()] == [f"页面 {i}" for i in reversed(range(12))]


def test_rotated_files_older_than_the_retention_are_deleted(trail, monkeypatch):
    monkeypatch.setattr(audit, "MAX_BYTES", 300)
    monkeypatch.setenv(audit.ENV_RETENTION, "30")
    for i in range(6):
        audit.record("page_view", user="u", page=str(i))
    old = audit.rotated_files()
    assert len(old) >= 2
    os.utime(old[0], (0, 0))  # 1970: far past 30 days
    for i in range(6):
        audit.record("page_view", user="u", page=str(i))
    assert old[0] not in audit.rotated_files()
    assert audit.verify()[0]


@pytest.mark.parametrize("value", ["0", "-3", "abc"])
def test_retention_nonsense_is_refused_in_chinese(monkeypatch, value):
    monkeypatch.setenv(audit.ENV_RETENTION, value)
    with pytest.raises(ValueError, match="正整数天数"):
        audit.retention_days()


def broken(kind: str, tmp_path: Path) -> Path:
    """An audit folder that cannot take a line: under a file (even root cannot create it), or
    whose file is /dev/full (every write fails with ENOSPC, as on a full disk)."""
    if kind == "unwritable":
        (tmp_path / "not_a_folder").write_text("")
        return tmp_path / "not_a_folder" / "audit"
    folder = tmp_path / "full"
    folder.mkdir()
    (folder / audit.FILE_NAME).symlink_to("/dev/full")
    return folder


@pytest.mark.parametrize("kind", ["unwritable", "full"])
def test_a_line_that_cannot_be_written_raises_and_is_reported(tmp_path, monkeypatch, kind):
    monkeypatch.setenv(audit.ENV_DIR, str(broken(kind, tmp_path)))
    with pytest.raises(audit.AuditError, match="审计日志无法写入"):
        audit.record("sign_in", user="u")
    assert audit.health() is not None
    monkeypatch.setenv(audit.ENV_DIR, str(tmp_path / "fine"))
    audit.record("sign_in", user="u")
    assert audit.health() is None


@pytest.fixture
def app_env(monkeypatch, tmp_path):
    from tests.dbs import sqlite_file

    monkeypatch.setenv("DASHBOARD_DB_URL", sqlite_file(tmp_path / "h.sqlite", hm.ROWS))
    monkeypatch.delenv("DASHBOARD_AUTH", raising=False)
    monkeypatch.setenv("DASHBOARD_USERS_FILE", str(accounts_file(tmp_path)))
    monkeypatch.setenv(audit.ENV_DIR, str(tmp_path / "audit"))
    return tmp_path


@pytest.mark.parametrize("kind", ["unwritable", "full"])
def test_sign_in_is_refused_when_the_trail_cannot_be_written(app_env, monkeypatch, kind):
    monkeypatch.setenv(audit.ENV_DIR, str(broken(kind, app_env)))
    at = sign_in(AppTest.from_file(str(APP), default_timeout=TIMEOUT_S).run(), "county_a")
    assert not at.exception
    assert "审计日志暂时无法写入" in texts(at.error)
    assert not at.metric and "s_auth_sid" not in at.session_state
    # A wrong password is refused the same way: no attempt goes unrecorded.
    at = sign_in(at, "county_a", "wrong")
    assert "审计日志暂时无法写入" in texts(at.error)
    # The administrator gets in, to the 审计日志 page only, which says what is wrong.
    at = sign_in(at, "admin")
    assert not at.exception
    assert "审计日志暂时无法写入" in texts(at.error) and not at.metric  # 总览 is refused
    at.switch_page(str(navigation.PAGES_DIR / "admin.py")).run()
    assert not at.exception, [e.message for e in at.exception]
    assert "审计日志无法写入" in texts(at.error)


def test_rows_name_session_and_what_was_drilled_into(app_env):
    at = sign_in(AppTest.from_file(str(APP), default_timeout=TIMEOUT_S).run(), "county_a")
    at.session_state[teams_state.S_TEAM] = "T2"
    at.switch_page(str(navigation.PAGES_DIR / navigation.VIEWS["teams"][0])).run()
    assert not at.exception, [e.message for e in at.exception]
    rows = lines(app_env / "audit")
    sign_ins = [r for r in rows if r["event"] == "sign_in"]
    assert sign_ins and sign_ins[0]["session"] and sign_ins[0]["method"] == "password"
    views = [r for r in rows if r["event"] == "page_view"]
    assert views and {r["session"] for r in views} == {sign_ins[0]["session"]}
    drills = [r for r in rows if r["event"] == "drill"]
    assert drills and drills[-1]["team"] == "T2" and drills[-1]["user"] == "county_a"
    assert audit.verify()[0]


def test_cli_rows_carry_the_os_account(trail, tmp_path):
    from dashboard import export
    from tests.dbs import sqlite_file

    url = sqlite_file(tmp_path / "h.sqlite", hm.ROWS)
    out = tmp_path / "report.json"
    assert export.main(["--db", url, "--period", "2026-Q1", "-o", str(out)]) == 0
    row = lines(trail)[-1]
    assert row["event"] == "export"
    assert row["os_user"] == pwd.getpwuid(os.getuid()).pw_name and row["pid"]


def test_cli_export_is_refused_when_the_trail_cannot_be_written(tmp_path, monkeypatch, capsys):
    from dashboard import export
    from tests.dbs import sqlite_file

    monkeypatch.setenv(audit.ENV_DIR, str(broken("full", tmp_path)))
    url = sqlite_file(tmp_path / "h.sqlite", hm.ROWS)
    out = tmp_path / "report.json"
    assert export.main(["--db", url, "--period", "2026-Q1", "-o", str(out)]) == 5
    assert not out.exists()
    assert "审计日志无法写入" in capsys.readouterr().err


def test_users_see_no_error_details_links_or_table_downloads():
    import tomllib

    config = tomllib.loads((Path(APP).parents[1] / ".streamlit" / "config.toml").read_text())
    client = config["client"]
    assert client["showErrorDetails"] == "none" and client["showErrorLinks"] is False
    assert client["disableDataExport"] is True  # the toolbar's CSV: neither audited nor safe


def test_every_fragment_checks_the_session():
    """A fragment reruns alone: only signin.fragment asks whether its session still holds."""
    pages = Path(APP).parents[1] / "pages"
    found = [p.name for p in pages.glob("*.py") if "st.fragment" in p.read_text("utf-8")]
    assert found == []
