"""The views, in the order of a meeting; pages link to each other through this registry."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import state

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


def page(name: str) -> st.Page:
    """The st.Page of a view (paths from the repository root, not the entry script's folder)."""
    file, title, icon = VIEWS[name]
    return st.Page(PAGES_DIR / file, title=title, icon=icon, default=name == "overview")


def all_pages() -> list[st.Page]:
    return [page(name) for name in VIEWS]


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
