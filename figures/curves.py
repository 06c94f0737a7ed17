"""Compact side-column figures against the step: loss gap, distance to the optimum, coordinates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from .build import assemble
from .hover import number
from .sampling import display_rows
from .series import Series
from .style import DEFAULT_STYLE, FigureStyle, style_layout
from .traces import Trace, _escape
from .view import evaluate

#: The smallest gap drawn on a log axis: an exact hit (gap 0) stays on the chart.
GAP_FLOOR = 1e-16


def optimum_value(landscape: Any) -> float | None:
    """Return the best known value of ``landscape`` (a method on built-ins, maybe a plain attribute)."""
    value = getattr(landscape, "optimum_value", None)
    value = value() if callable(value) else value
    return None if value is None or not np.isfinite(value) else float(value)


def loss_figure(landscape: Any, series: Sequence[Series], *, style: FigureStyle = DEFAULT_STYLE,
                max_points: int = 1000) -> go.Figure:
    """Return the loss against the step: the gap ``f − f*`` on a log axis when ``f*`` is known, else f."""
    best = optimum_value(landscape)
    maximize = getattr(landscape, "goal", "minimize") == "maximize"
    drawn = []
    for s in series:
        trajectory = s.trajectory
        steps = np.asarray(trajectory.loss_steps)
        div = s.divergence_row(steps)
        end = len(steps) if div is None else div + 1
        rows = display_rows(end, max_points, keep=() if div is None else (div,))
        f = np.asarray(trajectory.loss[rows, 0], dtype=np.float64)
        drawn.append((s, steps[rows], f))
    if best is not None:
        gap_word = "f* − f" if maximize else "f − f*"
        ys = [np.maximum((best - f) if maximize else (f - best), GAP_FLOOR) for _, _, f in drawn]
        title, log = f"{gap_word} (log scale)", True
        what = f"{gap_word} = %{{y:.3g}}<br>f = %{{customdata:.6g}}"
    else:
        ys = [f for _, _, f in drawn]
        finite = np.concatenate([y[np.isfinite(y)] for y in ys]) if ys else np.zeros(0)
        log = bool(finite.size) and bool(np.all(finite > 0)) and finite.max() / finite.min() > 1e3
        title = "f (log scale)" if log else "f"
        what = "f = %{customdata:.6g}"
    y_range = _range_without_runaways([s for s, _, _ in drawn], ys, log)
    data: list[Trace] = []
    for (s, steps, f), y in zip(drawn, ys, strict=True):
        data.append(_step_line(s, steps, y, f, what, style))
        if s.diverged_at is not None:
            data.append(_diverged_end(s, steps[-1:], y[-1:], style, y_range, log))
    return _compact(data, title, log, style, y_range)


def distance_figure(landscape: Any, series: Sequence[Series], *, style: FigureStyle = DEFAULT_STYLE,
                    max_points: int = 1000) -> go.Figure:
    """Return the distance to the nearest known optimum (log axis), or ‖∇f‖ when none is known."""
    optima = np.array(getattr(landscape, "optima", ()) or (), dtype=np.float64).reshape(-1, landscape.dim)
    lines = []
    for s in series:
        steps = np.asarray(s.trajectory.path_steps)
        div = s.divergence_row(steps)
        end = len(steps) if div is None else div + 1
        rows = display_rows(end, max_points, keep=() if div is None else (div,))
        points = s.path[rows]
        with np.errstate(all="ignore"):
            if len(optima):
                y = np.min(np.linalg.norm(points[:, None, :] - optima[None, :, :], axis=-1), axis=1)
            else:
                grads = np.asarray(landscape.grad(points), dtype=np.float64).reshape(len(rows), -1)
                y = np.linalg.norm(grads, axis=1)
        y = np.maximum(np.where(np.isfinite(y), y, np.nan), GAP_FLOOR)
        f = evaluate(landscape, points)
        lines.append((s, steps[rows], y, f))
    label = "distance" if len(optima) else "‖∇f‖"
    y_range = _range_without_runaways([line[0] for line in lines], [line[2] for line in lines], True)
    data: list[Trace] = []
    for s, steps, y, f in lines:
        data.append(_step_line(s, steps, y, f, f"{label} = %{{y:.3g}}<br>f = %{{customdata:.6g}}", style))
        if s.diverged_at is not None:
            data.append(_diverged_end(s, steps[-1:], y[-1:], style, y_range, True))
    title = "distance to optimum (log scale)" if len(optima) else "‖∇f‖ (log scale)"
    return _compact(data, title, True, style, y_range)


def coordinate_figure(landscape: Any, series: Sequence[Series], *, style: FigureStyle = DEFAULT_STYLE,
                      max_points: int = 1000) -> go.Figure:
    """Return each coordinate against the step (1-D: x; 2-D: x and y), optima as dotted lines."""
    names = ("x", "y")[: landscape.dim]
    optima = np.array(getattr(landscape, "optima", ()) or (), dtype=np.float64).reshape(-1, landscape.dim)
    bounds = getattr(landscape, "bounds", None)
    data: list[Trace] = []
    for s in series:
        steps = np.asarray(s.trajectory.path_steps)
        div = s.divergence_row(steps)
        end = len(steps) if div is None else div + 1
        rows = display_rows(end, max_points, keep=() if div is None else (div,))
        for axis, name in enumerate(names):
            dash = "solid" if axis == 0 else "dot"
            trace = _step_line(s, steps[rows], s.path[rows, axis], s.path[rows, axis], f"{name} = %{{y:.4g}}",
                               style, dash=dash, showlegend=axis == 0)
            trace["name"] = s.label if landscape.dim == 1 else f"{s.label} ({name})"
            data.append(trace)
    layout_extra: dict[str, Any] = {"shapes": [
        {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": float(v), "y1": float(v),
         "line": {"color": "#444444", "width": 1.2 * style.scale, "dash": "dot"}, "layer": "below"}
        for v in np.unique(optima.ravel())
    ]}
    fig = _compact(data, "x" if landscape.dim == 1 else "coordinate (solid x, dotted y)", False, style)
    values = [t["y"][np.isfinite(t["y"])] for t in data] + [optima.ravel()]
    values = np.concatenate(values)
    if bounds is not None and len(bounds) == landscape.dim and values.size:
        # Autoscale, but a runaway run may reach at most one window beyond the landscape's window.
        lo_b, hi_b = min(b[0] for b in bounds), max(b[1] for b in bounds)
        reach = hi_b - lo_b
        lo, hi = max(float(values.min()), lo_b - reach), min(float(values.max()), hi_b + reach)
        pad = 0.05 * (hi - lo) if hi > lo else 1.0
        layout_extra["yaxis"] = {"range": [lo - pad, hi + pad]}
    fig.update_layout(layout_extra)
    return fig


def _step_line(series: Series, steps: np.ndarray, y: np.ndarray, f: np.ndarray, what: str, style: FigureStyle,
               *, dash: str = "solid", showlegend: bool = True) -> Trace:
    return {
        "type": "scatter", "x": steps, "y": np.where(np.isfinite(y), y, np.nan), "mode": "lines",
        "name": series.label, "legendgroup": series.label, "showlegend": showlegend,
        "line": {"color": series.colour, "width": style.line_width * 0.8, "dash": dash},
        "customdata": np.where(np.isfinite(f), f, np.nan),
        "hovertemplate": f"<b>{_escape(series.label)}</b><br>step %{{x}}<br>{what}<extra></extra>",
    }


def _range_without_runaways(series: Sequence[Series], ys: Sequence[np.ndarray],
                            log: bool) -> list[float] | None:
    """A y range that shows the runs that stayed finite, when some diverged (else None: autoscale).

    A diverged run reaches 1e38; scaled to it, every other curve would be a flat line at the bottom.
    The runaway leaves through the top, where its end marker sits.
    """
    calm = [y for s, y in zip(series, ys, strict=True) if s.diverged_at is None]
    if len(calm) == len(ys) or not calm:
        return None
    calm_values = np.concatenate([y[np.isfinite(y)] for y in calm])
    every = np.concatenate([y[np.isfinite(y)] for y in ys])
    if not calm_values.size:
        return None
    if log:
        lo = np.log10(max(float(every[every > 0].min()), GAP_FLOOR)) if np.any(every > 0) else -16.0
        hi = np.log10(float(calm_values.max())) + 3.0  # three decades of headroom for the runaway's climb
        return [float(lo) - 0.3, float(hi)]
    lo, hi = float(min(every.min(), calm_values.min())), float(calm_values.max())
    span = hi - lo if hi > lo else 1.0
    return [lo - 0.05 * span, hi + 0.5 * span]


def _diverged_end(series: Series, step: np.ndarray, y: np.ndarray, style: FigureStyle,
                  y_range: list[float] | None = None, log: bool = False) -> Trace:
    shown = y
    if y_range is not None:  # pin the marker to the top edge when the value is off the chart
        top = 10 ** y_range[1] if log else y_range[1]
        shown = np.where(np.isfinite(y), np.minimum(y, top), top)
    return {
        "type": "scatter", "x": step, "y": shown, "mode": "markers", "name": f"{series.label} diverged",
        "legendgroup": series.label, "showlegend": False, "cliponaxis": False,
        "marker": {"symbol": "x-thin", "size": style.size(14), "color": series.colour,
                   "line": {"width": 3.5 * style.scale, "color": series.colour}},
        "hovertext": [f"<b>{_escape(series.label)}</b> diverged at step {series.diverged_at}"
                      f"<br>value {number(y[0])}"],
        "hoverinfo": "text",
    }


def _compact(data: list[Trace], y_title: str, log: bool, style: FigureStyle,
             y_range: list[float] | None = None) -> go.Figure:
    """A small figure without legend: colours and symbols match the landscape figure beside it."""
    layout = style_layout(style, compact=True)
    yaxis: dict[str, Any] = {"title": {"text": y_title}, "type": "log" if log else "linear",
                             "exponentformat": "power"}
    if log:
        yaxis["minorloglabels"] = "none"
    if y_range is not None:
        yaxis["range"] = y_range
    layout.update(xaxis={"title": {"text": "step"}}, yaxis=yaxis, showlegend=False)
    return assemble(data, layout)
