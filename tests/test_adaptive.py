"""The lesson on adaptive learning rates and weight decay: effective learning rates against the
engine's own steps, uncorrected Adam against its formula, and the page through AppTest."""

from __future__ import annotations

import numpy as np
import pytest
from apptest_pages import open_page

from landscapes import get_landscape
from lessons.adaptive import correction_factor, effective_lr, l2_minimum, uncorrected_adam
from optimizers import run
from scenarios import ADAPTIVE

VALLEY = get_landscape("quadratic", condition=50.0, angle=0.0, q=(-2.0, -10.0))


@pytest.mark.parametrize("name, hyper", [("adagrad", {"lr": 0.5, "lr_decay": 0.01}),
                                         ("rmsprop", {"lr": 0.05, "alpha": 0.9}),
                                         ("adam", {"lr": 0.1, "betas": (0.8, 0.99)})])
def test_effective_lr_times_its_direction_is_the_step(name: str, hyper: dict) -> None:
    traj = run(name, VALLEY, None, 80, record_state=True, **hyper)
    rate = effective_lr(traj)
    if name == "adam":
        t = np.arange(1, 81)[:, None]
        direction = traj.state["exp_avg"][1:, 0] / (1 - hyper["betas"][0] ** t)
    else:
        direction = traj.state["grad"][:-1, 0]
    np.testing.assert_allclose(np.diff(traj.path[:, 0], axis=0), -rate * direction, rtol=1e-10, atol=1e-15)
    if name == "adagrad":
        assert np.all(np.diff(rate, axis=0) <= 0)  # AdaGrad's rates only fall


def test_uncorrected_adam_is_the_formula() -> None:
    beta1, beta2, lr = 0.9, 0.999, 0.1
    ours = uncorrected_adam(VALLEY, 30, lr, (beta1, beta2)).path[:, 0]
    theta, m, v = np.array(VALLEY.start, dtype=float), np.zeros(2), np.zeros(2)
    for t in range(30):  # θ ← θ − lr·m/√v with m, v the raw moving averages
        g = VALLEY.grad(theta[None])[0]
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        theta = theta - lr * m / np.sqrt(v)
        np.testing.assert_allclose(ours[t + 1], theta, rtol=1e-12)
    assert correction_factor((beta1, beta2), 1)[0] == pytest.approx(0.1 / np.sqrt(0.001))


def test_l2_minimum() -> None:
    point = l2_minimum(VALLEY, 0.5)
    np.testing.assert_allclose(VALLEY.grad(point[None])[0] + 0.5 * point, 0.0, atol=1e-12)
    assert l2_minimum(get_landscape("rosenbrock"), 0.5) is None


def test_the_page() -> None:
    at = open_page(ADAPTIVE)
    valley, decay = (df.value for df in at.dataframe)
    assert valley["optimizer"].tolist() == ["AdaGrad", "RMSprop", "Adam"]
    assert (valley["diverged"] == "no").all()
    theory = decay[decay["run"] == "minimum of f + ½λ‖θ‖² (theory)"]
    assert theory["ends at"].tolist() == ["1.333, 0.198"]
    assert decay[decay["run"] == "Adam, L2 λ = 0.5"]["ends at"].tolist()[0] == "1.333, 0.198"
    assert len(at.get("plotly_chart")) == 6
    captions = " ".join(c.value for c in at.caption)
    assert "3.162 times the corrected one" in captions and "6.569 at step 12" in captions


def test_no_decay_makes_adam_and_adamw_one_and_bad_links() -> None:
    at = open_page(ADAPTIVE, {"wd": "0", "condition": "1000", "steps": "50"})
    decay = at.dataframe[1].value
    valley_rows = decay[decay["landscape"] == "the valley"]["ends at"].tolist()
    assert valley_rows[0] == valley_rows[1]  # λ = 0: the same optimizer
    bad = open_page(ADAPTIVE, {"wd": "-1", "lr": "abc", "q": "1", "lecture": "1"})
    notices = " ".join(w.value for w in bad.warning)
    for key in ("wd=-1", "lr=abc", "q=1"):
        assert key in notices
    assert bad.title[0].value == "Adaptive steps"
