"""The landscape with optimizer paths on it (contour map in 2-D, curve in 1-D), animated client-side."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from .animation import MAX_FRAMES, build_animation, explanation_traces, momentum_key
from .build import assemble
from .series import Series
from .style import DEFAULT_STYLE, FigureStyle, style_layout
from .traces import panel_traces
from .view import View, curve, padded_range, view_window

#: Equal axis scales only when the window is not too elongated: contours and gradient arrows then keep
#: their true angles; a very long window would leave a thin strip instead.
MAX_EQUAL_ASPECT = 3.0
#: In lecture mode the legend stands in this fraction of the width, left of the map.
LECTURE_LEGEND_BAND = 0.33


def landscape_figure(landscape: Any, series: Sequence[Series], *, style: FigureStyle = DEFAULT_STYLE,
                     view: View | None = None, grid: tuple | None = None, animate: bool = True,
                     max_points: int = 1000, max_frames: int = MAX_FRAMES, equal_aspect: bool = True,
                     start_picker: int = 0) -> go.Figure:
    """Return the landscape with every series' path, start, optima, saddles and divergence marked.

    Args:
        landscape: a 1-D or 2-D landscape.
        series: the runs to draw (particle 0 of each).
        style: screen or lecture.
        view: the window; default :func:`figures.view.view_window`.
        grid: precomputed ``landscape_grid(landscape, view)`` (2-D) or ``curve(landscape, view)`` (1-D),
            to reuse a cached evaluation; it must match ``view``.
        animate: add client-side frames with Play/Pause and a step slider (when any run has a step).
        max_points: rows drawn per path (the divergence row is kept besides).
        max_frames: frames at most, evenly spread over the steps, first and last included.
        equal_aspect: one unit is as long on both axes (2-D, unless the window is more than 3:1), so
            contours and gradient arrows keep their true angles; the plot is then square-ish and
            centred, with white space beside it in a wide container.
        start_picker: in 2-D, a grid of this many × this many invisible points over the window, the
            first trace: a page that listens to point selections learns where the user clicked
            (Plotly reports clicks on points only, not on the map image).
    """
    series = list(series)
    view = view_window(landscape, series) if view is None else view
    if landscape.dim == 1 and grid is None:
        grid = curve(landscape, view)
    animated = animate and bool(series) and any(s.trajectory.path_steps[-1] > 0 for s in series)
    images: list[dict] = []
    data = panel_traces(landscape, series, view, style, grid=grid, max_points=max_points,
                        images=images if animated else None)
    if start_picker and landscape.dim == 2:
        data.insert(0, picker_trace(view, start_picker))
    layout = style_layout(style)
    layout.update(_axes(landscape, view, grid, equal_aspect))
    if style.lecture and landscape.dim == 2:
        # On a projector the figure is wide and the square map needs only its middle: the legend
        # goes in a column in the band on its left and leaves the whole height to the map.
        layout["xaxis"] = layout["xaxis"] | {"domain": [LECTURE_LEGEND_BAND, 1.0]}
        layout["legend"] = layout["legend"] | {"orientation": "v", "x": 0, "xanchor": "left", "y": 1,
                                               "yanchor": "top"}
    if images:
        layout["images"] = images
    frames: list[dict] = []
    if animated:
        y_view = padded_range(grid[1], 0.06) if landscape.dim == 1 else None
        animation = build_animation(landscape, series, view, style, first_trace=len(data),
                                    max_frames=max_frames, y_view=y_view)
        data += animation.traces
        data += explanation_traces(landscape.dim, style,
                                   momentum=any(momentum_key(s) is not None for s in series))
        frames = animation.frames
        layout.update(sliders=animation.sliders, updatemenus=animation.updatemenus)
        layout["margin"] = layout["margin"] | {"b": 20}
    return assemble(data, layout, frames)


def picker_trace(view: View, count: int) -> dict[str, Any]:
    """Invisible, clickable points on a ``count`` × ``count`` grid over ``view`` (no hover label)."""
    (x_lo, x_hi), (y_lo, y_hi) = view
    xs, ys = np.meshgrid(np.linspace(x_lo, x_hi, count), np.linspace(y_lo, y_hi, count))
    return {"type": "scatter", "x": xs.ravel().astype(np.float32), "y": ys.ravel().astype(np.float32),
            "mode": "markers", "name": "click to start here", "showlegend": False, "hoverinfo": "none",
            "marker": {"size": 10, "opacity": 0, "color": "black"}}


def _axes(landscape: Any, view: View, grid: tuple | None, equal_aspect: bool) -> dict[str, Any]:
    """Axis settings with ranges fixed to the window (finite by construction)."""
    if landscape.dim == 2:
        (x_lo, x_hi), (y_lo, y_hi) = view
        # No grid lines: the map's own bands and edges are the grid, and lines would cross the image.
        xaxis = {"range": [x_lo, x_hi], "title": {"text": "x"}, "constrain": "domain", "showgrid": False}
        yaxis = {"range": [y_lo, y_hi], "title": {"text": "y"}, "constrain": "domain", "showgrid": False}
        aspect = (x_hi - x_lo) / (y_hi - y_lo)
        if equal_aspect and 1 / MAX_EQUAL_ASPECT <= aspect <= MAX_EQUAL_ASPECT:
            yaxis |= {"scaleanchor": "x", "scaleratio": 1}
        return {"xaxis": xaxis, "yaxis": yaxis}
    ((x_lo, x_hi),) = view
    ys = grid[1] if grid is not None else np.zeros(1)
    y_lo, y_hi = padded_range(ys, 0.06)
    return {"xaxis": {"range": [x_lo, x_hi], "title": {"text": "x"}},
            "yaxis": {"range": [y_lo, y_hi], "title": {"text": "f(x)"}}}
