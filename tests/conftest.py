"""Run-wide hooks (one loud line for a database server the tests could not reach) and the
fixtures the browser tests share: Chromium, the demo database, a server with a page; and the
hand-made database as a SQLite file (`handmade_sqlite`), for tests of one module."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile

import pytest

from dashboard import audit, state_db
from tests import dbs, handmade
from tests.browser import (
    CHROMIUM,
    DemoDb,
    browser_page,
    demo_db,
    streamlit_server,
    wait_until_served,
)

# The audit trail of app runs in tests goes to a scratch folder, not the checkout's data/.
os.environ.setdefault("DASHBOARD_AUDIT_DIR", tempfile.mkdtemp(prefix="yfrh_audit_"))
# Session rows and lockout counters (dashboard/websession.py) likewise.
os.environ.setdefault("DASHBOARD_AUTH_DIR", tempfile.mkdtemp(prefix="yfrh_auth_"))
# The own database (督办事项, 解读): never the checkout's data/ folder during tests.
os.environ.setdefault(
    "DASHBOARD_STATE_DB", os.path.join(tempfile.mkdtemp(prefix="yfrh_state_"), "state.sqlite")
)
# Tests run the app on hand-made databases: sign-in is switched off explicitly, as an
# administrator would; tests/test_auth.py removes the switch to test the sign-in itself.
os.environ.setdefault("DASHBOARD_AUTH", "off")
# Analytics stores of app runs go to a scratch folder too.
os.environ.setdefault("DASHBOARD_STORE_DIR", tempfile.mkdtemp(prefix="yfrh_store_"))


@pytest.fixture(autouse=True)
def _store_per_test(tmp_path, monkeypatch):
    """A store folder per test: the server databases are reloaded with other rows under the
    same URL and extract time, which a deployment never does, so no test reads another's."""
    monkeypatch.setenv("DASHBOARD_STORE_DIR", str(tmp_path / "store"))


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    for dialect, message in sorted(dbs.UNREACHABLE.items()):
        terminalreporter.write_line(
            f"!!! {dialect}: its tests did not run — {message}", red=True, bold=True
        )


# --- browser tests ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def handmade_sqlite(tmp_path_factory):
    """An engine over tests/handmade.py's rows in a SQLite file of the test module's own."""
    import sqlalchemy as sa

    eng = sa.create_engine(dbs.sqlite_file(tmp_path_factory.mktemp("handmade") / "hm.sqlite",
                                           handmade.ROWS))  # fmt: skip
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's Chromium: skipped where it is missing, a failure in CI (.ci/run installs it)."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("chromium missing: .ci/run installs it", pytrace=False)
        pytest.skip("chromium not installed")
    pytest.importorskip("playwright.sync_api")
    return CHROMIUM


@pytest.fixture(scope="session")
def demo(chromium, tmp_path_factory) -> DemoDb:
    """The demo database of the browser tests (scale demo, seed 7), generated once a run and
    only read (every server builds its own analytics store of it)."""
    return demo_db(tmp_path_factory.mktemp("browser_demo"))


@pytest.fixture(scope="module")
def open_app(chromium):
    """open_app(db_url, size) → (base URL, page): a Streamlit server on the database (None:
    no server), already serving its analytics store, and a Chromium page of `size` (None: no
    page), both closed when the module's tests end."""
    with contextlib.ExitStack() as stack:

        def open_(db_url: str | None, size: tuple[int, int] | None = (1440, 900)):
            base = stack.enter_context(streamlit_server(db_url)) if db_url else None
            page = stack.enter_context(browser_page(*size)) if size else None
            if base is not None:
                with browser_page() if page is None else contextlib.nullcontext(page) as first:
                    wait_until_served(first, base)
            return base, page

        yield open_


@pytest.fixture(scope="module")
def demo_app(demo, open_app):
    """(base URL, page) of a server on the demo database, for the module."""
    return open_app(demo.url)


@pytest.fixture
def own(tmp_path, monkeypatch):
    """A fresh own database (督办与解读, dashboard.state_db) and audit folder per test."""
    monkeypatch.setenv(state_db.ENV_URL, str(tmp_path / "state" / "own.sqlite"))
    monkeypatch.setenv(audit.ENV_DIR, str(tmp_path / "audit"))
    state_db.reset_for_tests()
    audit.set_actor("王局长")
    yield tmp_path
    state_db.reset_for_tests()
    audit.set_actor(None)
