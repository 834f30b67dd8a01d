"""The weekly brief (周报): its PDF and workbook carry the titles and figures of the export JSON
(dashboard.export.build_report) for the same scope and period; the Chinese font is embedded,
no glyph is missing, and a machine without a Chinese font gets a plain answer."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import warnings

import pandas as pd
import pytest
from pypdf import PdfReader

from dashboard import brief, export
from dashboard.brief import fonts
from data_access import indicators
from data_access.periods import Period
from data_access.scope import resolve_scope
from tests import handmade as hm
from tests.dbs import dialect_params, loaded_database, sqlite_file
from views import attainment, labels
from views.common import window_for

Q1 = Period.parse("2026-Q1")
SCOPES = {"county": (hm.A, ()), "all": (None, ()), "township": (hm.A, (hm.EAST,))}

needs_font = pytest.mark.skipif(
    fonts.cjk_font() is None, reason="no Chinese font (apt-get install fonts-noto-cjk)"
)


@pytest.fixture(scope="module", params=dialect_params())
def engine(request, tmp_path_factory):
    with loaded_database(request.param, hm.ROWS, tmp_path_factory.mktemp(request.param)) as eng:
        yield eng


@pytest.fixture(scope="module")
def made(engine):
    """Per scope: (scope, export JSON, meeting, PDF text without whitespace, workbook sheets)."""
    cache = {}

    def make(name: str):
        if name not in cache:
            scope = resolve_scope(engine, *SCOPES[name])
            report = json.loads(json.dumps(export.build_report(engine, scope, Q1)))
            m, slides = brief.build(engine, scope, window_for(engine, Q1))
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # a missing glyph warns (matplotlib, fpdf2)
                pdf = brief.render_pdf(m, slides) if fonts.cjk_font() else None
            text = "" if pdf is None else pdf_text(pdf)
            book = io.BytesIO(brief.render_xlsx(m, slides))
            sheets = pd.read_excel(book, sheet_name=None, header=1)  # row 1: the title
            cache[name] = (scope, report, m, text, sheets, pdf)
        return cache[name]

    return make


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    # pypdf reads fpdf2's two-byte CID text with NUL padding; whitespace is layout, not text.
    return "".join(squeeze(page.extract_text().replace("\x00", "")) for page in reader.pages)


def squeeze(text: str) -> str:
    return "".join(str(text).split())


@needs_font
@pytest.mark.parametrize("name", list(SCOPES))
def test_pdf_titles_and_figures_match_the_export(engine, made, name):
    scope, report, m, text, _sheets, _pdf = made(name)
    assert Period.parse(report["period"]).label in text
    _m, slides = brief.build(engine, scope, window_for(engine, Q1))
    for slide in slides[1:]:  # the deck as built: bare slides left out, thin ones merged
        assert squeeze(m.heading(slide.title)) in text, slide.key
    defs = indicators.indicator_definitions(engine).set_index("indicator_code")
    for row in report["indicators"]:
        if row["value"] is not None:
            d = defs.loc[row["indicator_code"]]
            shown = attainment.value_text(row["value"], d.unit, d.target, d.higher_is_better)
            assert shown in text, shown
    for row in report["county_ranking"]:
        if row["score"] is not None:
            # the score as the ranking view shows it, on the page and the slide alike
            assert f"{row['rank']}" in text and row["score_text"] in text
    colors = pd.DataFrame(report["chronic_colors"])
    totals = colors.groupby("color")["patients"].sum()
    g, y, r = (int(totals.get(c, 0)) for c in ("green", "yellow", "red"))
    assert f"合计{g:,}{y:,}{r:,}{g + y + r:,}" in text
    flows = pd.DataFrame(report["chronic_transitions"])
    for before in ("green", "yellow", "red"):
        row = [
            int(
                flows.loc[(flows["from_color"] == before) & (flows["to_color"] == c)][
                    "patients"
                ].sum()
            )
            for c in ("green", "yellow", "red")
        ]
        assert labels.COLOR_LABELS[before] + "".join(f"{n:,}" for n in row) in text
    villages = {r["village_class"]: r["villages"] for r in report["village_classes"]}
    assert f"村（网格）{villages.get(1, 0)}个{villages.get(2, 0)}个" in text
    assert "每千人服务量（次/千人·季）" in text and "每千人服务量（次）" not in text
    if report["mismatched"]:
        assert f"{report['mismatched']:,}人次推送不到位" in text


@pytest.mark.parametrize("name", list(SCOPES))
def test_workbook_figures_match_the_export(made, name):
    _scope, report, _m, _text, sheets, _pdf = made(name)
    kpis = sheets["核心指标"].set_index("指标代码")
    for row in report["indicators"]:
        got = kpis.loc[row["indicator_code"]]
        if row["value"] is None:
            assert pd.isna(got["本期值"])
        else:
            assert got["本期值"] == pytest.approx(row["value"], abs=0.005)
            assert (got["分子"], got["分母"]) == (row["numerator"], row["denominator"])
    ranking = sheets["县区排名"]
    assert [
        (str(c), None if pd.isna(s) else s, None if pd.isna(r) else int(r))
        for c, s, r in zip(ranking["县区代码"], ranking["综合得分"], ranking["名次"], strict=True)
    ] == [
        (r["county_code"], None if r["score"] is None else float(r["score_text"]), r["rank"])
        for r in report["county_ranking"]
    ]  # the score as a number cut as the page shows it (its format: test_excel.py)
    colors = sheets["绿黄红构成"].set_index("病种")
    for row in report["chronic_colors"]:
        disease = labels.DISEASE_LABELS[row["disease"]]
        assert colors.loc[disease, labels.COLOR_LABELS[row["color"]]] == row["patients"]
    moves = sheets["颜色变化"]
    moves = moves[~moves["变化"].isin([labels.ENTERED_LABEL, labels.LEFT_LABEL])]
    assert sorted(
        (d, f, t, n) for d, f, t, n in zip(moves["病种"], moves.iloc[:, 1], moves.iloc[:, 2], moves["人次"], strict=True)
    ) == sorted(
        (labels.DISEASE_LABELS[r["disease"]], labels.COLOR_LABELS[r["from_color"]], labels.COLOR_LABELS[r["to_color"]], r["patients"])
        for r in report["chronic_transitions"]
    )  # fmt: skip
    classes = sheets["一类二类村"]
    assert [
        {"villages": v, "population": p, "key_population": k}
        for v, p, k in zip(classes["村数"], classes["常住人口"], classes["重点人群"], strict=True)
        if v
    ] == [
        {k: r[k] for k in ("villages", "population", "key_population")}
        for r in report["village_classes"]
    ]
    teams = sheets["团队工作量"].set_index("团队编号")
    assert sorted(teams.index) == sorted(r["team_id"] for r in report["team_workload"])
    for row in report["team_workload"]:
        got = teams.loc[row["team_id"]]
        assert got["服务量（人次）"] == row["services"]
        assert got["积分"] == pytest.approx(row["points"])
        assert (got["抽查（人次）"], got["合格（人次）"]) == (row["checked"], row["passed"])
    alerts = sheets["需要关注"].set_index("事项")
    mismatch = [i for i in alerts.index if i.startswith(labels.MISMATCH)]
    if report["mismatched"]:
        assert alerts.loc[mismatch[0], "数量"] == report["mismatched"]
    else:
        assert mismatch == []


@needs_font
def test_pdf_embeds_the_chinese_font(made):
    *_rest, pdf = made("county")
    reader = PdfReader(io.BytesIO(pdf))
    embedded = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    embedded.add(str(font["/BaseFont"]))
    assert embedded and all("CJK" in name or "+" in name for name in embedded)
    assert len(reader.pages) >= 3


def test_without_a_chinese_font_the_brief_says_what_to_install(engine, monkeypatch):
    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    scope = resolve_scope(engine, hm.A)
    with pytest.raises(fonts.FontMissing, match="fonts-noto-cjk"):
        brief.pdf_bytes(engine, scope, window_for(engine, Q1))
    assert (
        brief.xlsx_bytes(engine, scope, window_for(engine, Q1))[:2] == b"PK"
    )  # the workbook needs no font


@pytest.fixture(scope="module")
def sqlite_url(tmp_path_factory):

    path = tmp_path_factory.mktemp("brief_cli") / "handmade.sqlite"
    return sqlite_file(path, hm.ROWS)


def run_export(*args):
    return subprocess.run(
        [sys.executable, "-m", "dashboard.export", *args],
        capture_output=True,
        text=True,
        timeout=180,
    )


@needs_font
def test_cli_writes_the_brief(sqlite_url, tmp_path):
    common = ["--db", sqlite_url, "--period", "2026-Q1", "--county", hm.A]
    pdf, xlsx = tmp_path / "brief.pdf", tmp_path / "brief.xlsx"
    for fmt, path, magic in (("pdf", pdf, b"%PDF"), ("xlsx", xlsx, b"PK")):
        result = run_export(*common, "--format", fmt, "-o", str(path))
        assert result.returncode == 0, result.stderr
        assert path.read_bytes()[: len(magic)] == magic
    assert "清河县" in pdf_text(pdf.read_bytes())
    missing = run_export(*common, "--format", "pdf")
    assert missing.returncode == 2 and "-o FILE" in missing.stderr
    # json stays the default, unchanged
    assert run_export(*common).stdout == run_export(*common, "--format", "json").stdout


def test_cli_without_a_chinese_font(sqlite_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    out = tmp_path / "brief.pdf"
    args = ["--db", sqlite_url, "--period", "2026-Q1", "--format", "pdf", "-o", str(out)]
    assert export.main(args) == 2
    assert "fonts-noto-cjk" in capsys.readouterr().err and not out.exists()
