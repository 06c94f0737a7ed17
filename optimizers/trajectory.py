"""The result of :func:`optimizers.run`: whole trajectories for a batch of particles."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Trajectory:
    """Recorded path, loss and divergence of every particle of one run.

    Attributes:
        path: ``(rows, batch, dim)`` iterates at the steps in ``path_steps``; ``path[0]`` is ``x0``
            and ``path[-1]`` the final point.
        loss: ``(rows, batch)`` objective values at the steps in ``loss_steps`` (the true value of
            the landscape, also when maximizing).
        path_steps, loss_steps: the step index of each recorded row.
        diverged: ``(batch,)`` True where the particle's iterate became non-finite or left the
            divergence bound; such a particle is frozen at its last finite point.
        diverged_at: ``(batch,)`` the step whose update diverged, ``-1`` where none did.
        averaged_path: the SWA/EMA average of the iterates at ``path_steps`` (when requested).
        state: optimizer state at ``path_steps`` when ``record_state=True``, each
            ``(rows, batch, k)``; the row for step ``t`` holds the state after step ``t``. Its
            ``"grad"`` entry at step ``t`` is the gradient used for the step from ``path[t]`` (sign
            flipped when maximizing, noised and clipped); at the last step, where no step follows,
            it is the exact gradient there (sign flipped, without noise or clipping).
        optimizer: the optimizer's name; hyperparams: the values used, as resolved.
    """

    path: np.ndarray
    loss: np.ndarray
    path_steps: np.ndarray
    loss_steps: np.ndarray
    diverged: np.ndarray
    diverged_at: np.ndarray
    optimizer: str
    hyperparams: dict[str, Any]
    steps: int
    averaged_path: np.ndarray | None = None
    state: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def final_x(self) -> np.ndarray:
        """``(batch, dim)`` the final iterate of every particle."""
        return self.path[-1]

    @property
    def final_loss(self) -> np.ndarray:
        """``(batch,)`` the objective at the final iterate."""
        return self.loss[-1]

    @property
    def batch(self) -> int:
        """Number of particles."""
        return self.path.shape[1]

    def __len__(self) -> int:
        return self.batch
