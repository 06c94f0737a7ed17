"""What the variance argument predicts for the depth experiment."""

from __future__ import annotations

from .init import weight_variance

#: E[f(z)²]/E[z²] for a centred Gaussian z, for the activations where it does not depend on z's scale
#: (positively homogeneous ones): ReLU keeps half, Leaky ReLU (1 + 0.01²)/2, the identity all of it.
KEPT_SECOND_MOMENT = {"relu": 0.5, "leaky_relu": 0.5 * (1.0 + 0.01 ** 2), "linear": 1.0}


def predicted_factor(activation: str, rule: str, width: int, c: float = 2.0) -> float | None:
    """The factor by which each layer multiplies the mean squared activation (and, backward, the mean
    squared gradient): ``n·Var(w)`` times the share of ``E[z²]`` the activation keeps. None where that
    share depends on the scale (tanh, sigmoid, ELU, …)."""
    kept = KEPT_SECOND_MOMENT.get(activation)
    if kept is None:
        return None
    return width * weight_variance(rule, width, width, c) * kept
