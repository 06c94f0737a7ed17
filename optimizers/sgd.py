"""Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay.

Two momentum conventions: torch's buffer ``b ← μb + g`` (``momentum_form="torch"``, the default)
and the exponential moving average ``b ← μb + (1−μ)g`` of many course notes (``"ema"``). With the
same μ the EMA buffer is ``(1 − μ)`` times torch's at every step, so EMA at lr α is torch at lr
α(1 − μ): the same path, a different meaning of lr.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .common import add_weight_decay, flag_param, is_zero, lr_param, weight_decay_param
from .spec import Hyper, HyperParam, OptimizerSpec, State, StepContext

SGD_RULE = r"""
\begin{aligned}
g_t &\leftarrow \nabla f(\theta_{t-1}) + \lambda \theta_{t-1} \\
b_t &\leftarrow \begin{cases} g_t & t = 1 \\ \mu b_{t-1} + (1-\tau) g_t & t > 1 \end{cases}
  && \text{torch form} \\
b_t &\leftarrow \mu b_{t-1} + (1-\mu)(1-\tau) g_t,\quad b_0 = 0 && \text{EMA form (course notes)} \\
d_t &\leftarrow \begin{cases} g_t + \mu b_t & \text{nesterov, torch form} \\
  (1-\mu) g_t + \mu b_t & \text{nesterov, EMA form} \\ b_t & \text{otherwise} \end{cases} \\
\theta_t &\leftarrow \theta_{t-1} - \gamma d_t
\end{aligned}
"""

#: The two momentum conventions (see the module docstring).
MOMENTUM_FORMS = ("torch", "ema")


def init(x: np.ndarray, hp: Hyper) -> State:
    """Momentum buffer ``b`` (filled on the first step, as in torch)."""
    return {"momentum_buffer": np.zeros_like(x)}


def step(x: np.ndarray, g: np.ndarray, state: State, hp: Hyper, lr: Any, t: int,
         ctx: StepContext) -> None:
    """One step of torch.optim.SGD, or of its EMA form.

    torch form: ``b ← g`` on the first step (no dampening), then ``b ← μ b + (1 − τ) g``; the
    step direction is ``b``, or ``g + μ b`` with Nesterov, and ``θ ← θ − γ·direction``
    (``τ = dampening``).
    EMA form: ``b ← μ b + (1 − μ)(1 − τ) g`` from ``b = 0`` on every step (the course notes'
    ``u ← βu + (1 − β)∇f``, θ ← θ − αu, at τ = 0); Nesterov steps along ``(1 − μ) g + μ b``.

    The EMA form is **not** torch's ``τ = β``: that still puts the raw ``g`` in the buffer on the
    first step, so the two differ from step 1 on. Its exact equivalent in torch's form is
    ``momentum=β, lr=α(1 − β)``: the EMA buffer is ``(1 − β)`` times torch's at every step.
    """
    add_weight_decay(g, x, hp.weight_decay)
    momentum = hp.momentum
    if not is_zero(momentum):
        buf = state["momentum_buffer"]
        ema = hp.momentum_form == "ema"
        if ema:
            buf *= momentum
            buf += ((1.0 - momentum) * (1.0 - hp.dampening)) * g
        elif t == 1:
            np.copyto(buf, g)
        else:
            buf *= momentum
            buf += (1.0 - hp.dampening) * g
        if hp.nesterov:
            direction = ((1.0 - momentum) * g if ema else g) + momentum * buf
        else:
            direction = buf
        if isinstance(momentum, np.ndarray):
            # torch skips the buffer when momentum is 0; per particle that means plain g there.
            direction = np.where(momentum == 0, g, direction)
        g = direction
    x -= lr * g


def _params(lr: float, momentum: float, nesterov: bool) -> tuple[HyperParam, ...]:
    return (
        lr_param(lr),
        HyperParam("momentum", momentum,
                   "Momentum factor μ: b ← μb + (1−dampening)g (torch's convention)",
                   low=0.0, high=0.999, decay_rate=True, symbol=r"\mu"),
        HyperParam("dampening", 0.0,
                   "τ scales the new gradient by (1−τ) from step 2 on (step 1 stores g itself); "
                   "the EMA form b ← μb + (1−μ)g with step α is momentum_form=ema, or torch's "
                   "momentum=μ, lr=α(1−μ) — not τ = μ",
                   low=0.0, high=0.999, decay_rate=True, symbol=r"\tau"),
        weight_decay_param(),
        flag_param("nesterov", nesterov, "Use Nesterov momentum: step along g + μb"),
        HyperParam("momentum_form", "torch",
                   "torch: b ← μb + g (b = g on the first step). EMA: b ← μb + (1−μ)g from b = 0, the "
                   "course notes' form; the same path as torch at lr·(1−μ)",
                   kind="choice", choices=MOMENTUM_FORMS,
                   labels=("torch: b ← μb + g", "EMA (course notes): b ← μb + (1−μ)g"),
                   label="momentum form"),
    )


_PAPER_SGD = "Robbins & Monro, A Stochastic Approximation Method (1951)"
_PAPER_MOMENTUM = "Polyak, Some methods of speeding up the convergence of iteration methods (1964)"
_PAPER_NESTEROV = ("Nesterov (1983); Sutskever et al., On the importance of initialization and "
                   "momentum in deep learning (2013)")

SPECS = (
    OptimizerSpec(
        name="sgd", title="SGD", family="SGD", hyperparams=_params(1e-3, 0.0, False),
        init=init, step=step, update_rule=SGD_RULE,
        explanation="Step straight down the gradient. Small steps crawl; large ones oscillate or "
                    "diverge. Momentum and Nesterov are options of the same optimizer.",
        paper=_PAPER_SGD, year=1951, state_names=("momentum_buffer",),
    ),
    OptimizerSpec(
        name="momentum", title="SGD + momentum", family="SGD", hyperparams=_params(1e-3, 0.9, False),
        init=init, step=step, update_rule=SGD_RULE,
        explanation="Heavy ball: the buffer accumulates past gradients, so consistent directions "
                    "speed up and oscillating ones cancel. torch.optim.SGD with momentum=0.9.",
        paper=_PAPER_MOMENTUM, year=1964, state_names=("momentum_buffer",),
    ),
    OptimizerSpec(
        name="nesterov", title="Nesterov (NAG)", family="SGD", hyperparams=_params(1e-3, 0.9, True),
        init=init, step=step, update_rule=SGD_RULE,
        explanation="Nesterov's accelerated gradient in torch's form: the step looks ahead along "
                    "the momentum, which damps overshooting. torch.optim.SGD with nesterov=True.",
        paper=_PAPER_NESTEROV, year=1983, state_names=("momentum_buffer",),
    ),
)
