"""Rprop: per-coordinate step sizes driven only by the sign of the gradient."""

from __future__ import annotations

from typing import Any

import numpy as np

from .common import lr_param
from .spec import Hyper, HyperParam, OptimizerSpec, State, StepContext

RPROP_RULE = r"""
\begin{aligned}
s_t &\leftarrow \operatorname{sign}(g_t\, g_{t-1}) \\
\Delta_t &\leftarrow \operatorname{clip}\Bigl(\Delta_{t-1} \cdot
  \begin{cases} \eta_+ & s_t > 0 \\ \eta_- & s_t < 0 \\ 1 & s_t = 0 \end{cases},\
  \Delta_{\min}, \Delta_{\max}\Bigr), \qquad \Delta_0 = \gamma,\ g_0 = 0 \\
g_t &\leftarrow 0 \quad \text{where } s_t < 0 \ \text{(the sign flipped: skip this coordinate once)} \\
\theta_t &\leftarrow \theta_{t-1} - \operatorname{sign}(g_t)\, \Delta_t
\end{aligned}
"""


def init(x: np.ndarray, hp: Hyper) -> State:
    """The previous (masked) gradient ``prev`` and the per-coordinate ``step_size``.

    torch fills ``step_size`` with the learning rate on the first step; so does :func:`step`, with
    the scheduled rate of step 1.
    """
    return {"prev": np.zeros_like(x), "step_size": np.zeros_like(x)}


def _replace(values: np.ndarray, mask: np.ndarray, new: Any) -> None:
    """``values[mask] = new`` for a scalar or a per-particle ``(n, 1)`` ``new``."""
    if isinstance(new, np.ndarray):
        np.copyto(values, new, where=mask)
    else:
        values[mask] = new


def step(x: np.ndarray, g: np.ndarray, state: State, hp: Hyper, lr: Any, t: int,
         ctx: StepContext) -> None:
    """One step of torch.optim.Rprop (single-tensor path).

    The step size grows by ``η₊`` while the gradient keeps its sign and shrinks by ``η₋`` when it
    flips, clamped to ``step_sizes``, also on the first step (``Δ₀ = lr``, sign product 0 → factor
    1). After a flip the coordinate does not move and its stored gradient is zeroed, so the next
    step counts as "no sign information". The factor is assigned in torch's order (``> 0`` → η₊,
    then ``< 0`` → η₋, then ``= 0`` → 1) and the gradient is zeroed where the factor equals η₋.
    """
    etaminus, etaplus = hp.etas
    step_size_min, step_size_max = hp.step_sizes
    prev, step_size = state["prev"], state["step_size"]
    if t == 1:
        step_size[...] = lr
    factor = np.multiply(g, prev)
    np.sign(factor, out=factor)
    _replace(factor, factor > 0, etaplus)
    _replace(factor, factor < 0, etaminus)
    _replace(factor, factor == 0, 1.0)
    step_size *= factor
    np.minimum(np.maximum(step_size, step_size_min, out=step_size), step_size_max, out=step_size)
    g[factor == etaminus] = 0.0
    np.copyto(prev, g)
    np.sign(g, out=g)
    g *= step_size
    x -= g


SPECS = (
    OptimizerSpec(
        name="rprop", title="Rprop", family="Sign-based",
        hyperparams=(
            lr_param(1e-2, low=1e-6, high=10.0),
            HyperParam("etas", (0.5, 1.2),
                       "Step-size factors (η₋, η₊): shrink on a sign flip, grow while the sign holds",
                       low=0.05, high=2.0, kind="pair", labels=("η₋", "η₊"), symbol=r"\eta"),
            HyperParam("step_sizes", (1e-6, 50.0), "Smallest and largest allowed step size",
                       low=1e-8, high=100.0, log=True, kind="pair", labels=("Δ_min", "Δ_max"),
                       symbol=r"\Delta"),
        ),
        init=init, step=step, update_rule=RPROP_RULE,
        explanation="Ignores the gradient's size and uses only its sign: each coordinate has its "
                    "own step size that grows while the sign stays the same and shrinks when it "
                    "flips. The learning rate is only the initial step size.",
        paper="Riedmiller & Braun, A Direct Adaptive Method for Faster Backpropagation Learning: "
              "The RPROP Algorithm (IEEE International Conference on Neural Networks 1993)",
        year=1993, reference="torch", state_names=("prev", "step_size"),
        notes="torch's variant: after a sign change the coordinate is not moved and its stored "
              "gradient is zeroed, without reverting the previous step (iRprop⁻ in Igel & Hüsken, "
              "2000). Rprop has no weight decay in torch.",
    ),
)
