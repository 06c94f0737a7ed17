"""Adam relatives from optax: Yogi (additive second moment) and AdaBelief (variance of the surprise)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .common import betas_param, lr_param
from .spec import Hyper, HyperParam, OptimizerSpec, State, StepContext, bias_power

YOGI_RULE = r"""
\begin{aligned}
m_t &\leftarrow \beta_1 m_{t-1} + (1-\beta_1) g_t, \qquad m_0 = v_0 = 10^{-6} \\
v_t &\leftarrow v_{t-1} - (1-\beta_2)\operatorname{sign}(v_{t-1} - g_t^2)\, g_t^2 \\
\theta_t &\leftarrow \theta_{t-1} - \gamma\,
  \frac{m_t/(1-\beta_1^t)}{\sqrt{v_t/(1-\beta_2^t)} + \epsilon}
\end{aligned}
"""

ADABELIEF_RULE = r"""
\begin{aligned}
m_t &\leftarrow \beta_1 m_{t-1} + (1-\beta_1) g_t \\
s_t &\leftarrow \beta_2 s_{t-1} + (1-\beta_2)(g_t - m_t)^2 + \bar\epsilon \\
\theta_t &\leftarrow \theta_{t-1} - \gamma\,
  \frac{m_t/(1-\beta_1^t)}{\sqrt{s_t/(1-\beta_2^t)} + \epsilon}
\end{aligned}
"""

#: optax.scale_by_yogi's ``initial_accumulator_value``: both moments start here, not at zero.
YOGI_INITIAL_VALUE = 1e-6


def init_yogi(x: np.ndarray, hp: Hyper) -> State:
    """Both moments filled with ``1e-6`` (optax's ``initial_accumulator_value``)."""
    return {"exp_avg": np.full_like(x, YOGI_INITIAL_VALUE), "exp_avg_sq": np.full_like(x, YOGI_INITIAL_VALUE)}


def unbias(moment: np.ndarray, beta: Any, t: int) -> np.ndarray:
    """A new array ``moment / (1 − βᵗ)`` rounded as optax's jitted ``tree.bias_correction`` rounds it.

    XLA turns a division by a broadcast scalar into a multiplication by its reciprocal, so for a
    parameter vector of length ≥ 2 optax computes ``moment · (1/(1 − βᵗ))``; a length-1 vector
    (no broadcast) gets the true division. ``βᵗ`` is Python's ``**``, which XLA's pow matches.
    """
    correction = 1.0 - bias_power(beta, t)
    if moment.shape[1] == 1:
        return np.divide(moment, correction)
    if isinstance(correction, np.ndarray):
        return np.multiply(moment, np.divide(1.0, correction))
    return np.multiply(moment, 1.0 / correction if correction != 0.0 else np.inf)


def _bias_corrected_step(x: np.ndarray, m: np.ndarray, v: np.ndarray, hp: Hyper, lr: Any, t: int) -> None:
    """``θ ← θ − γ · (m/(1−β₁ᵗ)) / (sqrt(v/(1−β₂ᵗ)) + ε)`` in optax's order."""
    beta1, beta2 = hp.betas
    denom = unbias(v, beta2, t)
    np.sqrt(denom, out=denom)
    denom += hp.eps
    update = unbias(m, beta1, t)
    update /= denom
    update *= lr
    x -= update


def step_yogi(x: np.ndarray, g: np.ndarray, state: State, hp: Hyper, lr: Any, t: int,
              ctx: StepContext) -> None:
    """One step of optax.yogi (``scale_by_yogi`` → ``-lr``).

    ``v`` moves toward ``g²`` by the fixed amount ``(1 − β₂) g²`` (Adam moves by
    ``(1 − β₂)(g² − v)``), so a burst of large gradients cannot blow up the effective step as fast.
    """
    beta1, beta2 = hp.betas
    m, v = state["exp_avg"], state["exp_avg_sq"]
    m *= beta1
    m += (1.0 - beta1) * g
    g *= g
    direction = np.subtract(v, g)
    np.sign(direction, out=direction)
    direction *= 1.0 - beta2  # optax: ((1 − β₂)·sign(v − g²))·g²
    direction *= g
    v -= direction
    _bias_corrected_step(x, m, v, hp, lr, t)


def init_adabelief(x: np.ndarray, hp: Hyper) -> State:
    """First moment ``exp_avg`` and the second central moment ``exp_avg_var``, both zero."""
    return {"exp_avg": np.zeros_like(x), "exp_avg_var": np.zeros_like(x)}


def step_adabelief(x: np.ndarray, g: np.ndarray, state: State, hp: Hyper, lr: Any, t: int,
                   ctx: StepContext) -> None:
    """One step of optax.adabelief (``scale_by_belief`` → ``-lr``).

    The denominator tracks how far the gradient strays from its prediction ``m``: steady gradients
    give a small ``s`` and large steps, erratic ones small steps. ``ε̄`` is added to ``s`` itself
    (it stays in the state).
    """
    beta1, beta2 = hp.betas
    m, s = state["exp_avg"], state["exp_avg_var"]
    m *= beta1
    m += (1.0 - beta1) * g
    g -= m
    g *= g
    g *= 1.0 - beta2  # optax: (1 − β₂)·((g − m)²)
    s *= beta2
    s += g
    s += hp.eps_root
    _bias_corrected_step(x, m, s, hp, lr, t)


_EPS_TEXT = "Added to the denominator for numerical stability"

SPECS = (
    OptimizerSpec(
        name="yogi", title="Yogi", family="Adam",
        hyperparams=(
            lr_param(1e-2, high=10.0),
            betas_param((0.9, 0.999)),
            HyperParam("eps", 1e-3, _EPS_TEXT, low=1e-12, high=1.0, log=True, symbol=r"\epsilon"),
        ),
        init=init_yogi, step=step_yogi, update_rule=YOGI_RULE,
        explanation="Adam whose second moment changes additively by (1−β₂)g² toward g² instead of "
                    "multiplicatively, so it grows and forgets more cautiously. Both moments start at "
                    "1e-6, as in optax.",
        paper="Zaheer et al., Adaptive Methods for Nonconvex Optimization (NeurIPS 2018)",
        year=2018, reference="optax", state_names=("exp_avg", "exp_avg_sq"),
    ),
    OptimizerSpec(
        name="adabelief", title="AdaBelief", family="Adam",
        hyperparams=(
            lr_param(1e-3, high=10.0),
            betas_param((0.9, 0.999)),
            HyperParam("eps", 1e-16, _EPS_TEXT, low=1e-20, high=1.0, log=True, symbol=r"\epsilon"),
            HyperParam("eps_root", 1e-16, "Added to the second central moment (inside the root)",
                       low=1e-20, high=1.0, log=True, symbol=r"\bar\epsilon"),
        ),
        init=init_adabelief, step=step_adabelief, update_rule=ADABELIEF_RULE,
        explanation="Adam that divides by the spread of the gradient around its running mean (the "
                    "'belief') instead of its raw size: where gradients are consistent it takes "
                    "large steps even if they are small.",
        paper="Zhuang et al., AdaBelief Optimizer: Adapting Stepsizes by the Belief in Observed "
              "Gradients (NeurIPS 2020)",
        year=2020, reference="optax", state_names=("exp_avg", "exp_avg_var"),
    ),
)
