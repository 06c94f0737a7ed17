"""Descent in one dimension: the derivative as a local model, and gradient descent as Euler's method.

At a point ``x`` a smooth ``f`` is, to first order, its tangent ``f(x) + f'(x)(y − x)`` (the limit of
the secant slopes ``(f(x + h) − f(x))/h`` as ``h → 0``), and to second order the parabola
``f(x) + f'(x)(y − x) + ½ f''(x)(y − x)²``, whose vertex ``x − f'(x)/f''(x)`` is where Newton's method
steps. Gradient descent ``x ← x − η f'(x)`` minimizes the parabola of curvature ``1/η`` instead: it
trusts the slope and assumes a curvature of its own.

Gradient descent is also Euler's method with step ``η`` for the *gradient flow* ``dx/dτ = −f'(x)``,
so after ``t`` steps it should be near the flow at time ``τ = tη``. While ``η`` is small next to
``1/f''`` it is; past ``2/f''`` at the minimum the steps overshoot and no longer follow the flow
(a cycle, or divergence). :func:`gradient_flow` solves the flow finely (classical Runge–Kutta with
steps much shorter than the local time scale ``1/|f''|``) so the page can draw both.

Pure NumPy; the page runs the real optimizer (``sgd``) through :func:`optimizers.run`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from explore.basins import DIVERGED, NONE_REACHED, nearest_optimum
from optimizers import run

#: The notes' convergence criterion: within this distance of the minimizer.
WITHIN = 1e-3
#: A run whose last iterates repeat every two steps to this (relative) precision is a 2-cycle.
CYCLE_PRECISION = 1e-9
#: The flow's Runge–Kutta step is this fraction of the local time scale 1/|f''| (RK4's error per
#: step is about (this)⁵/120 of the local mode: 3e-9 at 0.05)...
FLOW_FRACTION = 0.05
#: ... and at most this fraction of the time asked for (where f'' ≈ 0, as at a flat inflection point).
FLOW_MAX_SHARE = 1 / 4000


def _scalar(function: Any, x: float) -> float:
    with np.errstate(all="ignore"):
        return float(np.asarray(function(np.array([[x]], dtype=np.float64))).reshape(-1)[0])


@dataclass(frozen=True)
class LocalModel:
    """What the derivatives say about ``f`` near ``x``: the tangent, a secant and the parabola."""

    x: float
    value: float  # f(x)
    slope: float  # f'(x), exact
    curvature: float  # f''(x), exact
    h: float  # the secant's width
    secant_slope: float  # (f(x + h) − f(x)) / h

    @property
    def secant_error(self) -> float:
        """How far the secant's slope is from the derivative (about ½ f''(x) h for small h)."""
        return self.secant_slope - self.slope

    @property
    def vertex(self) -> float | None:
        """Where the parabola is flat, ``x − f'/f''`` (Newton's step); None when ``f'' = 0``."""
        return None if self.curvature == 0 else self.x - self.slope / self.curvature

    def tangent(self, ys: np.ndarray) -> np.ndarray:
        return self.value + self.slope * (ys - self.x)

    def secant(self, ys: np.ndarray) -> np.ndarray:
        return self.value + self.secant_slope * (ys - self.x)

    def parabola(self, ys: np.ndarray, curvature: float | None = None) -> np.ndarray:
        """The quadratic model at ``x`` with ``f''`` (or another ``curvature``: ``1/η`` is GD's)."""
        c = self.curvature if curvature is None else curvature
        d = ys - self.x
        return self.value + self.slope * d + 0.5 * c * d * d

    def gradient_step(self, lr: float, *, maximize: bool = False) -> float:
        """Where one step of gradient descent (or ascent) from ``x`` lands."""
        return self.x + lr * self.slope if maximize else self.x - lr * self.slope


def local_model(landscape: Any, x: float, h: float) -> LocalModel:
    """The tangent, secant (width ``h``) and parabola of a 1-D ``landscape`` at ``x``."""
    if landscape.dim != 1:
        raise ValueError("local models are drawn for 1-D landscapes")
    if not h > 0:
        raise ValueError(f"the secant's width must be > 0, got {h!r}")
    value, ahead = _scalar(landscape, x), _scalar(landscape, x + h)
    return LocalModel(x=float(x), value=value, slope=_scalar(landscape.grad, x),
                      curvature=_scalar(landscape.hessian, x), h=float(h), secant_slope=(ahead - value) / h)


def gradient_flow(landscape: Any, x0: float, times: Sequence[float] | np.ndarray, *,
                  maximize: bool = False) -> np.ndarray:
    """The solution of ``dx/dτ = −f'(x)`` (``+f'`` when maximizing) from ``x0``, at ``times`` (≥ 0).

    Classical fourth-order Runge–Kutta; each step is :data:`FLOW_FRACTION` of the local time scale
    ``1/|f''(x)|`` and at most :data:`FLOW_MAX_SHARE` of the last time asked for. Once the flow stands
    still in floating point (a stationary point) it stays there. A flow that leaves every bound (on a
    function unbounded below) is NaN from then on.
    """
    times = np.asarray(times, dtype=np.float64)
    if times.size == 0:
        return times.copy()
    if np.any(times < 0) or not np.all(np.isfinite(times)):
        raise ValueError("flow times must be finite and ≥ 0")
    sign = 1.0 if maximize else -1.0
    end = float(times.max())
    largest = end * FLOW_MAX_SHARE if end > 0 else 1.0

    def velocity(x: float) -> float:
        return sign * _scalar(landscape.grad, x)

    tau, x = 0.0, float(x0)
    knots_t, knots_x = [0.0], [x]
    while tau < end:
        curvature = abs(_scalar(landscape.hessian, x))
        dt = min(largest, FLOW_FRACTION / curvature if curvature > 0 else largest, end - tau)
        k1 = velocity(x)
        k2 = velocity(x + 0.5 * dt * k1)
        k3 = velocity(x + 0.5 * dt * k2)
        k4 = velocity(x + dt * k3)
        new = x + dt / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
        tau += dt
        if not math.isfinite(new) or abs(new) > 1e10:
            knots_t.append(tau)
            knots_x.append(math.nan)
            break
        if new == x:  # stationary in floating point: the rest of the flow is this point
            knots_t.append(end)
            knots_x.append(x)
            break
        x = new
        knots_t.append(tau)
        knots_x.append(x)
    knots_t_arr, knots_x_arr = np.array(knots_t), np.array(knots_x)
    out = np.interp(times, knots_t_arr, knots_x_arr)
    if math.isnan(knots_x[-1]):
        out[times >= knots_t[-2]] = math.nan
    return out


@dataclass(frozen=True)
class Ending:
    """How a 1-D gradient-descent run ended, judged from its iterates."""

    kind: str  # "converged", "cycle", "diverged" or "moving" (none of those yet)
    within_step: int | None  # the first step within WITHIN of the optimum it was run for, and stays
    cycle: tuple[float, float] | None = None  # the two points of a 2-cycle


def ending(xs: np.ndarray, target: float | None, *, diverged: bool = False) -> Ending:
    """Classify the iterates ``xs`` of one run against ``target`` (the optimum, or None).

    ``within_step`` is the first step from which every later iterate stays within :data:`WITHIN` of
    ``target`` (the notes count "converged within 10⁻³" this way); a 2-cycle is two alternating
    points at least :data:`WITHIN` apart that repeat to :data:`CYCLE_PRECISION`.
    """
    xs = np.asarray(xs, dtype=np.float64)
    within = None
    if target is not None and not diverged:
        outside = np.flatnonzero(~(np.abs(xs - target) <= WITHIN))
        first = 0 if outside.size == 0 else int(outside[-1]) + 1
        within = first if first < len(xs) else None
    if diverged:
        return Ending("diverged", None)
    if within is not None:
        return Ending("converged", within)
    if len(xs) >= 4:
        a, b = xs[-1], xs[-2]
        scale = max(1.0, abs(a), abs(b))
        if (abs(a - xs[-3]) <= CYCLE_PRECISION * scale and abs(b - xs[-4]) <= CYCLE_PRECISION * scale
                and abs(a - b) >= WITHIN):
            low, high = sorted((float(a), float(b)))
            return Ending("cycle", None, (low, high))
    return Ending("moving", None)


@dataclass(frozen=True)
class ReachMap:
    """Which optimum gradient descent reaches from each start at each learning rate.

    ``labels[i, j]`` is for ``lrs[i]`` and ``starts[j]``: an index into ``optima``, or
    :data:`~explore.basins.NONE_REACHED` (not within :data:`WITHIN` of one after the last step) or
    :data:`~explore.basins.DIVERGED`.
    """

    starts: np.ndarray
    lrs: np.ndarray
    labels: np.ndarray
    optima: np.ndarray  # (k,) the landscape's optima for its task
    values: np.ndarray  # (k,) f at each optimum
    maximize: bool = False

    @property
    def best(self) -> int | None:
        """The index of the global optimum among ``optima`` (None without any)."""
        return None if self.optima.size == 0 else int(np.argmax(self.values) if self.maximize
                                                      else np.argmin(self.values))

    def share_reaching(self, label: int) -> np.ndarray:
        """Per learning rate, the fraction of starts with ``label``."""
        return np.mean(self.labels == label, axis=1)


def reach_map(landscape: Any, lrs: Sequence[float] | np.ndarray, steps: int, *, resolution: int = 201,
              maximize: bool | None = None) -> ReachMap:
    """Run gradient descent (ascent on a maximize landscape) from ``resolution`` starts across the
    window at every learning rate of ``lrs``, in one batched engine call, and label where each ends."""
    if landscape.dim != 1:
        raise ValueError("the reach map is drawn for 1-D landscapes")
    maximize = getattr(landscape, "goal", "minimize") == "maximize" if maximize is None else maximize
    lrs = np.asarray(lrs, dtype=np.float64)
    starts = np.linspace(*landscape.bounds[0], int(resolution))
    trajectory = run("sgd", landscape, np.tile(starts, len(lrs))[:, None], steps, maximize=maximize,
                     record="final", lr=np.repeat(lrs, len(starts)))
    optima = np.asarray(landscape.optima, dtype=np.float64).reshape(-1, 1)
    labels = np.full(trajectory.final_x.shape[0], NONE_REACHED, dtype=np.int64)
    if len(optima):
        nearest, close = nearest_optimum(trajectory.final_x, optima, WITHIN)
        labels = np.where(close, nearest, NONE_REACHED)
    labels = np.where(np.asarray(trajectory.diverged, dtype=bool), DIVERGED, labels)
    with np.errstate(all="ignore"):
        values = np.asarray(landscape(optima), dtype=np.float64) if len(optima) else np.zeros(0)
    return ReachMap(starts, lrs, labels.reshape(len(lrs), len(starts)), optima[:, 0], values, maximize)
