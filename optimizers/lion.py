"""Lion (EvoLved Sign Momentum): the sign of an interpolated momentum, as defined by optax.lion."""

from __future__ import annotations

from typing import Any

import numpy as np

from .common import betas_param, is_zero, lr_param
from .spec import Hyper, HyperParam, OptimizerSpec, State, StepContext

LION_RULE = r"""
\begin{aligned}
c_t &\leftarrow \beta_1 m_{t-1} + (1-\beta_1) g_t \\
u_t &\leftarrow \operatorname{sign}(c_t) + \lambda\theta_{t-1} \\
m_t &\leftarrow \beta_2 m_{t-1} + (1-\beta_2) g_t \\
\theta_t &\leftarrow \theta_{t-1} - \gamma u_t
\end{aligned}
"""


def init(x: np.ndarray, hp: Hyper) -> State:
    """The momentum ``exp_avg`` (optax's ``mu``), starting at zero."""
    return {"exp_avg": np.zeros_like(x)}


def step(x: np.ndarray, g: np.ndarray, state: State, hp: Hyper, lr: Any, t: int,
         ctx: StepContext) -> None:
    """One step of optax.lion (``scale_by_lion`` → ``add_decayed_weights`` → ``-lr``).

    ``u = sign((1 − β₁) g + β₁ m) + λ θ``, then ``m ← (1 − β₂) g + β₂ m`` and ``θ ← θ − γ u``.
    The decay is decoupled (added after the sign) and so scaled by the learning rate only.
    """
    beta1, beta2 = hp.betas
    m = state["exp_avg"]
    u = np.multiply(g, 1.0 - beta1)
    u += beta1 * m
    np.sign(u, out=u)
    m *= beta2
    g *= 1.0 - beta2
    m += g
    if not is_zero(hp.weight_decay):
        u += hp.weight_decay * x
    u *= lr
    x -= u


SPECS = (
    OptimizerSpec(
        name="lion", title="Lion", family="Sign-based",
        hyperparams=(
            lr_param(1e-4, high=1.0),
            betas_param((0.9, 0.99), "β₁ mixes the step direction, β₂ is the momentum's decay"),
            HyperParam("weight_decay", 1e-3, "Decoupled decay: λθ is added to the sign step, then ×lr",
                       low=0.0, high=1.0, symbol=r"\lambda"),
        ),
        init=init, step=step, update_rule=LION_RULE,
        explanation="Every coordinate moves by exactly ±lr: only the sign of a blend of momentum and "
                    "gradient is used, so the step size ignores the gradient's magnitude. Found by "
                    "program search; optax.lion.",
        paper="Chen et al., Symbolic Discovery of Optimization Algorithms (NeurIPS 2023)",
        year=2023, reference="optax", state_names=("exp_avg",),
    ),
)
