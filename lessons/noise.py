"""Noise and gradient-free methods: many particles of noisy gradient descent against the Langevin
density, noise pushing particles off a saddle, and the spread of zeroth-order and forward-gradient
estimates.

**The Langevin picture.** Gradient descent with gradient noise, ``θ ← θ − η(∇l(θ) + sξ)`` with
``ξ ~ N(0, I)``, is the Euler–Maruyama scheme, with time step ``η``, of
``dθ = −∇l(θ) dτ + σ dW`` where ``σ² = η s²`` (a step adds noise of variance ``η² s² = σ²·η``). The
stationary density of that equation is ``p(θ) ∝ exp(−2 l(θ)/σ²) = exp(−2 l(θ)/(η s²))``: a Gibbs
density at temperature ``η s²/2``. (The course notes write ``exp(−l/σ²)``, without the 2: a density
twice as wide in variance.) The picture holds for small ``η``: on ``l = ½ a θ²`` the iteration's own
stationary variance is ``η s²/(a(2 − ηa))``, the Langevin ``η s²/(2a)`` times ``1/(1 − ηa/2)``.

**Estimates without backpropagation.** One step at ``lr = 1`` from a point moves by minus the
gradient estimate, so a batch of particles at that point, each with its own noise stream, yields a
cloud of independent estimates (run by the engine's ``zo_sgd`` and ``forward_gradient``). The forward
gradient ``(∇f·v)v`` with ``v ~ N(0, I)`` is unbiased with covariance ``‖g‖²I + ggᵀ``, so the mean of
``k`` of them misses ``g`` by about ``‖g‖√((d + 1)/k)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from optimizers import run


def temperature(lr: float, noise: float) -> float:
    """``η s²/2``: the Langevin density is ``∝ exp(−l/T)`` at this ``T``."""
    return lr * noise * noise / 2.0


def langevin_density(values: np.ndarray, lr: float, noise: float, *, factor: float = 2.0) -> np.ndarray:
    """``exp(−factor·(l − min l)/(η s²))`` over a grid of ``l`` values, unnormalized (``factor=1``
    is the notes' formula)."""
    values = np.asarray(values, dtype=np.float64)
    with np.errstate(all="ignore"):
        density = np.exp(-factor * (values - np.nanmin(values)) / (lr * noise * noise))
    return np.where(np.isfinite(density), density, 0.0)


def discrete_quadratic_variance(curvature: float, lr: float, noise: float) -> float:
    """The stationary variance of ``θ ← θ − η(aθ + sξ)``: ``η s²/(a(2 − ηa))`` (inf when unstable)."""
    a = curvature
    return lr * noise * noise / (a * (2.0 - lr * a)) if 0 < lr * a < 2 else math.inf


def spread_starts(landscape: Any, particles: int) -> np.ndarray:
    """``particles`` starts spread evenly over the landscape's window (a grid in 2-D)."""
    bounds = np.asarray(landscape.bounds, dtype=np.float64)
    if landscape.dim == 1:
        return np.linspace(bounds[0, 0], bounds[0, 1], particles)[:, None]
    side = max(2, int(math.ceil(math.sqrt(particles))))
    xs, ys = (np.linspace(lo, hi, side) for lo, hi in bounds)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    return grid[:particles]


def langevin_cloud(landscape: Any, lr: float, noise: float, steps: int, particles: int,
                   seed: int = 0) -> np.ndarray:
    """Where ``particles`` runs of noisy gradient descent, started across the window, are after
    ``steps`` steps: ``(particles, dim)`` (diverged runs are NaN)."""
    trajectory = run("sgd", landscape, spread_starts(landscape, particles), steps, lr=lr, noise=noise,
                     seed=seed, record="final")
    final = np.array(trajectory.final_x, dtype=np.float64)
    final[np.asarray(trajectory.diverged, dtype=bool)] = np.nan
    return final


@dataclass(frozen=True)
class Escape:
    """Particles from a saddle's ridge: each one's distance from the saddle at every step."""

    distance: np.ndarray  # (steps + 1, particles)
    noiseless: np.ndarray  # (steps + 1,)
    radius: float

    def still_near(self) -> np.ndarray:
        """The fraction of the noisy particles within ``radius`` of the saddle, per step."""
        return np.mean(self.distance <= self.radius, axis=1)

    def steps_near(self) -> np.ndarray:
        """Per noisy particle, how many steps it spent within ``radius`` of the saddle."""
        return np.sum(self.distance <= self.radius, axis=0)

    def noiseless_arrival(self) -> int | None:
        """The step at which the noiseless run comes within ``radius`` (None if it never does)."""
        near = np.flatnonzero(self.noiseless <= self.radius)
        return int(near[0]) if near.size else None


def saddle_escape(landscape: Any, start: tuple[float, ...], lr: float, noise: float, steps: int,
                  particles: int, radius: float = 0.5, seed: int = 0) -> Escape:
    """Noisy and noiseless gradient descent from ``start`` on the landscape's first saddle."""
    saddle = np.asarray(landscape.saddles[0], dtype=np.float64)
    starts = np.tile(np.asarray(start, dtype=np.float64), (particles, 1))
    noisy = run("sgd", landscape, starts, steps, lr=lr, noise=noise, seed=seed)
    plain = run("sgd", landscape, np.asarray(start, dtype=np.float64), steps, lr=lr)
    distance = np.linalg.norm(noisy.path - saddle, axis=-1)
    return Escape(distance, np.linalg.norm(plain.path[:, 0] - saddle, axis=-1), radius)


@dataclass(frozen=True)
class Estimates:
    """Independent gradient estimates at one point, and the true gradient there."""

    point: np.ndarray
    gradient: np.ndarray
    samples: np.ndarray  # (n, dim)

    def running_error(self) -> np.ndarray:
        """‖mean of the first k estimates − g‖ for k = 1 … n."""
        means = np.cumsum(self.samples, axis=0) / np.arange(1, len(self.samples) + 1)[:, None]
        return np.linalg.norm(means - self.gradient, axis=1)


def estimates(method: str, landscape: Any, point: tuple[float, ...], samples: int, seed: int = 0,
              **hyper: Any) -> Estimates:
    """``samples`` estimates of the gradient at ``point`` by ``method`` (``zo_sgd`` or
    ``forward_gradient``): one engine step at lr 1 per particle, each with its own noise stream."""
    x0 = np.tile(np.asarray(point, dtype=np.float64), (samples, 1))
    moved = run(method, landscape, x0, 1, lr=1.0, seed=seed, record="final", **hyper).final_x
    g = np.asarray(landscape.grad(np.asarray(point, dtype=np.float64)[None]), dtype=np.float64)[0]
    return Estimates(np.asarray(point, dtype=np.float64), g, x0 - np.asarray(moved, dtype=np.float64))
