"""The Compare page: small multiples, the same optimizers on several landscapes, or one optimizer
at several learning rates ("too small / just right / too large" in one picture)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import pandas as pd
import streamlit as st

from figures import FigureStyle, Panel, loss_figure, small_multiples, standalone_html, styled_series
from landscapes import LANDSCAPES
from optimizers import OPTIMIZERS
from scenarios.codec import decode_comparison, encode_comparison
from scenarios.presets import presets_for
from scenarios.results import SlotRun, results_table, trajectories_csv
from scenarios.settings import (
    MAX_LEARNING_RATES,
    MAX_PANELS,
    Comparison,
    OptimizerChoice,
    default_comparison,
    effective_params,
    slot_labels,
    with_landscape,
)
from scenarios.values import format_number, value_grid

from .cache import slot_runs
from .controls import param_control
from .frame import (
    apply_query,
    chart,
    lecture_toggle,
    load_settings,
    page_frame,
    push_state,
    share_panel,
    show_notices,
    store_settings,
)
from .sidebar import landscape_section, presets_section, run_options_section, slots_section
from .widget_state import comparison_state, read_comparison, read_slots, slot_key, slot_name_key, slots_state

PAGE = "compare"
PAGE_PATH = "pages/compare.py"
_MODES = {"landscapes": "Several landscapes", "learning_rates": "Several learning rates"}


def _lr_options(settings: Comparison) -> list[float]:
    lr = OPTIMIZERS["sgd"].param("lr")
    return list(value_grid(lr, tuple(settings.learning_rates)))


def _sidebar(settings: Comparison, lecture) -> None:
    def load(query: Mapping[str, str]) -> None:
        apply_query(PAGE, query, decode_comparison, comparison_state)

    def store_slots(slots: tuple[OptimizerChoice, ...]) -> None:
        push_state(slots_state("cmp", slots))

    with st.sidebar:
        presets_section(presets_for(PAGE), load)
        st.segmented_control("Compare", list(_MODES), key="cmp.mode", format_func=_MODES.get)
        if settings.mode == "landscapes":
            st.multiselect("Landscapes", list(LANDSCAPES), key="cmp.landscapes", max_selections=MAX_PANELS,
                           format_func=lambda k: LANDSCAPES[k].title,
                           help="Each landscape gets a panel; every optimizer starts from its default start.")
            st.subheader("Optimizers")
            slots_section("cmp", settings.slots, store_slots,
                          lambda: read_slots("cmp", st.session_state, settings.slots))
            st.subheader("Run")
            run_options_section("cmp", settings.run, show_start=False)
        else:
            landscape_section("cmp", settings.run)
            slot = settings.slots[0]
            st.selectbox("Optimizer", list(OPTIMIZERS), key=slot_name_key("cmp", 0),
                         format_func=lambda k: OPTIMIZERS[k].title)
            st.multiselect("Learning rates", _lr_options(settings), key="cmp.lrs",
                           max_selections=MAX_LEARNING_RATES, format_func=format_number,
                           help="One panel per learning rate.")
            with st.expander(f"{slot.title}: other hyperparameters"):
                for param in effective_params(slot.spec, dict(slot.hyper)):
                    if param.name != "lr":
                        param_control(param, slot_key("cmp", 0, slot.name, param.name))
            st.subheader("Run")
            run_options_section("cmp", settings.run)
        st.button("Reset to defaults", key="cmp.reset", on_click=load, args=({},), icon="🔄", type="tertiary")
        lecture_toggle(lecture)
        with st.expander("Share this view"):
            share_panel(encode_comparison(settings), PAGE_PATH)


def _landscape_panels(settings: Comparison) -> tuple[list[Panel], list[SlotRun], list[pd.DataFrame]]:
    labels = slot_labels(settings.slots)
    panels, all_runs, tables = [], [], []
    for name in settings.landscapes:
        run = with_landscape(settings.run, name)
        runs = slot_runs(run, settings.slots, labels)
        landscape = run.build_landscape()
        drawn = [r for r in runs if r.trajectory is not None]
        series = styled_series([(r.label, r.trajectory) for r in drawn])
        panels.append(Panel(landscape.title, landscape, tuple(series)))
        all_runs.extend(replace(r, label=f"{r.label} · {landscape.title}") for r in runs)
        table = results_table(landscape, runs, 1e-6)
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
    return panels, runs, results_table(landscape, runs, 1e-6), (landscape, series)


def render() -> None:
    """Draw the Compare page."""
    frame = page_frame("Compare", "🔲")
    settings = load_settings(PAGE, decode_comparison, comparison_state, default_comparison())
    settings = read_comparison(st.session_state, settings)
    push_state(comparison_state(settings))
    _sidebar(settings, frame)
    notices = store_settings(PAGE, settings, encode_comparison(settings), frame.lecture)
    style = FigureStyle(lecture=True, height=760) if frame.lecture else FigureStyle()

    st.title("Compare")
    show_notices(notices)
    if settings.mode == "landscapes":
        if not st.session_state.get("cmp.landscapes"):
            st.info("Pick at least one landscape in the sidebar.")
        panels, runs, tables = _landscape_panels(settings)
        figure = small_multiples(panels, columns=min(3, len(panels)), style=style)
        chart(figure, "cmp.grid")
        st.caption("Each panel is one landscape with every optimizer's path from that landscape's default "
                   "start (○); stars mark the known optima, ✕ a divergence.")
        st.subheader("Results")
        st.dataframe(pd.concat(tables, ignore_index=True), hide_index=True, width="stretch")
    else:
        if not st.session_state.get("cmp.lrs"):
            st.info("Pick at least one learning rate in the sidebar.")
        panels, runs, table, (landscape, series) = _lr_panels(settings)
        st.markdown(f"**{settings.slots[0].title}** on **{landscape.title}**, {settings.run.steps} steps")
        figure = small_multiples(panels, columns=min(4, len(panels)), style=style)
        chart(figure, "cmp.grid")
        st.caption("One panel per learning rate, same start and steps: too small crawls, too large "
                   "oscillates or diverges (✕).")
        chart(loss_figure(landscape, series, style=style), "cmp.loss")
        st.caption("Loss against step for every learning rate.")
        st.subheader("Results")
        st.dataframe(table, hide_index=True, width="stretch")
    for slot in runs:
        if slot.error:
            st.error(slot.error)
    left, right = st.columns(2)
    left.download_button("Download trajectories (CSV)", data=lambda: trajectories_csv(runs),
                         file_name="comparison.csv", mime="text/csv", on_click="ignore", icon="⬇️",
                         key="cmp.csv")
    right.download_button("Download figure (HTML)", data=lambda: standalone_html(figure, "Comparison"),
                          file_name="comparison.html", mime="text/html", on_click="ignore", icon="⬇️",
                          key="cmp.html")
