"""Layer-wise adaptive methods from optax: LAMB, LARS and NovoGrad.

optax computes their norms per parameter leaf (per layer). Here every particle is one small
parameter vector θ, so each particle is one "layer": the norms ‖θ‖, ‖u‖ and ‖g‖ are taken over the
coordinates of one row of ``x`` and never mix particles.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .adaptive_moments import unbias
from .common import betas_param, flag_param, is_zero, lr_param, weight_decay_param
from .spec import Hyper, HyperParam, OptimizerSpec, State, StepContext


def _row_norm(a: np.ndarray) -> np.ndarray:
    """``(n, 1)`` Euclidean norm of every row, rounded as optax's ``jnp.linalg.norm`` on a CPU.

    XLA fuses the jitted ``sqrt(sum(a²))`` into one reduction with a fused multiply-add:
    ``sqrt(fma(a₀, a₀, a₁²))`` for two coordinates. BLAS's dot (behind ``np.vecdot``) accumulates
    with the same FMA from the first element, so it is fed the coordinates in reverse order.
    """
    if a.shape[1] == 1:
        total = np.multiply(a, a)
    else:
        reversed_rows = a[:, ::-1].copy()
        total = np.vecdot(reversed_rows, reversed_rows)[:, None]
    return np.sqrt(total, out=total)


def _fma(a: Any, b: Any, c: Any, shape: tuple[int, ...]) -> np.ndarray:
    """``a·b + c`` with a single rounding (a fused multiply-add), elementwise over ``shape``.

    NumPy has no fma ufunc; BLAS's dot of ``(c, a)`` with ``(1, b)`` computes exactly
    ``fma(a, b, c·1)``. Needed where XLA contracts optax's ``a·b + c`` inside a fused computation.
    """
    left = np.empty(shape + (2,))
    left[..., 0] = c
    left[..., 1] = a
    right = np.empty(shape + (2,))
    right[..., 0] = 1.0
    right[..., 1] = b
    return np.vecdot(left, right)


def _trust_scale(u: np.ndarray, x: np.ndarray, ratio: np.ndarray, coefficient: Any, eps: Any) -> None:
    """``u ← u · (c‖θ‖ / (‖u‖ + ε))`` per row, with ratio 1 where ‖θ‖ or ‖u‖ is zero (optax).

    Writes the ratio used into ``ratio`` (an ``(n, 1)`` state buffer, kept for display).
    """
    param_norm = _row_norm(x)
    update_norm = _row_norm(u)
    n = param_norm.shape[0]
    all_nonzero = np.count_nonzero(param_norm) == n and np.count_nonzero(update_norm) == n
    zero = None if all_nonzero else (param_norm == 0.0) | (update_norm == 0.0)
    if isinstance(coefficient, np.ndarray) or coefficient != 1.0:
        param_norm *= coefficient
    if not is_zero(eps):
        update_norm += eps
    np.divide(param_norm, update_norm, out=ratio)
    if zero is not None:
        np.copyto(ratio, 1.0, where=zero)
    u *= ratio


# --------------------------------------------------------------------------------------------- LAMB

LAMB_RULE = r"""
\begin{aligned}
m_t &\leftarrow \beta_1 m_{t-1} + (1-\beta_1) g_t, \quad v_t \leftarrow \beta_2 v_{t-1} + (1-\beta_2) g_t^2 \\
u_t &\leftarrow \frac{m_t/(1-\beta_1^t)}{\sqrt{v_t/(1-\beta_2^t) + \bar\epsilon} + \epsilon}
  + \lambda\theta_{t-1} \\
r_t &\leftarrow \frac{\lVert\theta_{t-1}\rVert}{\lVert u_t\rVert}
  \quad (1 \text{ if either norm is } 0) \\
\theta_t &\leftarrow \theta_{t-1} - \gamma\, r_t u_t
\end{aligned}
"""


def init_lamb(x: np.ndarray, hp: Hyper) -> State:
    """Adam's two moments and the last trust ratio ``‖θ‖/‖u‖`` (one per particle)."""
    return {"exp_avg": np.zeros_like(x), "exp_avg_sq": np.zeros_like(x),
            "trust_ratio": np.ones((x.shape[0], 1))}


def step_lamb(x: np.ndarray, g: np.ndarray, state: State, hp: Hyper, lr: Any, t: int,
              ctx: StepContext) -> None:
    """One step of optax.lamb: ``scale_by_adam`` → ``add_decayed_weights`` → trust ratio → ``-lr``.

    ``u = m̂ / (sqrt(v̂ + ε̄) + ε) + λθ`` is rescaled to the length ``‖θ‖`` (per particle), so each
    step moves θ by the fraction ``γ`` of its own norm.
    """
    beta1, beta2 = hp.betas
    m, v = state["exp_avg"], state["exp_avg_sq"]
    m *= beta1
    m += (1.0 - beta1) * g
    g *= g
    g *= 1.0 - beta2  # optax: (1 − β₂)·(g²)
    v *= beta2
    v += g
    u = unbias(m, beta1, t)
    denom = unbias(v, beta2, t)
    if not is_zero(hp.eps_root):
        denom += hp.eps_root
    np.sqrt(denom, out=denom)
    denom += hp.eps
    u /= denom
    if not is_zero(hp.weight_decay):
        u += hp.weight_decay * x
    _trust_scale(u, x, state["trust_ratio"], 1.0, 0.0)
    u *= lr
    x -= u


# --------------------------------------------------------------------------------------------- LARS

LARS_RULE = r"""
\begin{aligned}
u_t &\leftarrow g_t + \lambda\theta_{t-1} \\
r_t &\leftarrow \frac{\eta\,\lVert\theta_{t-1}\rVert}{\lVert u_t\rVert + \epsilon}
  \quad (1 \text{ if either norm is } 0) \\
b_t &\leftarrow \mu b_{t-1} + \gamma\, r_t u_t \\
d_t &\leftarrow \begin{cases} \gamma r_t u_t + \mu b_t & \text{nesterov} \\
  b_t & \text{otherwise} \end{cases} \\
\theta_t &\leftarrow \theta_{t-1} - d_t
\end{aligned}
"""


def init_lars(x: np.ndarray, hp: Hyper) -> State:
    """The momentum buffer (of lr-scaled steps) and the last trust ratio (one per particle)."""
    return {"momentum_buffer": np.zeros_like(x), "trust_ratio": np.ones((x.shape[0], 1))}


def step_lars(x: np.ndarray, g: np.ndarray, state: State, hp: Hyper, lr: Any, t: int,
              ctx: StepContext) -> None:
    """One step of optax.lars: decay → trust ratio → ``-lr`` → ``trace`` (momentum).

    Unlike torch's SGD, optax scales by the learning rate *before* the momentum, so the buffer
    ``b ← μ b + γ r u`` accumulates whole steps. optax's trace holds ``−b``; we keep ``b``
    (negation is exact, so every number agrees).
    """
    add = g
    if not is_zero(hp.weight_decay):
        add += hp.weight_decay * x
    _trust_scale(add, x, state["trust_ratio"], hp.trust_coefficient, hp.eps)
    add *= lr
    buf = state["momentum_buffer"]
    buf *= hp.momentum
    buf += add
    if hp.nesterov:
        add += hp.momentum * buf
        x -= add
    else:
        x -= buf


# ----------------------------------------------------------------------------------------- NovoGrad

NOVOGRAD_RULE = r"""
\begin{aligned}
v_t &\leftarrow \begin{cases} \lVert g_t\rVert^2 & t = 1 \\
  \beta_2 v_{t-1} + (1-\beta_2)\lVert g_t\rVert^2 & t > 1 \end{cases} \\
a_t &\leftarrow \frac{g_t}{\sqrt{v_t + \bar\epsilon} + \epsilon} + \lambda\theta_{t-1} \\
m_t &\leftarrow \begin{cases} a_t & t = 1 \\ \beta_1 m_{t-1} + a_t & t > 1 \end{cases} \\
\theta_t &\leftarrow \theta_{t-1} - \gamma m_t
\end{aligned}
"""


def init_novograd(x: np.ndarray, hp: Hyper) -> State:
    """Momentum ``exp_avg`` per coordinate; ``grad_norm_sq`` is ONE number per particle."""
    return {"exp_avg": np.zeros_like(x), "grad_norm_sq": np.zeros((x.shape[0], 1))}


def step_novograd(x: np.ndarray, g: np.ndarray, state: State, hp: Hyper, lr: Any, t: int,
                  ctx: StepContext) -> None:
    """One step of optax.novograd (``scale_by_novograd`` → ``-lr``).

    The second moment is an EMA of the squared gradient *norm* of the whole particle (one scalar,
    like one per layer in optax); the gradient normalised by it, plus ``λθ``, feeds a momentum
    ``m ← β₁ m + a`` without a ``(1 − β₁)`` factor. Both start from their first value.
    """
    beta1, beta2 = hp.betas
    m, v = state["exp_avg"], state["grad_norm_sq"]
    n, dim = g.shape
    norm = _row_norm(g)
    norm_sq = norm * norm  # optax squares the norm: (sqrt(Σg²))², not Σg²
    # optax runs both updates inside lax.cond, i.e. as one fused XLA computation, in which the
    # CPU compiler contracts a·b + c into fused multiply-adds; which product it fuses depends on
    # whether θ has one coordinate or several. The comments give optax's expression.
    if t == 1:
        np.copyto(v, norm_sq)
    else:  # (1 − β₂)‖g‖² + β₂v
        if dim == 1:
            new_v = _fma(beta2, v, (1.0 - beta2) * norm_sq, (n, 1))
        else:
            new_v = _fma(1.0 - beta2, norm_sq, beta2 * v, (n, 1))
        half = beta2 == 0.5
        if np.any(half):  # XLA factors c·a + c·b into c·(a + b) for c a power of two
            new_v = np.where(half, 0.5 * _fma(norm, norm, v, (n, 1)), new_v)
        np.copyto(v, new_v)
    denom = v + hp.eps_root
    np.sqrt(denom, out=denom)
    denom += hp.eps
    weight_decay = hp.weight_decay
    if dim == 1:  # g / denom + λθ
        g /= denom
        if not is_zero(weight_decay):
            g = _fma(weight_decay, x, g, g.shape)
    else:  # the division by a broadcast scalar becomes a multiplication by its reciprocal
        if is_zero(weight_decay):
            g *= 1.0 / denom
        else:
            g = _fma(g, 1.0 / denom, weight_decay * x, g.shape)
    if t == 1:
        np.copyto(m, g)
    else:  # β₁m + a
        np.copyto(m, _fma(beta1, m, g, m.shape))
    np.multiply(m, lr, out=g)
    x -= g


# -------------------------------------------------------------------------------------------- specs

def _eps_root(default: float) -> HyperParam:
    return HyperParam("eps_root", default, "Added inside the square root of the second moment",
                      low=0.0, high=1e-3, symbol=r"\bar\epsilon")


def _eps(default: float, text: str = "Added to the denominator for numerical stability") -> HyperParam:
    return HyperParam("eps", default, text, low=0.0, high=1e-2, symbol=r"\epsilon")


_PER_PARTICLE = " Here each particle is one layer: the norms are taken over its own coordinates."

SPECS = (
    OptimizerSpec(
        name="lamb", title="LAMB", family="Layer-wise",
        hyperparams=(
            lr_param(1e-3, high=1.0),
            betas_param((0.9, 0.999)),
            _eps(1e-6),
            _eps_root(0.0),
            weight_decay_param(0.0, "Decoupled decay λθ added to Adam's direction before the trust ratio"),
        ),
        init=init_lamb, step=step_lamb, update_rule=LAMB_RULE,
        explanation="Adam's direction rescaled per layer so its length equals the weights' norm ‖θ‖: "
                    "each step changes θ by a fraction lr of its own size." + _PER_PARTICLE,
        paper="You et al., Large Batch Optimization for Deep Learning: Training BERT in 76 minutes "
              "(ICLR 2020)",
        year=2020, reference="optax", state_names=("exp_avg", "exp_avg_sq", "trust_ratio"),
    ),
    OptimizerSpec(
        name="lars", title="LARS", family="Layer-wise",
        hyperparams=(
            lr_param(0.1, high=10.0),
            weight_decay_param(0.0, "L2 penalty λθ added to the gradient before the trust ratio"),
            HyperParam("trust_coefficient", 0.001, "η: the step is η‖θ‖/‖g‖ times the gradient",
                       low=1e-5, high=10.0, log=True, symbol=r"\eta"),
            _eps(0.0, "Added to ‖g‖ in the trust ratio's denominator"),
            HyperParam("momentum", 0.9, "Momentum μ applied to the lr-scaled steps (optax's trace)",
                       low=0.0, high=0.999, symbol=r"\mu"),
            flag_param("nesterov", False, "Use Nesterov momentum: step along γru + μb"),
        ),
        init=init_lars, step=step_lars, update_rule=LARS_RULE,
        explanation="SGD with momentum whose gradient is rescaled per layer to length η‖θ‖, so the "
                    "step is proportional to the weights' size, not the gradient's." + _PER_PARTICLE,
        paper="You, Gitman & Ginsburg, Large Batch Training of Convolutional Networks (2017)",
        year=2017, reference="optax", state_names=("momentum_buffer", "trust_ratio"),
    ),
    OptimizerSpec(
        name="novograd", title="NovoGrad", family="Layer-wise",
        hyperparams=(
            lr_param(1e-2, high=10.0),
            betas_param((0.9, 0.25), "β₁: momentum; β₂: decay of the squared gradient norm"),
            _eps(1e-6),
            _eps_root(0.0),
            weight_decay_param(0.0, "λθ added to the normalised gradient, inside the momentum"),
        ),
        init=init_novograd, step=step_novograd, update_rule=NOVOGRAD_RULE,
        explanation="Momentum on the gradient divided by a running average of its squared norm, one "
                    "number per layer instead of one per weight." + _PER_PARTICLE,
        paper="Ginsburg et al., Stochastic Gradient Methods with Layer-wise Adaptive Moments for "
              "Training of Deep Networks (2019)",
        year=2019, reference="optax", state_names=("exp_avg", "grad_norm_sq"),
    ),
)
