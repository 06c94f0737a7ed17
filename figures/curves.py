"""Compact side-column figures against the step: loss gap, distance to the optimum, coordinates."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import plotly.graph_objects as go

from .build import assemble
from .hover import number
from .sampling import display_rows
from .series import Series
from .style import DEFAULT_STYLE, FigureStyle, style_layout, translucent
from .traces import Trace, _escape
from .view import as_float32

#: The smallest gap drawn on a log axis: an exact hit (gap 0) stays on the chart.
GAP_FLOOR = 1e-16


def optimum_value(landscape: Any) -> float | None:
    """Return the best known value of ``landscape`` (a method on built-ins, maybe a plain attribute)."""
    value = getattr(landscape, "optimum_value", None)
    value = value() if callable(value) else value
    return None if value is None or not np.isfinite(value) else float(value)


@dataclass(frozen=True)
class CurvePanel:
    """A side chart against the step, as traces and a y axis, placeable in any figure's axes.

    ``lines`` keeps, per series, every recorded ``(steps, y)`` (not only the drawn rows), so that an
    animation can mark the value at any step.
    """

    traces: list[Trace]
    y_title: str
    log: bool
    y_range: list[float] | None
    lines: list[tuple[np.ndarray, np.ndarray]]
    shapes: list[dict[str, Any]] = field(default_factory=list)

    def yaxis(self) -> dict[str, Any]:
        """The y axis settings of this panel."""
        yaxis: dict[str, Any] = {"title": {"text": self.y_title}, "type": "log" if self.log else "linear",
                                 "exponentformat": "power"}
        if self.log:
            yaxis["minorloglabels"] = "none"
            ticks = self._few_decade_ticks()
            if ticks:  # the decade ticks alone would leave one label ("1"): 0.2, 0.5, 1, 2, … in full
                yaxis |= {"tickvals": ticks, "ticktext": [f"{v:g}" for v in ticks]}
        if self.y_range is not None:
            yaxis["range"] = self.y_range
        return yaxis

    def _few_decade_ticks(self) -> list[float]:
        """Ticks at 1, 2 and 5 times each power of ten, when the values span less than two decades
        (and no fixed range is set); else none (Plotly's decade ticks say enough)."""
        if self.y_range is not None:
            return []
        values = np.concatenate([y[np.isfinite(y) & (y > 0)] for _, y in self.lines] or [np.zeros(0)])
        if not values.size:
            return []
        low, high = float(values.min()), float(values.max())
        if high / low >= 100:
            return []
        if high / low < 3:  # within a factor 3: evenly spaced round values, as on a linear axis
            if high == low:
                return [float(f"{low:.3g}")]
            step = 10.0 ** math.floor(math.log10((high - low) / 2))
            for factor in (1, 2, 5, 10):
                if (high - low) / (step * factor) <= 5:
                    step *= factor
                    break
            first = math.ceil(low / step) * step
            return [float(f"{v:.12g}") for v in np.arange(first, high + step / 2, step) if 0 < v <= high]
        powers = range(math.floor(math.log10(low)) - 1, math.ceil(math.log10(high)) + 1)
        return [float(f"{m * 10.0 ** k:.12g}") for k in powers for m in (1, 2, 5)
                if low / 1.5 <= m * 10.0 ** k <= high * 1.5]

    def at(self, steps: np.ndarray) -> np.ndarray:
        """``(len(steps), series)`` the value each line has at ``steps`` (NaN where not finite).

        A value off a fixed range (a runaway run) is pinned to the range's top, where its ✕ sits.
        """
        out = np.full((len(steps), len(self.lines)), np.nan)
        for k, (line_steps, y) in enumerate(self.lines):
            if len(line_steps):
                rows = np.clip(np.searchsorted(line_steps, steps, side="right") - 1, 0, len(line_steps) - 1)
                out[:, k] = y[rows]
        if self.y_range is not None:
            top = 10 ** self.y_range[1] if self.log else self.y_range[1]
            out = np.where(np.isfinite(out), np.minimum(out, top), top)
        return out


def loss_figure(landscape: Any, series: Sequence[Series], *, style: FigureStyle = DEFAULT_STYLE,
                max_points: int = 1000) -> go.Figure:
    """Return the loss against the step: the gap ``f − f*`` on a log axis when ``f*`` is known, else f."""
    return _compact(loss_panel(landscape, series, style=style, max_points=max_points), style)


def distance_figure(landscape: Any, series: Sequence[Series], *, style: FigureStyle = DEFAULT_STYLE,
                    max_points: int = 1000) -> go.Figure:
    """Return the distance to the nearest known optimum (log axis), or ‖∇f‖ when none is known."""
    return _compact(distance_panel(landscape, series, style=style, max_points=max_points), style)


def coordinate_figure(landscape: Any, series: Sequence[Series], *, style: FigureStyle = DEFAULT_STYLE,
                      max_points: int = 1000) -> go.Figure:
    """Return each coordinate against the step (1-D: x; 2-D: x and y), optima as dotted lines."""
    return _compact(coordinate_panel(landscape, series, style=style, max_points=max_points), style)


def loss_panel(landscape: Any, series: Sequence[Series], *, style: FigureStyle = DEFAULT_STYLE,
               max_points: int = 1000) -> CurvePanel:
    """The loss against the step: the gap ``f − f*`` (log axis) when ``f*`` is known, else f."""
    best = optimum_value(landscape)
    maximize = getattr(landscape, "goal", "minimize") == "maximize"
    found = getattr(landscape, "optima_found", False)  # f* is the best a search found, not known
    below = False
    if best is not None and found and not maximize:
        losses = [np.asarray(s.trajectory.loss, dtype=np.float64) for s in series]
        lowest = min((float(np.min(loss[np.isfinite(loss)])) for loss in losses if np.isfinite(loss).any()),
                     default=np.inf)
        below = lowest < best - 1e-9 * (1.0 + abs(best))
        if below:  # a run went lower than the search did: a gap would hide it at the floor
            best = None
    lines, bands = [], []
    for s in series:
        trajectory = s.trajectory
        every = np.asarray(trajectory.loss, dtype=np.float64)  # (steps, particles): noise seeds
        if best is not None:
            every = np.maximum((best - every) if maximize else (every - best), GAP_FLOOR)
        with np.errstate(all="ignore"):
            f = every[:, 0] if every.shape[1] == 1 else np.mean(every, axis=1)
            bands.append(None if every.shape[1] == 1 else np.nanpercentile(every, BAND, axis=1))
        lines.append((np.asarray(trajectory.loss_steps), f))
    if best is not None:
        title, log = f"{landscape.gap_name} (log scale)", True
        what = f"{landscape.gap_name} = %{{y:.4g}}"
    else:
        finite = np.concatenate([y[np.isfinite(y)] for _, y in lines]) if lines else np.zeros(0)
        log = bool(finite.size) and bool(np.all(finite > 0)) and finite.max() / finite.min() > 1e3
        title = "f (log scale)" if log else "f"
        if below:
            title += ", below the best found f*"
        what = "f = %{y:.6g}"
    panel = _panel(series, lines, title, log, what, style, max_points)
    if any(band is not None for band in bands):  # several seeds: mean line, 10–90 % band beneath
        under = []
        for s, (steps, _), band in zip(series, lines, bands, strict=True):
            if band is not None:
                under += band_traces(s.label, s.colour, {"x": np.asarray(steps, dtype=np.int32)}, *band)
        panel = replace(panel, traces=under + panel.traces,
                        y_title=panel.y_title.replace(" (log scale)", ", mean of the seeds (log scale)")
                        if log else panel.y_title + ", mean of the seeds")
    return panel


def distance_panel(landscape: Any, series: Sequence[Series], *, style: FigureStyle = DEFAULT_STYLE,
                   max_points: int = 1000) -> CurvePanel:
    """The distance to the nearest known optimum (log axis), or ‖∇f‖ when none is known."""
    optima = np.array(getattr(landscape, "optima", ()) or (), dtype=np.float64).reshape(-1, landscape.dim)
    lines = []
    for s in series:
        points = s.path
        with np.errstate(all="ignore"):
            if len(optima):
                y = np.min(np.linalg.norm(points[:, None, :] - optima[None, :, :], axis=-1), axis=1)
            else:
                grads = np.asarray(landscape.grad(points), dtype=np.float64).reshape(len(points), -1)
                y = np.linalg.norm(grads, axis=1)
        lines.append((np.asarray(s.trajectory.path_steps), np.maximum(np.where(np.isfinite(y), y, np.nan),
                                                                      GAP_FLOOR)))
    label = "distance" if len(optima) else "‖∇f‖"
    title = f"distance to {landscape.optimum_name} (log scale)" if len(optima) else "‖∇f‖ (log scale)"
    return _panel(series, lines, title, True, f"{label} = %{{y:.4g}}", style, max_points)


def coordinate_panel(landscape: Any, series: Sequence[Series], *, style: FigureStyle = DEFAULT_STYLE,
                     max_points: int = 1000) -> CurvePanel:
    """Each coordinate against the step (1-D: x; 2-D: x and y), the optima as dotted lines.

    Its ``lines`` (for step marks) are the first coordinate.
    """
    names = ("x", "y")[: landscape.dim]
    optima = np.array(getattr(landscape, "optima", ()) or (), dtype=np.float64).reshape(-1, landscape.dim)
    bounds = getattr(landscape, "bounds", None)
    data: list[Trace] = []
    lines = []
    for s in series:
        steps = np.asarray(s.trajectory.path_steps)
        lines.append((steps, np.asarray(s.path[:, 0], dtype=np.float64)))
        rows = _drawn_rows(s, steps, max_points)
        for axis, name in enumerate(names):
            dash = "solid" if axis == 0 else "dot"
            trace = _step_line(s, steps[rows], s.path[rows, axis], f"{name} = %{{y:.4g}}", style, dash=dash,
                               showlegend=axis == 0)
            trace["name"] = s.label if landscape.dim == 1 else f"{s.label} ({name})"
            data.append(trace)
    shapes = [
        {"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": float(v), "y1": float(v),
         "line": {"color": "#444444", "width": 1.2 * style.scale, "dash": "dot"}, "layer": "below"}
        for v in np.unique(optima.ravel())
    ]
    values = np.concatenate([np.asarray(t["y"], dtype=np.float64) for t in data] + [optima.ravel()])
    values = values[np.isfinite(values)]
    y_range = None
    if bounds is not None and len(bounds) == landscape.dim and values.size:
        # Autoscale, but a runaway run may reach at most one window beyond the landscape's window.
        lo_b, hi_b = min(b[0] for b in bounds), max(b[1] for b in bounds)
        reach = hi_b - lo_b
        lo, hi = max(float(values.min()), lo_b - reach), min(float(values.max()), hi_b + reach)
        pad = 0.05 * (hi - lo) if hi > lo else 1.0
        y_range = [lo - pad, hi + pad]
    title = "x" if landscape.dim == 1 else "coordinate (solid x, dotted y)"
    return CurvePanel(data, title, False, y_range, lines, shapes)


#: Percentiles of the band over noise seeds.
BAND = (10, 90)


def band_traces(label: str, colour: str, x: dict[str, Any], low: np.ndarray, high: np.ndarray) -> list[Trace]:
    """A band between ``low`` and ``high`` over ``x`` (``{"x": steps}`` or ``{"x0": 0, "dx": 1}``): two
    lines, the lower invisible and the upper filled down to it, in ``colour`` made translucent."""
    common = {"type": "scatter", "mode": "lines", "legendgroup": label, "showlegend": False,
              "hoverinfo": "skip"} | x
    return [common | {"y": as_float32(low), "line": {"width": 0, "color": colour},
                      "name": f"{label}: {BAND[0]}th percentile"},
            common | {"y": as_float32(high), "line": {"width": 0, "color": colour},
                      "fill": "tonexty", "fillcolor": translucent(colour),
                      "name": f"{label}: {BAND[1]}th percentile"}]


def _drawn_rows(series: Series, steps: np.ndarray, max_points: int) -> np.ndarray:
    """The rows of a line that are drawn: at most ``max_points``, up to and with the divergence row."""
    div = series.divergence_row(steps)
    end = len(steps) if div is None else div + 1
    return display_rows(end, max_points, keep=() if div is None else (div,))


def _panel(series: Sequence[Series], lines: list[tuple[np.ndarray, np.ndarray]], title: str, log: bool,
           what: str, style: FigureStyle, max_points: int) -> CurvePanel:
    drawn = []
    for s, (steps, y) in zip(series, lines, strict=True):
        rows = _drawn_rows(s, steps, max_points)
        drawn.append((s, steps[rows], y[rows]))
    y_range = _range_without_runaways([s for s, _, _ in drawn], [y for _, _, y in drawn], log)
    data: list[Trace] = []
    for s, steps, y in drawn:
        data.append(_step_line(s, steps, y, what, style))
        if s.diverged_at is not None:
            data.append(_diverged_end(s, steps[-1:], y[-1:], style, y_range, log))
    return CurvePanel(data, title, log, y_range, lines)


def _step_line(series: Series, steps: np.ndarray, y: np.ndarray, what: str, style: FigureStyle,
               *, dash: str = "solid", showlegend: bool = True) -> Trace:
    # Values as float32: half the bytes of float64, and more digits than the hover's four need.
    steps = np.asarray(steps)
    # Every step drawn (the usual case): the steps are 0, 1, 2, … and need not be sent.
    x = ({"x0": 0, "dx": 1} if np.array_equal(steps, np.arange(len(steps)))
         else {"x": steps.astype(np.int32)})
    return x | {
        "type": "scatter", "y": as_float32(np.where(np.isfinite(y), y, np.nan)), "mode": "lines",
        "name": series.label, "legendgroup": series.label, "showlegend": showlegend,
        "line": {"color": series.colour, "width": style.line_width * 0.8, "dash": dash},
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


def _compact(panel: CurvePanel, style: FigureStyle) -> go.Figure:
    """A small figure without legend: colours and symbols match the landscape figure beside it."""
    layout = style_layout(style, compact=True)
    layout.update(xaxis={"title": {"text": "step"}}, yaxis=panel.yaxis(), showlegend=False)
    if panel.shapes:
        layout["shapes"] = panel.shapes
    return assemble(panel.traces, layout)
