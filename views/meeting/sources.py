"""Where a meeting's slides read their figures: the view models of the views they summarise,
for one scope and window (`Sources`), each built once however many slides read it.

No Streamlit here. The app caches them per extract (dashboard.meeting_sources.CachedSources);
the export CLI, the brief files and the tests build them directly over one engine
(`DirectSources`). views.meeting.deck re-exports both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from data_access import meta
from data_access.relations import Db
from data_access.scope import Scope
from views import chronic, chronic_cells, overview, quality, rankings
from views import grid_map as grid_map_view
from views import teams as teams_view
from views.common import Window
from views.quality_flags import Thresholds


class Sources:
    """The view models a meeting summarises for one scope and window.

    Subclasses say how a builder runs (`view`); each view is then built once however many
    slides read it. `visible` is the signed-in user's area (None: everything): views that
    show other areas than the scope (the leagues) are cut to it. `small` is that user's
    small-cell floor (dashboard.small_cells.floor; 0: none): slides that show a figure formed
    from patient counts mask it as the pages do (views.masking).
    """

    visible: Scope | None = None
    small: int = 0
    # The administrator's 数据质量 thresholds (dashboard.quality_settings; None: defaults).
    quality_thresholds: Thresholds | None = None

    def view(self, builder: Callable[..., Any], **options: Any) -> Any:
        raise NotImplementedError

    def overview(self) -> overview.OverviewView:
        # As 总览 shows it to this user (views.chronic_cells: small counts and rates).
        return chronic_cells.overview_seen(self.view(overview.build), self.small)

    def chronic(self) -> chronic.ChronicView:
        return self.view(chronic.build)

    def grid_map(self) -> grid_map_view.MapView:
        return self.view(grid_map_view.build)

    def teams(self) -> teams_view.TeamsView:
        return self.view(teams_view.build)

    def rankings(self) -> rankings.RankingsView:
        return self.view(rankings.build, visible=self.visible)

    def quality(self) -> quality.QualityView:
        return self.view(quality.build, thresholds=self.quality_thresholds, small=self.small)

    def at(self, scope: Scope, window: Window) -> Sources:
        """The same kind of sources over another scope and window (a 督办事项's then/now)."""
        raise NotImplementedError

    def data_months(self) -> list[str]:
        raise NotImplementedError


class DirectSources(Sources):
    """Builds each view model directly over one engine (export CLI, brief files, tests)."""

    def __init__(
        self,
        engine: Db,
        scope: Scope,
        window: Window,
        visible: Scope | None = None,
        small: int = 0,
        thresholds: Thresholds | None = None,
    ):
        self.engine, self.scope, self.window, self.visible = engine, scope, window, visible
        self.small, self.quality_thresholds = small, thresholds
        self._built: dict = {}

    def view(self, builder: Callable[..., Any], **options: Any) -> Any:
        key = (builder, tuple(sorted(options.items())))
        if key not in self._built:
            self._built[key] = builder(self.engine, self.scope, self.window, **options)
        return self._built[key]

    def at(self, scope: Scope, window: Window) -> DirectSources:
        return DirectSources(
            self.engine, scope, window, self.visible, self.small, self.quality_thresholds
        )

    def data_months(self) -> list[str]:
        return meta.data_months(self.engine)
