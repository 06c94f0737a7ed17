"""Training small networks with the engine and slicing their loss landscape: what the real-landscape
lesson computes, as plain values (no Streamlit)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from optimizers import Trajectory, run

from .activations import activation
from .data import DATASETS
from .mlp import MLPLandscape
from .slices import Plane, decision_grid, filter_normalized, plane, principal_directions


def network(dataset: str, layers: int, width: int, act: str, loss: str = "cross_entropy",
            batch_norm: bool = False) -> MLPLandscape:
    """The training loss of an MLP with ``layers`` hidden layers of ``width`` units on ``dataset``."""
    data = DATASETS[dataset]()
    sizes = (data.X.shape[1],) + (width,) * layers + (data.classes,)
    return MLPLandscape(data.X, data.y, sizes, activation(act), loss, batch_norm)


@dataclass(frozen=True)
class Trained:
    """One optimizer's training run of the lesson's network."""

    label: str
    trajectory: Trajectory

    @property
    def final(self) -> np.ndarray:
        return self.trajectory.final_x[0]

    @property
    def diverged(self) -> bool:
        return bool(self.trajectory.diverged[0])


@dataclass(frozen=True)
class Study:
    """The runs, the random-direction slice through the first run's end, the plane of its first two
    principal directions, and (for two inputs) its decision boundary."""

    landscape: MLPLandscape
    runs: list[Trained]
    slice: Plane | None
    pca: Plane | None
    pca_share: np.ndarray | None
    boundary: tuple[np.ndarray, np.ndarray, np.ndarray] | None


def train(landscape: MLPLandscape, optimizers: Sequence[tuple[str, str, dict]], steps: int,
          seed: int = 0) -> list[Trained]:
    """Each ``(label, optimizer, hyperparameters)`` from the same initial weights (Kaiming, biases 0)."""
    start = landscape.initial("kaiming", seed)
    return [Trained(label, run(name, landscape, start, steps, **hyper)) for label, name, hyper in optimizers]


def study(landscape: MLPLandscape, runs: list[Trained], span: float = 1.0, resolution: int = 41,
          seed: int = 0, progress: Callable[[float, str], None] | None = None) -> Study:
    """The slices and the boundary around the first run that did not diverge."""
    def say(share: float, text: str) -> None:
        if progress is not None:
            progress(share, text)

    usable = [r for r in runs if not r.diverged]
    if not usable:
        return Study(landscape, runs, None, None, None, None)
    center = usable[0].final
    rng = np.random.default_rng(seed + 1)
    d1, d2 = filter_normalized(landscape, center, rng), filter_normalized(landscape, center, rng)
    say(0.4, "Drawing the loss on a random filter-normalized plane…")
    random_plane = plane(landscape, center, d1, d2, (-span, span), (-span, span), resolution)
    say(0.7, "Drawing the loss on the trajectory's principal plane…")
    path = usable[0].trajectory.path[:, 0]
    u1, u2, share = principal_directions(path)
    coords = (path - center) @ np.column_stack([u1, u2])
    low, high = coords.min(axis=0), coords.max(axis=0)
    pad = 0.2 * np.maximum(high - low, 1e-6)
    pca_plane = plane(landscape, center, u1, u2, (low[0] - pad[0], high[0] + pad[0]),
                      (low[1] - pad[1], high[1] + pad[1]), resolution)
    boundary = decision_grid(landscape, center) if landscape.X.shape[1] == 2 else None
    say(1.0, "Done.")
    return Study(landscape, runs, random_plane, pca_plane, share, boundary)


def sharpness_profile(landscape: MLPLandscape, theta: np.ndarray, seed: int = 0, span: float = 1.0,
                      points: int = 81) -> tuple[np.ndarray, np.ndarray]:
    """The loss along one filter-normalized direction through ``theta``: ``(α, loss)``."""
    direction = filter_normalized(landscape, theta, np.random.default_rng(seed + 7))
    alphas = np.linspace(-span, span, points)
    return alphas, np.asarray(landscape(theta + alphas[:, None] * direction))
