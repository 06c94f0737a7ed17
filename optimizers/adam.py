"""Adam, its AMSGrad variant, and AdamW (decoupled weight decay, also Adam's ``decoupled_weight_decay``)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .common import (
    betas_param,
    decay_weights,
    decoupled_weight_decay_param,
    eps_param,
    flag_param,
    lerp_,
    lr_param,
    weight_decay_param,
)
from .spec import Hyper, HyperParam, OptimizerSpec, State, StepContext, bias_power

ADAM_RULE = r"""
\begin{aligned}
g_t &\leftarrow \nabla f(\theta_{t-1}) + \lambda\theta_{t-1}
  \quad\text{or, decoupled, } \theta_{t-1} \leftarrow \theta_{t-1}(1-\gamma\lambda) \\
m_t &\leftarrow \beta_1 m_{t-1} + (1-\beta_1) g_t \\
v_t &\leftarrow \beta_2 v_{t-1} + (1-\beta_2) g_t^2 \\
\hat v_t &\leftarrow \max(\hat v_{t-1}, v_t)\ \text{(AMSGrad) else } v_t \\
\theta_t &\leftarrow \theta_{t-1} - \frac{\gamma}{1-\beta_1^t}\,
  \frac{m_t}{\sqrt{\hat v_t}/\sqrt{1-\beta_2^t} + \epsilon}
\end{aligned}
"""

ADAMW_RULE = r"""
\begin{aligned}
\theta &\leftarrow \theta_{t-1}(1 - \gamma\lambda) \\
m_t &\leftarrow \beta_1 m_{t-1} + (1-\beta_1) g_t, \quad v_t \leftarrow \beta_2 v_{t-1} + (1-\beta_2) g_t^2 \\
\theta_t &\leftarrow \theta - \frac{\gamma}{1-\beta_1^t}\,
  \frac{m_t}{\sqrt{\hat v_t}/\sqrt{1-\beta_2^t} + \epsilon}
\end{aligned}
"""


def init(x: np.ndarray, hp: Hyper) -> State:
    """First moment ``exp_avg``, second moment ``exp_avg_sq`` and, for AMSGrad, its running max."""
    state = {"exp_avg": np.zeros_like(x), "exp_avg_sq": np.zeros_like(x)}
    if hp.amsgrad:
        state["max_exp_avg_sq"] = np.zeros_like(x)
    return state


def _sqrt(value: Any) -> Any:
    return np.sqrt(value) if isinstance(value, np.ndarray) else math.sqrt(value)


def adam_update(x: np.ndarray, g: np.ndarray, state: State, hp: Hyper, lr: Any, t: int) -> None:
    """The moment updates and the bias-corrected step shared by Adam and AdamW (torch order)."""
    beta1, beta2 = hp.betas
    m, v = state["exp_avg"], state["exp_avg_sq"]
    # Same operations and order as torch; only the buffers are reused (g is ours to overwrite).
    g_sq = (1.0 - beta2) * g  # torch's addcmul_ rounds (value·g)·g, in that order
    g_sq *= g
    lerp_(m, g, 1.0 - beta1)
    v *= beta2
    v += g_sq
    bias_correction1 = 1.0 - bias_power(beta1, t)
    bias_correction2_sqrt = _sqrt(1.0 - bias_power(beta2, t))
    step_size = np.divide(lr, bias_correction1)  # β₁ = 1 gives inf (a divergence), not an exception
    if hp.amsgrad:
        np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
        v = state["max_exp_avg_sq"]
    denom = np.sqrt(v, out=g_sq)  # g_sq is spent: reuse its memory
    denom /= bias_correction2_sqrt
    denom += hp.eps
    # torch's addcdiv_(m, denom, value=-step_size) rounds as x + ((-step_size)·m)/denom.
    update = np.multiply(m, -step_size, out=g)  # g is spent too
    update /= denom
    x += update


def step(x: np.ndarray, g: np.ndarray, state: State, hp: Hyper, lr: Any, t: int,
         ctx: StepContext) -> None:
    """One step of torch.optim.Adam (single-tensor path), AMSGrad when ``amsgrad``.

    Weight decay first: ``g ← g + λθ`` (L2), or with ``decoupled_weight_decay`` ``θ ← θ(1 − γλ)``,
    which makes this step exactly torch.optim.AdamW's (torch's AdamW is Adam with that flag set; only
    its default λ differs: 0 here as in torch.optim.Adam, 0.01 for AdamW). Then
    ``m ← lerp(m, g, 1−β₁)``, ``v ← β₂v + (1−β₂)g²``, ``v̂ ← max(v̂, v)`` with AMSGrad, and
    ``θ ← θ − γ/(1−β₁ᵗ) · m/(√v̂/√(1−β₂ᵗ) + ε)``.
    """
    decay_weights(x, g, hp, lr)
    adam_update(x, g, state, hp, lr, t)


def step_adamw(x: np.ndarray, g: np.ndarray, state: State, hp: Hyper, lr: Any, t: int,
               ctx: StepContext) -> None:
    """One step of torch.optim.AdamW: decay the weights by ``1 − lr·λ``, then Adam's step."""
    x *= 1.0 - lr * hp.weight_decay
    adam_update(x, g, state, hp, lr, t)


def _params(lr: float, weight_decay: float, amsgrad: bool, decay_text: str,
            decoupled_flag: bool = True) -> tuple[HyperParam, ...]:
    """torch.optim.Adam's hyperparameters in its order (AdamW's constructor has no decoupled flag)."""
    params = (
        lr_param(lr),
        betas_param((0.9, 0.999)),
        eps_param(1e-8),
        weight_decay_param(weight_decay, decay_text),
        flag_param("amsgrad", amsgrad, "Use the running maximum of v (AMSGrad)"),
    )
    if decoupled_flag:
        params += (decoupled_weight_decay_param(
            "Decay the weights directly, θ ← θ(1 − γλ), instead of adding λθ to g: "
            "Adam with this set is AdamW (λ keeps Adam's default 0)"),)
    return params


_KINGMA = "Kingma & Ba, Adam: A Method for Stochastic Optimization (ICLR 2015)"
_REDDI = "Reddi, Kale & Kumar, On the Convergence of Adam and Beyond (ICLR 2018)"
_LOSHCHILOV = "Loshchilov & Hutter, Decoupled Weight Decay Regularization (ICLR 2019)"
_L2 = "Weight decay λ: an L2 penalty added to the gradient, or decoupled (decoupled_weight_decay)"

SPECS = (
    OptimizerSpec(
        name="adam", title="Adam", family="Adam", hyperparams=_params(1e-3, 0.0, False, _L2),
        init=init, step=step, update_rule=ADAM_RULE,
        explanation="Momentum (first moment) divided by the root of an average of squared "
                    "gradients (second moment), both bias-corrected: each coordinate gets its own "
                    "step size of roughly lr.",
        paper=_KINGMA, year=2015, state_names=("exp_avg", "exp_avg_sq"),
    ),
    OptimizerSpec(
        name="amsgrad", title="AMSGrad", family="Adam", hyperparams=_params(1e-3, 0.0, True, _L2),
        init=init, step=step, update_rule=ADAM_RULE,
        explanation="Adam that divides by the largest second moment seen so far, so effective step "
                    "sizes never grow. torch.optim.Adam with amsgrad=True.",
        paper=_REDDI, year=2018, state_names=("exp_avg", "exp_avg_sq", "max_exp_avg_sq"),
    ),
    OptimizerSpec(
        name="adamw", title="AdamW", family="Adam",
        hyperparams=_params(1e-3, 1e-2, False, "Decoupled decay: θ ← θ(1 − lr·λ) before the step",
                            decoupled_flag=False),
        init=init, step=step_adamw, update_rule=ADAMW_RULE,
        explanation="Adam with weight decay applied to the weights directly (scaled by lr) instead "
                    "of through the gradient, so decay is not divided by the second moment.",
        paper=_LOSHCHILOV, year=2019, state_names=("exp_avg", "exp_avg_sq"),
    ),
)
