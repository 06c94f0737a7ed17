"""Lesson: a real loss landscape. A small network trained by several optimizers through the engine,
then its loss on planes through weight space (Li et al. 2018), a sharp against a flat minimum, and the
decision boundary the training found."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st

from figures import FigureStyle
from figures.slices import boundary_figure, plane_figure, profile_figure, training_figure
from networks.data import DATASETS
from networks.study import Study, Trained, network, sharpness_profile, study, train
from optimizers import OPTIMIZERS
from scenarios.fields import lowest
from scenarios.pages import REAL_LANDSCAPE, RealLandscapeLesson
from scenarios.results import format_quantity

from .controls import declared_controls
from .frame import chart, exports, side_by_side
from .page import View, run_page


def _sidebar(settings: RealLandscapeLesson) -> None:
    st.subheader("The network")
    declared_controls(settings, REAL_LANDSCAPE.prefix,
                      only=("dataset", "layers", "width", "activation", "batch_norm"))
    st.subheader("The training")
    declared_controls(settings, REAL_LANDSCAPE.prefix,
                      only=("optimizers", "lr", "steps", "sharp_lrs", "seed"))
    st.subheader("The slices")
    declared_controls(settings, REAL_LANDSCAPE.prefix, only=("span", "resolution"))


def trainers(settings: RealLandscapeLesson) -> list[tuple[str, str, dict]]:
    """The optimizers to train with, each at the page's learning rate."""
    return [(f"{OPTIMIZERS[name].title}, lr {format_quantity(settings.lr)}", name, {"lr": settings.lr})
            for name in settings.optimizers]


def _network(settings: RealLandscapeLesson):
    return network(settings.dataset, settings.layers, settings.width, settings.activation,
                   batch_norm=settings.batch_norm)


# Resources, not data: the results hold the network's activation functions, which do not pickle. Nothing
# downstream changes them.
@st.cache_resource(max_entries=16, show_spinner=False)
def _trained(settings: RealLandscapeLesson) -> list[Trained]:
    landscape = _network(settings)
    return train(landscape, trainers(settings), settings.steps, settings.seed)


@st.cache_resource(max_entries=16, show_spinner=False)
def _studied(settings: RealLandscapeLesson) -> Study:
    landscape = _network(settings)
    return study(landscape, _trained(settings), settings.span, settings.resolution, settings.seed)


@st.cache_resource(max_entries=16, show_spinner=False)
def _sharp(settings: RealLandscapeLesson) -> list[Trained]:
    landscape = _network(settings)
    small, large = settings.sharp_lrs
    return train(landscape, [(f"SGD, lr {format_quantity(small)}", "sgd", {"lr": small}),
                             (f"SGD, lr {format_quantity(large)}", "sgd", {"lr": large})],
                 settings.steps, settings.seed)


#: Work the page may ask for, in weight × sample products: training (every optimizer and the two
#: sharpness runs, every step) and the two slices (every point). About 30 and 8 times the defaults; the
#: largest settings (4 layers of 64, 2,000 steps, 61 × 61 slices) took 26 s, and a class shares the server.
TRAINING_BUDGET = 3e9
SLICE_BUDGET = 2e9


def affordable(settings: RealLandscapeLesson) -> tuple[RealLandscapeLesson, str]:
    """The settings the page computes (fewer steps or a coarser slice when the chosen ones would
    exceed the budget) and a sentence saying what was reduced ("" when nothing)."""
    per_pass = _network(settings).dim * len(DATASETS[settings.dataset]().y)  # weights × samples
    runs = len(settings.optimizers) + 2  # and plain SGD at a small and a large learning rate
    steps = max(int(lowest(RealLandscapeLesson, "steps")),
                min(settings.steps, int(TRAINING_BUDGET / (per_pass * runs))))
    fits = int(math.sqrt(SLICE_BUDGET / (2 * per_pass)))
    resolution = max(int(lowest(RealLandscapeLesson, "resolution")), min(settings.resolution, fits))
    reduced = []
    if steps < settings.steps:
        reduced.append(f"training {steps} steps instead of {settings.steps}")
    if resolution < settings.resolution:
        reduced.append(f"slices of {resolution} × {resolution} instead of {settings.resolution} × "
                       f"{settings.resolution}")
    if not reduced:
        return settings, ""
    return replace(settings, steps=steps, resolution=resolution), (
        "A network this size is more than this page computes at once with these settings (a class shares "
        f"the server): {' and '.join(reduced)}. Fewer layers, units or optimizers allow more.")


def compute(settings: RealLandscapeLesson) -> tuple[Study, list[Trained]]:
    """The trained runs and their slices, and SGD at the small and the large learning rate, with a
    progress bar while they are computed (each part is cached on its own)."""
    bar = st.progress(0.0, text=f"Training with {len(settings.optimizers)} optimizers…")
    _trained(settings)
    bar.progress(0.35, text=f"Drawing two {settings.resolution} × {settings.resolution} slices…")
    found = _studied(settings)
    bar.progress(0.8, text="Training SGD at a small and a large learning rate…")
    sharp = _sharp(settings)
    bar.empty()
    return found, sharp


def run_rows(found: Study) -> pd.DataFrame:
    """Per optimizer: final training loss and accuracy, or the step it diverged at.

    Three columns, so that the table fits its half of a 1280 px page (an "outcome" column saying
    "trained 300 steps" on every row was cut off there).
    """
    rows = []
    for r in found.runs:
        accuracy = found.landscape.accuracy(r.final[None])[0]
        rows.append({"optimizer": r.label,
                     "final loss": f"diverged at step {int(r.trajectory.diverged_at[0])}" if r.diverged
                     else format_quantity(float(r.trajectory.final_loss[0])),
                     "accuracy": "—" if r.diverged else f"{accuracy:.1%}"})
    return pd.DataFrame(rows)


def _body(view: View) -> None:
    settings = view.settings
    data = DATASETS[settings.dataset]()
    if not view.lecture:
        st.caption(f"A network {data.X.shape[1]} → " + " → ".join([str(settings.width)] * settings.layers)
                   + f" → {data.classes} on {data.title} ({len(data.y)} samples), trained full-batch by the "
                   "engine's optimizers: its training loss is a landscape over its weights like any other, "
                   "only with hundreds of dimensions.")
    shown, reduced = affordable(settings)
    if reduced:
        st.warning(reduced)
    found, sharp = compute(shown)
    style = FigureStyle(lecture=view.lecture, height=560 if view.lecture else 420)
    left, right = side_by_side(2)
    with left:
        curves = [(r.label, r.trajectory.loss[:, 0]) for r in found.runs if not r.diverged]
        chart(training_figure(curves, style=style), "rl.training")
    with right:
        steps = shown.steps  # as trained (a link asking for too much trains fewer)
        st.dataframe(run_rows(found), hide_index=True, width="stretch", column_config={
            "final loss": st.column_config.Column(
                help=f"The training loss after {steps} steps, or the step at which the run diverged."),
            "accuracy": st.column_config.Column(help="Accuracy on the training data after the last step.")})
        st.caption(f"{found.landscape.dim} weights and biases, all optimizers from the same Kaiming "
                   "initialization.")
    if found.slice is None:
        st.warning("Every optimizer diverged at this learning rate: there are no trained weights to slice "
                   "through. Lower the learning rate.")
        return
    usable = [r for r in found.runs if not r.diverged]
    centre = usable[0]
    st.subheader("The loss on a random plane through the trained weights")
    centre_loss = float(found.slice.loss[len(found.slice.b) // 2, len(found.slice.a) // 2])
    paths = [(r.label, found.slice.coordinates(r.trajectory.path[:, 0])) for r in usable]
    left, right = side_by_side(2)
    with left:
        chart(plane_figure(found.slice, paths, axis_titles=("α · d₁", "β · d₂"), style=style), "rl.random")
    with right:
        own = [(centre.label, found.pca.coordinates(centre.trajectory.path[:, 0]))]
        chart(plane_figure(found.pca, own, axis_titles=(
            f"1st principal direction ({found.pca_share[0]:.0%} of the path)",
            f"2nd ({found.pca_share[1]:.0%})"), style=style), "rl.pca")
    st.caption(f"Left: θ* + α d₁ + β d₂, with θ* the weights {centre.label} ended at (★, loss "
               f"{format_quantity(centre_loss)}, the training loss) and d₁, d₂ random directions, each "
               "unit's weights scaled to that unit's norm in θ* and the biases left alone (Li et al., "
               "2018). Every path is projected on the plane: random directions in this many dimensions "
               "are almost orthogonal to any path, so the projections are short. Right: the plane of the "
               f"first two principal directions of {centre.label}'s own path, which hold "
               f"{float(found.pca_share.sum()):.0%} of its variance.")
    st.subheader("A sharp and a flat minimum")
    profiles = []
    for r in sharp:
        if r.diverged:
            st.warning(f"{r.label} diverged at step {int(r.trajectory.diverged_at[0])}: no minimum to show.")
            continue
        alphas, loss = sharpness_profile(found.landscape, r.final, settings.seed, settings.span)
        profiles.append((f"{r.label}: ends at loss {format_quantity(float(r.trajectory.final_loss[0]))}",
                         alphas, loss))
    if profiles:
        chart(profile_figure(profiles, style=style.at_height(340)), "rl.sharp")
        bends = "; ".join(f"{label.split(':')[0]}: {format_quantity(curvature(alphas, loss))}"
                          for label, alphas, loss in profiles)
        st.caption("Plain SGD from the same start at a small and a large learning rate, and the loss along "
                   "a filter-normalized direction through where each ended: the wider the valley, the "
                   f"flatter the end point. The loss's curvature there along this direction: {bends}. "
                   "Only an end point with a small loss is a minimum at all.")
    if found.boundary is not None:
        st.subheader("What the network learned")
        xs, ys, p = found.boundary
        chart(boundary_figure(xs, ys, p, data.X, data.y, data.class_names, style=style), "rl.boundary")
        st.caption(f"The network at θ* ({centre.label}): the probability it gives the second class over the "
                   "input plane, the line p = ½ between the classes, and the training data.")
    else:
        st.caption(f"{data.title} has {data.X.shape[1]} inputs: there is no input plane to draw a decision "
                   "boundary on.")
    st.info("**Try this.** Choose the spirals and compare how far each optimizer gets in the same number "
            "of steps, and how the boundary winds. Raise the learning rate to 10 and watch the table flag "
            "the runs that diverge.")
    exports("rl", "landscape", lambda: _csv(found), lambda: plane_figure(found.slice, paths,
                                                                        axis_titles=("α · d₁", "β · d₂")),
            "A real loss landscape", data_label="the training losses", figure_label="the slice")


def curvature(alphas: np.ndarray, loss: np.ndarray) -> float:
    """The second difference of the loss at the middle of an evenly spaced profile."""
    mid, step = len(alphas) // 2, float(alphas[1] - alphas[0])
    return float((loss[mid + 1] - 2 * loss[mid] + loss[mid - 1]) / step ** 2)


def _csv(found: Study) -> str:
    frames = [pd.DataFrame({"optimizer": r.label, "step": r.trajectory.loss_steps,
                            "loss": r.trajectory.loss[:, 0]}) for r in found.runs]
    return pd.concat(frames, ignore_index=True).to_csv(index=False, float_format="%.17g")


def render() -> None:
    """Draw the lesson on a real loss landscape."""
    run_page(REAL_LANDSCAPE, _sidebar, lambda view: "A real loss landscape", _body)
