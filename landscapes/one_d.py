"""One-dimensional functions from the course notes: learning rates, inflection points, local maxima.

Points are ``x[..., 1]``; gradients are ``[..., 1]`` and Hessians ``[..., 1, 1]``. Every stationary
point listed is refined to full precision by Newton's method at import.
"""

from __future__ import annotations

import math

import numpy as np

from .base import Landscape, as_points, refine_stationary, silenced


class XPlusSin(Landscape):
    """``x + sin x``: increasing everywhere, with flat inflection points at the odd multiples of π."""

    name = "x_plus_sin"
    title = "x + sin x"
    formula = r"f(x) = x + \sin x"
    dim = 1
    bounds = ((-2.0 * math.pi, 2.0 * math.pi),)
    start = (2.5,)
    # f' = 1 + cos x ≥ 0 vanishes at odd multiples of π, where f'' = −sin x = 0 too: flat inflection
    # points, not optima. Only the two inside the window are listed.
    saddles = ((-math.pi,), (math.pi,))
    description = ("No minimum at all: the slope 1 + cos x never changes sign. Gradient descent from "
                   "2.5 slides left and creeps ever more slowly into the flat inflection point at −π, "
                   "where the gradient vanishes quadratically.")

    @silenced
    def __call__(self, x: np.ndarray) -> np.ndarray:
        v = as_points(x, 1)[..., 0]
        return v + np.sin(v)

    @silenced
    def value_and_grad(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = as_points(x, 1)
        v = x[..., 0]
        value = np.sin(v)
        value += v
        g = np.cos(x)
        g += 1.0
        return value, g

    @silenced
    def grad(self, x: np.ndarray) -> np.ndarray:
        g = np.cos(as_points(x, 1))
        g += 1.0
        return g

    @silenced
    def hessian(self, x: np.ndarray) -> np.ndarray:
        return -np.sin(as_points(x, 1))[..., None]


class X2PlusSin(Landscape):
    """``x² + sin x``: strictly convex (f'' = 2 − sin x ≥ 1), with its one minimum near −0.45."""

    name = "x2_plus_sin"
    title = "x² + sin x"
    formula = r"f(x) = x^2 + \sin x"
    dim = 1
    bounds = ((-3.0, 3.0),)
    start = (2.5,)
    description = ("One minimum, where 2x + cos x = 0. From x₀ = 2.5, learning rate 1 bounces forever "
                   "between −π/2 and π/2 (x ← −x − cos x), 0.1 converges, 0.01 crawls: the "
                   "learning-rate study of the course notes.")

    @silenced
    def __call__(self, x: np.ndarray) -> np.ndarray:
        v = as_points(x, 1)[..., 0]
        return v * v + np.sin(v)

    @silenced
    def value_and_grad(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = as_points(x, 1)
        v = x[..., 0]
        value = v * v
        value += np.sin(v)
        g = np.cos(x)
        g += 2.0 * x
        return value, g

    @silenced
    def grad(self, x: np.ndarray) -> np.ndarray:
        x = as_points(x, 1)
        g = np.cos(x)
        g += 2.0 * x
        return g

    @silenced
    def hessian(self, x: np.ndarray) -> np.ndarray:
        h = np.sin(as_points(x, 1))
        np.subtract(2.0, h, out=h)
        return h[..., None]


X2PlusSin.minima = (refine_stationary(X2PlusSin(), (-0.4502,)),)


class SinMinusSquare(Landscape):
    """``25 sin x − x²``: a hill with a lower local peak on its left, for gradient *ascent*."""

    name = "sin_minus_square"
    title = "25 sin x − x²"
    formula = r"f(x) = 25\sin x - x^2"
    dim = 1
    bounds = ((-6.5, 4.0),)
    start = (-2.0,)  # the course notes' start: just left of the valley, so ascent climbs the left peak
    goal = "maximize"
    description = ("Two peaks: gradient ascent from x₀ = −2 climbs the lower one at x ≈ −4.36 "
                   "(f ≈ 4.45) and never sees the global maximum at x ≈ 1.45 (f ≈ 22.7) across the "
                   "valley at x ≈ −1.71.")

    @silenced
    def __call__(self, x: np.ndarray) -> np.ndarray:
        v = as_points(x, 1)[..., 0]
        return 25.0 * np.sin(v) - v * v

    @silenced
    def value_and_grad(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = as_points(x, 1)
        v = x[..., 0]
        value = 25.0 * np.sin(v)
        value -= v * v
        g = 25.0 * np.cos(x)
        g -= 2.0 * x
        return value, g

    @silenced
    def grad(self, x: np.ndarray) -> np.ndarray:
        x = as_points(x, 1)
        g = 25.0 * np.cos(x)
        g -= 2.0 * x
        return g

    @silenced
    def hessian(self, x: np.ndarray) -> np.ndarray:
        h = -25.0 * np.sin(as_points(x, 1))
        h -= 2.0
        return h[..., None]


_sms = SinMinusSquare()
# Stationary points of 25 sin x − x² in the window, where 25 cos x = 2x: local max, min, global max.
SinMinusSquare.maxima = (refine_stationary(_sms, (-4.3564,)), refine_stationary(_sms, (1.4542,)))
SinMinusSquare.minima = (refine_stationary(_sms, (-1.7079,)),)
del _sms
