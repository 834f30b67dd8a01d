"""Every download writes an audit row naming the user who clicked: the 团队工作量 Excel and CSV,
the 县区排名 Excel and the 审计日志 CSV (the 周报 files: tests/test_security_scope.py).

Streamlit builds a deferred download (data given as a callable) in another thread, without the
session, when the browser asks for it; the test catches the callables a page registers and runs
each the same way. A download built without audit.deferred is recorded without its user, and
one that reads the session there (e.g. a cached query) fails in the browser.
"""

from __future__ import annotations

import threading

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from dashboard import navigation
from tests import handmade as hm
from tests.test_security_scope import db_url, env, events, signed_in  # noqa: F401 (fixtures)


@pytest.fixture
def downloads(monkeypatch) -> dict:
    """file name → the callable a download button registered (the latest run's)."""
    caught: dict = {}
    original = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        caught[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return caught


def click(build) -> bytes:
    """Build a download as Streamlit does on a click: in a thread of its own."""
    built, failed = [], []

    def run() -> None:
        try:
            built.append(build())
        except Exception as exc:  # as the browser's download fails
            failed.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    assert not failed, failed
    assert built[0]
    return built[0]


def ignore_clicks(at) -> list[bool]:
    """Per download button of the run: whether a click leaves the page as it is (no rerun)."""
    return [b.proto.ignore_rerun for b in at.get("download_button")]


def exports(folder) -> list[tuple]:
    return [
        (r["user"], r.get("scope"), r["what"]) for r in events(folder) if r["event"] == "export"
    ]


def test_team_downloads_are_audited_as_the_user(env, downloads):  # noqa: F811
    at = signed_in("s_county", county=hm.A, period="2026-03")
    at.query_params["tab"] = "list"  # the 团队列表 tab holds the downloads
    at.switch_page(str(navigation.PAGES_DIR / navigation.VIEWS["teams"][0])).run()
    assert not at.exception, [e.message for e in at.exception]
    stem = "团队工作量_清河县_2026年3月"
    assert {f"{stem}.xlsx", f"{stem}.csv"} <= set(downloads)
    assert ignore_clicks(at) == [True, True]
    click(downloads[f"{stem}.xlsx"])
    click(downloads[f"{stem}.csv"])
    rows = exports(env)
    assert rows[0] == ("s_county", hm.A, "xlsx: 团队工作量")
    assert rows[1][:2] == ("s_county", hm.A) and rows[1][2].startswith("csv: 团队")
    assert len(rows) == 2


def test_rankings_download_is_audited_as_the_user(env, downloads):  # noqa: F811
    at = signed_in("s_west", county=hm.A, period="2026-02")
    at.switch_page(str(navigation.PAGES_DIR / navigation.VIEWS["rankings"][0])).run()
    assert not at.exception, [e.message for e in at.exception]
    assert ignore_clicks(at) == [True]
    click(downloads["县区排名_清河县_西镇_2026年2月.xlsx"])
    assert exports(env) == [
        ("s_west", f"{hm.A}/{hm.WEST}", "xlsx: 县区排名、清河县乡镇排名、计算方法")
    ]


def test_audit_log_download_is_audited_as_the_admin(env, downloads):  # noqa: F811
    at = signed_in("s_admin")
    at.switch_page(str(navigation.PAGES_DIR / "admin.py")).run()
    assert not at.exception, [e.message for e in at.exception]
    assert ignore_clicks(at) == [True]  # a click does not rerun the page
    click(downloads["审计日志.csv"])
    rows = exports(env)
    assert len(rows) == 1
    assert (
        rows[0][0] == "s_admin"
        and rows[0][2] == "csv: 时间、事件、用户、会话、页面、范围、期间、方式"
    )


@pytest.mark.parametrize("change", ["removed", "expired", "signed_out"])
def test_download_is_refused_after_the_session_ends(env, downloads, change):  # noqa: F811
    from dashboard import audit, websession

    at = signed_in("s_county", county=hm.A, period="2026-03")
    at.query_params["tab"] = "list"
    at.switch_page(str(navigation.PAGES_DIR / navigation.VIEWS["teams"][0])).run()
    build = downloads["团队工作量_清河县_2026年3月.csv"]
    sid = at.session_state["s_auth_sid"]
    if change == "removed":
        users = env / "users.toml"
        users.write_text(users.read_text("utf-8").replace("[users.s_county]", "[users.x]"), "utf-8")
    elif change == "expired":
        websession.touch(sid, now=0.0)
    else:
        websession.end(sid, "sign_out")
    failed = []
    worker = threading.Thread(target=lambda: _try(build, failed))
    worker.start()
    worker.join()
    assert failed and isinstance(failed[0], audit.SessionEnded)
    assert exports(env) == []
    refused = [r for r in events(env) if r["event"] == "export_refused"]
    assert refused and refused[0]["user"] == "s_county"


def _try(build, failed: list) -> None:
    try:
        build()
    except Exception as exc:
        failed.append(exc)
