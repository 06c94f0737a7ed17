"""Adam's relatives in torch.optim: Adamax (infinity norm), NAdam (Nesterov) and RAdam (rectified)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .common import (
    add_weight_decay,
    betas_param,
    decay_weights,
    decoupled_weight_decay_param,
    eps_param,
    lerp_,
    lr_param,
    weight_decay_param,
)
from .spec import Hyper, HyperParam, OptimizerSpec, State, StepContext, bias_power

ADAMAX_RULE = r"""
\begin{aligned}
g_t &\leftarrow \nabla f(\theta_{t-1}) + \lambda\theta_{t-1} \\
m_t &\leftarrow \beta_1 m_{t-1} + (1-\beta_1) g_t \\
u_t &\leftarrow \max\bigl(\beta_2 u_{t-1},\ |g_t| + \epsilon\bigr) \\
\theta_t &\leftarrow \theta_{t-1} - \frac{\gamma}{1-\beta_1^t}\,\frac{m_t}{u_t}
\end{aligned}
"""

NADAM_RULE = r"""
\begin{aligned}
g_t &\leftarrow \nabla f(\theta_{t-1}) + \lambda\theta_{t-1}
  \quad\text{or, decoupled, } \theta_{t-1} \leftarrow \theta_{t-1}(1-\gamma\lambda) \\
\mu_t &\leftarrow \beta_1\bigl(1 - \tfrac12\, 0.96^{t\psi}\bigr), \quad
  \Pi_t \leftarrow \Pi_{t-1}\,\mu_t, \quad \Pi_0 = 1 \\
m_t &\leftarrow \beta_1 m_{t-1} + (1-\beta_1) g_t, \quad
  v_t \leftarrow \beta_2 v_{t-1} + (1-\beta_2) g_t^2 \\
\theta_t &\leftarrow \theta_{t-1}
  - \gamma\,\frac{1-\mu_t}{1-\Pi_t}\,\frac{g_t}{\sqrt{v_t/(1-\beta_2^t)} + \epsilon}
  - \gamma\,\frac{\mu_{t+1}}{1-\Pi_t\mu_{t+1}}\,\frac{m_t}{\sqrt{v_t/(1-\beta_2^t)} + \epsilon}
\end{aligned}
"""

RADAM_RULE = r"""
\begin{aligned}
g_t &\leftarrow \nabla f(\theta_{t-1}) + \lambda\theta_{t-1}
  \quad\text{or, decoupled, } \theta_{t-1} \leftarrow \theta_{t-1}(1-\gamma\lambda) \\
m_t &\leftarrow \beta_1 m_{t-1} + (1-\beta_1) g_t, \quad
  v_t \leftarrow \beta_2 v_{t-1} + (1-\beta_2) g_t^2, \quad \hat m_t = \frac{m_t}{1-\beta_1^t} \\
\rho_\infty &= \frac{2}{1-\beta_2} - 1, \quad
  \rho_t = \rho_\infty - \frac{2t\beta_2^t}{1-\beta_2^t} \\
r_t &= \sqrt{\frac{(\rho_t-4)(\rho_t-2)\rho_\infty}{(\rho_\infty-4)(\rho_\infty-2)\rho_t}} \\
\theta_t &\leftarrow \begin{cases}
  \theta_{t-1} - \gamma\,\hat m_t\, \dfrac{\sqrt{1-\beta_2^t}}{\sqrt{v_t} + \epsilon}\, r_t & \rho_t > 5 \\
  \theta_{t-1} - \gamma\,\hat m_t & \text{otherwise}
\end{cases}
\end{aligned}
"""


def _python_float(fn: Callable[..., float], *args: Any) -> Any:
    """``fn`` evaluated in Python floats, as torch evaluates its scalar factors.

    Per-particle ``(n, 1)`` arguments are mapped through ``fn`` on their distinct rows, so a batch
    gets bit-for-bit what separate scalar runs get (NumPy's vectorised ``power`` may round
    differently from Python's ``**``).
    """
    if not any(isinstance(a, np.ndarray) for a in args):
        return fn(*(float(a) for a in args))
    arrays = np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in args))
    shape = arrays[0].shape
    rows, inverse = np.unique(np.stack([a.reshape(-1) for a in arrays], axis=1), axis=0,
                              return_inverse=True)
    values = np.array([fn(*(float(v) for v in row)) for row in rows], dtype=np.float64)
    return values[inverse.reshape(-1)].reshape(shape)


def _power(base: float, exponent: float) -> float:
    """``base ** exponent`` as Python computes it, but inf/nan instead of an exception."""
    try:
        value = base**exponent
    except (OverflowError, ZeroDivisionError):
        return float(np.float64(base) ** np.float64(exponent))
    return value if isinstance(value, float) else float("nan")  # a complex root: not a real number


def _bias_power(beta: Any, t: int) -> Any:
    """``beta ** t`` as :func:`bias_power`, with inf instead of OverflowError for ``|beta| > 1``."""
    try:
        return bias_power(beta, t)
    except OverflowError:
        return np.power(np.float64(beta) if not isinstance(beta, np.ndarray) else beta, float(t))


def _moments(g: np.ndarray, state: State, beta1: Any, beta2: Any) -> None:
    """``m ← lerp(m, g, 1 − β₁)``, ``v ← β₂ v + ((1 − β₂)·g)·g`` in torch's operation order."""
    lerp_(state["exp_avg"], g, 1.0 - beta1)
    v = state["exp_avg_sq"]
    v *= beta2
    v += ((1.0 - beta2) * g) * g


# ----------------------------------------------------------------------------------------- Adamax

def init_adamax(x: np.ndarray, hp: Hyper) -> State:
    """First moment ``exp_avg`` and the exponentially weighted infinity norm ``exp_inf``."""
    return {"exp_avg": np.zeros_like(x), "exp_inf": np.zeros_like(x)}


def step_adamax(x: np.ndarray, g: np.ndarray, state: State, hp: Hyper, lr: Any, t: int,
                ctx: StepContext) -> None:
    """One step of torch.optim.Adamax (single-tensor path).

    ``m ← lerp(m, g, 1−β₁)``, ``u ← max(β₂u, |g| + ε)`` (ε inside the max, as torch does),
    ``θ ← θ − γ/(1−β₁ᵗ) · m/u``, rounded as torch's ``addcdiv_``: ``θ + ((−γ̃)·m)/u``.
    """
    add_weight_decay(g, x, hp.weight_decay)
    beta1, beta2 = hp.betas
    m, u = state["exp_avg"], state["exp_inf"]
    lerp_(m, g, 1.0 - beta1)
    u *= beta2
    np.abs(g, out=g)
    g += hp.eps
    np.maximum(u, g, out=u)
    clr = lr / (np.float64(1.0) - _bias_power(beta1, t))
    np.multiply(m, -clr, out=g)
    g /= u
    x += g


# ------------------------------------------------------------------------------------------ NAdam

def init_nadam(x: np.ndarray, hp: Hyper) -> State:
    """Moments ``exp_avg``/``exp_avg_sq`` and the running product of momentum coefficients."""
    return {"exp_avg": np.zeros_like(x), "exp_avg_sq": np.zeros_like(x),
            "mu_product": np.ones((x.shape[0], 1))}


def _mu(beta1: Any, step: float, momentum_decay: Any) -> Any:
    """Dozat's momentum schedule ``μ = β₁(1 − ½·0.96^(step·ψ))`` in torch's float order."""
    if isinstance(momentum_decay, np.ndarray):
        power = _python_float(lambda e: _power(0.96, e), step * momentum_decay)
    else:
        power = _power(0.96, step * momentum_decay)
    return beta1 * (1.0 - 0.5 * power)


def _divide(numerator: Any, denominator: Any) -> Any:
    """``numerator / denominator`` with IEEE inf/nan instead of ZeroDivisionError for Python floats."""
    try:
        return numerator / denominator
    except ZeroDivisionError:
        return np.float64(numerator) / np.float64(denominator)


def step_nadam(x: np.ndarray, g: np.ndarray, state: State, hp: Hyper, lr: Any, t: int,
               ctx: StepContext) -> None:
    """One step of torch.optim.NAdam (single-tensor path).

    ``Π ← Π·μ_t``; the step mixes the current gradient, weighted ``γ(1−μ_t)/(1−Π)``, with the
    momentum, weighted ``γ μ_{t+1}/(1−Π μ_{t+1})``, both over ``√(v/(1−β₂ᵗ)) + ε``. torch keeps
    ``Π`` as a tensor of the default dtype; in float64 that is the Python-float product kept here.
    """
    beta1, beta2 = hp.betas
    bias_correction2 = 1.0 - _bias_power(beta2, t)
    decay_weights(x, g, hp, lr)
    step = float(t)
    mu = _mu(beta1, step, hp.momentum_decay)
    mu_next = _mu(beta1, step + 1.0, hp.momentum_decay)
    mu_product = state["mu_product"]
    mu_product *= mu
    if not isinstance(mu, np.ndarray) and mu_product.size:
        mu_product = float(mu_product[0, 0])  # scalar β₁ and ψ: the same product in every row
    _moments(g, state, beta1, beta2)
    denom = state["exp_avg_sq"] / bias_correction2
    np.sqrt(denom, out=denom)
    denom += hp.eps
    # torch: addcdiv_(g, denom, value=c) rounds as θ + (c·g)/denom, c a Python float.
    grad_weight = _divide(-lr * (1.0 - mu), 1.0 - mu_product)
    momentum_weight = _divide(-lr * mu_next, 1.0 - mu_product * mu_next)
    g *= grad_weight
    g /= denom
    x += g
    np.multiply(state["exp_avg"], momentum_weight, out=g)
    g /= denom
    x += g


# ------------------------------------------------------------------------------------------ RAdam

def init_radam(x: np.ndarray, hp: Hyper) -> State:
    """First and second moments ``exp_avg`` and ``exp_avg_sq``."""
    return {"exp_avg": np.zeros_like(x), "exp_avg_sq": np.zeros_like(x)}


def _radam_factors_in(beta2: float, t: int, one: float) -> tuple[float, float, float]:
    step = one * t
    beta2_t = beta2**step
    bias_correction2 = one - beta2_t
    rho_inf = 2 / (one - beta2) - 1
    rho_t = rho_inf - 2 * step * beta2_t / bias_correction2
    rect = float("nan")
    if rho_t > 5.0:
        rect = _power((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t), 0.5)
    return rho_t, rect, _power(bias_correction2, 0.5)


def _radam_factors(beta2: float, t: int) -> tuple[float, float, float]:
    """``(ρ_t, r_t, √(1−β₂ᵗ))`` in torch's Python-float order; ``r_t`` is nan unless ``ρ_t > 5``.

    Degenerate β₂ (1, or above 1) give inf/nan, as NumPy would, instead of a Python exception.
    """
    try:
        return _radam_factors_in(beta2, t, 1.0)
    except (ZeroDivisionError, OverflowError):
        return _radam_factors_in(beta2, t, np.float64(1.0))


def step_radam(x: np.ndarray, g: np.ndarray, state: State, hp: Hyper, lr: Any, t: int,
               ctx: StepContext) -> None:
    """One step of torch.optim.RAdam (single-tensor path).

    Adam's moments; the variance of the adaptive step is tractable only once the SMA length
    ``ρ_t > 5``: then ``θ ← θ − γ m̂ · √(1−β₂ᵗ)/(√v + ε) · r_t``, before that a plain
    bias-corrected momentum step ``θ ← θ − γ m̂``. Note ε is added to ``√v`` (uncorrected) and the
    bias correction multiplies afterwards; torch forms ``√(1−β₂ᵗ)/(√v+ε)`` as
    ``reciprocal(√v+ε)·√(1−β₂ᵗ)``, which this follows.
    """
    beta1, beta2 = hp.betas
    decay_weights(x, g, hp, lr)
    _moments(g, state, beta1, beta2)
    if isinstance(beta2, np.ndarray):
        rho_t = _python_float(lambda b: _radam_factors(b, t)[0], beta2)
        rect = _python_float(lambda b: _radam_factors(b, t)[1], beta2)
        root_bias_correction2 = _python_float(lambda b: _radam_factors(b, t)[2], beta2)
        rectify = rho_t > 5.0
        any_rectified = bool(rectify.any())
    else:
        rho_t, rect, root_bias_correction2 = _radam_factors(beta2, t)
        rectify = any_rectified = rho_t > 5.0

    update = state["exp_avg"] / (1.0 - _bias_power(beta1, t))  # array / 0.0 is inf, no exception
    update *= lr
    if any_rectified:
        adaptive = np.sqrt(state["exp_avg_sq"])
        adaptive += hp.eps
        np.reciprocal(adaptive, out=adaptive)
        adaptive *= root_bias_correction2
        rectified = update * adaptive
        rectified *= rect
        if isinstance(rectify, np.ndarray):
            update = np.where(rectify, rectified, update)
        else:
            update = rectified
    x -= update


# ---------------------------------------------------------------------------------------- specs

_KINGMA = "Kingma & Ba, Adam: A Method for Stochastic Optimization, §7.1 AdaMax (ICLR 2015)"
_DOZAT = "Dozat, Incorporating Nesterov Momentum into Adam (ICLR 2016 Workshop)"
_LIU = ("Liu, Jiang, He, Chen, Liu, Gao & Han, On the Variance of the Adaptive Learning Rate and "
        "Beyond (ICLR 2020)")

_DECOUPLED = decoupled_weight_decay_param()

SPECS = (
    OptimizerSpec(
        name="adamax", title="Adamax", family="Adam",
        hyperparams=(
            lr_param(2e-3),
            betas_param((0.9, 0.999), "Decay rates of the first moment and of the infinity norm"),
            eps_param(1e-8, "Added to |g| inside the max, so the denominator is never zero"),
            weight_decay_param(),
        ),
        init=init_adamax, step=step_adamax, update_rule=ADAMAX_RULE,
        explanation="Adam with the root-mean-square of gradients replaced by a decaying maximum of "
                    "their absolute values, so one large gradient sets the scale until it decays.",
        paper=_KINGMA, year=2015, reference="torch", state_names=("exp_avg", "exp_inf"),
    ),
    OptimizerSpec(
        name="nadam", title="NAdam", family="Adam",
        hyperparams=(
            lr_param(2e-3),
            betas_param((0.9, 0.999)),
            eps_param(1e-8),
            weight_decay_param(),
            HyperParam("momentum_decay", 4e-3,
                       "ψ in the momentum schedule μ_t = β₁(1 − ½·0.96^(tψ)); larger warms up faster",
                       low=0.0, high=0.1, symbol=r"\psi"),
            _DECOUPLED,
        ),
        init=init_nadam, step=step_nadam, update_rule=NADAM_RULE,
        explanation="Adam with Nesterov momentum: the step uses the momentum it is about to have "
                    "plus a share of the current gradient, so it reacts to a turn one step earlier.",
        paper=_DOZAT, year=2016, reference="torch",
        state_names=("exp_avg", "exp_avg_sq", "mu_product"),
    ),
    OptimizerSpec(
        name="radam", title="RAdam", family="Adam",
        hyperparams=(
            lr_param(1e-3),
            betas_param((0.9, 0.999)),
            eps_param(1e-8),
            weight_decay_param(),
            _DECOUPLED,
        ),
        init=init_radam, step=step_radam, update_rule=RADAM_RULE,
        explanation="Adam without the need for warm-up: while too few gradients have been seen to "
                    "trust the second moment it takes plain momentum steps, then switches to Adam "
                    "steps scaled by a rectification factor that grows towards 1.",
        paper=_LIU, year=2020, reference="torch", state_names=("exp_avg", "exp_avg_sq"),
    ),
)
