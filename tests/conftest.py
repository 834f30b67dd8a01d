"""Run-wide hooks: one loud line for a database server the tests could not reach."""

from __future__ import annotations

from tests import dbs


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    for dialect, message in sorted(dbs.UNREACHABLE.items()):
        terminalreporter.write_line(
            f"!!! {dialect}: its tests did not run — {message}", red=True, bold=True
        )
