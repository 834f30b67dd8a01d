"""Chronic patients' green/yellow/red status month by month, as a Markov chain per patient."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from demo.areas import Areas

DISEASES = ["hypertension", "diabetes", "hepatitis", "severe_mental", "tuberculosis"]
DISEASE_P = [0.68, 0.22, 0.05, 0.04, 0.01]
COLORS = ["green", "yellow", "red"]
# managed_level index i is the level colour i belongs to (green→village, yellow→township, red→county).
LEVELS = ["village", "township", "county"]

PREVALENCE = 0.13  # patients of the 2+3 diseases per resident (a county's registry, roughly)
SECOND_DISEASE_SHARE = 0.06  # patients with two diseases have two rows per month
# Stationary colour mix by village class (green, yellow, red): remote villages control worse.
MIX = {1: np.array([0.70, 0.22, 0.08]), 2: np.array([0.55, 0.28, 0.17])}
NEW_PATIENT_MIX = np.array([0.5, 0.38, 0.12])  # newly registered patients are less often controlled
MONTHLY_EXIT = 0.005  # moved away or died; red patients twice as likely
MONTHLY_ENTRY = 0.006  # new registrations per existing patient: a slowly growing registry
INITIAL_MISMATCH = 0.035
FIX_PER_MONTH = {1: 0.55, 2: 0.45}  # a mismatch is pushed right within a month or two
# Chance a colour change is followed by moving the patient in the same month.
PUSH_TO_RED = 0.55
PUSH_UP = {1: 0.7, 2: 0.6}
PUSH_DOWN = 0.94


def transition_matrix(mix: np.ndarray) -> np.ndarray:
    """Monthly colour transitions (≈90 % stay) whose stationary distribution is `mix`.

    Detailed balance: the rate i→j times mix[i] equals j→i times mix[j], so the mix holds
    steady while individual patients move (mostly between neighbouring colours).
    """
    up = {(0, 1): 0.055, (1, 2): 0.045, (0, 2): 0.005}
    p = np.zeros((3, 3))
    for (i, j), rate in up.items():
        p[i, j] = rate
        p[j, i] = rate * mix[i] / mix[j]
    p[np.diag_indices(3)] = 1 - p.sum(axis=1)
    return p


@dataclass
class ChronicSummary:
    """Rows per (month, village, disease, colour), for the indicators derived from them."""

    counts: np.ndarray  # int64 (months, villages, diseases, colours)
    rows: int = 0
    mismatched: int = 0  # rows whose managed_level is not the level their colour belongs to


class ChronicSimulator:
    """Generates one pyarrow table per month (sorted by village) and fills a ChronicSummary."""

    def __init__(self, rng: np.random.Generator, areas: Areas, months: list[str]):
        self.rng = rng
        self.months = months
        village = areas.village
        self.village_codes = pa.array(village["village_code"].tolist())
        self.village_class = village["village_class"].to_numpy()
        n_counties = len(areas.county)
        # County control quality shifts green against red, so county rankings differ.
        quality = rng.normal(0, 0.04, n_counties)
        self.group = areas.village_county * 2 + (self.village_class - 1)  # per village
        self.transitions = np.empty((n_counties * 2, 3, 3))
        self.mixes = np.empty((n_counties * 2, 3))
        for c in range(n_counties):
            for k in (1, 2):
                mix = MIX[k] + quality[c] * np.array([1.0, -0.6, -0.4])
                self.mixes[c * 2 + k - 1] = mix
                self.transitions[c * 2 + k - 1] = transition_matrix(mix)
        prevalence = PREVALENCE * np.where(self.village_class == 2, 1.08, 0.96)
        prevalence *= rng.lognormal(0, 0.08, n_counties)[areas.village_county]
        self.expected = village["population"].to_numpy() * prevalence
        self.summary = ChronicSummary(
            counts=np.zeros((len(months), len(village), len(DISEASES), len(COLORS)), dtype=np.int64)
        )
        self.patient_ids: list[str] = []
        self._seen_ids: set[str] = set()

    def _new_patients(self, counts: np.ndarray, mix: np.ndarray | None) -> dict[str, np.ndarray]:
        """Entries (patient, village, disease, colour, level) for `counts` new patients per village."""
        rng = self.rng
        village = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
        n = len(village)
        first = len(self.patient_ids)
        self.patient_ids += self._fresh_ids(n)
        patient = np.arange(first, first + n, dtype=np.int64)
        primary = rng.choice(len(DISEASES), size=n, p=DISEASE_P)
        two = rng.random(n) < SECOND_DISEASE_SHARE
        second = np.where(primary == 0, np.where(rng.random(n) < 0.8, 1, rng.integers(2, 5, n)), 0)
        patient = np.concatenate([patient, patient[two]])
        village = np.concatenate([village, village[two]])
        disease = np.concatenate([primary, second[two]]).astype(np.int8)
        probs = (
            self.mixes[self.group[village]]
            if mix is None
            else np.broadcast_to(mix, (len(village), 3))
        )
        color = _draw(rng, probs)
        level = color.copy()
        return dict(patient=patient, village=village, disease=disease, color=color, level=level)

    def _fresh_ids(self, n: int) -> list[str]:
        """Pseudonymous ids: 16 hex characters from the generator, never repeated."""
        ids = []
        while len(ids) < n:
            raw = self.rng.integers(0, 2**64 - 1, size=n - len(ids), dtype=np.uint64, endpoint=True)
            for value in raw.tolist():
                text = f"{value:016x}"
                if text not in self._seen_ids:
                    self._seen_ids.add(text)
                    ids.append(text)
        return ids

    def months_tables(self) -> Iterator[tuple[str, pa.Table]]:
        """Yield (month, table of that month's chronic_status rows), oldest month first."""
        rng = self.rng
        n_villages = len(self.expected)
        state = self._new_patients(rng.poisson(self.expected), None)
        slip = rng.random(len(state["level"])) < INITIAL_MISMATCH
        state["level"][slip] = np.where(
            state["color"][slip] == 1, rng.integers(0, 2, slip.sum()) * 2, 1
        )
        for index, month in enumerate(self.months):
            if index:
                state = self._step(state)
            order = np.lexsort((state["disease"], state["patient"], state["village"]))
            state = {k: v[order] for k, v in state.items()}
            cell = state["village"] * len(DISEASES) + state["disease"]
            cell = cell * len(COLORS) + state["color"]
            shape = (n_villages, len(DISEASES), len(COLORS))
            self.summary.counts[index] = np.bincount(cell, minlength=np.prod(shape)).reshape(shape)
            self.summary.rows += len(cell)
            self.summary.mismatched += int((state["level"] != state["color"]).sum())
            yield month, self._table(month, state)

    def _step(self, state: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        rng = self.rng
        n = len(state["color"])
        village_class = self.village_class[state["village"]]
        old, level = state["color"], state["level"]
        new = _draw(rng, self.transitions[self.group[state["village"]], old])
        u = rng.random(n)
        stale = (level != old) & (new == old)
        fix = np.where(village_class == 2, FIX_PER_MONTH[2], FIX_PER_MONTH[1])
        push = np.where(new > old, np.where(village_class == 2, PUSH_UP[2], PUSH_UP[1]), PUSH_DOWN)
        push = np.where(new == 2, np.minimum(push, PUSH_TO_RED), push)
        moved = ((new != old) & (u < push)) | (stale & (u < fix))
        state = dict(state, color=new, level=np.where(moved, new, level).astype(np.int8))

        # Leaving is per patient (both rows of a two-disease patient go together).
        exit_p = np.full(len(self.patient_ids), MONTHLY_EXIT)
        exit_p[state["patient"][state["color"] == 2]] *= 2
        leaving = rng.random(len(exit_p)) < exit_p
        keep = ~leaving[state["patient"]]
        state = {k: v[keep] for k, v in state.items()}
        current = np.bincount(state["village"], minlength=len(self.expected))
        arrivals = self._new_patients(rng.poisson(current * MONTHLY_ENTRY), NEW_PATIENT_MIX)
        # Some newly registered yellow/red patients stay at the village clinic for a while.
        late = (arrivals["color"] > 0) & (rng.random(len(arrivals["color"])) < 0.1)
        arrivals["level"][late] = 0
        return {k: np.concatenate([state[k], arrivals[k]]) for k in state}

    def _table(self, month: str, state: dict[str, np.ndarray]) -> pa.Table:
        n = len(state["patient"])

        def labels(codes: np.ndarray, values: list[str]) -> pa.DictionaryArray:
            return pa.DictionaryArray.from_arrays(
                pa.array(codes.astype(np.int32)), pa.array(values)
            )

        return pa.table(
            {
                "month": labels(np.zeros(n, dtype=np.int32), [month]),
                "patient_id": pa.array(self.patient_ids).take(pa.array(state["patient"])),
                "village_code": pa.DictionaryArray.from_arrays(
                    pa.array(state["village"].astype(np.int32)), self.village_codes
                ),
                "disease": labels(state["disease"], DISEASES),
                "color": labels(state["color"], COLORS),
                "managed_level": labels(state["level"], LEVELS),
            }
        )


def _draw(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One categorical draw per row of `probs` (rows sum to 1), as int8 codes."""
    cumulative = probs.cumsum(axis=1)
    u = rng.random(len(probs))[:, None]
    return np.minimum((u > cumulative[:, :-1]).sum(axis=1), probs.shape[1] - 1).astype(np.int8)
