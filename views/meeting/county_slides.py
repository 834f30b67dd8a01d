"""The 与全县比较 slide, in a township head's meeting: the chosen townships' composite score
and headline indicators beside the county's (Σ numerator / Σ denominator over the county)
and their rank among the county's townships (views.county_reference, as 总览's panel shows
it). Rows where a township is last in the county are stressed.

A table-shaped slide (deck.TableSlide): no renderer has a drawing of its own for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from data_access.relations import Db
from data_access.scope import Scope
from views.common import Window
from views.county_reference import METHOD, CountyReference, Standing, for_overview
from views.labels import NO_VALUE
from views.meeting.deck import FIGURE, Kind, Meeting, NoData, Slide, Sources, TableSlide, data


@dataclass(**FIGURE)
class CountySlide(TableSlide):
    county_code: str = data()
    county_name: str = data()
    townships: int = data()  # townships of the county
    standings: tuple[Standing, ...] = data()


def reference(engine: Db, scope: Scope, window: Window) -> CountyReference | None:
    """总览's comparison over the meeting's window (a view builder for Sources.view)."""
    return for_overview(engine, scope, window.period)


def _ends(rows: tuple[Standing, ...], which: int | None) -> list[int]:
    """Rows where some chosen township ranks `which` (None: last) among ≥ 2 ranked."""
    return [
        i
        for i, r in enumerate(rows)
        if r.ranked > 1
        and any(rank is not None and rank == (which or r.ranked) for _, rank in r.ranks)
    ]


def against_county(src: Sources, m: Meeting) -> Slide:
    ref = src.view(reference)
    if ref is None or all(NO_VALUE == r.own == r.county for r in ref.rows):
        return NoData(
            kind=Kind.AGAINST_COUNTY, empty=f"{m.period_label}没有可与全县比较的指标数据。"
        )
    # Figures only counties report (no township has a value) are no comparison: one line.
    ranked = tuple(r for r in ref.rows if r.ranked)
    county_only = [f"{r.label} 全县 {r.county}" for r in ref.rows if not r.ranked]
    first, last = _ends(ranked, 1), _ends(ranked, None)
    message = f"在{ref.county_name} {ref.townships} 个乡镇中，" + (
        f"{len(first)} 项居首，{len(last)} 项居末" if first or last else "各项均不在首末位"
    )
    table = ref.table()
    shown = table[table["项目"].isin([r.label for r in ranked])].reset_index(drop=True)
    return CountySlide(
        kind=Kind.AGAINST_COUNTY,
        message=message,
        sheets={"与全县比较": table},
        table=shown,
        note=METHOD + ("红色：列全县末位。" if last else ""),
        emphasis=tuple(last),
        lines=(f"只在县级统计、乡镇无数值：{'；'.join(county_only)}。",) if county_only else (),
        county_code=ref.county_code,
        county_name=ref.county_name,
        townships=ref.townships,
        standings=ref.rows,
    )
