"""The contract check names what a database lacks."""

import pytest
import sqlalchemy as sa

from data_access.engine import create_readonly_engine
from data_access.schema import check_schema
from tests import handmade as hm
from tests.dbs import dialect_params, loaded_database, urls_for, write_rows


@pytest.mark.parametrize("dialect", dialect_params())
def test_conforming_database(dialect, tmp_path):
    with loaded_database(dialect, hm.ROWS, tmp_path) as engine:
        report = check_schema(engine)
    assert report.ok, report.describe()
    assert report.describe() == "schema conforms to the data contract"


def test_missing_table_and_column_are_named(tmp_path):
    writer_url, reader_url = urls_for("sqlite", tmp_path)
    writer = sa.create_engine(writer_url)
    write_rows(writer, hm.ROWS)
    with writer.begin() as conn:
        conn.exec_driver_sql("DROP TABLE sample_check")
        conn.exec_driver_sql("ALTER TABLE village DROP COLUMN key_population")
    writer.dispose()
    engine = create_readonly_engine(reader_url)
    report = check_schema(engine)
    engine.dispose()
    assert not report.ok
    assert report.missing_tables == ("sample_check",)
    assert report.missing_columns == (("village", "key_population"),)
    assert "sample_check" in report.describe() and "village.key_population" in report.describe()
