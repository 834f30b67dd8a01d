"""What the database says about itself: data_meta, and which months have data."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from data_access import names
from data_access.chronic import has_rows
from data_access.memo import per_extract
from data_access.periods import Period
from data_access.relations import Db, Store, chronic_rows, data_month
from data_access.schema import data_meta, indicator_value, team_service
from data_access.scope import Scope


@dataclass(frozen=True)
class DataInfo:
    """Freshness and provenance of the extract."""

    extracted_at: str | None
    source: str | None
    demo: bool
    values: dict


def data_info(engine: Db) -> DataInfo:
    """The data_meta table as a DataInfo (missing keys are None)."""
    with engine.connect() as conn:
        values = dict(conn.execute(sa.select(data_meta.c.meta_key, data_meta.c.meta_value)).all())
    demo = str(values.get("demo", "")).strip().lower() in ("true", "1", "yes")
    # The source line is shown on every header and slide: cleaned as a name is.
    source = values.get("source")
    return DataInfo(
        values.get("extracted_at"), names.clean(source) if source else source, demo, values
    )


@per_extract
def data_months(engine: Db) -> list[str]:
    """Months (YYYY-MM) with rows in any fact table, oldest first."""
    if isinstance(engine, Store):
        with engine.connect() as conn:
            stored = [r[0] for r in conn.execute(sa.select(data_month.c.month))]
        if stored:  # none while the store is being built: work them out below
            return sorted(stored)
    return months_with_rows(engine)


def months_with_rows(engine: Db) -> list[str]:
    """data_months worked out from the fact tables."""
    small = sa.union(
        sa.select(indicator_value.c.month).distinct(),
        sa.select(team_service.c.month).distinct(),
    )
    # Two scalar subqueries: SQLite answers a lone min() or max() from the index, not both.
    rows = chronic_rows(engine)
    chronic_month = rows.c.month
    bounds = sa.select(
        sa.select(sa.func.min(chronic_month)).scalar_subquery(),
        sa.select(sa.func.max(chronic_month)).scalar_subquery(),
    )
    with engine.connect() as conn:
        months = {row[0] for row in conn.execute(small) if row[0]}
        first, last = conn.execute(bounds).one()
        # DISTINCT over millions of chronic rows is a full scan on row stores; min/max come
        # from the month index, and each month not yet known costs one cheap probe.
        if first and last:
            month = Period.parse(first)
            while month.key <= last:
                if month.key not in months and has_rows(conn, rows, month.key, Scope(), None):
                    months.add(month.key)
                month = month.next()
    return sorted(months)
