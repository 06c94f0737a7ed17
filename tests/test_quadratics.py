"""The quadratics lesson: its theory against linear algebra, the engine's runs against the theory,
and the page through AppTest.

The independent check: on a quadratic each method is a linear recursion along each eigenvector, so
its exact distances to the minimum follow from powers of a 2×2 matrix per eigenvalue (written out
here from the update rules, not taken from the lesson module). The engine's runs must match them.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from apptest_pages import open_page
from streamlit.testing.v1 import AppTest

from landscapes.quadratic import Quadratic
from lessons.quadratics import (
    distances,
    gd_rate,
    measured_rate,
    methods,
    momentum_rate,
    optimal_gd,
    optimal_heavy_ball,
    standard_nesterov,
)
from optimizers import run
from scenarios import decode
from scenarios.pages import QUADRATICS
from scenarios.results import format_quantity


def exact_distances(landscape: Quadratic, optimizer: str, hyper: dict, steps: int) -> np.ndarray:
    """‖θ_t − θ*‖ from the linear recursion of each mode (torch's SGD, momentum, Nesterov)."""
    eigenvalues, vectors = np.linalg.eigh(landscape.P)
    e0 = vectors.T @ (np.asarray(landscape.start) - np.asarray(landscape.optima[0]))
    lr, mu = hyper["lr"], hyper.get("momentum", 0.0)
    errors = np.zeros((steps + 1, 2))
    for k, lam in enumerate(eigenvalues.tolist()):  # Python floats: a diverging run overflows to inf
        e, b = float(e0[k]), 0.0  # torch's buffer starts at zero: its first value is the first gradient
        for t in range(steps + 1):
            errors[t, k] = e
            g = lam * e
            if optimizer == "sgd":
                e = e - lr * g
            else:
                b = mu * b + g
                e = e - lr * (g + mu * b if optimizer == "nesterov" else b)
    return np.hypot(errors[:, 0], errors[:, 1])  # no overflow in the squares of a runaway


@pytest.mark.parametrize("kappa", [1.0, 4.0, 10.0, 100.0, 1000.0])
def test_closed_forms_are_the_spectral_radii(kappa: float) -> None:
    low, high = 1.0, kappa
    lr, rate = optimal_gd(low, high)
    assert rate == pytest.approx(gd_rate(lr, (low, high)), abs=1e-15)
    assert gd_rate(lr, (low, high)) == pytest.approx(abs(1 - lr * low))  # both ends shrink alike
    hb_lr, hb_mu, hb_rate = optimal_heavy_ball(low, high)
    assert momentum_rate(hb_lr, hb_mu, (low, high)) == pytest.approx(hb_rate, abs=1e-6)  # double root
    nag_lr, nag_mu, nag_rate = standard_nesterov(low, high)
    assert momentum_rate(nag_lr, nag_mu, (low, high), nesterov=True) == pytest.approx(nag_rate, abs=1e-6)
    # and the textbook ordering: heavy ball ≤ Nesterov ≤ gradient descent
    assert hb_rate <= nag_rate + 1e-12 <= rate + 2e-12


def test_stability_edge() -> None:
    assert gd_rate(1.99 / 10, (1.0, 10.0)) < 1 < gd_rate(2.01 / 10, (1.0, 10.0))


@pytest.mark.parametrize("kappa", [10.0, 100.0])
def test_the_engine_follows_the_linear_recursion(kappa: float) -> None:
    landscape = Quadratic(condition=kappa, angle=30.0, q=(1.0, -0.5))
    low, high = landscape.eigenvalues
    for method in methods(low, high, 0.05):
        if method.optimizer == "newton":
            continue
        hyper = dict(method.hyper)
        trajectory = run(method.optimizer, landscape, steps=300, **hyper)
        diverged = int(trajectory.diverged_at[0]) if trajectory.diverged[0] else None
        engine = distances(trajectory.path[:, 0, :], landscape.optima[0], diverged)
        exact = exact_distances(landscape, method.optimizer, hyper, 300)[:len(engine)]
        meaningful = exact > 1e-9 * exact[0]  # beyond that, float64 rounding of θ itself dominates
        np.testing.assert_allclose(engine[meaningful], exact[meaningful], rtol=1e-6, err_msg=method.label)


@pytest.mark.parametrize("kappa", [10.0, 100.0])
def test_measured_rates_agree_with_theory(kappa: float) -> None:
    landscape = Quadratic(condition=kappa, angle=30.0)
    low, high = landscape.eigenvalues
    for method in methods(low, high, 0.05):
        trajectory = run(method.optimizer, landscape, steps=800, **dict(method.hyper))
        diverged = int(trajectory.diverged_at[0]) if trajectory.diverged[0] else None
        measured = measured_rate(distances(trajectory.path[:, 0, :], landscape.optima[0], diverged))
        if method.optimizer == "newton":
            assert measured.rate is None  # there in one step: nothing to measure
            d = distances(trajectory.path[:, 0, :], landscape.optima[0])
            assert d[1] <= 1e-14 * d[0]
        elif method.optimizer == "sgd":
            assert measured.rate == pytest.approx(method.rate, rel=1e-6), method.label
        else:  # a double root at the tuned settings: t·ρᵗ measures a little slower than ρ
            assert method.rate < measured.rate < 1.05 * method.rate, (method.label, measured)


def test_a_growing_run_is_measured_until_it_diverges() -> None:
    d = 2.0 * 1.1 ** np.arange(300.0)
    measured = measured_rate(d)
    assert measured.rate == pytest.approx(1.1) and measured.last < 300


def test_the_numbers_the_page_quotes() -> None:
    # "Try this": at κ = 100, GD's best rate 0.9802 (about 700 steps per 10⁻⁶), the heavy ball's 0.8182
    best = optimal_gd(1.0, 100.0)[1]
    assert format_quantity(best) == "0.9802"
    assert 650 <= math.log(1e-6) / math.log(best) <= 750
    assert format_quantity(optimal_heavy_ball(1.0, 100.0)[2]) == "0.8182"


# --- the page ---------------------------------------------------------------------------------------

def open_lesson(query: dict[str, str] | None = None) -> AppTest:
    return open_page(QUADRATICS, query, check_errors=False)


def test_the_page_at_its_defaults() -> None:
    at = open_lesson()
    table = at.dataframe[0].value
    assert list(table["method"]) == [m.label for m in methods(1.0, 10.0, 0.15)]
    gd = table[table["method"].str.startswith("GD") & ~table["method"].str.contains("2.1")]
    assert list(gd["measured rate"]) == list(gd["predicted rate"])  # exact for gradient descent
    assert table.set_index("method").loc["GD, lr = 2.1/λ_max", "outcome"] == "diverging: ×1.1 per step"
    assert table.set_index("method").loc["Newton", "steps to 1e-6"] == "1"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Stability edge 2/λ_max"] == "0.2" and metrics["Best GD lr 2/(λ_min + λ_max)"] == "0.1818"
    assert len(at.get("plotly_chart")) == 2


def test_a_larger_condition_number_changes_every_rate() -> None:
    at = open_lesson()
    at.select_slider(key="qd.condition").set_value(100.0).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Best GD lr 2/(λ_min + λ_max)"] == "0.0198" and metrics["Heavy ball's rate"] == "0.8182"
    assert at.session_state["quadratics.settings"].condition == 100.0


def test_a_link_sets_the_bowl_and_a_bad_one_says_why() -> None:
    link = {"condition": "4", "lr": "0.3"}
    at = open_lesson(link)
    assert at.session_state["quadratics.settings"] == decode(QUADRATICS, link).settings
    table = at.dataframe[0].value.set_index("method")
    assert table.loc["GD, your lr", "predicted rate"] == format_quantity(gd_rate(0.3, (1.0, 4.0)))
    bad = open_lesson({"condition": "0.5"})
    assert any("condition=0.5" in w.value for w in bad.warning)


def test_the_rate_figure_draws_the_prediction_beside_each_run() -> None:
    from figures import styled_series
    from figures.rates import rate_figure

    landscape = Quadratic(condition=10.0)
    trajectory = run("sgd", landscape, steps=50, lr=2 / 11)
    d = distances(trajectory.path[:, 0, :], landscape.optima[0])
    (series,) = styled_series([("GD", trajectory)])
    fig = rate_figure([series], [d], [9 / 11])
    measured, theory = fig.data
    np.testing.assert_allclose(measured.y, d, rtol=1e-6)  # float32
    np.testing.assert_allclose(theory.y, d[0] * (9 / 11) ** np.asarray(theory.x, dtype=float), rtol=1e-6)
    assert theory.line.dash == "dot" and theory.line.color == measured.line.color
    assert fig.layout.yaxis.type == "log"
    newton = rate_figure([series], [d], [0.0])
    assert len(newton.data) == 1  # no line for a rate of 0


def test_a_short_run_is_not_measured_and_not_called_diverging() -> None:
    # κ = 1000, ten steps: the tuned heavy ball first swings out (its distance grows), then converges;
    # ten steps are its transient, which says nothing about its rate
    at = open_lesson({"condition": "1000", "steps": "10"})
    table = at.dataframe[0].value.set_index("method")
    assert table.loc["Heavy ball, optimal", "measured rate"] == "—"
    assert table.loc["Heavy ball, optimal", "outcome"] == "stopped after 10 steps"
    # past the edge the distance has grown only 1.1¹⁰ ≈ 2.6 times: too little to measure; the
    # predicted rate (1.1) says where it goes
    assert table.loc["GD, lr = 2.1/λ_max", "predicted rate"] == "1.1"
    assert table.loc["GD, lr = 2.1/λ_max", "measured rate"] == "—"
