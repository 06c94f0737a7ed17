"""The Playground page: any number of optimizers, each at its own settings, on one landscape."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from figures import (
    FigureStyle,
    coordinate_figure,
    distance_figure,
    landscape_figure,
    loss_figure,
    standalone_html,
    styled_series,
    surface_figure,
)
from scenarios.codec import decode_playground, encode_playground
from scenarios.presets import presets_for
from scenarios.results import SlotRun, results_table, trajectories_csv
from scenarios.settings import TOLERANCE, OptimizerChoice, Playground, default_playground, slot_labels
from scenarios.values import value_grid

from .cache import slot_runs
from .frame import (
    Frame,
    apply_query,
    chart,
    lecture_toggle,
    load_settings,
    push_state,
    share_panel,
    show_notices,
    store_settings,
)
from .sidebar import landscape_section, presets_section, run_options_section, slots_section
from .widget_state import playground_state, read_playground, read_slots, slots_state

PAGE = "playground"
PAGE_PATH = "app.py"


def _current(previous: Playground) -> Playground:
    return read_playground(st.session_state, previous)


def _sidebar(settings: Playground, frame: Frame) -> None:
    def load(query: Mapping[str, str]) -> None:
        apply_query(PAGE, query, decode_playground, playground_state)

    def store_slots(slots: tuple[OptimizerChoice, ...]) -> None:
        push_state(slots_state("pg", slots))

    with st.sidebar:
        presets_section(presets_for(PAGE), load)
        st.subheader("Landscape")
        landscape_section("pg", settings.run)
        st.subheader("Optimizers")
        slots_section("pg", settings.slots, store_slots,
                      lambda: read_slots("pg", st.session_state, settings.slots))
        st.subheader("Run")
        run_options_section("pg", settings.run)
        st.subheader("Display")
        st.select_slider("Tolerance for “steps to reach”",
                         options=value_grid(TOLERANCE, (settings.tolerance,)), key="pg.tol",
                         format_func=lambda v: f"{v:g}",
                         help="A run has converged once f − f* (or ‖∇f‖ without a known optimum) is "
                              "this small.")
        if settings.run.build_landscape().dim == 2:
            st.toggle("3-D surface view", key="pg.surface")
        st.button("Reset to defaults", key="pg.reset", on_click=load, args=({},), icon="🔄", type="tertiary")
        lecture_toggle(frame)
        with st.expander("Share this view"):
            share_panel(encode_playground(settings), PAGE_PATH)


def _divergence_notes(runs: list[SlotRun]) -> None:
    for slot in runs:
        if slot.error:
            st.error(slot.error)
        elif slot.trajectory.diverged[0]:
            st.warning(f"**{slot.label}** diverged at step {int(slot.trajectory.diverged_at[0])}: the step "
                       "size is too large here. Its path ends (✕) at the last finite point.")


def _state_table(landscape, runs: list[SlotRun], step: int) -> pd.DataFrame:
    """Each optimizer at one step: where it is, the gradient it used, its update and its state."""
    rows = []
    for slot in runs:
        traj = slot.trajectory
        if traj is None:
            continue
        row_index = int(min(step, traj.path.shape[0] - 1))
        x = traj.path[row_index, 0]
        row = {"optimizer": slot.label, "step": int(traj.path_steps[row_index]),
               "x": ", ".join(f"{v:.5g}" for v in x), "f": float(traj.loss[row_index, 0])}
        for name, values in traj.state.items():
            if name == "grad":
                name = "∇f used"
            row[name] = ", ".join(f"{v:.4g}" for v in values[row_index, 0])
        if row_index + 1 < traj.path.shape[0]:
            row["update Δx"] = ", ".join(f"{v:.4g}" for v in traj.path[row_index + 1, 0] - x)
        rows.append(row)
    return pd.DataFrame(rows)


def _explanations(slots: tuple[OptimizerChoice, ...]) -> None:
    seen = set()
    for slot in slots:
        title = slot.title
        if title in seen:
            continue
        seen.add(title)
        spec = slot.spec.specialize(dict(slot.hyper)) if slot.spec.specialize else slot.spec
        with st.expander(f"How {title} works"):
            st.latex(spec.update_rule)
            st.markdown(spec.explanation)
            st.caption(f"{spec.paper}" + (f" ({spec.year})" if spec.year else ""))
            if spec.notes:
                st.caption(spec.notes)


def render() -> None:
    """Draw the Playground (the app's landing page)."""
    from .frame import page_frame

    frame = page_frame("Playground", "🧭")
    settings = load_settings(PAGE, decode_playground, playground_state, default_playground())
    settings = _current(settings)
    push_state(playground_state(settings))
    _sidebar(settings, frame)
    encoded = encode_playground(settings)
    notices = store_settings(PAGE, settings, encoded, frame.lecture)

    landscape = settings.run.build_landscape()
    st.title("Optimizer playground" if not frame.lecture else landscape.title)
    if not frame.lecture:
        formula = f": ${landscape.formula}$" if landscape.formula else ""
        st.markdown(f"**{landscape.title}**{formula}")
    show_notices(notices)

    labels = slot_labels(settings.slots)
    runs = slot_runs(settings.run, settings.slots, labels)
    drawn = [r for r in runs if r.trajectory is not None]
    series = styled_series([(r.label, r.trajectory) for r in drawn])
    style = FigureStyle(lecture=True, height=760) if frame.lecture else FigureStyle()
    _divergence_notes(runs)
    if not series:
        st.info("Add an optimizer in the sidebar to see its path.")
        return

    # Side by side on a screen; stacked for a projector, where the landscape gets the full width.
    if frame.lecture:
        main = st.container()
        loss_column, second_column = st.columns(2, gap="medium")
    else:
        main, side = st.columns([3, 2], gap="medium")
        loss_column = second_column = side
    with main:
        figure = landscape_figure(landscape, series, style=style)
        chart(figure, "pg.landscape_chart")
        st.caption(("Contour of f (log-spaced shading)" if landscape.log_scale and landscape.dim == 2 else
                    "Contour of f" if landscape.dim == 2 else "The curve f(x)")
                   + " with each optimizer's path from the start (○) toward the known optima (★). "
                   "Press ▶ or drag the step slider: arrows show the direction of −∇f (fixed length) "
                   "and the actual update.")
    with loss_column:
        chart(loss_figure(landscape, series, style=style), "pg.loss_chart")
        st.caption("Loss against step: the gap f − f* to the best known value, on a log scale."
                   if landscape.optimum_value() is not None else "Loss f against step.")
    with second_column:
        if landscape.dim == 1:
            chart(coordinate_figure(landscape, series, style=style), "pg.coordinate_chart")
            st.caption("The iterate x against step; dotted lines mark the optima.")
        else:
            chart(distance_figure(landscape, series, style=style), "pg.distance_chart")
            st.caption("Distance to the nearest known optimum against step." if landscape.optima
                       else "Gradient norm ‖∇f‖ against step (this landscape has no optimum to measure to).")
    if settings.surface and landscape.dim == 2:
        chart(surface_figure(landscape, series, style=style), "pg.surface_chart")
        st.caption("The same landscape as a surface, with the paths drawn on it; drag to rotate.")

    st.subheader("Results")
    st.dataframe(results_table(landscape, runs, settings.tolerance), hide_index=True, width="stretch")
    st.caption("Per optimizer: final point and value, how far from the optimum, the first step within "
               "the tolerance, and whether it diverged.")

    with st.expander("Inspect one step: position, gradient, update and optimizer state"):
        steps = settings.run.steps
        step = st.slider("Step", 0, steps, steps, key="pg.inspect")
        st.dataframe(_state_table(landscape, drawn, step), hide_index=True, width="stretch")

    download_csv, download_html = st.columns(2)
    download_csv.download_button(
        "Download trajectories (CSV)", data=lambda: trajectories_csv(runs), file_name="trajectories.csv",
        mime="text/csv", on_click="ignore", icon="⬇️", key="pg.csv")
    download_html.download_button(
        "Download figure (HTML, offline, with animation)",
        data=lambda: standalone_html(figure, f"{landscape.title}: " + ", ".join(labels)),
        file_name="optimizer-paths.html", mime="text/html", on_click="ignore", icon="⬇️", key="pg.html")

    _explanations(settings.slots)
    with st.expander(f"About {landscape.title}"):
        if landscape.formula:
            st.latex(landscape.formula)
        st.markdown(landscape.description)

