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

A slide type may instead take the drawing of a *shape* it subclasses (deck.TableSlide: a
table with big numbers, emphasised rows and notes) when every field it adds is marked as
data (`deck.data()`: carried for the export and tests, drawn by no one). Then its drawn
content is exactly the shape's fields, and a new slide of that shape touches no renderer.
A subclass that adds a field without that mark has to register its own drawings, or it
raises NoRenderer like any unknown type.

Like datasette's output renderers (plugins register a render function per extension, looked
up in one dict) and Superset's result formats (an enum of formats, each dispatched from one
table), with the slide's own type as the second key. No Streamlit here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any

DRAWN = "drawn"  # field metadata: False for a field no renderer draws (deck.data)


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


def adds_only_data(kind: type, shape: type) -> bool:
    """Whether every dataclass field `kind` has beyond `shape`'s is marked as not drawn."""
    if not (dataclasses.is_dataclass(kind) and dataclasses.is_dataclass(shape)):
        return False
    drawn = {f.name for f in dataclasses.fields(shape)}
    return all(
        f.metadata.get(DRAWN) is False for f in dataclasses.fields(kind) if f.name not in drawn
    )


class Registry:
    """(output, slide type) → drawing function: the type's own, or that of the nearest base
    (a shape) to which the type adds only data fields (`adds_only_data`)."""

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

    def find(self, output: Output, kind: type) -> Callable[..., Any] | None:
        """The drawing for slide type `kind` in `output`, or None."""
        for shape in kind.__mro__:
            draw = self._drawings.get((output, shape))
            if draw is not None:
                return draw if shape is kind or adds_only_data(kind, shape) else None
        return None

    def drawer(self, output: Output, slide: object) -> Callable[..., Any]:
        draw = self.find(output, type(slide))
        if draw is None:
            raise NoRenderer(
                f"{output}: no drawing registered for {type(slide).__name__}"
                f" ({getattr(slide, 'key', '?')})"
            )
        return draw

    def missing(self, output: Output, types: Iterable[type]) -> list[type]:
        """The slide types among `types` that `output` cannot draw."""
        return [t for t in types if self.find(output, t) is None]


REGISTRY = Registry()
register = REGISTRY.register
drawer = REGISTRY.drawer
