"""The Playground page: any number of optimizers, each at its own settings, on one landscape."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from typing import Any

import streamlit as st

from figures import (
    coordinate_figure,
    distance_figure,
    landscape_figure,
    loss_figure,
    standalone_html,
    styled_series,
    surface_figure,
)
from scenarios.fields import declarations
from scenarios.pages import PLAYGROUND, Playground
from scenarios.results import SlotRun, display_table, results_table, state_table, trajectories_csv
from scenarios.settings import OptimizerChoice, RunSettings, slot_labels

from .cache import slot_runs
from .controls import declared_controls
from .frame import chart
from .page import View, run_page
from .sidebar import run_options, slots_section
from .state import push_state


def _sidebar(settings: Playground) -> None:
    prefix = PLAYGROUND.prefix
    st.subheader("Landscape")
    declared_controls(settings.run, prefix, only=("landscape",))
    st.subheader("Optimizers")
    slots_section(settings, prefix)
    st.subheader("Run")
    run_options(settings.run, prefix)
    st.subheader("Display")
    declared_controls(settings, prefix, skip=("run",))


def _divergence_notes(runs: list[SlotRun]) -> None:
    for slot in runs:
        if slot.error:
            st.error(slot.error)
        elif slot.trajectory.diverged[0]:
            st.warning(f"**{slot.label}** diverged at step {int(slot.trajectory.diverged_at[0])}: the step "
                       "size is too large here. Its path ends at ✕: its last finite point, or where it "
                       "leaves the view for good when that point is far outside (hover over ✕ for where "
                       "it went).")


def _explanations(slots: tuple[OptimizerChoice, ...]) -> None:
    seen = set()
    for slot in slots:
        title = slot.title
        if title in seen:
            continue
        seen.add(title)
        spec = slot.concrete
        with st.expander(f"How {title} works"):
            st.latex(spec.update_rule)
            st.markdown(spec.explanation)
            st.caption(f"{spec.paper}" + (f" ({spec.year})" if spec.year else ""))
            if spec.notes:
                st.caption(spec.notes)


#: The landscape chart's key; a click on it arrives in ``st.session_state[LANDSCAPE_CHART]``.
LANDSCAPE_CHART = "pg.landscape_chart"
#: Clickable points per side of the map when "click to set the start" is on: a grid about 11 px apart on
#: a 450 px map (26 KB of the page; a finer one costs bytes on every change).
PICKER_POINTS = 41


def picked_start(selection: Any, bounds: Sequence[Sequence[float]]) -> tuple[float, float] | None:
    """The point a click selected (Streamlit's Plotly selection state), rounded to the map's grid.

    None when nothing with coordinates was selected. Rounded to a thousandth of the window's width,
    so a start set by a click reads as ``1.25, -0.5``, not as the float32 of a grid point.
    """
    points = ((selection or {}).get("selection") or {}).get("points") or []
    for point in points:
        x, y = point.get("x"), point.get("y")
        if isinstance(x, (int, float)) and isinstance(y, (int, float)):
            width = max(hi - lo for lo, hi in bounds)
            decimals = max(0, math.ceil(-math.log10(width / 1000)))
            return round(float(x), decimals) + 0.0, round(float(y), decimals) + 0.0
    return None


def _start_from_click(bounds: Sequence[Sequence[float]]) -> None:
    """A click on the map: every optimizer starts there (the start widgets take the point)."""
    point = picked_start(st.session_state.get(LANDSCAPE_CHART), bounds)
    if point is not None:
        start = dict(declarations(RunSettings))["start"]
        push_state({start.widget_key(PLAYGROUND.prefix, k): v for k, v in enumerate(point)})


def _landscape_height(dim: int, lecture: bool) -> str:
    """The landscape's height as CSS: the whole window below the title, and no taller than its width
    needs (a square map, or a curve wider than tall, plus the legend and the ▶ controls, whose rows
    multiply on a narrow phone)."""
    if lecture:  # below the title row, ▶ included, on any projector, window or slide iframe
        return "max(320px, calc(100vh - 110px))"
    per_width = "100cqw + 260px" if dim == 2 else "60cqw + 260px"
    return f"max(320px, min(calc(100vh - 100px), calc({per_width})))"


def _heading(view: View) -> str:
    return view.settings.run.build_landscape().title if view.lecture else "Optimizer playground"


def _body(view: View) -> None:
    settings, style = view.settings, view.style
    landscape = settings.run.build_landscape()
    if not view.lecture:
        st.caption("Watch optimizers travel over a test function: start from a preset, or change the "
                   "landscape, an optimizer or its learning rate in the sidebar. The link always "
                   "reproduces what you see.")
        formula = f": ${landscape.formula}$" if landscape.formula else ""
        st.markdown(f"**{landscape.title}**{formula}")
    labels = slot_labels(settings.slots)
    runs = slot_runs(settings.run, settings.slots, labels)
    drawn = [r for r in runs if r.trajectory is not None]
    series = styled_series([(r.label, r.trajectory) for r in drawn], [r.choice.colour for r in drawn])
    _divergence_notes(runs)
    if not series:
        st.info("Add an optimizer in the sidebar to see its path.")
        return

    # Heights come from the page (CSS), so that they follow the window: see _landscape_height; the
    # curves are a fixed band, lower on a phone, where they would otherwise outgrow the map.
    sized_by_page = replace(style, height=None)
    curves_height = "400px" if view.lecture else "min(280px, 55vw)"
    # Side by side on a screen; stacked for a projector, where the landscape gets the full width.
    # Either way the landscape is the largest figure, sized to the window (see _landscape_height).
    if view.lecture:
        main = st.container()
        loss_column, second_column = st.columns(2, gap="medium")
    else:
        main, side = st.columns([2, 1], gap="medium")
        loss_column = second_column = side
    with main:
        picking = settings.pick_start and landscape.dim == 2
        figure = landscape_figure(landscape, series, style=sized_by_page,
                                  start_picker=PICKER_POINTS if picking else 0)
        chart(figure, LANDSCAPE_CHART, height=_landscape_height(landscape.dim, view.lecture),
              on_select=partial(_start_from_click, landscape.bounds) if picking else "ignore")
        st.caption(("Contour of f (log-spaced shading)" if landscape.log_scale and landscape.dim == 2 else
                    "Contour of f" if landscape.dim == 2 else "The curve f(x)")
                   + " with each optimizer's path from the start (○) toward the known optima (★). "
                   "Press ▶ or drag the step slider: arrows show the direction of −∇f (fixed length) "
                   "and the actual update."
                   + (" Click on the map to start every optimizer there." if picking else
                      " To set the start by clicking on the map, turn on “Click on the map to set the start” "
                      "in the sidebar." if landscape.dim == 2 else ""))
    with loss_column:
        chart(loss_figure(landscape, series, style=sized_by_page), "pg.loss_chart", height=curves_height)
        st.caption("Loss against step: the gap f − f* to the best known value, on a log scale."
                   if landscape.optimum_value() is not None else "Loss f against step.")
    with second_column:
        if landscape.dim == 1:
            chart(coordinate_figure(landscape, series, style=sized_by_page), "pg.coordinate_chart",
                  height=curves_height)
            st.caption("The iterate x against step; dotted lines mark the optima.")
        else:
            chart(distance_figure(landscape, series, style=sized_by_page), "pg.distance_chart",
                  height=curves_height)
            st.caption("Distance to the nearest known optimum against step." if landscape.optima
                       else "Gradient norm ‖∇f‖ against step (this landscape has no optimum to measure to).")
    if settings.surface and landscape.dim == 2:
        chart(surface_figure(landscape, series, style=style), "pg.surface_chart")
        st.caption("The same landscape as a surface, with the paths drawn on it; drag to rotate.")

    st.subheader("Results")
    st.dataframe(display_table(results_table(landscape, runs, settings.tolerance)), hide_index=True,
                 width="stretch")
    st.caption("Per optimizer: final point and value, how far from the optimum, the first step within "
               "the tolerance, and whether it diverged.")

    with st.expander("Inspect one step: position, gradient, update and optimizer state"):
        steps = settings.run.steps
        step = st.slider("Step", 0, steps, steps, key="pg.inspect")
        st.dataframe(state_table(drawn, step), hide_index=True, width="stretch")

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



def render() -> None:
    """Draw the Playground (the app's landing page)."""
    run_page(PLAYGROUND, _sidebar, _heading, _body)
