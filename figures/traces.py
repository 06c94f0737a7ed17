"""Plain-dict traces of one landscape panel: the map or curve, paths, starts, optima, saddles, divergence.

Shared by the big landscape figure and the small multiples. Traces are dicts, not ``go`` objects, so
building them costs nothing; :func:`figures.build.assemble` turns them into a figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .hover import number, vector
from .raster import LEVELS, colour_bar_trace, landscape_image
from .sampling import display_rows
from .series import Series
from .style import INK, LANDSCAPE_COLORSCALE, FigureStyle
from .view import Display, View, as_float32, curve, display_for, evaluate, landscape_grid

Trace = dict[str, Any]


@dataclass(frozen=True)
class DrawnPath:
    """The rows of one series that are drawn, with their points and values."""

    rows: np.ndarray  # path rows drawn (subsampled, up to the divergence row)
    steps: np.ndarray
    points: np.ndarray  # (len(rows), dim)
    values: np.ndarray  # f at those points
    end: int  # number of path rows that matter: rows after a divergence are frozen copies


def drawn_path(landscape: Any, series: Series, max_points: int) -> DrawnPath:
    """Return the rows of ``series`` to draw: at most ``max_points`` (and the divergence row)."""
    steps = np.asarray(series.trajectory.path_steps)
    div_row = series.divergence_row(steps)
    end = len(steps) if div_row is None else div_row + 1
    rows = display_rows(end, max_points, keep=() if div_row is None else (div_row,))
    points = series.path[rows]
    trajectory = series.trajectory
    if np.array_equal(trajectory.loss_steps, steps):
        values = np.asarray(trajectory.loss[rows, 0], dtype=np.float64)
    else:
        values = evaluate(landscape, points)
    return DrawnPath(rows, steps[rows], points, values, end)


def optimum_name(landscape: Any) -> str:
    """Return the legend name of the known optima: "maximum" for a maximize landscape, "best found
    minimum" where a search found them (a typed function), else "optimum"."""
    if getattr(landscape, "goal", "minimize") == "maximize":
        return "maximum"
    return getattr(landscape, "optimum_name", "optimum")  # Landscape.optimum_name: "best found minimum"


class Legend:
    """Remembers which legend entries exist, so each label shows up once across subplots."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def first(self, name: str) -> bool:
        """Return True the first time ``name`` is asked for."""
        if name in self.seen:
            return False
        self.seen.add(name)
        return True


def panel_traces(landscape: Any, series: Sequence[Series], view: View, style: FigureStyle, *,
                 grid: tuple | None = None, max_points: int = 1000, axes: dict[str, str] | None = None,
                 colour_bar: bool = True, legend: Legend | None = None,
                 images: list[dict[str, Any]] | None = None) -> list[Trace]:
    """Return the static traces of a landscape panel: map (2-D) or curve (1-D), paths and markers.

    With ``images`` (a list), a 2-D map is appended to it as a layout image instead of a contour
    trace, so that it survives client-side animation (see :mod:`figures.raster`).
    """
    axes = axes or {}
    legend = legend or Legend()
    traces: list[Trace] = []
    if landscape.dim == 2:
        xs, ys, values = grid if grid is not None else landscape_grid(landscape, view)
        display = display_for(values, bool(getattr(landscape, "log_scale", False)))
        if images is None:
            traces.append(contour_trace(xs, ys, values, display, style, colour_bar=colour_bar) | axes)
        else:
            image, low, high = landscape_image(xs, ys, display(values),
                                               (axes.get("xaxis", "x"), axes.get("yaxis", "y")))
            images.append(image)
            if colour_bar:
                traces.append(colour_bar_trace(low, high, display.label))
    else:
        xs, ys = grid if grid is not None else curve(landscape, view)
        traces.append(curve_trace(xs, ys, style) | axes | {"showlegend": legend.first("f(x)")})
    for s in series:
        drawn = drawn_path(landscape, s, max_points)
        traces.append(path_trace(s, drawn, landscape.dim, style, showlegend=legend.first(s.label)) | axes)
        if s.diverged_at is not None:
            traces.append(diverged_trace(landscape, s, drawn, view, style) | axes)
    if series:
        traces.append(start_trace(landscape, series, style, showlegend=legend.first("start")) | axes)
    name = optimum_name(landscape)
    optima = tuple(getattr(landscape, "optima", ()) or ())
    if optima:
        traces.append(point_marks(landscape, optima, name, "star", 18, style,
                                  showlegend=legend.first(name)) | axes)
    saddles = tuple(getattr(landscape, "saddles", ()) or ())
    if saddles:
        traces.append(point_marks(landscape, saddles, "saddle point", "hourglass", 13, style,
                                  showlegend=legend.first("saddle point")) | axes)
    return traces


def contour_trace(xs: np.ndarray, ys: np.ndarray, values: np.ndarray, display: Display, style: FigureStyle,
                  *, colour_bar: bool = True) -> Trace:
    """Return the filled contour map of ``values`` as displayed (float32 keeps the JSON small)."""
    return {
        "type": "contour", "x": xs, "y": ys, "z": as_float32(display(values)),
        "colorscale": [list(stop) for stop in LANDSCAPE_COLORSCALE], "ncontours": LEVELS,
        "contours": {"coloring": "fill", "showlines": True},
        "line": {"width": 0.6 * style.scale, "color": "rgba(40,40,40,0.35)"},
        "showscale": colour_bar,
        "colorbar": {"title": {"text": display.label, "side": "right"}, "thickness": 14, "len": 0.9,
                     "outlinewidth": 0},
        "hoverinfo": "skip", "name": "landscape", "showlegend": False,
    }


def curve_trace(xs: np.ndarray, ys: np.ndarray, style: FigureStyle) -> Trace:
    """Return the 1-D landscape ``f(x)`` as a grey line."""
    return {
        "type": "scatter", "x": xs, "y": np.where(np.isfinite(ys), ys, np.nan), "mode": "lines",
        "name": "f(x)", "line": {"color": "#555555", "width": style.line_width * 0.8},
        "hovertemplate": "x = %{x:.4g}<br>f = %{y:.5g}<extra>f(x)</extra>",
    }


def path_trace(series: Series, drawn: DrawnPath, dim: int, style: FigureStyle, *,
               showlegend: bool = True) -> Trace:
    """Return the path of ``series`` (2-D: in the plane; 1-D: iterates on the curve).

    Coordinates go as float32 (7 digits: more than the screen and the hover's 4 need) and the hover's
    f as float64, since it shows 6 digits; the step comes from the point's index when every step is
    drawn, else from a short list. Half the bytes of float64 everywhere, on every change.
    """
    every_step = np.array_equal(drawn.steps, np.arange(len(drawn.steps)))
    step = "%{pointNumber}" if every_step else "%{text}"
    if dim == 2:
        x, y = drawn.points[:, 0], drawn.points[:, 1]
        where = "x = %{x:.4g}, y = %{y:.4g}<br>f = %{customdata:.6g}"
        width, size = style.line_width, style.size(5)
    else:
        x, y = drawn.points[:, 0], np.where(np.isfinite(drawn.values), drawn.values, np.nan)
        where = "x = %{x:.4g}<br>f = %{customdata:.6g}"
        width, size = style.line_width * 0.6, style.size(7)
    trace = {
        "type": "scatter", "x": as_float32(x), "y": as_float32(y), "mode": "lines+markers",
        "name": series.label, "legendgroup": series.label, "showlegend": showlegend,
        "line": {"color": series.colour, "width": width},
        # Plotly spaces at most this many symbols along the line itself (no per-point size array).
        "marker": {"color": series.colour, "symbol": series.marker, "size": size, "line": {"width": 0},
                   "maxdisplayed": MAX_PATH_MARKERS},
        "customdata": np.where(np.isfinite(drawn.values), drawn.values, np.nan),
        "hovertemplate": f"<b>{_escape(series.label)}</b><br>step {step}<br>{where}<extra></extra>",
    }
    if not every_step:
        trace["text"] = [int(k) for k in drawn.steps]
    return trace


#: Symbols along a path at most this many times: dense markers would hide the line and its colour.
MAX_PATH_MARKERS = 40


def diverged_trace(landscape: Any, series: Series, drawn: DrawnPath, view: View, style: FigureStyle) -> Trace:
    """Return the end marker (✕) of a diverged run: at its last finite point when that lies in the view,
    else where the drawn path leaves the view for the last time.

    The last finite point of a run that blows up is often far away (1e9), so it is named in the hover
    instead of widening the view; the hover also says which of the two places the ✕ marks.
    """
    dim = landscape.dim
    last = drawn.points[-1]  # the divergence row: the engine holds the run at its last finite point
    step = series.diverged_at
    after = "at the start" if step <= 1 else f"after step {step - 1}"
    text = f"<b>{_escape(series.label)}</b> diverged at step {step}"
    leaving = last_exit(drawn.points[:, :dim], view)
    if leaving is None:
        point = last
        text += f"<br>✕ = its last finite point {vector(last)}, {after}"
    else:
        point, row = leaving
        text += (f"<br>last finite point {vector(last)}, {after}: outside this view"
                 "<br>✕ = where its path leaves the view for good")
        if row > 0:
            text += f" (steps {int(drawn.steps[row - 1])}→{int(drawn.steps[row])})"
    if dim == 2:
        x, y = [float(point[0])], [float(point[1])]
    else:
        x, y = [float(point[0])], [float(evaluate(landscape, point[None, :1])[0])]
    return {
        "type": "scatter", "x": x, "y": y, "mode": "markers", "name": f"{series.label} diverged",
        "legendgroup": series.label, "showlegend": False, "cliponaxis": False,
        "marker": {"symbol": "x-thin", "size": style.size(18), "color": series.colour,
                   "line": {"width": 4 * style.scale, "color": series.colour}},
        "hovertext": [text], "hoverinfo": "text",
    }


def last_exit(points: np.ndarray, view: View) -> tuple[np.ndarray, int] | None:
    """Return where a path leaves ``view`` for the last time, and the row just after that crossing.

    None when the path ends inside the view. A straight segment between two points outside can still
    cross the view (a run blowing up while jumping from side to side), so every segment is clipped to
    the window (Liang–Barsky) and the last one that meets it gives the exit. ``points`` is
    ``(rows, k)`` with ``k ≤ len(view)`` axes checked.
    """
    k = points.shape[1]
    lo = np.array([v[0] for v in view[:k]], dtype=np.float64)
    hi = np.array([v[1] for v in view[:k]], dtype=np.float64)
    if np.all((points[-1] >= lo) & (points[-1] <= hi)):
        return None
    a, delta = points[:-1], np.diff(points, axis=0)
    inside = (a >= lo) & (a <= hi)
    with np.errstate(all="ignore"):
        t_lo, t_hi = (lo - a) / delta, (hi - a) / delta
    moving = delta != 0
    # per axis, the part of the segment (t in [0, 1]) within the window's slab; a segment parallel to
    # a slab lies all in it or all out of it
    enter = np.where(moving, np.minimum(t_lo, t_hi), np.where(inside, -np.inf, np.inf))
    leave = np.where(moving, np.maximum(t_lo, t_hi), np.where(inside, np.inf, -np.inf))
    t0, t1 = np.maximum(enter.max(axis=1), 0.0), np.minimum(leave.min(axis=1), 1.0)
    meets = np.flatnonzero(t0 <= t1)
    if meets.size == 0:  # never in the view (a start outside it): the nearest edge point of the end
        return np.clip(points[-1], lo, hi), len(points) - 1
    i = int(meets[-1])
    return np.clip(a[i] + t1[i] * delta[i], lo, hi), i + 1


def start_trace(landscape: Any, series: Sequence[Series], style: FigureStyle, *,
                showlegend: bool = True) -> Trace:
    """Return the start point(s) as white circles with a black outline."""
    starts = np.unique(np.round(np.array([s.start for s in series], dtype=np.float64), 12), axis=0)
    x, y = _on_landscape(landscape, starts)
    return {
        "type": "scatter", "x": x, "y": y, "mode": "markers", "name": "start", "showlegend": showlegend,
        "legendgroup": "start",
        "marker": {"symbol": "circle", "size": style.size(13), "color": "white",
                   "line": {"width": 2.5 * style.scale, "color": INK}},
        "hovertext": [f"start {vector(p)}" for p in starts], "hoverinfo": "text",
    }


def point_marks(landscape: Any, points: Sequence[Sequence[float]], name: str, symbol: str, size: float,
                style: FigureStyle, *, showlegend: bool = True) -> Trace:
    """Return known stationary points (optima, saddles) as outlined white markers."""
    array = np.array(points, dtype=np.float64).reshape(len(points), landscape.dim)
    x, y = _on_landscape(landscape, array)
    return {
        "type": "scatter", "x": x, "y": y, "mode": "markers", "name": name, "showlegend": showlegend,
        "legendgroup": name,
        "marker": {"symbol": symbol, "size": style.size(size), "color": "white",
                   "line": {"width": 1.8 * style.scale, "color": INK}},
        "hovertext": [f"{name} {vector(p)}<br>f = {number(v, 6)}"
                      for p, v in zip(array, evaluate(landscape, array), strict=True)],
        "hoverinfo": "text",
    }


def _on_landscape(landscape: Any, points: np.ndarray) -> tuple[list[float], list[float]]:
    """Plot coordinates of points: ``(x, y)`` in 2-D, ``(x, f(x))`` in 1-D."""
    if landscape.dim == 2:
        return points[:, 0].tolist(), points[:, 1].tolist()
    return points[:, 0].tolist(), evaluate(landscape, points).tolist()


def _escape(text: str) -> str:
    """Plotly renders hover text as HTML-like markup: keep labels such as "lr<0.1" literal."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
