"""What the Sweep page runs, from its settings (plain values; no Streamlit): its axes and metric."""

from __future__ import annotations

from typing import Any

import numpy as np

from explore import SweepResult, sweep
from explore.tuning import SECOND
from optimizers import OPTIMIZERS

from .pages import SweepPage


def second_axis(optimizer: str) -> Any:
    """The hyperparameter the second axis sweeps (momentum, betas, …), or None."""
    params = {p.name: p for p in OPTIMIZERS[optimizer].hyperparams}
    return next((params[name] for name in SECOND if name in params and params[name].low is not None
                 and params[name].high is not None), None)


def grid_axes(settings: SweepPage) -> dict[str, Any]:
    """The axes of the grid: ``lr`` (log-spaced over the chosen range) and maybe the second one
    (evenly spaced over its range, up to 0.99 for a momentum-like one; a pair in its first entry)."""
    n = settings.resolution
    low, high = sorted(settings.lr_range)
    axes: dict[str, Any] = {"lr": np.geomspace(low, high if high > low else low * 10, n)}
    second = second_axis(settings.optimizer) if settings.second else None
    if second is not None:
        top = min(float(second.high), 0.99) if float(second.high) <= 1 else float(second.high)
        values = np.linspace(float(second.low), top, n)
        axes[second.name] = ([(float(v), float(second.default[1])) for v in values] if second.kind == "pair"
                             else values)
    return axes


def usable_metric(metric: str, landscape: Any) -> tuple[str, str | None]:
    """The metric a landscape can give (the mean loss when it lacks what ``metric`` needs), and what it
    lacks (None when nothing)."""
    if metric in ("final_gap", "steps_to_tol") and landscape.optimum_value() is None:
        return "mean_loss", f"{landscape.title} has no {landscape.optima_word} best value f*"
    if metric == "final_distance" and not landscape.optima:
        return "mean_loss", f"{landscape.title} has no {landscape.optima_word} optima"
    return metric, None


def page_sweep(settings: SweepPage, metric: str) -> SweepResult:
    """The grid the page shows for ``settings``."""
    run = settings.run
    return sweep(settings.optimizer, run.build_landscape(), run.steps, x0=run.start_point(), metric=metric,
                 **grid_axes(settings), **run.engine_options())
