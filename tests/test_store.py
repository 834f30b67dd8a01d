"""The analytics store: every view model read from it equals the one read from the source,
on all four dialects, also after a refresh that adds a month; it is rebuilt when the
extract changes and reused when it does not; a failed refresh leaves the old one serving.

The hand-made database (tests/handmade.py) gets moves the store must count like the source's
pairing of rows: p7 moves 东镇 → 西镇 (inside county A), p8 moves from county B into 东镇,
p9 lives in a village missing from `village`, and 西镇 has no rows at 2026-03 for diabetes
while 东镇 has, so a scope's period end and previous end differ from township to township.
"""

from __future__ import annotations

import copy
import json

import pytest
import sqlalchemy as sa

from data_access import meta, store, store_build, store_keeper
from data_access.chronic_flows import transition_flows
from data_access.periods import Period, periods_with_data
from data_access.relations import chronic_count, chronic_move
from data_access.scope import Scope
from data_access.store_build import build
from tests import handmade as hm
from tests.dbs import dialect_params, loaded_database, urls_for, write_rows
from views import chronic, grid_map, overview, rankings, teams
from views.common import window
from views.jsonable import jsonable

UNKNOWN_VILLAGE = "990101009009"


def rows_with_moves() -> dict:
    rows = copy.deepcopy(hm.ROWS)
    rows["chronic_status"] += [
        hm.chronic_row("2025-12", "p7", hm.V1, "hypertension", "green", "village"),
        hm.chronic_row("2026-03", "p7", hm.V3, "hypertension", "yellow", "township"),
        hm.chronic_row("2025-12", "p8", hm.V4, "diabetes", "yellow", "township"),
        hm.chronic_row("2026-01", "p8", hm.V4, "diabetes", "red", "county"),
        hm.chronic_row("2026-03", "p8", hm.V2, "diabetes", "red", "township"),
        hm.chronic_row("2025-12", "p9", UNKNOWN_VILLAGE, "hepatitis", "green", "village"),
        hm.chronic_row("2026-03", "p9", UNKNOWN_VILLAGE, "hepatitis", "red", "county"),
        hm.chronic_row("2026-01", "p10", hm.V3, "diabetes", "green", "village"),
    ]
    return rows


def same(a, b, path="") -> str | None:
    """Where two JSON-ready values differ (floats equal to 1e-9), or None."""
    if isinstance(a, float) and isinstance(b, float | int):
        return None if abs(a - b) <= 1e-9 * max(1.0, abs(a)) else f"{path}: {a!r} ≠ {b!r}"
    if type(a) is not type(b):
        return f"{path}: {a!r} ≠ {b!r}"
    if isinstance(a, dict):
        if a.keys() != b.keys():
            return f"{path}: keys {sorted(a)} ≠ {sorted(b)}"
        return next((d for k in a if (d := same(a[k], b[k], f"{path}.{k}"))), None)
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items ≠ {len(b)}"
        return next(
            (
                d
                for i, (x, y) in enumerate(zip(a, b, strict=True))
                if (d := same(x, y, f"{path}[{i}]"))
            ),
            None,
        )
    return None if a == b else f"{path}: {a!r} ≠ {b!r}"


SCOPES = [Scope(), Scope(hm.A), Scope(hm.A, (hm.EAST,)), Scope(hm.A, (hm.WEST,))]


# The chronic view in every period (its transitions differ by period and scope); the other
# views, which read copied tables, in one period with the scopes that differ.
OTHER_VIEWS = {"2026-Q1": (Scope(hm.A), Scope(hm.A, (hm.WEST,)))}


def models(engine, scope: Scope, w, others: bool):
    yield "chronic", chronic.build(engine, scope, w)
    yield "chronic/diabetes", chronic.build(engine, scope, w, "diabetes")
    if others and scope in OTHER_VIEWS.get(w.period.full.key, ()):
        yield "chronic/hepatitis", chronic.build(engine, scope, w, "hepatitis")
        yield "overview", overview.build(engine, scope, w)
        yield "map", grid_map.build(engine, scope, w)
        yield "teams", teams.build(engine, scope, w)
        yield "rankings", rankings.build(engine, scope, w)


def assert_store_equals_source(source, built, periods=None, scopes=SCOPES, others=True):
    months = meta.data_months(source)
    assert meta.data_months(built) == months
    if periods is None:
        periods = [p for k in ("month", "quarter", "year") for p in periods_with_data(months, k)]
        periods.append(Period.parse("2026-02"))  # a month without chronic rows
    checked = 0
    for scope in scopes:
        for period in periods:
            w = window(period, months)
            for (name, direct), (_, stored) in zip(
                models(source, scope, w, others), models(built, scope, w, others), strict=True
            ):
                diff = same(jsonable(direct), jsonable(stored))
                assert diff is None, f"{name} {scope} {period.key}: {diff}"
                checked += 1
    return checked


@pytest.fixture(params=dialect_params())
def dialect(request):
    return request.param


def test_every_view_model_from_the_store_equals_the_source(dialect, tmp_path):
    with loaded_database(dialect, rows_with_moves(), tmp_path) as source:
        path = build(source, str(source.url), tmp_path / "store.duckdb")
        built = store.open_store(path)
        try:
            assert assert_store_equals_source(source, built) > 4 * 9 * 2
        finally:
            built.dispose()


def test_the_store_counts_moves_across_the_scope_edge_as_the_source_does(tmp_path):
    """Worked by hand for 东镇 2025-12 → 2026-03, hypertension and diabetes:
    p1 高血压 green→red, p1 糖尿病 green→green, p2 高血压 red→yellow (V2), p7 高血压 green at
    the start then in 西镇 (退出 for 东镇), p8 糖尿病 arrives from county B (新纳入)."""
    with loaded_database("duckdb", rows_with_moves(), tmp_path) as source:
        built = store.open_store(build(source, "x", tmp_path / "store.duckdb"))
        east = Scope(hm.A, (hm.EAST,))
        for engine in (source, built):
            flows = transition_flows(engine, east, "2025-12", "2026-03")
            got = {
                (r.disease, r.from_color, r.to_color): r.patients
                for r in flows.itertuples(index=False)
            }
            assert got == {
                ("diabetes", "green", "green"): 1,
                ("diabetes", None, "red"): 1,
                ("hypertension", "green", "red"): 1,
                ("hypertension", "red", "yellow"): 1,
                ("hypertension", "green", None): 1,
            }
        # Over the whole database p9 (a village not in `village`) pairs too, as on the source.
        whole = transition_flows(built, Scope(), "2025-12", "2026-03", "hepatitis")
        assert whole.to_dict("records") == [
            {"disease": "hepatitis", "from_color": "green", "to_color": "red", "patients": 1}
        ]
        built.dispose()


def test_the_store_holds_no_patient_identifiers(tmp_path):
    with loaded_database("duckdb", rows_with_moves(), tmp_path) as source:
        path = build(source, "x", tmp_path / "store.duckdb")
    built = store.open_store(path)
    with built.connect() as conn:
        tables = conn.execute(
            sa.text("SELECT table_name, column_name FROM information_schema.columns")
        ).all()
        assert "chronic_status" not in {t for t, _ in tables}
        assert not [c for _, c in tables if "patient" in c]
        dump = json.dumps(
            [
                [list(r) for r in conn.execute(sa.select(t)).all()]
                for t in (chronic_count, chronic_move)
            ]
        )
    assert not any(f'"{p}"' in dump for p in ("p1", "p2", "p7", "p8", "p9"))
    assert not list(tmp_path.glob("*.staging*")) and not list(tmp_path.glob("*.building*"))
    built.dispose()


# --- keeping it current ----------------------------------------------------------------------


def _set_extract(writer_url: str, extracted_at: str, extra_rows: list[dict] = ()) -> None:
    writer = sa.create_engine(writer_url)
    with writer.begin() as conn:
        conn.execute(
            sa.text("UPDATE data_meta SET meta_value = :v WHERE meta_key = 'extracted_at'"),
            {"v": extracted_at},
        )
        if extra_rows:
            from data_access.schema import chronic_status

            conn.execute(chronic_status.insert(), list(extra_rows))
    writer.dispose()


def test_a_refresh_that_adds_a_month_gives_the_source_figures(dialect, tmp_path):
    with loaded_database(dialect, rows_with_moves(), tmp_path) as source:
        writer_url, _ = urls_for(dialect, tmp_path)
        keeper = store_keeper.StoreKeeper(source, "src", tmp_path / "stores", interval=3600)
        keeper.check()
        assert keeper.wait(60) and keeper.current is not None
        first = keeper.current
        april = [
            hm.chronic_row("2026-04", "p1", hm.V1, "hypertension", "yellow", "township"),
            hm.chronic_row("2026-04", "p3", hm.V3, "hypertension", "green", "village"),
            hm.chronic_row("2026-04", "p7", hm.V1, "hypertension", "red", "county"),
        ]
        source.dispose()  # DuckDB: a writer cannot open the file beside a reader of this process
        _set_extract(writer_url, "2026-05-02T08:00:00+08:00", april)
        keeper.check()
        assert keeper.wait(60) and keeper.error is None
        assert keeper.current.stamp.extracted_at == "2026-05-02T08:00:00+08:00"
        assert keeper.current.path != first.path and not first.path.exists()
        assert "2026-04" in meta.data_months(keeper.current.store)
        new = [Period.parse(p) for p in ("2026-04", "2026-Q2", "2026", "2026-Q1")]
        assert_store_equals_source(
            source, keeper.current.store, new, [Scope(), Scope(hm.A, (hm.EAST,))], others=False
        )
        keeper.current.store.dispose()


def test_the_store_is_reused_while_the_extract_is_unchanged_and_after_a_restart(tmp_path):
    with loaded_database("duckdb", rows_with_moves(), tmp_path) as source:
        keeper = store_keeper.StoreKeeper(source, "src", tmp_path / "stores", interval=3600)
        keeper.check()
        keeper.wait(60)
        served = keeper.current
        keeper.check()
        assert keeper.builds == 1 and keeper.current is served
        restarted = store_keeper.StoreKeeper(source, "src", tmp_path / "stores", interval=3600)
        restarted.check()
        assert restarted.builds == 0 and restarted.current.path == served.path
        for k in (keeper, restarted):
            k.current.store.dispose()


def test_a_refresh_that_fails_half_way_leaves_the_previous_store_serving(tmp_path, monkeypatch):
    with loaded_database("duckdb", rows_with_moves(), tmp_path) as source:
        writer_url, _ = urls_for("duckdb", tmp_path)
        keeper = store_keeper.StoreKeeper(source, "src", tmp_path / "stores", interval=3600)
        keeper.check()
        keeper.wait(60)
        before = keeper.current
        march = chronic.build(
            before.store, Scope(hm.A), window(Period.parse("2026-Q1"), meta.data_months(source))
        )

        def fail_in_chronic(*args, **kwargs):
            raise RuntimeError("source connection lost")

        monkeypatch.setattr(store_build, "_chronic", fail_in_chronic)
        source.dispose()
        _set_extract(writer_url, "2026-05-02T08:00:00+08:00")
        keeper.check()
        assert keeper.wait(60)
        assert keeper.error == "source connection lost"
        assert keeper.current is before and before.path.exists()
        assert not list((tmp_path / "stores").glob("*.building*"))
        again = chronic.build(
            before.store, Scope(hm.A), window(Period.parse("2026-Q1"), meta.data_months(source))
        )
        assert same(jsonable(again), jsonable(march)) is None
        before.store.dispose()


def test_the_export_without_a_store_equals_the_store(tmp_path, capsys):
    """`python -m dashboard.export` reads the source directly; its JSON is the store's model."""
    from dashboard import export

    path = tmp_path / "src.duckdb"
    writer = sa.create_engine(f"duckdb:///{path}")
    write_rows(writer, rows_with_moves())
    writer.dispose()
    url = f"duckdb:///{path}"
    out = tmp_path / "chronic.json"
    assert (
        export.main(
            [
                "--db",
                url,
                "--county",
                hm.A,
                "--period",
                "2026-Q1",
                "--view",
                "chronic",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    from data_access.engine import create_readonly_engine

    source = create_readonly_engine(url)
    built = store.open_store(build(source, url, tmp_path / "store.duckdb"))
    w = window(Period.parse("2026-Q1"), meta.data_months(built))
    from_store = json.loads(json.dumps(jsonable(chronic.build(built, Scope(hm.A), w)), default=str))
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported.pop("view") == "chronic"
    assert same(exported, from_store) is None
    built.dispose()
    source.dispose()


# --- the build in a process of its own (as the app runs it) ---------------------------------


def test_a_build_in_a_child_process_gives_the_same_store(tmp_path):
    with loaded_database("duckdb", rows_with_moves(), tmp_path) as source:
        writer_url, _ = urls_for("duckdb", tmp_path)
        keeper = store_keeper.StoreKeeper(
            source, writer_url, tmp_path / "stores", interval=3600, isolated=True
        )
        seen = []
        keeper._progress = lambda f, m: seen.append(m)  # noqa: SLF001 — progress crosses over
        keeper.check()
        assert keeper.wait(120) and keeper.error is None and keeper.current is not None
        assert any("慢病" in m for m in seen) and seen[-1] == "分析库已就绪"
        periods = [Period.parse(p) for p in ("2026-Q1", "2026-03", "2026")]
        assert_store_equals_source(source, keeper.current.store, periods, others=False)
        keeper.current.store.dispose()


def test_a_build_in_a_child_process_that_fails_says_why(tmp_path):
    with loaded_database("duckdb", rows_with_moves(), tmp_path) as source:
        writer_url, _ = urls_for("duckdb", tmp_path)
        source.dispose()
        writer = sa.create_engine(writer_url)
        with writer.begin() as conn:
            conn.execute(sa.text("DROP TABLE chronic_status"))
        writer.dispose()
        folder = tmp_path / "stores"
        keeper = store_keeper.StoreKeeper(source, writer_url, folder, interval=3600, isolated=True)
        keeper.check()
        assert keeper.wait(120)
        assert keeper.current is None and "chronic_status" in (keeper.error or "")
        assert not list(folder.glob("*.building*")) and not list(folder.glob("*.staging*"))
