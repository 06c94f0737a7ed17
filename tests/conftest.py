"""Shared fixtures and helpers for the engine tests: small custom landscapes and hypothesis settings."""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, settings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from optimizers import OPTIMIZERS  # noqa: E402

# The machine is shared: few examples by default, more with HYPOTHESIS_PROFILE=thorough.
# Shrinking is off by default (a failing optimizer would cost a minute each); the "thorough"
# profile shrinks failures to minimal examples.
settings.register_profile(
    "default", max_examples=15, deadline=None, derandomize=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "thorough", max_examples=200, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


class Bowl:
    """``f(x) = ½ Σ aᵢ xᵢ²``: only ``dim``, ``__call__`` and ``grad`` (no value_and_grad, no hessian)."""

    def __init__(self, scales: tuple[float, ...] = (1.0, 10.0)):
        self.scales = np.asarray(scales, dtype=np.float64)
        self.dim = len(scales)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        return 0.5 * np.sum(self.scales * x * x, axis=-1)

    def grad(self, x: np.ndarray) -> np.ndarray:
        return self.scales * np.asarray(x, dtype=np.float64)


class BowlWithHessian(Bowl):
    """:class:`Bowl` with an exact Hessian, for optimizers that need one."""

    def hessian(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        return np.broadcast_to(np.diag(self.scales), x.shape[:-1] + (self.dim, self.dim)).copy()


class Negated:
    """``-inner``: minimizing it is maximizing ``inner`` (value, gradient and Hessian negated)."""

    def __init__(self, inner):
        self.inner = inner
        self.dim = inner.dim
        if hasattr(inner, "hessian"):
            self.hessian = lambda x: -np.asarray(inner.hessian(x))
        if hasattr(inner, "value_and_grad"):  # mirror the inner evaluation exactly

            def value_and_grad(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
                f, g = inner.value_and_grad(x)
                return -np.asarray(f), -np.asarray(g)

            self.value_and_grad = value_and_grad

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return -np.asarray(self.inner(x))

    def grad(self, x: np.ndarray) -> np.ndarray:
        return -np.asarray(self.inner.grad(x))


ALL_OPTIMIZERS = list(OPTIMIZERS)
GRADIENT_OPTIMIZERS = [n for n, s in OPTIMIZERS.items() if not s.needs_hessian]


@pytest.fixture
def bowl() -> Bowl:
    return Bowl()
