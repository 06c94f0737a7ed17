"""Distance to the minimum against the step, each run beside the straight line its predicted rate
draws on a log axis: where they are parallel, theory and the run agree."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from .build import assemble
from .curves import GAP_FLOOR
from .series import Series
from .style import DEFAULT_STYLE, FigureStyle, style_layout
from .traces import Trace, _escape
from .view import as_float32


def rate_figure(series: Sequence[Series], distances: Sequence[np.ndarray], rates: Sequence[float], *,
                style: FigureStyle = DEFAULT_STYLE) -> go.Figure:
    """Return ``‖θ_t − θ*‖`` per series (solid) and ``‖θ_0 − θ*‖ · rateᵗ`` (dotted, same colour).

    A rate of 0 (Newton) has no line; a rate ≥ 1 climbs until the run's own line ends.
    """
    data: list[Trace] = []
    for s, d, rate in zip(series, distances, rates, strict=True):
        d = np.asarray(d, dtype=np.float64)
        steps = np.arange(len(d))
        name = _escape(s.label)
        data.append({
            "type": "scatter", "x0": 0, "dx": 1, "y": as_float32(np.maximum(d, GAP_FLOOR)), "mode": "lines",
            "name": s.label, "legendgroup": s.label,
            "line": {"color": s.colour, "width": style.line_width * 0.8},
            "hovertemplate": f"<b>{name}</b><br>step %{{x}}<br>distance %{{y:.4g}}<extra></extra>",
        })
        if rate > 0 and len(d) and np.isfinite(d[0]) and d[0] > 0:
            with np.errstate(all="ignore"):
                predicted = d[0] * np.power(rate, steps.astype(np.float64))
            shown = np.isfinite(predicted) & (predicted >= GAP_FLOOR) & (predicted <= 1e12 * d[0])
            data.append({
                "type": "scatter", "x": steps[shown].astype(np.int32), "y": as_float32(predicted[shown]),
                "mode": "lines", "name": f"{s.label}: theory", "legendgroup": s.label, "showlegend": False,
                "line": {"color": s.colour, "width": style.line_width * 0.6, "dash": "dot"},
                "hovertemplate": f"<b>{name}</b>, theory<br>step %{{x}}<br>"
                                 f"{rate:.4g}^t × start distance = %{{y:.4g}}<extra></extra>",
            })
    layout = style_layout(style)
    layout.update(xaxis={"title": {"text": "step"}},
                  yaxis={"title": {"text": "distance to the minimum ‖θ − θ*‖ (log scale)"}, "type": "log",
                         "exponentformat": "power", "minorloglabels": "none"})
    return assemble(data, layout)
