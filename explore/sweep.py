"""Hyperparameter sweeps: a whole grid of settings in one batched :func:`optimizers.run` call.

>>> from explore import sweep
>>> from landscapes import get_landscape
>>> grid = sweep("adam", get_landscape("rosenbrock"), 300, lr=np.geomspace(1e-3, 1, 64),
...              betas=[(b1, 0.999) for b1 in np.linspace(0.5, 0.99, 64)])
>>> grid.values.shape, grid.diverged.sum(), grid.to_frame().head()

Every hyperparameter given as a sequence of its values is an axis (one or two axes); every other
keyword is held fixed (a hyperparameter's single value, or an option of :func:`optimizers.run` such
as ``noise`` or ``clip_norm``). Each grid cell is one particle of the same run, from the same start,
so without noise a cell is exactly the run its settings would give on their own; with noise, cell
``k`` (the cells in row-major order) draws the noise stream ``seed + k``, as particle ``k`` of any
batch does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from optimizers import OPTIMIZERS, run
from optimizers.spec import OptimizerSpec

#: What a sweep measures per cell. ``final_gap``: f − f* after the last step (f* − f when
#: maximizing); ``mean_loss``: f averaged over every step, start included; ``steps_to_tol``: the first
#: step with a gap ≤ ``tolerance`` (inf if never); ``final_distance``: the final point's distance to
#: the nearest known optimum.
METRICS = ("final_gap", "mean_loss", "steps_to_tol", "final_distance")


@dataclass(frozen=True)
class SweepResult:
    """A sweep's grid: its axes, the metric per cell and which cells diverged.

    ``values`` and ``diverged`` are shaped like the grid (``len(axes[0].values)``, …). A diverged
    cell's value is NaN (``steps_to_tol``: inf): its last finite loss would say nothing.
    """

    optimizer: str
    metric: str
    axes: tuple[tuple[str, np.ndarray], ...]
    values: np.ndarray
    diverged: np.ndarray
    fixed: dict[str, Any] = field(default_factory=dict)

    def settings(self, *index: int) -> dict[str, Any]:
        """The hyperparameters of the cell at ``index`` (one index per axis), fixed ones included."""
        if len(index) != len(self.axes):
            raise IndexError(f"give one index per axis ({len(self.axes)}), got {len(index)}")
        cell = {name: _plain(values[i]) for (name, values), i in zip(self.axes, index, strict=True)}
        return dict(self.fixed) | cell

    def to_frame(self) -> pd.DataFrame:
        """One row per cell: each axis's value, the metric and whether the cell diverged."""
        grids = np.meshgrid(*[np.arange(len(values)) for _, values in self.axes], indexing="ij")
        rows = {name: [_plain(values[i]) for i in grid.ravel()]
                for (name, values), grid in zip(self.axes, grids, strict=True)}
        return pd.DataFrame(rows | {self.metric: self.values.ravel(), "diverged": self.diverged.ravel()})


def sweep(optimizer: str | OptimizerSpec, landscape: Any, steps: int, *, x0: Any = None,
          metric: str = "final_gap", tolerance: float = 1e-6, maximize: bool | None = None,
          **axes_and_fixed: Any) -> SweepResult:
    """Run ``optimizer`` at every combination of the given axes, all cells in one batched call.

    Args:
        optimizer: a registry name or spec.
        landscape: any landscape :func:`optimizers.run` takes.
        steps: optimizer steps per cell.
        x0: the common start (default: the landscape's).
        metric: one of :data:`METRICS`.
        tolerance: the gap that counts as reached, for ``steps_to_tol``.
        maximize: climb instead of descend; default: the landscape's own goal.
        **axes_and_fixed: a hyperparameter as a sequence of its values is an axis (a pair-valued one,
            such as Adam's ``betas``, as a sequence of pairs); one value holds it fixed. Other
            keywords go to :func:`optimizers.run` unchanged (``noise``, ``seed``, ``clip_norm``, …).

    Raises:
        ValueError: no axis or more than two, an unknown metric, or a metric the landscape cannot
            give (a gap without a known optimum value, a distance without known optima).
    """
    spec = OPTIMIZERS[optimizer] if isinstance(optimizer, str) else optimizer
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}, got {metric!r}")
    kinds = {p.name: p.kind for p in spec.hyperparams}
    axes, fixed = [], {}
    for name, value in axes_and_fixed.items():
        if name in kinds and _is_axis(value, kinds[name]):
            if kinds[name] == "choice":
                raise ValueError(f"{name} is a choice: every cell of one run shares it; sweep it by "
                                 "calling sweep once per choice")
            axes.append((name, np.asarray(value)))
        else:
            fixed[name] = value
    if not 1 <= len(axes) <= 2:
        raise ValueError(f"give one or two hyperparameters as sequences (the axes); got {len(axes)}: "
                         f"{', '.join(name for name, _ in axes) or 'none'}")
    maximize = getattr(landscape, "goal", "minimize") == "maximize" if maximize is None else maximize
    best = _best_value(landscape) if metric in ("final_gap", "steps_to_tol") else None
    if metric in ("final_gap", "steps_to_tol") and best is None:
        raise ValueError(f"{metric} needs the landscape's best value f*, which is not known here; "
                         "use mean_loss")
    optima = np.asarray(getattr(landscape, "optima", ()) or (), dtype=np.float64)
    if metric == "final_distance" and optima.size == 0:
        raise ValueError("final_distance needs the landscape's optima, which are not known here")

    shape = tuple(len(values) for _, values in axes)
    cells = int(np.prod(shape))
    index = np.meshgrid(*[np.arange(n) for n in shape], indexing="ij")
    per_particle = {name: values[i.ravel()] for (name, values), i in zip(axes, index, strict=True)}
    start = np.asarray(landscape.start if x0 is None else x0, dtype=np.float64).reshape(1, -1)
    record = "loss" if metric in ("mean_loss", "steps_to_tol") else "final"
    trajectory = run(spec, landscape, np.repeat(start, cells, axis=0), steps, maximize=maximize,
                     record=record, **fixed, **per_particle)

    diverged = np.asarray(trajectory.diverged, dtype=bool)
    with np.errstate(all="ignore"):
        if metric == "final_gap":
            final = np.asarray(trajectory.final_loss, dtype=np.float64)
            values = (best - final) if maximize else (final - best)
        elif metric == "mean_loss":
            values = np.asarray(trajectory.loss, dtype=np.float64).mean(axis=0)
        elif metric == "steps_to_tol":
            loss = np.asarray(trajectory.loss, dtype=np.float64)
            gaps = (best - loss) if maximize else (loss - best)
            reached = gaps <= tolerance
            first = np.argmax(reached, axis=0)
            values = np.where(reached.any(axis=0), np.asarray(trajectory.loss_steps)[first], np.inf)
        else:
            final_x = np.asarray(trajectory.final_x, dtype=np.float64)
            values = np.min(np.linalg.norm(final_x[:, None, :] - optima[None, :, :], axis=-1), axis=1)
    values = np.where(diverged, np.inf if metric == "steps_to_tol" else np.nan, values.astype(np.float64))
    return SweepResult(spec.name, metric, tuple(axes), values.reshape(shape), diverged.reshape(shape), fixed)


def _is_axis(value: Any, kind: str) -> bool:
    """A sequence of values of a hyperparameter of ``kind`` (a pair's axis is a sequence of pairs)."""
    if isinstance(value, str):
        return False
    depth = np.ndim(value) if not isinstance(value, (list, tuple)) or len(value) else 1
    return depth == (2 if kind in ("pair", "int_pair") else 1)


def _best_value(landscape: Any) -> float | None:
    value = getattr(landscape, "optimum_value", None)
    value = value() if callable(value) else value
    return None if value is None or not np.isfinite(value) else float(value)


def _plain(value: Any) -> Any:
    """A cell's value as a plain Python number, bool, string or tuple."""
    if isinstance(value, np.ndarray):
        return tuple(_plain(v) for v in value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    return value


__all__: Sequence[str] = ("METRICS", "SweepResult", "sweep")
