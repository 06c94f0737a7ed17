"""The quadratic ``½ θᵀPθ + qᵀθ`` of the course notes, with an adjustable condition number and tilt."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .base import Landscape, Point, as_points, silenced


def _num(v: float) -> str:
    """A matrix entry for LaTeX: four significant digits, no ``-0``."""
    return f"{v + 0.0:.4g}"


class Quadratic(Landscape):
    """``f(θ) = ½ θᵀPθ + qᵀθ`` in 2-D, its gradient ``Pθ + q`` and its constant Hessian ``P``.

    ``P`` is built from its eigen-decomposition: eigenvalues ``scale`` and ``scale · condition``,
    the eigenvector of the smaller one (the flat direction) at ``angle`` degrees from the x-axis.
    Alternatively give ``P`` itself (2×2 symmetric, any signature). The stationary point
    ``−P⁻¹q`` is a minimum when ``P`` is positive definite, a maximum when it is negative definite
    and a saddle otherwise; a singular ``P`` has no isolated stationary point.

    The view is a square of half-width 3.5 around the stationary point (level sets of ``c · f``
    are those of ``f``, so one window fits every scale); the start sits 2.5 out along the flat
    direction and 1.25 along the steep one, so gradient descent both zigzags and creeps.
    """

    name = "quadratic"
    title = "Quadratic"
    dim = 2
    HALF_WIDTH = 3.5
    START_OFFSET = (-2.5, 1.25)  # (flat, steep) eigen-coordinates of the start, from the centre

    def __init__(self, condition: float | None = None, angle: float | None = None,
                 scale: float | None = None, q: Any = (0.0, 0.0), P: Any = None) -> None:
        if P is not None:
            if condition is not None or angle is not None or scale is not None:
                raise ValueError("give either P or condition/angle/scale, not both")
            P = np.array(P, dtype=np.float64)
            if P.shape != (2, 2) or not np.all(np.isfinite(P)):
                raise ValueError(f"P must be a finite 2×2 matrix, got {P!r}")
            if abs(P[0, 1] - P[1, 0]) > 1e-12 * max(1.0, float(np.max(np.abs(P)))):
                raise ValueError(f"P must be symmetric, got {P.tolist()}")
            P[0, 1] = P[1, 0] = 0.5 * (P[0, 1] + P[1, 0])
            eigenvalues, vectors = np.linalg.eigh(P)
            flat = vectors[:, 0]
            angle = math.degrees(math.atan2(flat[1], flat[0]))
            angle = angle - 180.0 if angle > 90.0 else angle + 180.0 if angle <= -90.0 else angle
            low, high = float(eigenvalues[0]), float(eigenvalues[1])
            scale = low
            condition = high / low if low > 0.0 else math.inf
        else:
            condition = 10.0 if condition is None else float(condition)
            angle = 30.0 if angle is None else float(angle)
            scale = 1.0 if scale is None else float(scale)
            if not (math.isfinite(condition) and condition >= 1.0):
                raise ValueError(f"condition must be a finite number ≥ 1, got {condition!r}")
            if not (math.isfinite(scale) and scale > 0.0):
                raise ValueError(f"scale (the smallest eigenvalue) must be finite and > 0, got {scale!r}")
            if not math.isfinite(angle):
                raise ValueError(f"angle must be finite, got {angle!r}")
            low, high = scale, scale * condition
            c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
            off = (low - high) * c * s
            P = np.array([[low * c * c + high * s * s, off], [off, low * s * s + high * c * c]])
        q = np.array(q, dtype=np.float64)
        if q.shape != (2,) or not np.all(np.isfinite(q)):
            raise ValueError(f"q must be two finite numbers, got {q!r}")

        self.P, self.q = P, q
        self.P.setflags(write=False)
        self.q.setflags(write=False)
        self.condition, self.angle, self.scale = condition, angle, scale
        self.eigenvalues = (low, high)
        # a bowl's nested ellipses show best at geometrically spaced levels of f − f*; a saddle's don't
        self.log_scale = low > 0.0

        point: Point | None = None
        if low != 0.0 and high != 0.0:
            centre = np.linalg.solve(P, -q)
            point = (float(centre[0]), float(centre[1]))
        else:
            centre = -np.linalg.pinv(P) @ q  # no isolated stationary point: centre on the nearest one
        self.minima = (point,) if point is not None and low > 0.0 else ()
        self.maxima = (point,) if point is not None and high < 0.0 else ()
        self.saddles = (point,) if point is not None and low < 0.0 < high else ()

        h = self.HALF_WIDTH
        self.bounds = ((float(centre[0]) - h, float(centre[0]) + h),
                       (float(centre[1]) - h, float(centre[1]) + h))
        c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        a, b = self.START_OFFSET  # start = centre + a · (c, s) + b · (−s, c)
        self.start = (float(centre[0]) + a * c - b * s, float(centre[1]) + a * s + b * c)

        self.formula = (
            r"f(\theta) = \tfrac12\,\theta^\top P\,\theta + q^\top\theta,\quad "
            rf"P = \begin{{pmatrix}} {_num(P[0, 0])} & {_num(P[0, 1])} \\ {_num(P[1, 0])} & "
            rf"{_num(P[1, 1])} \end{{pmatrix}},\; q = \begin{{pmatrix}} {_num(q[0])} \\ {_num(q[1])} "
            r"\end{pmatrix}"
        )
        if low > 0.0:
            self.description = (
                f"An elliptic bowl with condition number κ = {condition:.3g}: gradient descent is stable "
                f"only for lr < 2/λ_max = {2.0 / high:.3g}, zigzags across the valley near that limit "
                f"and creeps along it below; Newton's method lands on the minimum in one step."
            )
        else:
            self.description = (
                f"P has eigenvalues {low:.3g} and {high:.3g}, so there is no minimum: gradient descent "
                f"runs away along the direction of negative or zero curvature."
            )

    def __repr__(self) -> str:
        return (f"<Landscape 'quadratic': P={self.P.tolist()}, q={self.q.tolist()}>")

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.value_and_grad(x)[0]

    def _gradient(self, x: np.ndarray) -> np.ndarray:
        """``Pθ + q``, written out elementwise.

        Not ``x @ P``: a BLAS matrix product may pick another kernel (with or without fused
        multiply-adds) for a batch than for one point, and then a point would not get the same
        gradient alone as inside a batch.
        """
        (p00, p01), (p10, p11) = self.P
        x0, x1 = x[..., 0], x[..., 1]
        g = np.empty(x.shape)
        g0, g1 = g[..., 0], g[..., 1]
        np.multiply(x0, p00, out=g0)
        g0 += x1 * p10
        g0 += self.q[0]
        np.multiply(x0, p01, out=g1)
        g1 += x1 * p11
        g1 += self.q[1]
        return g

    @silenced
    def value_and_grad(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = as_points(x, 2)
        g = self._gradient(x)  # = Pθ + q
        # ½θᵀPθ + qᵀθ = ½ θᵀ(Pθ + q) + ½ qᵀθ = ½ θᵀ(g + q)
        t = g + self.q
        t *= x
        value = t[..., 0] + t[..., 1]  # not t.sum(-1): reductions over a length-2 axis are slow
        value *= 0.5
        return value, g

    @silenced
    def grad(self, x: np.ndarray) -> np.ndarray:
        return self._gradient(as_points(x, 2))

    def hessian(self, x: np.ndarray) -> np.ndarray:
        x = as_points(x, 2)
        return np.array(np.broadcast_to(self.P, x.shape[:-1] + (2, 2)))
