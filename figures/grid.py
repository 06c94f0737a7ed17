"""Small multiples: several landscape panels in a grid, one shared legend."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from .build import assemble
from .landscape import MAX_EQUAL_ASPECT
from .series import Series
from .style import DEFAULT_STYLE, FigureStyle, style_layout
from .traces import Legend, panel_traces
from .view import curve, landscape_grid, padded_range, view_window

PANEL_RESOLUTION = 90  # grid points per axis in a small panel: enough for the shape, light in JSON
#: A panel's height in px on screen (lecture: ×1.35). A square 2-D window is drawn this wide too when
#: its column is wide enough, so its contours, paths and tick labels stay readable.
PANEL_PX = 380


@dataclass(frozen=True)
class Panel:
    """One subplot: a title, a landscape, the runs drawn on it and optionally its window."""

    title: str
    landscape: Any
    series: tuple[Series, ...]
    view: tuple | None = None


def small_multiples(panels: Sequence[Panel], *, columns: int = 2, style: FigureStyle = DEFAULT_STYLE,
                    max_points: int = 600, panel_px: int | None = None) -> go.Figure:
    """Return a grid of landscape panels (contour or curve with paths), titled, with one shared legend.

    Each 2-D panel has equal axis scales (one unit as long on both axes, unless its window is more than
    :data:`figures.landscape.MAX_EQUAL_ASPECT`:1), so a narrow valley looks narrow: the panel takes its
    window's shape inside its cell, against the top, under its title. A row is ``panel_px`` high
    (default :data:`PANEL_PX`), less when all its panels are wide windows or curves, so the figure
    grows with the number of rows instead of squeezing them.

    Series with the same label share a colour legend entry across panels (click it to hide that run
    everywhere); the runs come first in the legend, in their order, then the marks. The legend hangs
    under Plotly's toolbar; where it wraps (a phone) it pushes the panels down.
    """
    panels = list(panels)
    columns = max(1, min(int(columns), len(panels) or 1))
    rows = max(1, math.ceil(len(panels) / columns))
    side = panel_px or round(PANEL_PX * (1.35 if style.lecture else 1.0))
    views = [p.view if p.view is not None else view_window(p.landscape, p.series) for p in panels]
    shares = [_height_share(p.landscape, v) for p, v in zip(panels, views, strict=True)]
    heights = [round(side * max(shares[r * columns:(r + 1) * columns], default=1.0)) for r in range(rows)]
    title = round(2.2 * (style.font_size + 1))  # the title line above a panel
    ticks = round(2.6 * style.font_size)  # the x tick labels below a panel
    toolbar = 28  # Plotly's toolbar (top right) would cover a legend line that runs under it
    plot_height = sum(heights) + rows * title + (rows - 1) * ticks
    layout = style_layout(style)
    layout["margin"] = layout["margin"] | {"t": toolbar + round(2.4 * style.font_size), "b": ticks}
    layout["height"] = plot_height + layout["margin"]["t"] + layout["margin"]["b"]
    # The titles lie inside the plotting area, so a legend that wraps pushes them down with the panels.
    layout["legend"] = layout["legend"] | {"xref": "container", "x": 0, "yref": "container",
                                           "y": 1 - toolbar / layout["height"], "yanchor": "top"}
    spacing = 0.07 if columns > 1 else 0.0
    width = (1 - (columns - 1) * spacing) / columns
    annotations = []
    legend = Legend()
    data = []
    top = plot_height  # px from the bottom of the plotting area
    for i, (panel, view) in enumerate(zip(panels, views, strict=True)):
        row, column = divmod(i, columns)
        if column == 0 and row > 0:
            top -= title + heights[row - 1] + ticks
        suffix = "" if i == 0 else str(i + 1)
        axes = {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}
        landscape = panel.landscape
        if landscape.dim == 2:
            grid = landscape_grid(landscape, view, PANEL_RESOLUTION)
            y_range = view[1]
        else:
            grid = curve(landscape, view, 300)
            y_range = padded_range(grid[1], 0.06)
        data += panel_traces(landscape, panel.series, view, style, grid=grid, max_points=max_points,
                             axes=axes, colour_bar=False, legend=legend)
        x0 = column * (width + spacing)
        y1 = (top - title) / plot_height
        xaxis = {"anchor": f"y{suffix}", "domain": [x0, x0 + width], "range": list(view[0])}
        yaxis = {"anchor": f"x{suffix}", "domain": [y1 - heights[row] / plot_height, y1],
                 "range": [float(v) for v in y_range]}
        if landscape.dim == 2:
            xaxis |= {"constrain": "domain"}
            yaxis |= {"constrain": "domain", "constraintoward": "top"}
            if _equal_aspect(view):
                yaxis |= {"scaleanchor": f"x{suffix}", "scaleratio": 1}
        layout[f"xaxis{suffix}"], layout[f"yaxis{suffix}"] = xaxis, yaxis
        annotations.append({"text": panel.title, "x": x0 + width / 2, "y": y1, "xref": "paper",
                            "yref": "paper", "xanchor": "center", "yanchor": "bottom", "showarrow": False,
                            "font": {"size": style.font_size + 1}})
    layout["annotations"] = annotations
    _rank_legend(data, [s.label for p in panels for s in p.series])
    return assemble(data, layout)


#: A row of curves (1-D panels) is this share of a panel's height: they need no square.
CURVE_SHARE = 0.8


def _equal_aspect(view: tuple) -> bool:
    """Whether a 2-D window is drawn to scale (not when it is more than MAX_EQUAL_ASPECT:1)."""
    aspect = (view[0][1] - view[0][0]) / (view[1][1] - view[1][0])
    return 1 / MAX_EQUAL_ASPECT <= aspect <= MAX_EQUAL_ASPECT


def _height_share(landscape: Any, view: tuple) -> float:
    """The share of a square cell's height a panel needs: a wide window drawn to scale needs less."""
    if landscape.dim != 2:
        return CURVE_SHARE
    if not _equal_aspect(view):
        return 1.0
    return min(1.0, (view[1][1] - view[1][0]) / (view[0][1] - view[0][0]))


def _rank_legend(data: list[dict[str, Any]], labels: Sequence[str]) -> None:
    """Put the runs first in the legend, in their order (Plotly lists entries by trace order otherwise,
    so a later panel's runs would come after the first panel's start and optimum marks)."""
    rank = {label: i + 1 for i, label in enumerate(dict.fromkeys(labels))}
    for trace in data:
        if trace.get("showlegend", True) and trace.get("name") in rank:
            trace["legendrank"] = rank[trace["name"]]
