"""Basins of attraction: a grid of starts over the landscape's window, all in one batched run, each
labelled by the known optimum it reaches."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from optimizers import OPTIMIZERS, run
from optimizers.spec import OptimizerSpec

#: Labels that are not an optimum's index.
NONE_REACHED, DIVERGED = -1, -2


@dataclass(frozen=True)
class BasinsResult:
    """Where each start ends up.

    In 2-D the grids are ``(resolution, resolution)`` with rows along y and columns along x (an
    image of the window: ``starts[j, i] = (xs[i], ys[j])``); in 1-D they are ``(resolution,)``.
    ``labels`` index ``optima`` (:data:`NONE_REACHED`: no optimum within ``tolerance`` after the
    last step; :data:`DIVERGED`); ``steps`` is the first step at which ``f`` came within
    ``value_tolerance`` of the reached optimum's value (inf where none was reached).
    """

    axes: tuple[np.ndarray, ...]  # xs (and ys)
    starts: np.ndarray  # grid shape + (dim,)
    labels: np.ndarray
    steps: np.ndarray
    optima: np.ndarray  # (k, dim)
    tolerance: float

    def share(self) -> dict[int, float]:
        """The fraction of starts with each label."""
        values, counts = np.unique(self.labels, return_counts=True)
        return {int(v): float(c) / self.labels.size for v, c in zip(values, counts, strict=True)}


def nearest_optimum(points: Any, optima: np.ndarray, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """For each of ``points`` ``(n, dim)``: the index of the nearest of ``optima`` ``(k ≥ 1, dim)``, and
    whether it lies within ``tolerance`` of it."""
    points = np.asarray(points, dtype=np.float64)
    with np.errstate(all="ignore"):
        distance = np.linalg.norm(points[:, None, :] - optima[None, :, :], axis=-1)
    nearest = np.argmin(distance, axis=1)
    return nearest, distance[np.arange(len(points)), nearest] <= tolerance


def basins(optimizer: str | OptimizerSpec, landscape: Any, steps: int, *, resolution: int = 200,
           window: Any = None, tolerance: float | None = None, value_tolerance: float = 1e-6,
           maximize: bool | None = None, **hyperparams_and_options: Any) -> BasinsResult:
    """Run ``optimizer`` from every point of a ``resolution``-per-axis grid over ``window``.

    Args:
        optimizer: a registry name or spec.
        landscape: a 1-D or 2-D landscape with known ``optima`` (else every label is "none").
        steps: optimizer steps from each start.
        resolution: starts per axis (2-D: ``resolution²`` of them).
        window: ``((x_lo, x_hi)[, (y_lo, y_hi)])``; default: the landscape's ``bounds``.
        tolerance: how close to an optimum the last point must be to count as reaching it; default
            a thousandth of the window's widest side.
        value_tolerance: ``steps`` counts until ``f`` is this close to the reached optimum's value.
        maximize: climb; default: the landscape's own goal.
        **hyperparams_and_options: passed to :func:`optimizers.run` (``lr=0.01``, ``noise=…``).
    """
    spec = OPTIMIZERS[optimizer] if isinstance(optimizer, str) else optimizer
    dim = int(landscape.dim)
    if dim not in (1, 2):
        raise ValueError(f"basins are drawn for 1-D and 2-D landscapes, not {dim}-D")
    if not 2 <= int(resolution) <= 2000:
        raise ValueError(f"resolution must be 2 … 2000, got {resolution!r}")
    bounds = np.asarray(window if window is not None else landscape.bounds, dtype=np.float64).reshape(dim, 2)
    axes = tuple(np.linspace(lo, hi, int(resolution)) for lo, hi in bounds)
    if dim == 2:
        xx, yy = np.meshgrid(*axes)  # rows along y, columns along x
        starts = np.stack([xx, yy], axis=-1)
    else:
        starts = axes[0][:, None]
    flat = starts.reshape(-1, dim)
    maximize = getattr(landscape, "goal", "minimize") == "maximize" if maximize is None else maximize
    trajectory = run(spec, landscape, flat, steps, maximize=maximize, record="loss",
                     **hyperparams_and_options)

    optima = np.asarray(getattr(landscape, "optima", ()) or (), dtype=np.float64).reshape(-1, dim)
    tolerance = 1e-3 * float(np.max(bounds[:, 1] - bounds[:, 0])) if tolerance is None else float(tolerance)
    diverged = np.asarray(trajectory.diverged, dtype=bool)
    labels = np.full(len(flat), NONE_REACHED, dtype=np.int64)
    reached_steps = np.full(len(flat), np.inf)
    if len(optima):
        nearest, close = nearest_optimum(trajectory.final_x, optima, tolerance)
        labels = np.where(close, nearest, NONE_REACHED)
        with np.errstate(all="ignore"):
            values = np.asarray(landscape(optima), dtype=np.float64)
            # One buffer for the (steps, starts) gap: at 200 × 200 starts it is 100 MB, and memory
            # traffic, not arithmetic, is what this costs.
            gap = np.subtract(np.asarray(trajectory.loss, dtype=np.float64), values[nearest][None, :])
            np.abs(gap, out=gap)
        within = gap <= value_tolerance
        first = np.argmax(within, axis=0)
        ever = within[first, np.arange(len(flat))]  # argmax finds a True if there is one
        reached_steps = np.where(close & ever, np.asarray(trajectory.loss_steps, dtype=np.float64)[first],
                                 np.inf)
    labels = np.where(diverged, DIVERGED, labels)
    reached_steps = np.where(diverged, np.inf, reached_steps)
    shape = starts.shape[:-1]
    return BasinsResult(axes, starts, labels.reshape(shape), reached_steps.reshape(shape), optima, tolerance)
