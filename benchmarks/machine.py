"""The machine a benchmark ran on, and how fast it was running at the time.

This VM's speed drifts: the same view model took 47 ms and 94 ms an hour apart with nothing
else running. `reference_ms` times a fixed workload (Python loops, a pandas groupby, a DuckDB
aggregate: what a view model does) so that a table can say how fast the machine was; compare
figures taken at different reference times in proportion, not as they are.
"""

from __future__ import annotations

import os
import platform
import statistics
import time

import duckdb
import numpy as np
import pandas as pd

_ROWS = 200_000


def _workload(frame: pd.DataFrame, con) -> None:
    sum(i * i for i in range(200_000))
    frame.groupby("key")["value"].sum()
    con.execute(
        "SELECT k % 97, sum(v) FROM range(2000000) t(k), (SELECT 1 AS v) GROUP BY 1"
    ).fetchall()


def reference_ms(repeat: int = 5) -> float:
    """Median milliseconds of the fixed workload (lower: a faster machine right now)."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"key": rng.integers(0, 2_000, _ROWS), "value": rng.random(_ROWS)})
    con = duckdb.connect(config={"threads": 1})
    _workload(frame, con)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        _workload(frame, con)
        times.append(time.perf_counter() - start)
    con.close()
    return 1000 * statistics.median(times)


def describe() -> str:
    """One line: platform, CPUs, Python, load average and the reference time."""
    return (
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, load {os.getloadavg()[0]:.1f}, "
        f"reference workload {reference_ms():.0f} ms"
    )
