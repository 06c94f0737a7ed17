"""RMSprop, with optional momentum and the centered variant."""

from __future__ import annotations

from typing import Any

import numpy as np

from .common import (
    add_weight_decay,
    eps_param,
    flag_param,
    lerp_,
    lr_param,
    weight_decay_param,
)
from .spec import Hyper, HyperParam, OptimizerSpec, State, StepContext

RMSPROP_RULE = r"""
\begin{aligned}
g_t &\leftarrow \nabla f(\theta_{t-1}) + \lambda \theta_{t-1} \\
v_t &\leftarrow \alpha v_{t-1} + (1-\alpha) g_t^2 \\
\bar g_t &\leftarrow \alpha \bar g_{t-1} + (1-\alpha) g_t \\
\tilde v_t &\leftarrow \begin{cases} v_t - \bar g_t^2 & \text{centered} \\
  v_t & \text{otherwise} \end{cases} \\
b_t &\leftarrow \mu b_{t-1} + \frac{g_t}{\sqrt{\tilde v_t} + \epsilon}, \qquad b_0 = 0 \\
\theta_t &\leftarrow \begin{cases} \theta_{t-1} - \gamma b_t & \mu > 0 \\
  \theta_{t-1} - \gamma \dfrac{g_t}{\sqrt{\tilde v_t} + \epsilon} & \mu = 0 \end{cases}
\end{aligned}
"""


def init(x: np.ndarray, hp: Hyper) -> State:
    """``square_avg``; a zero ``momentum_buffer`` with momentum; ``grad_avg`` when centered."""
    state = {"square_avg": np.zeros_like(x)}
    momentum = hp.momentum
    if isinstance(momentum, np.ndarray) or momentum > 0:
        state["momentum_buffer"] = np.zeros_like(x)
    if hp.centered:
        state["grad_avg"] = np.zeros_like(x)
    return state


def step(x: np.ndarray, g: np.ndarray, state: State, hp: Hyper, lr: Any, t: int,
         ctx: StepContext) -> None:
    """One step of torch.optim.RMSprop (single-tensor path).

    ``v ← αv + (1−α)g²``; centered: ``ḡ ← lerp(ḡ, g, 1−α)`` and the denominator uses ``v − ḡ²``.
    With ``momentum > 0`` the buffer starts at **zero** (unlike SGD's, which starts at ``g``):
    ``b ← μb + g/(√v + ε)``, ``θ ← θ − γb``; otherwise ``θ ← θ − γ g/(√v + ε)``.
    """
    add_weight_decay(g, x, hp.weight_decay)
    alpha = hp.alpha
    square_avg = state["square_avg"]
    square_avg *= alpha
    square_avg += ((1.0 - alpha) * g) * g  # torch's addcmul_: (value·g)·g
    if hp.centered:
        grad_avg = state["grad_avg"]
        lerp_(grad_avg, g, 1.0 - alpha)
        avg = square_avg - grad_avg * grad_avg
        np.sqrt(avg, out=avg)
    else:
        avg = np.sqrt(square_avg)
    avg += hp.eps

    momentum = hp.momentum
    if isinstance(momentum, np.ndarray):
        # Per-particle momentum: rows with momentum > 0 take the buffer path, the others the plain
        # path, each exactly as a scalar run would (torch tests ``momentum > 0``).
        on = momentum > 0
        buf = state["momentum_buffer"]
        direct = g / avg
        np.copyto(buf, buf * momentum + direct, where=on)
        plain = g * -lr
        plain /= avg
        x += np.where(on, buf * -lr, plain)
    elif momentum > 0:
        buf = state["momentum_buffer"]
        buf *= momentum
        g /= avg
        buf += g
        x -= lr * buf
    else:
        g *= -lr  # torch's addcdiv_(g, avg, value=−γ): θ + ((−γ)·g)/avg
        g /= avg
        x += g


SPECS = (
    OptimizerSpec(
        name="rmsprop", title="RMSprop", family="Adaptive",
        hyperparams=(
            lr_param(1e-2),
            HyperParam("alpha", 0.99, "Smoothing constant α of the squared-gradient average",
                       low=0.0, high=0.9999, decay_rate=True, symbol=r"\alpha"),
            eps_param(1e-8),
            weight_decay_param(),
            HyperParam("momentum", 0.0, "Momentum factor μ on the normalised step (buffer starts at 0)",
                       low=0.0, high=0.999, decay_rate=True, symbol=r"\mu"),
            flag_param("centered", False,
                       "Divide by an estimate of the gradient's variance, v − ḡ², instead of v"),
        ),
        init=init, step=step, update_rule=RMSPROP_RULE,
        explanation="Like Adagrad, but the sum of squared gradients becomes an exponential moving "
                    "average, so old gradients are forgotten and the step size does not decay to "
                    "zero.",
        paper="Tieleman & Hinton, Lecture 6.5 — RMSprop: Divide the gradient by a running average "
              "of its recent magnitude (COURSERA: Neural Networks for Machine Learning, 2012); "
              "centered variant: Graves, Generating Sequences With Recurrent Neural Networks "
              "(arXiv 2013)",
        year=2012, reference="torch", state_names=("square_avg", "momentum_buffer", "grad_avg"),
    ),
)
