"""The Race page: every optimizer tuned by the same grid search, then all race from one start."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st

from explore import Entry, race
from figures import landscape_figure, styled_series
from figures.race import race_figure
from figures.sweep import metric_label
from optimizers import OPTIMIZERS
from scenarios.pages import RACE, RacePage
from scenarios.results import format_quantity
from scenarios.sweeps import usable_metric

from .controls import declared_controls, list_emptied
from .frame import chart
from .page import View, run_page
from .sidebar import run_options

#: Each chart's height: its legend lists every racer, so on a phone it needs more than its width.
PANEL_HEIGHT = "max(380px, min(460px, 70vw))"


def _sidebar(settings: RacePage) -> None:
    prefix = RACE.prefix
    st.subheader("Landscape")
    declared_controls(settings.run, prefix, only=("landscape",))
    st.subheader("Race")
    declared_controls(settings, prefix, skip=("run",))
    st.subheader("Run")
    run_options(settings.run, prefix)


@st.cache_data(max_entries=16, show_spinner=False)
def cached_race(settings: RacePage, objective: str) -> list[Entry]:
    """The race for ``settings`` (computed once per settings)."""
    run = settings.run
    seeds = settings.seeds if run.noise > 0 else 1
    return race(settings.racers, run.build_landscape(), run.steps, x0=run.start_point(), objective=objective,
                budget=settings.budget, noise=run.noise, seeds=seeds)


def tuned_label(entry: Entry) -> str:
    """``Adam (lr 0.0139, β₁ 0.9)``: the optimizer and the values its tuning chose."""
    words = []
    for name, value in entry.tuned.settings.items():
        if name in ("lr", "momentum", "betas", "alpha", "rho", "beta", "mu"):
            shown = value[0] if isinstance(value, tuple) else value
            words.append(f"{'β₁' if name == 'betas' else name} {format_quantity(shown)}")
    return f"{OPTIMIZERS[entry.tuned.optimizer].title} ({', '.join(words)})"


def _body(view: View) -> None:
    settings, style = view.settings, view.style
    landscape = settings.run.build_landscape()
    if list_emptied(settings, "racers", RACE.prefix):
        st.info("Pick at least one optimizer in the sidebar.")
    objective, lacking = usable_metric(settings.objective, landscape)
    if lacking:
        st.info(f"{lacking}: tuning for the mean loss instead.")
    noisy = settings.run.noise > 0
    if not view.lecture:
        st.caption(f"Each optimizer is tuned the same way: {settings.budget} settings, a log grid over its "
                   "learning rate (and its momentum or β₁), each scored by its "
                   f"{metric_label(objective, landscape)} ({settings.run.steps} steps)"
                   + (f", averaged over {settings.seeds} noise seeds" if noisy else "")
                   + ". Then the best setting of each races from the same start. Legends give the tuned "
                   "values.")
    with st.spinner(f"Tuning {len(settings.racers)} optimizers over {settings.budget} settings each…"):
        entries = cached_race(settings, objective)
    labels = [tuned_label(e) for e in entries]
    series = styled_series([(label, e.trajectory) for label, e in zip(labels, entries, strict=True)])
    best = landscape.optimum_value()
    maximize = getattr(landscape, "goal", "minimize") == "maximize"
    curves = []
    for s, entry in zip(series, entries, strict=True):
        loss = np.asarray(entry.trajectory.loss, dtype=np.float64)
        gap = (best - loss if maximize else loss - best) if best is not None else loss
        curves.append((s.label, s.colour, gap))
    y_title = (landscape.gap_name if best is not None else "f") + " (log scale)"
    left, right = st.columns([3, 2], gap="medium")
    with left:
        chart(race_figure(curves, y_title=y_title, style=replace(style, height=None)), "rc.curves",
              height=PANEL_HEIGHT)
        st.caption("Loss against step for each tuned optimizer"
                   + (": the mean over the seeds, with a band from the 10th to the 90th percentile."
                      if noisy else "."))
    with right:
        chart(landscape_figure(landscape, series, style=replace(style, height=None), animate=False),
              "rc.paths", height=PANEL_HEIGHT)
        st.caption("The tuned runs from the common start" + (" (seed 0)." if noisy else "."))
    rows = []
    for label, entry in zip(labels, entries, strict=True):
        final = np.asarray(entry.trajectory.final_loss, dtype=np.float64)
        final_f = "final f (mean over seeds)" if noisy else "final f"
        rows.append({"optimizer": label, f"tuning score ({metric_label(objective, landscape)})":
                     format_quantity(entry.tuned.score), final_f: format_quantity(float(np.mean(final))),
                     "diverged": "yes" if entry.trajectory.diverged.any() else "no"})
    st.subheader("Results")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if not view.lecture:
        st.info("**Try this.** Add gradient noise (σ = 1) under the run options: each optimizer is then "
                "tuned on its mean over the seeds, and the bands show which one is reliably good rather "
                "than lucky. Then give momentum a larger budget: 64 settings are only 8 learning rates.")
    st.download_button(
        "Download the tuning grids (CSV)", file_name="race.csv", mime="text/csv", on_click="ignore", icon="⬇️",
        key="rc.csv", data=lambda: pd.concat([e.tuned.grid.to_frame().assign(optimizer=e.tuned.optimizer)
                                              for e in entries], ignore_index=True).to_csv(index=False))


def render() -> None:
    """Draw the Race page."""
    run_page(RACE, _sidebar, lambda view: "A fair race", _body)
