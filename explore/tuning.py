"""Fair comparisons: tune every optimizer by the same vectorized grid search, then race them.

A picture of optimizers at one hand-picked learning rate each says more about who picked than about
the optimizers. :func:`tune` searches the learning rate on a log grid over the optimizer's own range,
and its second most important hyperparameter where it has one (momentum, β₁, …), all cells in one
batched run per seed; :func:`race` tunes each optimizer with the same budget and objective and runs
the winners from one start.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from optimizers import OPTIMIZERS, Trajectory, run
from optimizers.spec import OptimizerSpec

from .sweep import METRICS, SweepResult, sweep

#: The second hyperparameter tuned, by name, in order of preference; a pair (betas) is tuned in its
#: first entry with the second at its default.
SECOND = ("momentum", "betas", "alpha", "rho", "beta", "mu")


@dataclass(frozen=True)
class TuneResult:
    """The best setting found, its score (lower is better) and the whole grid of scores."""

    optimizer: str
    settings: dict[str, Any]
    score: float
    grid: SweepResult  # scores averaged over the seeds; diverged: in any seed


def _in_use(default: Any) -> bool:
    first = default[0] if isinstance(default, (tuple, list)) else default
    return bool(first)


def search_space(spec: OptimizerSpec, budget: int, fixed: Sequence[str] = ()) -> dict[str, Any]:
    """The axes :func:`tune` searches: ``lr`` on a log grid over its range and, where the optimizer uses
    one (a non-zero default) that is not in ``fixed``, a second hyperparameter on a grid over its
    range (``budget`` cells in all, at least 4)."""
    params = {p.name: p for p in spec.hyperparams}
    if "lr" not in params or "lr" in fixed:
        raise ValueError(f"{spec.name} has no learning rate to tune" if "lr" not in params else
                         "the learning rate is what tune searches: do not fix it")
    # The second hyperparameter must be one the optimizer uses by default: plain SGD's momentum is 0
    # (tuning it would turn SGD into another optimizer, the registry's "momentum").
    second = next((params[name] for name in SECOND if name in params and name not in fixed
                   and params[name].low is not None and params[name].high is not None
                   and _in_use(params[name].default)), None)
    budget = max(4, int(budget))
    lr = params["lr"]
    if second is None:
        return {"lr": np.geomspace(max(lr.low, 1e-8), lr.high, budget)}
    n_lr = max(2, int(round(np.sqrt(budget))))
    n_second = max(2, budget // n_lr)
    low, high = float(second.low), float(second.high)
    if second.kind == "pair":  # betas: the first entry, the second at its default
        firsts = np.linspace(low, min(high, 0.999), n_second)
        values: Any = [(float(b), float(second.default[1])) for b in firsts]
    else:
        values = np.linspace(low, min(high, 0.999) if high <= 1 else high, n_second)
    return {"lr": np.geomspace(max(lr.low, 1e-8), lr.high, n_lr), second.name: values}


def tune(optimizer: str | OptimizerSpec, landscape: Any, steps: int, *, x0: Any = None,
         objective: str = "final_gap", budget: int = 64, noise: float = 0.0, seeds: int = 1,
         tolerance: float = 1e-6, maximize: bool | None = None, **fixed: Any) -> TuneResult:
    """The best of ``budget`` settings by ``objective`` (one of :data:`explore.METRICS`; lower is
    better, a diverged cell is worst), averaged over ``seeds`` noise seeds. Same arguments, same answer."""
    spec = OPTIMIZERS[optimizer] if isinstance(optimizer, str) else optimizer
    if objective not in METRICS:
        raise ValueError(f"objective must be one of {', '.join(METRICS)}, got {objective!r}")
    seeds = max(1, int(seeds)) if noise > 0 else 1
    space = search_space(spec, budget, tuple(fixed))
    grids = []
    for s in range(seeds):
        options = {"noise": noise, "seed": s * 1_000_003} if noise > 0 else {}
        grids.append(sweep(spec, landscape, steps, x0=x0, metric=objective, tolerance=tolerance,
                           maximize=maximize, **space, **fixed, **options))
    with np.errstate(all="ignore"):
        scores = np.mean([g.values for g in grids], axis=0)
    diverged = np.any([g.diverged for g in grids], axis=0)
    scores = np.where(diverged | ~np.isfinite(scores), np.inf, scores)
    grid = SweepResult(spec.name, objective, grids[0].axes, scores, diverged, dict(fixed))
    best = np.unravel_index(int(np.argmin(scores)), scores.shape)  # the first of equals: the smallest lr
    return TuneResult(spec.name, grid.settings(*best), float(scores[best]), grid)


@dataclass(frozen=True)
class Entry:
    """One racer: its tuned settings and score, and its runs from the common start (one per seed)."""

    tuned: TuneResult
    trajectory: Trajectory


def race(optimizers: Sequence[str | OptimizerSpec], landscape: Any, steps: int, *, x0: Any = None,
         objective: str = "final_gap", budget: int = 64, noise: float = 0.0, seeds: int = 1,
         tolerance: float = 1e-6, maximize: bool | None = None) -> list[Entry]:
    """Tune each optimizer under the same budget and objective, then run each, tuned, from one start
    (``seeds`` particles with noise, particle k drawing the stream k; else one), path and loss
    recorded."""
    start = np.asarray(landscape.start if x0 is None else x0, dtype=np.float64).reshape(1, -1)
    particles = max(1, int(seeds)) if noise > 0 else 1
    maximize = getattr(landscape, "goal", "minimize") == "maximize" if maximize is None else maximize
    entries = []
    for optimizer in optimizers:
        tuned = tune(optimizer, landscape, steps, x0=start[0], objective=objective, budget=budget,
                     noise=noise, seeds=seeds, tolerance=tolerance, maximize=maximize)
        options = {"noise": noise, "seed": 0} if noise > 0 else {}
        trajectory = run(optimizer, landscape, np.repeat(start, particles, axis=0), steps,
                         maximize=maximize, **tuned.settings, **options)
        entries.append(Entry(tuned, trajectory))
    return entries
