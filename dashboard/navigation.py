"""The views, in the order of a meeting; pages link to each other through this registry.

The frame names pages by their files and never imports one: st.navigation runs the page a
URL asks for, and the meeting mode (`mode=meeting`) runs pages/meeting_mode.py at every
view's address, so a link with the mode opens the slides wherever it points.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import streamlit as st

from dashboard import state
from dashboard.data import cached
from data_access import meta

ROOT = Path(__file__).resolve().parents[1]
PAGES_DIR = ROOT / "pages"

# name → (file, title, icon); the first is the default page.
VIEWS = {
    "overview": ("overview.py", "总览", ":material/dashboard:"),
    "map": ("grid_map.py", "网格地图", ":material/map:"),
    "teams": ("teams.py", "团队工作量", ":material/groups:"),
    "chronic": ("chronic.py", "慢病三色", ":material/traffic:"),
    "rankings": ("rankings.py", "县区排名", ":material/leaderboard:"),
    "quality": ("quality.py", "数据质量", ":material/fact_check:"),
}


# Pages beside the views: the filed briefs (no figures of their own: files to download), the
# administrators' audit trail, and the meeting mode's slides.
ARCHIVE = ("archive.py", "周报存档", ":material/inventory_2:")
ADMIN = ("admin.py", "审计日志", ":material/policy:")
MEETING = "meeting_mode.py"


def page(name: str) -> st.Page:
    """The st.Page of a view (paths from the repository root, not the entry script's folder)."""
    return _page(*VIEWS[name], default=name == "overview")


def _page(file: str, title: str, icon: str, default: bool = False, meeting: bool = False):
    # Streamlit tells pages apart by their url_path: the meeting mode keeps each view's address
    # and runs the slides there instead.
    script = PAGES_DIR / (MEETING if meeting else file)
    return st.Page(script, title=title, icon=icon, default=default, url_path=Path(file).stem)


def all_pages(admin: bool = False, meeting: bool = False) -> list[st.Page]:
    """Every page a user may open (the brief archive; the audit trail for an administrator);
    in the meeting mode each of them shows the slides."""
    entries = [*VIEWS.values(), ARCHIVE, *([ADMIN] if admin else [])]
    return [_page(*entry, default=i == 0, meeting=meeting) for i, entry in enumerate(entries)]


def meeting_requested() -> bool:
    """Whether the URL asks for the meeting mode."""
    return st.query_params.get(state.URL_MODE) == state.MODE_MEETING


def meeting_link(filters: state.Filters) -> None:
    """The way in from the normal view: the same filters as slides, in a new tab."""
    params = {**state.url_params(filters), state.URL_MODE: state.MODE_MEETING}
    months = cached(meta.data_months)()
    if filters.period is not None and months and filters.period.key == max(months):
        # The latest month is what the sidebar opens on by itself: the meeting then opens on
        # its own default (dashboard.meeting_sources.opening_period), which may be a quarter.
        del params[state.URL_PERIOD]
    st.sidebar.link_button(
        "例会模式（投影）", "?" + urlencode(params), icon=":material/slideshow:", width="stretch"
    )
    st.sidebar.caption("在新标签页打开全屏幻灯片（按 F11 全屏），并可下载周报。")


def link(
    name: str, label: str, filters: state.Filters, params: dict[str, str] | None = None
) -> None:
    """A link to a view that carries the filters and the view state that explains the point
    (e.g. the map layer or the teams tab), so the linked page opens on the same figures."""
    st.page_link(
        page(name),
        label=label,
        icon=":material/arrow_forward:",
        query_params={**state.url_params(filters), **(params or {})},
    )
