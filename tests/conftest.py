"""Run-wide hooks: one loud line for a database server the tests could not reach."""

from __future__ import annotations

import os
import tempfile

from tests import dbs

# The audit trail of app runs in tests goes to a scratch folder, not the checkout's data/.
os.environ.setdefault("DASHBOARD_AUDIT_DIR", tempfile.mkdtemp(prefix="yfrh_audit_"))
# Tests run the app on hand-made databases: sign-in is switched off explicitly, as an
# administrator would; tests/test_auth.py removes the switch to test the sign-in itself.
os.environ.setdefault("DASHBOARD_AUTH", "off")


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    for dialect, message in sorted(dbs.UNREACHABLE.items()):
        terminalreporter.write_line(
            f"!!! {dialect}: its tests did not run — {message}", red=True, bold=True
        )
