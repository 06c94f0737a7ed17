"""The Sweep page: one optimizer over a grid of its learning rate (and its second hyperparameter), every
cell a run, all in one batched engine call; choose a cell to see its path."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import streamlit as st

from explore import SweepResult
from figures import landscape_figure, styled_series
from figures.style import PALETTE
from figures.sweep import metric_label, sweep_figure
from lessons.quadratics import optimal_gd, optimal_heavy_ball
from optimizers import OPTIMIZERS, HyperparameterError, run
from scenarios.pages import SWEEP, SweepPage
from scenarios.results import format_quantity
from scenarios.sweeps import grid_axes, page_sweep, second_axis, usable_metric

from .controls import declared_controls
from .frame import chart
from .page import View, run_page
from .sidebar import run_options

GRID_CHART = "sw.grid"


def _sidebar(settings: SweepPage) -> None:
    prefix = SWEEP.prefix
    st.subheader("Landscape")
    declared_controls(settings.run, prefix, only=("landscape",))
    st.subheader("Grid")
    # other optimizers' curves exist only on one axis
    declared_controls(settings, prefix, skip=("run",) + (("others",) if settings.second else ()))
    st.subheader("Run")
    run_options(settings.run, prefix)


@st.cache_data(max_entries=64, show_spinner=False)
def cached_sweep(settings: SweepPage, metric: str) -> SweepResult:
    """The grid for ``settings`` (computed once per settings)."""
    return page_sweep(settings, metric)


def chosen_cell(grid: SweepResult) -> tuple[int, ...]:
    """The clicked cell, else the best one (the first of the lowest finite values)."""
    picked = (st.session_state.get(GRID_CHART) or {}).get("selection", {}).get("points") or []
    for point in picked:
        if len(grid.axes) == 1:  # the curve (its first trace): the point's index is the cell's
            if point.get("curve_number", 0) != 0 or not isinstance(point.get("point_index"), int):
                continue
            cell = (point["point_index"],)
        else:  # the invisible grid of points over the cells sits at the cells' indices
            cell = tuple(int(round(point.get(k, -1))) for k in ("x", "y"))
        if all(0 <= c < len(values) for c, (_, values) in zip(cell, grid.axes, strict=True)):
            return cell
    scores = np.where(grid.diverged | ~np.isfinite(grid.values), np.inf, grid.values)
    return tuple(int(i) for i in np.unravel_index(int(np.argmin(scores)), scores.shape))


def _theory(settings: SweepPage, landscape: Any, axes: dict[str, Any]) -> tuple[list, list, list]:
    """On a quadratic, for gradient descent and momentum: the stability edge, the best lr and the
    heavy ball's best setting, where they fall inside the grid."""
    if settings.run.landscape != "quadratic" or settings.optimizer not in ("sgd", "momentum", "nesterov"):
        return [], [], []
    low, high = landscape.eigenvalues
    lrs = axes["lr"]
    inside = lambda lr: lrs[0] <= lr <= lrs[-1]  # noqa: E731
    marks = [(lr, text) for lr, text in ((2 / high, "GD stability edge 2/λ_max"),
                                         (optimal_gd(low, high)[0], "best GD lr 2/(λ_min + λ_max)"))
             if inside(lr)]
    points, curves = [], []
    if "momentum" in axes and settings.optimizer == "momentum":
        lr, mu, rate = optimal_heavy_ball(low, high)
        if inside(lr) and axes["momentum"][0] <= mu <= axes["momentum"][-1]:
            points.append((lr, mu, f"heavy ball's best: lr {format_quantity(lr)}, μ {format_quantity(mu)}"))
        # the heavy ball is stable for 0 < lr·λ < 2(1 + μ) in every mode (Polyak 1964)
        mus = np.asarray(axes["momentum"], dtype=np.float64)
        curves.append((2 * (1 + mus) / high, mus, "momentum's stability edge 2(1 + μ)/λ_max"))
    return marks, points, curves


def _cell_run(settings: SweepPage, grid: SweepResult, cell: tuple[int, ...]) -> tuple[str, Any]:
    """The chosen cell's run, exactly as the grid ran it (with noise: the cell's own noise stream)."""
    hyper = grid.settings(*cell)  # the cell's axes and everything held fixed, engine options included
    if "seed" in hyper:  # cell k of a grid draws the stream seed + k (row-major)
        hyper["seed"] = int(hyper["seed"]) + int(np.ravel_multi_index(cell, grid.values.shape))
    landscape = settings.run.build_landscape()
    trajectory = run(settings.optimizer, landscape, settings.run.start_point(), settings.run.steps,
                     maximize=getattr(landscape, "goal", "minimize") == "maximize", **hyper)
    words = ", ".join(f"{'β₁' if name == 'betas' else name}={format_quantity(_first(v))}"
                      for name, v in hyper.items() if name in dict(grid.axes))
    return f"{OPTIMIZERS[settings.optimizer].title}, {words}", trajectory


def _body(view: View) -> None:
    settings, style = view.settings, view.style
    landscape = settings.run.build_landscape()
    metric, lacking = usable_metric(settings.metric, landscape)
    if lacking:
        st.info(f"{lacking}: showing the mean loss instead.")
    if not view.lecture:
        st.caption("Every cell is one run of the same optimizer from the same start, at the cell's "
                   "settings; all of them run in one batched engine call. Diverged settings are grey "
                   "(✕ on a curve). Click a cell (or a point of the curve) to draw its run below; the "
                   "best one is drawn until you do.")
    axes = grid_axes(settings)
    try:
        with st.spinner(f"Running {np.prod([len(v) for v in axes.values()])} settings of "
                        f"{OPTIMIZERS[settings.optimizer].title} on {landscape.title}…"):
            grid = cached_sweep(settings, metric)
    except ValueError as exc:  # a refused combination: say which
        st.error(f"This grid cannot run: {exc}")
        return
    cell = chosen_cell(grid)
    marks, points, curves = _theory(settings, landscape, axes)
    second = second_axis(settings.optimizer) if len(grid.axes) == 2 else None
    titles = ["lr"] + ([second.name if second.kind != "pair" else "β₁"] if second else [])
    others, main_name = [], None
    if len(grid.axes) == 1 and settings.others:
        main_name = OPTIMIZERS[settings.optimizer].title
        for name, colour in zip(settings.others, PALETTE[1:], strict=False):
            try:
                other = cached_sweep(replace(settings, optimizer=name, others=()), metric)
            except (ValueError, HyperparameterError) as exc:
                st.error(f"{OPTIMIZERS[name].title} could not run: {exc}")
                continue
            if len(other.axes) == 1:  # learning rate alone, as the first
                others.append((OPTIMIZERS[name].title, colour, other.values, other.diverged))
    figure = sweep_figure(grid.axes, grid.values, grid.diverged, metric, style=replace(style, height=None),
                          selected=cell, lr_marks=marks, point_marks=points, curve_marks=curves,
                          landscape=landscape, others=others, main_name=main_name,
                          axis_titles=titles)
    chart(figure, GRID_CHART, height="min(560px, 80vw)", on_select="rerun")
    total, diverged = grid.diverged.size, int(grid.diverged.sum())
    finite = np.isfinite(grid.values) & ~grid.diverged
    summary = f"{diverged} of {total} cells diverged." if diverged else "No cell diverged."
    if not finite.any():
        summary += (" No cell has a finite value: every setting diverged or never reached the tolerance; "
                    "try smaller learning rates or more steps.")
    else:
        best = np.unravel_index(int(np.argmin(np.where(finite, grid.values, np.inf))), grid.values.shape)
        named = dict(zip(axes, titles, strict=True))
        summary += (f" Best cell: {metric_label(metric, landscape)} = "
                    f"{format_quantity(float(grid.values[best]))} at " + ", ".join(
                        f"{named[name]} = {format_quantity(_first(v))}"
                        for name, v in grid.settings(*best).items() if name in axes) + ".")
    st.markdown(summary)

    label, trajectory = _cell_run(settings, grid, cell)
    series = styled_series([(label, trajectory)])
    st.subheader("The chosen cell's run")
    chart(landscape_figure(landscape, series, style=replace(style, height=None), animate=False), "sw.path",
          height="min(480px, 80vw)")
    value = grid.values[cell]
    st.caption(f"{label}: {metric_label(metric, landscape)} = "
               + ("diverged" if grid.diverged[cell] else format_quantity(float(value))) + ".")
    if not view.lecture:
        st.info("**Try this.** On the quadratic, sweep SGD's learning rate alone (second axis off): the "
                "cells turn grey just past the dashed stability edge 2/λ_max. Then sweep momentum with "
                "its second axis and find the heavy ball's star.")
    st.download_button("Download the grid (CSV)", data=lambda: grid.to_frame().to_csv(index=False),
                       file_name="sweep.csv", mime="text/csv", on_click="ignore", icon="⬇️", key="sw.csv")


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, tuple) else value


def render() -> None:
    """Draw the Sweep page."""
    run_page(SWEEP, _sidebar, lambda view: "Sweep", _body)

