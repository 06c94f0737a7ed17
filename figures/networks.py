"""Figures of the network lessons: signal size through depth, and the activation functions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from networks.activations import Activation
from networks.depth import DepthProfile

from .build import assemble
from .style import DEFAULT_STYLE, PALETTE, FigureStyle, style_layout, two_panels
from .traces import Trace, _escape

#: The smallest prediction a log axis shows.
FLOOR = 1e-300


@dataclass(frozen=True)
class Network:
    """One network of the depth experiment as a figure draws it."""

    label: str
    profile: DepthProfile
    factor: float | None  # the predicted per-layer factor of the mean square, where theory gives one


def depth_figure(networks: Sequence[Network], *, stacked: bool = False,
                 style: FigureStyle = DEFAULT_STYLE) -> go.Figure:
    """Left: the root mean square of the activations per layer; right: of the backpropagated
    gradients; both on log axes, with the prediction dotted where theory gives one."""
    data: list[Trace] = []
    for k, net in enumerate(networks):
        colour = PALETTE[k % len(PALETTE)]
        name = _escape(net.label)
        for axes, values, what, show in ((("x", "y"), net.profile.activation_rms, "activations", True),
                                          (("x2", "y2"), net.profile.gradient_rms, "gradients", False)):
            layers = np.arange(len(values))
            # zeros cannot sit on a log axis: they are gaps (a zero-initialized network is all gap)
            shown = [float(v) if v > 0 else None for v in values]
            data.append({"type": "scatter", "x": layers.tolist(), "y": shown,
                         "mode": "lines+markers", "name": net.label, "legendgroup": net.label,
                         "showlegend": show,
                         "xaxis": axes[0], "yaxis": axes[1],
                         "line": {"color": colour, "width": style.line_width * 0.8},
                         "marker": {"color": colour, "size": style.size(4)},
                         "hovertemplate": f"<b>{name}</b><br>layer %{{x}}<br>{what} RMS %{{y:.4g}}"
                                          "<extra></extra>"})
            if net.factor is not None and net.factor > 0:
                depth = len(values) - 1
                if what == "activations":  # E[h_l²] = factor^l from a unit-variance input
                    predicted = net.factor ** (layers / 2.0)
                else:  # backward from a unit-variance gradient at the last layer
                    predicted = net.factor ** ((depth - layers) / 2.0)
                data.append({"type": "scatter", "x": layers.tolist(),
                             "y": np.maximum(predicted, FLOOR).tolist(), "mode": "lines",
                             "name": f"{net.label}: predicted", "legendgroup": net.label,
                             "showlegend": False, "xaxis": axes[0], "yaxis": axes[1],
                             "line": {"color": colour, "width": style.line_width * 0.6, "dash": "dot"},
                             "hoverinfo": "skip"})
    first, second, rows = two_panels(stacked, gap=0.12 if stacked else 0.1)
    log = {"type": "log", "exponentformat": "power"}
    layout = style_layout(style)
    layout.update(
        xaxis={"domain": first, "anchor": "y", "title": {"text": "layer"}},
        yaxis={"domain": rows[0], "anchor": "x", "title": {"text": "activations, RMS"}, **log},
        xaxis2={"domain": second, "anchor": "y2", "title": {"text": "layer"}},
        yaxis2={"domain": rows[1], "anchor": "x2", "title": {"text": "backpropagated gradients, RMS"}, **log},
    )
    return assemble(data, layout)


def activations_figure(activations: Sequence[Activation], *, highlight: Sequence[str] = (),
                       stacked: bool = False, style: FigureStyle = DEFAULT_STYLE) -> go.Figure:
    """Each activation (left) and its derivative (right) over −4 … 4; those in ``highlight`` thick."""
    xs = np.linspace(-4.0, 4.0, 401)
    data: list[Trace] = []
    for k, act in enumerate(activations):
        colour = PALETTE[k % len(PALETTE)]
        thick = act.title in highlight
        for axes, values, show in ((("x", "y"), act.f(xs), True), (("x2", "y2"), act.df(xs), False)):
            data.append({"type": "scatter", "x": xs.tolist(), "y": np.asarray(values, dtype=float).tolist(),
                         "mode": "lines", "name": act.title, "legendgroup": act.title, "showlegend": show,
                         "xaxis": axes[0], "yaxis": axes[1],
                         "line": {"color": colour, "width": style.line_width * (1.2 if thick else 0.6),
                                  "dash": "solid" if k < len(PALETTE) else "dash"},
                         "hovertemplate": f"{_escape(act.title)}<br>x %{{x:.3g}}<br>%{{y:.4g}}"
                                          "<extra></extra>"})
    first, second, rows = two_panels(stacked, gap=0.12 if stacked else 0.1)
    layout = style_layout(style)
    layout.update(
        xaxis={"domain": first, "anchor": "y", "title": {"text": "x"}},
        yaxis={"domain": rows[0], "anchor": "x", "title": {"text": "f(x)"}, "range": [-2.0, 4.0]},
        xaxis2={"domain": second, "anchor": "y2", "title": {"text": "x"}},
        yaxis2={"domain": rows[1], "anchor": "x2", "title": {"text": "f′(x)"}, "range": [-0.2, 1.3]},
    )
    return assemble(data, layout)
