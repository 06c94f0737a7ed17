"""Lesson: adaptive learning rates (AdaGrad, RMSprop, Adam) on an ill-conditioned valley, Adam without
its bias correction, and weight decay as L2 (Adam) against decoupled (AdamW)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from figures import FigureStyle, landscape_figure, styled_series
from figures.adaptive import effective_lr_figure, step_size_figure
from lessons.adaptive import correction_factor, effective_lr, l2_minimum, uncorrected_adam
from optimizers import Trajectory, run
from scenarios.lessons import adaptive_choices, adaptive_run, decay_choices
from scenarios.pages import ADAPTIVE, AdaptiveLesson
from scenarios.results import SlotRun, format_point, format_quantity, trajectories_csv
from scenarios.settings import RunSettings

from .cache import slot_runs
from .controls import declared_controls
from .frame import chart, exports, side_by_side
from .page import View, run_page

BETAS = (0.9, 0.999)  # Adam's defaults (torch)
#: Where the course notes' formulas for these methods differ from torch.optim and optax.
NOTES = (
    "**About the notes.** Their AMSGrad keeps the running maximum of the *bias-corrected* v̂; "
    "torch.optim.Adam(amsgrad=True), which the engine follows, keeps the maximum of the raw v and corrects "
    "afterwards. The corrected v̂ of the first step is the whole first g², so the notes' maximum remembers "
    "the first gradients at full size, and their steps stay small long after the gradients shrink. Their "
    "Lion adds the decay λθₜ, the parameters being computed; optax's Lion (and the engine) decays θₜ₋₁, "
    "the parameters before the step. Their Adam divides by one power of β too few (see the lesson on "
    "averages).")


def _sidebar(settings: AdaptiveLesson) -> None:
    st.subheader("The valley")
    declared_controls(settings, ADAPTIVE.prefix, only=("condition", "angle", "q"))
    st.subheader("The runs")
    declared_controls(settings, ADAPTIVE.prefix, only=("lr", "steps", "weight_decay"))


@st.cache_data(max_entries=64, show_spinner=False)
def _bias_runs(run: RunSettings, lr: float) -> tuple[Trajectory, Trajectory]:
    landscape = run.build_landscape()
    return (run_adam(landscape, run.steps, lr), uncorrected_adam(landscape, run.steps, lr, BETAS))


def run_adam(landscape, steps: int, lr: float) -> Trajectory:
    return run("adam", landscape, None, steps, lr=lr, betas=BETAS)


def _rows(runs: list[SlotRun], landscape) -> list[dict]:
    rows = []
    for r in runs:
        traj = r.trajectory
        if traj is None:
            rows.append({"optimizer": r.label, "outcome": r.error})
            continue
        rows.append({"optimizer": r.label, "final θ": format_point(traj.final_x[0]),
                     "final f": format_quantity(float(traj.final_loss[0])),
                     "diverged": format_quantity(bool(traj.diverged[0]))})
    return rows


def _valley(settings: AdaptiveLesson, view: View, style: FigureStyle) -> list[SlotRun]:
    run = adaptive_run(settings)
    landscape = run.build_landscape()
    runs = slot_runs(run, adaptive_choices(settings), ["AdaGrad", "RMSprop", "Adam"])
    drawn = [r for r in runs if r.trajectory is not None]
    series = styled_series([(r.label, r.trajectory) for r in drawn])
    left, right = side_by_side(2)
    with left:
        chart(landscape_figure(landscape, series, style=style, animate=False), "ad.valley")
    with right:
        rates = [effective_lr(s.trajectory) for s in series]
        chart(effective_lr_figure(series, rates, style=style), "ad.rates")
    low, high = landscape.eigenvalues
    st.caption(f"The valley's curvatures are {format_quantity(low)} and {format_quantity(high)}: plain "
               f"gradient descent would need lr < 2/λ_max = {format_quantity(2 / high)} across it and "
               "would then crawl along it. Each adaptive method divides each coordinate's step by the "
               "root of its own squared gradients: the steep coordinate (y, dashed) gets a small learning "
               "rate, the flat one (x) a large one. AdaGrad's sum only grows, so its rates only fall; "
               "RMSprop's average forgets, so its rates rise again as the gradients shrink; Adam's does "
               "the same, on its momentum.")
    st.dataframe(pd.DataFrame(_rows(runs, landscape)), hide_index=True, width="stretch")
    return runs


def _bias(settings: AdaptiveLesson, view: View, style: FigureStyle) -> None:
    corrected, uncorrected = _bias_runs(adaptive_run(settings), settings.lr)
    series = styled_series([("Adam", corrected), ("Adam without bias correction", uncorrected)])
    factor = correction_factor(BETAS, settings.steps)
    left, right = side_by_side(2)
    with left:
        chart(step_size_figure(series, factor, style=style), "ad.step_sizes")
    with right:
        chart(landscape_figure(adaptive_run(settings).build_landscape(), series, style=style, animate=False),
              "ad.bias_paths")
    first = np.linalg.norm(np.diff(uncorrected.path[:2, 0], axis=0))
    peak = int(np.argmax(factor)) + 1
    st.caption("From m₀ = v₀ = 0 both moments start too small, v much more so (β₂ = 0.999 against "
               f"β₁ = 0.9): uncorrected, the first step is {format_quantity(float(first))} long, "
               f"{format_quantity(factor[0])} times the corrected one, and the factor "
               f"(1 − β₁ᵗ)/√(1 − β₂ᵗ) keeps growing to {format_quantity(float(factor.max()))} at step "
               f"{peak} before it falls back toward 1 over thousands of steps. (Run here as the engine's "
               "Adam with ε = 0 and its learning rate times that factor, which undoes both corrections "
               "exactly.)")


def _minimum_marker(landscape, weight_decay: float) -> go.Scatter | None:
    point = l2_minimum(landscape, weight_decay)
    if point is None:
        return None
    return go.Scatter(x=[point[0]], y=[point[1]], mode="markers", name="minimum of f + ½λ‖θ‖²",
                      marker={"symbol": "x-thin-open", "size": 16, "color": "#000000",
                              "line": {"width": 3, "color": "#000000"}})


def _decay(settings: AdaptiveLesson, view: View, style: FigureStyle) -> None:
    valley = adaptive_run(settings)
    rosenbrock = RunSettings(landscape="rosenbrock", steps=max(settings.steps, 1000))
    columns = side_by_side(2)
    rows = []
    apart: dict[str, float] = {}
    places = (("the valley", valley), ("Rosenbrock", rosenbrock))
    for column, (title, where) in zip(columns, places, strict=True):
        landscape = where.build_landscape()
        lr = settings.lr if where is valley else 0.02
        runs = slot_runs(where, tuple(replace(c, hyper=tuple((k, lr if k == "lr" else v) for k, v in c.hyper))
                                    for c in decay_choices(settings)),
                         [f"Adam, L2 λ = {settings.weight_decay:g}", f"AdamW, λ = {settings.weight_decay:g}"])
        series = styled_series([(r.label, r.trajectory) for r in runs if r.trajectory is not None])
        figure = landscape_figure(landscape, series, style=style, animate=False)
        marker = _minimum_marker(landscape, settings.weight_decay)
        if marker is not None:
            figure.add_trace(marker)
        with column:
            st.markdown(f"**On {title}** (lr {format_quantity(lr)}, {where.steps} steps)")
            chart(figure, f"ad.decay.{'valley' if where is valley else 'rosenbrock'}")
        for r in runs:
            if r.trajectory is None:
                continue
            end = r.trajectory.final_x[0]
            if where is valley and landscape.optima:
                apart[r.label] = float(np.linalg.norm(end - np.asarray(landscape.optima[0])))
            rows.append({"landscape": title, "run": r.label, "ends at": format_point(end),
                         "f there": format_quantity(float(r.trajectory.final_loss[0]))})
        point = l2_minimum(landscape, settings.weight_decay)
        if point is not None:
            rows.append({"landscape": title, "run": "minimum of f + ½λ‖θ‖² (theory)",
                         "ends at": format_point(point),
                         "f there": format_quantity(float(landscape(point[None])[0]))})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption("Adam's weight_decay adds λθ to the gradient, and the sum is divided by √v̂: where "
               "gradients are large the decay is scaled down with them, and without noise the run ends at "
               "the minimum of f + ½λ‖θ‖² (×). AdamW shrinks θ by 1 − lr·λ outside the adaptive step, the "
               "same pull on every coordinate whatever its gradients: it ends elsewhere."
               + "".join(f" On the valley, {label} ends {format_quantity(d)} from the minimum of f."
                         for label, d in apart.items()))


def _body(view: View) -> None:
    settings = view.settings
    if not view.lecture:
        st.caption("Adaptive methods give every coordinate a learning rate of its own, from the size of its "
                   "past gradients.")
    style = FigureStyle(lecture=view.lecture, height=560 if view.lecture else 420)
    st.subheader("AdaGrad, RMSprop and Adam in a valley")
    runs = _valley(settings, view, style)
    st.subheader("Adam without its bias correction")
    _bias(settings, view, style)
    st.subheader("Weight decay: L2 (Adam) or decoupled (AdamW)")
    _decay(settings, view, style)
    st.markdown(NOTES)
    st.info("**Try this.** Raise κ to 1000 and watch the rates of x and y move apart while all three "
            "methods still reach the minimum. Set λ to 0: Adam and AdamW are then the same optimizer, and "
            "the table's two endpoints agree.")
    drawn = [r for r in runs if r.trajectory is not None]
    exports("ad", "adaptive", lambda: trajectories_csv(runs),
            lambda: effective_lr_figure(styled_series([(r.label, r.trajectory) for r in drawn]),
                                        [effective_lr(r.trajectory) for r in drawn]),
            "Effective learning rates", data_label="the valley runs",
            figure_label="the effective learning rates")


def render() -> None:
    """Draw the lesson on adaptive learning rates and weight decay."""
    run_page(ADAPTIVE, _sidebar,
             lambda view: "Adaptive steps" if view.lecture else "Adaptive learning rates and weight decay",
             _body)
