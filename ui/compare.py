"""The Compare page: small multiples, the same optimizers on several landscapes, or one optimizer
at several learning rates ("too small / just right / too large" in one picture)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from figures import Panel, loss_figure, small_multiples, styled_series
from scenarios.pages import COMPARE, Comparison
from scenarios.results import SHARED_GAP, SlotRun, results_table, shared_column_names, trajectories_csv
from scenarios.settings import CUSTOM, slot_labels, with_landscape
from scenarios.values import format_number

from .cache import slot_runs
from .controls import declared_controls, list_emptied, selector_params
from .frame import chart, exports, on_a_phone
from .page import View, run_page
from .results import show_results
from .sidebar import optimizer_menu, run_options, slot_controls, slots_of, slots_section

#: Compare's tolerance for "steps to reach" in its results table.
TOLERANCE = 1e-6
#: Panels per row on a computer screen: two keep a map 360–380 px wide from a 1280 px window with the
#: sidebar to a full-HD one (three would leave about 250 px at 1400 px, curves too).
COLUMNS = 2
#: A panel's height in px on a phone, where the panels go one per row.
PHONE_PANEL_PX = 330
#: What the captions say about the panels' axes and the divergence marker (figures.traces.diverged_trace).
AXES_NOTE = "Both axes of a map have the same scale, so a narrow valley looks narrow."
DIVERGENCE_NOTE = ("✕ ends a run that diverged: at its last finite point, or, when that point lies outside "
                   "the panel, where the path leaves the panel for good; hover over ✕ for the step it "
                   "diverged at and its last finite point.")


def _grid(panels: list[Panel], view: View) -> object:
    """The small multiples as shown: two panels per row, or one per row on a phone."""
    if on_a_phone():
        return small_multiples(panels, columns=1, style=view.style, panel_px=PHONE_PANEL_PX)
    return small_multiples(panels, columns=COLUMNS, style=view.style)


def _results(table: pd.DataFrame) -> None:
    """The results table, without the final f where every row has its gap f − f*: the gap is what
    compares across landscapes, and the learning-rate panels' titles give f."""
    if SHARED_GAP in table.columns and table[SHARED_GAP].notna().all():
        table = table.drop(columns="final f")
    show_results(table)


def _sidebar(settings: Comparison) -> None:
    prefix = COMPARE.prefix
    declared_controls(settings, prefix, only=("mode",))
    if settings.mode == "landscapes":
        declared_controls(settings, prefix, only=("landscapes",))
        if CUSTOM in settings.landscapes:  # the function of its panel, held by the run's landscape
            selector_params(settings.run, "landscape", prefix)
        st.subheader("Optimizers")
        slots_section(settings, prefix)
        st.subheader("Run")
        # every panel starts from its own landscape's default start
        run_options(settings.run, prefix, start=False)
    else:
        declared_controls(settings.run, prefix, only=("landscape",))
        slots, slot = slots_of(settings), settings.slots[0]
        optimizer_menu(slots, prefix, 0, label="Optimizer")
        declared_controls(settings, prefix, only=("learning_rates",))
        with st.expander(f"{slot.title}: other hyperparameters"):
            slot_controls(slots, prefix, 0, slot, skip=("lr",))
        st.subheader("Run")
        run_options(settings.run, prefix)


def _landscape_panels(settings: Comparison) -> tuple[list[Panel], list[SlotRun], list[pd.DataFrame]]:
    labels = slot_labels(settings.slots)
    panels, all_runs, tables = [], [], []
    for name in settings.landscapes:
        run = with_landscape(settings.run, name)
        runs = slot_runs(run, settings.slots, labels)
        landscape = run.build_landscape()
        drawn = [r for r in runs if r.trajectory is not None]
        series = styled_series([(r.label, r.trajectory) for r in drawn], [r.choice.colour for r in drawn])
        panels.append(Panel(landscape.title, landscape, tuple(series)))
        all_runs.extend(replace(r, label=f"{r.label} · {landscape.title}") for r in runs)
        table = shared_column_names(results_table(landscape, runs, TOLERANCE), landscape)
        table.insert(0, "landscape", landscape.title)
        tables.append(table)
    return panels, all_runs, tables


def _lr_panels(settings: Comparison) -> tuple[list[Panel], list[SlotRun], pd.DataFrame, object]:
    base = settings.slots[0]
    choices = tuple(base.with_values(lr=lr) for lr in settings.learning_rates)
    labels = [f"lr = {format_number(lr)}" for lr in settings.learning_rates]
    runs = slot_runs(settings.run, choices, labels)
    landscape = settings.run.build_landscape()
    drawn = [r for r in runs if r.trajectory is not None]
    series = styled_series([(r.label, r.trajectory) for r in drawn])
    panels = []
    for s in series:
        traj = s.trajectory
        verdict = (f"diverged at step {int(traj.diverged_at[0])}" if traj.diverged[0]
                   else f"f = {traj.final_loss[0]:.4g}")
        panels.append(Panel(f"{s.label}: {verdict}", landscape, (s,)))
    return panels, runs, results_table(landscape, runs, TOLERANCE), (landscape, series)


def _body(view: View) -> None:
    settings, style = view.settings, view.style
    if settings.mode == "landscapes":
        if list_emptied(settings, "landscapes", COMPARE.prefix):
            st.info("Pick at least one landscape in the sidebar.")
        panels, runs, tables = _landscape_panels(settings)
        figure = _grid(panels, view)
        chart(figure, "cmp.grid")
        found = " (best found by a search, for your own function)" if CUSTOM in settings.landscapes else ""
        st.caption("Each panel is one landscape with every optimizer's path from that landscape's default "
                   f"start (○); stars mark the known optima{found}. {AXES_NOTE} {DIVERGENCE_NOTE}")
        st.subheader("Results")
        _results(pd.concat(tables, ignore_index=True))
    else:
        if list_emptied(settings, "learning_rates", COMPARE.prefix):
            st.info("Pick at least one learning rate in the sidebar.")
        panels, runs, table, (landscape, series) = _lr_panels(settings)
        st.markdown(f"**{settings.slots[0].title}** on **{landscape.title}**, {settings.run.steps} steps")
        figure = _grid(panels, view)
        chart(figure, "cmp.grid")
        notes = [AXES_NOTE, DIVERGENCE_NOTE] if landscape.dim == 2 else [DIVERGENCE_NOTE]
        st.caption("One panel per learning rate, same start and steps: too small crawls, too large "
                   f"oscillates or diverges. {' '.join(notes)}")
        chart(loss_figure(landscape, series, style=style), "cmp.loss")
        st.caption("Loss against step for every learning rate.")
        st.subheader("Results")
        _results(table)
    for slot in runs:
        if slot.error:
            st.error(slot.error)
    exports("cmp", "comparison", lambda: trajectories_csv(runs), lambda: figure, "Comparison")


def render() -> None:
    """Draw the Compare page."""
    run_page(COMPARE, _sidebar, lambda view: "Compare", _body)
