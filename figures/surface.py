"""The 2-D landscape as a 3-D surface with the paths lifted onto it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from .build import assemble
from .hover import vector
from .series import Series
from .style import DEFAULT_STYLE, INK, LANDSCAPE_COLORSCALE, FigureStyle, style_layout
from .traces import Trace, _escape, drawn_path, optimum_name
from .view import View, as_float32, display_for, evaluate, landscape_grid, view_window

#: Paths float this fraction of the surface's height above it, so the surface does not swallow them.
LIFT = 0.01


def surface_figure(landscape: Any, series: Sequence[Series], *, style: FigureStyle = DEFAULT_STYLE,
                   view: View | None = None, grid: tuple | None = None, max_points: int = 1000) -> go.Figure:
    """Return the landscape's displayed values as a 3-D surface, with paths, starts and optima on it.

    Heights follow the contour map's rule (``log10(f − min + 1)`` on log-scale landscapes). Path points
    outside the window are left out and heights are clipped to the surface's range, so a divergent run
    cannot blow up the scale. Raises ValueError for a 1-D landscape.
    """
    if landscape.dim != 2:
        raise ValueError(f"surface_figure needs a 2-D landscape, got dim={landscape.dim}")
    series = list(series)
    view = view_window(landscape, series) if view is None else view
    xs, ys, values = grid if grid is not None else landscape_grid(landscape, view, resolution=100)
    display = display_for(values, bool(getattr(landscape, "log_scale", False)))
    shown = display(values)
    finite = shown[np.isfinite(shown)]
    z_lo, z_hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if not z_hi > z_lo:
        z_hi = z_lo + 1.0
    lift = LIFT * (z_hi - z_lo)

    def height(points: np.ndarray) -> np.ndarray:
        z = np.clip(display(evaluate(landscape, points)), z_lo, z_hi) + lift
        inside = np.all([(points[:, d] >= view[d][0]) & (points[:, d] <= view[d][1]) for d in (0, 1)], axis=0)
        return np.where(inside, z, np.nan)

    data: list[Trace] = [{
        "type": "surface", "x": xs, "y": ys, "z": as_float32(shown),
        "colorscale": [list(stop) for stop in LANDSCAPE_COLORSCALE], "opacity": 0.92, "name": "landscape",
        "colorbar": {"title": {"text": display.label, "side": "right"}, "thickness": 14, "len": 0.8},
        "contours": {"z": {"show": True, "usecolormap": False, "color": "rgba(40,40,40,0.35)", "width": 1}},
        "hoverinfo": "skip", "showlegend": False,
    }]
    for s in series:
        drawn = drawn_path(landscape, s, max_points)
        data.append({
            "type": "scatter3d", "x": drawn.points[:, 0], "y": drawn.points[:, 1], "z": height(drawn.points),
            "mode": "lines+markers", "name": s.label, "legendgroup": s.label,
            "line": {"color": s.colour, "width": 6 * style.scale},
            "marker": {"color": s.colour, "size": 2.5 * style.scale},
            "customdata": np.column_stack([drawn.steps.astype(np.float64), drawn.values]),
            "hovertemplate": f"<b>{_escape(s.label)}</b><br>step %{{customdata[0]}}<br>x = %{{x:.4g}}, "
                             "y = %{y:.4g}<br>f = %{customdata[1]:.6g}<extra></extra>",
        })
    marks = []
    if series:
        starts = np.unique(np.array([s.start for s in series], dtype=np.float64), axis=0)
        marks.append(("start", starts, "circle", "white"))
    optima = tuple(getattr(landscape, "optima", ()) or ())
    if optima:
        marks.append((optimum_name(landscape), np.array(optima, dtype=np.float64), "diamond", "white"))
    for name, points, symbol, fill in marks:
        data.append({
            "type": "scatter3d", "x": points[:, 0], "y": points[:, 1], "z": height(points) + lift,
            "mode": "markers", "name": name,
            "marker": {"symbol": symbol, "size": 7 * style.scale, "color": fill,
                       "line": {"color": INK, "width": 3}},
            "hovertext": [f"{name} {vector(p)}" for p in points], "hoverinfo": "text",
        })
    (x_lo, x_hi), (y_lo, y_hi) = view
    ratio = float(np.clip((y_hi - y_lo) / (x_hi - x_lo), 0.33, 3.0))
    layout = style_layout(style)
    layout["scene"] = {
        "xaxis": {"range": [x_lo, x_hi], "title": {"text": "x"}},
        "yaxis": {"range": [y_lo, y_hi], "title": {"text": "y"}},
        "zaxis": {"range": [z_lo, z_hi + 3 * lift], "title": {"text": display.label}},
        "aspectmode": "manual", "aspectratio": {"x": 1.0, "y": ratio, "z": 0.6},
        "camera": {"eye": {"x": -1.15, "y": -1.3, "z": 0.75}},
    }
    return assemble(data, layout)
