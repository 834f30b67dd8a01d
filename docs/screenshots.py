"""Screenshots of every page and every slide at the three screens the dashboard is used on.

    python docs/screenshots.py                      # the demo database, first county
    python docs/screenshots.py --db URL --county 990101 --township 990101001
    python docs/screenshots.py --widths 1920x1080 --slides-only

Writes docs/screenshots/all/<width>/<page>.jpg (whole page) and .../<width>/slide_NN_<key>.jpg
(the screen as the room sees it), plus a township head's view of each page when --township
is given (or the county's first township). Sign-in is off (a generated or copied database,
as the tests run); the server runs on a free local port and is stopped at the end. JPEG
keeps the set small enough to commit; the README's own pictures stay PNG.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from tests.browser import (  # noqa: E402
    EXCEPTION,
    PAGES,
    browser_page,
    component_frame,
    demo_db,
    streamlit_server,
    wait_for_script,
    wait_until_served,
)

SIZES = ("1920x1080", "1440x900", "1024x768")
# The views and the 周报存档 page (the 审计日志 needs an administrator signed in: not here).
SHOTS = [*PAGES, ("archive", "archive")]
# Slides are visited by their key in the address, read off the page as the deck moves on.
MAX_SLIDES = 40


def first_codes(url: str) -> tuple[str, str]:
    """The first county and its first township: the pictures show one county's deck."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(
                sa.text(
                    "SELECT c.county_code, min(t.township_code) FROM county c"
                    " JOIN township t USING (county_code)"
                    " GROUP BY c.county_code ORDER BY c.county_code LIMIT 1"
                )
            ).one()
    finally:
        engine.dispose()


def shoot(page, path: Path, full: bool) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full, type="jpeg", quality=70)
    return page.locator(EXCEPTION).count()


def slide_key(page) -> str:
    return page.url.split("slide=")[1].split("&")[0] if "slide=" in page.url else ""


def run(args) -> int:
    url = args.db or demo_db(Path(args.scratch), seed=42).url
    county, township = first_codes(url)
    county = args.county or county
    township = args.township or township
    query = f"county={county}" + (f"&period={args.period}" if args.period else "")
    problems: list[str] = []
    with streamlit_server(url, timeout_s=300) as base:
        for size in args.widths.split(","):
            width, height = map(int, size.split("x"))
            out = Path(args.out) / size
            with browser_page(width, height) as page:
                wait_until_served(page, base)
                if not args.slides_only:
                    for path, stem in SHOTS:
                        for who, q in (("", query), ("_township", f"{query}&township={township}")):
                            page.goto(f"{base}/{path}?{q}", wait_until="domcontentloaded")
                            wait_for_script(page)
                            if stem == "grid_map":  # the map draws in its frame after the run
                                frame = component_frame(page, "streamlit_folium", 120_000)
                                frame.wait_for_selector(".leaflet-interactive", timeout=120_000)
                                page.wait_for_timeout(800)
                            if shoot(page, out / f"{stem}{who}.jpg", full=True):
                                problems.append(f"{size} {stem}{who}: exception on screen")
                seen = []
                # The county's meeting, then a township head's (with 与全县比较).
                for who, q in (("", query), ("township_", f"{query}&township={township}")):
                    page.goto(f"{base}/?{q}&mode=meeting", wait_until="domcontentloaded")
                    wait_for_script(page)
                    keys: list[str] = []
                    while len(keys) < MAX_SLIDES:
                        key = slide_key(page) or "cover"
                        if key in keys:
                            break
                        keys.append(key)
                        name = f"slide_{who}{len(keys):02d}_{key}.jpg"
                        if shoot(page, out / name, full=False):
                            problems.append(f"{size} {name}: exception on screen")
                        page.keyboard.press("ArrowRight")
                        page.wait_for_timeout(400)
                        wait_for_script(page)
                    seen += keys
                print(f"{size}: {len(SHOTS) * 2} pages, {len(seen)} slides → {out}", flush=True)
            if page.blocked_requests:
                problems.append(f"{size}: requests off the machine {sorted(page.blocked_requests)}")
    for line in problems:
        print("!!", line)
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database URL (default: a fresh demo database, seed 42)")
    parser.add_argument("--county", help="county code (default: the first)")
    parser.add_argument("--township", help="township code (default: the county's first)")
    parser.add_argument("--period", help="e.g. 2026-Q3 (default: the dashboard's own)")
    parser.add_argument("--widths", default=",".join(SIZES))
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots" / "all"))
    parser.add_argument("--scratch", default="/tmp/yfrh_screenshots")
    parser.add_argument("--slides-only", action="store_true")
    args = parser.parse_args()
    Path(args.scratch).mkdir(parents=True, exist_ok=True)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
