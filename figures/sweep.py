"""A sweep's grid as a picture: a heatmap of the metric over two hyperparameters (diverged cells in
grey, not as a huge number), or a sensitivity curve over the learning rate alone."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from .build import assemble
from .hover import number
from .style import DEFAULT_STYLE, INK, LANDSCAPE_COLORSCALE, FigureStyle, style_layout
from .traces import Trace

#: Tick labels along an axis of cells, at most this many.
MAX_TICKS = 7
DIVERGED_GREY = "#9a9a9a"
#: Metrics drawn on a log scale (they span decades and are ≥ 0).
LOG_METRICS = ("final_gap", "final_distance", "mean_loss")
FLOOR = 1e-16
OTHER_SYMBOLS = ("square", "diamond", "triangle-up", "x", "star", "cross", "pentagon")
#: The landscape's colours, the best (lowest) cells in its brightest yellow.
REVERSED_SCALE = [[stop, colour] for (stop, _), (_, colour) in
                  zip(LANDSCAPE_COLORSCALE, LANDSCAPE_COLORSCALE[::-1], strict=True)]


def metric_label(metric: str, landscape: Any | None = None) -> str:
    """The words for a sweep metric on ``landscape`` (its names for the gap and the optimum)."""
    gap = landscape.gap_name if landscape is not None else "f − f*"
    nearest = landscape.optimum_name if landscape is not None else "optimum"
    return {"final_gap": f"{gap} after the last step", "mean_loss": "mean f over the run",
            "steps_to_tol": "steps to reach the tolerance",
            "final_distance": f"distance to the nearest {nearest}"}[metric]


def sweep_figure(axes: Sequence[tuple[str, np.ndarray]], values: np.ndarray, diverged: np.ndarray,
                 metric: str, *, style: FigureStyle = DEFAULT_STYLE, selected: tuple[int, ...] | None = None,
                 lr_marks: Sequence[tuple[float, str]] = (),
                 point_marks: Sequence[tuple[float, float, str]] = (),
                 curve_marks: Sequence[tuple[np.ndarray, np.ndarray, str]] = (), landscape: Any | None = None,
                 axis_titles: Sequence[str] = (),
                 others: Sequence[tuple[str, str, np.ndarray, np.ndarray]] = (),
                 main_name: str | None = None) -> go.Figure:
    """Return the grid: a heatmap over ``axes[0]`` (x, the learning rate) × ``axes[1]`` (y), or a
    curve over ``axes[0]`` alone.

    Args:
        axes: ``(name, values)`` per axis; a pair-valued axis (betas) is shown by its first entry.
        values, diverged: the sweep's grids (``values`` NaN or inf where nothing applies).
        selected: the chosen cell, ringed.
        lr_marks: ``(lr, label)`` vertical lines on the learning-rate axis (theory's stability edge …).
        point_marks: ``(lr, second, label)`` stars on the heatmap (theory's best setting).
        curve_marks: ``(lrs, seconds, label)`` lines on the heatmap (theory's stability edge).
        others: on one axis, more optimizers' curves over the same learning rates:
            ``(name, colour, values, diverged)``; ``main_name`` names the first curve then.
        axis_titles: the axes' titles (default: their names).
        landscape: what the sweep ran on, for its names of the gap and the optimum in the titles.
    """
    titles = list(axis_titles) or [name for name, _ in axes]
    shown = [_axis_numbers(values_) for _, values_ in axes]
    finite_values = values[np.isfinite(values)]
    log = metric in LOG_METRICS and finite_values.size > 0 and bool(np.all(finite_values > 0))
    label = metric_label(metric, landscape)
    layout = style_layout(style)
    layout["margin"] = layout["margin"] | {"t": 30}
    data: list[Trace] = []
    x = shown[0]
    if len(axes) == 1:
        finite = np.isfinite(values) & ~diverged
        data.append({"type": "scatter", "x": x, "y": np.where(finite, values, np.nan),
                     "mode": "lines+markers", "name": main_name or label,
                     "line": {"color": INK, "width": style.line_width * 0.8},
                     "marker": {"size": style.size(6), "color": INK},
                     "hovertemplate": f"{titles[0]} = %{{x:.4g}}<br>{label} = %{{y:.4g}}<extra></extra>"})
        if diverged.any():
            data.append({"type": "scatter", "x": x[diverged], "y": [1.0] * int(diverged.sum()), "yaxis": "y2",
                         "mode": "markers", "name": "diverged", "hovertemplate": f"{titles[0]} = %{{x:.4g}}: "
                         "diverged<extra></extra>",
                         "marker": {"symbol": "x-thin", "size": style.size(12), "color": "#c0392b",
                                    "line": {"width": 2.5 * style.scale, "color": "#c0392b"}}})
        for (name, colour, other_values, other_diverged), symbol in zip(others, OTHER_SYMBOLS, strict=False):
            ok = np.isfinite(other_values) & ~other_diverged
            data.append({"type": "scatter", "x": x, "y": np.where(ok, other_values, np.nan),
                         "mode": "lines+markers", "name": name,
                         "line": {"color": colour, "width": style.line_width * 0.8},
                         "marker": {"size": style.size(6), "color": colour, "symbol": symbol},
                         "hovertemplate": f"<b>{name}</b><br>{titles[0]} = %{{x:.4g}}<br>{label} = "
                                          "%{y:.4g}<extra></extra>"})
            if other_diverged.any():  # its divergence edge, a row of crosses in its colour
                crosses = int(other_diverged.sum())
                data.append({"type": "scatter", "x": x[other_diverged], "y": [0.95] * crosses, "yaxis": "y2",
                             "mode": "markers", "name": f"{name} diverged", "showlegend": False,
                             "hovertemplate": f"<b>{name}</b>: {titles[0]} = %{{x:.4g}} "
                                              "diverged<extra></extra>",
                             "marker": {"symbol": "x-thin", "size": style.size(10), "color": colour,
                                        "line": {"width": 2 * style.scale, "color": colour}}})
        if selected is not None:
            i = selected[0]
            data.append({"type": "scatter", "x": [x[i]], "y": [values[i] if np.isfinite(values[i]) else None],
                         "mode": "markers", "name": "chosen cell", "hoverinfo": "skip", "showlegend": False,
                         "marker": {"symbol": "circle-open", "size": style.size(16), "color": INK,
                                    "line": {"width": 2.5 * style.scale}}})
        layout.update(xaxis={"type": "log", "title": {"text": titles[0]}, "exponentformat": "power",
                             "minorloglabels": "none"},
                      yaxis={"type": "log" if log else "linear", "title": {"text": label},
                             "exponentformat": "power"},
                      yaxis2={"overlaying": "y", "range": [0, 1.05], "visible": False, "fixedrange": True})
        for (lr, text), dash in zip(lr_marks, ("dash", "dot", "dashdot"), strict=False):
            data.append({"type": "scatter", "x": [lr, lr], "y": [0, 1], "yaxis": "y2", "mode": "lines",
                         "name": text, "hoverinfo": "name",
                         "line": {"color": INK, "width": 1.5 * style.scale, "dash": dash}})
        return assemble(data, layout)

    y = shown[1]
    z = np.where(diverged | ~np.isfinite(values), np.nan, values)
    z_shown = np.log10(np.maximum(z, FLOOR)) if log else z
    nice = np.vectorize(lambda v: "—" if not math.isfinite(v) else number(v))(values.astype(np.float64))
    text = np.where(diverged, "diverged", nice)
    # Cells by index: equal-sized bricks on any grid (a log-spaced axis would squeeze its cells).
    data.append({"type": "heatmap", "z": z_shown.T, "x0": 0, "dx": 1, "y0": 0, "dy": 1,
                 "colorscale": REVERSED_SCALE, "name": label,
                 "colorbar": {"title": {"text": ("log₁₀ " if log else "") + label, "side": "right"},
                              "thickness": 14, "outlinewidth": 0},
                 "customdata": np.stack(np.meshgrid(x, y, indexing="xy"), axis=-1), "text": text.T,
                 "hovertemplate": f"{titles[0]} = %{{customdata[0]:.4g}}<br>{titles[1]} = "
                                  f"%{{customdata[1]:.4g}}<br>{label}: %{{text}}<extra></extra>"})
    if diverged.any():
        data.append({"type": "heatmap", "z": np.where(diverged, 1.0, np.nan).T, "x0": 0, "dx": 1, "y0": 0,
                     "dy": 1, "colorscale": [[0, DIVERGED_GREY], [1, DIVERGED_GREY]], "showscale": False,
                     "name": "diverged", "hovertemplate": "diverged<extra></extra>"})
    # Invisible points over the cells: a click on one selects it (Plotly selects points, not bricks).
    ii, jj = np.meshgrid(np.arange(len(x)), np.arange(len(y)), indexing="ij")
    data.append({"type": "scatter", "x": ii.ravel(), "y": jj.ravel(), "mode": "markers", "name": "cells",
                 "showlegend": False, "hoverinfo": "none",
                 "marker": {"size": max(4, 14 - len(x) // 6), "opacity": 0, "color": INK}})
    if selected is not None:
        data.append({"type": "scatter", "x": [selected[0]], "y": [selected[1]], "mode": "markers",
                     "name": "chosen cell", "hoverinfo": "skip", "showlegend": True,
                     "marker": {"symbol": "square-open", "size": style.size(16), "color": INK,
                                "line": {"width": 2.5 * style.scale}}})
    for lr, second, label_ in point_marks:
        data.append({"type": "scatter", "x": [_index(x, lr)], "y": [_index(y, second)], "mode": "markers",
                     "name": label_, "hovertemplate": f"{label_}<extra></extra>",
                     "marker": {"symbol": "star", "size": style.size(18), "color": "white",
                                "line": {"width": 1.8 * style.scale, "color": INK}}})
    layout.update(xaxis=_index_axis(x, titles[0], log=True), yaxis=_index_axis(y, titles[1], log=_is_log(y)),
                  legend=layout["legend"] | {"y": 1.02})
    for (lr, text_), dash in zip(lr_marks, ("dash", "dot", "dashdot"), strict=False):
        at = _index(x, lr)
        data.append({"type": "scatter", "x": [at, at], "y": [-0.5, len(y) - 0.5], "mode": "lines",
                     "name": text_, "hoverinfo": "name",
                     "line": {"color": INK, "width": 1.5 * style.scale, "dash": dash}})
    for lrs, seconds, text_ in curve_marks:
        inside = (lrs >= x[0]) & (lrs <= x[-1])
        data.append({"type": "scatter", "x": [_index(x, v) for v in lrs[inside]],
                     "y": [_index(y, v) for v in seconds[inside]], "mode": "lines", "name": text_,
                     "hoverinfo": "name", "line": {"color": "#c0392b", "width": 2 * style.scale}})
    return assemble(data, layout)


def _axis_numbers(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    return values[:, 0] if values.ndim == 2 else values


def _is_log(values: np.ndarray) -> bool:
    values = np.asarray(values, dtype=np.float64)
    if len(values) < 3 or np.any(values <= 0):
        return False
    ratios = values[1:] / values[:-1]
    return bool(np.allclose(ratios, ratios[0], rtol=1e-6)) and ratios[0] != 1


def _index(values: np.ndarray, target: float) -> float:
    """Where ``target`` falls on an axis of cells, in cell units (log-interpolated on a log axis)."""
    values = np.asarray(values, dtype=np.float64)
    if _is_log(values):
        return float(np.interp(math.log(target), np.log(values), np.arange(len(values))))
    return float(np.interp(target, values, np.arange(len(values))))


def _index_axis(values: np.ndarray, title: str, log: bool) -> dict[str, Any]:
    n = len(values)
    ticks = sorted(set(np.linspace(0, n - 1, min(n, MAX_TICKS)).round().astype(int).tolist()))
    return {"title": {"text": title + (" (log scale)" if log else "")}, "tickvals": ticks,
            "ticktext": [number(values[i], 3) for i in ticks], "range": [-0.5, n - 0.5], "showgrid": False,
            "zeroline": False}
