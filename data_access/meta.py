"""What the database says about itself: data_meta, and which months have data."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access.schema import chronic_status, data_meta, indicator_value, team_service


@dataclass(frozen=True)
class DataInfo:
    """Freshness and provenance of the extract."""

    extracted_at: str | None
    source: str | None
    demo: bool
    values: dict


def data_info(engine: Engine) -> DataInfo:
    """The data_meta table as a DataInfo (missing keys are None)."""
    with engine.connect() as conn:
        values = dict(conn.execute(sa.select(data_meta.c.meta_key, data_meta.c.meta_value)).all())
    demo = str(values.get("demo", "")).strip().lower() in ("true", "1", "yes")
    return DataInfo(values.get("extracted_at"), values.get("source"), demo, values)


def data_months(engine: Engine) -> list[str]:
    """Months (YYYY-MM) with rows in any fact table, oldest first."""
    # Small tables are scanned whole; the large chronic_status only for its distinct months.
    query = sa.union(
        sa.select(indicator_value.c.month).distinct(),
        sa.select(team_service.c.month).distinct(),
        sa.select(chronic_status.c.month).distinct(),
    )
    with engine.connect() as conn:
        months = {row[0] for row in conn.execute(query) if row[0]}
    return sorted(months)
