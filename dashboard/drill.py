"""Drill-down from a league table or a bar chart, as on the map: a click on a county narrows
the filters to it, a click on a township to that township (dashboard.state.drill_to; the
filters apply it on the next run and clamp it to the user's area, so a click never widens a
role's scope). In-app: the URL follows through dashboard.state.write_url, no page load."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence

import streamlit as st

from dashboard import audit, state
from data_access.scope import Scope

S_DRILL_ROUND = "s_drill_round"  # bumped on every drill: chart selections start afresh


def target(level: str, code: str, county_code: str | None) -> Scope:
    """The scope a click on an area of `level` (county / township) opens."""
    return Scope(code) if level == "county" else Scope(county_code, (code,))


def _go(scope: Scope, then: Callable[[], None] | None) -> None:
    state.drill_to(scope.county_code, scope.township_codes)
    st.session_state[S_DRILL_ROUND] = st.session_state.get(S_DRILL_ROUND, 0) + 1
    if then is not None:
        then()


def pills(
    areas: Mapping[str, str],
    level: str,
    county_code: str | None,
    key: str,
    then: Callable[[], None] | None = None,
) -> None:
    """The league's areas as buttons under the table: a click drills there."""
    if not areas:
        return

    def chosen() -> None:
        code = st.session_state.get(key)
        st.session_state[key] = None
        if code in areas:
            _go(target(level, code, county_code), then)

    word = "县区" if level == "county" else "乡镇"
    st.pills(
        f"点击{word}名称下钻（与地图相同，筛选随之改变）",
        list(areas),
        format_func=lambda c: areas[c],
        selection_mode="single",
        key=key,
        on_change=chosen,
    )


def chart_key(name: str) -> str:
    """A chart's widget key that changes after each drill, so an old selection is not reused."""
    return f"{name}_{st.session_state.get(S_DRILL_ROUND, 0)}"


def from_chart(
    event,
    areas: Collection[str],
    level: str,
    county_code: str | None,
    by_index: Sequence[str] | None = None,
) -> None:
    """Drill to the bar a user clicked in a Plotly chart drawn with on_select="rerun": its
    area code is the bar's customdata, or `by_index[point_index]` for a chart whose bars are
    the rows of a table in order; codes not in `areas` are ignored."""
    points = event.selection.points if event and event.selection else []
    for point in points:
        if by_index is not None:
            index = point.get("point_index")
            code = by_index[index] if isinstance(index, int) and index < len(by_index) else None
        else:
            code = point.get("customdata")
            code = code[0] if isinstance(code, list) and code else code
        if isinstance(code, str) and code in areas:
            _go(target(level, code, county_code), None)
            st.rerun(scope="app")


# --- drills on the audit trail ------------------------------------------------------------

S_LAST_DRILL = "s_audit_last_drill"  # the village/team/area last written to the audit trail
# What a user drilled into, for the trail: row field → session key; each page's state module
# registers its own (the frame imports no page).
DRILL_KEYS: dict[str, str] = {}


def register_drill(field: str, session_key: str) -> None:
    """Name a session key whose value is a drill-down (a village, a team, an area) to audit."""
    DRILL_KEYS[field] = session_key


def audit_drill() -> None:
    """One `drill` row when the village, team or area a user drilled into changes (the panel
    of a village on the map, a team's detail, the 推送不到位 list of an area). A row that
    cannot be written refuses the view (AuditError), as a page view does."""
    drill = {name: st.session_state.get(key) for name, key in DRILL_KEYS.items()}
    drill = {k: str(v)[:64] for k, v in drill.items() if v}
    if st.session_state.get(S_LAST_DRILL, {}) == drill:
        return
    if drill:
        audit.record("drill", **drill)
    st.session_state[S_LAST_DRILL] = drill
