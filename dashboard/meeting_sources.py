"""The meeting's view models through the app's cache, and the period it opens on.

The frame asks `opening` for the period of a meeting nobody chose one for (filters.render);
pages.meeting builds its slides over `CachedSources`: the pages' very view objects.
"""

from __future__ import annotations

from dashboard import data, quality_settings, small_cells
from dashboard.data import cached
from data_access import meta
from data_access.periods import Period
from data_access.scope import Scope
from views import common
from views.common import Window
from views.meeting import deck
from views.meeting.opening import Opening, choices, opening


class CachedSources(deck.Sources):
    """The slides' view models through the app's cache (one build per view and filters)."""

    def __init__(self, scope: Scope, window: Window, visible: Scope | None):
        self.scope, self.window, self.visible = scope, window, visible
        self.small = small_cells.floor(visible)
        self.quality_thresholds = quality_settings.thresholds()

    def view(self, builder, **options):
        return cached(builder)(self.scope, self.window, **options)

    def at(self, scope: Scope, window: Window) -> CachedSources:
        return CachedSources(scope, window, self.visible)

    def data_months(self) -> list[str]:
        return cached(meta.data_months)()


def meeting_opening(scope: Scope, visible: Scope | None) -> Opening | None:
    """The period a meeting over `scope` opens on (views.meeting.opening), kept per extract."""
    months = tuple(cached(meta.data_months)())
    head = cached(common.header)(scope)

    def wanting(period: Period) -> tuple[str, ...]:
        window = common.window(period, months)
        return deck.wanting(CachedSources(scope, window, visible), deck.Meeting(head, window))

    db = data.database()
    key = ("meeting_opening", db.key, scope, visible, months, quality_settings.thresholds())
    return data.kept(key, lambda: opening(months, wanting), spinner="正在准备例会…")


def period_choices() -> list[Period]:
    """The periods the cover's picker offers (views.meeting.opening.choices)."""
    return choices(cached(meta.data_months)())


def opening_period(scope: Scope, visible: Scope | None) -> Period | None:
    """meeting_opening's period (filters.render's `opening`)."""
    first = meeting_opening(scope, visible)
    return first.period if first else None
