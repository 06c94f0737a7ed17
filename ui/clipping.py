"""Lesson: gradient clipping (its geometry, and what it saves on a steep landscape) and learning-rate
schedules (every one's lr(t), and one beside the runs it drives)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st

from figures import FigureStyle, landscape_figure, loss_figure, styled_series
from figures.clipping import clip_figure, schedule_figure, schedules_figure
from lessons.clipping import clip_geometry, schedule_curve
from optimizers import SCHEDULES
from scenarios.lessons import SCHEDULED, clipping_runs, schedule_runs
from scenarios.pages import CLIPPING, ClippingLesson
from scenarios.results import (
    SlotRun,
    display_table,
    format_quantity,
    results_table,
    trajectories_csv,
)
from scenarios.settings import OptimizerChoice

from .cache import slot_run
from .controls import declared_controls
from .frame import chart, exports, on_a_phone, side_by_side
from .page import View, run_page

#: The notes' names for the schedules, where they differ, and how each maps onto torch's.
NOTES_NAMES = (
    ("power scheduling", "power", "1/(1 + t/s)ᶜ: the same formula"),
    ("exponential scheduling", "exponential",
     "0.1^(t/s) is γᵗ with γ = 0.1^(1/s): s = 100 gives γ ≈ 0.97724"),
    ("piecewise constant scheduling", "piecewise", "the lr times γ at each milestone"),
    ("performance scheduling", "plateau", "torch's ReduceLROnPlateau: the lr times a factor after a plateau"),
    ("1cycle scheduling", "one_cycle", "torch's OneCycleLR, with the momentum cycling the other way"),
)


def _sidebar(settings: ClippingLesson) -> None:
    st.subheader("Clipping")
    declared_controls(settings, CLIPPING.prefix, only=("gradient", "threshold", "lr"))
    st.subheader("Schedules")
    declared_controls(settings, CLIPPING.prefix, only=("schedule", "noise", "steps"))


def _vector(v: np.ndarray, decimals: int | None = None) -> str:
    """8 significant digits, or a fixed number of decimals (a clipped norm's last digits differ)."""
    return "(" + ", ".join(f"{float(x):.8g}" if decimals is None else f"{float(x):.{decimals}f}"
                           for x in v) + ")"


def geometry_rows(clipped) -> pd.DataFrame:
    """The gradient and its clipped versions: the vector (8 significant digits), its norm, and how far
    it turned from the gradient."""
    g, c = clipped.gradient, clipped.threshold
    norm = float(np.linalg.norm(g))
    exact = g * min(1.0, c / norm) if norm > 0 else g
    rows = [("g", g, 0.0, None),
            ("by value", clipped.by_value, clipped.value_turn, None),
            ("by norm: c·g/‖g‖", exact, 0.0, 8),
            ("by norm, torch: c·g/(‖g‖ + 10⁻⁶)", clipped.by_norm, clipped.norm_turn, 8)]
    return pd.DataFrame([{"clipped": name, "vector": _vector(v, decimals),
                          "norm": f"{float(np.linalg.norm(v)):.8g}", "turned from g": f"{turn:.1f}°"}
                         for name, v, turn, decimals in rows])


def _geometry(settings: ClippingLesson, view: View) -> None:
    clipped = clip_geometry(settings.gradient, settings.threshold)
    st.dataframe(geometry_rows(clipped), hide_index=True, width="stretch")
    st.caption("By value: torch.nn.utils.clip_grad_value_. By norm: the definition, and "
               "torch.nn.utils.clip_grad_norm_, which adds 10⁻⁶ to the norm (its last digits differ).")
    height = 760 if on_a_phone() else 420
    style = FigureStyle(lecture=view.lecture, height=round(height * (1.4 if view.lecture else 1)))
    chart(clip_figure(clipped, stacked=on_a_phone(), style=style), "cs.geometry")
    st.caption("Clipping by value clamps each component on its own: a gradient with one huge component "
               "lands on the box's edge and turns toward its diagonal, so the step no longer points where "
               "the gradient does. Clipping by norm shrinks the whole vector onto the ball and keeps its "
               "direction. torch divides by ‖g‖ + 10⁻⁶, so a clipped norm is a hair under c.")


def _runs(pairs: list[tuple[str, object]], choice: OptimizerChoice) -> list[SlotRun]:
    return [slot_run(run, choice, label) for label, run in pairs]


def _map_and_loss(landscape, series, style: FigureStyle, key: str) -> None:
    """The runs' paths on the map, and beside them their loss."""
    left, right = side_by_side([3, 2])
    with left:
        chart(landscape_figure(landscape, series, style=style, animate=False), f"{key}_paths")
    with right:
        chart(loss_figure(landscape, series, style=style), f"{key}_loss")


def _steep(settings: ClippingLesson, view: View) -> None:
    pairs = clipping_runs(settings)
    runs = _runs(pairs, OptimizerChoice.of("sgd", lr=settings.lr))
    landscape = pairs[0][1].build_landscape()
    drawn = [r for r in runs if r.trajectory is not None]
    series = styled_series([(r.label, r.trajectory) for r in drawn])
    style = FigureStyle(lecture=view.lecture, height=560 if view.lecture else 420)
    _map_and_loss(landscape, series, style, "cs.steep")
    table = results_table(landscape, runs, 1e-6).rename(columns={"optimizer": "SGD"})
    st.dataframe(display_table(table), hide_index=True, width="stretch")
    st.caption(f"SGD at lr {format_quantity(settings.lr)} on Rosenbrock from (−1.5, 2), where the gradient's "
               "norm is about 160: one step of lr·g jumps far out of the valley, and the next gradient "
               "is larger still. Clipping bounds every step by lr·c (by norm) or lr·c per coordinate "
               "(by value).")


def _schedules(settings: ClippingLesson, view: View) -> None:
    pairs = schedule_runs(settings)
    runs = _runs(pairs, SCHEDULED)
    constant, scheduled = runs
    losses = scheduled.trajectory.loss[:, 0] if scheduled.trajectory is not None else None
    chosen = SCHEDULES[settings.schedule].title
    curves = {}
    for name, spec in SCHEDULES.items():
        params = dict(settings.schedule_params) if name == settings.schedule else {}
        # reduce-on-plateau follows a run's losses: the scheduled run's when chosen, else the constant one's
        own = losses if name == settings.schedule else constant.trajectory.loss[:, 0]
        curves[spec.title] = schedule_curve((name, params), settings.steps, own).multiplier
    style = FigureStyle(lecture=view.lecture, height=520 if view.lecture else 360)
    chart(schedules_figure(curves, chosen, style=style), "cs.all")
    st.caption("Every schedule at its default parameters (the chosen one with yours), as the factor that "
               "multiplies the learning rate at each step. Reduce-on-plateau cuts the rate when the loss "
               "stops improving, so its curve is that of a run (here the run below).")
    if scheduled.trajectory is None:
        st.warning(scheduled.error or "The scheduled run could not run.")
        return
    curve = schedule_curve((settings.schedule, dict(settings.schedule_params)), settings.steps, losses)
    series = styled_series([(r.label, r.trajectory) for r in runs if r.trajectory is not None])
    landscape = pairs[0][1].build_landscape()
    short = replace(style, height=round(0.75 * style.height))
    chart(schedule_figure(curve, SCHEDULED.value("lr"), style=short), "cs.chosen")
    _map_and_loss(landscape, series, style, "cs.schedule")
    table = results_table(landscape, runs, 1e-6).rename(columns={"optimizer": "SGD + momentum, lr 0.05"})
    st.dataframe(display_table(table), hide_index=True, width="stretch")
    st.caption(f"SGD with momentum 0.9 at lr 0.05 on the quadratic (κ = 10) with gradient noise σ = "
               f"{format_quantity(settings.noise)}: at a constant learning rate the iterates keep jittering "
               "around the minimum; a schedule that ends small lets them settle.")
    notes = pd.DataFrame([{"the notes call it": notes_name, "here": SCHEDULES[name].title, "how": how}
                          for notes_name, name, how in NOTES_NAMES])
    st.dataframe(notes, hide_index=True, width="stretch")


def _body(view: View) -> None:
    settings = view.settings
    if not view.lecture:
        st.caption("Two ways to keep a step in bounds: clip the gradient, or shrink the learning rate "
                   "over time.")
    st.subheader("The geometry of clipping")
    _geometry(settings, view)
    st.subheader("A steep landscape at a large learning rate")
    _steep(settings, view)
    st.subheader("Learning-rate schedules")
    _schedules(settings, view)
    st.info("**Try this.** Set g to (3, 4) and c to 1: both clippings give the same direction only when "
            "the components are equal. On Rosenbrock, raise the learning rate until even the clipped runs "
            "stop improving. Choose one-cycle, switch on its momentum cycling and watch the momentum fall "
            "while the learning rate rises.")
    clipped = clip_geometry(settings.gradient, settings.threshold)
    steep = _runs(clipping_runs(settings), OptimizerChoice.of("sgd", lr=settings.lr))  # cached
    exports("cs", "clipping", lambda: trajectories_csv(steep), lambda: clip_figure(clipped), "Clipping",
            data_label="the Rosenbrock runs", figure_label="the clipping figure")


def render() -> None:
    """Draw the lesson on clipping and schedules."""
    run_page(CLIPPING, _sidebar,
             lambda view: "Clipping and schedules" if view.lecture else "Gradient clipping and schedules",
             _body)
