"""Feeding an optimizer gradients you choose, as optax's ``update(grads, state)`` does.

:func:`run` asks a landscape for each gradient. Sometimes the gradients are the point: the lesson on
moving averages feeds a fixed sequence (a week of sales) to SGD's momentum buffer to show that it is
an exponential moving average. :func:`replay` steps the same step function the engine uses, so there
is still one implementation of every optimizer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from . import registry
from .hyperparams import block, resolve
from .noise import NormalSource, particle_keys
from .spec import Hyper, OptimizerSpec, StepContext


@dataclass(frozen=True)
class Replay:
    """What an optimizer did with the given gradients.

    ``x`` is ``(steps + 1, dim)``: the start, then the iterate after each step. ``state`` holds each
    state entry after each step, ``(steps, dim)`` (row ``t − 1`` is after step ``t``).
    """

    x: np.ndarray
    state: dict[str, np.ndarray]

    @property
    def updates(self) -> np.ndarray:
        """``(steps, dim)``: ``x_t − x_{t−1}``, the step each gradient caused."""
        return np.diff(self.x, axis=0)


def _unavailable(what: str) -> Any:
    def fail(x: np.ndarray) -> np.ndarray:
        raise ValueError(f"replay feeds given gradients only: this optimizer needs the function's {what}")

    return fail


def replay(optimizer: str | OptimizerSpec, gradients: Any, x0: Any = 0.0, **hyperparams: Any) -> Replay:
    """Step ``optimizer`` from ``x0`` with ``gradients[t − 1]`` as the gradient of step ``t``.

    Args:
        optimizer: a registry name or spec; one that needs the function itself (its value or Hessian,
            as Newton's method and line searches do) raises ValueError.
        gradients: ``(steps,)`` for one coordinate or ``(steps, dim)``.
        x0: the start, a scalar or ``(dim,)``.
        **hyperparams: as for :func:`optimizers.run` (torch.optim names), scalars only.

    >>> replay("sgd", [100.0, 114.0], lr=1.0, momentum=0.7).state["momentum_buffer"][:, 0].tolist()
    [100.0, 184.0]
    """
    spec = registry.get_optimizer(optimizer) if isinstance(optimizer, str) else optimizer
    if spec.specialize is not None:
        spec = spec.specialize(hyperparams)
    grads = np.asarray(gradients, dtype=np.float64)
    grads = grads[:, None] if grads.ndim == 1 else grads
    if grads.ndim != 2 or not np.all(np.isfinite(grads)):
        raise ValueError("gradients must be a finite (steps,) or (steps, dim) array")
    dim = grads.shape[1]
    x = np.array(np.broadcast_to(np.asarray(x0, dtype=np.float64), (dim,)), dtype=np.float64)[None, :]
    hp = Hyper(block(resolve(spec, hyperparams, 1), 0, 1))
    ctx = StepContext(value=_unavailable("value"), grad=_unavailable("gradient"),
                      hessian=_unavailable("Hessian"), normal=NormalSource(particle_keys(0, 1), dim))
    state = spec.init(x, hp)
    path, states = [x[0].copy()], {name: [] for name in state}
    for t, g in enumerate(grads, start=1):
        spec.step(x, g[None, :].copy(), state, hp, hp.get("lr", 1.0), t, ctx)
        path.append(x[0].copy())
        for name, value in state.items():
            states.setdefault(name, []).append(np.array(value, dtype=np.float64).reshape(-1)[:dim])
    return Replay(np.array(path), {name: np.array(rows) for name, rows in states.items() if rows})
