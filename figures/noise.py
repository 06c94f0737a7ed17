"""Figures of the lesson on noise: a particle cloud against the Langevin density, escapes from a
saddle, and clouds of gradient estimates."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from lessons.noise import Escape, Estimates

from .build import assemble
from .curves import band_traces
from .style import DEFAULT_STYLE, INK, PALETTE, FigureStyle, style_layout, translucent, two_panels
from .traces import Trace

#: The Langevin density's colour and the notes' (wrong) one.
DENSITY, NOTES = PALETTE[1], "#777777"


def histogram_1d_figure(edges: np.ndarray, histogram: np.ndarray, xs: np.ndarray, density: np.ndarray,
                        notes: np.ndarray, *, style: FigureStyle = DEFAULT_STYLE) -> go.Figure:
    """The particles' histogram (as a density) with the Langevin density and the notes' formula."""
    centres = 0.5 * (edges[1:] + edges[:-1])
    data: list[Trace] = [
        {"type": "bar", "x": centres.tolist(), "y": histogram.tolist(), "width": float(edges[1] - edges[0]),
         "name": "particles (histogram)", "marker": {"color": translucent(PALETTE[0], 0.45),
                                                     "line": {"color": PALETTE[0], "width": 0.5}},
         "hovertemplate": "x %{x:.4g}<br>density %{y:.4g}<extra>particles</extra>"},
        {"type": "scatter", "x": xs.tolist(), "y": density.tolist(), "mode": "lines",
         "name": "Langevin: ∝ exp(−2l/(η s²))", "line": {"color": DENSITY, "width": style.line_width},
         "hoverinfo": "skip"},
        {"type": "scatter", "x": xs.tolist(), "y": notes.tolist(), "mode": "lines",
         "name": "the notes: ∝ exp(−l/σ²), σ² = η s²",
         "line": {"color": NOTES, "width": style.line_width * 0.7, "dash": "dash"}, "hoverinfo": "skip"},
    ]
    layout = style_layout(style)
    layout.update(xaxis={"title": {"text": "θ"}}, yaxis={"title": {"text": "density"}}, bargap=0)
    return assemble(data, layout)


def histogram_2d_figure(xs: np.ndarray, ys: np.ndarray, histogram: np.ndarray, density: np.ndarray, *,
                        stacked: bool = False, style: FigureStyle = DEFAULT_STYLE) -> go.Figure:
    """The particles' 2-D histogram beside the Langevin density on the same bins (same colour scale)."""
    top = float(max(np.nanmax(histogram), np.nanmax(density), 1e-300))
    common = {"type": "heatmap", "x": xs.tolist(), "y": ys.tolist(), "zmin": 0.0, "zmax": top,
              "colorscale": "Viridis", "hovertemplate": "(%{x:.3g}, %{y:.3g})<br>%{z:.3g}<extra></extra>"}
    data: list[Trace] = [
        {**common, "z": histogram.tolist(), "name": "particles", "xaxis": "x", "yaxis": "y",
         "colorbar": {"title": {"text": "share per bin"}, "len": 0.5 if stacked else 1.0,
                      "y": 0.75 if stacked else 0.5}},
        {**common, "z": density.tolist(), "name": "Langevin", "xaxis": "x2", "yaxis": "y2",
         "showscale": False},
    ]
    first, second, rows = two_panels(stacked, gap=0.12, width=0.92)  # the colour bar takes the rest
    layout = style_layout(style)
    layout.update(
        xaxis={"domain": first, "anchor": "y", "title": {"text": "particles after the last step"}},
        yaxis={"domain": rows[0], "anchor": "x", "scaleanchor": "x"},
        xaxis2={"domain": second, "anchor": "y2", "title": {"text": "Langevin: ∝ exp(−2l/(η s²))"}},
        yaxis2={"domain": rows[1], "anchor": "x2", "scaleanchor": "x2"},
    )
    return assemble(data, layout)


def escape_figure(escape: Escape, *, style: FigureStyle = DEFAULT_STYLE) -> go.Figure:
    """Distance from the saddle against the step: the noiseless run, and the noisy particles' median
    with a 10–90 % band; the share still within the radius on the right axis."""
    low, median, high = np.percentile(escape.distance, (10, 50, 90), axis=1)
    data: list[Trace] = band_traces("with noise", PALETTE[0], {"x0": 0, "dx": 1}, low, high)
    data += [
        {"type": "scatter", "x0": 0, "dx": 1, "y": median.tolist(), "mode": "lines",
         "name": "with noise: median", "line": {"color": PALETTE[0], "width": style.line_width}},
        {"type": "scatter", "x0": 0, "dx": 1, "y": escape.noiseless.tolist(), "mode": "lines",
         "name": "without noise", "line": {"color": INK, "width": style.line_width, "dash": "dash"}},
        {"type": "scatter", "x0": 0, "dx": 1, "y": escape.still_near().tolist(), "mode": "lines",
         "yaxis": "y2", "name": f"share within {escape.radius:g} (right axis)",
         "line": {"color": PALETTE[1], "width": style.line_width * 0.7, "dash": "dot"}},
    ]
    layout = style_layout(style)
    layout.update(xaxis={"title": {"text": "step"}},
                  yaxis={"title": {"text": "distance from the saddle (log scale)"}, "type": "log",
                         "exponentformat": "power"},
                  yaxis2={"title": {"text": "share near the saddle"}, "overlaying": "y", "side": "right",
                          "range": [0, 1.05], "showgrid": False})
    return assemble(data, layout)


def estimates_figure(clouds: Sequence[tuple[str, Estimates]], *,
                     style: FigureStyle = DEFAULT_STYLE) -> go.Figure:
    """Each method's cloud of estimates with its mean, and the true gradient."""
    data: list[Trace] = []
    for k, (name, est) in enumerate(clouds):
        colour = PALETTE[k]
        data.append({"type": "scattergl", "x": est.samples[:, 0].tolist(), "y": est.samples[:, 1].tolist(),
                     "mode": "markers", "name": name,
                     "marker": {"color": translucent(colour, 0.35), "size": style.size(4)},
                     "hovertemplate": f"{name}<br>(%{{x:.4g}}, %{{y:.4g}})<extra></extra>"})
        mean = est.samples.mean(axis=0)
        data.append({"type": "scatter", "x": [float(mean[0])], "y": [float(mean[1])], "mode": "markers",
                     "name": f"{name}: mean of {len(est.samples)}",
                     "marker": {"color": colour, "size": style.size(13), "symbol": "diamond",
                                "line": {"color": "white", "width": 1.5}}})
    g = clouds[0][1].gradient
    data.append({"type": "scatter", "x": [0.0, float(g[0])], "y": [0.0, float(g[1])],
                 "mode": "lines+markers", "name": "true gradient ∇f",
                 "line": {"color": INK, "width": style.line_width},
                 "marker": {"color": INK, "size": [0, style.size(14)], "symbol": "arrow",
                            "angleref": "previous"}})
    layout = style_layout(style)
    layout.update(xaxis={"title": {"text": "estimate, x component"}, "zeroline": True},
                  yaxis={"title": {"text": "estimate, y component"}, "zeroline": True, "scaleanchor": "x"})
    return assemble(data, layout)


def error_figure(clouds: Sequence[tuple[str, Estimates, float]], *,
                 style: FigureStyle = DEFAULT_STYLE) -> go.Figure:
    """How far the mean of the first k estimates is from the gradient, against k, with the predicted
    ``spread/√k`` (dotted)."""
    data: list[Trace] = []
    for k, (name, est, spread) in enumerate(clouds):
        error = est.running_error()
        counts = np.arange(1, len(error) + 1)
        data.append({"type": "scatter", "x": counts.tolist(), "y": error.tolist(), "mode": "lines",
                     "name": name, "line": {"color": PALETTE[k], "width": style.line_width * 0.8}})
        data.append({"type": "scatter", "x": counts.tolist(), "y": (spread / np.sqrt(counts)).tolist(),
                     "mode": "lines", "name": f"{name}: predicted", "showlegend": False,
                     "line": {"color": PALETTE[k], "width": style.line_width * 0.6, "dash": "dot"}})
    layout = style_layout(style)
    layout.update(xaxis={"title": {"text": "estimates averaged, k"}, "type": "log"},
                  yaxis={"title": {"text": "‖mean − ∇f‖ (log scale)"}, "type": "log",
                         "exponentformat": "power"})
    return assemble(data, layout)
