"""Figures of the lesson on clipping and schedules: the clipping geometry, and schedules' lr(t)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from lessons.clipping import Clipped, ScheduleCurve

from .build import assemble
from .style import DEFAULT_STYLE, INK, PALETTE, FigureStyle, style_layout, two_panels
from .traces import Trace

#: The colours of the gradient and of its two clipped versions.
GRADIENT, BY_VALUE, BY_NORM = INK, PALETTE[1], PALETTE[0]


def _arrow(vector: np.ndarray, name: str, colour: str, style: FigureStyle, axes: tuple[str, str],
           show: bool) -> Trace:
    x, y = float(vector[0]), float(vector[1])
    return {"type": "scatter", "x": [0.0, x], "y": [0.0, y], "mode": "lines+markers", "name": name,
            "legendgroup": name, "showlegend": show, "xaxis": axes[0], "yaxis": axes[1],
            "line": {"color": colour, "width": style.line_width},
            "marker": {"color": colour, "size": [0, style.size(14)], "symbol": "arrow",
                       "angleref": "previous"},
            "hovertemplate": f"<b>{name}</b><br>({x:.6g}, {y:.6g})<extra></extra>"}


def clip_figure(clipped: Clipped, *, stacked: bool = False, style: FigureStyle = DEFAULT_STYLE) -> go.Figure:
    """Left: the gradient with the box and ball of clipping at its own scale. Right: a close-up of the
    box ``[−c, c]²`` and the ball of radius ``c`` with both clipped vectors and the gradient's ray."""
    c, g = clipped.threshold, clipped.gradient
    data: list[Trace] = []
    whole, close = ("x", "y"), ("x2", "y2")
    # at the gradient's own scale the clipped vectors are specks: that panel draws g alone
    data.append(_arrow(g, "gradient g", GRADIENT, style, whole, False))
    data.append(_arrow(g, "gradient g", GRADIENT, style, close, np.linalg.norm(g) <= 2.2 * c))
    data.append(_arrow(clipped.by_value, "clipped by value", BY_VALUE, style, close, True))
    data.append(_arrow(clipped.by_norm, "clipped by norm", BY_NORM, style, close, True))
    norm = float(np.linalg.norm(g))
    if norm > 2.2 * c:  # the gradient leaves the close-up: its direction, as a dashed ray
        tip = g / norm * 2.2 * c
        data.append({"type": "scatter", "x": [0.0, float(tip[0])], "y": [0.0, float(tip[1])], "mode": "lines",
                     "name": "gradient g (its direction)", "xaxis": "x2", "yaxis": "y2",
                     "line": {"color": GRADIENT, "width": style.line_width * 0.6, "dash": "dash"},
                     "hoverinfo": "skip"})
    span = max(norm, c) * 1.15
    shapes = []
    for xref, yref in (("x", "y"), ("x2", "y2")):
        shapes.append({"type": "rect", "xref": xref, "yref": yref, "x0": -c, "y0": -c, "x1": c, "y1": c,
                       "line": {"color": BY_VALUE, "width": 1.5, "dash": "dot"},
                       "fillcolor": "rgba(213,94,0,0.06)"})
        shapes.append({"type": "circle", "xref": xref, "yref": yref, "x0": -c, "y0": -c, "x1": c, "y1": c,
                       "line": {"color": BY_NORM, "width": 1.5, "dash": "dot"},
                       "fillcolor": "rgba(0,114,178,0.06)"})
    layout = style_layout(style)
    first, second, rows = two_panels(stacked)
    near = 1.35 * c
    layout.update(
        xaxis={"domain": first, "anchor": "y", "range": [-span, span],
               "title": {"text": "the whole gradient"}, "zeroline": True},
        yaxis={"domain": rows[0], "anchor": "x", "range": [-span, span], "scaleanchor": "x",
               "zeroline": True},
        xaxis2={"domain": second, "anchor": "y2", "range": [-near, near],
                "title": {"text": f"close up: box and ball of size c = {c:g}"}, "zeroline": True},
        yaxis2={"domain": rows[1], "anchor": "x2", "range": [-near, near], "scaleanchor": "x2",
                "zeroline": True},
        shapes=shapes,
    )
    return assemble(data, layout)


def schedules_figure(curves: Mapping[str, np.ndarray], chosen: str, *,
                     style: FigureStyle = DEFAULT_STYLE) -> go.Figure:
    """Every schedule's lr multiplier against the step; the chosen one drawn thick."""
    data: list[Trace] = []
    for k, (name, values) in enumerate(curves.items()):
        thick = name == chosen
        data.append({"type": "scatter", "x0": 1, "dx": 1, "y": np.asarray(values, dtype=float).tolist(),
                     "mode": "lines", "name": name + (" (chosen)" if thick else ""),
                     "line": {"color": PALETTE[k % len(PALETTE)],
                              "width": style.line_width * (1.4 if thick else 0.6),
                              "dash": "solid" if thick or k < len(PALETTE) else "dash"},
                     "hovertemplate": f"<b>{name}</b><br>step %{{x}}<br>lr × %{{y:.4g}}<extra></extra>"})
    layout = style_layout(style)
    layout.update(xaxis={"title": {"text": "step t"}}, yaxis={"title": {"text": "lr(t) / lr"}})
    return assemble(data, layout)


def schedule_figure(curve: ScheduleCurve, lr: float, *, style: FigureStyle = DEFAULT_STYLE) -> go.Figure:
    """The chosen schedule's learning rate, and the momentum it sets (one-cycle), against the step."""
    data: list[Trace] = [{"type": "scatter", "x0": 1, "dx": 1, "y": (lr * curve.multiplier).tolist(),
                          "mode": "lines", "name": "learning rate", "line": {"color": PALETTE[0],
                                                                             "width": style.line_width},
                          "hovertemplate": "step %{x}<br>lr %{y:.4g}<extra></extra>"}]
    layout = style_layout(style)
    layout.update(xaxis={"title": {"text": "step t"}}, yaxis={"title": {"text": "learning rate"}})
    if curve.momentum is not None:
        data.append({"type": "scatter", "x0": 1, "dx": 1, "y": curve.momentum.tolist(), "mode": "lines",
                     "name": "momentum (right axis)", "yaxis": "y2",
                     "line": {"color": PALETTE[1], "width": style.line_width, "dash": "dash"},
                     "hovertemplate": "step %{x}<br>momentum %{y:.4g}<extra></extra>"})
        layout["yaxis2"] = {"title": {"text": "momentum"}, "overlaying": "y", "side": "right",
                            "showgrid": False}
    return assemble(data, layout)
