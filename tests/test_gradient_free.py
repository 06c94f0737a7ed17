"""Gradientless descent, zeroth-order SGD and forward gradient: exact first steps with the engine's
reproducible normals, estimator accuracy, monotonicity and seeding."""

from __future__ import annotations

import numpy as np
import pytest

from landscapes import get_landscape
from optimizers import OPTIMIZERS, run
from optimizers.noise import particle_keys, standard_normal

ROSEN = get_landscape("rosenbrock")
RANDOM_METHODS = ["gradientless", "zo_sgd", "forward_gradient"]


class Tilted:
    """``f = x² + 3xy + 5y² − x + 2y``: gradient (2x + 3y − 1, 3x + 10y + 2)."""

    dim = 2

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        a, b = x[..., 0], x[..., 1]
        return a * a + 3.0 * a * b + 5.0 * b * b - a + 2.0 * b

    def grad(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        a, b = x[..., 0], x[..., 1]
        return np.stack([2.0 * a + 3.0 * b - 1.0, 3.0 * a + 10.0 * b + 2.0], axis=-1)


class Wavy:
    """A 1-D multimodal curve ``x²/10 + sin 3x`` for the gradient-free searches."""

    dim = 1

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)[..., 0]
        return 0.1 * x * x + np.sin(3.0 * x)

    def grad(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        return 0.2 * x + 3.0 * np.cos(3.0 * x)


def normals(seed: int, step: int, stream: int, dim: int = 2) -> np.ndarray:
    """The draw ``ctx.normal(step, stream)`` of a one-particle run with ``seed`` (engine._context)."""
    return standard_normal(particle_keys(seed, 1), step, stream, dim)[0]


def test_specs() -> None:
    for name in RANDOM_METHODS:
        spec = OPTIMIZERS[name]
        assert spec.family == "Gradient-free" and spec.update_rule and spec.explanation
        assert spec.paper and spec.year and spec.hyperparams[0].name == "lr"
        for p in spec.hyperparams:
            assert p.help
    assert OPTIMIZERS["zo_sgd"].param("estimator").choices == ("random", "coordinate")


# ------------------------------------------------------------------------------ forward gradient


def test_forward_gradient_first_steps_use_stream_one() -> None:
    x0, lr, seed = np.array([-1.5, 2.0]), 1e-4, 11
    tr = run("forward_gradient", ROSEN, x0, steps=2, lr=lr, seed=seed)
    # step 1: v = N(0, I) of (seed, t=1, stream 1); ĝ = (∇f(x₀)·v) v; x₁ = x₀ − lr ĝ
    v1 = normals(seed, 1, 1)
    x1 = x0 - lr * (ROSEN.grad(x0) @ v1) * v1
    v2 = normals(seed, 2, 1)
    x2 = x1 - lr * (ROSEN.grad(x1) @ v2) * v2
    np.testing.assert_allclose(tr.path[1, 0], x1, rtol=1e-14)
    np.testing.assert_allclose(tr.path[2, 0], x2, rtol=1e-14)


def test_forward_gradient_is_unbiased_on_average() -> None:
    # 4000 particles at the same point, one step with lr = 1: mean of ĝ ≈ ∇f (E[vvᵀ] = I).
    x0 = np.tile([0.3, -0.4], (4000, 1))
    tr = run("forward_gradient", Tilted(), x0, steps=1, lr=1.0, seed=123)
    estimate = (x0 - tr.path[1]).mean(axis=0)
    true = Tilted().grad(np.array([0.3, -0.4]))
    stderr = (x0 - tr.path[1]).std(axis=0) / np.sqrt(len(x0))
    assert np.all(np.abs(estimate - true) < 5.0 * stderr)


def test_forward_gradient_never_points_uphill() -> None:
    # −ĝ·∇f = −(∇f·v)² ≤ 0: with a small lr every step lowers f on a smooth bowl.
    tr = run("forward_gradient", Tilted(), np.array([[1.0, 1.0], [-2.0, 0.5]]), steps=50, lr=1e-3, seed=3)
    assert np.all(np.diff(tr.loss, axis=0) <= 1e-15)


# --------------------------------------------------------------------------------------- zo_sgd


def test_coordinate_estimator_equals_the_true_gradient_of_a_quadratic() -> None:
    starts = np.array([[0.3, -0.4], [2.0, 1.0], [-1.5, 0.25]])
    tr = run("zo_sgd", Tilted(), starts, steps=1, lr=1.0, estimator="coordinate", smoothing=1e-3)
    estimate = starts - tr.path[1]  # lr = 1: x₁ = x₀ − ĝ
    np.testing.assert_allclose(estimate, Tilted().grad(starts), rtol=1e-6, atol=1e-9)


def test_coordinate_estimator_by_hand() -> None:
    # f = 2x (1-D slope) at x₀ = 1, μ = 0.5: (f(1.5) − f(0.5))/(2·0.5) = (3 − 1)/1 = 2; x₁ = 1 − 0.1·2
    class Slope:
        dim = 1

        def __call__(self, x):
            return 2.0 * np.asarray(x)[..., 0]

        def grad(self, x):
            return np.full(np.shape(x), 2.0)

    tr = run("zo_sgd", Slope(), [1.0], steps=1, lr=0.1, estimator="coordinate", smoothing=0.5)
    np.testing.assert_allclose(tr.path[1, 0, 0], 0.8, rtol=1e-15)


@pytest.mark.parametrize("num_directions", [1, 3])
def test_random_estimator_first_step_by_hand(num_directions: int) -> None:
    x0, lr, mu, seed = np.array([0.5, 0.5]), 1e-3, 1e-3, 5
    tr = run("zo_sgd", ROSEN, x0, steps=1, lr=lr, smoothing=mu, num_directions=num_directions, seed=seed)
    f0 = ROSEN(x0)
    estimate = np.zeros(2)
    for i in range(1, num_directions + 1):  # streams 1..K
        u = normals(seed, 1, i)
        estimate += (ROSEN(x0 + mu * u) - f0) / mu * u
    estimate /= num_directions
    np.testing.assert_allclose(tr.path[1, 0], x0 - lr * estimate, rtol=1e-13)


def test_random_estimator_converges_on_a_bowl() -> None:
    tr = run("zo_sgd", Tilted(), [[2.0, 1.0], [-1.0, -1.0]], steps=400, lr=0.02, num_directions=4, seed=1)
    assert np.all(tr.loss[-1] < tr.loss[0]) and not tr.diverged.any()
    minimum = np.linalg.solve([[2.0, 3.0], [3.0, 10.0]], [1.0, -2.0])
    np.testing.assert_allclose(tr.path[-1], np.broadcast_to(minimum, (2, 2)), atol=1e-2)


# --------------------------------------------------------------------------------- gradientless


def test_gradientless_first_step_by_hand() -> None:
    x0, r, seed = np.array([-1.5, 2.0]), 0.3, 2
    tr = run("gradientless", ROSEN, x0, steps=1, lr=r, num_samples=4, seed=seed)
    probes = []
    for i in range(1, 5):
        z = normals(seed, 1, i)
        probes.append(x0 + r * z / np.linalg.norm(z))
    values = [float(ROSEN(p)) for p in probes]
    best = int(np.argmin(values))
    expected = probes[best] if values[best] < float(ROSEN(x0)) else x0
    np.testing.assert_allclose(tr.path[1, 0], expected, rtol=1e-15)
    # every probe lies on the sphere of radius r
    np.testing.assert_allclose([np.linalg.norm(p - x0) for p in probes], r, rtol=1e-14)


@pytest.mark.parametrize("landscape", [ROSEN, Wavy()])
@pytest.mark.parametrize("binary_search", [False, True])
def test_gradientless_never_increases_f(landscape, binary_search: bool) -> None:
    x0 = np.array([[-1.5, 2.0], [0.5, 0.5], [1.8, -0.5]]) if landscape.dim == 2 else [[2.5], [-1.0]]
    tr = run("gradientless", landscape, x0, steps=300, lr=0.2, binary_search=binary_search, seed=9)
    assert np.all(np.diff(tr.loss, axis=0) <= 0.0)
    assert np.all(tr.loss[-1] < tr.loss[0])


def test_gradientless_binary_search_radii() -> None:
    # Probe i has radius lr·2^(1−i): every move has length lr, lr/2 or lr/4 (or 0: no move).
    tr = run("gradientless", ROSEN, [[0.5, 0.5], [-1.0, 2.0]], steps=40, lr=0.08, num_samples=3,
             binary_search=True, seed=4)
    lengths = np.linalg.norm(np.diff(tr.path, axis=0), axis=-1).ravel()
    nearest = np.min(np.abs(lengths[:, None] - np.array([0.0, 0.08, 0.04, 0.02])), axis=1)
    assert np.all(nearest < 1e-12)
    assert {0.04, 0.02} & {round(v, 12) for v in lengths}  # the smaller radii are really used


def test_gradientless_ignores_the_gradient() -> None:
    clean = run("gradientless", ROSEN, [0.5, 0.5], steps=30, lr=0.1, seed=3)
    noisy = run("gradientless", ROSEN, [0.5, 0.5], steps=30, lr=0.1, seed=3, noise=100.0, clip_norm=0.1)
    np.testing.assert_array_equal(clean.path, noisy.path)


# ------------------------------------------------------------------------------------- seeding


CONFIGS = [
    ("gradientless", {"lr": 0.1, "num_samples": 3}),
    ("gradientless", {"lr": 0.2, "binary_search": True}),
    ("zo_sgd", {"lr": 1e-3, "num_directions": 2}),
    ("zo_sgd", {"lr": 1e-3, "estimator": "coordinate"}),
    ("forward_gradient", {"lr": 1e-3}),
]


@pytest.mark.parametrize(("name", "hp"), CONFIGS)
def test_same_seed_same_path_and_other_seed_differs(name: str, hp: dict) -> None:
    a = run(name, ROSEN, [0.5, 0.5], steps=25, seed=17, **hp)
    b = run(name, ROSEN, [0.5, 0.5], steps=25, seed=17, **hp)
    np.testing.assert_array_equal(a.path, b.path)
    c = run(name, ROSEN, [0.5, 0.5], steps=25, seed=18, **hp)
    if hp.get("estimator") == "coordinate":
        np.testing.assert_array_equal(a.path, c.path)  # deterministic: draws nothing
    else:
        assert not np.array_equal(a.path, c.path)


@pytest.mark.parametrize(("name", "hp"), CONFIGS)
def test_batch_equals_separate_runs_with_seed_plus_index(name: str, hp: dict) -> None:
    x0 = np.array([[-1.5, 2.0], [0.5, 0.5], [1.2, 0.8], [0.5, 0.5]])
    batched = run(name, ROSEN, x0, steps=25, seed=40, **hp)
    for i in range(len(x0)):
        alone = run(name, ROSEN, x0[i], steps=25, seed=40 + i, **hp)
        np.testing.assert_array_equal(batched.path[:, i], alone.path[:, 0])
        assert batched.diverged_at[i] == alone.diverged_at[0]


@pytest.mark.parametrize(
    ("name", "arrays", "fixed"),
    [
        ("gradientless", {"lr": [0.05, 0.1, 0.3]}, {"num_samples": 2}),
        ("zo_sgd", {"lr": [1e-4, 1e-3, 2e-3], "smoothing": [1e-6, 1e-3, 0.1]}, {"num_directions": 2}),
        ("zo_sgd", {"lr": [1e-4, 1e-3, 2e-3], "smoothing": [1e-6, 1e-3, 0.1]}, {"estimator": "coordinate"}),
        ("forward_gradient", {"lr": [1e-4, 1e-3, 2e-3]}, {}),
    ],
)
def test_per_particle_arrays_equal_scalar_runs(name: str, arrays: dict, fixed: dict) -> None:
    x0 = np.array([[-1.5, 2.0], [0.5, 0.5], [1.2, 0.8]])
    batched = run(name, ROSEN, x0, steps=30, seed=100, **fixed, **{k: np.array(v) for k, v in arrays.items()})
    for i in range(3):
        alone = run(name, ROSEN, x0[i], steps=30, seed=100 + i, **fixed,
                    **{k: float(v[i]) for k, v in arrays.items()})
        np.testing.assert_array_equal(batched.path[:, i], alone.path[:, 0])


def test_maximize_climbs() -> None:
    # maximize −f: every method should raise −f, i.e. lower f.
    for name, hp in [("gradientless", {"lr": 0.1}), ("zo_sgd", {"lr": 0.01, "estimator": "coordinate"}),
                     ("forward_gradient", {"lr": 0.01})]:
        class Hill(Tilted):
            def __call__(self, x):
                return -super().__call__(x)

            def grad(self, x):
                return -super().grad(x)

        tr = run(name, Hill(), [1.0, 1.0], steps=100, maximize=True, seed=2, **hp)
        assert tr.loss[-1, 0] > tr.loss[0, 0], name
