"""What theory predicts for first-order methods on a quadratic, and how to measure it on a run.

On ``f(θ) = ½ θᵀPθ + qᵀθ`` with eigenvalues ``λ_min ≤ λ_max`` (condition ``κ = λ_max / λ_min``), the
error ``e = θ − θ*`` of gradient descent, heavy-ball momentum and Nesterov evolves linearly and
separately along each eigenvector. Per eigenvalue ``λ``:

* gradient descent, ``e ← (1 − ηλ) e``: the error shrinks by ``|1 − ηλ|`` per step, so the run is
  stable for ``η < 2/λ_max`` and fastest at ``η = 2/(λ_min + λ_max)``, where both extreme modes
  shrink by ``(κ − 1)/(κ + 1)`` (Polyak 1987, §1.4);
* torch's momentum (``b ← μb + g``, ``θ ← θ − ηb``: the heavy ball) iterates
  ``(e, b) ← [[1 − ηλ, −ημ], [λ, μ]] (e, b)``; with ``η = 4/(√λ_max + √λ_min)²`` and
  ``μ = ((√κ − 1)/(√κ + 1))²`` every mode shrinks by ``(√κ − 1)/(√κ + 1)`` (Polyak 1964);
* torch's Nesterov (``θ ← θ − η(g + μb)``) iterates ``[[1 − ηλ(1 + μ), −ημ²], [λ, μ]]``; at
  ``η = 1/λ_max`` and ``μ = (√κ − 1)/(√κ + 1)`` the slowest mode shrinks by ``1 − 1/√κ``
  (Nesterov 1983; Lessard, Recht and Packard 2016 for the quadratic case).

The asymptotic rate is the largest spectral radius over the eigenvalues. Newton's method with
``lr = 1`` lands on ``θ*`` in one step. Pure NumPy: the page runs the real optimizers through
:func:`optimizers.run` and compares what they did with these numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Method:
    """One run the lesson makes: an optimizer at its settings, and the rate theory predicts for it."""

    label: str
    optimizer: str  # a registry name: "sgd", "momentum", "nesterov" or "newton"
    hyper: tuple[tuple[str, float], ...]
    rate: float  # predicted error shrink factor per step (≥ 1: the run does not converge)
    why: str  # where the settings come from, in words


def gd_rate(lr: float, eigenvalues: Sequence[float]) -> float:
    """Gradient descent's asymptotic rate: ``max |1 − lr·λ|`` over the eigenvalues."""
    return max(abs(1.0 - lr * lam) for lam in eigenvalues)


def momentum_rate(lr: float, momentum: float, eigenvalues: Sequence[float], *,
                  nesterov: bool = False) -> float:
    """torch SGD-with-momentum's asymptotic rate: the largest spectral radius of its per-mode matrix."""
    radii = []
    for lam in eigenvalues:
        if nesterov:
            matrix = [[1.0 - lr * lam * (1.0 + momentum), -lr * momentum ** 2], [lam, momentum]]
        else:
            matrix = [[1.0 - lr * lam, -lr * momentum], [lam, momentum]]
        radii.append(float(np.max(np.abs(np.linalg.eigvals(np.array(matrix))))))
    return max(radii)


def optimal_gd(low: float, high: float) -> tuple[float, float]:
    """``(lr, rate)``: gradient descent's best constant step ``2/(λ_min + λ_max)``, ``(κ − 1)/(κ + 1)``."""
    kappa = high / low
    return 2.0 / (low + high), (kappa - 1.0) / (kappa + 1.0)


def optimal_heavy_ball(low: float, high: float) -> tuple[float, float, float]:
    """``(lr, momentum, rate)`` of Polyak's heavy ball tuned for ``[λ_min, λ_max]``."""
    root = math.sqrt(high / low)
    rate = (root - 1.0) / (root + 1.0)
    return 4.0 / (math.sqrt(high) + math.sqrt(low)) ** 2, rate ** 2, rate


def standard_nesterov(low: float, high: float) -> tuple[float, float, float]:
    """``(lr, momentum, rate)``: Nesterov's step ``1/λ_max`` and momentum ``(√κ − 1)/(√κ + 1)``,
    whose slowest mode shrinks by ``1 − 1/√κ``."""
    root = math.sqrt(high / low)
    return 1.0 / high, (root - 1.0) / (root + 1.0), 1.0 - 1.0 / root


def methods(low: float, high: float, my_lr: float) -> list[Method]:
    """The runs of the lesson, each with its predicted rate, for eigenvalues ``low ≤ high``."""
    best_lr, best_rate = optimal_gd(low, high)
    hb_lr, hb_mu, _ = optimal_heavy_ball(low, high)
    nag_lr, nag_mu, _ = standard_nesterov(low, high)
    out = [
        Method("GD, lr = 1/λ_max", "sgd", (("lr", 1.0 / high),), gd_rate(1.0 / high, (low, high)),
               "the steep direction is solved in one step; the flat one creeps"),
        Method("GD, optimal lr", "sgd", (("lr", best_lr),), best_rate, "2/(λ_min + λ_max)"),
        Method("GD, lr = 1.9/λ_max", "sgd", (("lr", 1.9 / high),), gd_rate(1.9 / high, (low, high)),
               "just inside the stability edge 2/λ_max: the steep direction zig-zags"),
        Method("GD, lr = 2.1/λ_max", "sgd", (("lr", 2.1 / high),), gd_rate(2.1 / high, (low, high)),
               "just past the stability edge: the zig-zag grows"),
        Method("GD, your lr", "sgd", (("lr", my_lr),), gd_rate(my_lr, (low, high)),
               "the sidebar's learning rate"),
        Method("Heavy ball, optimal", "momentum", (("lr", hb_lr), ("momentum", hb_mu)),
               momentum_rate(hb_lr, hb_mu, (low, high)), "Polyak's lr and μ for this κ"),
        Method("Nesterov", "nesterov", (("lr", nag_lr), ("momentum", nag_mu)),
               momentum_rate(nag_lr, nag_mu, (low, high), nesterov=True),
               "lr 1/λ_max, μ = (√κ − 1)/(√κ + 1)"),
        Method("Newton", "newton", (("lr", 1.0),), 0.0, "lr 1: the exact minimum of the quadratic model"),
    ]
    return out


@dataclass(frozen=True)
class Measured:
    """The rate a run showed: ``exp`` of the least-squares slope of ``log ‖θ_t − θ*‖`` over its steps
    ``first … last`` (the part between the start's transient and the floor of float64)."""

    rate: float | None  # None: the run reached the minimum too fast to measure (Newton)
    first: int
    last: int


#: The window: from 1e-2 of the start's distance (past the first transient) down to 1e-12 of it
#: (float64 still has four digits there); a growing run is measured until it is 1e12 times further.
WINDOW = (1e-2, 1e-12)
MIN_POINTS = 5
#: A run that never leaves the window's upper end (slow, or short) is measured over all its steps,
#: if it has this many: fewer would measure the start's transient, not the rate.
MIN_WHOLE_RUN = 20


def measured_rate(distances: np.ndarray) -> Measured:
    """The per-step rate at which ``distances`` (to the minimum, one per step from step 0) change."""
    d = np.asarray(distances, dtype=np.float64)
    d0 = d[0]
    if not (math.isfinite(d0) and d0 > 0):
        return Measured(None, 0, 0)
    ratio = d / d0
    with np.errstate(invalid="ignore"):
        shrinking = (ratio <= WINDOW[0]) & (ratio >= WINDOW[1])
        growing = (ratio >= 1 / WINDOW[0]) & (ratio <= 1 / WINDOW[1])
    if np.count_nonzero(shrinking) < MIN_POINTS:
        shrinking = growing
    steps = np.flatnonzero(shrinking)
    if len(steps) < MIN_POINTS:  # the run got to the minimum in a step or two, or barely moved
        finite = np.flatnonzero(np.isfinite(ratio) & (ratio > WINDOW[1]))
        if len(finite) >= MIN_WHOLE_RUN and finite[-1] == len(d) - 1:  # steady but slow: the whole run
            steps = finite
        else:
            return Measured(None, 0, 0)
    slope = np.polyfit(steps.astype(np.float64), np.log(d[steps]), 1)[0]
    return Measured(float(math.exp(slope)), int(steps[0]), int(steps[-1]))


def distances(path: np.ndarray, optimum: Sequence[float], diverged_at: int | None = None) -> np.ndarray:
    """``‖θ_t − θ*‖`` for each row of ``path`` (one per step from step 0), up to a divergence: from
    the step that diverged on, the engine holds the point where it was, which says nothing."""
    d = np.linalg.norm(np.asarray(path, dtype=np.float64) - np.asarray(optimum, dtype=np.float64), axis=1)
    return d if diverged_at is None else d[:diverged_at]
