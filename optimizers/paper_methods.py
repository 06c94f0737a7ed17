"""Optimizers that neither torch nor optax ship, implemented from their papers: AdaX, Amos and
funnelled SGDM (step-size adaptation by exponentiated-gradient updates).

Each follows the update equations of its paper (``reference="paper"``); where a paper leaves a
choice open for a single small parameter vector, the spec's ``notes`` say what was chosen.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .common import add_weight_decay, betas_param, eps_param, lr_param, weight_decay_param
from .spec import Hyper, HyperParam, OptimizerSpec, State, StepContext, bias_power, per_value, python_power


def _growth_scalar(beta2: float, t: int) -> float:
    """``(1 + β₂)ᵗ − 1`` without the cancellation of the naive form (β₂ is tiny in AdaX)."""
    if beta2 > -1.0:
        try:
            return math.expm1(t * math.log1p(beta2))
        except OverflowError:
            return math.inf
    return python_power(1.0 + beta2, t) - 1.0


def _growth(beta2: Any, t: int) -> Any:
    """:func:`_growth_scalar` for a float or, value by value, for a per-particle array."""
    return per_value(lambda b: _growth_scalar(b, t), beta2)


# --------------------------------------------------------------------------------------- AdaX

ADAX_RULE = r"""
\begin{aligned}
g_t &\leftarrow \nabla f(\theta_{t-1}) + \lambda\theta_{t-1} \\
m_t &\leftarrow \beta_1 m_{t-1} + (1-\beta_1) g_t \\
v_t &\leftarrow (1+\beta_2) v_{t-1} + \beta_2 g_t^2 \\
\hat v_t &\leftarrow \frac{v_t}{(1+\beta_2)^t - 1} \\
\theta_t &\leftarrow \theta_{t-1} - \gamma\, \frac{m_t}{\sqrt{\hat v_t} + \epsilon}
\end{aligned}
"""


def init_adax(x: np.ndarray, hp: Hyper) -> State:
    """First moment ``exp_avg`` and the long-memory second moment ``exp_avg_sq``, both zero."""
    return {"exp_avg": np.zeros_like(x), "exp_avg_sq": np.zeros_like(x)}


def step_adax(x: np.ndarray, g: np.ndarray, state: State, hp: Hyper, lr: Any, t: int,
              ctx: StepContext) -> None:
    """One AdaX step (Li et al. 2020, Algorithm 2, L2-regularised form).

    ``m ← β₁m + (1−β₁)g``; ``v ← (1+β₂)v + β₂g²`` (past squared gradients are *amplified*, not
    forgotten); ``v̂ = v / ((1+β₂)ᵗ − 1)``; ``θ ← θ − γ m / (√v̂ + ε)``. The first moment is not
    bias-corrected, as in the paper. ``(1+β₂)ᵗ − 1`` is evaluated as ``expm1(t·log1p(β₂))``.
    """
    add_weight_decay(g, x, hp.weight_decay)
    beta1, beta2 = hp.betas
    m, v = state["exp_avg"], state["exp_avg_sq"]
    m *= beta1
    m += (1.0 - beta1) * g
    v *= 1.0 + beta2
    g_sq = beta2 * g
    g_sq *= g
    v += g_sq
    denom = np.divide(v, _growth(beta2, t), out=g_sq)
    np.sqrt(denom, out=denom)
    denom += hp.eps
    np.divide(m, denom, out=denom)
    denom *= lr
    x -= denom


# --------------------------------------------------------------------------------------- Amos

AMOS_RULE = r"""
\begin{aligned}
v_t &\leftarrow \beta v_{t-1} + (1-\beta)\,M_2(g_t), \qquad
  M_2(g) = \tfrac{1}{k}\lVert g\rVert^2,\quad \hat v_t = \frac{v_t}{1-\beta^t} \\
c(b) &= \bigl(1 + c\sqrt{\xi}\,b\bigr)^{-1/2}, \qquad
  d(b) = \bigl(1 + d\sqrt{\xi\tilde\eta}\,b\bigr)^{-1} \\
\gamma_t &\leftarrow c(b_{t-1})\, \frac{\xi^2}{\hat v_t}\, M_2(g_t) \\
\theta_t &\leftarrow \theta_{t-1} - d(b_{t-1})\Bigl(\frac{\xi\tilde\eta}{\sqrt{\hat v_t}}\, g_t
  + \tfrac12 \gamma_t\, \theta_{t-1}\Bigr) \\
b_t &\leftarrow b_{t-1} + \gamma_t\,(1 + b_{t-1})
\end{aligned}
"""


def init_amos(x: np.ndarray, hp: Hyper) -> State:
    """One second-moment scalar ``v`` and one decay counter ``b`` per particle, both zero."""
    n = x.shape[0]
    return {"v": np.zeros((n, 1)), "b": np.zeros((n, 1))}


def _sqrt(value: Any) -> Any:
    """Square root of a float (NaN below zero, never an error) or of an array."""
    if isinstance(value, np.ndarray):
        return np.sqrt(value)
    return math.sqrt(value) if value >= 0.0 else math.nan


def _column(values: np.ndarray) -> Any:
    """A per-particle ``(n, 1)`` column, as a numpy scalar when the block has one particle."""
    return values[0, 0] if values.shape[0] == 1 else values


def step_amos(x: np.ndarray, g: np.ndarray, state: State, hp: Hyper, lr: Any, t: int,
              ctx: StepContext) -> None:
    """One Amos step (Tian & Parikh 2022, Algorithm 1) for one parameter vector per particle.

    ``ξ = lr`` is the global learning rate and ``η̃ = eta`` the model-oriented scale: the
    initial step per coordinate is about ``ξη̃`` and the adaptive weight decay ``½γθ`` pulls the
    point towards the origin. ``M₂(g)`` is the mean of ``g²`` over the particle's coordinates,
    ``v̂ = v/(1−βᵗ)`` (floored at ``eps``), ``γ = c(b) ξ² M₂(g)/v̂``, and the counter
    ``b ← b + γ(1+b)`` drives both decay factors ``c(b)`` and ``d(b)``, so learning rate and
    weight decay anneal by themselves as ``b`` grows. The update is applied as
    ``θ ← θ − (d(b) ξη̃/√v̂)·g − (d(b) γ/2)·θ``.
    """
    xi = lr
    beta = hp.beta
    # The per-particle scalars (v, b, γ, …) are numpy scalars for a one-particle block, where a
    # scalar operation costs a tenth of a (1, 1) array operation; every expression below works on
    # both, with the same rounding, and the results are written back into the state arrays.
    g2 = _column(np.add.reduce(g * g, axis=1, keepdims=True))
    g2 = g2 / x.shape[1]  # M₂(g): the mean square over the coordinates
    v = _column(state["v"]) * beta + (1.0 - beta) * g2
    b = _column(state["b"])
    recip_v_hat = (1.0 - bias_power(beta, t)) / np.maximum(v, hp.eps)
    init_lr = xi * hp.eta
    # γ = c(b)·ξ²·M₂(g)/v̂ with c(b) = (1 + c√ξ b)^(−1/2)
    gamma = g2 / np.sqrt(b * (hp.c_coef * _sqrt(xi)) + 1.0) * recip_v_hat * (xi * xi)
    # d(b) = 1/(1 + d√(ξη̃) b)
    denom_d = b * (hp.d_coef * _sqrt(init_lr)) + 1.0
    grad_coef = np.sqrt(recip_v_hat) * init_lr / denom_d
    decay_coef = gamma / denom_d * 0.5
    step = g * grad_coef
    step += decay_coef * x
    x -= step
    state["v"][...] = v
    state["b"][...] = b + (b + 1.0) * gamma


# ----------------------------------------------------------------------------- funnelled SGDM

FUNNELLED_RULE = r"""
\begin{aligned}
p_t &\leftarrow p_{t-1} \odot \exp\!\bigl(\gamma_p\, m_{t-1} \odot g_t\bigr) \\
s_t &\leftarrow s_{t-1} \cdot \exp\!\bigl(\gamma_s\, \langle u_{t-1}, g_t\rangle\bigr) \\
m_t &\leftarrow \beta m_{t-1} + (1-\beta) g_t \\
u_t &\leftarrow \mu u_{t-1} + \eta\,(p_t \odot g_t) \\
\theta_t &\leftarrow \theta_{t-1} - s_t u_t
\end{aligned}
"""


def init_funnelled(x: np.ndarray, hp: Hyper) -> State:
    """Gradient average ``m`` = 0, momentum ``u`` = 0, gains ``p`` = 1, scale ``s`` = 1."""
    n = x.shape[0]
    return {"grad_avg": np.zeros_like(x), "momentum_buffer": np.zeros_like(x),
            "gains": np.ones_like(x), "scale": np.ones((n, 1))}


def step_funnelled(x: np.ndarray, g: np.ndarray, state: State, hp: Hyper, lr: Any, t: int,
                   ctx: StepContext) -> None:
    """One step of funnelled SGDM (Amid, Anil, Fifty & Warmuth 2022).

    The per-coordinate gains ``p`` and the global scale ``s`` are positive step-size factors
    learned by exponentiated-gradient (multiplicative) updates on the loss: the derivative of
    ``f(θ_{t−1})`` with respect to ``log s`` is ``−s⟨u_{t−1}, g_t⟩``, so ``s`` grows while the new
    gradient still agrees with the last step direction and shrinks once it turns against it
    (overshoot). ``p`` does the same per coordinate with the gradient average ``m``. The gains
    are "funnelled" into the momentum buffer ``u``; the step is ``s·u``.
    """
    m, u, p = state["grad_avg"], state["momentum_buffer"], state["gains"]
    agree = m * g
    agree *= hp.gain_lr
    np.exp(agree, out=agree)
    p *= agree
    # s is a numpy scalar for a one-particle block (see step_amos): same numbers, less overhead.
    along = _column(np.add.reduce(u * g, axis=1, keepdims=True))
    scale = _column(state["scale"]) * np.exp(along * hp.scale_lr)
    state["scale"][...] = scale
    m *= hp.beta
    m += (1.0 - hp.beta) * g
    u *= hp.momentum
    g *= p
    g *= lr
    u += g
    step = u * scale
    x -= step


# -------------------------------------------------------------------------------------- specs

_LI = ("Li, Wang, Zhang, Xiong, Zhang & Yang, AdaX: Adaptive Gradient Descent with Exponential "
       "Long Term Memory (arXiv:2004.09740, 2020)")
_TIAN = ("Tian & Parikh, Amos: An Adam-style Optimizer with Adaptive Weight Decay towards "
         "Model-Oriented Scale (arXiv:2210.11693, 2022)")
_AMID = ("Amid, Anil, Fifty & Warmuth, Step-size Adaptation Using Exponentiated Gradient Updates "
         "(arXiv:2202.00145, 2022)")

_ADAX_PARAMS = (
    lr_param(1.5e-3),
    betas_param((0.9, 1e-4), "β₁: decay of the gradient average m; β₂: growth rate of the long "
                "memory v ← (1+β₂)v + β₂g² (paper default 1e-4)"),
    eps_param(1e-8),
    weight_decay_param(),
)

_AMOS_PARAMS = (
    HyperParam(
        "lr", 0.01, "Global learning rate ξ (the paper suggests about 1/√(number of batches))",
        low=1e-4, high=1.0, log=True, symbol=r"\xi"),
    HyperParam("eta", 1.0, "Model-oriented scale η̃: the expected size of the coordinates; the "
               "first steps move about ξ·η̃ per coordinate", low=1e-3, high=100.0, log=True,
               symbol=r"\tilde\eta"),
    HyperParam("beta", 0.999, "Decay of the second-moment average v (like Adam's β₂); the paper "
               "recommends 1 − β of the order of ξ", low=0.0, high=0.9999, decay_rate=True, symbol=r"\beta"),
    HyperParam("c_coef", 0.25, "Constant c in the decay factor c(b) = (1 + c√ξ b)^(−1/2) of the "
               "weight-decay rate", low=0.0, high=10.0, symbol="c"),
    HyperParam("d_coef", 0.25, "Constant d in the learning-rate decay d(b) = 1/(1 + d√(ξη̃) b)",
               low=0.0, high=10.0, symbol="d"),
    HyperParam("eps", 2.0**-125, "Floor of v̂ (the smallest positive normal in the paper's code)",
               low=1e-40, high=1e-2, log=True, symbol=r"\epsilon"),
)

_FUNNELLED_PARAMS = (
    HyperParam("lr", 1e-3, "Base learning rate η that feeds the momentum: u ← μu + η p⊙g",
               low=1e-5, high=10.0, log=True, symbol=r"\eta"),
    HyperParam("momentum", 0.9, "Momentum factor μ of the update buffer u", low=0.0, high=0.999,
               decay_rate=True,
               symbol=r"\mu"),
    HyperParam("beta", 0.9, "Decay β of the gradient average m that the gains compare against",
               low=0.0, high=0.999, decay_rate=True, symbol=r"\beta"),
    HyperParam("gain_lr", 1e-5, "Learning rate γ_p of the per-coordinate gains p (0 freezes them); "
               "the exponent γ_p·m⊙g scales with the gradient squared", low=1e-8, high=1.0, log=True,
               symbol=r"\gamma_p"),
    HyperParam("scale_lr", 1e-3, "Learning rate γ_s of the global step-size scale s (0 freezes it); "
               "the exponent γ_s⟨u, g⟩ scales with η times the gradient squared", low=1e-8, high=1.0,
               log=True, symbol=r"\gamma_s"),
)

SPECS = (
    OptimizerSpec(
        name="adax", title="AdaX", family="Adam", hyperparams=_ADAX_PARAMS,
        init=init_adax, step=step_adax, update_rule=ADAX_RULE,
        explanation="Adam with a second moment that never forgets: instead of decaying old squared "
                    "gradients, v grows them by (1+β₂) each step and the bias correction divides "
                    "by the total weight. One large gradient therefore keeps the step size small "
                    "for a long time, which avoids Adam's non-convergence examples; the first "
                    "moment is not bias-corrected, so the first steps are short.",
        paper=_LI, year=2020, reference="paper", state_names=("exp_avg", "exp_avg_sq"),
        notes="Follows the paper's algorithm with ε added to √v̂ (the authors' code adds ε to √v "
              "before correcting; the two agree at ε = 0). Default lr 1.5e-3 is the authors' "
              "default for AdaX with L2 regularisation; weight_decay is that L2 term (coupled).",
    ),
    OptimizerSpec(
        name="amos", title="Amos", family="Adam", hyperparams=_AMOS_PARAMS,
        init=init_amos, step=step_amos, update_rule=AMOS_RULE,
        explanation="An Adam-style step whose size is set by a target scale η̃ for the parameters "
                    "rather than by the gradient's size, plus a weight decay that adapts to "
                    "the gradients. A counter b grows with the accumulated normalized squared "
                    "gradient and slows down both the learning rate and the decay, so Amos "
                    "brings its own learning-rate schedule.",
        paper=_TIAN, year=2022, reference="paper", state_names=("v", "b"),
        notes="Simplified for a toy 2-D point: the whole point of a particle is one 'variable', so "
              "v and b are one scalar per particle and M₂(g) is the mean of g² over the "
              "coordinates (the paper's reduced-slot form); one η̃ for all coordinates; b starts "
              "at 0; no fine-tune rate, momentum or gradient clipping from the authors' code "
              "(use the engine's clipping instead). The paper's ζ = 1/4 appears twice, as c_coef "
              "and d_coef. A schedule multiplies ξ.",
    ),
    OptimizerSpec(
        name="funnelled_sgdm", title="Funnelled SGDM (EG step-size adaptation)", family="SGD",
        hyperparams=_FUNNELLED_PARAMS, init=init_funnelled, step=step_funnelled,
        update_rule=FUNNELLED_RULE,
        explanation="SGD with momentum that tunes its own step sizes. A global scale s and a gain "
                    "per coordinate p are updated multiplicatively (exponentiated gradient): "
                    "they grow while successive gradients agree and shrink when the gradient "
                    "flips sign, a smooth relative of Rprop's rule. The first step is plain SGD.",
        paper=_AMID, year=2022, reference="paper",
        state_names=("grad_avg", "momentum_buffer", "gains", "scale"),
        notes="Equations as the course notes state them (the paper's text was not available to "
              "check the exact form, e.g. any normalisation of the exponents). Signs checked by the "
              "chain rule: ∂f(θ_{t−1})/∂s_{t−1} = −⟨u_{t−1}, g_t⟩, so the "
              "exponentiated-gradient step multiplies s by exp(+γ_s⟨u_{t−1}, g_t⟩); agreement "
              "grows the step, a sign flip (overshoot) shrinks it. Same for the gains with the "
              "gradient average m_{t−1} in place of the previous gradient. Initial p = s = 1.",
    ),
)
