"""Shared hyperparameter definitions and exact torch-style tensor helpers for the step functions."""

from __future__ import annotations

from typing import Any

import numpy as np

from .spec import HyperParam


def lr_param(default: float, low: float = 1e-5, high: float = 10.0) -> HyperParam:
    """The learning rate, always on a log scale."""
    return HyperParam("lr", default, "Learning rate (step size)", low=low, high=high, log=True,
                      symbol=r"\gamma")


def eps_param(default: float, text: str = "Added to the denominator for numerical stability") -> HyperParam:
    """A small stabilising constant."""
    return HyperParam("eps", default, text, low=1e-12, high=1.0, log=True, symbol=r"\epsilon")


def weight_decay_param(default: float = 0.0, text: str = "L2 penalty added to the gradient") -> HyperParam:
    """Weight decay coefficient."""
    return HyperParam("weight_decay", default, text, low=0.0, high=1.0, symbol=r"\lambda")


def betas_param(default: tuple[float, float], text: str = "Decay rates of the first and second moments",
                low: float = 0.0, high: float = 0.9999) -> HyperParam:
    """The pair (β₁, β₂)."""
    return HyperParam("betas", default, text, low=low, high=high, kind="pair",
                      labels=("β₁", "β₂"), symbol=r"\beta", decay_rate=True)


def flag_param(name: str, default: bool, text: str) -> HyperParam:
    """An on/off switch."""
    return HyperParam(name, default, text, kind="bool")


def lerp_(start: np.ndarray, end: np.ndarray, weight: Any) -> None:
    """``start ← lerp(start, end, weight)`` exactly as torch's ``lerp_``.

    torch uses ``start + w (end − start)`` for ``w < 0.5`` and ``end − (end − start)(1 − w)``
    otherwise; the two round differently, so the branch matters to the last digit.
    """
    diff = end - start
    if isinstance(weight, np.ndarray):
        low = start + weight * diff
        high = end - diff * (1.0 - weight)
        np.copyto(start, np.where(weight < 0.5, low, high))
    elif weight < 0.5:
        diff *= weight
        start += diff
    else:
        diff *= 1.0 - weight
        np.subtract(end, diff, out=start)


def add_weight_decay(g: np.ndarray, x: np.ndarray, weight_decay: Any) -> np.ndarray:
    """``g + weight_decay · x`` (torch's coupled L2 decay), skipped when the decay is a zero scalar."""
    if isinstance(weight_decay, np.ndarray) or weight_decay != 0:
        g += weight_decay * x
    return g


def decay_weights(x: np.ndarray, g: np.ndarray, hp: Any, lr: Any) -> None:
    """torch's two kinds of weight decay, chosen by ``hp.decoupled_weight_decay``.

    Decoupled (AdamW-style): ``θ ← θ(1 − γλ)`` before the step; coupled (L2): ``g ← g + λθ``.
    Skipped for a zero scalar ``λ``, as torch skips it (``if weight_decay != 0``).
    """
    weight_decay = hp.weight_decay
    if is_zero(weight_decay):
        return
    if hp.decoupled_weight_decay:
        x *= 1.0 - lr * weight_decay
    else:
        add_weight_decay(g, x, weight_decay)


def decoupled_weight_decay_param(text: str = "Decay the weights directly, θ ← θ(1 − γλ), instead of "
                                             "adding λθ to g (AdamW-style)") -> HyperParam:
    """torch's ``decoupled_weight_decay`` switch (Adam, NAdam, RAdam)."""
    return flag_param("decoupled_weight_decay", False, text)


def is_zero(value: Any) -> bool:
    """True for a scalar zero (a per-particle array is never treated as zero)."""
    return not isinstance(value, np.ndarray) and value == 0
