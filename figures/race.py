"""A race's loss curves: one per tuned optimizer, with a 10–90 % band over noise seeds."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from .build import assemble
from .curves import BAND, GAP_FLOOR, band_traces
from .style import DEFAULT_STYLE, FigureStyle, style_layout
from .traces import Trace, _escape
from .view import as_float32


def race_figure(racers: Sequence[tuple[str, str, np.ndarray]], *, y_title: str,
                style: FigureStyle = DEFAULT_STYLE) -> go.Figure:
    """``racers``: ``(label, colour, curves)`` with ``curves`` ``(steps + 1, seeds)``; one seed draws a
    line, several their mean with a band between the 10th and 90th percentiles."""
    data: list[Trace] = []
    for label, colour, curves in racers:
        curves = np.maximum(np.asarray(curves, dtype=np.float64), GAP_FLOOR)
        name = _escape(label)
        if curves.shape[1] > 1:
            with np.errstate(all="ignore"):
                low, high = np.nanpercentile(curves, BAND, axis=1)
            data += band_traces(label, colour, {"x0": 0, "dx": 1}, low, high)
        with np.errstate(all="ignore"):
            centre = np.nanmean(curves, axis=1)
        data.append({"type": "scatter", "x0": 0, "dx": 1, "y": as_float32(centre), "mode": "lines",
                     "name": label, "legendgroup": label,
                     "line": {"color": colour, "width": style.line_width * 0.8},
                     "hovertemplate": f"<b>{name}</b><br>step %{{x}}<br>%{{y:.4g}}<extra></extra>"})
    layout = style_layout(style)
    layout.update(xaxis={"title": {"text": "step"}},
                  yaxis={"title": {"text": y_title}, "type": "log", "exponentformat": "power",
                         "minorloglabels": "none"})
    return assemble(data, layout)

