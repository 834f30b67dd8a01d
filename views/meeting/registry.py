"""The one registry of slide renderers: per output, one drawing function per slide type.

A slide is a frozen dataclass (views.meeting.deck.Slide and its subclasses) holding every
figure it shows; its type is the dispatch key. Each renderer module registers its drawings
at import:

    @register(Output.PPTX, ColorsSlide)
    def _colors(shapes, slide: ColorsSlide, m: Meeting) -> None: ...

and draws a slide with `drawer(Output.PPTX, slide)(…)`. A slide type without a drawing for
an output raises NoRenderer — never a silent fallback — and tests/test_slide_registry.py
checks that every output has a drawing for every slide type (a slide with nothing to draw
in an output registers `nothing` for it, saying so).

Like datasette's output renderers (plugins register a render function per extension, looked
up in one dict) and Superset's result formats (an enum of formats, each dispatched from one
table), with the slide's own type as the second key. No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any


class Output(StrEnum):
    """Where a slide is drawn (the modules that register for each)."""

    PAGE = "page"  # the projector in the browser: pages.meeting_panels
    PPTX = "pptx"  # the PowerPoint deck: dashboard.brief.pptx
    PDF_CHART = "pdf_chart"  # the PDF's chart image: dashboard.brief.images
    PDF_TABLE = "pdf_table"  # the PDF's printed table: dashboard.brief.printed


class NoRenderer(LookupError):
    """An output has no drawing for a slide type."""


def nothing(*_args: Any) -> None:
    """A registered drawing for a slide that shows nothing in an output (e.g. no chart)."""
    return None


class Registry:
    """(output, slide type) → drawing function; exact types only, so a subclass is a new
    slide that must register its own drawings."""

    def __init__(self) -> None:
        self._drawings: dict[tuple[Output, type], Callable[..., Any]] = {}

    def register(self, output: Output, *types: type) -> Callable:
        def add(draw: Callable[..., Any]) -> Callable[..., Any]:
            for kind in types:
                if (output, kind) in self._drawings:
                    raise ValueError(f"{output}: {kind.__name__} is registered twice")
                self._drawings[(output, kind)] = draw
            return draw

        return add

    def drawer(self, output: Output, slide: object) -> Callable[..., Any]:
        try:
            return self._drawings[(output, type(slide))]
        except KeyError:
            raise NoRenderer(
                f"{output}: no drawing registered for {type(slide).__name__}"
                f" ({getattr(slide, 'key', '?')})"
            ) from None

    def missing(self, output: Output, types: Iterable[type]) -> list[type]:
        """The slide types among `types` that `output` cannot draw."""
        return [t for t in types if (output, t) not in self._drawings]


REGISTRY = Registry()
register = REGISTRY.register
drawer = REGISTRY.drawer
