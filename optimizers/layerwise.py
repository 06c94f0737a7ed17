"""Layer-wise adaptive methods from optax: LAMB, LARS and NovoGrad.

optax computes their norms per parameter leaf (per layer). Here every particle is one small
parameter vector θ, so each particle is one "layer": the norms ‖θ‖, ‖u‖ and ‖g‖ are taken over the
coordinates of one row of ``x`` and never mix particles.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np

from .common import betas_param, flag_param, is_zero, lr_param, weight_decay_param
from .spec import Hyper, HyperParam, OptimizerSpec, State, StepContext, bias_power, python_power


def _norm_of_reversed(reversed_rows: np.ndarray) -> np.ndarray:
    """Euclidean norm of every row (last axis) of an array whose rows hold their coordinates in
    reverse order, keeping that axis (``(…, n, dim) → (…, n, 1)``), rounded as optax's
    ``jnp.linalg.norm`` on a CPU.

    XLA fuses the jitted ``sqrt(sum(a²))`` into one reduction with a fused multiply-add:
    ``sqrt(fma(a₀, a₀, a₁²))`` for two coordinates. BLAS's dot (behind ``np.vecdot``) accumulates
    with the same FMA from the first element, hence the reversed rows.
    """
    if reversed_rows.shape[-1] == 1:
        total = np.multiply(reversed_rows, reversed_rows)
    else:
        total = np.vecdot(reversed_rows, reversed_rows, keepdims=True)
    return np.sqrt(total, out=total)


def _row_norm(a: np.ndarray) -> np.ndarray:
    """``(n, 1)`` Euclidean norm of every row of ``a``, rounded as optax's (see above)."""
    return _norm_of_reversed(a[:, ::-1].copy())


@lru_cache(maxsize=256)
def _scalar_factors(b: float, sign: float) -> np.ndarray:
    """The read-only ``(2, 1, 1)`` array ``(1, b)`` (``sign`` only keeps −0.0 and 0.0 apart)."""
    factors = np.array([1.0, b]).reshape(2, 1, 1)
    factors.flags.writeable = False
    return factors


def _factors(b: Any) -> np.ndarray:
    """The right-hand operand ``(1, b)`` of :func:`_fma` for a hyperparameter ``b`` (a float or an
    ``(n, 1)`` array); cached for a float, as it is the same on every step."""
    if isinstance(b, np.ndarray):
        factors = np.empty((2,) + b.shape)
        factors[0] = 1.0
        factors[1] = b
        return factors
    return _scalar_factors(b, math.copysign(1.0, b))


def _fma(pairs: np.ndarray, factors: np.ndarray, out: np.ndarray | None) -> np.ndarray:
    """``out ← fma(pairs[1], factors[1], pairs[0])``: ``a·b + c`` with a single rounding.

    NumPy has no fma ufunc; BLAS's dot of ``(c, a)`` with ``(1, b)`` computes exactly
    ``fma(a, b, c·1)``. The pair is the first axis, so each operand is written with ``out=`` into
    a contiguous ``pairs[i]``; the dot then runs with a stride of one whole operand (still BLAS).
    Needed where XLA contracts optax's ``a·b + c`` inside a fused computation.
    """
    return np.vecdot(pairs, factors, axis=0, out=out)


def _trust_scale(u: np.ndarray, x: np.ndarray, ratio: np.ndarray, coefficient: Any, eps: Any) -> None:
    """``u ← u · (c‖θ‖ / (‖u‖ + ε))`` per row, with ratio 1 where ‖θ‖ or ‖u‖ is zero (optax).

    Writes the ratio used into ``ratio`` (an ``(n, 1)`` state buffer, kept for display).
    """
    # Both norms from one stacked, reversed copy: each step on these (n, 1) numbers is then one
    # NumPy call for both (on a single particle the per-call cost is what counts).
    flipped = np.empty((2,) + x.shape)
    np.copyto(flipped[0], x[:, ::-1])
    np.copyto(flipped[1], u[:, ::-1])
    norms = _norm_of_reversed(flipped)
    param_norm, update_norm = norms[0], norms[1]
    zero = None
    if np.count_nonzero(norms) != norms.size:
        zero = (param_norm == 0.0) | (update_norm == 0.0)
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


def _bias_factors(beta: Any, t: int, dim: int) -> tuple[Any, bool]:
    """The bias correction of a moment as optax's jitted ``tree.bias_correction`` applies it.

    Returns ``(factor, divide)``: XLA turns a division by a broadcast scalar into a multiplication
    by its reciprocal, so a vector of length ≥ 2 gets ``moment · (1/(1 − βᵗ))`` (``inf`` when
    ``βᵗ = 1``); a length-1 vector (no broadcast) gets the true division by ``1 − βᵗ``.
    """
    correction = 1.0 - (bias_power(beta, t) if isinstance(beta, np.ndarray) else python_power(beta, t))
    if dim == 1:
        return correction, True
    if isinstance(correction, np.ndarray):
        return np.divide(1.0, correction), False
    return (1.0 / correction if correction != 0.0 else math.inf), False


def step_lamb(x: np.ndarray, g: np.ndarray, state: State, hp: Hyper, lr: Any, t: int,
              ctx: StepContext) -> None:
    """One step of optax.lamb: ``scale_by_adam`` → ``add_decayed_weights`` → trust ratio → ``-lr``.

    ``u = m̂ / (sqrt(v̂ + ε̄) + ε) + λθ`` is rescaled to the length ``‖θ‖`` (per particle), so each
    step moves θ by the fraction ``γ`` of its own norm.
    """
    beta1, beta2 = hp.betas
    m, v = state["exp_avg"], state["exp_avg_sq"]
    g_sq = np.multiply(g, g)
    m *= beta1
    g *= 1.0 - beta1
    m += g
    g_sq *= 1.0 - beta2  # optax: (1 − β₂)·(g²)
    v *= beta2
    v += g_sq
    # Bias corrections as optax's jitted tree.bias_correction rounds them: XLA turns a division by
    # a broadcast scalar into a multiplication by its reciprocal, so a vector of length ≥ 2 gets
    # moment·(1/(1 − βᵗ)); a length-1 vector (no broadcast) gets the true division.
    m_hat, denom = g, g_sq
    factor, divide = _bias_factors(beta1, t, x.shape[1])
    (np.divide if divide else np.multiply)(m, factor, out=m_hat)
    factor, divide = _bias_factors(beta2, t, x.shape[1])
    (np.divide if divide else np.multiply)(v, factor, out=denom)
    if not is_zero(hp.eps_root):
        denom += hp.eps_root
    np.sqrt(denom, out=denom)
    denom += hp.eps
    u = m_hat
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
    # optax runs both updates inside lax.cond, i.e. as one fused XLA computation, in which the
    # CPU compiler contracts a·b + c into fused multiply-adds (see _fma); which product it fuses
    # depends on whether θ has one coordinate or several. The comments give optax's expression.
    if t == 1:
        np.multiply(norm, norm, out=v)  # optax squares the norm: (sqrt(Σg²))², not Σg²
    elif isinstance(beta2, np.ndarray):
        half = beta2 == 0.5
        if half.any():
            np.copyto(v, np.where(half, _novograd_half_ema(v, norm), _novograd_ema(v, norm, beta2, dim)))
        else:
            _novograd_ema(v, norm, beta2, dim, out=v)
    elif beta2 == 0.5:
        _novograd_half_ema(v, norm, out=v)
    else:
        _novograd_ema(v, norm, beta2, dim, out=v)
    # v is never −0.0 (it is built from squares), so v + 0.0 would be v itself.
    denom = np.sqrt(v) if is_zero(hp.eps_root) else np.sqrt(v + hp.eps_root)
    denom += hp.eps
    weight_decay = hp.weight_decay
    # The momentum β₁m + a is fma(β₁, m, a) = (a, m)·(1, β₁): a goes to momentum_pairs[0] (on the
    # first step m is a itself, so a is written straight into m).
    momentum_pairs = np.empty((2, n, dim))
    a = m if t == 1 else momentum_pairs[0]
    if is_zero(weight_decay):
        if dim == 1:
            np.divide(g, denom, out=a)
        else:  # the division by a broadcast scalar becomes a multiplication by its reciprocal
            np.divide(1.0, denom, out=denom)
            np.multiply(g, denom, out=a)
    else:  # g / denom + λθ
        decay_pairs = np.empty((2, n, dim))
        if dim == 1:  # fma(λ, θ, g / denom) = (g / denom, θ)·(1, λ)
            np.divide(g, denom, out=decay_pairs[0])
            np.copyto(decay_pairs[1], x)
            factors = _factors(weight_decay)
        else:  # fma(g, 1/denom, λθ) = (λθ, g)·(1, 1/denom)
            np.multiply(x, weight_decay, out=decay_pairs[0])
            np.copyto(decay_pairs[1], g)
            factors = np.empty((2, n, 1))
            factors[0] = 1.0
            np.divide(1.0, denom, out=factors[1])
        _fma(decay_pairs, factors, out=a)
    if t > 1:  # β₁m + a
        np.copyto(momentum_pairs[1], m)
        _fma(momentum_pairs, _factors(beta1), out=m)
    np.multiply(m, lr, out=g)
    x -= g


def _novograd_ema(v: np.ndarray, norm: np.ndarray, beta2: Any, dim: int,
                  out: np.ndarray | None = None) -> np.ndarray:
    """NovoGrad's ``(1 − β₂)‖g‖² + β₂v`` with the fused multiply-add XLA puts in it."""
    pairs = np.empty((2,) + v.shape)
    if dim == 1:  # fma(β₂, v, (1 − β₂)‖g‖²)
        np.multiply(norm, norm, out=pairs[0])
        pairs[0] *= 1.0 - beta2
        np.copyto(pairs[1], v)
        return _fma(pairs, _factors(beta2), out=out)
    np.multiply(v, beta2, out=pairs[0])  # fma(1 − β₂, ‖g‖², β₂v)
    np.multiply(norm, norm, out=pairs[1])
    return _fma(pairs, _factors(1.0 - beta2), out=out)


def _novograd_half_ema(v: np.ndarray, norm: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``0.5·‖g‖² + 0.5·v`` for ``β₂ = 0.5``: XLA factors ``c·a + c·b`` into ``c·(a + b)`` for ``c`` a
    power of two, so it computes ``0.5·fma(‖g‖, ‖g‖, v)``, with ``fma = (v, ‖g‖)·(1, ‖g‖)``."""
    operands = np.empty((2, 2) + v.shape)  # (pairs, factors)
    np.copyto(operands[0, 0], v)
    operands[1, 0] = 1.0
    np.copyto(operands[:, 1], norm)
    result = _fma(operands[0], operands[1], out=out)
    result *= 0.5
    return result


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
                       low=0.0, high=0.999, decay_rate=True, symbol=r"\mu"),
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
