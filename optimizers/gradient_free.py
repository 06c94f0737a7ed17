"""Methods that do not use the backpropagated gradient: gradientless descent (random search),
zeroth-order SGD (finite-difference gradient estimates) and forward-gradient descent.

Random numbers come only from ``ctx.normal(t, stream)``, so a particle's path depends only on its
seed (particle ``i`` of ``run(..., seed=s)`` equals ``run(x0[i], ..., seed=s + i)``). Streams:
gradientless uses 1..num_samples, zo_sgd (random estimator) 1..num_directions, forward_gradient
stream 1; the coordinate estimator of zo_sgd draws nothing. Stream 0 is the engine's gradient
noise, which these methods ignore (gradientless, zo_sgd) or inherit (forward_gradient uses g).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .common import lr_param
from .spec import Hyper, HyperParam, OptimizerSpec, State, StepContext


def init(x: np.ndarray, hp: Hyper) -> State:
    """These methods keep no state between steps."""
    return {}


def _values(ctx: StepContext, probes: np.ndarray) -> np.ndarray:
    """The minimized objective at a ``(k, n, dim)`` stack of points, as ``(k, n)``, in one call."""
    k, n, dim = probes.shape
    return np.asarray(ctx.value(probes.reshape(k * n, dim)), dtype=np.float64).reshape(k, n)


# ------------------------------------------------------------------------- gradientless descent

GRADIENTLESS_RULE = r"""
\begin{aligned}
y_i &\leftarrow \theta_{t-1} + r_i\, \frac{z_i}{\lVert z_i\rVert}, \quad z_i \sim \mathcal N(0, I),
  \quad i = 1..K \\
r_i &= \gamma \ \text{(or } \gamma\,2^{1-i} \text{ with binary search)} \\
\theta_t &\leftarrow \begin{cases} \arg\min_i f(y_i) & \min_i f(y_i) < f(\theta_{t-1}) \\
  \theta_{t-1} & \text{otherwise} \end{cases}
\end{aligned}
"""


def step_gradientless(x: np.ndarray, g: np.ndarray, state: State, hp: Hyper, lr: Any, t: int,
                      ctx: StepContext) -> None:
    """One step of gradientless descent (Golovin et al. 2019); the gradient ``g`` is ignored.

    Draw ``K = num_samples`` directions uniformly on the unit sphere (normalized normals of
    streams 1..K), probe ``θ + r·u`` with ``r = lr`` (or ``lr·2^{1−i}`` for the i-th probe with
    ``binary_search``, the paper's search over radii), and move to the best probe only if it
    is strictly lower. ``f`` therefore never increases; a failed step leaves ``θ`` where it is.
    """
    n, dim = x.shape
    count = hp.num_samples
    if count < 1:
        return
    directions = ctx.normal(t, range(1, count + 1))  # (K, n, dim), stream i for probe i
    # |z| > 0 always; a zero draw would give a NaN probe, which is never chosen, just as the
    # probe θ itself could never be chosen (it is not strictly lower than θ).
    directions /= np.sqrt(np.add.reduce(directions * directions, axis=2, keepdims=True))
    if hp.binary_search:
        directions *= np.ldexp(1.0, -np.arange(count))[:, None, None] * lr  # r = lr·2^{1−i}
    else:
        directions *= lr
    probes = directions
    probes += x
    values = _values(ctx, probes)
    # A NaN probe never wins; θ wins ties and stays when f(θ) is NaN: the point moves only to a
    # strictly lower probe. f(θ) is the engine's value at x, computed once per step.
    np.fmin(values, np.inf, out=values)
    choice = np.argmin(values, axis=0)
    if n > 1:
        rows = np.arange(n)
        move = values[choice, rows] < ctx.value_at_x
        x[move] = probes[choice[move], rows[move]]
    elif values[choice[0], 0] < ctx.value_at_x[0]:
        x[...] = probes[choice[0]]


# ----------------------------------------------------------------------------- zeroth-order SGD

ZO_SGD_RULE = r"""
\begin{aligned}
\hat g_t &\leftarrow \frac1K \sum_{i=1}^{K} \frac{f(\theta_{t-1} + \mu u_i) - f(\theta_{t-1})}{\mu}\,u_i,
  \quad u_i \sim \mathcal N(0, I) \\
\text{or } \hat g_{t,j} &\leftarrow \frac{f(\theta_{t-1} + \mu e_j) - f(\theta_{t-1} - \mu e_j)}{2\mu}
  \ \text{(coordinate)} \\
\theta_t &\leftarrow \theta_{t-1} - \gamma\, \hat g_t
\end{aligned}
"""


def step_zo_sgd(x: np.ndarray, g: np.ndarray, state: State, hp: Hyper, lr: Any, t: int,
                ctx: StepContext) -> None:
    """One step of SGD on a zeroth-order gradient estimate; the gradient ``g`` is only a buffer.

    ``estimator="random"`` (Nesterov & Spokoiny): forward differences along ``K`` Gaussian
    directions (streams 1..K), ``ĝ = (1/K) Σ (f(θ+μuᵢ) − f(θ))/μ · uᵢ``, an unbiased estimate of
    the gradient of the Gaussian-smoothed ``f``. ``estimator="coordinate"``: central differences
    along each axis, ``2·dim`` evaluations, exact for quadratics up to rounding. Then
    ``θ ← θ − γ ĝ``. All probes of a step are evaluated in one call.
    """
    n, dim = x.shape
    mu = hp.smoothing
    estimate = g
    if hp.estimator == "coordinate":
        # probes 2j and 2j + 1 are θ ± μ e_j
        probes = np.empty((dim, 2, n, dim))
        probes[:] = x
        axes = np.arange(dim)
        shift = mu[:, 0] if isinstance(mu, np.ndarray) else mu
        probes[axes, 0, :, axes] += shift
        probes[axes, 1, :, axes] -= shift
        values = _values(ctx, probes.reshape(2 * dim, n, dim)).reshape(dim, 2, n)
        np.divide((values[:, 0] - values[:, 1]).T, 2.0 * mu, out=estimate)
    else:
        count = hp.num_directions
        if count < 1:
            return
        directions = ctx.normal(t, range(1, count + 1))  # (K, n, dim), stream i for direction i
        probes = directions * mu
        probes += x
        values = _values(ctx, probes)
        slopes = values - ctx.value_at_x  # f(θ) is the engine's value at x
        directions *= slopes[:, :, None] / mu
        # summed in probe order, as (…(u₁s₁ + u₂s₂) + …)
        estimate = directions[0]
        if count > 1:
            for i in range(1, count):
                estimate += directions[i]
            estimate /= count
    estimate *= lr
    x -= estimate


# ----------------------------------------------------------------------- forward-gradient descent

FORWARD_RULE = r"""
\begin{aligned}
v &\sim \mathcal N(0, I) \\
\hat g_t &\leftarrow \bigl(\nabla f(\theta_{t-1}) \cdot v\bigr)\, v \\
\theta_t &\leftarrow \theta_{t-1} - \gamma\, \hat g_t
\end{aligned}
"""


def step_forward_gradient(x: np.ndarray, g: np.ndarray, state: State, hp: Hyper, lr: Any, t: int,
                          ctx: StepContext) -> None:
    """One step of forward-gradient descent (Baydin et al. 2022).

    ``v`` is a standard normal direction (stream 1); the directional derivative ``∇f·v`` is what
    one forward-mode AD pass (a Jacobian-vector product) yields. Here it is taken as ``g·v`` from
    the engine's exact gradient, which gives the same number. ``ĝ = (∇f·v) v`` is unbiased
    (E[vvᵀ] = I), and ``θ ← θ − γ ĝ``.
    """
    v = ctx.normal(t, 1)
    g *= v
    v *= np.add.reduce(g, axis=1, keepdims=True)
    v *= lr
    x -= v


# ---------------------------------------------------------------------------------------- specs

_GOLOVIN = ("Golovin, Karro, Kochanski, Lee, Song & Zhang, Gradientless Descent: High-Dimensional "
            "Zeroth-Order Optimization (ICLR 2020; arXiv:1911.06317, 2019)")
_NESTEROV = ("Nesterov & Spokoiny, Random Gradient-Free Minimization of Convex Functions, "
             "Foundations of Computational Mathematics 17 (2017)")
_BAYDIN = ("Baydin, Pearlmutter, Syme, Wood & Torr, Gradients without Backpropagation "
           "(arXiv:2202.08587, 2022)")

SPECS = (
    OptimizerSpec(
        name="gradientless", title="Gradientless descent", family="Gradient-free",
        hyperparams=(
            HyperParam("lr", 0.1, "Search radius r: probes lie at this distance (our 'lr' slot; "
                       "a schedule shrinks it)", low=1e-4, high=10.0, log=True, symbol="r"),
            HyperParam("num_samples", 4, "Number of random probes per step (K)", low=1, high=32,
                       kind="int", symbol="K"),
            HyperParam("binary_search", False, "Probe radii r, r/2, r/4, … (the paper's search "
                       "over scales) instead of all at r", kind="bool"),
        ),
        init=init, step=step_gradientless, update_rule=GRADIENTLESS_RULE,
        explanation="No gradient at all: try a few random points on a circle around the current "
                    "point and move to the best one if it is lower, otherwise stay. The value "
                    "never goes up. It cannot overshoot, but it stalls once the radius is larger "
                    "than the valley it sits in; the binary-search variant also tries smaller "
                    "radii.",
        paper=_GOLOVIN, year=2019, reference="paper", state_names=(),
        notes="Probe directions are normalized standard normals, i.e. uniform on the sphere "
              "(±1 in 1-D). No radius decay: use a schedule or binary_search. The engine still "
              "evaluates the gradient for its recording, but the step never reads it.",
    ),
    OptimizerSpec(
        name="zo_sgd", title="Zeroth-order SGD", family="Gradient-free",
        hyperparams=(
            lr_param(1e-3),
            HyperParam("smoothing", 1e-3, "Finite-difference step μ (smoothing radius)", low=1e-8,
                       high=1.0, log=True, symbol=r"\mu"),
            HyperParam("num_directions", 1, "Random directions averaged per step (K)", low=1,
                       high=32, kind="int", symbol="K"),
            HyperParam("estimator", "random", "random: Gaussian directions, forward differences; "
                       "coordinate: central differences along each axis", kind="choice",
                       choices=("random", "coordinate")),
        ),
        init=init, step=step_zo_sgd, update_rule=ZO_SGD_RULE,
        explanation="Estimate the gradient from function values only: compare f a small distance "
                    "μ away along random directions (or along each axis) and step against the "
                    "estimated slope. With one random direction the estimate is right on average "
                    "but very noisy; the coordinate version needs 2·dim evaluations and is "
                    "almost exact.",
        paper=_NESTEROV, year=2017, reference="paper", state_names=(),
        notes="The random estimator is Nesterov & Spokoiny's forward-difference oracle g_μ. The "
              "engine's gradient noise does not enter (the step never reads g).",
    ),
    OptimizerSpec(
        name="forward_gradient", title="Forward gradient", family="Gradient-free",
        hyperparams=(lr_param(1e-3),),
        init=init, step=step_forward_gradient, update_rule=FORWARD_RULE,
        explanation="Forward-mode differentiation gives the slope along one direction for the "
                    "price of a function evaluation, without backpropagation. Pick a random "
                    "direction v, measure the slope ∇f·v, and step along v scaled by it. The "
                    "estimate is unbiased and always points downhill ((∇f·v)² ≥ 0), but it only "
                    "sees the component of the gradient along v, so the path zig-zags.",
        paper=_BAYDIN, year=2022, reference="paper", state_names=(),
        notes="The directional derivative is computed as g·v from the engine's exact gradient "
              "(forward-mode AD would give the same number without forming g), so gradient "
              "noise and clipping apply to it.",
    ),
)
