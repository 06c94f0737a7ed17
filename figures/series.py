"""A labelled, coloured trajectory: what every figure draws (particle 0 of the run)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from optimizers import Trajectory

from .style import COLOUR_NAMES, MARKERS, PALETTE


@dataclass(frozen=True)
class Series:
    """One optimizer run to draw: its label, trajectory (particle 0 is drawn), colour and marker symbol."""

    label: str
    trajectory: Trajectory
    colour: str
    marker: str

    @property
    def path(self) -> np.ndarray:
        """``(rows, dim)`` the iterates of particle 0 at ``trajectory.path_steps``."""
        return self.trajectory.path[:, 0, :]

    @property
    def start(self) -> np.ndarray:
        """``(dim,)`` the start point."""
        return self.trajectory.path[0, 0, :]

    @property
    def diverged_at(self) -> int | None:
        """The step whose update diverged, or None when the run stayed finite."""
        if not bool(self.trajectory.diverged[0]):
            return None
        return int(self.trajectory.diverged_at[0])

    def divergence_row(self, steps: np.ndarray) -> int | None:
        """Return the first row of ``steps`` at or after the divergence (None when there is none).

        From that row on the engine holds the particle frozen at its last finite point, so later rows
        add nothing to a drawing.
        """
        step = self.diverged_at
        if step is None or len(steps) == 0:
            return None
        return int(min(np.searchsorted(steps, step, side="left"), len(steps) - 1))

    def state_rows(self) -> dict[str, np.ndarray]:
        """Return each recorded optimizer-state entry of particle 0, ``name -> (rows, k)``."""
        return {name: np.asarray(values)[:, 0, :] for name, values in self.trajectory.state.items()}


def styled_series(items: Sequence[tuple[str, Trajectory]],
                  colours: Sequence[str | None] = ()) -> list[Series]:
    """Return one :class:`Series` per ``(label, trajectory)``, with palette colours and markers in order.

    ``colours`` may name a palette colour per item (:data:`figures.style.COLOUR_NAMES`); an item
    without one (None, or beyond the list) takes the palette colour of its position.
    """
    named = dict(zip(COLOUR_NAMES, PALETTE, strict=True))
    return [
        Series(label, trajectory,
               named.get(colours[i] if i < len(colours) else None, PALETTE[i % len(PALETTE)]),
               MARKERS[i % len(MARKERS)])
        for i, (label, trajectory) in enumerate(items)
    ]
