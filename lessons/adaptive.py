"""Adaptive learning rates and weight decay, read off the engine's runs.

AdaGrad, RMSprop and Adam divide each coordinate's step by the root of an accumulated square of its
gradients, so every coordinate gets its own *effective learning rate*:

* AdaGrad (Duchi, Hazan and Singer 2011): ``lr / (√(Σ g²) + ε)``; the sum only grows, so the step
  only shrinks;
* RMSprop (Tieleman and Hinton 2012): ``lr / (√v + ε)`` with ``v`` an exponential average of ``g²``
  (decay α): old gradients are forgotten, and the step can grow again;
* Adam (Kingma and Ba 2015): ``lr / (√v̂ + ε)`` applied to the bias-corrected momentum ``m̂``, with
  ``v̂ = v / (1 − β₂ᵗ)``.

Without bias correction Adam's step is ``lr·m/(√v + ε)``; with ``ε = 0`` that is exactly the engine's
Adam at the learning rate ``lr·(1 − β₁ᵗ)/√(1 − β₂ᵗ)`` (the factor undoes both corrections), which is
how :func:`uncorrected_adam` runs it, through the engine, without a second implementation.

Weight decay: Adam's ``weight_decay`` adds ``λθ`` to the gradient (L2), so the decay is divided by
``√v̂`` with the rest; AdamW (Loshchilov and Hutter 2019) shrinks ``θ`` by ``1 − lr·λ`` outside the
adaptive step. L2-Adam without noise ends at the minimum of ``f + ½λ‖θ‖²``; AdamW does not.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from optimizers import Trajectory, run


def effective_lr(trajectory: Trajectory) -> np.ndarray:
    """``(steps, dim)``: the learning rate each coordinate's step was taken with, at steps 1 … T.

    Needs ``record_state=True`` and a path row at every step. AdaGrad multiplies it by ``g``, RMSprop
    by ``g`` (by its momentum buffer when it has momentum), Adam by ``m̂ = m/(1 − β₁ᵗ)``.
    """
    name, hp = trajectory.optimizer, trajectory.hyperparams
    state = trajectory.state
    t = np.asarray(trajectory.path_steps[1:], dtype=np.float64)[:, None]
    lr, eps = float(hp["lr"]), float(hp["eps"])
    if name == "adagrad":
        decayed = lr / (1.0 + (t - 1.0) * float(hp["lr_decay"]))
        return decayed / (np.sqrt(state["sum"][1:, 0]) + eps)
    if name == "rmsprop":
        return lr / (np.sqrt(state["square_avg"][1:, 0]) + eps)
    if name in ("adam", "adamw"):
        beta2 = float(hp["betas"][1])
        v_hat = state["exp_avg_sq"][1:, 0] / (1.0 - beta2 ** t)
        return lr / (np.sqrt(v_hat) + eps)
    raise ValueError(f"no effective learning rate for {name}")


def correction_factor(betas: tuple[float, float], steps: int) -> np.ndarray:
    """``(1 − β₁ᵗ)/√(1 − β₂ᵗ)`` for ``t = 1 … steps``: uncorrected Adam's step over corrected Adam's."""
    beta1, beta2 = betas
    t = np.arange(1, steps + 1, dtype=np.float64)
    return (1.0 - beta1 ** t) / np.sqrt(1.0 - beta2 ** t)


def uncorrected_adam(landscape: Any, steps: int, lr: float, betas: tuple[float, float] = (0.9, 0.999),
                     **options: Any) -> Trajectory:
    """Adam with ε = 0 and no bias correction: the engine's Adam, its lr scaled by
    :func:`correction_factor` at every step (a schedule counts steps from 0)."""
    beta1, beta2 = betas

    def undo(t: int) -> float:
        return (1.0 - beta1 ** (t + 1)) / math.sqrt(1.0 - beta2 ** (t + 1))

    return run("adam", landscape, None, steps, lr=lr, betas=betas, eps=0.0, schedule=undo, **options)


def l2_minimum(landscape: Any, weight_decay: float) -> np.ndarray | None:
    """The minimum of ``f + ½λ‖θ‖²`` on a quadratic ``½θᵀPθ + qᵀθ``: ``(P + λI)θ = −q`` (None elsewhere)."""
    P, q = getattr(landscape, "P", None), getattr(landscape, "q", None)
    if P is None or q is None:
        return None
    return np.linalg.solve(np.asarray(P) + weight_decay * np.eye(len(q)), -np.asarray(q, dtype=np.float64))
