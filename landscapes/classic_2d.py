"""Classic two-dimensional test functions."""

from __future__ import annotations

import numpy as np

from .base import Landscape, coords, hessian_2d


class Rosenbrock(Landscape):
    """Rosenbrock's banana valley ``(a − x)² + b (y − x²)²`` with a = 1, b = 100."""

    name = "rosenbrock"
    title = "Rosenbrock"
    formula = r"f(x, y) = (1 - x)^2 + 100\,(y - x^2)^2"
    dim = 2
    bounds = ((-2.0, 2.0), (-1.0, 3.0))
    start = (-1.5, 2.0)
    minima = ((1.0, 1.0),)
    log_scale = True
    description = ("A curved, flat-bottomed valley: easy to reach, slow to follow to the minimum "
                   "at (1, 1). The standard test of momentum and adaptive methods.")
    a, b = 1.0, 100.0

    def __call__(self, x: np.ndarray) -> np.ndarray:
        px, py = coords(x)
        u = self.a - px
        r = py - px * px
        return u * u + self.b * (r * r)

    def value_and_grad(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = np.asarray(x, dtype=np.float64)
        px, py = x[..., 0], x[..., 1]
        u = self.a - px
        r = py - px * px
        br = self.b * r
        value = u * u
        value += br * r
        g = np.empty(x.shape)
        g[..., 0] = -2.0 * u - 4.0 * px * br
        g[..., 1] = 2.0 * br
        return value, g

    def grad(self, x: np.ndarray) -> np.ndarray:
        return self.value_and_grad(x)[1]

    def hessian(self, x: np.ndarray) -> np.ndarray:
        px, py = coords(x)
        return hessian_2d(
            2.0 - 4.0 * self.b * (py - 3.0 * px * px), -4.0 * self.b * px, np.full_like(px, 2.0 * self.b)
        )
