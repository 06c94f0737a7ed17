"""The Playground page: any number of optimizers, each at its own settings, on one landscape."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from typing import Any

import streamlit as st

from figures import playground_figure, standalone_html, styled_series, surface_figure
from scenarios.fields import declarations
from scenarios.pages import PLAYGROUND, Playground
from scenarios.results import SlotRun, results_table, state_table, trajectories_csv
from scenarios.settings import OptimizerChoice, RunSettings, slot_labels

from .cache import slot_runs
from .controls import declared_controls
from .frame import chart, folded, on_a_phone
from .page import View, run_page
from .results import show_results
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
        with folded(f"How {title} works", f"pg.how.{spec.name}") as shown:
            if shown:
                st.latex(spec.update_rule)
                st.markdown(spec.explanation)
                year = f" ({spec.year})" if spec.year and str(spec.year) not in spec.paper else ""
                st.caption(spec.paper + year)
                if spec.notes:
                    st.caption(spec.notes)


#: The key of the step inspector's expander (open: ``st.session_state[INSPECT] = True``).
INSPECT = "pg.inspect_open"
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


def _figure_height(dim: int, lecture: bool, phone: bool) -> str:
    """The figure's height as CSS: the whole window below the title, and no taller than its width
    needs (the map square or the 1-D curve wide, beside the curves, the state panel and ▶ below)."""
    if lecture:  # below the title row, ▶ included, on any projector, window or slide iframe
        return "max(320px, calc(100vh - 110px))"
    if phone:  # one column: the map (as wide as the screen), the state panel, then the curves
        return "calc(200cqw + 400px)"
    per_width = "62cqw + 200px" if dim == 2 else "40cqw + 200px"
    return f"max(360px, min(calc(100vh - 100px), calc({per_width})))"


def _figure_caption(landscape: Any, picking: bool) -> str:
    """What the figure shows, in words."""
    where = ("the contour of f (log-spaced shading)" if landscape.log_scale and landscape.dim == 2 else
             "the contour of f" if landscape.dim == 2 else "the curve f(x)")
    known = "best found" if landscape.optima_found else "known"  # a typed function's are searched for
    gap = (f"the gap {landscape.gap_name}" + ("" if landscape.optima_found else " to the known best value f*")
           + " (log scale)" if landscape.optimum_value() is not None else "f")
    second = ("the iterate x" if landscape.dim == 1 else f"the distance to the nearest {known} optimum"
              if landscape.optima else "the gradient norm ‖∇f‖")
    toward = (f" toward the {known} optima (★)" if landscape.optima else
              ", which has no minimum that a search from a grid of starts found" if landscape.optima_found
              else "")
    click = (" Click on the map to start every optimizer there." if picking else
             " To set the start by clicking on the map, turn on “Click on the map to set the start” in the "
             "sidebar." if landscape.dim == 2 else "")
    return (f"The map: {where} with each optimizer's path from the start (○){toward}. "
            f"Beside it (below it on a phone): {gap} and {second} against the step. Press ▶ or drag "
            "the step slider: the current step moves on every chart, arrows show the direction of −g "
            "(g: the gradient the optimizer used; fixed length), the update and, for optimizers with "
            "a velocity, its direction, and the lines below the map read out each optimizer's point, "
            "value, gradient and state."
            + click)


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
        gradient = getattr(landscape, "gradient_latex", "")  # a typed function: what was understood
        st.markdown(f"**{landscape.title}**{formula}" + (f", with ${gradient}$" if gradient else ""))
    labels = slot_labels(settings.slots)
    seeds = settings.seeds if settings.run.noise > 0 else 1
    runs = slot_runs(settings.run, settings.slots, labels, seeds)
    drawn = [r for r in runs if r.trajectory is not None]
    series = styled_series([(r.label, r.trajectory) for r in drawn], [r.choice.colour for r in drawn])
    _divergence_notes(runs)
    if not series:
        st.info("Add an optimizer in the sidebar to see its path.")
        return

    # One figure: the map, the loss and a second curve, and the state panel, so that ▶ and the step
    # slider move all of them together. Its height comes from the page (CSS), to follow the window.
    phone = on_a_phone() and not view.lecture
    picking = settings.pick_start and landscape.dim == 2
    figure = playground_figure(landscape, series, style=replace(style, height=None),
                               arrangement="stacked" if phone else "side",
                               start_picker=PICKER_POINTS if picking else 0)
    chart(figure, LANDSCAPE_CHART, height=_figure_height(landscape.dim, view.lecture, phone),
          on_select=partial(_start_from_click, landscape.bounds) if picking else "ignore")
    if not view.lecture:
        st.caption(_figure_caption(landscape, picking)
                   + (f" The loss is the mean over {seeds} noise seeds, with a band from the 10th to the "
                      "90th percentile; everything else shows seed 0." if seeds > 1 else ""))
    if settings.surface and landscape.dim == 2:
        chart(surface_figure(landscape, series, style=style), "pg.surface_chart")
        st.caption("The same landscape as a surface, with the paths drawn on it; drag to rotate.")

    st.subheader("Results")
    show_results(results_table(landscape, runs, settings.tolerance))
    st.caption(f"Per optimizer: how its run ended, its final point and value, how far from the "
               f"{landscape.optimum_name} and the first step within the tolerance"
               + ("." if on_a_phone() else " (a header's tooltip says what it measures)."))

    with folded("Inspect one step: position, gradient, update and optimizer state", INSPECT) as shown:
        if shown:
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
    with folded(f"About {landscape.title}", "pg.about") as shown:
        if shown:
            if landscape.formula:
                st.latex(landscape.formula)
            st.markdown(landscape.description)



def render() -> None:
    """Draw the Playground (the app's landing page)."""
    run_page(PLAYGROUND, _sidebar, _heading, _body)
