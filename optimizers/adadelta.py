"""Adadelta: RMSprop whose numerator is a running RMS of past updates, so units match."""

from __future__ import annotations

from typing import Any

import numpy as np

from .common import add_weight_decay, eps_param, lr_param, weight_decay_param
from .spec import Hyper, HyperParam, OptimizerSpec, State, StepContext

ADADELTA_RULE = r"""
\begin{aligned}
g_t &\leftarrow \nabla f(\theta_{t-1}) + \lambda \theta_{t-1} \\
v_t &\leftarrow \rho v_{t-1} + (1-\rho) g_t^2 \\
\Delta_t &\leftarrow \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\, g_t \\
u_t &\leftarrow \rho u_{t-1} + (1-\rho) \Delta_t^2 \\
\theta_t &\leftarrow \theta_{t-1} - \gamma \Delta_t
\end{aligned}
"""


def init(x: np.ndarray, hp: Hyper) -> State:
    """Running averages of squared gradients (``square_avg``) and squared updates (``acc_delta``)."""
    return {"square_avg": np.zeros_like(x), "acc_delta": np.zeros_like(x)}


def step(x: np.ndarray, g: np.ndarray, state: State, hp: Hyper, lr: Any, t: int,
         ctx: StepContext) -> None:
    """One step of torch.optim.Adadelta (single-tensor path).

    ``v ← ρv + (1−ρ)g²``, ``Δ ← √(u + ε)/√(v + ε) · g``, ``u ← ρu + (1−ρ)Δ²``, ``θ ← θ − γΔ``.
    ε sits inside both square roots; it is what lets the very first step be non-zero (``u₀ = 0``).
    """
    add_weight_decay(g, x, hp.weight_decay)
    rho, eps = hp.rho, hp.eps
    square_avg, acc_delta = state["square_avg"], state["acc_delta"]
    square_avg *= rho
    square_avg += ((1.0 - rho) * g) * g  # torch's addcmul_: (value·g)·g
    std = square_avg + eps
    np.sqrt(std, out=std)
    delta = acc_delta + eps
    np.sqrt(delta, out=delta)
    delta /= std
    delta *= g
    acc_delta *= rho
    acc_delta += ((1.0 - rho) * delta) * delta
    delta *= lr
    x -= delta


SPECS = (
    OptimizerSpec(
        name="adadelta", title="Adadelta", family="Adaptive",
        hyperparams=(
            lr_param(1.0),
            HyperParam("rho", 0.9, "Decay rate ρ of both running averages",
                       low=0.0, high=0.9999, decay_rate=True, symbol=r"\rho"),
            eps_param(1e-6, "Added inside both square roots; sets the size of the first steps"),
            weight_decay_param(),
        ),
        init=init, step=step, update_rule=ADADELTA_RULE,
        explanation="RMSprop's step, rescaled by the root-mean-square of recent updates instead of "
                    "a learning rate, so the step has the units of θ. It starts with tiny steps of "
                    "about √ε and speeds up as updates accumulate.",
        paper="Zeiler, ADADELTA: An Adaptive Learning Rate Method (arXiv 2012)",
        year=2012, reference="torch", state_names=("square_avg", "acc_delta"),
    ),
)
