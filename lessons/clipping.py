"""Gradient clipping and learning-rate schedules, computed by the engine's own functions.

Clipping by value (torch's ``clip_grad_value_``) clamps every component to ``[−c, c]``: the gradient
lands in a box and, when one component is much larger than the others, turns toward the box's
diagonal. Clipping by norm (``clip_grad_norm_``) rescales the whole vector by
``min(1, c/(‖g‖ + 10⁻⁶))``: it lands in a ball and keeps its direction. torch adds the 10⁻⁶, so a
clipped norm is a hair under ``c``.

A schedule multiplies the learning rate at each step (torch.optim.lr_scheduler); reduce-on-plateau
reads the loss, so its curve is the one a given run produced.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from optimizers import make_schedule
from optimizers.clipping import clip_by_norm, clip_by_value


def _angle(a: np.ndarray, b: np.ndarray) -> float:
    """The angle between two vectors in degrees (0 for a zero vector)."""
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    if na == 0 or nb == 0:
        return 0.0
    cosine = float(np.dot(a, b)) / (na * nb)
    return math.degrees(math.acos(max(-1.0, min(1.0, cosine))))


@dataclass(frozen=True)
class Clipped:
    """A gradient and what each kind of clipping makes of it."""

    gradient: np.ndarray
    threshold: float
    by_value: np.ndarray
    by_norm: np.ndarray

    @property
    def value_turn(self) -> float:
        """Degrees between the gradient and its value-clipped version."""
        return _angle(self.gradient, self.by_value)

    @property
    def norm_turn(self) -> float:
        """Degrees between the gradient and its norm-clipped version (0 up to rounding)."""
        return _angle(self.gradient, self.by_norm)


def clip_geometry(gradient: Sequence[float], threshold: float) -> Clipped:
    """``gradient`` clipped by value and by norm at ``threshold`` with the engine's clipping."""
    g = np.asarray(gradient, dtype=np.float64).reshape(1, -1)
    by_value, by_norm = g.copy(), g.copy()
    clip_by_value(by_value, threshold)
    clip_by_norm(by_norm, threshold)
    return Clipped(g[0], float(threshold), by_value[0], by_norm[0])


@dataclass(frozen=True)
class ScheduleCurve:
    """A schedule over a run: the lr multiplier at each step and, for one-cycle with
    ``cycle_momentum``, the momentum it sets (else None)."""

    multiplier: np.ndarray  # (steps,) for steps 1 … T
    momentum: np.ndarray | None


def schedule_curve(schedule: Any, steps: int, losses: Sequence[float] | None = None) -> ScheduleCurve:
    """The multiplier of ``schedule`` (as :func:`optimizers.run` takes it) at each of ``steps`` steps.

    Step ``t`` uses the schedule at ``t − 1`` and the loss before it, ``losses[t − 1]``, as the engine
    does; without ``losses`` a loss-driven schedule sees a constant loss.
    """
    fn = make_schedule(schedule, 1)
    if fn is None:
        return ScheduleCurve(np.ones(steps), None)
    values = np.empty(steps)
    for t in range(steps):
        loss = np.array([losses[t] if losses is not None else 0.0])
        values[t] = float(np.asarray(fn(t, loss)).reshape(-1)[0])
    drive = getattr(fn, "momentum", None)
    momentum = None if drive is None else np.array([float(np.asarray(drive(t)).reshape(-1)[0])
                                                    for t in range(steps)])
    return ScheduleCurve(values, momentum)
