"""The lesson on moving averages and momentum: replaying gradients through the engine, the averages and
the three momentum conventions, and the page through AppTest."""

from __future__ import annotations

import numpy as np
import pytest
from apptest_pages import open_page

from lessons.averages import CONVENTIONS, bias_corrected, conventions, day_weights, ema, terminal_velocity
from optimizers import replay, run
from scenarios import AVERAGES
from ui.averages import edited_signal

SALES = (100.0, 114.0, 118.0, 117.0, 120.0, 122.0)


class Ramp:
    """f(x) = a·x + ½·c·x²: its gradient a + c·x changes as the optimizer moves."""

    dim = 2
    start = (0.3, -0.2)

    def __call__(self, x):
        x = np.asarray(x)
        return np.sum(0.7 * x + 0.5 * 3.0 * x * x, axis=-1)

    def grad(self, x):
        return 0.7 + 3.0 * np.asarray(x, dtype=float)


@pytest.mark.parametrize("optimizer, hyper", [("sgd", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
                                              ("adam", {"lr": 0.1, "amsgrad": True}),
                                              ("rmsprop", {"lr": 0.01, "centered": True})])
def test_replaying_a_runs_gradients_gives_the_run(optimizer: str, hyper: dict) -> None:
    traj = run(optimizer, Ramp(), None, 30, record_state=True, **hyper)
    grads = traj.state["grad"][:-1, 0]  # the gradient used at each step
    again = replay(optimizer, grads, Ramp.start, **hyper)
    np.testing.assert_array_equal(again.x, traj.path[:, 0])
    for name, values in again.state.items():
        np.testing.assert_array_equal(values, traj.state[name][1:, 0])


def test_replay_refuses_what_it_cannot_do() -> None:
    with pytest.raises(ValueError, match="finite"):
        replay("sgd", [1.0, float("nan")], lr=0.1)
    with pytest.raises(ValueError, match="needs the function"):
        replay("newton", [1.0, 2.0])


def test_the_average_its_correction_and_weights() -> None:
    raw = ema(SALES, 0.7)
    np.testing.assert_allclose(raw, [30, 55.2, 74.04, 86.928, 96.8496, 104.39472], rtol=1e-14)
    weights = day_weights(len(SALES), 0.7)
    assert np.dot(weights, SALES) == pytest.approx(raw[-1], rel=1e-14)  # V_T is the weighted sum
    assert weights.sum() == pytest.approx(1 - 0.7 ** 6)
    corrected = day_weights(len(SALES), 0.7, corrected=True)
    assert corrected.sum() == pytest.approx(1.0) and np.dot(corrected, SALES) == pytest.approx(
        bias_corrected(raw, 0.7)[-1])
    assert bias_corrected(ema([5.0] * 20, 0.9), 0.9) == pytest.approx(np.full(20, 5.0))  # unbiased


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.99])
def test_the_three_conventions(beta: float) -> None:
    gradients = np.array([3.0, -1.0, 4.0, 1.0, -5.0, 9.0, 2.0])
    buffers = list(conventions(gradients, beta).values())
    ema_form, torch_form, dampened = buffers
    assert len(buffers) == len(CONVENTIONS)
    if beta > 0:
        np.testing.assert_allclose(torch_form * (1 - beta), ema_form, rtol=1e-12, atol=1e-12)
    t = np.arange(1, len(gradients) + 1)
    np.testing.assert_allclose(dampened - ema_form, beta ** t * gradients[0], rtol=1e-12, atol=1e-12)


def test_terminal_velocity() -> None:
    ema_form, torch_form, dampened = terminal_velocity(0.8, 0.05, 200, gradient=-2.0)
    assert torch_form.limit == pytest.approx(0.05 * 2 / 0.2) and torch_form.steps[-1] == pytest.approx(0.5)
    assert ema_form.steps[-1] == pytest.approx(0.1) and dampened.steps[0] == pytest.approx(0.1)


def test_table_edits() -> None:
    signal = (1.0, 2.0, 3.0)
    assert edited_signal(signal, {"edited_rows": {1: {"value": 5}}}) == (1.0, 5.0, 3.0)
    assert edited_signal(signal, {"deleted_rows": [0], "added_rows": [{"value": 7}, {}]}) == (2.0, 3.0, 7.0)
    assert edited_signal(signal, {"edited_rows": {"2": {"value": None}}}) == (1.0, 2.0)
    assert edited_signal(signal, {"deleted_rows": [0, 1, 2]}) is None
    assert edited_signal(signal, {"edited_rows": {0: {"value": 1e12}}}) is None


# --- the page ---------------------------------------------------------------------------------------

def test_the_page_shows_the_exact_table() -> None:
    at = open_page(AVERAGES)
    table = at.dataframe[0].value
    assert table["EMA V_t"].tolist() == ["30", "55.2", "74.04", "86.928", "96.8496", "104.39472"]
    assert table["corrected"].tolist()[0] == "100"
    assert any("96.83 and 104.38 are not" in m.value for m in at.markdown)
    assert len(at.get("plotly_chart")) == 6


def test_a_typed_signal_and_a_bad_one() -> None:
    at = open_page(AVERAGES, {"signal": "0,0,0,100,100,100", "beta": "0.5"})
    assert at.dataframe[0].value["EMA V_t"].tolist() == ["0", "0", "0", "50", "75", "87.5"]
    box = at.text_input(key="av.signal")
    box.set_value("1, 2, banana").run()
    assert not at.exception
    assert any("banana" in e.value and "last good ones are kept" in e.value for e in at.error)
    assert at.session_state["averages.settings"].signal == (0, 0, 0, 100, 100, 100)
    box = at.text_input(key="av.signal")
    box.set_value("1; 1; 4").run()
    assert at.session_state["averages.settings"].signal == (1.0, 1.0, 4.0) and not at.error


def test_bad_links_and_lecture() -> None:
    at = open_page(AVERAGES, {"signal": ",".join(["1"] * 500), "beta": "1.5", "lecture": "1"})
    notices = " ".join(w.value for w in at.warning)
    assert "at most 100" in notices and "beta=1.5" in notices
    assert at.title[0].value == "Averages and momentum"
