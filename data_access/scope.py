"""The area a figure covers: everything, one county, or some townships (of one county)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.sql import ColumnElement, Select

from data_access.relations import Db
from data_access.schema import county, township, village

# Code lengths of the statistical division code (统计用区划代码) per level.
COUNTY_CODE_LEN = 6
TOWNSHIP_CODE_LEN = 9


class UnknownArea(ValueError):
    """A county or township code that the database does not know (or that lies elsewhere)."""

    def __init__(self, level: str, code: str, detail: str = ""):
        self.level, self.code = level, code
        super().__init__(f"unknown {level} code {code!r}{detail}")


@dataclass(frozen=True)
class Scope:
    """County and township filter; empty means the whole database."""

    county_code: str | None = None
    township_codes: tuple[str, ...] = ()

    @property
    def is_all(self) -> bool:
        return self.county_code is None and not self.township_codes

    def township_condition(self, township_col) -> ColumnElement | None:
        """A condition on a township_code column, or None when no filter applies."""
        if self.township_codes:
            return township_col.in_(self.township_codes)
        if self.county_code is not None:
            return township_col.in_(
                sa.select(township.c.township_code).where(
                    township.c.county_code == self.county_code
                )
            )
        return None

    def village_condition(self, village_col) -> ColumnElement | None:
        """A condition on a village_code column, or None when no filter applies."""
        if self.is_all:
            return None
        villages = sa.select(village.c.village_code).where(
            self.township_condition(village.c.township_code)
        )
        return village_col.in_(villages)

    def mask(self, df: pd.DataFrame) -> pd.Series:
        """The rows of `df` inside the scope, as township_condition/village_condition select
        them: `township_code` is the village's township, `county_code` that township's county
        in `township` (None where the township is unknown)."""
        if self.township_codes:
            return df["township_code"].isin(self.township_codes)
        if self.county_code is not None:
            return df["county_code"] == self.county_code
        return pd.Series(True, index=df.index)

    def code_mask(self, area_codes: pd.Series) -> pd.Series:
        """Village- or township-level area codes inside the scope, as area_code_condition
        selects them (codes nest by prefix), as a mask."""
        if self.township_codes:
            return area_codes.str[:TOWNSHIP_CODE_LEN].isin(self.township_codes)
        if self.county_code is not None:
            return area_codes.str[:COUNTY_CODE_LEN] == self.county_code
        return pd.Series(True, index=area_codes.index)

    def area_code_condition(self, area_code_col, area_level_col) -> ColumnElement | None:
        """A condition on indicator_value rows (codes nest by prefix per the contract).

        With townships in scope, county-level rows cannot be split and are left out.
        """
        if self.township_codes:
            return sa.and_(
                area_level_col.in_(("village", "township")),
                sa.func.substr(area_code_col, 1, TOWNSHIP_CODE_LEN).in_(self.township_codes),
            )
        if self.county_code is not None:
            return sa.func.substr(area_code_col, 1, COUNTY_CODE_LEN) == self.county_code
        return None


def where(select: Select, *conditions: ColumnElement | None) -> Select:
    """Apply the conditions that are not None."""
    real = [c for c in conditions if c is not None]
    return select.where(*real) if real else select


def resolve_scope(
    engine: Db, county_code: str | None = None, township_codes: tuple[str, ...] | list = ()
) -> Scope:
    """Check the codes against the database; infer the county from the townships if not given.

    Raises UnknownArea for a code that does not exist or a township outside the county.
    """
    county_code = (county_code or "").strip() or None
    codes = tuple(dict.fromkeys(c.strip() for c in township_codes if c and c.strip()))
    with engine.connect() as conn:
        if county_code is not None:
            found = conn.execute(
                sa.select(county.c.county_code).where(county.c.county_code == county_code)
            ).first()
            if found is None:
                raise UnknownArea("county", county_code)
        if codes:
            rows = conn.execute(
                sa.select(township.c.township_code, township.c.county_code).where(
                    township.c.township_code.in_(codes)
                )
            ).all()
            owners = dict(rows)
            for code in codes:
                if code not in owners:
                    raise UnknownArea("township", code)
            counties = set(owners.values())
            if county_code is None and len(counties) == 1:
                county_code = counties.pop()
            elif county_code is not None:
                for code in codes:
                    if owners[code] != county_code:
                        raise UnknownArea("township", code, f" in county {county_code!r}")
            else:
                raise UnknownArea("township", ",".join(codes), " (townships of several counties)")
    return Scope(county_code, codes)
