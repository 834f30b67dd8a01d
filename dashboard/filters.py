"""The global filters in the sidebar: county, townships, period type and period."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from dashboard import signin, state
from dashboard.data import cached
from data_access import meta, villages
from data_access.periods import Period, periods_with_data
from data_access.scope import Scope
from views import common, labels

# The period type a first visit opens with: the latest month is what a weekly meeting reviews.
DEFAULT_PERIOD_KIND = "month"
_echo = state.echo  # user input shown back in a notice: cut, letters and digits only


def _apply_url(params: dict[str, str], counties: pd.DataFrame, months: list[str]) -> None:
    """Validate URL parameters into widget state; drop what is unknown, with a notice."""
    county = params.get(state.URL_COUNTY, "").strip()
    towns = [t.strip() for t in params.get(state.URL_TOWNSHIP, "").split(",") if t.strip()]
    user = signin.current_user()
    if user is not None:  # a link outside the user's area is cut to it, and says so
        linked = Scope(county or None, tuple(towns))
        if (
            (county or towns)
            and not user.allows(linked)
            and not (user.role == "township" and county == user.county and not towns)
        ):
            state.add_notice("链接中的范围超出您的权限，已改为您可查看的范围")
        clamped = user.clamp(linked)
        county = clamped.county_code or ""
        towns = [t for t in towns if t in clamped.township_codes]
    if county and county not in set(counties["county_code"]):
        state.add_notice(f"链接中的县区代码“{_echo(county)}”不存在，已忽略。")
        county = ""
    all_towns = cached(villages.townships)()
    owner = dict(zip(all_towns["township_code"], all_towns["county_code"], strict=True))
    if towns and not county:
        found = {owner[t] for t in towns if t in owner}
        county = found.pop() if len(found) == 1 else ""
    kept = []
    for code in towns:
        if owner.get(code) is None or owner[code] != county:
            state.add_notice(f"链接中的乡镇代码“{_echo(code)}”不存在或不属于所选县区，已忽略。")
        else:
            kept.append(code)
    st.session_state[state.W_COUNTY] = county
    st.session_state[state.W_TOWNSHIPS] = kept
    text = params.get(state.URL_PERIOD, "")
    if text:
        try:
            period = Period.parse(text)
        except ValueError:
            state.add_notice(
                f"链接中的期间“{_echo(text)}”格式不对（应为 2026-03、2026-Q1 或 2026），已改为最新期间。"
            )
            return
        st.session_state[state.W_PERIOD_KIND] = period.kind
        st.session_state[state.W_PERIOD] = period.key
        if not set(period.months) & set(months):
            state.add_notice(f"{period.label}没有数据。")


def _on_county_change() -> None:
    st.session_state[state.W_TOWNSHIPS] = []


# The period a view opens on when neither the URL nor the session names one (the meeting's:
# dashboard.meeting_sources.meeting_opening); given the scope and the user's area.
Opening = Callable[[Scope, Scope | None], Period | None]


def render(opening: Opening | None = None) -> state.Filters:
    """Draw the filters in the sidebar and return them; keeps the URL in step. Without a
    period in the URL or the session, the period is `opening`'s, else the latest month."""
    user = signin.current_user()  # None: sign-in is off, everything is visible
    counties = cached(villages.counties)()
    if user is not None and not user.sees_everything:
        counties = counties[counties["county_code"] == user.county]
    months = cached(meta.data_months)()
    if state.url_changed_outside():
        _apply_url(state.read_url(), counties, months)
    state.apply_pending_scope()

    county_names = dict(zip(counties["county_code"], counties["name"], strict=True))
    # "" is 全部县区: only for roles that see every county.
    county_options = [*county_names] if user and not user.sees_everything else ["", *county_names]
    if st.session_state.get(state.W_COUNTY) not in county_options:
        st.session_state[state.W_COUNTY] = county_options[0] if county_options else ""
    st.sidebar.header("筛选")
    county = st.sidebar.selectbox(
        "县区",
        county_options,
        format_func=lambda c: county_names.get(c, labels.ALL_COUNTIES),
        key=state.W_COUNTY,
        on_change=_on_county_change,
        placeholder="请选择县区",
    )
    towns = cached(villages.townships)(county) if county else None
    if towns is not None and user is not None and user.role == "township":
        towns = towns[towns["township_code"].isin(user.townships)]
    town_names = (
        {} if towns is None else dict(zip(towns["township_code"], towns["name"], strict=True))
    )
    chosen = [t for t in st.session_state.get(state.W_TOWNSHIPS, []) if t in town_names]
    st.session_state[state.W_TOWNSHIPS] = chosen
    townships = st.sidebar.multiselect(
        "乡镇（可多选）",
        list(town_names),
        format_func=lambda t: town_names.get(t, t),
        key=state.W_TOWNSHIPS,
        placeholder=labels.ALL_TOWNSHIPS if county else "请先选择县区",
        disabled=not county,
        # No English "Select all": choosing none already means 全部乡镇 (the placeholder).
        select_all=False,
    )

    if opening is not None and not st.session_state.get(state.W_PERIOD):
        chosen = Scope(county or None, tuple(townships))
        if user is not None:
            chosen = user.clamp(chosen)
        first = opening(chosen, user.area if user is not None else None)
        if first is not None:
            st.session_state[state.W_PERIOD_KIND] = first.kind
            st.session_state[state.W_PERIOD] = first.key
    if st.session_state.get(state.W_PERIOD_KIND) not in labels.PERIOD_KIND_LABELS:
        st.session_state[state.W_PERIOD_KIND] = DEFAULT_PERIOD_KIND
    kind = (
        st.sidebar.segmented_control(
            "期间类型",
            list(labels.PERIOD_KIND_LABELS),
            format_func=labels.PERIOD_KIND_LABELS.get,
            key=state.W_PERIOD_KIND,
            selection_mode="single",
        )
        or DEFAULT_PERIOD_KIND
    )
    options = [p.key for p in periods_with_data(months, kind)]
    wanted = st.session_state.get(state.W_PERIOD)
    if wanted and wanted not in options:
        try:
            previous = Period.parse(wanted)
        except ValueError:
            previous = None
        if previous and previous.kind != kind:  # 月→季: the quarter holding that month
            st.session_state[state.W_PERIOD] = Period.of_month(previous.last_month, kind).key
        elif previous:  # a valid period without data stays selectable, so the page can say so
            options = sorted([*options, wanted], reverse=True)
    if st.session_state.get(state.W_PERIOD) not in options:
        st.session_state[state.W_PERIOD] = options[0] if options else None
    period_key = st.sidebar.selectbox(
        "期间",
        options,
        format_func=lambda k: Period.parse(k).label,
        key=state.W_PERIOD,
        placeholder="数据库中没有任何期间的数据",
    )
    period = Period.parse(period_key) if period_key else None
    window = common.window(period, months) if period else None
    if window:
        st.sidebar.caption(f"对比期：{window.previous_label}")

    scope = Scope(county or None, tuple(townships))
    if user is not None:  # the last word: nothing outside the user's area reaches a page
        scope = user.clamp(scope)
    filters = state.Filters(scope, window, user.area if user is not None else None)
    state.write_url(filters)
    state.set_current(filters)
    return filters
