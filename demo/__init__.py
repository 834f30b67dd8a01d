"""The demo-database writer: deterministic fictional data for every table of DATA_CONTRACT.md.

Kept apart from the read path: the dashboard never imports this package to answer a query.
"""

from demo.generator import build_database, build_demo_file
from demo.scales import SCALES

__all__ = ["SCALES", "build_database", "build_demo_file"]
