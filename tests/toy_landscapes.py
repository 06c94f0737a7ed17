"""Small duck-typed landscapes the tests build their exact answers on."""

from __future__ import annotations

import numpy as np


class Bowl:
    """``l = ½ a θ²`` in one dimension: its gradient flow is ``θ₀ e^(−aτ)``, and noisy gradient descent on
    it is an AR(1) process with a known variance."""

    dim = 1
    bounds = ((-3.0, 3.0),)
    start = (1.0,)

    def __init__(self, a: float) -> None:
        self.a = a

    def __call__(self, x):
        return 0.5 * self.a * np.asarray(x)[..., 0] ** 2

    def grad(self, x):
        return self.a * np.asarray(x, dtype=float)

    def hessian(self, x):
        return np.full(np.asarray(x).shape + (1,), self.a)
