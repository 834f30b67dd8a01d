"""Data-quality cases planted in the demo, so that 数据质量 (its page, slide and brief) shows
real flags: a team's month at 5× its usual volume, a team at three times its township's
volume whose 抽查 always passes, a team reporting the same totals six months running, a
village with chronic patients and no residents, patients recorded in two villages in the
same month, and a village whose patients' colours never change.

Everything here is chosen by position (no random draws), in the first county's townships
(the default county view), and touches only the chosen teams and villages, so every other
figure of the demo stays as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from demo.areas import Areas
from demo.chronic import COLORS, LEVELS
from demo.teams import Teams

SPIKE_FACTOR = 5  # one month at five times the team's usual volume
PERFECT_FACTOR = 3  # every month at three times its usual volume …
PERFECT_MIN_CHECKED = 30  # … with at least this many re-checks a quarter, all passed
IDENTICAL_MONTHS = 6  # the same totals this many months, up to the last
DOUBLE_PATIENTS = 3  # patients also recorded in a neighbouring village …
DOUBLE_MONTHS = 3  # … in each of the last months


@dataclass(frozen=True)
class Planted:
    spike_team: str
    spike_month: str
    perfect_team: str
    identical_team: str
    empty_village: str
    frozen_village: str
    double_from: str
    double_to: str
    months: tuple[str, ...]


# Townships of the first county the cases need (one each); smaller demos plant nothing.
TOWNSHIPS_NEEDED = 6


def choose(areas: Areas, teams: Teams, services: pd.DataFrame, months: list[str]) -> Planted | None:
    """The teams and villages that carry the planted cases (one township each), or None when
    the demo is too small to hold them (the `test` scale)."""
    team = teams.team
    excluded = teams.low_quality | teams.never_checked
    excluded[teams.silent_last_month] = True
    eligible = team[~excluded]
    first_county = areas.county["county_code"].iat[0]
    towns = areas.township[
        (areas.township["county_code"] == first_county) & ~areas.township_is_street
    ]["township_code"]
    towns = [t for t in towns if (eligible["township_code"] == t).sum() >= 3]
    if len(towns) < TOWNSHIPS_NEEDED or len(months) < IDENTICAL_MONTHS + 1:
        return None
    totals = services.groupby("team_id")["services"].sum()

    def inflated_enough(town: str) -> str | None:
        """A team of the town that, inflated, is well above its peers' median (2.5–5×)."""
        own = eligible[eligible["township_code"] == town]["team_id"]
        for team_id in sorted(own, key=lambda t: (totals.get(t, 0), t)):
            peers = [totals.get(t, 0) for t in team["team_id"][team["township_code"] == town]
                     if t != team_id]  # fmt: skip
            median = float(np.median(peers))
            if 2.5 * median <= PERFECT_FACTOR * totals.get(team_id, 0) <= 5 * median:
                return team_id
        return None

    perfect_town = next((t for t in towns if inflated_enough(t)), None)
    if perfect_town is None:
        return None
    towns = [t for t in towns if t != perfect_town]

    def teams_of(i: int) -> pd.DataFrame:
        return eligible[eligible["township_code"] == towns[i]]

    village = areas.village
    team_of = dict(zip(teams.team_village["village_code"], teams.team_village["team_id"],
                       strict=True))  # fmt: skip
    sizes = teams.team_village["team_id"].value_counts()

    def villages_of(i: int) -> list[str]:
        return sorted(village.loc[village["township_code"] == towns[i], "village_code"])

    shared = [v for v in villages_of(2) if sizes[team_of[v]] > 1]
    doubles = villages_of(4)
    return Planted(
        spike_team=teams_of(0)["team_id"].iat[0],
        spike_month=months[-3],
        perfect_team=inflated_enough(perfect_town),
        identical_team=teams_of(1)["team_id"].iat[0],
        empty_village=shared[-1],
        frozen_village=villages_of(3)[0],
        double_from=doubles[0],
        double_to=doubles[1],
        months=tuple(months),
    )


def plant_services(services: pd.DataFrame, p: Planted) -> pd.DataFrame:
    """team_service with the spike, the inflated team and the identical months."""
    out = services.copy()
    spike = (out["team_id"] == p.spike_team) & (out["month"] == p.spike_month)
    out.loc[spike, "services"] *= SPIKE_FACTOR
    out.loc[out["team_id"] == p.perfect_team, "services"] *= PERFECT_FACTOR
    copied = p.months[-IDENTICAL_MONTHS:]
    same = (out["team_id"] == p.identical_team) & out["month"].isin(copied)
    template = out[(out["team_id"] == p.identical_team) & (out["month"] == copied[0])]
    copies = [template.assign(month=m) for m in copied]
    out = pd.concat([out[~same], *copies], ignore_index=True)
    return out.sort_values(["month", "team_id"], kind="stable", ignore_index=True)


def plant_checks(checks: pd.DataFrame, services: pd.DataFrame, p: Planted) -> pd.DataFrame:
    """sample_check with the inflated team's quarterly re-checks all passed (≈5 % of its
    quarter, at least PERFECT_MIN_CHECKED)."""
    out = checks.copy()
    own = services[services["team_id"] == p.perfect_team]
    for i in out.index[out["team_id"] == p.perfect_team]:
        end = out.at[i, "month"]
        year, last = int(end[:4]), int(end[5:])
        quarter = [f"{year:04d}-{m:02d}" for m in range(last - 2, last + 1)]
        volume = int(own.loc[own["month"].isin(quarter), "services"].sum())
        checked = max(PERFECT_MIN_CHECKED, round(0.05 * volume))
        out.at[i, "checked"], out.at[i, "passed"] = checked, checked
    return out


def plant_villages(village: pd.DataFrame, p: Planted) -> pd.DataFrame:
    """village with one village's residents missing (its patients and team stay)."""
    out = village.copy()
    empty = out["village_code"] == p.empty_village
    out.loc[empty, ["population", "key_population"]] = 0
    return out


def plant_chronic(tables: Iterator[tuple[str, pa.Table]], p: Planted):
    """The simulator's monthly tables with the frozen village and the double records."""
    first_colour: dict[tuple[str, str], str] = {}
    level_of = dict(zip(COLORS, LEVELS, strict=True))
    doubled = set(p.months[-DOUBLE_MONTHS:])
    for month, table in tables:
        villages = table.column("village_code").cast(pa.string())
        frozen_rows = pc.equal(villages, p.frozen_village)
        double_rows = pc.equal(villages, p.double_from)
        touched = pc.or_(frozen_rows, double_rows) if month in doubled else frozen_rows
        if not pc.any(touched).as_py():
            yield month, table
            continue
        plain = table.cast(pa.schema([(name, pa.string()) for name in table.column_names]))
        df = plain.filter(touched).to_pandas()
        frozen_mask = (df["village_code"] == p.frozen_village).to_numpy()
        for i in np.flatnonzero(frozen_mask):
            key = (df.at[i, "patient_id"], df.at[i, "disease"])
            colour = first_colour.setdefault(key, df.at[i, "color"])
            df.at[i, "color"], df.at[i, "managed_level"] = colour, level_of[colour]
        if month in doubled:
            source = df[df["village_code"] == p.double_from]
            single = source.groupby("patient_id")["disease"].transform("size") == 1
            chosen = source[single].sort_values("patient_id").head(DOUBLE_PATIENTS)
            extra = chosen.assign(
                village_code=p.double_to,
                disease=np.where(chosen["disease"] == "diabetes", "hypertension", "diabetes"),
                color="green",
                managed_level="village",
            )
            df = pd.concat([df, extra], ignore_index=True)
        kept = plain.filter(pc.invert(touched))
        yield (
            month,
            pa.concat_tables(
                [kept, pa.Table.from_pandas(df, schema=plain.schema, preserve_index=False)]
            ),
        )
