"""Lesson: initialization and depth. How big activations and gradients are, layer by layer, in a deep
network at initialization, against the variance argument; and the activation functions."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st

from figures import FigureStyle
from figures.networks import Network, activations_figure, depth_figure
from networks.activations import ACTIVATION_NAMES, activation
from networks.depth import DepthProfile, depth_profiles
from networks.init import INITS
from networks.theory import predicted_factor
from scenarios.fields import lowest
from scenarios.pages import DEPTH, DepthLesson
from scenarios.results import format_quantity

from .controls import declared_controls
from .frame import chart, exports, on_a_phone
from .page import View, run_page


def _sidebar(settings: DepthLesson) -> None:
    st.subheader("The network")
    declared_controls(settings, DEPTH.prefix,
                      only=("activation", "swish_beta", "depth", "width", "batch_norm"))
    st.subheader("The initializations")
    declared_controls(settings, DEPTH.prefix, only=("cs", "rules", "batch"))


def configs(settings: DepthLesson) -> list[tuple[str, str, float]]:
    """``(label, rule, c)`` for every network the page compares."""
    out = [(f"c = {c:g} (variance {c:g}/n)", "normal", c) for c in settings.cs]
    out += [(INITS[rule], rule, 2.0) for rule in settings.rules]
    return out


#: Multiply-adds the page may spend (forward and back through every network): four times the default
#: (50 layers of 500, 128 inputs, three networks: 9.6e9, 0.7 s here), about 3 s on one core. The
#: largest settings (100 layers of 500, 1,024 inputs, six networks) took 38 s, and a class shares the
#: server.
WORK_BUDGET = 4e10


def drawn_batch(settings: DepthLesson) -> int:
    """Inputs the page sends: the chosen ones, or fewer when they would exceed the budget."""
    per_input = 2 * settings.depth * settings.width ** 2 * max(1, len(configs(settings)))
    return max(int(lowest(DepthLesson, "batch")), min(settings.batch, int(WORK_BUDGET / per_input)))


@st.cache_data(max_entries=32, show_spinner=False)
def profiles(settings: DepthLesson) -> list[DepthProfile]:
    """The depth experiment for each network of the page, on common random numbers."""
    act = activation(settings.activation, settings.swish_beta)
    networks = [(rule, c) for _, rule, c in configs(settings)]
    return depth_profiles(act, networks, settings.depth, settings.width, settings.batch,
                          bn=settings.batch_norm)


def _factor(settings: DepthLesson, rule: str, c: float) -> float | None:
    return None if settings.batch_norm else predicted_factor(settings.activation, rule, settings.width, c)


def rows(settings: DepthLesson, found: list[DepthProfile]) -> pd.DataFrame:
    """Per network: the measured per-layer factor of the mean square, forward and backward, beside the
    prediction; the last layer's activations; the largest weight gradient."""
    out = []
    for (label, rule, c), profile in zip(configs(settings), found, strict=True):
        factor = _factor(settings, rule, c)
        out.append({"network": label,
                    "per layer, activations²": format_quantity(profile.factor_per_layer("activation")),
                    "per layer, gradients²": format_quantity(profile.factor_per_layer("gradient")),
                    "predicted": format_quantity(factor),
                    f"activations at layer {settings.depth}, RMS":
                        format_quantity(float(profile.activation_rms[-1])),
                    "largest ‖∂L/∂W‖": format_quantity(float(profile.weight_grad_norm.max()))})
    return pd.DataFrame(out)


def _body(view: View) -> None:
    settings = view.settings
    if not view.lecture:
        st.caption("A deep network at initialization: standard Gaussian inputs go forward through every "
                   "layer, a standard Gaussian gradient goes back. Whether the signal survives the trip "
                   "depends on the variance of the weights.")
    batch = drawn_batch(settings)
    if batch < settings.batch:
        st.warning(f"{settings.batch} inputs through {len(configs(settings))} networks of {settings.depth} "
                   f"layers of {settings.width} is more than this page computes at once (a class shares the "
                   f"server): sending {batch} inputs. Fewer layers, units or networks allow more.")
    with st.spinner(f"Sending {batch} inputs through {settings.depth} layers of {settings.width}…"):
        found = profiles(replace(settings, batch=batch))
    networks = [Network(label, profile, _factor(settings, rule, c))
                for (label, rule, c), profile in zip(configs(settings), found, strict=True)]
    phone = on_a_phone()
    style = FigureStyle(lecture=view.lecture, height=(760 if phone else 440) if not view.lecture else 600)
    chart(depth_figure(networks, stacked=phone, style=style), "dp.signal")
    st.dataframe(rows(settings, found), hide_index=True, width="stretch")
    if settings.batch_norm:
        st.caption("With batch normalization every pre-activation is rescaled over the batch to mean 0 and "
                   "variance 1, whatever c: the activations stay flat (with ReLU at √½ ≈ 0.707). The "
                   "backpropagated gradients do not: through the normalization they grow with depth, by the "
                   "same factor for every c (Yang et al., A Mean Field Theory of Batch Normalization, 2019).")
    else:
        st.caption("Weights of variance c/n give each pre-activation c times the mean square of the layer "
                   "below. ReLU keeps half of it, so each layer multiplies the mean square by c/2, forward "
                   "and backward (dotted: that prediction). c = 2 (Kaiming) keeps the signal flat; c = 1 "
                   "halves it per layer and c = 3 multiplies it by 1.5, so after 50 layers it is 2⁻⁵⁰ or "
                   "1.5⁵⁰ times what it was. Zero weights give zero activations and zero gradients for every "
                   "weight: no step can ever change them (zeros have no place on a log axis: those lines "
                   "stop).")
    st.subheader("The activation functions")
    acts = [activation(name, settings.swish_beta) for name in ACTIVATION_NAMES if name != "linear"]
    swish_title = activation("swish", settings.swish_beta).title
    figure = activations_figure(acts, highlight=(swish_title, "GELU (tanh form)"), stacked=phone,
                                style=FigureStyle(lecture=view.lecture, height=(700 if phone else 380)))
    chart(figure, "dp.acts")
    xs = np.linspace(-4, 4, 801)
    gap = float(np.max(np.abs(activation("swish", settings.swish_beta).f(xs) - activation("gelu").f(xs))))
    st.caption("Each activation and its derivative. Swish x·σ(βx) at β = "
               f"{settings.swish_beta:g} stays within {format_quantity(gap)} of GELU over −4 … 4 (thick), "
               "at the cost of one sigmoid. ReLU's "
               "derivative is 0 or 1: half the signal is dropped, which is why ReLU networks need c = 2.")
    st.info("**Try this.** Switch on batch normalization: every c gives the same flat activations. Choose "
            "tanh and c = 1: the signal shrinks more slowly than with ReLU. Add the zeros rule and read its "
            "largest gradient in the table.")
    exports("dp", "depth", lambda: _csv(networks), lambda: depth_figure(networks),
            "Initialization and depth", data_label="the per-layer sizes")


def _csv(networks: list[Network]) -> str:
    frames = [pd.DataFrame({"network": n.label, "layer": np.arange(len(n.profile.activation_rms)),
                            "activation_rms": n.profile.activation_rms,
                            "gradient_rms": n.profile.gradient_rms})
              for n in networks]
    return pd.concat(frames, ignore_index=True).to_csv(index=False, float_format="%.17g")


def render() -> None:
    """Draw the lesson on initialization and depth."""
    run_page(DEPTH, _sidebar, lambda view: "Initialization and depth", _body)
