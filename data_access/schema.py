"""The tables of DATA_CONTRACT.md as SQLAlchemy Core, and a check of a live database against them."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy.engine import Engine

metadata = sa.MetaData()

# Lengths matter only where a writer creates the tables (MySQL needs them); the
# dashboard reads whatever lengths a deployment chose.
CODE = sa.String(12)
ID = sa.String(64)
NAME = sa.String(128)
ENUM = sa.String(32)
MONTH = sa.String(7)
# A village outline is a few KB of GeoJSON; MySQL's TEXT stops at 64 KB.
GEOJSON = sa.Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")

county = sa.Table(
    "county",
    metadata,
    sa.Column("county_code", sa.String(6), primary_key=True),
    sa.Column("name", NAME, nullable=False),
    sa.Column("prefecture", NAME),
)

township = sa.Table(
    "township",
    metadata,
    sa.Column("township_code", sa.String(9), primary_key=True),
    sa.Column("county_code", sa.String(6), sa.ForeignKey("county.county_code"), nullable=False),
    sa.Column("name", NAME, nullable=False),
    sa.Column("health_center", NAME),
)

village = sa.Table(
    "village",
    metadata,
    sa.Column("village_code", CODE, primary_key=True),
    sa.Column(
        "township_code", sa.String(9), sa.ForeignKey("township.township_code"), nullable=False
    ),
    sa.Column("name", NAME, nullable=False),
    sa.Column("village_class", sa.SmallInteger, nullable=False),
    sa.Column("population", sa.Integer),
    sa.Column("key_population", sa.Integer),
    sa.Column("area_km2", sa.Double),
    sa.Column("distance_km", sa.Double),
    sa.Column("road", ENUM),
    sa.Column("lon", sa.Double),
    sa.Column("lat", sa.Double),
)

village_boundary = sa.Table(
    "village_boundary",
    metadata,
    sa.Column("village_code", CODE, sa.ForeignKey("village.village_code"), primary_key=True),
    sa.Column("geojson", GEOJSON, nullable=False),
)

team = sa.Table(
    "team",
    metadata,
    sa.Column("team_id", ID, primary_key=True),
    sa.Column(
        "township_code", sa.String(9), sa.ForeignKey("township.township_code"), nullable=False
    ),
    sa.Column("name", NAME, nullable=False),
    sa.Column("leader", NAME),
)

team_member = sa.Table(
    "team_member",
    metadata,
    sa.Column("member_id", ID, primary_key=True),
    sa.Column("team_id", ID, sa.ForeignKey("team.team_id"), nullable=False),
    sa.Column("name", NAME),
    sa.Column("level", ENUM, nullable=False),
    sa.Column("role", NAME),
)

team_village = sa.Table(
    "team_village",
    metadata,
    sa.Column("team_id", ID, sa.ForeignKey("team.team_id"), primary_key=True),
    sa.Column("village_code", CODE, sa.ForeignKey("village.village_code"), primary_key=True),
)

service_type = sa.Table(
    "service_type",
    metadata,
    sa.Column("service_type", ENUM, primary_key=True),
    sa.Column("name", NAME, nullable=False),
    sa.Column("points", sa.Double, nullable=False),
)

team_service = sa.Table(
    "team_service",
    metadata,
    sa.Column("team_id", ID, sa.ForeignKey("team.team_id"), nullable=False),
    sa.Column("month", MONTH, nullable=False),
    sa.Column("service_type", ENUM, sa.ForeignKey("service_type.service_type"), nullable=False),
    sa.Column("member_level", ENUM, nullable=False),
    sa.Column("services", sa.Integer, nullable=False),
)

sample_check = sa.Table(
    "sample_check",
    metadata,
    sa.Column("team_id", ID, sa.ForeignKey("team.team_id"), primary_key=True),
    sa.Column("month", MONTH, primary_key=True),
    sa.Column("checked", sa.Integer, nullable=False),
    sa.Column("passed", sa.Integer, nullable=False),
)

chronic_status = sa.Table(
    "chronic_status",
    metadata,
    sa.Column("month", MONTH, nullable=False),
    sa.Column("patient_id", ID, nullable=False),
    sa.Column("village_code", CODE, nullable=False),
    sa.Column("disease", ENUM, nullable=False),
    sa.Column("color", ENUM, nullable=False),
    sa.Column("managed_level", ENUM, nullable=False),
)

indicator = sa.Table(
    "indicator",
    metadata,
    sa.Column("indicator_code", ID, primary_key=True),
    sa.Column("name", NAME, nullable=False),
    sa.Column("unit", ENUM),
    sa.Column("higher_is_better", sa.Boolean, nullable=False),
    sa.Column("period_agg", ENUM, nullable=False),
    sa.Column("target", sa.Double),
    sa.Column("weight", sa.Double, nullable=False),
)

indicator_value = sa.Table(
    "indicator_value",
    metadata,
    sa.Column("indicator_code", ID, sa.ForeignKey("indicator.indicator_code"), nullable=False),
    sa.Column("area_level", ENUM, nullable=False),
    sa.Column("area_code", CODE, nullable=False),
    sa.Column("month", MONTH, nullable=False),
    sa.Column("numerator", sa.Double),
    sa.Column("denominator", sa.Double),
)

village_funding = sa.Table(
    "village_funding",
    metadata,
    sa.Column("village_code", CODE, sa.ForeignKey("village.village_code"), primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("amount", sa.Double),
)

data_meta = sa.Table(
    "data_meta",
    metadata,
    sa.Column("meta_key", sa.String(64), primary_key=True),
    sa.Column("meta_value", sa.String(255)),
)

# Indexes a writer may create on row-store databases (SQLite, PostgreSQL, MySQL).
# DuckDB scans with zone maps instead, so the demo writer skips them there.
FACT_INDEXES = (
    sa.Index(
        "ix_chronic_status_month_village", chronic_status.c.month, chronic_status.c.village_code
    ),
    sa.Index("ix_team_service_team_month", team_service.c.team_id, team_service.c.month),
    sa.Index(
        "ix_indicator_value_code_month",
        indicator_value.c.indicator_code,
        indicator_value.c.month,
        indicator_value.c.area_level,
    ),
)


@dataclass(frozen=True)
class SchemaReport:
    """What a database lacks against the contract; empty lists mean it conforms."""

    missing_tables: tuple[str, ...]
    missing_columns: tuple[tuple[str, str], ...]  # (table, column)

    @property
    def ok(self) -> bool:
        return not self.missing_tables and not self.missing_columns

    def describe(self) -> str:
        """One English line naming what is missing (for logs and the CLI)."""
        parts = []
        if self.missing_tables:
            parts.append("missing tables: " + ", ".join(self.missing_tables))
        if self.missing_columns:
            parts.append(
                "missing columns: " + ", ".join(f"{t}.{c}" for t, c in self.missing_columns)
            )
        return "; ".join(parts) or "schema conforms to the data contract"


def check_schema(engine: Engine) -> SchemaReport:
    """Compare the live database with the contract's tables and columns (extra ones are fine)."""
    present = {name.lower() for name in sa.inspect(engine).get_table_names()}
    missing_tables = []
    missing_columns = []
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            if table.name not in present:
                missing_tables.append(table.name)
                continue
            # The cursor description of an empty SELECT works on every dialect, where the
            # inspector's get_columns does not (duckdb-engine queries pg_catalog tables).
            probe = sa.select(sa.text("*")).select_from(sa.table(table.name)).where(sa.false())
            columns = {name.lower() for name in conn.execute(probe).keys()}
            missing_columns.extend(
                (table.name, col.name) for col in table.columns if col.name not in columns
            )
    return SchemaReport(tuple(missing_tables), tuple(missing_columns))
