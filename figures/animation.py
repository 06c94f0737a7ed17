"""Client-side animation of the current iterate: point, gradient direction and update arrows per frame.

Everything runs in the browser (Plotly frames, ``redraw=False``), so playing or scrubbing causes no
server rerun. Frames touch only the animated traces, which are SVG scatters: WebGL markers do not move
without a full redraw.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .hover import number, vector
from .sampling import display_rows
from .series import Series
from .style import INK, FigureStyle
from .traces import Trace, _escape
from .view import View, evaluate

#: The gradient arrow's length as a fraction of the view's diagonal: gradient norms vary by decades along
#: one run, so the arrow shows the direction only (its size is in the hover text).
GRADIENT_ARROW = 0.08
FRAME_MS = 50  # per frame while playing: 120 frames in six seconds


@dataclass(frozen=True)
class Animation:
    """The animated traces (showing the last frame), the frames and the controls that play them."""

    traces: list[Trace]
    frames: list[dict[str, Any]]
    sliders: list[dict[str, Any]]
    updatemenus: list[dict[str, Any]]


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


def build_animation(landscape: Any, series: Sequence[Series], view: View, style: FigureStyle, *,
                    first_trace: int, max_frames: int) -> Animation:
    """Return the animation of ``series``; its traces go into the figure at index ``first_trace`` on."""
    steps = frame_steps(series, max_frames)
    dim = landscape.dim
    length = gradient_arrow_length(view)
    traces: list[Trace] = []
    per_frame: list[list[dict[str, Any]]] = [[] for _ in steps]
    for s in series:
        parts = _series_frames(landscape, s, steps, length, dim)
        traces.extend(_animated_traces(s, parts, dim, style))
        for i, frame in enumerate(per_frame):
            frame.extend(part[i] for part in parts)
    names = [str(int(k)) for k in steps]
    indices = list(range(first_trace, first_trace + len(traces)))
    frames = [{"name": name, "data": data, "traces": indices}
              for name, data in zip(names, per_frame, strict=True)]
    return Animation(traces, frames, [_slider(names, style)], [_buttons(style)])


def _series_frames(landscape: Any, series: Series, steps: np.ndarray, length: float,
                   dim: int) -> list[list[dict[str, Any]]]:
    """Per animated trace of ``series``, its ``{x, y[, hovertext]}`` in every frame."""
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
    texts = _hover_texts(series, rows, path_steps[rows], points, f_now, grads)

    with np.errstate(all="ignore"):
        update = following - points
        moves = (rows + 1 < n) & np.all(np.isfinite(update), axis=1) & np.any(update != 0, axis=1)
    if dim == 2:
        xy_now = points
        xy_next = following
    else:
        xy_now = np.column_stack([points[:, 0], f_now])
        xy_next = np.column_stack([following[:, 0], f_next])
        moves &= np.isfinite(f_now) & np.isfinite(f_next)
    point_frames = [{"x": [float(p[0])], "y": [float(p[1])], "hovertext": [t]}
                    for p, t in zip(xy_now.tolist(), texts, strict=True)]
    update_frames = [_arrow(a, b) if ok else _NO_ARROW
                     for a, b, ok in zip(xy_now.tolist(), xy_next.tolist(), moves.tolist(), strict=True)]
    if dim == 1:  # a 1-D gradient is a sign; it lives in the hover text
        return [point_frames, update_frames]
    with np.errstate(all="ignore"):
        norm = np.linalg.norm(grads, axis=1)
        ok = np.isfinite(norm) & (norm > 0)
        tips = points - length * grads / np.where(ok, norm, 1.0)[:, None]
    gradient_frames = [_arrow(a, b) if good else _NO_ARROW
                       for a, b, good in zip(points.tolist(), tips.tolist(), ok.tolist(), strict=True)]
    return [point_frames, gradient_frames, update_frames]


_NO_ARROW = {"x": [None, None], "y": [None, None]}


def _arrow(tail: list[float], tip: list[float]) -> dict[str, list[float]]:
    return {"x": [tail[0], tip[0]], "y": [tail[1], tip[1]]}


def _hover_texts(series: Series, rows: np.ndarray, steps: np.ndarray, points: np.ndarray,
                 values: np.ndarray, grads: np.ndarray) -> list[str]:
    """The current point's hover: step, x, f, the gradient used and each optimizer-state entry."""
    state = {name: rows_ for name, rows_ in series.state_rows().items() if name != "grad"}
    head = f"<b>{_escape(series.label)}</b>"
    texts = []
    for i, row in enumerate(rows.tolist()):
        lines = [head, f"step {int(steps[i])}", f"x = {vector(points[i])}", f"f = {number(values[i], 6)}",
                 f"gradient = {vector(grads[i])}"]
        lines += [f"{_escape(name)} = {vector(entry[row])}" for name, entry in state.items()]
        texts.append("<br>".join(lines))
    return texts


def _animated_traces(series: Series, parts: list[list[dict[str, Any]]], dim: int,
                     style: FigureStyle) -> list[Trace]:
    """The animated traces of ``series`` in their initial state: the last frame."""
    common = {"type": "scatter", "legendgroup": series.label, "showlegend": False}
    point = common | {
        "mode": "markers", "name": f"{series.label}: current point", "hoverinfo": "text",
        "marker": {"symbol": series.marker, "size": style.size(15), "color": series.colour,
                   "line": {"width": 1.8 * style.scale, "color": INK}},
    } | parts[0][-1]
    arrows = [arrow_trace(series.colour, style, dash=dash, name=f"{series.label}: {what}") | part[-1]
              for part, (what, dash) in zip(parts[1:], _ARROW_KINDS[-len(parts) + 1:], strict=True)]
    return [point] + [common | arrow for arrow in arrows]


_ARROW_KINDS = (("gradient direction", "dash"), ("update", "solid"))


def arrow_trace(colour: str, style: FigureStyle, *, dash: str, name: str) -> Trace:
    """Return a 2-point line whose end carries an arrowhead pointing along the line."""
    return {
        "type": "scatter", "mode": "lines+markers", "name": name, "hoverinfo": "skip",
        "line": {"color": colour, "width": 2.2 * style.scale, "dash": dash},
        "marker": {"symbol": "arrow", "angleref": "previous", "size": [0, style.size(13)], "color": colour,
                   "line": {"width": 0}},
    }


def explanation_traces(dim: int, style: FigureStyle) -> list[Trace]:
    """Return legend-only entries naming the arrows (empty traces: a click on them changes nothing)."""
    kinds = _ARROW_KINDS if dim == 2 else _ARROW_KINDS[1:]
    labels = {"gradient direction": "−gradient direction (fixed length)",
              "update": "update x<sub>t+1</sub> − x<sub>t</sub>"}
    return [arrow_trace("#555555", style, dash=dash, name=labels[what])
            | {"x": [None], "y": [None], "showlegend": True, "mode": "lines", "legendgroup": what}
            for what, dash in kinds]


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
