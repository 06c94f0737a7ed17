"""Loss-landscape slices through weight space (Li, Xu, Taylor, Studer and Goldstein, Visualizing the
Loss Landscape of Neural Nets, NeurIPS 2018).

A random direction in weight space means little when layers have different scales, so Li et al.
*filter-normalize* it: each filter of the direction (for a fully connected layer, each unit's
incoming weights, a row of ``W``) is rescaled to the norm of the same filter of the trained weights,
and the directions of the biases are set to zero. The loss is then drawn on the plane
``θ* + α d₁ + β d₂``. A trajectory ``θ₀ … θ_T`` is drawn on that plane by projecting ``θ_t − θ*``
onto it, or, as Li et al. do for trajectories, on the plane of its first two principal directions
(random directions in a high-dimensional space are nearly orthogonal to any path).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .mlp import MLPLandscape


def filter_normalized(landscape: MLPLandscape, theta: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A Gaussian direction with each unit's incoming weights scaled to that unit's norm in ``theta``,
    and zero on the biases."""
    direction = np.zeros(landscape.dim)
    for layer in landscape.layers:
        w = theta[layer.weights].reshape(layer.fan_out, layer.fan_in)
        d = rng.standard_normal(w.shape)
        norms = np.linalg.norm(d, axis=1, keepdims=True)
        d *= np.linalg.norm(w, axis=1, keepdims=True) / np.where(norms > 0, norms, 1.0)
        direction[layer.weights] = d.ravel()
    return direction


@dataclass(frozen=True)
class Plane:
    """The loss on ``center + a·d₁ + b·d₂`` over a grid of ``(a, b)``."""

    center: np.ndarray
    d1: np.ndarray
    d2: np.ndarray
    a: np.ndarray  # (resolution,)
    b: np.ndarray  # (resolution,)
    loss: np.ndarray  # (resolution, resolution): rows along b, columns along a

    def coordinates(self, points: np.ndarray) -> np.ndarray:
        """Least-squares coordinates ``(a, b)`` of each point ``(n, dim)`` relative to the center."""
        basis = np.column_stack([self.d1, self.d2])
        coords, *_ = np.linalg.lstsq(basis, (np.atleast_2d(points) - self.center).T, rcond=None)
        return coords.T


def plane(landscape: MLPLandscape, center: np.ndarray, d1: np.ndarray, d2: np.ndarray,
          a_range: tuple[float, float], b_range: tuple[float, float], resolution: int = 41) -> Plane:
    """The loss over a ``resolution``² grid of the plane, in one batched evaluation."""
    a = np.linspace(*a_range, resolution)
    b = np.linspace(*b_range, resolution)
    aa, bb = np.meshgrid(a, b)
    points = center + aa.reshape(-1, 1) * d1 + bb.reshape(-1, 1) * d2
    return Plane(center, d1, d2, a, b, np.asarray(landscape(points)).reshape(resolution, resolution))


def principal_directions(path: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The first two principal directions of ``θ_t − θ_T`` over a path ``(T + 1, dim)`` (unit vectors),
    and the share of the path's variance each explains."""
    moves = np.asarray(path) - np.asarray(path)[-1]
    _, singular, vt = np.linalg.svd(moves, full_matrices=False)
    share = singular ** 2 / max(float(np.sum(singular ** 2)), 1e-300)
    return vt[0], vt[1], share[:2]


def decision_grid(landscape: MLPLandscape, theta: np.ndarray, resolution: int = 101,
                  margin: float = 0.5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For a two-input network: a grid over the data's range and the predicted probability of class 1
    (softmax) at each point ``(resolution, resolution)``, rows along x₂."""
    X = landscape.X
    xs = np.linspace(X[:, 0].min() - margin, X[:, 0].max() + margin, resolution)
    ys = np.linspace(X[:, 1].min() - margin, X[:, 1].max() + margin, resolution)
    gx, gy = np.meshgrid(xs, ys)
    out = landscape.outputs(theta[None, :], np.column_stack([gx.ravel(), gy.ravel()]))[0]
    out = out - out.max(axis=1, keepdims=True)
    p = np.exp(out) / np.exp(out).sum(axis=1, keepdims=True)
    return xs, ys, p[:, 1].reshape(resolution, resolution)
