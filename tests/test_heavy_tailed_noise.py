"""Heavy-tailed gradient noise (Student-t with ``noise_df`` degrees of freedom): an engine-wide
option added through the declaration path (the engine keyword and one declared run setting)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from optimizers import run
from scenarios import RunSettings, decode_playground, encode_playground


class Flat:
    """f = 0: one SGD step with lr 1 moves a particle by minus its gradient noise."""

    dim = 2

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return np.zeros(np.shape(x)[:-1])

    def grad(self, x: np.ndarray) -> np.ndarray:
        return np.zeros(np.shape(x))


def kicks(noise_df: int | None, n: int = 20_000, sigma: float = 1.0) -> np.ndarray:
    traj = run("sgd", Flat(), np.zeros((n, 2)), 1, lr=1.0, noise=sigma, noise_df=noise_df, seed=7)
    return -(traj.path[1] - traj.path[0]).ravel()


def test_one_degree_of_freedom_is_cauchy() -> None:
    """P(|C| > 10) = 1 − (2/π)·atan(10) ≈ 0.0635 for a standard Cauchy variable (≈ 0 for a Gaussian)."""
    tail = np.mean(np.abs(kicks(1)) > 10)
    assert tail == pytest.approx(1 - 2 / math.pi * math.atan(10), abs=0.006)
    assert np.mean(np.abs(kicks(None)) > 10) == 0


def test_five_degrees_of_freedom_match_the_t_table() -> None:
    """The two-sided 10% point of Student's t with 5 degrees of freedom is 2.015."""
    assert np.mean(np.abs(kicks(5)) > 2.015) == pytest.approx(0.10, abs=0.01)
    # the scale multiplies the variate
    np.testing.assert_allclose(kicks(5, n=50, sigma=3.0), 3.0 * kicks(5, n=50), rtol=1e-12)


def test_heavy_tailed_noise_is_the_same_alone_and_in_a_batch() -> None:
    batch = run("sgd", "rosenbrock", np.tile([-1.5, 2.0], (3, 1)), 30, lr=1e-3, noise=0.5, noise_df=2, seed=4)
    for i in range(3):
        alone = run("sgd", "rosenbrock", [-1.5, 2.0], 30, lr=1e-3, noise=0.5, noise_df=2, seed=4 + i)
        np.testing.assert_array_equal(batch.path[:, i], alone.path[:, 0])


def test_gaussian_noise_is_unchanged_without_noise_df() -> None:
    a = run("adam", "rosenbrock", [-1.5, 2.0], 40, lr=0.01, noise=0.3, seed=1)
    b = run("adam", "rosenbrock", [-1.5, 2.0], 40, lr=0.01, noise=0.3, seed=1, noise_df=None)
    np.testing.assert_array_equal(a.path, b.path)
    assert not np.array_equal(a.path, run("adam", "rosenbrock", [-1.5, 2.0], 40, lr=0.01, noise=0.3, seed=1,
                                          noise_df=3).path)


@pytest.mark.parametrize("bad", [0, 101, 2.5, "3", True, float("nan")])
def test_bad_degrees_of_freedom_are_refused(bad) -> None:
    with pytest.raises(ValueError, match="noise_df"):
        run("sgd", "rosenbrock", [-1.5, 2.0], 3, noise=0.1, noise_df=bad)


def test_the_app_passes_it_to_the_engine_and_the_link_carries_it() -> None:
    decoded = decode_playground({"noise": "0.5", "noise_df": "3"})
    assert decoded.notices == []
    assert decoded.settings.run.engine_options()["noise_df"] == 3
    assert encode_playground(decoded.settings)["noise_df"] == "3"
    assert "noise_df" not in RunSettings(noise=0.5).engine_options()
    assert any("`noise_df=0.5`" in n for n in decode_playground({"noise_df": "0.5"}).notices)


def test_noise_in_any_dimension() -> None:
    """Landscapes with hundreds of coordinates (a network's weights) get noise too, the first
    coordinates' draws unchanged, and a batch still equals its particles run alone."""
    from optimizers.noise import particle_keys, standard_normal

    keys = particle_keys(3, 4)
    wide, narrow = standard_normal(keys, 5, 0, 301), standard_normal(keys, 5, 0, 128)
    np.testing.assert_array_equal(wide[:, :128], narrow)
    assert wide.shape == (4, 301) and abs(wide.std() - 1) < 0.05

    class Bowl:
        dim = 300

        def __call__(self, x):
            return 0.5 * np.sum(np.asarray(x) ** 2, axis=-1)

        def grad(self, x):
            return np.asarray(x, dtype=float).copy()

    starts = np.ones((3, 300))
    # zo_sgd divides differences of f by μ = 10⁻³: the summation order of a 300-term f (which differs
    # between a batch and a single particle) shows up a thousandfold there
    for method, atol in (("sgd", 0.0), ("forward_gradient", 0.0), ("zo_sgd", 1e-6)):
        together = run(method, Bowl(), starts, 5, lr=0.1, noise=0.5, seed=7)
        for i in range(3):
            alone = run(method, Bowl(), starts[i], 5, lr=0.1, noise=0.5, seed=7 + i)
            np.testing.assert_allclose(together.path[:, i], alone.path[:, 0], rtol=0, atol=atol)
