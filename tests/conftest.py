"""Run-wide hooks: one loud line for a database server the tests could not reach."""

from __future__ import annotations

import os
import tempfile

import pytest

from tests import dbs

# The audit trail of app runs in tests goes to a scratch folder, not the checkout's data/.
os.environ.setdefault("DASHBOARD_AUDIT_DIR", tempfile.mkdtemp(prefix="yfrh_audit_"))
# Session rows and lockout counters (dashboard/websession.py) likewise.
os.environ.setdefault("DASHBOARD_AUTH_DIR", tempfile.mkdtemp(prefix="yfrh_auth_"))
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
