"""Check: the weekly brief's files as another office program opens and prints them.

    python benchmarks/brief_check.py [--db duckdb:///data/demo.duckdb] [--period 2026-Q3]
                                     [--county 990101] [--out data/brief_check]

Writes the brief as PDF, PPTX and XLSX (python -m dashboard.export), converts the PPTX and
the XLSX to PDF with LibreOffice (soffice --headless: the XLSX with its own print setup),
renders every page to PNG (pdftoppm) to look at, and prints per file: pages, lines that start
with closing punctuation (，。；…), and for the XLSX whether each sheet printed one page wide
(its pages' count against the sheet's rows). Needs LibreOffice and poppler-utils:

    apt-get install -y libreoffice-impress libreoffice-calc poppler-utils

CI checks the same properties structurally, without LibreOffice (tests/test_brief_print.py).
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from openpyxl import load_workbook  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from dashboard.brief.wrap import NO_START  # noqa: E402

DPI = 60  # enough to see clipping and overlaps; a page is ~500 × 700 px


def _run(args: list[str], **kw) -> None:
    subprocess.run(args, check=True, capture_output=True, **kw)


def _export(db: str, period: str, county: str | None, fmt: str, out: Path) -> Path:
    target = out / f"brief.{fmt}"
    args = [sys.executable, "-m", "dashboard.export", "--db", db, "--period", period]
    args += ["--county", county] if county else []
    env = {**os.environ, "DASHBOARD_AUTH": "off"}
    _run([*args, "--format", fmt, "-o", str(target)], cwd=ROOT, env=env)
    return target


def _to_pdf(path: Path, out: Path) -> Path:
    # A profile of its own: a LibreOffice already running for the user does not interfere.
    profile = f"-env:UserInstallation=file://{out / 'lo-profile'}"
    folder = out / "lo" / path.suffix.lstrip(".")  # brief.pptx and brief.xlsx: two brief.pdf
    _run(["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(folder),
          str(path)], timeout=300)  # fmt: skip
    return folder / (path.stem + ".pdf")


def _pngs(pdf: Path, out: Path, name: str) -> int:
    pages = out / "png"
    pages.mkdir(exist_ok=True)
    _run(["pdftoppm", "-r", str(DPI), "-png", str(pdf), str(pages / name)])
    return len(list(pages.glob(f"{name}-*.png")))


def _bad_lines(pdf: Path) -> list[str]:
    """Lines that start with closing punctuation, as (page) text."""
    found = []
    for number, page in enumerate(PdfReader(pdf).pages, start=1):
        for line in page.extract_text().replace("\x00", "").splitlines():
            line = line.strip()
            if line and line[0] in NO_START:
                found.append(f"p{number}: {line[:40]}")
    return found


def _sheets(xlsx: Path) -> list[tuple[str, int, bool]]:
    """(sheet, rows, set up to print one page wide) per sheet of the workbook."""
    book = load_workbook(io.BytesIO(xlsx.read_bytes()))
    return [
        (ws.title, ws.max_row, ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0)
        for ws in book
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=f"duckdb:///{ROOT / 'data' / 'demo.duckdb'}")
    parser.add_argument("--period", default="2026-Q3")
    parser.add_argument("--county", default="990101")
    parser.add_argument("--out", default=str(ROOT / "data" / "brief_check"))
    args = parser.parse_args(argv)
    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            print(f"{tool} 未安装：apt-get install -y libreoffice-impress libreoffice-calc "
                  "poppler-utils")  # fmt: skip
            return 2
    out = Path(args.out)
    shutil.rmtree(out / "png", ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    made = {fmt: _export(args.db, args.period, args.county, fmt, out) for fmt in
            ("pdf", "pptx", "xlsx")}  # fmt: skip
    pdfs = {"pdf": made["pdf"], "pptx": _to_pdf(made["pptx"], out),
            "xlsx": _to_pdf(made["xlsx"], out)}  # fmt: skip
    for fmt, pdf in pdfs.items():
        pages = _pngs(pdf, out, fmt)
        bad = _bad_lines(pdf)
        print(f"{fmt}: {pages} pages → {out / 'png'}/{fmt}-*.png; lines starting with "
              f"closing punctuation: {len(bad)}")  # fmt: skip
        for line in bad[:10]:
            print("   ", line)
    sheets = _sheets(made["xlsx"])
    print(f"xlsx: {len(sheets)} sheets, {len(PdfReader(pdfs['xlsx']).pages)} printed pages")
    for title, rows, one_wide in sheets:
        print(f"    {title}: {rows} rows, {'one page wide' if one_wide else 'NOT fitted'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
