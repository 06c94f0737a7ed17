"""Cached computations behind the pages, keyed by small immutable settings (never by arrays).

Caches are bounded: a classroom of students moving sliders must not grow the server's memory.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from scenarios.results import SlotRun, safe_run_slot
from scenarios.settings import OptimizerChoice, RunSettings

#: Runs kept: a class of 50 with three optimizers each is 150 current runs; an entry is 40–400 KB
#: (the path and the optimizer state at every step), so 256 of them stay under ~100 MB.
SLOT_RUNS_KEPT = 256


@st.cache_data(max_entries=SLOT_RUNS_KEPT, show_spinner=False)
def slot_run(run: RunSettings, choice: OptimizerChoice, label: str, particles: int = 1) -> SlotRun:
    """One slot's trajectory (or the reason it could not run), computed once per setting."""
    return safe_run_slot(run, choice, label, particles)


def slot_runs(run: RunSettings, slots: tuple[OptimizerChoice, ...], labels: list[str],
              particles: int = 1) -> list[SlotRun]:
    """Every slot's run, each cached on its own so changing one slider recomputes one slot;
    ``particles`` noise seeds each (particle 0 is the single run).

    A slot's colour is not part of the run: a new colour finds the run in the cache.
    """
    return [replace(slot_run(run, replace(choice, colour="auto"), label, particles), choice=choice)
            for choice, label in zip(slots, labels, strict=True)]
