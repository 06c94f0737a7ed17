"""Activation functions of the course notes, each with its derivative (pure NumPy, elementwise).

Names and constants follow torch.nn: ``LeakyReLU(negative_slope=0.01)``, ``ELU(alpha=1)``, ``SELU``
(λ ≈ 1.0507, α ≈ 1.6733, Klambauer et al. 2017), ``GELU(approximate="tanh")`` (Hendrycks and Gimpel
2016; NumPy has no erf, so the exact form is not offered), ``SiLU``/Swish ``x·σ(βx)`` (Ramachandran
et al. 2017; β = 1 is SiLU), ``Tanh`` and ``Sigmoid``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

#: SELU's constants, as torch.nn.SELU states them.
SELU_LAMBDA = 1.0507009873554804934193349852946
SELU_ALPHA = 1.6732632423543772848170429916717
#: GELU's tanh approximation: 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))).
GELU_C = math.sqrt(2.0 / math.pi)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return 0.5 * (1.0 + np.tanh(0.5 * x))  # stable for any x


@dataclass(frozen=True)
class Activation:
    """An activation ``f`` with its derivative ``df`` (both elementwise, any shape)."""

    name: str
    title: str
    f: Callable[[np.ndarray], np.ndarray]
    df: Callable[[np.ndarray], np.ndarray]


def swish(beta: float = 1.0) -> Activation:
    """``x·σ(βx)``; its derivative is ``σ(βx) + βx·σ(βx)(1 − σ(βx))``."""

    def f(x: np.ndarray) -> np.ndarray:
        return x * _sigmoid(beta * x)

    def df(x: np.ndarray) -> np.ndarray:
        s = _sigmoid(beta * x)
        return s + beta * x * s * (1.0 - s)

    return Activation("swish", f"Swish (β = {beta:g})", f, df)


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + np.tanh(GELU_C * (x + 0.044715 * x ** 3)))


def _gelu_d(x: np.ndarray) -> np.ndarray:
    inner = GELU_C * (x + 0.044715 * x ** 3)
    t = np.tanh(inner)
    return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * GELU_C * (1.0 + 3 * 0.044715 * x * x)


def _elu(x: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def _elu_d(x: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))


ACTIVATIONS: dict[str, Activation] = {a.name: a for a in (
    Activation("relu", "ReLU", lambda x: np.maximum(x, 0.0), lambda x: (x > 0).astype(np.float64)),
    Activation("leaky_relu", "Leaky ReLU (0.01)", lambda x: np.where(x > 0, x, 0.01 * x),
               lambda x: np.where(x > 0, 1.0, 0.01)),
    Activation("elu", "ELU (α = 1)", _elu, _elu_d),
    Activation("selu", "SELU", lambda x: SELU_LAMBDA * _elu(x, SELU_ALPHA),
               lambda x: SELU_LAMBDA * _elu_d(x, SELU_ALPHA)),
    Activation("gelu", "GELU (tanh form)", _gelu, _gelu_d),
    Activation("tanh", "tanh", np.tanh, lambda x: 1.0 - np.tanh(x) ** 2),
    Activation("sigmoid", "sigmoid", _sigmoid, lambda x: _sigmoid(x) * (1.0 - _sigmoid(x))),
    Activation("linear", "none (linear)", lambda x: x, np.ones_like),
)}


def activation(name: str, swish_beta: float = 1.0) -> Activation:
    """The activation called ``name`` (``"swish"`` takes ``swish_beta``)."""
    if name == "swish":
        return swish(swish_beta)
    return ACTIVATIONS[name]


#: Every name :func:`activation` takes, in menu order.
ACTIVATION_NAMES = ("relu", "leaky_relu", "elu", "selu", "gelu", "swish", "tanh", "sigmoid", "linear")
