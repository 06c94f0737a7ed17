"""Figures of the lesson on descent in one dimension: the local models at a point beside the runs on
the curve, each run's iterates beside the gradient flow, and which optimum each start and learning
rate reaches."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go

from explore.basins import DIVERGED, NONE_REACHED
from lessons.descent import LocalModel, ReachMap

from .build import assemble
from .series import Series
from .style import DEFAULT_STYLE, INK, FigureStyle, style_layout, two_panels
from .traces import Trace, _escape
from .view import as_float32, evaluate

#: The local models' colours: greys and a dark teal, apart from the runs' palette colours.
TANGENT, SECANT, PARABOLA = "#333333", "#8a8a8a", "#1b6f6a"
#: The reach map's categories, in order: the global optimum, another one, none, diverged.
REACH_COLOURS = ("#2a9d4b", "#f0a63a", "#ececec", "#7a7a7a")


@dataclass(frozen=True)
class Step:
    """One learning rate's run, as the figures draw it."""

    series: Series
    lr: float


def _curve(landscape: Any, window: tuple[float, float], n: int = 600) -> tuple[np.ndarray, np.ndarray]:
    xs = np.linspace(window[0], window[1], n)
    return xs, evaluate(landscape, xs[:, None])


def _y_range(values: np.ndarray) -> list[float]:
    finite = values[np.isfinite(values)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
    pad = 0.08 * (high - low or 1.0)
    return [low - pad, high + pad]


def window_around(landscape: Any, *points: float) -> tuple[float, float]:
    """The landscape's window, widened to hold ``points`` (a point picked outside it) with a margin."""
    low, high = (float(v) for v in landscape.bounds[0])
    finite = [p for p in points if math.isfinite(p)]
    if finite:
        margin = 0.05 * (high - low)
        low, high = min(low, min(finite) - margin), max(high, max(finite) + margin)
    return low, high


def local_figure(landscape: Any, model: LocalModel, steps: Sequence[Step], *, maximize: bool = False,
                 stacked: bool = False, style: FigureStyle = DEFAULT_STYLE) -> go.Figure:
    """Two panels over the same window: left, ``f`` near ``model.x`` with its tangent, secant and
    parabola, and gradient descent's own parabola (curvature 1/η) per learning rate with where its
    step lands; right, every run's iterates on the curve."""
    window = window_around(landscape, model.x, model.x + model.h)
    xs, fs = _curve(landscape, window)
    y_range = _y_range(fs)
    width = style.line_width
    left, right = ({"x": "x", "y": "y"}, {"x": "x2", "y": "y2"})
    data: list[Trace] = []
    for axes, show in ((left, True), (right, False)):
        data.append({"type": "scatter", "x": as_float32(xs), "y": as_float32(fs), "mode": "lines",
                     "name": "f", "legendgroup": "f", "showlegend": show, "xaxis": axes["x"],
                     "yaxis": axes["y"],
                     "line": {"color": INK, "width": width * 0.7}, "hoverinfo": "skip"})
    data.append({"type": "scatter", "x": as_float32(xs), "y": as_float32(model.tangent(xs)), "mode": "lines",
                 "name": f"tangent: slope f′(x) = {model.slope:.4g}",
                 "line": {"color": TANGENT, "width": width * 0.6},
                 "hoverinfo": "skip"})
    ends = np.array([model.x, model.x + model.h])
    data.append({"type": "scatter", "x": as_float32(xs), "y": as_float32(model.secant(xs)), "mode": "lines",
                 "name": f"secant over h = {model.h:.4g}: slope {model.secant_slope:.4g}",
                 "line": {"color": SECANT, "width": width * 0.6, "dash": "dash"}, "hoverinfo": "skip"})
    data.append({"type": "scatter", "x": as_float32(ends), "y": as_float32(model.secant(ends)),
                 "mode": "markers", "name": "secant points", "showlegend": False,
                 "marker": {"color": SECANT, "size": style.size(8), "symbol": "circle-open",
                            "line": {"width": 2}},
                 "hovertemplate": "x = %{x:.4g}<br>f = %{y:.4g}<extra>secant</extra>"})
    vertex = model.vertex
    parabola_name = f"parabola: f″(x) = {model.curvature:.4g}" + (
        f", vertex at {vertex:.4g}" if vertex is not None else "")
    data.append({"type": "scatter", "x": as_float32(xs), "y": as_float32(model.parabola(xs)), "mode": "lines",
                 "name": parabola_name, "legendgroup": "parabola",
                 "line": {"color": PARABOLA, "width": width * 0.7, "dash": "dashdot"}, "hoverinfo": "skip"})
    if vertex is not None and window[0] <= vertex <= window[1]:
        data.append({"type": "scatter", "x": [vertex], "y": [model.parabola(np.array([vertex]))[0]],
                     "mode": "markers", "name": "Newton's step (the vertex)", "legendgroup": "parabola",
                     "showlegend": False,
                     "marker": {"color": PARABOLA, "size": style.size(11), "symbol": "diamond-open",
                                "line": {"width": 2}},
                     "hovertemplate": "vertex x = %{x:.4g}<extra>Newton's step</extra>"})
    for step in steps:
        s, lr = step.series, step.lr
        name = _escape(s.label)
        landing = model.gradient_step(lr, maximize=maximize)
        curvature = -1.0 / lr if maximize else 1.0 / lr
        data.append({"type": "scatter", "x": as_float32(xs), "y": as_float32(model.parabola(xs, curvature)),
                     "mode": "lines", "name": f"{s.label}: step to {landing:.4g}", "legendgroup": s.label,
                     "line": {"color": s.colour, "width": width * 0.5, "dash": "dot"}, "hoverinfo": "skip"})
        lands_at = model.parabola(np.array([landing]), curvature)[0]
        data.append({"type": "scatter", "x": [landing], "y": [lands_at], "mode": "markers",
                     "name": s.label, "legendgroup": s.label, "showlegend": False,
                     "marker": {"color": s.colour, "size": style.size(10), "symbol": s.marker},
                     "hovertemplate": f"<b>{name}</b><br>one step from x lands at %{{x:.4g}}<extra></extra>"})
    data.append({"type": "scatter", "x": [model.x], "y": [model.value], "mode": "markers", "name": "x",
                 "showlegend": False, "marker": {"color": INK, "size": style.size(12), "symbol": "circle"},
                 "hovertemplate": f"x = {model.x:.4g}<br>f(x) = {model.value:.4g}<br>"
                                  f"f′(x) = {model.slope:.4g}<extra></extra>"})
    for step in steps:
        s = step.series
        path = s.path[:, 0]
        finite = np.isfinite(path)
        loss = s.trajectory.loss[:, 0]
        data.append({"type": "scatter", "x": as_float32(path[finite]), "y": as_float32(loss[finite]),
                     "mode": "lines+markers", "name": s.label, "legendgroup": s.label, "showlegend": False,
                     "xaxis": "x2", "yaxis": "y2", "line": {"color": s.colour, "width": width * 0.35},
                     "marker": {"color": s.colour, "size": style.size(7), "symbol": s.marker},
                     "hovertemplate": f"<b>{_escape(s.label)}</b><br>x = %{{x:.4g}}<br>f = %{{y:.4g}}"
                                      "<extra></extra>"})
    layout = style_layout(style)
    first, second, rows = two_panels(stacked, gap=0.14 if stacked else 0.08)
    layout.update(
        xaxis={"range": list(window), "domain": first, "anchor": "y",
               "title": {"text": f"x: the models at {model.x:.4g}"}},
        yaxis={"range": y_range, "domain": rows[0], "anchor": "x", "title": {"text": "f"}},
        xaxis2={"range": list(window), "domain": second, "anchor": "y2",
                "title": {"text": "x: the runs on f"}},
        yaxis2={"range": y_range, "domain": rows[1], "anchor": "x2"},
    )
    return assemble(data, layout)


def flow_figure(steps: Sequence[Step], flows: Sequence[np.ndarray], optima: Sequence[float], *,
                style: FigureStyle = DEFAULT_STYLE) -> go.Figure:
    """Each run's iterate ``x_t`` against the step (markers and line) and the gradient flow at the same
    time ``τ = tη`` (dotted, same colour); the optima as dashed lines."""
    data: list[Trace] = []
    for step, flow in zip(steps, flows, strict=True):
        s = step.series
        name = _escape(s.label)
        path = s.path[:, 0]
        data.append({"type": "scatter", "x0": 0, "dx": 1, "y": as_float32(path), "mode": "lines+markers",
                     "name": f"{s.label}: gradient descent", "legendgroup": s.label,
                     "line": {"color": s.colour, "width": style.line_width * 0.5},
                     "marker": {"color": s.colour, "size": style.size(5), "symbol": s.marker,
                                "maxdisplayed": 400},
                     "hovertemplate": f"<b>{name}</b><br>step %{{x}}<br>x = %{{y:.6g}}<extra></extra>"})
        data.append({"type": "scatter", "x0": 0, "dx": 1, "y": as_float32(flow), "mode": "lines",
                     "name": f"{s.label}: gradient flow at τ = {step.lr:g}·t", "legendgroup": s.label,
                     "line": {"color": s.colour, "width": style.line_width * 0.9, "dash": "dot"},
                     "hovertemplate": f"<b>{name}</b>, flow<br>step %{{x}}<br>x(τ) = %{{y:.6g}}"
                                      "<extra></extra>"})
    layout = style_layout(style)
    layout.update(xaxis={"title": {"text": "step t"}}, yaxis={"title": {"text": "x"}},
                  shapes=[{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": x, "y1": x,
                           "line": {"color": "#777777", "width": 1, "dash": "dash"}} for x in optima],
                  annotations=[{"text": f"optimum {x:.4g}", "xref": "paper", "x": 1, "y": x,
                                "xanchor": "right", "yanchor": "bottom", "showarrow": False,
                                "font": {"color": "#555555"}}
                               for x in optima])
    return assemble(data, layout)


def reach_categories(reach: ReachMap) -> np.ndarray:
    """Each cell's category: 0 the global optimum, 1 another optimum, 2 none reached, 3 diverged."""
    best = reach.best
    labels = reach.labels
    categories = np.where(labels == DIVERGED, 3, np.where(labels == NONE_REACHED, 2, 1))
    if best is not None:
        categories = np.where(labels == best, 0, categories)
    return categories


def reach_figure(reach: ReachMap, start: float, lrs: Sequence[float], *, optimum_word: str,
                 style: FigureStyle = DEFAULT_STYLE) -> go.Figure:
    """Start × learning rate, each cell coloured by where gradient descent from there ends; the page's
    runs as white-ringed marks."""
    categories = reach_categories(reach)
    scale = []
    for k, colour in enumerate(REACH_COLOURS):
        scale += [[k / 4, colour], [(k + 1) / 4, colour]]
    names = (f"the global {optimum_word}", f"another {optimum_word}", "none within 10⁻³ yet", "diverged")
    log_lrs = np.log10(reach.lrs)
    data: list[Trace] = [{
        "type": "heatmap", "x": as_float32(reach.starts), "y": as_float32(log_lrs),
        "z": categories.astype(np.int8), "zmin": -0.5, "zmax": 3.5, "colorscale": scale, "showscale": False,
        "customdata": np.array(names, dtype=object)[categories],
        "hovertemplate": "start %{x:.4g}<br>lr 10^%{y:.2f}<br>%{customdata}<extra></extra>",
    }]
    for k, name in enumerate(names):
        if np.any(categories == k):
            data.append({"type": "scatter", "x": [None], "y": [None], "mode": "markers", "name": name,
                         "marker": {"color": REACH_COLOURS[k], "size": style.size(12), "symbol": "square",
                                    "line": {"color": "#999999", "width": 1}}})
    data.append({"type": "scatter", "x": [start] * len(lrs), "y": [math.log10(lr) for lr in lrs],
                 "mode": "markers", "name": "the runs above",
                 "marker": {"color": "white", "size": style.size(11), "symbol": "circle",
                            "line": {"color": INK, "width": 2}},
                 "hovertemplate": "start %{x:.4g}<br>lr 10^%{y:.2f}<extra>a run above</extra>"})
    decades = range(math.floor(log_lrs.min()), math.ceil(log_lrs.max()) + 1)
    half = 0.5 * float(np.min(np.diff(log_lrs))) if len(log_lrs) > 1 else 0.5  # the edge rows' whole cells
    layout = style_layout(style)
    layout.update(xaxis={"title": {"text": "start x₀"},
                         "range": [float(reach.starts[0]), float(reach.starts[-1])]},
                  yaxis={"title": {"text": "learning rate"}, "tickvals": list(decades),
                         "ticktext": [f"{10.0 ** d:g}" for d in decades],
                         "range": [float(log_lrs[0]) - half, float(log_lrs[-1]) + half]})
    return assemble(data, layout)
