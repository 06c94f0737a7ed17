"""Adagrad: per-coordinate step sizes from the running sum of squared gradients."""

from __future__ import annotations

from typing import Any

import numpy as np

from .common import add_weight_decay, eps_param, lr_param, weight_decay_param
from .spec import Hyper, HyperParam, OptimizerSpec, State, StepContext

ADAGRAD_RULE = r"""
\begin{aligned}
g_t &\leftarrow \nabla f(\theta_{t-1}) + \lambda \theta_{t-1} \\
\tilde\gamma_t &\leftarrow \frac{\gamma}{1 + (t-1)\eta} \\
s_t &\leftarrow s_{t-1} + g_t^2, \qquad s_0 = s_{\text{init}} \\
\theta_t &\leftarrow \theta_{t-1} - \tilde\gamma_t \, \frac{g_t}{\sqrt{s_t} + \epsilon}
\end{aligned}
"""


def init(x: np.ndarray, hp: Hyper) -> State:
    """The accumulator ``sum``, filled with ``initial_accumulator_value`` (as in torch)."""
    total = np.empty_like(x)
    total[...] = hp.initial_accumulator_value
    return {"sum": total}


def step(x: np.ndarray, g: np.ndarray, state: State, hp: Hyper, lr: Any, t: int,
         ctx: StepContext) -> None:
    """One step of torch.optim.Adagrad (single-tensor path).

    ``s ← s + g²``, ``θ ← θ − γ̃ g / (√s + ε)`` with the decayed rate ``γ̃ = γ / (1 + (t−1)·lr_decay)``.
    torch's ``addcdiv_(g, std, value=−γ̃)`` rounds as ``θ + ((−γ̃)·g)/std``; that order is kept.
    """
    add_weight_decay(g, x, hp.weight_decay)
    # np.float64 keeps a zero denominator (negative lr_decay) from raising: it gives inf like torch.
    clr = lr / (np.float64(1.0) + (t - 1) * hp.lr_decay)
    total = state["sum"]
    total += g * g
    std = np.sqrt(total)
    std += hp.eps
    g *= -clr
    g /= std
    x += g


SPECS = (
    OptimizerSpec(
        name="adagrad", title="Adagrad", family="Adaptive",
        hyperparams=(
            lr_param(1e-2),
            HyperParam("lr_decay", 0.0, "Learning-rate decay η: the rate at step t is γ / (1 + (t−1)η)",
                       low=0.0, high=1.0, symbol=r"\eta"),
            weight_decay_param(),
            HyperParam("initial_accumulator_value", 0.0,
                       "Starting value of the sum of squared gradients",
                       low=0.0, high=1.0, symbol=r"s_{\text{init}}"),
            eps_param(1e-10),
        ),
        init=init, step=step, update_rule=ADAGRAD_RULE,
        explanation="Each coordinate divides its step by the root of all its squared gradients so "
                    "far: steep directions get small steps, flat ones large steps. The sum only "
                    "grows, so steps shrink over time and training can stall.",
        paper="Duchi, Hazan & Singer, Adaptive Subgradient Methods for Online Learning and "
              "Stochastic Optimization (JMLR 2011)",
        year=2011, reference="torch", state_names=("sum",),
    ),
)
