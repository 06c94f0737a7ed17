"""Small multiples: several landscape panels side by side, one shared legend."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .build import assemble
from .series import Series
from .style import DEFAULT_STYLE, FigureStyle, style_layout
from .traces import Legend, panel_traces
from .view import curve, landscape_grid, padded_range, view_window

PANEL_RESOLUTION = 90  # grid points per axis in a small panel: enough for the shape, light in JSON


@dataclass(frozen=True)
class Panel:
    """One subplot: a title, a landscape, the runs drawn on it and optionally its window."""

    title: str
    landscape: Any
    series: tuple[Series, ...]
    view: tuple | None = None


def small_multiples(panels: Sequence[Panel], *, columns: int = 3, style: FigureStyle = DEFAULT_STYLE,
                    max_points: int = 600) -> go.Figure:
    """Return a grid of landscape panels (contour or curve with paths), titled, with one shared legend.

    Series with the same label share a colour legend entry across panels (click it to hide that run
    everywhere). The height grows with the number of rows.
    """
    panels = list(panels)
    columns = max(1, min(int(columns), len(panels) or 1))
    rows = max(1, math.ceil(len(panels) / columns))
    skeleton = make_subplots(rows=rows, cols=columns, subplot_titles=[p.title for p in panels],
                             horizontal_spacing=0.06, vertical_spacing=0.12 / max(1, rows - 1) ** 0.5)
    layout = skeleton.layout.to_plotly_json()
    layout.update(style_layout(style))
    layout["height"] = rows * (420 if style.lecture else 300) + 90
    # subplot titles sit between the legend and the panels: leave room for both
    layout["margin"] = layout["margin"] | {"t": 70 if style.lecture else 60}
    plot_height = layout["height"] - layout["margin"]["t"] - layout["margin"].get("b", 40)
    layout["legend"] = layout["legend"] | {"y": 1 + (34 if style.lecture else 24) / plot_height}
    legend = Legend()
    data = []
    for i, panel in enumerate(panels):
        suffix = "" if i == 0 else str(i + 1)
        axes = {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}
        landscape = panel.landscape
        view = panel.view if panel.view is not None else view_window(landscape, panel.series)
        if landscape.dim == 2:
            grid = landscape_grid(landscape, view, PANEL_RESOLUTION)
            y_range = view[1]
        else:
            grid = curve(landscape, view, 300)
            y_range = padded_range(grid[1], 0.06)
        data += panel_traces(landscape, panel.series, view, style, grid=grid, max_points=max_points,
                             axes=axes, colour_bar=False, legend=legend)
        layout[f"xaxis{suffix}"] = layout.get(f"xaxis{suffix}", {}) | {"range": list(view[0])}
        layout[f"yaxis{suffix}"] = layout.get(f"yaxis{suffix}", {}) | {"range": [float(v) for v in y_range]}
    for annotation in layout.get("annotations", []):  # subplot titles: in the figure's font, a bit larger
        annotation["font"] = {"size": style.font_size + 1}
    return assemble(data, layout)
