"""Figures of the real-landscape lesson: loss on a plane through weight space with trajectories on it,
the loss along one direction through two minima, the decision boundary, and training curves."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from networks.slices import Plane

from .build import assemble
from .style import DEFAULT_STYLE, INK, LANDSCAPE_COLORSCALE, PALETTE, FigureStyle, style_layout
from .traces import Trace, _escape


def _log_loss(loss: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        shown = np.log10(np.maximum(loss, 1e-12))
    return np.where(np.isfinite(shown), shown, np.nan)


def plane_figure(grid: Plane, paths: Sequence[tuple[str, np.ndarray]], *, axis_titles: tuple[str, str],
                 style: FigureStyle = DEFAULT_STYLE) -> go.Figure:
    """``log₁₀`` of the loss over the plane as filled contours, each path's coordinates on it as a line,
    and the plane's centre (the trained weights) as a star."""
    data: list[Trace] = [{
        "type": "contour", "x": grid.a.tolist(), "y": grid.b.tolist(), "z": _log_loss(grid.loss).tolist(),
        "colorscale": [list(pair) for pair in LANDSCAPE_COLORSCALE], "ncontours": 25,
        "contours": {"coloring": "fill", "showlines": True}, "line": {"width": 0.5,
                     "color": "rgba(0,0,0,0.2)"},
        "colorbar": {"title": {"text": "log₁₀ loss"}}, "name": "loss",
        "hovertemplate": "(%{x:.3g}, %{y:.3g})<br>log₁₀ loss %{z:.3g}<extra></extra>"}]
    for k, (label, coords) in enumerate(paths):
        colour = PALETTE[k % len(PALETTE)]
        data.append({"type": "scatter", "x": coords[:, 0].tolist(), "y": coords[:, 1].tolist(),
                     "mode": "lines+markers", "name": label,
                     "line": {"color": colour, "width": style.line_width * 0.8},
                     "marker": {"color": colour, "size": style.size(4), "maxdisplayed": 60},
                     "hovertemplate": f"<b>{_escape(label)}</b><br>(%{{x:.3g}}, %{{y:.3g}})<extra></extra>"})
        data.append({"type": "scatter", "x": [float(coords[0, 0])], "y": [float(coords[0, 1])],
                     "mode": "markers",
                     "name": f"{label}: start", "showlegend": False,
                     "marker": {"color": "white", "size": style.size(10), "symbol": "circle",
                                "line": {"color": colour, "width": 2}}})
    data.append({"type": "scatter", "x": [0.0], "y": [0.0], "mode": "markers", "name": "the trained weights",
                 "marker": {"color": "white", "size": style.size(15), "symbol": "star",
                            "line": {"color": INK, "width": 1.5}}})
    layout = style_layout(style)
    layout.update(xaxis={"title": {"text": axis_titles[0]}, "range": [float(grid.a[0]), float(grid.a[-1])]},
                  yaxis={"title": {"text": axis_titles[1]}, "range": [float(grid.b[0]), float(grid.b[-1])]})
    return assemble(data, layout)


def profile_figure(profiles: Sequence[tuple[str, np.ndarray, np.ndarray]], *,
                   style: FigureStyle = DEFAULT_STYLE) -> go.Figure:
    """The loss along one filter-normalized direction through each minimum (log axis)."""
    data: list[Trace] = []
    for k, (label, alphas, loss) in enumerate(profiles):
        data.append({"type": "scatter", "x": alphas.tolist(), "y": np.maximum(loss, 1e-12).tolist(),
                     "mode": "lines", "name": label,
                     "line": {"color": PALETTE[k % len(PALETTE)], "width": style.line_width},
                     "hovertemplate": f"<b>{_escape(label)}</b><br>α %{{x:.3g}}<br>loss %{{y:.4g}}"
                                      "<extra></extra>"})
    layout = style_layout(style)
    layout.update(xaxis={"title": {"text": "α along a filter-normalized direction"}},
                  yaxis={"title": {"text": "training loss (log scale)"}, "type": "log",
                         "exponentformat": "power"})
    return assemble(data, layout)


def boundary_figure(xs: np.ndarray, ys: np.ndarray, probability: np.ndarray, X: np.ndarray, y: np.ndarray,
                    class_names: Sequence[str], *, style: FigureStyle = DEFAULT_STYLE) -> go.Figure:
    """The trained network's probability of the second class over the input plane, with the data."""
    data: list[Trace] = [{
        "type": "heatmap", "x": xs.tolist(), "y": ys.tolist(), "z": probability.tolist(),
        "zmin": 0, "zmax": 1,
        "colorscale": [[0, "#cfe3f3"], [0.5, "#ffffff"], [1, "#f6d3bd"]], "showscale": False,
        "hovertemplate": "(%{x:.3g}, %{y:.3g})<br>p(" + _escape(class_names[1])
                         + ") %{z:.3f}<extra></extra>"},
        {"type": "contour", "x": xs.tolist(), "y": ys.tolist(), "z": probability.tolist(), "showscale": False,
         "contours": {"start": 0.5, "end": 0.5, "size": 1, "coloring": "none"},
         "line": {"color": INK, "width": 2}, "name": "boundary p = ½", "hoverinfo": "skip"}]
    for k, name in enumerate(class_names):
        mask = y == k
        data.append({"type": "scatter", "x": X[mask, 0].tolist(), "y": X[mask, 1].tolist(), "mode": "markers",
                     "name": name, "marker": {"color": PALETTE[k], "size": style.size(6),
                                              "line": {"color": "white", "width": 0.5}}})
    layout = style_layout(style)
    layout.update(xaxis={"title": {"text": "x₁"}, "constrain": "domain"},
                  yaxis={"title": {"text": "x₂"}, "scaleanchor": "x"})
    return assemble(data, layout)


def training_figure(curves: Sequence[tuple[str, np.ndarray]], *,
                    style: FigureStyle = DEFAULT_STYLE) -> go.Figure:
    """Each optimizer's training loss against the step (log axis)."""
    data: list[Trace] = [{"type": "scatter", "x0": 0, "dx": 1, "y": np.maximum(loss, 1e-12).tolist(),
                          "mode": "lines", "name": label,
                          "line": {"color": PALETTE[k % len(PALETTE)], "width": style.line_width * 0.8}}
                         for k, (label, loss) in enumerate(curves)]
    layout = style_layout(style)
    layout.update(xaxis={"title": {"text": "step"}},
                  yaxis={"title": {"text": "training loss (log scale)"}, "type": "log",
                         "exponentformat": "power"})
    return assemble(data, layout)
