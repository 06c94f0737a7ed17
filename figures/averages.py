"""Figures of the lesson on moving averages and momentum: a signal and its averages, the weight of
each day, the three momentum buffers, and the step on a constant slope."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from lessons.averages import Terminal

from .build import assemble
from .style import DEFAULT_STYLE, INK, PALETTE, FigureStyle, style_layout
from .traces import Trace, _escape


def _line(x: np.ndarray, y: np.ndarray, name: str, colour: str, style: FigureStyle, *, dash: str = "solid",
          markers: bool = True, symbol: str = "circle") -> Trace:
    return {"type": "scatter", "x": x.tolist(), "y": np.asarray(y, dtype=float).tolist(),
            "mode": "lines+markers" if markers else "lines", "name": name,
            "line": {"color": colour, "width": style.line_width * 0.8, "dash": dash},
            "marker": {"color": colour, "size": style.size(8), "symbol": symbol},
            "hovertemplate": f"<b>{_escape(name)}</b><br>%{{x}}: %{{y:.6g}}<extra></extra>"}


def average_figure(signal: Sequence[float], raw: np.ndarray, corrected: np.ndarray, *, beta: float,
                   style: FigureStyle = DEFAULT_STYLE) -> go.Figure:
    """The signal per day, its EMA from V₀ = 0 and the bias-corrected EMA."""
    days = np.arange(1, len(signal) + 1)
    data = [
        {"type": "bar", "x": days.tolist(), "y": list(map(float, signal)), "name": "signal θ_t",
         "marker": {"color": "#d9d9d9", "line": {"color": "#999999", "width": 1}},
         "hovertemplate": "day %{x}: %{y:.6g}<extra>signal</extra>"},
        _line(np.concatenate([[0], days]), np.concatenate([[0.0], raw]),
              f"EMA V_t, β = {beta:g}, from V₀ = 0", PALETTE[0], style),
        _line(days, corrected, "bias-corrected V_t / (1 − β^t)", PALETTE[1], style, dash="dash",
              symbol="square"),
    ]
    layout = style_layout(style)
    layout.update(xaxis={"title": {"text": "day t"}, "dtick": 1 if len(days) <= 30 else None},
                  yaxis={"title": {"text": "value"}}, bargap=0.5)
    return assemble(data, layout)


def weights_figure(raw: np.ndarray, corrected: np.ndarray, *,
                   style: FigureStyle = DEFAULT_STYLE) -> go.Figure:
    """The weight of each day in the last average, as bars: raw (they add up to 1 − β^T) and corrected."""
    days = np.arange(1, len(raw) + 1).tolist()
    data = [
        {"type": "bar", "x": days, "y": raw.tolist(), "name": f"in V_T: sum {raw.sum():.4g}",
         "marker": {"color": PALETTE[0]}, "hovertemplate": "day %{x}: %{y:.4g}<extra>weight in V_T</extra>"},
        {"type": "bar", "x": days, "y": corrected.tolist(), "name": "bias-corrected: sum 1",
         "marker": {"color": PALETTE[1]},
         "hovertemplate": "day %{x}: %{y:.4g}<extra>weight, corrected</extra>"},
    ]
    layout = style_layout(style)
    layout.update(xaxis={"title": {"text": "day"}, "dtick": 1 if len(days) <= 30 else None},
                  yaxis={"title": {"text": "weight in the last average"}}, barmode="group")
    return assemble(data, layout)


def buffers_figure(gradients: Sequence[float], buffers: Mapping[str, np.ndarray], *,
                   style: FigureStyle = DEFAULT_STYLE) -> go.Figure:
    """Each convention's momentum buffer after each step, fed the same gradients."""
    steps = np.arange(1, len(gradients) + 1)
    data: list[Trace] = [{"type": "bar", "x": steps.tolist(), "y": list(map(float, gradients)),
                          "name": "gradient g_t", "marker": {"color": "#d9d9d9", "line": {"color": "#999999",
                                                                                            "width": 1}},
                          "hovertemplate": "step %{x}: %{y:.6g}<extra>gradient</extra>"}]
    symbols = ("circle", "square", "diamond")
    for k, (label, values) in enumerate(buffers.items()):
        data.append(_line(steps, values, label, PALETTE[k], style, symbol=symbols[k % 3]))
    layout = style_layout(style)
    layout.update(xaxis={"title": {"text": "step t"}, "dtick": 1 if len(steps) <= 30 else None},
                  yaxis={"title": {"text": "momentum buffer b_t"}}, bargap=0.5)
    return assemble(data, layout)


def terminal_figure(terminals: Sequence[Terminal], *, steps: int | None = None,
                    style: FigureStyle = DEFAULT_STYLE) -> go.Figure:
    """The size of each of the first ``steps`` steps down a constant slope, per convention, with the size
    it tends to (dotted)."""
    data: list[Trace] = []
    shapes = []
    for k, terminal in enumerate(terminals):
        sizes = terminal.steps[:steps]
        data.append(_line(np.arange(1, len(sizes) + 1), sizes, terminal.label, PALETTE[k], style,
                          markers=len(sizes) <= 60))
        shapes.append({"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": terminal.limit,
                       "y1": terminal.limit, "line": {"color": PALETTE[k], "width": 1.5, "dash": "dot"}})
    layout = style_layout(style)
    layout.update(xaxis={"title": {"text": "step t"}}, yaxis={"title": {"text": "step size |x_t − x_{t−1}|"}},
                  shapes=shapes, font={**layout["font"], "color": INK})
    return assemble(data, layout)
