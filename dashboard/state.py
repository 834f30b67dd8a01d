"""Every session-state and URL key of the app, and the current filters.

The URL query parameters `county`, `township` (comma-separated) and `period` carry the
filter state, so a copied link opens the same view. Streamlit clears query parameters when
the user switches pages, so the state lives in the session and is written back to the URL
on every run; parameters in the URL win when they differ from what the app last wrote
(a link opened, a drill-down).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from data_access.periods import Period
from data_access.scope import Scope

# URL query parameters.
URL_COUNTY = "county"
URL_TOWNSHIP = "township"
URL_PERIOD = "period"
URL_KEYS = (URL_COUNTY, URL_TOWNSHIP, URL_PERIOD)

# Widget keys.
W_COUNTY = "w_county"
W_TOWNSHIPS = "w_townships"
W_PERIOD_KIND = "w_period_kind"
W_PERIOD = "w_period"

# Session keys.
S_URL_WRITTEN = "s_url_written"  # the filter params the app last put in the URL
S_NOTICES = "s_filter_notices"  # messages about dropped URL parameters, shown once
S_FILTERS = "s_filters"  # the Filters of this run, for pages
S_PENDING_SCOPE = "s_pending_scope"  # a drill-down asked for this scope; applied next run


@dataclass(frozen=True)
class Filters:
    """What every view shows: the scope and the period (with the one to compare against)."""

    scope: Scope
    period: Period | None

    @property
    def previous(self) -> Period | None:
        return self.period.previous() if self.period else None


def read_url() -> dict[str, str]:
    """The filter parameters present in the URL (raw text, unvalidated)."""
    params = st.query_params
    return {key: params.get(key, "") for key in URL_KEYS if params.get(key)}


def url_params(filters: Filters) -> dict[str, str]:
    params = {}
    if filters.scope.county_code:
        params[URL_COUNTY] = filters.scope.county_code
    if filters.scope.township_codes:
        params[URL_TOWNSHIP] = ",".join(filters.scope.township_codes)
    if filters.period:
        params[URL_PERIOD] = filters.period.key
    return params


def write_url(filters: Filters) -> None:
    """Put the filters into the URL, leaving other parameters (e.g. mode) alone."""
    wanted = url_params(filters)
    for key in URL_KEYS:
        if key in wanted:
            if st.query_params.get(key) != wanted[key]:
                st.query_params[key] = wanted[key]
        elif key in st.query_params:
            del st.query_params[key]
    st.session_state[S_URL_WRITTEN] = wanted


def url_changed_outside() -> bool:
    """True when the URL holds filter params the app did not write (a link or reload)."""
    current = read_url()
    return bool(current) and current != st.session_state.get(S_URL_WRITTEN)


def current() -> Filters:
    """The filters of this run (set by the frame before the page runs)."""
    return st.session_state.get(S_FILTERS) or Filters(Scope(), None)


def set_current(filters: Filters) -> None:
    st.session_state[S_FILTERS] = filters


def add_notice(text: str) -> None:
    st.session_state.setdefault(S_NOTICES, []).append(text)


def pop_notices() -> list[str]:
    return st.session_state.pop(S_NOTICES, [])


def drill_to(county_code: str | None, township_codes: tuple[str, ...] = ()) -> None:
    """Narrow (or widen) the global filters from a page, e.g. a click on a township.

    Widgets cannot change once drawn in a run, so the request is stored and applied by
    the filters at the start of the next run; call st.rerun() after this.
    """
    st.session_state[S_PENDING_SCOPE] = (county_code, tuple(township_codes))


def apply_pending_scope() -> None:
    """Move a drill-down request into the filter widgets (before they are drawn)."""
    pending = st.session_state.pop(S_PENDING_SCOPE, None)
    if pending is not None:
        st.session_state[W_COUNTY] = pending[0] or ""
        st.session_state[W_TOWNSHIPS] = list(pending[1])
