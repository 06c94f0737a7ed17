"""Moving averages and momentum: the exponential moving average, its bias correction, and the three
ways SGD's momentum buffer is written.

The exponential moving average of a signal ``θ₁, θ₂, …`` from ``V₀ = 0`` is
``V_t = βV_{t−1} + (1 − β)θ_t = (1 − β) Σ_k β^{t−k} θ_k``: day ``k`` carries the weight
``(1 − β)β^{t−k}``. Those weights add up to ``1 − β^t``, not 1, so the early averages are too small;
dividing by ``1 − β^t`` (the bias correction of Adam, Kingma and Ba 2015) makes them a weighted mean.

SGD's momentum buffer is such an average of the gradients, in one of three forms:

* the course notes' EMA form ``b ← βb + (1 − β)g`` from ``b = 0`` (``momentum_form="ema"``);
* torch's ``b ← μb + g`` with ``b₁ = g₁``: ``1/(1 − μ)`` times the EMA, so on a constant slope ``g``
  its step tends to ``lr·g/(1 − μ)`` (10× at μ = 0.9);
* torch with ``dampening = μ``: ``b ← μb + (1 − μ)g`` after a first step ``b₁ = g₁`` that skips the
  dampening, so it is the EMA plus ``μ^t g₁``.

Every number here comes from the engine's own SGD step (:func:`optimizers.replay` and
:func:`optimizers.run`), not from a second implementation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from optimizers import Trajectory, replay, run

#: The three momentum conventions: a label and SGD's hyperparameters for momentum ``β``.
CONVENTIONS = (
    ("notes' EMA form: b ← βb + (1 − β)g", {"momentum_form": "ema"}),
    ("torch: b ← βb + g", {}),
    ("torch, dampening β: b ← βb + (1 − β)g, b₁ = g₁", {"dampening": None}),
)


def ema(signal: Sequence[float], beta: float) -> np.ndarray:
    """``V_1 … V_T`` from ``V₀ = 0``: the EMA-form momentum buffer of SGD fed the signal as gradients."""
    return replay("sgd", signal, lr=1.0, momentum=beta, momentum_form="ema").state["momentum_buffer"][:, 0]


def bias_corrected(raw: np.ndarray, beta: float) -> np.ndarray:
    """``V_t / (1 − β^t)`` for ``t = 1 … T``."""
    t = np.arange(1, len(raw) + 1)
    return raw / (1.0 - beta ** t)


def day_weights(days: int, beta: float, *, corrected: bool = False) -> np.ndarray:
    """The weight of each day ``k = 1 … T`` in the last average: ``(1 − β)β^{T−k}``, over ``1 − β^T``
    when bias-corrected (then they add up to 1)."""
    k = np.arange(1, days + 1)
    weights = (1.0 - beta) * beta ** (days - k)
    return weights / (1.0 - beta ** days) if corrected else weights


def conventions(gradients: Sequence[float], beta: float) -> dict[str, np.ndarray]:
    """Each convention's momentum buffer after each step, fed the same gradients."""
    out = {}
    for label, options in CONVENTIONS:
        options = {k: beta if v is None else v for k, v in options.items()}
        buffers = replay("sgd", gradients, lr=1.0, momentum=beta, **options).state["momentum_buffer"]
        out[label] = buffers[:, 0]
    return out


class Slope:
    """``f(x) = g·x``: a constant gradient, to watch momentum reach its terminal velocity."""

    dim = 1
    bounds = ((-1e6, 1e6),)

    def __init__(self, gradient: float) -> None:
        self.gradient = float(gradient)
        self.start = (0.0,)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.gradient * np.asarray(x)[..., 0]

    def grad(self, x: np.ndarray) -> np.ndarray:
        return np.full(np.shape(x), self.gradient)


@dataclass(frozen=True)
class Terminal:
    """One convention on a constant slope: the size of each step and the size it tends to."""

    label: str
    steps: np.ndarray  # (T,) |x_t − x_{t−1}|
    limit: float


def terminal_velocity(beta: float, lr: float, steps: int, gradient: float = 1.0) -> list[Terminal]:
    """Each convention run by the engine down ``f = g·x``; torch's step tends to ``lr·g/(1 − β)``, the
    EMA form's and the dampened one's to ``lr·g``."""
    out = []
    for label, options in CONVENTIONS:
        options = {k: beta if v is None else v for k, v in options.items()}
        path = run("sgd", Slope(gradient), [0.0], steps, lr=lr, momentum=beta, divergence_bound=1e300,
                   **options).path[:, 0, 0]
        amplified = options == {}
        limit = lr * abs(gradient) / (1.0 - beta) if amplified else lr * abs(gradient)
        out.append(Terminal(label, np.abs(np.diff(path)), limit))
    return out


def averaged(trajectory: Trajectory) -> Trajectory:
    """The run's averaged iterates (``run(average=...)``) as a trajectory of their own, to draw."""
    if trajectory.averaged_path is None:
        raise ValueError("the run kept no average: pass average='ema' or 'swa' to run()")
    return replace(trajectory, path=trajectory.averaged_path, averaged_path=None, state={})
