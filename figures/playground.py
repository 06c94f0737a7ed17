"""The Playground's figure: the landscape with the paths, the loss and a second curve against the step,
and the optimizer-state panel, all in one Plotly figure, so that one animation moves all of them.

Separate charts cannot share Plotly's client-side animation; subplots of one figure can. While ▶
plays (or the step slider is dragged), the current point moves on the map, each curve marks the
current step, and the state panel reads out every optimizer's point, value, gradient and state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import plotly.graph_objects as go

from .animation import MAX_FRAMES, StatePanel, StepMarks, build_animation, explanation_traces, momentum_key
from .build import assemble
from .curves import CurvePanel, coordinate_panel, distance_panel, loss_panel
from .landscape import MAX_EQUAL_ASPECT, picker_trace
from .series import Series
from .style import DEFAULT_STYLE, FigureStyle, style_layout
from .traces import panel_traces
from .view import curve, padded_range, view_window

#: "side": the map left, the curves in a column right of it (a screen or a projector); "stacked":
#: everything in one column (a phone).
Arrangement = Literal["side", "stacked"]

#: The axes of each part. The map keeps x/y: a click on it reports x and y in its own units.
MAP, LOSS, SECOND, STATE = ("x", "y"), ("x2", "y2"), ("x3", "y3"), ("x4", "y4")


@dataclass(frozen=True)
class Boxes:
    """Each part's domain, as fractions of the plotting area: ``(x0, x1), (y0, y1)``."""

    map: tuple[tuple[float, float], tuple[float, float]]
    loss: tuple[tuple[float, float], tuple[float, float]]
    second: tuple[tuple[float, float], tuple[float, float]]
    state: tuple[tuple[float, float], tuple[float, float]]
    legend_band: float  # the width left of the map given to a vertical legend (0: legend on top)


def boxes(arrangement: Arrangement, style: FigureStyle, n_series: int, dim: int = 2) -> Boxes:
    """Where each part goes, sized for a typical height of the figure in that arrangement.

    The state panel is one line per series (three on a phone), so its height grows with the series;
    the gaps leave room for the tick labels and axis titles below the map and each curve.
    """
    line = state_line(style)
    if arrangement == "stacked":  # a phone: about 860 px of plot for the CSS height of ui.playground
        height = 860.0
        state = min(0.34, (4.5 * line * n_series + 12) / height)
        gap = 45 / height
        curve_h = 0.13
        second = (0.0, curve_h)
        loss = (curve_h + gap, 2 * curve_h + gap)
        state_y = (loss[1] + gap, loss[1] + gap + state)
        return Boxes(((0.0, 1.0), (state_y[1] + 1.5 * gap, 1.0)), ((0.0, 1.0), loss), ((0.0, 1.0), second),
                     ((0.0, 1.0), state_y), 0.0)
    # Typical heights (ui.playground sizes the figure): a projector is short, a 1-D curve wide and low.
    height = 620.0 if style.lecture else 760.0 if dim == 2 else 600.0
    state = min(0.3, (state_line(style) * n_series + 12) / height)
    # Below the map: tick labels, and on a screen the title "x" (a legend of several rows leaves a
    # smaller plot than the typical height, so the gap is generous).
    gap = (50 if style.lecture else 90) / height
    low = state + gap
    # A projector is wide and short: the legend goes in a column left of the map, not above it.
    band = 0.2 if style.lecture else 0.0
    # Between the map and the curves: the colour bar with its title, then the curves' tick labels.
    map_x = (band, 0.65 if style.lecture else 0.6)
    right = (0.79 if style.lecture else 0.73, 1.0)
    rest = 1 - low
    # Each curve's title stands above it (see _curve_title), the upper one below the legend.
    return Boxes((map_x, (low, 1.0)), (right, (low + 0.58 * rest, 0.95)), (right, (low, low + 0.36 * rest)),
                 ((0.0, 1.0), (0.0, state)), band)


def state_font(style: FigureStyle) -> int:
    """The state panel's font size: a little smaller than the figure's, to fit a line per series."""
    return style.font_size - (4 if style.lecture else 2)


def state_line(style: FigureStyle) -> float:
    """The height of one line of the state panel, in px."""
    return state_font(style) * 1.5


def playground_figure(landscape: Any, series: Sequence[Series], *, style: FigureStyle = DEFAULT_STYLE,
                      arrangement: Arrangement = "side", start_picker: int = 0, max_points: int = 1000,
                      max_frames: int = MAX_FRAMES) -> go.Figure:
    """Return the map (or 1-D curve) with every path, the loss and a second curve against the step
    (2-D: the distance to the nearest optimum, or ‖∇f‖; 1-D: the iterate x), and the state panel.

    Args:
        landscape: a 1-D or 2-D landscape.
        series: the runs to draw (particle 0 of each), at least one.
        style: screen or lecture; its height is usually None (the page sizes the figure).
        arrangement: "side" for a screen or projector, "stacked" for a phone.
        start_picker: in 2-D, a grid of this many × this many invisible clickable points over the map
            (see :func:`figures.landscape.picker_trace`).
        max_points: rows drawn per path and curve.
        max_frames: animation frames at most.
    """
    series = list(series)
    view = view_window(landscape, series)
    grid = curve(landscape, view) if landscape.dim == 1 else None
    places = boxes(arrangement, style, len(series), landscape.dim)
    animated = any(s.trajectory.path_steps[-1] > 0 for s in series)
    images: list[dict] = []
    data = panel_traces(landscape, series, view, style, grid=grid, max_points=max_points,
                        images=images if animated else None)
    _place_colour_bar(data, places, style)
    if start_picker and landscape.dim == 2:
        data.insert(0, picker_trace(view, start_picker))
    loss = loss_panel(landscape, series, style=style, max_points=max_points)
    second = (coordinate_panel if landscape.dim == 1 else distance_panel)(landscape, series, style=style,
                                                                          max_points=max_points)
    for panel, axes in ((loss, LOSS), (second, SECOND)):
        data += [trace | _refs(axes) | {"showlegend": False} for trace in panel.traces]

    layout = style_layout(style)
    layout.update(_map_axes(landscape, view, grid, places, titled=not style.lecture))
    layout.update(_curve_axes(loss, LOSS, places.loss, style))
    layout.update(_curve_axes(second, SECOND, places.second, style))
    layout["annotations"] = [_curve_title(panel, box, style)
                             for panel, box in ((loss, places.loss), (second, places.second))]
    layout.update(_state_axes(places))
    layout["shapes"] = [shape | {"xref": f"{SECOND[0]} domain", "yref": SECOND[1]} for shape in second.shapes]
    if places.legend_band:
        layout["legend"] = layout["legend"] | {"orientation": "v", "x": 0, "xanchor": "left", "y": 1,
                                               "yanchor": "top", "font": {"size": style.font_size - 4},
                                               "bgcolor": "rgba(255,255,255,0)"}
    if images:
        layout["images"] = images
    frames: list[dict] = []
    if animated:
        y_view = padded_range(grid[1], 0.06) if grid is not None else None
        animation = build_animation(
            landscape, series, view, style, first_trace=len(data), max_frames=max_frames,
            marks=[StepMarks(loss, _refs(LOSS)), StepMarks(second, _refs(SECOND))],
            state=StatePanel(_refs(STATE), wrap=arrangement == "stacked", font_size=state_font(style)),
            y_view=y_view)
        data += animation.traces
        data += explanation_traces(landscape.dim, style,
                                   momentum=any(momentum_key(s) is not None for s in series))
        frames = animation.frames
        # Below the state panel, not below an axis title: ▶ and the slider come closer.
        sliders = [slider | {"pad": {"t": round(12 * style.scale), "b": 0}} for slider in animation.sliders]
        menus = [menu | {"pad": {"t": round(22 * style.scale), "r": 10}} for menu in animation.updatemenus]
        layout.update(sliders=sliders, updatemenus=menus)
        layout["margin"] = layout["margin"] | {"b": 10}
    return assemble(data, layout, frames)


def _refs(axes: tuple[str, str]) -> dict[str, str]:
    return {"xaxis": axes[0], "yaxis": axes[1]}


def _axis_name(ref: str, letter: str) -> str:
    """``"x2"`` → ``"xaxis2"``; ``"x"`` → ``"xaxis"``."""
    return f"{letter}axis{ref[1:]}"


def _place_colour_bar(data: list[dict], places: Boxes, style: FigureStyle) -> None:
    """Put the map's colour bar at the right edge of the map's box, as tall as the map, in small type
    (it shares the width between the map and the curves with their tick labels)."""
    (_, x1), (y0, y1) = places.map
    for trace in data:
        bar = trace.get("marker", {}).get("colorbar")
        if bar is not None:
            small = {"size": style.font_size - (4 if style.lecture else 1)}
            trace["marker"] = trace["marker"] | {"colorbar": bar | {
                "x": x1 + 0.005, "xanchor": "left", "y": (y0 + y1) / 2, "yanchor": "middle",
                "len": 0.95 * (y1 - y0), "lenmode": "fraction", "tickfont": small,
                "title": bar.get("title", {}) | {"font": small}}}


def _map_axes(landscape: Any, view: Any, grid: tuple | None, places: Boxes, *,
              titled: bool) -> dict[str, Any]:
    """The map's axes: fixed to the window, equal scales unless the window is very elongated.

    The map keeps its aspect by shrinking within its box toward the colour bar (right) and the top.
    Without ``titled`` (on a projector, where height is short) the axes are not titled "x" and "y".
    """
    x_dom, y_dom = places.map
    if landscape.dim == 2:
        (x_lo, x_hi), (y_lo, y_hi) = view
        # No grid lines: the map's own bands and edges are the grid, and lines would cross the image.
        xaxis = {"range": [x_lo, x_hi], "title": {"text": "x"}, "constrain": "domain", "showgrid": False,
                 "constraintoward": "right"}
        yaxis = {"range": [y_lo, y_hi], "title": {"text": "y"}, "constrain": "domain", "showgrid": False,
                 "constraintoward": "top"}
        aspect = (x_hi - x_lo) / (y_hi - y_lo)
        if 1 / MAX_EQUAL_ASPECT <= aspect <= MAX_EQUAL_ASPECT:
            yaxis |= {"scaleanchor": "x", "scaleratio": 1}
    else:
        ((x_lo, x_hi),) = view
        y_lo, y_hi = padded_range(grid[1], 0.06)
        xaxis = {"range": [x_lo, x_hi], "title": {"text": "x"}}
        yaxis = {"range": [y_lo, y_hi], "title": {"text": "f(x)"}}
    if not titled:
        xaxis["title"] = yaxis["title"] = {"text": ""}
    return {"xaxis": xaxis | {"domain": list(x_dom), "anchor": "y"},
            "yaxis": yaxis | {"domain": list(y_dom), "anchor": "x"}}


def _curve_axes(panel: CurvePanel, axes: tuple[str, str], box: Any, style: FigureStyle) -> dict[str, Any]:
    """A curve's axes, untitled: its title, above it, names both (a rotated y title would need the
    width between the colour bar and the curve, an x title the height below)."""
    x_dom, y_dom = box
    small = {"size": style.font_size - 1}
    return {
        _axis_name(axes[0], "x"): {"domain": list(x_dom), "anchor": axes[1], "tickfont": small,
                                   "title": {"text": ""}},
        _axis_name(axes[1], "y"): panel.yaxis() | {"domain": list(y_dom), "anchor": axes[0],
                                                   "tickfont": small, "title": {"text": ""}},
    }


def _curve_title(panel: CurvePanel, box: Any, style: FigureStyle) -> dict[str, Any]:
    (x0, _), (_, y1) = box
    # The log axis shows itself by its ticks (10, 1, 10⁻¹): the title need not say it.
    # On a projector the column is narrow for its type: the axis below says "step" by its numbers.
    # A long title ("distance to best found minimum") leaves it out too: the column is about 34
    # characters wide on a 1280 px screen.
    text = panel.y_title.replace(" (log scale)", "")
    if not style.lecture and len(text) + len(" against step") <= 34:
        text += " against step"
    return {"text": text, "xref": "paper", "yref": "paper", "x": x0, "y": y1, "xanchor": "left",
            "yanchor": "bottom", "showarrow": False, "font": {"size": style.font_size - 1}}


def _state_axes(places: Boxes) -> dict[str, Any]:
    hidden = {"visible": False, "range": [0, 1], "fixedrange": True, "showgrid": False}
    x_dom, y_dom = places.state
    return {_axis_name(STATE[0], "x"): hidden | {"domain": list(x_dom), "anchor": STATE[1]},
            _axis_name(STATE[1], "y"): hidden | {"domain": list(y_dom), "anchor": STATE[0]}}

