"""Months with data: every fact table counts, including months only chronic_status has."""

import copy

import pytest

from data_access import meta
from tests import handmade as hm
from tests.dbs import dialect_params, loaded_database
from tests.handmade import chronic_row


@pytest.mark.parametrize("dialect", dialect_params())
def test_months_only_in_chronic_status_count(dialect, tmp_path):
    rows = copy.deepcopy(hm.ROWS)
    # 2026-06 exists only in chronic_status, past a gap (2026-04/05 have no data anywhere).
    rows["chronic_status"].append(chronic_row("2026-06", "p9", hm.V1, "diabetes", "red", "county"))
    with loaded_database(dialect, rows, tmp_path) as engine:
        months = meta.data_months(engine)
    assert months == ["2025-12", "2026-01", "2026-02", "2026-03", "2026-06"]
