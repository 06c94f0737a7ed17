"""The lesson on noise: the Langevin density against particles, the saddle, gradient estimates, and
the page through AppTest."""

from __future__ import annotations

import math

import numpy as np
import pytest
from apptest_pages import open_page
from toy_landscapes import Bowl

from landscapes import get_landscape
from lessons.noise import (
    discrete_quadratic_variance,
    estimates,
    langevin_cloud,
    langevin_density,
    saddle_escape,
    spread_starts,
    temperature,
)
from scenarios import NOISE


@pytest.mark.parametrize("a, lr", [(1.0, 0.01), (4.0, 0.1), (2.0, 0.5)])
def test_particles_have_the_iterations_variance(a: float, lr: float) -> None:
    cloud = langevin_cloud(Bowl(a), lr, 1.5, 600, 20000)[:, 0]
    exact = discrete_quadratic_variance(a, lr, 1.5)
    assert abs(np.var(cloud) - exact) < 4 * exact * math.sqrt(2 / len(cloud))
    assert abs(np.mean(cloud)) < 4 * math.sqrt(exact / len(cloud))
    # and the Langevin variance is its small-η limit
    assert exact * (1 - lr * a / 2) == pytest.approx(lr * 1.5 ** 2 / (2 * a))


def test_the_density_formula() -> None:
    xs = np.linspace(-3, 3, 6001)
    density = langevin_density(Bowl(2.0)(xs[:, None]), 0.05, 1.0)
    density /= np.trapezoid(density, xs)
    variance = np.trapezoid(xs * xs * density, xs)
    assert variance == pytest.approx(temperature(0.05, 1.0) / 2.0, rel=1e-6)  # T/a
    notes = langevin_density(Bowl(2.0)(xs[:, None]), 0.05, 1.0, factor=1.0)
    notes /= np.trapezoid(notes, xs)
    assert np.trapezoid(xs * xs * notes, xs) == pytest.approx(2 * variance, rel=1e-6)


def test_starts_and_the_saddle() -> None:
    assert spread_starts(get_landscape("himmelblau"), 10).shape == (10, 2)
    saddle = get_landscape("saddle")
    escape = saddle_escape(saddle, (1.5, 0.0), 0.01, 2.0, 400, 50)
    assert escape.noiseless[-1] < 1e-3 and escape.noiseless_arrival() is not None  # stuck without noise
    assert escape.still_near()[-1] == 0.0 and np.all(escape.steps_near() < 400)
    quiet = saddle_escape(saddle, (1.5, 0.0), 0.01, 0.0, 100, 5)
    np.testing.assert_allclose(quiet.distance, quiet.noiseless[:, None] * np.ones((1, 5)))


def test_estimates_are_unbiased_with_the_predicted_spread() -> None:
    bowl = get_landscape("quadratic")
    g = np.asarray(bowl.grad(np.asarray(bowl.start)[None]))[0]
    cases = (("forward_gradient", {}, 1), ("zo_sgd", {"num_directions": 8, "smoothing": 1e-6}, 8))
    for method, hyper, k in cases:
        est = estimates(method, bowl, bowl.start, 20000, **hyper)
        cov = np.cov(est.samples.T)
        predicted = (g @ g * np.eye(2) + np.outer(g, g)) / k
        np.testing.assert_allclose(cov, predicted, atol=0.06 * np.trace(predicted))
        assert np.linalg.norm(est.samples.mean(axis=0) - g) < 4 * math.sqrt(np.trace(predicted) / 20000)


def test_the_page() -> None:
    at = open_page(NOISE)
    moments = at.dataframe[0].value
    assert moments["variance"].tolist()[1:3] == ["0.008228", "0.01649"]
    assert len(at.get("plotly_chart")) == 4
    two_d = open_page(NOISE, {"landscape": "himmelblau", "particles": "400", "steps": "200"})
    assert len(two_d.metric) == 1 and 0 <= float(two_d.metric[0].value) <= 1
    bad = open_page(NOISE, {"landscape": "rosenbrock", "particles": "1e9", "lr": "0", "lecture": "1"})
    notices = " ".join(w.value for w in bad.warning)
    for key in ("landscape=rosenbrock", "particles=1e9", "lr=0"):
        assert key in notices
    assert bad.title[0].value == "Noise"


def test_divergence_is_reported_not_raised() -> None:
    at = open_page(NOISE, {"lr": "0.5", "noise": "50", "particles": "200", "steps": "50",
                           "landscape": "six_hump_camel"})
    assert "diverged" in " ".join(c.value for c in at.caption)
