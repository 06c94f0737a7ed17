"""The network library behind the lessons on initialization and batch normalization: derivatives by
finite differences, the variance argument's numbers, batch normalization, and the two pages."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from apptest_pages import open_page

from networks.activations import ACTIVATION_NAMES, SELU_ALPHA, SELU_LAMBDA, activation
from networks.depth import batch_norm, batch_norm_backward, depth_profile, depth_profiles
from networks.init import INITS, init_weights, weight_variance
from networks.theory import predicted_factor
from scenarios import BATCH_NORM, DEPTH, REAL_LANDSCAPE


@pytest.mark.parametrize("name", ACTIVATION_NAMES)
@pytest.mark.parametrize("beta", [1.0, 1.75])
def test_derivatives_by_finite_differences(name: str, beta: float) -> None:
    act = activation(name, beta)
    xs = np.linspace(-4, 4, 161) + 0.013  # off the kinks at 0
    h = 1e-6
    numeric = (act.f(xs + h) - act.f(xs - h)) / (2 * h)
    np.testing.assert_allclose(act.df(xs), numeric, rtol=1e-6, atol=1e-8)


def test_activation_values() -> None:
    selu = SELU_LAMBDA * SELU_ALPHA * (math.exp(-1) - 1)
    assert activation("selu").f(np.array([-1.0]))[0] == pytest.approx(selu)
    # torch.nn.GELU(approximate="tanh")(torch.tensor(1.0)) = 0.8411919906…
    assert activation("gelu").f(np.array([1.0]))[0] == pytest.approx(0.8411919906, abs=1e-9)
    assert activation("swish", 1.0).f(np.array([1.0]))[0] == pytest.approx(1 / (1 + math.exp(-1)))


@pytest.mark.parametrize("rule", list(INITS))
def test_initializations_have_their_variance(rule: str) -> None:
    w = init_weights(rule, 300, 200, np.random.default_rng(0), c=3.0)
    assert w.shape == (200, 300)
    expected = weight_variance(rule, 300, 200, c=3.0)
    assert w.var() == pytest.approx(expected, rel=0.02, abs=1e-12)
    if rule == "xavier_uniform":
        assert np.abs(w).max() <= math.sqrt(6 / 500)


def _forward(weights: list[np.ndarray], h: np.ndarray, act, bn: bool) -> np.ndarray:
    for w in weights:
        z = h @ w.T
        if bn:
            z = (z - z.mean(axis=0)) / np.sqrt(z.var(axis=0) + 1e-5)
        h = act.f(z)
    return h


@pytest.mark.parametrize("bn", [False, True])
@pytest.mark.parametrize("name", ["relu", "tanh", "selu"])
def test_backpropagation_by_finite_differences(name: str, bn: bool) -> None:
    """The profile's input gradient equals a finite-difference derivative of L = Σ g ⊙ h_L, computed with
    the same draws by an independent forward pass."""
    depth, width, batch, c = 3, 5, 6, 2.0
    act = activation(name)
    profile = depth_profile(act, "normal", depth, width, batch, c=c, bn=bn, seed=4)
    rng = np.random.default_rng(4)
    h0 = rng.standard_normal((batch, width))
    g = rng.standard_normal((batch, width))
    base = rng.standard_normal((depth, width, width), dtype=np.float32)
    weights = [b.astype(np.float64) * math.sqrt(c / width) for b in base]
    eps = 1e-6
    grad = np.zeros_like(h0)
    for i in range(batch):
        for j in range(width):
            up, down = h0.copy(), h0.copy()
            up[i, j] += eps
            down[i, j] -= eps
            rise = np.sum(g * _forward(weights, up, act, bn)) - np.sum(g * _forward(weights, down, act, bn))
            grad[i, j] = rise / (2 * eps)
    assert profile.gradient_rms[0] == pytest.approx(math.sqrt(np.mean(grad ** 2)), rel=1e-6)
    last = _forward(weights, h0, act, bn)
    assert profile.activation_rms[-1] == pytest.approx(math.sqrt(np.mean(last ** 2)))


def test_the_variance_argument() -> None:
    relu = activation("relu")
    cs = (1.0, 2.0, 3.0)
    for c, profile in zip(cs, depth_profiles(relu, [("normal", c) for c in cs], 30, 400, 256), strict=True):
        sampling = 3 * math.sqrt(2 / (256 * 400))
        assert profile.factor_per_layer() == pytest.approx(c / 2, rel=3 * sampling)
        assert profile.factor_per_layer("gradient") == pytest.approx(c / 2, rel=3 * sampling)
        assert predicted_factor("relu", "normal", 400, c) == pytest.approx(c / 2)
    zeros = depth_profile(relu, "zeros", 10, 50)
    assert np.all(zeros.weight_grad_norm == 0) and np.all(zeros.gradient_rms[:-1] == 0)
    assert predicted_factor("tanh", "kaiming", 10) is None and predicted_factor("linear", "lecun", 10) == 1.0


def test_batch_norm_forward_and_backward() -> None:
    rng = np.random.default_rng(2)
    z = rng.normal(3.0, 2.0, (7, 3))
    out, cache = batch_norm(z, np.array([2.0, 1.0, 0.5]), np.array([0.0, 1.0, -1.0]))
    np.testing.assert_allclose(out.mean(axis=0), [0.0, 1.0, -1.0], atol=1e-12)
    np.testing.assert_allclose(cache["var"], ((z - z.mean(axis=0)) ** 2).sum(axis=0) / 7)  # biased
    g = rng.normal(size=z.shape)
    numeric = np.zeros_like(z)
    for i in range(7):
        for j in range(3):
            up, down = z.copy(), z.copy()
            up[i, j] += 1e-6
            down[i, j] -= 1e-6
            numeric[i, j] = (np.sum(g * batch_norm(up)[0]) - np.sum(g * batch_norm(down)[0])) / 2e-6
    np.testing.assert_allclose(batch_norm_backward(g, batch_norm(z)[1]), numeric, atol=1e-7)


def test_the_depth_page() -> None:
    at = open_page(DEPTH)
    table = at.dataframe[0].value
    assert table["predicted"].tolist() == ["0.5", "1", "1.5"]
    assert len(at.get("plotly_chart")) == 2
    normalized = open_page(DEPTH, {"bn": "1", "act": "swish", "rules": "zeros,lecun", "depth": "10",
                                   "width": "50"})
    assert normalized.dataframe[0].value["predicted"].tolist() == ["—"] * 5
    bad = open_page(DEPTH, {"depth": "1000", "c": "0,-1", "act": "nope", "lecture": "1"})
    notices = " ".join(w.value for w in bad.warning)
    for key in ("depth=1000", "act=nope", "`0`"):
        assert key in notices
    assert bad.title[0].value == "Initialization and depth"


def test_the_batch_norm_page() -> None:
    at = open_page(BATCH_NORM)
    samples, features, depth = (d.value for d in at.dataframe)
    assert features["batch mean μ_B"].tolist() == ["4", "0.125"]
    assert features["batch variance σ²_B (biased)"].tolist()[0] == "12.5"
    assert samples["z₁ = γ₁x̂₁ + β₁"].tolist()[3] == "1.697"
    shifted = open_page(BATCH_NORM, {"gamma": "2,0", "beta": "1,5", "x2": "1,2"})
    feats = shifted.dataframe[1].value
    assert feats["mean of z"].tolist() == ["1", "5"] and feats["std of z"].tolist()[1] == "0"
    assert any("first 2 samples" in w.value for w in shifted.warning)


def test_a_depth_link_that_would_hold_the_server_sends_fewer_inputs() -> None:
    """100 layers of 500, 1,024 inputs and six values of c took 38 s on one core, which a class shares."""
    started = time.perf_counter()
    at = open_page(DEPTH, {"depth": "100", "width": "500", "batch": "1024", "c": "0.1,1,2,3,5,10"})
    assert time.perf_counter() - started < 30
    warning = " ".join(w.value for w in at.warning)
    assert "1024 inputs" in warning and "sending 133 inputs" in warning
    assert at.session_state["depth.settings"].batch == 1024 and at.query_params["batch"] == "1024"


def test_a_landscape_link_that_would_hold_the_server_trains_less() -> None:
    """4 layers of 64, 2,000 steps and 61 × 61 slices took 26 s on one core, which a class shares."""
    started = time.perf_counter()
    at = open_page(REAL_LANDSCAPE, {"layers": "4", "width": "64", "steps": "2000", "res": "61"})
    assert time.perf_counter() - started < 30
    warning = " ".join(w.value for w in at.warning)
    assert "training 234 steps instead of 2000" in warning
    assert "slices of 19 × 19 instead of 61 × 61" in warning
    settings = at.session_state["landscape.settings"]
    assert (settings.steps, settings.resolution) == (2000, 61) and at.query_params["steps"] == "2000"
