"""Client-side animation of the current iterate: point, gradient direction and update arrows per frame.

Everything runs in the browser (Plotly frames, ``redraw=False``), so playing or scrubbing causes no
server rerun. Frames touch only the animated traces, which are SVG scatters: WebGL markers do not move
without a full redraw.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .curves import CurvePanel
from .hover import number, vector
from .memo import Memo
from .sampling import display_rows
from .series import Series
from .style import INK, FigureStyle
from .traces import Trace, _escape
from .view import View, evaluate

#: The gradient arrow's length as a fraction of the view's diagonal: gradient norms vary by decades along
#: one run, so the arrow shows the direction only (its size is in the hover text).
GRADIENT_ARROW = 0.08
#: Per frame while playing. plotly.js shows the next frame on the first animation tick (every 16.7 ms
#: at 60 Hz) after more than this many ms: 50 would wait for the fourth tick (15 fps), 45 gets the
#: third (20 fps: MAX_FRAMES in four seconds).
FRAME_MS = 45
#: Frames at most, evenly spread over the steps. Each change sends them all, and the step slider has one
#: stop per frame, which plotly.js lays out on every draw (Streamlit draws a changed chart twice, first
#: at a default size). Measured on the default Playground (python -m benchmarks --browser): 120 frames
#: were 55 % of the bytes of a change and their slider a third of plotly's drawing time; 80 still
#: scrub every 6th of 500 steps.
MAX_FRAMES = 80


@dataclass(frozen=True)
class Animation:
    """The animated traces (showing the last frame), the frames and the controls that play them."""

    traces: list[Trace]
    frames: list[dict[str, Any]]
    sliders: list[dict[str, Any]]
    updatemenus: list[dict[str, Any]]


@dataclass(frozen=True)
class StepMarks:
    """A side chart on which the animation marks each series' value at the current step."""

    panel: CurvePanel
    axes: dict[str, str]  # e.g. {"xaxis": "x2", "yaxis": "y2"}


@dataclass(frozen=True)
class StatePanel:
    """Where the animation writes each series' point, value, gradient and optimizer state.

    A text trace (``mode="text"``), one line per series, in axes whose range is ``[0, 1]`` both ways:
    text traces follow frames played with ``redraw=False``; layout annotations do not.
    """

    axes: dict[str, str]
    wrap: bool = False  # a line per quantity, for a narrow screen
    font_size: int = 12


#: Optimizer-state entries that are a velocity: drawn as a third arrow, the direction they push.
MOMENTUM_KEYS = ("momentum_buffer", "exp_avg")


def frame_steps(series: Sequence[Series], max_frames: int) -> np.ndarray:
    """Return the steps shown as frames: at most ``max_frames``, evenly spread, first and last included."""
    steps = np.unique(np.concatenate([np.asarray(s.trajectory.path_steps) for s in series]))
    return steps[display_rows(len(steps), max_frames)]


def gradient_arrow_length(view: View) -> float:
    """Return the fixed display length of the gradient arrow: 8% of the view's diagonal."""
    return GRADIENT_ARROW * float(np.linalg.norm([hi - lo for lo, hi in view]))


def used_gradients(landscape: Any, series: Series, rows: np.ndarray) -> np.ndarray:
    """Return the gradient the optimizer used at ``rows`` (sign-flipped when maximizing).

    The trajectory's recorded ``state["grad"]`` when present (noise and clipping included), else the
    exact gradient of the landscape, negated on a maximize landscape as the engine does when maximizing.
    """
    state = series.trajectory.state
    if "grad" in state:
        return np.asarray(state["grad"], dtype=np.float64)[rows, 0, :]
    with np.errstate(all="ignore"):
        grad = np.asarray(landscape.grad(series.path[rows]), dtype=np.float64).reshape(len(rows), -1)
    return -grad if getattr(landscape, "goal", "minimize") == "maximize" else grad


def momentum_key(series: Series) -> str | None:
    """The recorded optimizer-state entry that is the run's velocity, if it has one (not all zero)."""
    state = series.trajectory.state
    return next((key for key in MOMENTUM_KEYS if key in state and np.any(state[key])), None)


def coordinate_decimals(view: View) -> int:
    """Decimals that place a point within a ten-thousandth of the window (a fraction of a pixel), on
    its narrower axis."""
    span = min(hi - lo for lo, hi in view)
    return max(0, math.ceil(-math.log10(span / 1e4))) if span > 0 and math.isfinite(span) else 6


def build_animation(landscape: Any, series: Sequence[Series], view: View, style: FigureStyle, *,
                    first_trace: int, max_frames: int, marks: Sequence[StepMarks] = (),
                    state: StatePanel | None = None, y_view: tuple[float, float] | None = None) -> Animation:
    """Return the animation of ``series``; its traces go into the figure at index ``first_trace`` on.

    Per series: the current point, the direction of −g (2-D), the update and, for an optimizer with a
    velocity, its direction (2-D). Besides: each of ``marks``' charts gets a marker per series at the
    current step, and ``state`` a line per series. Frame coordinates are rounded to a ten-thousandth
    of the window (``y_view``: the 1-D curve's value range): frames are most of a figure's bytes.
    """
    steps = frame_steps(series, max_frames)
    dim = landscape.dim
    length = gradient_arrow_length(view)
    decimals = coordinate_decimals(view if dim == 2 else (view[0], y_view or (0.0, 1.0)))
    traces: list[Trace] = []
    per_frame: list[list[dict[str, Any]]] = [[] for _ in steps]
    texts: list[list[str]] = [[] for _ in steps]
    for s in series:
        wrap = state.wrap if state else False
        parts, lines = _remembered_frames(landscape, s, steps, length, decimals, wrap)
        traces.extend(_animated_traces(s, parts, style))
        for i, frame in enumerate(per_frame):
            frame.extend(part[i] for _, part in parts)
            texts[i].append(lines[i])
    for mark in marks:
        values = mark.panel.at(steps)
        traces.append(_mark_trace(series, style, mark.axes) | _marks_at(steps[-1], values[-1]))
        for i, frame in enumerate(per_frame):
            frame.append(_marks_at(steps[i], values[i]))
    if state is not None:
        traces.append(_state_trace(series, state) | {"text": texts[-1]})
        for i, frame in enumerate(per_frame):
            frame.append({"text": texts[i]})
    names = [str(int(k)) for k in steps]
    indices = list(range(first_trace, first_trace + len(traces)))
    frames = [{"data": data, "name": name, "traces": indices}  # plotly's own key order
              for name, data in zip(names, per_frame, strict=True)]
    return Animation(traces, frames, [_slider(names, style)], [_buttons(style)])


#: Series whose frames :func:`_remembered_frames` keeps (the most recently drawn).
FRAMES_CACHE = 128
_frames = Memo(FRAMES_CACHE)


def _remembered_frames(landscape: Any, series: Series, steps: np.ndarray, length: float, decimals: int,
                       wrap: bool) -> tuple[list[tuple[str, list[dict[str, Any]]]], list[str]]:
    """:func:`_series_frames`, remembered by the content of everything it reads.

    Moving one optimizer's slider changes one series: the others' frames (a third of building the
    Playground's figure) come from here. Only series that carry their values and gradients are
    remembered (the others would read the landscape, which is not part of the key). The frames are
    shared between figures and sessions, and nothing writes to them.
    """
    trajectory = series.trajectory
    if "grad" not in trajectory.state or not np.array_equal(trajectory.loss_steps, trajectory.path_steps):
        return _series_frames(landscape, series, steps, length, decimals, wrap)
    digest = hashlib.blake2b(digest_size=16)
    for array in (trajectory.path_steps, series.path, trajectory.loss[:, 0], steps,
                  *(trajectory.state[name] for name in sorted(trajectory.state))):
        array = np.ascontiguousarray(array)
        digest.update(repr((array.dtype.str, array.shape)).encode())
        digest.update(array.tobytes())
    digest.update(repr((sorted(trajectory.state), series.label, landscape.dim, float(length), decimals,
                        wrap)).encode())
    return _frames.get(digest.digest(),
                       lambda: _series_frames(landscape, series, steps, length, decimals, wrap))


def _series_frames(landscape: Any, series: Series, steps: np.ndarray, length: float, decimals: int,
                   wrap: bool) -> tuple[list[tuple[str, list[dict[str, Any]]]], list[str]]:
    """Per animated trace of ``series``, its kind and ``{x, y}`` in every frame; and its state lines."""
    path_steps = np.asarray(series.trajectory.path_steps)
    n = len(path_steps)
    rows = np.clip(np.searchsorted(path_steps, steps, side="right") - 1, 0, n - 1)
    nxt = np.minimum(rows + 1, n - 1)
    points, following = series.path[rows], series.path[nxt]
    trajectory = series.trajectory
    if np.array_equal(trajectory.loss_steps, path_steps):
        values = np.asarray(trajectory.loss[:, 0], dtype=np.float64)
        f_now, f_next = values[rows], values[nxt]
    else:
        f_now, f_next = evaluate(landscape, points), evaluate(landscape, following)
    grads = used_gradients(landscape, series, rows)
    lines = _state_lines(series, rows, points, f_now, grads, wrap)

    with np.errstate(all="ignore"):
        update = following - points
        moves = (rows + 1 < n) & np.all(np.isfinite(update), axis=1) & np.any(update != 0, axis=1)
    if landscape.dim == 2:
        xy_now, xy_next = points, following
    else:
        xy_now = np.column_stack([points[:, 0], f_now])
        xy_next = np.column_stack([following[:, 0], f_next])
        moves &= np.isfinite(f_now) & np.isfinite(f_next)
    now = np.round(xy_now, decimals).tolist()
    point_frames = [{"x": [p[0]], "y": [p[1]]} for p in now]
    parts = [("current point", point_frames),
             ("update", _arrows(now, np.round(xy_next, decimals).tolist(), moves))]
    if landscape.dim == 1:  # a 1-D gradient is a sign; it is in the state line
        return parts, lines
    parts.insert(1, ("gradient direction", _direction_arrows(points, -grads, length, decimals)))
    key = momentum_key(series)
    if key is not None:
        velocity = np.asarray(trajectory.state[key], dtype=np.float64)[rows, 0, :]
        parts.append(("momentum direction", _direction_arrows(points, -velocity, length, decimals)))
    return parts, lines


def _direction_arrows(points: np.ndarray, directions: np.ndarray, length: float,
                      decimals: int) -> list[dict[str, Any]]:
    """Arrows of fixed ``length`` from ``points`` along ``directions`` (none where a direction is 0)."""
    with np.errstate(all="ignore"):
        norm = np.linalg.norm(directions, axis=1)
        ok = np.isfinite(norm) & (norm > 0)
        tips = points + length * directions / np.where(ok, norm, 1.0)[:, None]
    return _arrows(np.round(points, decimals).tolist(), np.round(tips, decimals).tolist(), ok)


def _arrows(tails: list[list[float]], tips: list[list[float]], shown: np.ndarray) -> list[dict[str, Any]]:
    return [{"x": [a[0], b[0]], "y": [a[1], b[1]]} if ok else _NO_ARROW
            for a, b, ok in zip(tails, tips, shown.tolist(), strict=True)]


_NO_ARROW = {"x": [None, None], "y": [None, None]}


def _state_lines(series: Series, rows: np.ndarray, points: np.ndarray, values: np.ndarray,
                 grads: np.ndarray, wrap: bool) -> list[str]:
    """Per frame, the series' line in the state panel: point, value, the gradient used, its state."""
    # An entry that stays zero all run (SGD's buffer at momentum 0) says nothing.
    state = {name: entry for name, entry in series.state_rows().items() if name != "grad" and np.any(entry)}
    head = f"<b>{_escape(series.label)}</b>"
    out = []
    for i, row in enumerate(rows.tolist()):
        items = [f"x = {vector(points[i])}  f = {number(values[i])}", f"g = {vector(grads[i])}"]
        items += [f"{_escape(name)} = {vector(entry[row])}" for name, entry in state.items()]
        out.append("<br>".join([head, *items]) if wrap else "  ".join([head, *items]))
    return out


def _significant(values: np.ndarray, digits: int = 4) -> list[float | None]:
    return [float(f"{v:.{digits}g}") if math.isfinite(v) else None for v in values.tolist()]


def _marks_at(step: int, values: np.ndarray) -> dict[str, Any]:
    return {"x": [int(step)] * len(values), "y": _significant(values)}


def _mark_trace(series: Sequence[Series], style: FigureStyle, axes: dict[str, str]) -> Trace:
    """The current step on a side chart: one marker per series, in its colour and symbol."""
    return {
        "type": "scatter", "mode": "markers", "name": "current step", "showlegend": False,
        "hoverinfo": "skip", "cliponaxis": False,
        "marker": {"symbol": [s.marker for s in series], "color": [s.colour for s in series],
                   "size": style.size(10), "line": {"width": 1.2 * style.scale, "color": INK}},
    } | axes


def _state_trace(series: Sequence[Series], state: StatePanel) -> Trace:
    """The state panel: one line per series, top down, in the series' colour."""
    n = max(1, len(series))
    return {
        "type": "scatter", "mode": "text", "name": "state at the current step", "showlegend": False,
        "hoverinfo": "skip", "cliponaxis": False, "x": [0.0] * len(series),
        "y": [1 - k / n for k in range(len(series))], "textposition": "bottom right",
        "textfont": {"size": state.font_size, "color": [s.colour for s in series],
                     "family": "Arial, Helvetica, sans-serif"},
    } | state.axes


def _animated_traces(series: Series, parts: list[tuple[str, list[dict[str, Any]]]],
                     style: FigureStyle) -> list[Trace]:
    """The animated traces of ``series`` in their initial state: the last frame."""
    common = {"type": "scatter", "legendgroup": series.label, "showlegend": False, "hoverinfo": "skip"}
    traces = []
    for what, frames in parts:
        if what == "current point":
            traces.append(common | {
                "mode": "markers", "name": f"{series.label}: current point",
                "marker": {"symbol": series.marker, "size": style.size(15), "color": series.colour,
                           "line": {"width": 1.8 * style.scale, "color": INK}},
            } | frames[-1])
        else:
            traces.append(common | arrow_trace(series.colour, style, dash=ARROW_DASH[what],
                                               name=f"{series.label}: {what}") | frames[-1])
    return traces


#: How each arrow is drawn; the legend explains them (explanation_traces).
ARROW_DASH = {"gradient direction": "dash", "update": "solid", "momentum direction": "dot"}
ARROW_LABELS = {"gradient direction": "−gradient direction",
                "update": "update x<sub>t+1</sub> − x<sub>t</sub>",
                "momentum direction": "−velocity direction"}


def arrow_trace(colour: str, style: FigureStyle, *, dash: str, name: str) -> Trace:
    """Return a 2-point line whose end carries an arrowhead pointing along the line."""
    return {
        "type": "scatter", "mode": "lines+markers", "name": name, "hoverinfo": "skip",
        "line": {"color": colour, "width": 2.2 * style.scale, "dash": dash},
        "marker": {"symbol": "arrow", "angleref": "previous", "size": [0, style.size(13)], "color": colour,
                   "line": {"width": 0}},
    }


def explanation_traces(dim: int, style: FigureStyle, *, momentum: bool = False) -> list[Trace]:
    """Return legend-only entries naming the arrows (empty traces: a click on them changes nothing)."""
    kinds = ["gradient direction", "update"] if dim == 2 else ["update"]
    if momentum and dim == 2:
        kinds.append("momentum direction")
    return [arrow_trace("#555555", style, dash=ARROW_DASH[what], name=ARROW_LABELS[what])
            | {"x": [None], "y": [None], "showlegend": True, "mode": "lines", "legendgroup": what}
            for what in kinds]


def _slider(names: list[str], style: FigureStyle) -> dict[str, Any]:
    jump = {"mode": "immediate", "frame": {"duration": 0, "redraw": False}, "transition": {"duration": 0}}
    crowded = len(names) > 12  # tick labels of many steps overlap; the current value names the step
    return {
        "active": len(names) - 1,
        "steps": [{"method": "animate", "label": name, "args": [[name], jump]} for name in names],
        "currentvalue": {"prefix": "step ", "visible": True, "xanchor": "right",
                         "font": {"size": style.font_size + 1, "color": INK}},
        "x": 0.14 * style.scale, "len": 1 - 0.14 * style.scale, "xanchor": "left", "y": 0, "yanchor": "top",
        "pad": {"t": round(45 * style.scale), "b": 0},  # below the x-axis title
        "font": {"size": style.font_size - 2, "color": "rgba(0,0,0,0)" if crowded else INK},
        "ticklen": 4 if crowded else 7, "minorticklen": 0,
    }


def _buttons(style: FigureStyle) -> dict[str, Any]:
    play = {"frame": {"duration": FRAME_MS, "redraw": False}, "transition": {"duration": 0},
            "fromcurrent": True, "mode": "immediate"}
    pause = {"frame": {"duration": 0, "redraw": False}, "transition": {"duration": 0}, "mode": "immediate"}
    return {
        "type": "buttons", "direction": "left", "showactive": False,
        "x": 0, "xanchor": "left", "y": 0, "yanchor": "top", "pad": {"t": round(55 * style.scale), "r": 10},
        "font": {"size": style.font_size, "color": INK}, "bgcolor": "white", "bordercolor": "#888888",
        "buttons": [
            {"label": "▶ Play", "method": "animate", "args": [None, play]},
            {"label": "❚❚ Pause", "method": "animate", "args": [[None], pause]},
        ],
    }
