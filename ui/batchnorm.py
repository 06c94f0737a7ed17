"""Lesson: batch normalization. A mini-batch through one normalization, step by step with the formulas,
then the depth experiment with normalization before every activation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from figures import FigureStyle
from figures.networks import Network, depth_figure
from networks.activations import activation
from networks.depth import batch_norm, depth_profiles
from scenarios.pages import BATCH_NORM, BatchNormLesson
from scenarios.results import format_quantity

from .controls import declared_controls
from .frame import chart, exports, on_a_phone
from .page import View, run_page

#: The depth experiment on this page: ReLU, 50 layers of 500, 128 inputs.
DEPTH, WIDTH, BATCH = 50, 500, 128


def _sidebar(settings: BatchNormLesson) -> None:
    st.subheader("The mini-batch")
    declared_controls(settings, BATCH_NORM.prefix, only=("x1", "x2", "gamma", "beta", "eps"))
    st.subheader("Through depth")
    declared_controls(settings, BATCH_NORM.prefix, only=("cs",))


def batch(settings: BatchNormLesson) -> np.ndarray:
    """The mini-batch ``(samples, 2)``: as many samples as both features have values."""
    m = min(len(settings.x1), len(settings.x2))
    return np.column_stack([settings.x1[:m], settings.x2[:m]]).astype(np.float64)


def steps_table(settings: BatchNormLesson) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per sample: the inputs, the normalized values and the outputs; per feature: μ_B, σ²_B, γ, β."""
    x = batch(settings)
    z, cache = batch_norm(x, np.asarray(settings.gamma), np.asarray(settings.beta), settings.eps)
    samples = pd.DataFrame({"sample": np.arange(1, len(x) + 1),
                            "x₁": [format_quantity(v) for v in x[:, 0]],
                            "x₂": [format_quantity(v) for v in x[:, 1]],
                            "x̂₁": [format_quantity(v) for v in cache["normalized"][:, 0]],
                            "x̂₂": [format_quantity(v) for v in cache["normalized"][:, 1]],
                            "z₁ = γ₁x̂₁ + β₁": [format_quantity(v) for v in z[:, 0]],
                            "z₂ = γ₂x̂₂ + β₂": [format_quantity(v) for v in z[:, 1]]})
    features = pd.DataFrame({"feature": ["1", "2"],
                             "batch mean μ_B": [format_quantity(v) for v in cache["mean"]],
                             "batch variance σ²_B (biased)": [format_quantity(v) for v in cache["var"]],
                             "γ": [format_quantity(v) for v in settings.gamma],
                             "β": [format_quantity(v) for v in settings.beta],
                             # rounding leaves ±1e-17 where the mean is β exactly
                             "mean of z": [format_quantity(round(float(v), 12)) for v in z.mean(axis=0)],
                             "std of z": [format_quantity(v) for v in z.std(axis=0)]})
    return samples, features


@st.cache_data(max_entries=16, show_spinner=False)
def _profiles(cs: tuple[float, ...]) -> list:
    return depth_profiles(activation("relu"), [("normal", c) for c in cs], DEPTH, WIDTH, BATCH, bn=True)


def _body(view: View) -> None:
    settings = view.settings
    if not view.lecture:
        st.caption("Batch normalization (Ioffe and Szegedy, 2015) standardizes every feature over the "
                   "mini-batch, then lets the network rescale it: two parameters per feature.")
    if len(settings.x1) != len(settings.x2):
        st.warning(f"Feature 1 has {len(settings.x1)} values and feature 2 {len(settings.x2)}: the batch "
                   f"uses the first {min(len(settings.x1), len(settings.x2))} samples of each.")
    # two lines, so that each fits a phone's width
    st.latex(r"\mu_B = \frac{1}{m}\sum_{i=1}^m x_i,\quad "
             r"\sigma_B^2 = \frac{1}{m}\sum_{i=1}^m (x_i - \mu_B)^2")
    st.latex(r"\hat x_i = \frac{x_i - \mu_B}{\sqrt{\sigma_B^2 + \varepsilon}},\quad "
             r"z_i = \gamma\hat x_i + \beta")
    samples, features = steps_table(settings)
    st.dataframe(samples, hide_index=True, width="stretch")
    st.dataframe(features, hide_index=True, width="stretch")
    st.caption("Each feature (column) is standardized over the samples of the batch with the biased "
               "variance (divided by m, as torch's BatchNorm1d does in training mode), then scaled by its "
               "γ and shifted by its β. The outputs have mean β and standard deviation γ·σ_B/√(σ²_B + ε), "
               "a hair under γ.")
    st.markdown("**About the notes.** They describe γ and β as one scale and one shift *per sample*. They "
                "are one per *feature*: a sample-wise γ would undo nothing the normalization did to a "
                "feature, and a network could not learn it, since the samples of a batch change at every "
                "step.")
    st.subheader("Through depth, with batch normalization")
    with st.spinner(f"Sending {BATCH} inputs through {DEPTH} normalized layers of {WIDTH}…"):
        found = _profiles(settings.cs)
    networks = [Network(f"c = {c:g}, with batch norm", p, None)
                for c, p in zip(settings.cs, found, strict=True)]
    phone = on_a_phone()
    chart(depth_figure(networks, stacked=phone,
                       style=FigureStyle(lecture=view.lecture, height=(760 if phone else 420))), "bnl.signal")
    rows = [{"network": n.label,
             f"activations at layer {DEPTH}, RMS": format_quantity(float(n.profile.activation_rms[-1])),
             "per layer, gradients²": format_quantity(n.profile.factor_per_layer("gradient"))}
            for n in networks]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption("The same ReLU network as in the lesson on initialization, now normalized before every "
               "activation: whatever c, each layer's activations come out with RMS √½ ≈ 0.707 (the lines "
               "of the different c lie on top of each other: the normalization divides the scale out), and "
               "the forward signal no longer depends on the initialization. The backward one still grows "
               "with depth, by the same factor for every c: normalization at initialization makes gradients "
               "explode mildly (Yang et al., 2019).")
    st.info("**Try this.** Make one sample of feature 1 an outlier (1000): every other sample's x̂₁ moves "
            "toward the same value. Set γ₁ to 0: feature 1 is switched off.")
    exports("bnl", "batchnorm", lambda: samples.to_csv(index=False), lambda: depth_figure(networks),
            "Batch normalization through depth", data_label="the mini-batch")


def render() -> None:
    """Draw the lesson on batch normalization."""
    run_page(BATCH_NORM, _sidebar, lambda view: "Batch normalization", _body)
