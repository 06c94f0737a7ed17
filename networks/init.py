"""Weight initialization rules: each gives the variance of a layer's weights from its fan-in and
fan-out (torch.nn.init's names where it has them).

* zeros;
* normal with variance c/n_in (the notes' experiment varies c);
* Xavier/Glorot (Glorot and Bengio 2010): variance 2/(n_in + n_out), normal or uniform;
* Kaiming/He (He et al. 2015): 2/n_in, for ReLU;
* LeCun (LeCun et al. 1998): 1/n_in, for SELU and tanh.
"""

from __future__ import annotations

import math

import numpy as np

#: Each rule's name and title, in menu order.
INITS = {
    "zeros": "zeros",
    "normal": "normal, variance c/n_in",
    "xavier_normal": "Xavier/Glorot normal",
    "xavier_uniform": "Xavier/Glorot uniform",
    "kaiming": "Kaiming/He normal",
    "lecun": "LeCun normal",
}


def weight_variance(rule: str, fan_in: int, fan_out: int, c: float = 2.0) -> float:
    """The variance a rule gives each weight of a ``fan_out × fan_in`` layer."""
    if rule == "zeros":
        return 0.0
    if rule == "normal":
        return c / fan_in
    if rule in ("xavier_normal", "xavier_uniform"):
        return 2.0 / (fan_in + fan_out)
    if rule == "kaiming":
        return 2.0 / fan_in
    if rule == "lecun":
        return 1.0 / fan_in
    raise KeyError(f"unknown initialization {rule!r}; valid: {', '.join(INITS)}")


def init_weights(rule: str, fan_in: int, fan_out: int, rng: np.random.Generator, c: float = 2.0,
                 shape: tuple[int, ...] = ()) -> np.ndarray:
    """Weights ``shape + (fan_out, fan_in)`` drawn by ``rule`` (uniform for ``xavier_uniform``)."""
    variance = weight_variance(rule, fan_in, fan_out, c)
    full = shape + (fan_out, fan_in)
    if variance == 0.0:
        return np.zeros(full)
    if rule == "xavier_uniform":
        bound = math.sqrt(3.0 * variance)  # U(−a, a) has variance a²/3
        return rng.uniform(-bound, bound, size=full)
    return rng.normal(0.0, math.sqrt(variance), size=full)
