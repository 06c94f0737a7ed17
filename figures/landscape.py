"""The landscape with optimizer paths on it: a contour map in 2-D, the curve in 1-D."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from optimizers import Trajectory

#: Okabe–Ito colours: distinguishable with the common forms of colour blindness.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
MARKERS = ("circle", "square", "diamond", "triangle-up", "x", "star", "cross", "pentagon")


def landscape_grid(landscape, resolution: int = 160) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coordinates and values of ``landscape`` over its view window (float32 values, to keep JSON small)."""
    (x_lo, x_hi), (y_lo, y_hi) = landscape.bounds
    xs = np.linspace(x_lo, x_hi, resolution)
    ys = np.linspace(y_lo, y_hi, resolution)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1)
    with np.errstate(all="ignore"):
        values = np.asarray(landscape(grid), dtype=np.float64)
    return xs, ys, values


def _display_values(values: np.ndarray, log_scale: bool) -> tuple[np.ndarray, str]:
    """Values as drawn: ``log10(f − min + 1)`` where they span decades, else as they are."""
    if log_scale:
        return np.log10(values - np.nanmin(values) + 1.0), "log₁₀(f − min + 1)"
    return values, "f"


def landscape_figure(landscape, trajectories: dict[str, Trajectory], resolution: int = 160) -> go.Figure:
    """The landscape with each trajectory's first particle drawn as a path, start and optima marked."""
    fig = go.Figure()
    if landscape.dim == 1:
        _one_d(fig, landscape, trajectories)
    else:
        _two_d(fig, landscape, trajectories, resolution)
    fig.update_layout(
        margin=dict(l=10, r=10, t=30, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
        height=520,
    )
    return fig


def _two_d(fig: go.Figure, landscape, trajectories: dict[str, Trajectory], resolution: int) -> None:
    xs, ys, values = landscape_grid(landscape, resolution)
    shown, label = _display_values(values, landscape.log_scale)
    fig.add_trace(go.Contour(
        x=xs, y=ys, z=shown.astype(np.float32), colorscale="Viridis", ncontours=30,
        contours=dict(coloring="heatmap", showlines=True), line=dict(width=0.5),
        colorbar=dict(title=label), hoverinfo="skip", name="landscape", showlegend=False,
    ))
    for i, (name, traj) in enumerate(trajectories.items()):
        path = traj.path[:, 0, :]
        colour = PALETTE[i % len(PALETTE)]
        fig.add_trace(go.Scatter(
            x=path[:, 0], y=path[:, 1], mode="lines+markers", name=name,
            line=dict(color=colour, width=2.5),
            marker=dict(symbol=MARKERS[i % len(MARKERS)], size=5, color=colour),
        ))
        if traj.diverged[0]:
            fig.add_trace(go.Scatter(
                x=path[-1:, 0], y=path[-1:, 1], mode="markers", showlegend=False,
                name=f"{name} diverged", marker=dict(symbol="x-thin", size=16, color=colour,
                                                     line=dict(width=3, color=colour)),
            ))
    if trajectories:
        start = next(iter(trajectories.values())).path[0, 0]
        fig.add_trace(go.Scatter(x=[start[0]], y=[start[1]], mode="markers", name="start",
                                 marker=dict(symbol="circle", size=13, color="white",
                                             line=dict(width=2.5, color="black"))))
    if landscape.optima:
        optima = np.array(landscape.optima, dtype=float)
        fig.add_trace(go.Scatter(x=optima[:, 0], y=optima[:, 1], mode="markers", name="optimum",
                                 marker=dict(symbol="star", size=16, color="white",
                                             line=dict(width=1.5, color="black"))))
    (x_lo, x_hi), (y_lo, y_hi) = landscape.bounds
    fig.update_xaxes(range=[x_lo, x_hi], title="x")
    fig.update_yaxes(range=[y_lo, y_hi], title="y", scaleanchor=None)


def _one_d(fig: go.Figure, landscape, trajectories: dict[str, Trajectory]) -> None:
    ((x_lo, x_hi),) = landscape.bounds
    xs = np.linspace(x_lo, x_hi, 600)
    with np.errstate(all="ignore"):
        ys = np.asarray(landscape(xs[:, None]), dtype=float)
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name="f(x)", line=dict(color="#555555", width=2)))
    for i, (name, traj) in enumerate(trajectories.items()):
        colour = PALETTE[i % len(PALETTE)]
        fig.add_trace(go.Scatter(
            x=traj.path[:, 0, 0], y=traj.loss[:, 0] if len(traj.loss_steps) == len(traj.path_steps)
            else landscape(traj.path[:, 0, :]),
            mode="lines+markers", name=name, line=dict(color=colour, width=1.5),
            marker=dict(symbol=MARKERS[i % len(MARKERS)], size=7, color=colour),
        ))
    fig.update_xaxes(range=[x_lo, x_hi], title="x")
    fig.update_yaxes(title="f(x)")
