"""Memory-efficient adaptive methods from optax: Adafactor and SM3.

Both save memory on *matrices* (Adafactor keeps row and column averages of g², SM3 one
accumulator per row and per column). A particle here is a vector of 1 or 2 coordinates, so neither
ever factors: optax.adafactor only factors dimensions of at least ``min_dim_size_to_factor = 128``,
and SM3 on a vector keeps one accumulator per coordinate. What remains is each method's particular
step rule, which is what these specs reproduce exactly.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from .common import flag_param, is_zero, lr_param
from .spec import Hyper, HyperParam, OptimizerSpec, State, StepContext

# ---------------------------------------------------------------------------------------- Adafactor

ADAFACTOR_RULE = r"""
\begin{aligned}
\hat\beta_{2,t} &\leftarrow 1 - (t - k)^{-c} \\
v_t &\leftarrow \hat\beta_{2,t} v_{t-1} + (1-\hat\beta_{2,t})(g_t^2 + \epsilon) \\
u_t &\leftarrow g_t / \sqrt{v_t} \\
u_t &\leftarrow u_t / \max\!\left(1, \operatorname{RMS}(u_t)/d\right) \\
u_t &\leftarrow \gamma\, u_t \cdot \max\!\left(\operatorname{RMS}(\theta_{t-1}), 10^{-3}\right)
  \quad \text{(parameter scale)} \\
m_t &\leftarrow \beta_1 m_{t-1} + (1-\beta_1) u_t, \quad u_t \leftarrow m_t
  \quad \text{(if momentum } \beta_1 > 0) \\
\theta_t &\leftarrow \theta_{t-1} - (u_t + \lambda\theta_{t-1})
\end{aligned}
"""


@lru_cache(maxsize=8192)  # bounded: a long-running server sees many rates and step counts
def _decay_pair(rate: float, step: int) -> tuple[float, float]:
    """``(β̂₂, 1 − β̂₂)`` for one decay rate at ``step = t − offset``, computed in float32."""
    one = np.float32(1.0)
    decay = one - np.float32(np.float32(step) ** np.float32(-rate))
    return float(decay), float(one - decay)


def _decay_schedule(decay_rate: Any, t: int, offset: int) -> tuple[Any, Any]:
    """``(β̂₂, 1 − β̂₂)`` with ``β̂₂ = 1 − (t − offset)^(−decay_rate)``, in float32 as optax computes it.

    optax's ``_decay_rate_pow`` casts the step to float32, so the decay and its complement are
    float32 numbers (then widened exactly to float64). Arrays go value by value through the same
    scalar float32 path, so a per-particle decay rate equals separate scalar runs.
    """
    if isinstance(decay_rate, np.ndarray):
        values, inverse = np.unique(decay_rate, return_inverse=True)
        pairs = np.array([_decay_pair(float(r), t - offset) for r in values]).reshape(-1, 2)
        decay = pairs[inverse.reshape(-1), 0].reshape(decay_rate.shape)
        complement = pairs[inverse.reshape(-1), 1].reshape(decay_rate.shape)
        return decay, complement
    return _decay_pair(float(decay_rate), t - offset)


def _row_rms(a: np.ndarray) -> np.ndarray:
    """Root mean square of every row (last axis), keeping that axis: ``sqrt(sum(a²)/dim)`` as
    jnp.mean does. ``(n, dim) → (n, 1)``; a stack ``(2, n, dim) → (2, n, 1)`` reduces each row alike."""
    mean = np.add.reduce(np.multiply(a, a), axis=-1, keepdims=True)
    if a.shape[-1] != 1:
        mean /= float(a.shape[-1])
    return np.sqrt(mean, out=mean)


#: Blocks of at most this many particles take the stacked path of step_adafactor.
_STACK_ROWS = 256


@lru_cache(maxsize=64)
def _clip_and_scale_constants(threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Read-only ``(2, 1, 1)`` constants for the stacked ``(RMS(u), RMS(θ))``: the divisors
    ``(d, 1)`` and the lower bounds ``(1, 1e-3)``."""
    divisors = np.array([threshold, 1.0]).reshape(2, 1, 1)
    floors = np.array([1.0, 1e-3]).reshape(2, 1, 1)
    divisors.flags.writeable = floors.flags.writeable = False
    return divisors, floors


def _divide_rows(a: np.ndarray, denom: np.ndarray) -> None:
    """``a ← a / denom`` for an ``(n, 1)`` denominator (overwritten), rounded as XLA does: for rows of
    length ≥ 2 the division by a broadcast scalar becomes a multiplication by its reciprocal."""
    if a.shape[1] == 1:
        a /= denom
    else:
        a *= np.divide(1.0, denom, out=denom)


def init_adafactor(x: np.ndarray, hp: Hyper) -> State:
    """Unfactored second moment ``exp_avg_sq`` and the momentum ``exp_avg`` (used if momentum > 0)."""
    return {"exp_avg_sq": np.zeros_like(x), "exp_avg": np.zeros_like(x)}


def step_adafactor(x: np.ndarray, g: np.ndarray, state: State, hp: Hyper, lr: Any, t: int,
                   ctx: StepContext) -> None:
    """One step of optax.adafactor on an unfactored vector.

    Chain: ``scale_by_factored_rms`` (``v`` with the increasing decay ``1 − t^(−c)``, then
    ``g/√v``) → ``clip_by_block_rms(d)`` → ``×lr`` → ``×max(RMS(θ), 1e-3)`` → momentum ``ema``
    (kept in float64 like everything else, i.e. optax with ``dtype_momentum=jnp.float64``; optax's
    default would round the accumulator to float32) → ``+λθ`` → ``−1``.
    Weight decay is not multiplied by the learning rate. ``clipping_threshold ≤ 0`` disables the
    clipping (optax's None), ``momentum = 0`` and ``weight_decay = 0`` switch those parts off.
    """
    v = state["exp_avg_sq"]
    decay, complement = _decay_schedule(hp.decay_rate, t, hp.decay_offset)
    g_sq = np.multiply(g, g)
    g_sq += hp.eps
    g_sq *= complement
    v *= decay
    v += g_sq
    threshold = hp.clipping_threshold
    clip = isinstance(threshold, np.ndarray) or threshold > 0.0
    scale = hp.multiply_by_parameter_scale
    if clip and scale and not isinstance(threshold, np.ndarray) and x.shape[0] <= _STACK_ROWS:
        # The default path on a small block: RMS(u) and RMS(θ) computed stacked (u written next
        # to a copy of θ), so that each operation on these (n, 1) numbers is one NumPy call for
        # both. On a large block the extra copy of θ costs more than the calls it saves.
        work = np.empty((2,) + x.shape)
        update = np.float_power(v, -0.5, out=work[0])  # libm pow, as XLA; np.power may use SIMD
        update *= g
        np.copyto(work[1], x)
        rms = _row_rms(work)
        divisors, floors = _clip_and_scale_constants(threshold)
        rms /= divisors  # (RMS(u)/d, RMS(θ)/1): the division by 1 is exact
        np.maximum(rms, floors, out=rms)  # (max(RMS(u)/d, 1), max(RMS(θ), 1e-3))
        _divide_rows(update, rms[0])
        update *= lr
        update *= rms[1]  # optax: where(rms <= 1e-3, 1e-3, rms), as np.maximum also keeps NaN
    else:
        update = np.float_power(v, -0.5, out=g_sq)
        update *= g
        if isinstance(threshold, np.ndarray):
            positive = threshold > 0.0
            denom = np.maximum(1.0, _row_rms(update) / np.where(positive, threshold, 1.0))
            _divide_rows(update, np.where(positive, denom, 1.0))
        elif clip:
            _divide_rows(update, np.maximum(1.0, _row_rms(update) / threshold))
        update *= lr
        if scale:
            update *= np.maximum(_row_rms(x), 1e-3)
    momentum = hp.momentum
    if not is_zero(momentum):
        ema = state["exp_avg"]
        ema *= momentum
        update *= 1.0 - momentum
        update += ema
        np.copyto(ema, update)
    if not is_zero(hp.weight_decay):
        update += hp.weight_decay * x
    x -= update


# ---------------------------------------------------------------------------------------------- SM3

SM3_RULE = r"""
\begin{aligned}
a_t &\leftarrow a_{t-1} + g_t^2 \\
u_t &\leftarrow g_t / \sqrt{a_t + \epsilon} \quad (0 \text{ where } a_t = 0) \\
m_t &\leftarrow \mu m_{t-1} + (1-\mu) u_t \\
\theta_t &\leftarrow \theta_{t-1} - \gamma m_t
\end{aligned}
"""


def init_sm3(x: np.ndarray, hp: Hyper) -> State:
    """One accumulator of squared gradients per coordinate, and the momentum."""
    return {"accumulator": np.zeros_like(x), "momentum_buffer": np.zeros_like(x)}


def step_sm3(x: np.ndarray, g: np.ndarray, state: State, hp: Hyper, lr: Any, t: int,
             ctx: StepContext) -> None:
    """One step of optax.sm3 (``scale_by_sm3(b1=momentum, b2=1, eps)`` → ``×(−lr)``) on a vector.

    For a vector SM3's cover sets are single coordinates, so ``a`` is AdaGrad's running sum of
    ``g²``; the normalised gradient then goes through an EMA momentum.
    """
    a, m = state["accumulator"], state["momentum_buffer"]
    scale = np.multiply(g, g)
    a += scale  # optax: 1.0·g² + 1.0·a (β₂ = 1)
    np.add(a, hp.eps, out=scale)
    np.float_power(scale, -0.5, out=scale)  # optax: rsqrt(a + ε) where a > 0, else 0
    if not np.all(a > 0.0):
        scale[~(a > 0.0)] = 0.0
    g *= scale
    momentum = hp.momentum
    m *= momentum
    g *= 1.0 - momentum
    m += g
    np.multiply(m, lr, out=g)
    x -= g


# -------------------------------------------------------------------------------------------- specs

_NO_FACTOR = (" A particle's θ is a vector far below optax's min_dim_size_to_factor = 128, so here it "
              "runs unfactored: one second-moment entry per coordinate.")

SPECS = (
    OptimizerSpec(
        name="adafactor", title="Adafactor", family="Memory-efficient",
        hyperparams=(
            lr_param(1e-2, high=10.0),
            HyperParam("decay_rate", 0.8, "c: the second moment decays with β̂₂ = 1 − t^(−c)",
                       low=0.0, high=1.0, symbol="c"),
            HyperParam("decay_offset", 0, "k: the decay schedule starts at step k (t − k)",
                       low=0, high=100, kind="int", symbol="k"),
            flag_param("multiply_by_parameter_scale", True,
                       "Scale the step by max(RMS(θ), 1e-3): relative instead of absolute steps"),
            HyperParam("clipping_threshold", 1.0, "d: clip the normalised step to RMS ≤ d (≤ 0: off)",
                       low=0.0, high=10.0, symbol="d"),
            HyperParam("momentum", 0.0, "β₁ of an optional EMA of the steps (0: off)",
                       low=0.0, high=0.999, decay_rate=True, symbol=r"\beta_1"),
            HyperParam("weight_decay", 0.0, "λθ subtracted each step, NOT multiplied by lr (0: off)",
                       low=0.0, high=1.0, symbol=r"\lambda"),
            HyperParam("eps", 1e-30, "Added to g² before averaging", low=1e-40, high=1e-2, log=True,
                       symbol=r"\epsilon"),
        ),
        init=init_adafactor, step=step_adafactor, update_rule=ADAFACTOR_RULE,
        explanation="RMSProp-like steps with a second-moment decay that grows over time, clipped "
                    "in RMS and scaled by the size of θ; on matrices it stores only row and column "
                    "averages." + _NO_FACTOR,
        paper="Shazeer & Stern, Adafactor: Adaptive Learning Rates with Sublinear Memory Cost "
              "(ICML 2018)",
        year=2018, reference="optax", state_names=("exp_avg_sq", "exp_avg"),
    ),
    OptimizerSpec(
        name="sm3", title="SM3", family="Memory-efficient",
        hyperparams=(
            lr_param(1e-2, high=10.0),
            HyperParam("momentum", 0.9, "β₁ of the EMA momentum of the normalised gradient",
                       low=0.0, high=0.999, decay_rate=True, symbol=r"\mu"),
            HyperParam("eps", 1e-8, "Added to the accumulator inside the root", low=1e-12, high=1.0,
                       log=True, symbol=r"\epsilon"),
        ),
        init=init_sm3, step=step_sm3, update_rule=SM3_RULE,
        explanation="AdaGrad that, on matrices, shares accumulators across rows and columns to save "
                    "memory, followed by momentum. On a particle's small vector every coordinate "
                    "keeps its own accumulator, so it is AdaGrad with EMA momentum.",
        paper="Anil, Gupta, Koren & Singer, Memory-Efficient Adaptive Optimization (NeurIPS 2019)",
        year=2019, reference="optax", state_names=("accumulator", "momentum_buffer"),
    ),
)
