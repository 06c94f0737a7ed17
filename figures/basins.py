"""Basins of attraction as maps: every start of a grid coloured by the optimum it reaches (or by the
steps it took), one map per optimizer, side by side."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from explore import DIVERGED, NONE_REACHED, BasinsResult

from .build import assemble
from .hover import vector
from .style import DEFAULT_STYLE, INK, LANDSCAPE_COLORSCALE, FigureStyle, style_layout
from .traces import Trace, _escape

#: One colour per optimum (Paul Tol's "bright" scheme, then "muted"): the maps' categories.
OPTIMUM_COLOURS = ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#332288",
                   "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99")
NONE_COLOUR, DIVERGED_COLOUR = "#f2f2f2", "#555555"
GAP = 0.08  # between panels side by side, as a fraction of the figure's width
ROW_GAP_PX = 110  # between rows: the upper map's x ticks and title, the lower map's title
ROW_PX = 470  # a row's typical height (ui.basins sizes the figure)


def basins_figure(panels: Sequence[tuple[str, BasinsResult]], *, colour_by: str = "optimum",
                  columns: int = 2, style: FigureStyle = DEFAULT_STYLE, row_px: float = ROW_PX,
                  optimum_word: str = "optimum") -> go.Figure:
    """Return one map per ``(title, result)``: starts coloured by the optimum reached (``optimum``) or
    by the steps to get there (``steps``); grey where the run diverged, light where it reached none.

    ``row_px`` is a row's height as the page will show it (a 1-D landscape's strip is low): the gap
    between rows is sized from it. ``optimum_word`` names the optima in the legend ("best found
    minimum" for a function whose minima a search found).
    """
    panels = list(panels)
    columns = max(1, min(columns, len(panels)))
    rows = math.ceil(len(panels) / columns)
    optima = panels[0][1].optima if panels else np.zeros((0, 2))
    layout = style_layout(style)
    layout["margin"] = layout["margin"] | {"t": 40}
    data: list[Trace] = []
    annotations = []
    steps_max = max((float(np.nanmax(np.where(np.isfinite(r.steps), r.steps, np.nan)))
                     for _, r in panels if np.isfinite(r.steps).any()), default=1.0)
    for k, (title, result) in enumerate(panels):
        row, col = divmod(k, columns)
        x_dom = (col / columns + (GAP / 2 if col else 0),
                 (col + 1) / columns - (GAP / 2 if col < columns - 1 else 0))
        row_gap = ROW_GAP_PX * style.scale / (rows * row_px) if rows > 1 else 0.0
        y_dom = (1 - (row + 1) / rows + (row_gap / 2 if row < rows - 1 else 0),
                 1 - row / rows - (row_gap / 2 if row else 0))
        suffix = "" if k == 0 else str(k + 1)
        refs = {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}
        data += _panel_traces(result, colour_by, steps_max, refs, style, first=k == 0)
        one_d = result.starts.shape[-1] == 1
        xs = result.axes[0]
        layout[f"xaxis{suffix}"] = {"domain": list(x_dom), "anchor": f"y{suffix}", "range": [xs[0], xs[-1]],
                                    "title": {"text": "start x"}, "showgrid": False}
        if one_d:
            layout[f"yaxis{suffix}"] = {"domain": list(y_dom), "anchor": f"x{suffix}", "visible": False,
                                        "range": [-0.5, 0.5]}
        else:
            ys = result.axes[1]
            layout[f"yaxis{suffix}"] = {"domain": list(y_dom), "anchor": f"x{suffix}",
                                        "range": [ys[0], ys[-1]], "title": {"text": "start y"},
                                        "showgrid": False, "scaleanchor": f"x{suffix}", "constrain": "domain"}
            layout[f"xaxis{suffix}"] |= {"constrain": "domain"}
        annotations.append({"text": f"<b>{_escape(title)}</b>", "xref": f"x{suffix} domain",
                            "yref": f"y{suffix} domain", "x": 0.5, "y": 1.0, "xanchor": "center",
                            "yanchor": "bottom", "showarrow": False, "font": {"size": style.font_size}})
    layout["annotations"] = annotations
    if colour_by == "optimum":
        data += _legend_entries(optima, style, optimum_word)
    layout["legend"] = layout["legend"] | {"y": 1.06}
    return assemble(data, layout)


def _panel_traces(result: BasinsResult, colour_by: str, steps_max: float, refs: dict[str, str],
                  style: FigureStyle, *, first: bool) -> list[Trace]:
    one_d = result.starts.shape[-1] == 1
    labels = result.labels if not one_d else result.labels[None, :]
    xs = result.axes[0]
    ys = result.axes[1] if not one_d else np.array([0.0])
    traces: list[Trace] = []
    n_optima = len(result.optima)
    words = np.vectorize(lambda v: "diverged" if v == DIVERGED else "reached no optimum"
                         if v == NONE_REACHED else f"reached optimum {vector(result.optima[v])}")(labels)
    steps = result.steps if not one_d else result.steps[None, :]
    step_words = np.where(np.isfinite(steps), np.char.add("in ", np.where(np.isfinite(steps), steps, 0)
                                                           .astype(int).astype(str)), "")
    text = np.char.add(np.char.add(words.astype(str), " "), step_words.astype(str))
    common = {"type": "heatmap", "x": xs, "y": ys, "text": text, "showscale": False,
              "hovertemplate": "start (%{x:.3g}, %{y:.3g})<br>%{text}<extra></extra>" if not one_d else
              "start %{x:.3g}<br>%{text}<extra></extra>"} | refs
    if colour_by == "optimum":
        # categories 0: diverged, 1: none, 2…: the optima, each a flat band of the colour scale
        z = labels.astype(np.float64) + 2
        colours = [DIVERGED_COLOUR, NONE_COLOUR] + [OPTIMUM_COLOURS[k % len(OPTIMUM_COLOURS)]
                                                    for k in range(n_optima)]
        n = len(colours)
        scale = []
        for k, colour in enumerate(colours):
            scale += [[k / n, colour], [(k + 1) / n, colour]]
        traces.append(common | {"z": z, "zmin": -0.5, "zmax": n - 0.5, "colorscale": scale})
    else:
        z = np.where(np.isfinite(steps), np.log10(np.maximum(steps, 1)), np.nan)
        traces.append(common | {"z": z, "zmin": 0, "zmax": math.log10(max(steps_max, 10)),
                                "colorscale": [list(stop) for stop in LANDSCAPE_COLORSCALE],
                                "showscale": first,
                                "colorbar": {"title": {"text": "log₁₀ steps to reach it", "side": "right"},
                                             "thickness": 14, "outlinewidth": 0}})
        if (labels == DIVERGED).any():
            traces.append(common | {"z": np.where(labels == DIVERGED, 1.0, np.nan),
                                    "colorscale": [[0, DIVERGED_COLOUR], [1, DIVERGED_COLOUR]],
                                    "hoverinfo": "skip", "hovertemplate": None})
    if n_optima and not one_d:
        traces.append({"type": "scatter", "x": result.optima[:, 0], "y": result.optima[:, 1],
                       "mode": "markers", "name": "optimum", "showlegend": False, "hoverinfo": "skip",
                       "marker": {"symbol": "star", "size": style.size(14), "color": "white",
                                  "line": {"width": 1.5 * style.scale, "color": INK}}} | refs)
    return traces


def _legend_entries(optima: np.ndarray, style: FigureStyle, word: str = "optimum") -> list[Trace]:
    """Legend-only squares naming the colours."""
    entries = [(f"{word} {vector(p)}", OPTIMUM_COLOURS[k % len(OPTIMUM_COLOURS)])
               for k, p in enumerate(optima)]
    entries += [("reached none", NONE_COLOUR), ("diverged", DIVERGED_COLOUR)]
    return [{"type": "scatter", "x": [None], "y": [None], "mode": "markers", "name": name,
             "showlegend": True,
             "marker": {"symbol": "square", "size": style.size(12), "color": colour,
                        "line": {"width": 1, "color": "#888888"}}} for name, colour in entries]


def basin_shares(panels: Sequence[tuple[str, BasinsResult]]) -> list[dict[str, Any]]:
    """Per optimizer: the share of starts reaching each optimum, none, or diverging, and the median
    steps of those that arrived."""
    rows = []
    for title, result in panels:
        share = result.share()
        row: dict[str, Any] = {"optimizer": title}
        for k, point in enumerate(result.optima):
            row[f"→ {vector(point)}"] = share.get(k, 0.0)
        row["reached none"] = share.get(NONE_REACHED, 0.0)
        row["diverged"] = share.get(DIVERGED, 0.0)
        arrived = result.steps[np.isfinite(result.steps)]
        row["median steps"] = float(np.median(arrived)) if arrived.size else None
        rows.append(row)
    return rows
