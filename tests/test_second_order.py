"""Newton's method: one step to a quadratic's minimum, hand-computed steps, singular and saddle cases."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from landscapes import get_landscape
from optimizers import OPTIMIZERS, run


class Quadratic:
    """``f(θ) = ½ θᵀPθ + qᵀθ`` with gradient ``Pθ + q`` and constant Hessian ``P``."""

    def __init__(self, p: list[list[float]], q: list[float]):
        self.p = np.array(p, dtype=np.float64)
        self.q = np.array(q, dtype=np.float64)
        self.dim = len(q)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        return 0.5 * np.einsum("...i,ij,...j->...", x, self.p, x) + x @ self.q

    def grad(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(x, dtype=np.float64) @ self.p.T + self.q

    def hessian(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        return np.broadcast_to(self.p, x.shape[:-1] + self.p.shape).copy()


class XSquaredPlusSin:
    """``f(x) = x² + sin x`` (1-D): g = 2x + cos x, H = 2 − sin x."""

    dim = 1

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)[..., 0]
        return x * x + np.sin(x)

    def grad(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        return 2.0 * x + np.cos(x)

    def hessian(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        return (2.0 - np.sin(x))[..., None]


def test_spec() -> None:
    spec = OPTIMIZERS["newton"]
    assert spec.needs_hessian and spec.family == "Second-order" and spec.reference == "paper"
    assert "Nocedal" in spec.paper and spec.update_rule and spec.explanation
    assert spec.defaults == {"lr": 1.0, "damping": 0.0}


@pytest.mark.parametrize(
    ("p", "q"),
    [
        ([[3.0, 1.0], [1.0, 2.0]], [1.0, -2.0]),  # θ* = −P⁻¹q = −⅕[2·1 + 2, −1 − 6] = (−0.8, 1.4)
        ([[1.0, 0.0], [0.0, 100.0]], [0.5, 3.0]),  # badly conditioned: θ* = (−0.5, −0.03)
        ([[2.0, -1.5], [-1.5, 5.0]], [0.0, 0.0]),
    ],
)
def test_one_step_to_the_minimum_of_a_quadratic(p, q) -> None:
    landscape = Quadratic(p, q)
    solution = np.linalg.solve(np.array(p), -np.array(q))
    starts = np.array([[0.0, 0.0], [1.0, -1.0], [-2.5, 3.0], [0.3, 0.7], [2.0, 2.0]])
    tr = run("newton", landscape, starts, steps=1)
    np.testing.assert_allclose(tr.path[1], np.broadcast_to(solution, starts.shape), rtol=0, atol=1e-14)


def test_first_quadratic_solution_by_hand() -> None:
    tr = run("newton", Quadratic([[3.0, 1.0], [1.0, 2.0]], [1.0, -2.0]), [5.0, -7.0], steps=1)
    np.testing.assert_allclose(tr.path[1, 0], [-0.8, 1.4], rtol=0, atol=1e-14)


def test_one_dimensional_hand_computed_steps() -> None:
    # x₀ = 1: x₁ = 1 − (2 + cos 1)/(2 − sin 1); x₂ = x₁ − (2x₁ + cos x₁)/(2 − sin x₁)
    tr = run("newton", XSquaredPlusSin(), [1.0], steps=2)
    x1 = 1.0 - (2.0 + math.cos(1.0)) / (2.0 - math.sin(1.0))
    x2 = x1 - (2.0 * x1 + math.cos(x1)) / (2.0 - math.sin(x1))
    np.testing.assert_allclose(tr.path[:, 0, 0], [1.0, x1, x2], rtol=1e-15)
    # quadratic convergence to the root of 2x + cos x = 0 (x* ≈ −0.4502)
    tr = run("newton", XSquaredPlusSin(), [1.0], steps=6)
    assert abs(2.0 * tr.path[-1, 0, 0] + math.cos(tr.path[-1, 0, 0])) < 1e-15


def test_two_dimensional_hand_computed_steps_on_rosenbrock() -> None:
    rosen = get_landscape("rosenbrock")
    # At (0, 0): g = (−2(1−0) − 0, 0) = (−2, 0), H = [[2 − 400(0 − 0), 0], [0, 200]] = diag(2, 200)
    #   step H⁻¹g = (−1, 0) → x₁ = (1, 0)
    tr = run("newton", rosen, [0.0, 0.0], steps=1)
    np.testing.assert_allclose(tr.path[1, 0], [1.0, 0.0], rtol=0, atol=1e-15)
    # At (−1, 1): u = 2, r = y − x² = 0 → g = (−2·2, 0) = (−4, 0);
    #   H = [[2 − 400(1 − 3), −400·(−1)], [400, 200]] = [[802, 400], [400, 200]], det = 160400 − 160000 = 400
    #   H⁻¹g = [200·(−4) − 400·0, −400·(−4) + 802·0]/400 = (−2, 4) → x₁ = (1, −3)
    tr = run("newton", rosen, [-1.0, 1.0], steps=1)
    np.testing.assert_allclose(tr.path[1, 0], [1.0, -3.0], rtol=0, atol=1e-12)


def test_lr_and_damping() -> None:
    # f = ½·4x² + 0·x (H = 4, g = 4x); x₀ = 2, lr = 0.5, δ = 4: x₁ = 2 − 0.5·(4·2)/(4 + 4) = 1.5
    tr = run("newton", Quadratic([[4.0]], [0.0]), [2.0], steps=1, lr=0.5, damping=4.0)
    np.testing.assert_allclose(tr.path[1, 0, 0], 1.5, rtol=1e-15)
    # 2-D diagonal P = diag(1, 3), δ = 1, x₀ = (2, 4): step = (2/2, 12/4) = (1, 3) → (1, 1)
    tr = run("newton", Quadratic([[1.0, 0.0], [0.0, 3.0]], [0.0, 0.0]), [2.0, 4.0], steps=1, damping=1.0)
    np.testing.assert_allclose(tr.path[1, 0], [1.0, 1.0], rtol=1e-15)


def test_singular_hessian_does_not_raise_and_is_flagged() -> None:
    # f = x² + 0·y² has H = diag(2, 0): det = 0, the Newton step is 0/0 or c/0.
    flat = Quadratic([[2.0, 0.0], [0.0, 0.0]], [0.0, 1.0])  # g = (2x, 1): second component 1/0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tr = run("newton", flat, [[1.0, 1.0], [0.0, 0.0]], steps=3)
    assert tr.diverged.all() and np.all(tr.diverged_at == 1)
    np.testing.assert_array_equal(tr.path[-1], [[1.0, 1.0], [0.0, 0.0]])  # frozen at the start


def test_saddle_newton_jumps_to_the_saddle_point() -> None:
    saddle = Quadratic([[2.0, 0.0], [0.0, -2.0]], [0.0, 0.0])  # x² − y²
    tr = run("newton", saddle, [[1.0, 0.5], [-0.3, 2.0]], steps=1)
    np.testing.assert_allclose(tr.path[1], 0.0, atol=1e-16)
    assert not tr.diverged.any()


def test_maximize_uses_the_negated_hessian() -> None:
    # maximize −(x − 1)² − 2(y + 1)²  ≡  minimize (x − 1)² + 2(y + 1)²: one step to (1, −1)
    hill = Quadratic([[-2.0, 0.0], [0.0, -4.0]], [2.0, -4.0])
    tr = run("newton", hill, [3.0, 5.0], steps=1, maximize=True)
    np.testing.assert_allclose(tr.path[1, 0], [1.0, -1.0], atol=1e-15)


def test_three_dimensional_fallback() -> None:
    p = [[4.0, 1.0, 0.0], [1.0, 3.0, 0.5], [0.0, 0.5, 2.0]]
    q = [1.0, 0.0, -1.0]
    tr = run("newton", Quadratic(p, q), [[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], steps=1)
    np.testing.assert_allclose(tr.path[1], np.broadcast_to(np.linalg.solve(p, np.negative(q)), (2, 3)),
                               atol=1e-14)
    singular = Quadratic([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]], [0.0, 0.0, 1.0])
    tr = run("newton", singular, [1.0, 1.0, 1.0], steps=2)
    assert tr.diverged[0]


def test_per_particle_arrays_equal_scalar_runs() -> None:
    rosen = get_landscape("rosenbrock")
    x0 = np.array([[-1.5, 2.0], [0.5, 0.5], [1.2, 0.8]])
    lr = np.array([1.0, 0.3, 0.05])
    damping = np.array([0.0, 10.0, 1.0])
    batched = run("newton", rosen, x0, steps=20, lr=lr, damping=damping)
    for i in range(3):
        alone = run("newton", rosen, x0[i], steps=20, lr=float(lr[i]), damping=float(damping[i]))
        np.testing.assert_array_equal(batched.path[:, i], alone.path[:, 0])
