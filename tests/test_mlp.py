"""Networks as landscapes: exact gradients by backpropagation, batches that equal separate runs, the
data sets, the slices, and the real-landscape page."""

from __future__ import annotations

import numpy as np
import pytest
from apptest_pages import open_page
from hypothesis import given, settings
from hypothesis import strategies as st

from networks.activations import ACTIVATION_NAMES, activation
from networks.data import DATASETS
from networks.mlp import MLPLandscape
from networks.slices import decision_grid, filter_normalized, plane, principal_directions
from networks.study import network, sharpness_profile, study, train
from optimizers import run
from scenarios import REAL_LANDSCAPE

MOONS = DATASETS["moons"]()


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
@pytest.mark.parametrize("act", ACTIVATION_NAMES)
@pytest.mark.parametrize("batch_norm", [False, True])
def test_gradient_by_finite_differences(act: str, loss: str, batch_norm: bool) -> None:
    landscape = MLPLandscape(MOONS.X[:40], MOONS.y[:40], (2, 5, 4, 2), activation(act, 1.3), loss, batch_norm)
    theta = np.stack([landscape.initial(rule, seed) for rule, seed in (("xavier_normal", 1), ("lecun", 2))])
    theta += 0.05 * np.random.default_rng(3).standard_normal(theta.shape)  # γ, β and biases off 1 and 0
    value, grad = landscape.value_and_grad(theta)
    np.testing.assert_array_equal(value, landscape(theta))
    for p in range(2):
        numeric = np.empty(landscape.dim)
        for i in range(landscape.dim):
            up, down = theta[p].copy(), theta[p].copy()
            up[i] += 1e-6
            down[i] -= 1e-6
            numeric[i] = (landscape(up[None])[0] - landscape(down[None])[0]) / 2e-6
        np.testing.assert_allclose(grad[p], numeric, rtol=1e-5, atol=1e-8)


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 1000), st.sampled_from(["sgd", "adam", "rmsprop"]))
def test_a_batch_of_networks_is_separate_runs(seed: int, optimizer: str) -> None:
    landscape = MLPLandscape(MOONS.X[:30], MOONS.y[:30], (2, 4, 2))
    starts = np.stack([landscape.initial("kaiming", seed + k) for k in range(3)])
    together = run(optimizer, landscape, starts, 20, lr=0.05)
    for k in range(3):
        alone = run(optimizer, landscape, starts[k], 20, lr=0.05)
        np.testing.assert_allclose(together.path[:, k], alone.path[:, 0], rtol=1e-12, atol=1e-14)


def test_batch_norm_uses_the_training_statistics_on_new_inputs() -> None:
    landscape = MLPLandscape(MOONS.X, MOONS.y, (2, 6, 2), batch_norm=True)
    theta = landscape.initial("kaiming", 0)[None]
    np.testing.assert_array_equal(landscape.outputs(theta, MOONS.X), landscape.outputs(theta))
    one = landscape.outputs(theta, MOONS.X[:1])  # a single input: normalized with the data's statistics
    np.testing.assert_allclose(one[0, 0], landscape.outputs(theta)[0, 0], rtol=1e-12)
    assert landscape.dim == 6 * 3 + 2 * 6 + 2 * 7


def test_the_data_sets() -> None:
    for make in DATASETS.values():
        data = make()
        assert data.X.shape[0] == len(data.y) and np.allclose(data.X.mean(axis=0), 0, atol=1e-12)
        assert set(np.unique(data.y)) == set(range(data.classes))
    assert DATASETS["iris"]().X.shape == (150, 4) and DATASETS["iris"]().classes == 3
    np.testing.assert_array_equal(DATASETS["moons"]().X, MOONS.X)  # a fixed seed: the same every time


def test_slices() -> None:
    landscape = network("moons", 2, 8, "relu")
    runs = train(landscape, [("adam", "adam", {"lr": 0.05})], 100)
    theta = runs[0].final
    rng = np.random.default_rng(0)
    d = filter_normalized(landscape, theta, rng)
    for layer in landscape.layers:
        w = theta[layer.weights].reshape(layer.fan_out, layer.fan_in)
        dw = d[layer.weights].reshape(layer.fan_out, layer.fan_in)
        np.testing.assert_allclose(np.linalg.norm(dw, axis=1), np.linalg.norm(w, axis=1))
        assert np.all(d[layer.biases] == 0)
    grid = plane(landscape, theta, d, filter_normalized(landscape, theta, rng), (-1, 1), (-1, 1), 11)
    assert grid.loss[5, 5] == runs[0].trajectory.final_loss[0]  # the slice's centre is the training loss
    assert grid.loss[0, 0] == landscape((theta + -1 * grid.d1 + -1 * grid.d2)[None])[0]
    np.testing.assert_allclose(grid.coordinates(theta + 0.3 * grid.d1 - 0.2 * grid.d2)[0], [0.3, -0.2])
    u1, u2, share = principal_directions(runs[0].trajectory.path[:, 0])
    assert abs(u1 @ u2) < 1e-10 and share.sum() <= 1 + 1e-12
    xs, ys, p = decision_grid(landscape, theta, 21)
    assert p.shape == (21, 21) and 0 <= p.min() and p.max() <= 1
    alphas, loss = sharpness_profile(landscape, theta, span=0.5, points=11)
    assert loss[5] == pytest.approx(runs[0].trajectory.final_loss[0])


def test_divergence_is_flagged() -> None:
    landscape = network("moons", 1, 8, "relu", loss="mse")
    runs = train(landscape, [("sgd", "sgd", {"lr": 1e4})], 50)
    found = study(landscape, runs, resolution=11)
    assert runs[0].diverged and found.slice is None


def test_the_page() -> None:
    at = open_page(REAL_LANDSCAPE, {"steps": "100", "res": "15"})
    table = at.dataframe[0].value
    assert table["optimizer"].tolist() == ["SGD, lr 0.1", "SGD + momentum, lr 0.1", "Adam, lr 0.1"]
    assert len(at.get("plotly_chart")) == 5
    iris = open_page(REAL_LANDSCAPE, {"data": "iris", "steps": "50", "res": "11", "opt": "adam"})
    assert len(iris.get("plotly_chart")) == 4  # no decision boundary for four inputs
    wild = open_page(REAL_LANDSCAPE, {"lr": "10", "steps": "60", "res": "11", "opt": "sgd,momentum"})
    wild_table = wild.dataframe[0].value
    assert list(wild_table.columns) == ["optimizer", "final loss", "accuracy"]  # fits half a 1280 px page
    for loss, accuracy in zip(wild_table["final loss"], wild_table["accuracy"], strict=True):
        diverged = loss.startswith("diverged at step") and accuracy == "—"
        assert diverged or (float(loss) >= 0 and accuracy.endswith("%"))
    bad = open_page(REAL_LANDSCAPE, {"data": "mnist", "width": "1000", "lecture": "1"})
    notices = " ".join(w.value for w in bad.warning)
    assert "data=mnist" in notices and "width=1000" in notices
