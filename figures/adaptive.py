"""Figures of the lesson on adaptive learning rates: each coordinate's effective learning rate, and
Adam's step sizes with and without bias correction."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from .build import assemble
from .series import Series
from .style import DEFAULT_STYLE, INK, FigureStyle, style_layout
from .traces import Trace, _escape


def effective_lr_figure(series: Sequence[Series], rates: Sequence[np.ndarray], *,
                        style: FigureStyle = DEFAULT_STYLE) -> go.Figure:
    """Each run's effective learning rate per coordinate against the step (x solid, y dashed), log y."""
    data: list[Trace] = []
    for s, rate in zip(series, rates, strict=True):
        for k, (coordinate, dash) in enumerate((("x", "solid"), ("y", "dash"))[:rate.shape[1]]):
            name = f"{s.label}, {coordinate}"
            data.append({"type": "scatter", "x0": 1, "dx": 1, "y": rate[:, k].tolist(), "mode": "lines",
                         "name": name, "legendgroup": s.label,
                         "line": {"color": s.colour, "width": style.line_width * 0.8, "dash": dash},
                         "hovertemplate": f"<b>{_escape(name)}</b><br>step %{{x}}<br>lr %{{y:.4g}}"
                                          "<extra></extra>"})
    layout = style_layout(style)
    layout.update(xaxis={"title": {"text": "step t"}},
                  yaxis={"title": {"text": "effective learning rate (log scale)"}, "type": "log",
                         "exponentformat": "power"})
    return assemble(data, layout)


def step_size_figure(series: Sequence[Series], factor: np.ndarray, *,
                     style: FigureStyle = DEFAULT_STYLE) -> go.Figure:
    """The length of each step for each run, and (right axis) the factor by which uncorrected Adam's
    step exceeds the corrected one's."""
    data: list[Trace] = []
    for s in series:
        sizes = np.linalg.norm(np.diff(s.path, axis=0), axis=1)
        data.append({"type": "scatter", "x0": 1, "dx": 1, "y": sizes.tolist(), "mode": "lines",
                     "name": f"{s.label}: step length",
                     "line": {"color": s.colour, "width": style.line_width},
                     "hovertemplate": f"<b>{_escape(s.label)}</b><br>step %{{x}}<br>‖Δθ‖ %{{y:.4g}}"
                                      "<extra></extra>"})
    data.append({"type": "scatter", "x0": 1, "dx": 1, "y": factor.tolist(), "mode": "lines", "yaxis": "y2",
                 "name": "(1 − β₁ᵗ)/√(1 − β₂ᵗ) (right axis)",
                 "line": {"color": INK, "width": style.line_width * 0.6, "dash": "dot"},
                 "hovertemplate": "step %{x}<br>factor %{y:.4g}<extra></extra>"})
    layout = style_layout(style)
    layout.update(xaxis={"title": {"text": "step t"}, "type": "log"},
                  yaxis={"title": {"text": "step length ‖θ_t − θ_{t−1}‖"}},
                  yaxis2={"title": {"text": "uncorrected / corrected"}, "overlaying": "y", "side": "right",
                          "showgrid": False, "rangemode": "tozero"})
    return assemble(data, layout)
