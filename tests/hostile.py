"""The hand-made database with hostile names: markup, links, formulas and very long text.

Every name the dashboard shows comes from one of these; MARKER is in each, so a test can
find where a name landed, and EVIL_HOST is the outside address a rendered name would fetch.
"""

from __future__ import annotations

import copy

from tests import handmade as hm

EVIL_HOST = "evil.example"
MARKER = "XSS"
HOSTILE_NAMES = [
    f'=HYPERLINK("http://{EVIL_HOST}/h","点我{MARKER}")',
    f"<img src=http://{EVIL_HOST}/i.png onerror=alert(1)>{MARKER}",
    f"**粗体{MARKER}**",
    f"[链接{MARKER}](http://{EVIL_HOST}/a)",
    f"http://{EVIL_HOST}/bare{MARKER}",
    f"<b>粗{MARKER}</b><a href='http://{EVIL_HOST}/x'>链</a>",
    "=1+1",
    "+SUM(A1)" + MARKER,
    "@cmd" + MARKER,
    "-2+3" + MARKER,
    "\t=tab" + MARKER,
    "长" * 300,
]


def _name(i: int) -> str:
    return HOSTILE_NAMES[i % len(HOSTILE_NAMES)]


def rows() -> dict[str, list[dict]]:
    """hm.ROWS with every county, township, village, team and indicator name made hostile."""
    out = copy.deepcopy(hm.ROWS)
    i = 0
    for table in ("county", "township", "village", "team", "indicator", "team_member"):
        for row in out[table]:
            row["name"] = _name(i) + f"#{i}"  # unique: some pages key widgets by name
            i += 1
    for row in out["team"]:
        row["leader"] = _name(i)
        i += 1
    for row in out["township"]:
        row["health_center"] = _name(i)
        i += 1
    return out
