"""Small classification data sets, generated with a fixed seed or shipped inside Plotly (no downloads).

Each is ``(X, y)``: ``X`` ``(n, features)`` standardized to mean 0 and unit variance per feature, ``y``
``(n,)`` integer classes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Dataset:
    """A classification data set: inputs, classes, and what they are called."""

    name: str
    title: str
    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...]

    @property
    def classes(self) -> int:
        return len(self.class_names)


def _standardize(X: np.ndarray) -> np.ndarray:
    return (X - X.mean(axis=0)) / X.std(axis=0)


def _two_classes(name: str, title: str, first: np.ndarray, second: np.ndarray, noise: float, seed: int,
                 class_names: tuple[str, str]) -> Dataset:
    """Two point clouds ``(k, 2)`` as classes 0 and 1, with Gaussian jitter of ``noise``, standardized."""
    X = np.concatenate([first, second])
    X = X + np.random.default_rng(seed).normal(0.0, noise, X.shape)
    y = np.concatenate([np.zeros(len(first), dtype=np.int64), np.ones(len(second), dtype=np.int64)])
    return Dataset(name, title, _standardize(X), y, ("x₁", "x₂"), class_names)


def moons(n: int = 200, noise: float = 0.15, seed: int = 0) -> Dataset:
    """Two interleaving half circles (as scikit-learn's make_moons draws them)."""
    half = n // 2
    t_out, t_in = np.linspace(0, np.pi, half), np.linspace(0, np.pi, n - half)
    return _two_classes("moons", "Two moons", np.column_stack([np.cos(t_out), np.sin(t_out)]),
                        np.column_stack([1 - np.cos(t_in), 0.5 - np.sin(t_in)]), noise, seed,
                        ("upper moon", "lower moon"))


def circles(n: int = 200, noise: float = 0.1, factor: float = 0.5, seed: int = 0) -> Dataset:
    """A ring around a smaller ring."""
    half = n // 2
    t_out = np.linspace(0, 2 * np.pi, half, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n - half, endpoint=False)
    return _two_classes("circles", "Circles", np.column_stack([np.cos(t_out), np.sin(t_out)]),
                        factor * np.column_stack([np.cos(t_in), np.sin(t_in)]), noise, seed,
                        ("outer ring", "inner ring"))


def spirals(n: int = 200, noise: float = 0.2, turns: float = 1.5, seed: int = 0) -> Dataset:
    """Two interleaved spirals: hard for a small network."""
    half = n // 2
    t = np.linspace(0.25, 1.0, half) * turns * 2 * np.pi
    arm = np.column_stack([t * np.cos(t), t * np.sin(t)]) / (turns * 2 * np.pi)
    return _two_classes("spirals", "Spirals", arm, -arm, noise / 5, seed, ("spiral A", "spiral B"))


def iris() -> Dataset:
    """Fisher's iris flowers (150 × 4 measurements, 3 species), as Plotly ships them."""
    import plotly.data

    frame = plotly.data.iris()
    features = ("sepal_length", "sepal_width", "petal_length", "petal_width")
    species = tuple(sorted(frame["species"].unique()))
    y = frame["species"].map({s: k for k, s in enumerate(species)}).to_numpy(dtype=np.int64)
    X = _standardize(frame[list(features)].to_numpy(dtype=np.float64))
    return Dataset("iris", "Iris (4 features)", X, y, features, species)


#: Every data set by name, in menu order.
DATASETS: dict[str, Callable[[], Dataset]] = {"moons": moons, "circles": circles, "spirals": spirals,
                                              "iris": iris}
