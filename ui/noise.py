"""Lesson: noise and gradient-free methods. Thousands of noisy particles against the Langevin density,
noise pushing particles off a saddle, and clouds of zeroth-order and forward-gradient estimates."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from figures import FigureStyle
from figures.noise import (
    error_figure,
    escape_figure,
    estimates_figure,
    histogram_1d_figure,
    histogram_2d_figure,
)
from landscapes import get_landscape
from lessons.noise import (
    Escape,
    Estimates,
    discrete_quadratic_variance,
    estimates,
    langevin_cloud,
    langevin_density,
    saddle_escape,
    temperature,
)
from scenarios.pages import NOISE, NoiseLesson
from scenarios.results import format_quantity

from .controls import declared_controls
from .frame import chart, exports, on_a_phone, side_by_side
from .page import View, run_page

#: Bins of the 1-D histogram and per axis of the 2-D one.
BINS_1D, BINS_2D = 60, 40
#: The saddle experiment: 200 particles from its ridge, 600 steps.
SADDLE_START, SADDLE_PARTICLES, SADDLE_STEPS = (1.5, 0.0), 200, 600
#: The gradient estimates: this many at the quadratic's start.
SAMPLES = 1000


def _sidebar(settings: NoiseLesson) -> None:
    st.subheader("The particles")
    declared_controls(settings, NOISE.prefix, only=("landscape", "lr", "noise", "particles", "steps"))
    st.subheader("Gradient estimates")
    declared_controls(settings, NOISE.prefix, only=("directions",))


@st.cache_data(max_entries=32, show_spinner=False)
def _cloud(landscape: str, lr: float, noise: float, steps: int, particles: int) -> np.ndarray:
    return langevin_cloud(get_landscape(landscape), lr, noise, steps, particles)


@st.cache_data(max_entries=32, show_spinner=False)
def _escape(lr: float, noise: float) -> Escape:
    return saddle_escape(get_landscape("saddle"), SADDLE_START, lr, noise, SADDLE_STEPS, SADDLE_PARTICLES)


@st.cache_data(max_entries=32, show_spinner=False)
def _estimates(directions: int) -> tuple[Estimates, Estimates]:
    bowl = get_landscape("quadratic")
    return (estimates("forward_gradient", bowl, bowl.start, SAMPLES),
            estimates("zo_sgd", bowl, bowl.start, SAMPLES, num_directions=directions, smoothing=1e-6))


def moments_1d(xs: np.ndarray, density: np.ndarray) -> tuple[float, float]:
    """Mean and variance of a density tabulated on an even grid."""
    weights = density / density.sum()
    mean = float(np.dot(weights, xs))
    return mean, float(np.dot(weights, (xs - mean) ** 2))


def cloud_1d(landscape, cloud: np.ndarray, settings: NoiseLesson) -> tuple[pd.DataFrame, dict]:
    """The histogram and densities of a 1-D cloud, and a table of its moments against the predictions."""
    (lo, hi), = landscape.bounds
    finite = cloud[np.isfinite(cloud[:, 0]), 0]
    xs = np.linspace(lo, hi, 20001)
    values = np.asarray(landscape(xs[:, None]), dtype=np.float64)
    dx = xs[1] - xs[0]
    density = langevin_density(values, settings.lr, settings.noise)
    density /= density.sum() * dx
    notes = langevin_density(values, settings.lr, settings.noise, factor=1.0)
    notes /= notes.sum() * dx
    mean, variance = moments_1d(xs, density)
    notes_mean, notes_variance = moments_1d(xs, notes)
    # the histogram's window: where the wider (notes') density lives, within the landscape's window
    reach = 6.0 * math.sqrt(notes_variance)
    shown_lo, shown_hi = max(lo, notes_mean - reach), min(hi, notes_mean + reach)
    edges = np.linspace(shown_lo, shown_hi, BINS_1D + 1)
    counts, _ = np.histogram(finite, bins=edges)
    histogram = counts / (len(cloud) * (edges[1] - edges[0]))
    inside = (xs >= shown_lo) & (xs <= shown_hi)
    xs, density, notes = xs[inside], density[inside], notes[inside]
    rows = [{"": "particles", "mean": format_quantity(float(np.mean(finite))) if finite.size else "—",
             "variance": format_quantity(float(np.var(finite))) if finite.size else "—"},
            {"": "Langevin ∝ exp(−2l/(η s²))", "mean": format_quantity(mean),
             "variance": format_quantity(variance)},
            {"": "the notes' ∝ exp(−l/σ²)", "mean": format_quantity(notes_mean),
             "variance": format_quantity(notes_variance)}]
    if landscape.minima:
        (x_star,) = landscape.minima[0]
        curvature = float(landscape.hessian(np.array([[x_star]]))[0, 0, 0])
        exact = discrete_quadratic_variance(curvature, settings.lr, settings.noise)
        rows.append({"": f"the iteration on its quadratic model at x* = {x_star:.4g}: η s²/(a(2 − ηa))",
                     "mean": format_quantity(x_star), "variance": format_quantity(exact)})
    figure_data = {"edges": edges, "histogram": histogram, "xs": xs, "density": density, "notes": notes}
    return pd.DataFrame(rows), figure_data


def _cloud_2d(landscape, cloud: np.ndarray, settings: NoiseLesson, view: View) -> float:
    (x_lo, x_hi), (y_lo, y_hi) = landscape.bounds
    x_edges, y_edges = np.linspace(x_lo, x_hi, BINS_2D + 1), np.linspace(y_lo, y_hi, BINS_2D + 1)
    finite = cloud[np.all(np.isfinite(cloud), axis=1)]
    counts, _, _ = np.histogram2d(finite[:, 0], finite[:, 1], bins=(x_edges, y_edges))
    histogram = counts.T / len(cloud)  # rows along y
    # the density's mass per bin, from a grid 4 times finer than the bins
    fine_x = np.linspace(x_lo, x_hi, 4 * BINS_2D + 1)
    fine_y = np.linspace(y_lo, y_hi, 4 * BINS_2D + 1)
    cx, cy = 0.5 * (fine_x[1:] + fine_x[:-1]), 0.5 * (fine_y[1:] + fine_y[:-1])
    grid = np.stack(np.meshgrid(cx, cy), axis=-1)
    values = np.asarray(landscape(grid.reshape(-1, 2)), dtype=np.float64).reshape(grid.shape[:2])
    fine = langevin_density(values, settings.lr, settings.noise)
    mass = fine.reshape(BINS_2D, 4, BINS_2D, 4).sum(axis=(1, 3))
    mass /= mass.sum()
    centres_x, centres_y = 0.5 * (x_edges[1:] + x_edges[:-1]), 0.5 * (y_edges[1:] + y_edges[:-1])
    style = FigureStyle(lecture=view.lecture, height=560 if view.lecture else 420)
    chart(histogram_2d_figure(centres_x, centres_y, histogram, mass, stacked=on_a_phone(), style=style),
          "nz.cloud")
    return 0.5 * float(np.abs(histogram - mass).sum()) + 0.5 * (1 - histogram.sum())


def _stationary(settings: NoiseLesson, view: View) -> None:
    landscape = get_landscape(settings.landscape)
    with st.spinner(f"Running {settings.particles} particles for {settings.steps} steps…"):
        cloud = _cloud(settings.landscape, settings.lr, settings.noise, settings.steps, settings.particles)
    T = temperature(settings.lr, settings.noise)
    outside = float(np.mean(~np.all(np.isfinite(cloud), axis=1)))
    if landscape.dim == 1:
        table, data = cloud_1d(landscape, cloud, settings)
        style = FigureStyle(lecture=view.lecture, height=520 if view.lecture else 380)
        chart(histogram_1d_figure(data["edges"], data["histogram"], data["xs"], data["density"],
                                  data["notes"], style=style), "nz.cloud")
        st.dataframe(table, hide_index=True, width="stretch")
    else:
        distance = _cloud_2d(landscape, cloud, settings, view)
        st.metric("Total variation distance, histogram to density", format_quantity(distance),
                  help="Half the summed difference of the two over the bins: 0 when they agree, 1 when "
                       "they do not overlap. Particles that left the window count as misplaced.")
    st.caption(f"Every particle starts at its own place across the window and takes {settings.steps} "
               "noisy steps; then the cloud is counted. Noisy gradient descent is the Euler scheme of the "
               "Langevin equation dθ = −∇l dτ + σ dW with σ² = η s², whose equilibrium density is "
               f"∝ exp(−2l/σ²) = exp(−l/T) at temperature T = η s²/2 = {format_quantity(T)}. The course "
               "notes write exp(−l/σ²), without the 2: twice the variance"
               + (" (dashed)" if landscape.dim == 1 else "") + ". The Langevin density "
               "is the small-η limit: the iteration itself spreads a little more, by 1/(1 − ηa/2) on a "
               "curvature a. A cloud that has not crossed a barrier is not yet in equilibrium: its basins "
               "keep their starting shares."
               + (f" {outside:.1%} of the particles diverged." if outside else ""))


def _saddle(settings: NoiseLesson, view: View) -> None:
    escape = _escape(settings.lr, settings.noise)
    style = FigureStyle(lecture=view.lecture, height=520 if view.lecture else 380)
    chart(escape_figure(escape, style=style), "nz.saddle")
    arrival = escape.noiseless_arrival()
    near = escape.steps_near()
    still = float(escape.still_near()[-1])
    st.caption(f"On f = x² − y² from {SADDLE_START}, exactly on the ridge: without noise the gradient has no "
               "y component, so gradient descent slides into the saddle and stays there for ever"
               + (f" (within {escape.radius:g} from step {arrival} on)" if arrival is not None else "")
               + f". With noise s = {format_quantity(settings.noise)}, every kick in y grows by 1 + 2η per "
               f"step: the {SADDLE_PARTICLES} particles spend a median of "
               f"{format_quantity(float(np.median(near)))} steps within {escape.radius:g} of the saddle, "
               f"and {still:.0%} are still there after {SADDLE_STEPS} steps.")


def _point(values: np.ndarray) -> str:
    return "(" + ", ".join(format_quantity(float(v)) for v in values) + ")"


def _estimates_section(settings: NoiseLesson, view: View) -> None:
    forward, zeroth = _estimates(settings.directions)
    g = forward.gradient
    d = len(g)
    spread = float(np.linalg.norm(g) * math.sqrt(d + 1))
    clouds = [("forward gradient (∇f·v)v", forward),
              (f"zeroth order, K = {settings.directions}", zeroth)]
    style = FigureStyle(lecture=view.lecture, height=520 if view.lecture else 420)
    left, right = side_by_side(2)
    with left:
        chart(estimates_figure(clouds, style=style), "nz.estimates")
    with right:
        chart(error_figure([(clouds[0][0], forward, spread),
                            (clouds[1][0], zeroth, spread / math.sqrt(settings.directions))], style=style),
              "nz.errors")
    rows = []
    for name, est in clouds:
        cov = np.cov(est.samples.T)
        rows.append({"estimate": name, "mean": _point(est.samples.mean(axis=0)),
                     "total variance": format_quantity(float(np.trace(cov)))})
    k = settings.directions
    rows.append({"estimate": "theory: ∇f, and (d + 1)‖∇f‖²/K", "mean": _point(g),
                 "total variance": f"{format_quantity(spread ** 2)} (K = 1), "
                                   f"{format_quantity(spread ** 2 / k)} (K = {k})"})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption(f"{SAMPLES} estimates of the gradient at the quadratic's start, each one engine step at "
               "lr 1 with its own random direction. A forward gradient (one forward-mode pass, Baydin et al. "
               "2022) is (∇f·v)v; a zeroth-order one (Nesterov and Spokoiny) replaces ∇f·v by a finite "
               "difference of two function values and averages K directions. Both are unbiased, with "
               "covariance (‖∇f‖²I + ∇f∇fᵀ)/K, so the mean of k of them misses ∇f by about "
               "‖∇f‖√((d + 1)/(Kk)) (dotted).")


def _body(view: View) -> None:
    settings = view.settings
    if not view.lecture:
        st.caption("Noise is not only a nuisance: it spreads particles over a landscape in a predictable "
                   "way, and it pushes them off saddles. Gradients can even be estimated without "
                   "backpropagation, at the price of noise.")
    st.subheader("Thousands of noisy particles and the Langevin density")
    _stationary(settings, view)
    st.subheader("Noise pushes particles off a saddle")
    _saddle(settings, view)
    st.subheader("Gradients without backpropagation")
    _estimates_section(settings, view)
    st.info("**Try this.** Halve η: the cloud narrows like √η at the same noise. Choose Himmelblau and raise "
            "the noise until particles cross between the four minima. Raise K and watch the zeroth-order "
            "cloud shrink like 1/√K.")
    cloud = _cloud(settings.landscape, settings.lr, settings.noise, settings.steps, settings.particles)
    columns = ["x", "y"][:cloud.shape[1]]
    escape = _escape(settings.lr, settings.noise)
    exports("nz", "noise",
            lambda: pd.DataFrame(cloud, columns=columns).to_csv(index=False, float_format="%.17g"),
            lambda: escape_figure(escape), "Saddle", data_label="the particles",
            figure_label="the saddle figure")


def render() -> None:
    """Draw the lesson on noise and gradient-free methods."""
    run_page(NOISE, _sidebar, lambda view: "Noise" if view.lecture else "Noise and gradient-free methods",
             _body)
