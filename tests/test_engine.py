"""Behaviour of optimizers.run that holds for every optimizer: shapes, recording, errors,
divergence, maximize, noise, clipping, averaging and custom landscapes.

Expected numbers are derived by hand (arithmetic in the comments) or from an independent loop.
"""

from __future__ import annotations

import inspect
import math
import time
import warnings

import numpy as np
import pytest
from conftest import ALL_OPTIMIZERS, GRADIENT_OPTIMIZERS, Bowl, BowlWithHessian, Negated

from landscapes import LANDSCAPES, get_landscape
from optimizers import OPTIMIZERS, HyperparameterError, OptimizerSpec, Trajectory, engine, run

ROSENBROCK = get_landscape("rosenbrock")
STARTS = np.array([[-1.5, 2.0], [0.5, 0.5], [-0.3, 1.7]])


class Line:
    """A 1-D landscape ``f(x) = x + sin x`` with only ``dim``, ``__call__`` and ``grad``."""

    dim = 1

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        return (x + np.sin(x))[..., 0]

    def grad(self, x: np.ndarray) -> np.ndarray:
        return 1.0 + np.cos(np.asarray(x, dtype=np.float64))


class HalfSquare:
    """``½‖x‖²`` whose ``grad`` returns its argument itself (a legal, if lazy, implementation)."""

    dim = 2

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        return 0.5 * np.sum(x * x, axis=-1)

    def grad(self, x: np.ndarray) -> np.ndarray:
        return x


class HalfSquareCopy(HalfSquare):
    def grad(self, x: np.ndarray) -> np.ndarray:
        return np.array(x, dtype=np.float64)


def optimizer_landscape(name: str):
    return BowlWithHessian() if OPTIMIZERS[name].needs_hessian else Bowl()


# ---------------------------------------------------------------------------------------------
# Shapes and API
# ---------------------------------------------------------------------------------------------


def test_single_start_gives_a_batch_of_one() -> None:
    tr = run("sgd", ROSENBROCK, [-1.5, 2.0], steps=7, lr=1e-3)
    assert isinstance(tr, Trajectory)
    assert tr.path.shape == (8, 1, 2)
    assert tr.loss.shape == (8, 1)
    assert tr.diverged.shape == (1,) and tr.diverged_at.shape == (1,)
    np.testing.assert_array_equal(tr.path[0, 0], [-1.5, 2.0])
    np.testing.assert_array_equal(tr.path_steps, np.arange(8))
    assert tr.batch == len(tr) == 1 and tr.steps == 7 and tr.optimizer == "sgd"


def test_batch_of_starts_and_first_row_is_x0() -> None:
    tr = run("adam", ROSENBROCK, STARTS, steps=5, lr=0.01)
    assert tr.path.shape == (6, 3, 2)
    np.testing.assert_array_equal(tr.path[0], STARTS)
    np.testing.assert_array_equal(tr.final_x, tr.path[-1])
    np.testing.assert_array_equal(tr.final_loss, tr.loss[-1])


def test_first_sgd_step_by_hand() -> None:
    # Rosenbrock at (-1.5, 2): r = y − x² = −0.25, ∇f = (−2(1 − x) − 400 x r, 200 r) = (−5 − 150, −50)
    # = (−155, −50); with lr = 0.001: x₁ = (−1.5 + 0.155, 2 + 0.05) = (−1.345, 2.05).
    tr = run("sgd", ROSENBROCK, [-1.5, 2.0], steps=1, lr=0.001)
    np.testing.assert_allclose(tr.path[1, 0], [-1.345, 2.05], rtol=1e-15)


@pytest.mark.parametrize("x0, batch", [([0.5, 1.0, 2.0], 3), ([0.5], 1), (0.5, 1), ([[0.5], [1.0]], 2)])
def test_one_dimensional_landscape_accepts_a_list_of_starts(x0, batch: int) -> None:
    tr = run("sgd", Line(), x0, steps=4, lr=0.1)
    assert tr.path.shape == (5, batch, 1)
    np.testing.assert_array_equal(tr.path[0, :, 0], np.ravel(x0))
    # x₁ = x₀ − 0.1 (1 + cos x₀)
    x = np.ravel(np.asarray(x0, dtype=float))
    np.testing.assert_allclose(tr.path[1, :, 0], x - 0.1 * (1.0 + np.cos(x)), rtol=1e-15)


def test_default_start_is_the_landscapes() -> None:
    tr = run("sgd", ROSENBROCK, steps=2)
    np.testing.assert_array_equal(tr.path[0, 0], ROSENBROCK.start)


def test_resolved_hyperparameters_are_reported() -> None:
    tr = run("sgd", ROSENBROCK, STARTS, steps=1, lr=0.01)
    assert tr.hyperparams["lr"] == 0.01
    assert tr.hyperparams["momentum"] == OPTIMIZERS["sgd"].defaults["momentum"]


@pytest.mark.parametrize("maximize", [False, True])
def test_loss_is_the_landscape_at_the_path_exactly(maximize: bool) -> None:
    """loss[t] == landscape(path[t]) bit for bit, the true value also when maximizing."""
    tr = run("adam", Bowl(), STARTS, steps=30, lr=0.05, maximize=maximize)
    assert not tr.diverged.any()
    np.testing.assert_array_equal(tr.loss, Bowl()(tr.path))


@pytest.mark.parametrize("landscape_name", list(LANDSCAPES))
@pytest.mark.parametrize("maximize", [False, True])
def test_loss_is_the_landscape_at_the_path_on_every_builtin(landscape_name: str, maximize: bool) -> None:
    """The built-ins' value_and_grad must give exactly their __call__ value (the recorded loss)."""
    landscape = get_landscape(landscape_name)
    rng = np.random.default_rng(0)
    lows, highs = np.array(landscape.bounds).T
    x0 = rng.uniform(lows, highs, size=(64, landscape.dim))
    tr = run("sgd", landscape, x0, steps=20, lr=1e-4, maximize=maximize)
    ok = ~tr.diverged
    np.testing.assert_array_equal(tr.loss[:, ok], landscape(tr.path[:, ok]))


def test_zero_steps() -> None:
    tr = run("adam", ROSENBROCK, STARTS, steps=0)
    assert tr.path.shape == (1, 3, 2) and tr.loss.shape == (1, 3)
    np.testing.assert_array_equal(tr.path[0], STARTS)
    np.testing.assert_array_equal(tr.loss[0], ROSENBROCK(STARTS))
    assert not tr.diverged.any()


@pytest.mark.parametrize("steps, every, rows", [
    (10, 3, [0, 3, 6, 9, 10]),
    (9, 3, [0, 3, 6, 9]),
    (5, 10, [0, 5]),
    (4, 1, [0, 1, 2, 3, 4]),
])
def test_record_every(steps: int, every: int, rows: list[int]) -> None:
    full = run("momentum", ROSENBROCK, STARTS, steps=steps, lr=1e-3)
    tr = run("momentum", ROSENBROCK, STARTS, steps=steps, lr=1e-3, record_every=every)
    np.testing.assert_array_equal(tr.path_steps, rows)
    np.testing.assert_array_equal(tr.loss_steps, rows)
    np.testing.assert_array_equal(tr.path, full.path[rows])
    np.testing.assert_array_equal(tr.loss, full.loss[rows])


def test_record_loss_keeps_losses_and_only_first_and_last_point() -> None:
    full = run("adam", ROSENBROCK, STARTS, steps=10, lr=0.01)
    tr = run("adam", ROSENBROCK, STARTS, steps=10, lr=0.01, record="loss", record_every=4)
    np.testing.assert_array_equal(tr.path_steps, [0, 10])
    np.testing.assert_array_equal(tr.loss_steps, [0, 4, 8, 10])
    np.testing.assert_array_equal(tr.path, full.path[[0, 10]])
    np.testing.assert_array_equal(tr.loss, full.loss[[0, 4, 8, 10]])


def test_record_final_keeps_only_start_and_end() -> None:
    full = run("adam", ROSENBROCK, STARTS, steps=10, lr=0.01)
    tr = run("adam", ROSENBROCK, STARTS, steps=10, lr=0.01, record="final", record_every=3)
    assert tr.path.shape == (2, 3, 2) and tr.loss.shape == (2, 3)
    np.testing.assert_array_equal(tr.path, full.path[[0, 10]])
    np.testing.assert_array_equal(tr.loss, full.loss[[0, 10]])


@pytest.mark.parametrize("name", ALL_OPTIMIZERS)
def test_record_state_names(name: str) -> None:
    """record_state=True returns "grad" and the spec's state_names, each (rows, batch, k).

    state_names lists every state an optimizer can have; some exist only with an option turned
    on (RMSprop's momentum_buffer), so the recorded names must be a subset of them.
    """
    spec = OPTIMIZERS[name]
    if spec.specialize is not None:
        spec = spec.specialize({})
    tr = run(name, ROSENBROCK, STARTS, steps=6, record_state=True, record_every=2)
    assert "grad" in tr.state
    assert set(tr.state) <= set(spec.state_names) | {"grad"}, "a recorded state is undocumented"
    for value in tr.state.values():
        assert value.shape[:2] == (4, 3)
    np.testing.assert_array_equal(tr.state["grad"][0], ROSENBROCK.grad(STARTS))


@pytest.mark.parametrize("name, hp, names", [
    ("sgd", {}, set()),
    ("sgd", dict(momentum=0.5), {"momentum_buffer"}),
    ("adam", {}, {"exp_avg", "exp_avg_sq"}),
    ("adam", dict(amsgrad=True), {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"}),
    ("amsgrad", {}, {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"}),
])
def test_record_state_exact_names(name: str, hp: dict, names: set) -> None:
    tr = run(name, ROSENBROCK, STARTS, steps=2, record_state=True, **hp)
    # SGD always allocates its buffer (torch creates it lazily), so it may appear unused.
    assert set(tr.state) - {"grad"} >= names
    assert set(tr.state) - {"grad"} <= set(OPTIMIZERS[name].state_names) | names


def test_record_state_values_for_sgd_momentum() -> None:
    # Row k holds the state after k steps and the gradient the next step uses (evaluated at x_k).
    tr = run("momentum", ROSENBROCK, STARTS, steps=3, lr=1e-3, record_state=True)
    for k in range(4):
        np.testing.assert_array_equal(tr.state["grad"][k], ROSENBROCK.grad(tr.path[k]))
    # torch fills the buffer with the first gradient: b₁ = g₁ = ∇f(x₀); b₂ = 0.9 b₁ + g₂.
    np.testing.assert_array_equal(tr.state["momentum_buffer"][1], ROSENBROCK.grad(STARTS))
    np.testing.assert_allclose(
        tr.state["momentum_buffer"][2],
        0.9 * ROSENBROCK.grad(STARTS) + ROSENBROCK.grad(tr.path[1]), rtol=1e-14,
    )


def test_huge_batch_final_record_is_O_batch_and_fast() -> None:
    """A big batch with record="final": only start and end are stored.

    The brief's size is 100,000 particles × 1,000 steps: 2.2–4.2 s on the idle 2-core test machine,
    but 9–27 s when it is shared with other jobs; the suite uses 20,000 × 200.
    """
    batch, steps = 20_000, 200
    x0 = np.random.default_rng(1).uniform(-2.0, 2.0, size=(batch, 2))
    started = time.perf_counter()
    tr = run("adam", ROSENBROCK, x0, steps=steps, lr=0.01, record="final")
    elapsed = time.perf_counter() - started
    assert tr.path.nbytes == 2 * batch * 2 * 8
    assert tr.loss.nbytes == 2 * batch * 8
    assert tr.diverged.nbytes <= batch * 8 and tr.diverged_at.nbytes <= batch * 8
    assert not tr.state and tr.averaged_path is None
    print(f"\n{batch} x {steps} adam record=final: {elapsed:.2f} s")
    assert elapsed < 60.0  # a few seconds on an idle machine; generous for a shared one


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------


def test_unknown_optimizer_lists_valid_names() -> None:
    with pytest.raises(KeyError, match=r"unknown optimizer 'adamm'; valid: .*sgd.*adam"):
        run("adamm", ROSENBROCK, [0.0, 0.0])


def test_unknown_hyperparameter_names_the_valid_ones() -> None:
    with pytest.raises(HyperparameterError, match=r"sgd has no hyperparameter 'beta'; valid: lr, momentum"):
        run("sgd", ROSENBROCK, [0.0, 0.0], beta=0.9)
    assert issubclass(HyperparameterError, ValueError)
    with pytest.raises(ValueError, match=r"'betas'.*valid: .*nesterov"):
        run("sgd", ROSENBROCK, [0.0, 0.0], betas=(0.9, 0.99))


def test_maximize_is_not_a_hyperparameter_but_an_option() -> None:
    run("adam", ROSENBROCK, [0.0, 0.0], steps=1, maximize=True)  # accepted


@pytest.mark.parametrize("betas", [0.9, (0.9,), (0.9, 0.99, 0.5), "ab"])
def test_malformed_pair(betas) -> None:
    with pytest.raises(HyperparameterError, match=r"betas must be a pair such as \(0\.9, 0\.999\)"):
        run("adam", ROSENBROCK, [0.0, 0.0], betas=betas)


@pytest.mark.parametrize("x0, shown", [
    ([1.0, 2.0, 3.0], r"\(3,\)"),
    ([[1.0, 2.0, 3.0]], r"\(1, 3\)"),
    (np.zeros((2, 2, 2)), r"\(2, 2, 2\)"),
    (np.zeros((0, 2, 1)), r"\(0, 2, 1\)"),
])
def test_wrong_x0_shape(x0, shown: str) -> None:
    with pytest.raises(ValueError, match=r"x0 must have shape \(2,\) or \(batch, 2\) .*got " + shown):
        run("sgd", ROSENBROCK, x0)


def test_non_finite_x0_and_missing_x0() -> None:
    with pytest.raises(ValueError, match="x0 must be finite"):
        run("sgd", ROSENBROCK, [np.nan, 0.0])
    with pytest.raises(ValueError, match="x0 is required"):
        run("sgd", Bowl())


@pytest.mark.parametrize("kwargs, message", [
    (dict(lr=np.nan), r"lr must be finite"),
    (dict(lr=np.inf), r"lr must be finite"),
    (dict(lr=[0.1, np.inf, 0.1]), r"lr must be finite"),
    (dict(betas=(np.nan, 0.99)), r"betas\[0\] must be finite"),
    (dict(betas=(0.9, -np.inf)), r"betas\[1\] must be finite"),
    (dict(eps=float("inf")), r"eps must be finite"),
    (dict(noise=np.nan), r"noise must be finite"),
    (dict(clip_norm=np.inf), r"clip_norm must be finite"),
    (dict(clip_value=[1.0, np.nan, 1.0]), r"clip_value must be finite"),
])
def test_non_finite_hyperparameters(kwargs, message: str) -> None:
    with pytest.raises(HyperparameterError, match=message):
        run("adam", ROSENBROCK, STARTS, steps=1, **kwargs)


@pytest.mark.parametrize("name, kwargs, message", [
    ("sgd", dict(lr="0.1"), r"lr must be a number or an array of numbers, got '0\.1'"),
    ("sgd", dict(lr=None), r"lr must be a number"),
    ("sgd", dict(lr=[0.1, "x", 0.1]), r"lr must be a number"),
    ("sgd", dict(nesterov="False"), r"nesterov must be True/False, got 'False'"),
    ("sgd", dict(nesterov=[True, False, 2]), r"nesterov must be True or False"),
    ("sgd", dict(nesterov=[True, False]), r"nesterov has shape \(2,\); .*batch \(3,\)"),
])
def test_malformed_hyperparameter_values(name: str, kwargs: dict, message: str) -> None:
    with pytest.raises(HyperparameterError, match=message):
        run(name, ROSENBROCK, STARTS, steps=1, **kwargs)


def test_boolean_hyperparameters_accept_0_and_1() -> None:
    a = run("sgd", ROSENBROCK, STARTS, steps=3, momentum=0.9, nesterov=[1, 0, 1])
    b = run("sgd", ROSENBROCK, STARTS, steps=3, momentum=0.9, nesterov=[True, False, True])
    np.testing.assert_array_equal(a.path, b.path)


def test_array_hyperparameter_of_wrong_length() -> None:
    message = r"lr has shape \(2,\); .*broadcastable to the batch \(3,\)"
    with pytest.raises(HyperparameterError, match=message):
        run("sgd", ROSENBROCK, STARTS, lr=[0.1, 0.2])


@pytest.mark.parametrize("schedule, message", [
    ("cosinus", r"unknown schedule 'cosinus'; valid: constant, step"),
    (("step", {"gamma": 0.5, "stepsize": 3}),
     r"schedule 'step' has no parameter 'stepsize'; valid: step_size, gamma"),
    (("cosine", {"T_max": 0}), r"schedule 'cosine': T_max must be a whole number ≥ 1"),
    (("step", {"step_size": 2.5}), r"schedule 'step': step_size must be a whole number"),
    (("exponential", {"gamma": np.inf}), r"schedule 'exponential': gamma must be finite"),
    (("power", {"s": 0.0}), r"schedule 'power': s must be positive"),
    ({"gamma": 0.5}, r"a schedule dict needs a 'name' key"),
    (42, r"schedule must be a name, \(name, params\), a dict with 'name', or a callable"),
])
def test_bad_schedule(schedule, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        run("sgd", ROSENBROCK, STARTS, steps=1, schedule=schedule)


@pytest.mark.parametrize("kwargs, message", [
    (dict(steps=-1), r"steps must be a whole number ≥ 0, got -1"),
    (dict(steps=2.5), r"steps must be a whole number ≥ 0, got 2\.5"),
    (dict(record="everything"), r"record must be one of path, loss, final, got 'everything'"),
    (dict(record_every=0), r"record_every must be a whole number ≥ 1, got 0"),
    (dict(average="mean"), r"average must be None or one of ema, swa, got 'mean'"),
])
def test_bad_run_options(kwargs, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        run("sgd", ROSENBROCK, STARTS, **kwargs)


def test_bad_landscape_objects() -> None:
    with pytest.raises(TypeError, match=r"landscape must be a name or an object with dim, __call__ and grad"):
        run("sgd", object(), [0.0])
    with pytest.raises(KeyError, match=r"unknown landscape 'banana'; valid: .*rosenbrock"):
        run("sgd", "banana", [0.0, 0.0])


# ---------------------------------------------------------------------------------------------
# Divergence
# ---------------------------------------------------------------------------------------------


def _sgd_reference(landscape, x0: np.ndarray, lr: float, steps: int, bound: float = 1e10):
    """Plain SGD, one particle, no engine: returns the iterates and the first step out of bounds."""
    x = np.array(x0, dtype=np.float64)
    path = [x.copy()]
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            x = x - lr * landscape.grad(x)
            if not np.all(np.abs(x) <= bound):
                return np.array(path), t
            path.append(x.copy())
    return np.array(path), -1


def test_sgd_on_rosenbrock_with_lr_0_01_diverges() -> None:
    steps = 40
    tr = run("sgd", ROSENBROCK, [-1.5, 2.0], steps=steps, lr=0.01)
    reference, first_out = _sgd_reference(ROSENBROCK, [-1.5, 2.0], 0.01, steps)
    assert first_out > 0, "the independent loop should diverge too"
    assert tr.diverged[0]
    assert tr.diverged_at[0] == first_out
    k = first_out
    np.testing.assert_array_equal(tr.path[:k, 0], reference)  # identical up to the last finite point
    # From the diverging step on the particle stays frozen at its last finite point.
    np.testing.assert_array_equal(tr.path[k:, 0], np.broadcast_to(reference[-1], (steps + 1 - k, 2)))
    np.testing.assert_array_equal(tr.final_x[0], reference[-1])
    np.testing.assert_array_equal(tr.loss[k:, 0], ROSENBROCK(reference[-1]))


def test_divergence_bound_is_respected() -> None:
    # Bowl (1, 10), SGD lr = 1: x ← x − 10 y in the second coordinate = (1 − 10) y = −9 y.
    # From y = 1: |y_t| = 9^t, which first exceeds 1000 at t = 4 (9³ = 729, 9⁴ = 6561).
    tr = run("sgd", Bowl(), [[0.0, 1.0], [0.0, 0.0]], steps=8, lr=1.0, divergence_bound=1000.0)
    np.testing.assert_array_equal(tr.diverged, [True, False])
    np.testing.assert_array_equal(tr.diverged_at, [4, -1])
    np.testing.assert_array_equal(tr.path[:4, 0, 1], [1.0, -9.0, 81.0, -729.0])
    np.testing.assert_array_equal(tr.path[4:, 0, 1], -729.0)


def test_start_beyond_the_bound_is_diverged_at_step_0() -> None:
    x0 = np.array([[2e10, 0.0], [0.5, 0.5], [0.0, -3e10]])
    tr = run("adam", ROSENBROCK, x0, steps=5, lr=0.01)
    np.testing.assert_array_equal(tr.diverged, [True, False, True])
    np.testing.assert_array_equal(tr.diverged_at, [0, -1, 0])
    for i in (0, 2):
        np.testing.assert_array_equal(tr.path[:, i], np.broadcast_to(x0[i], (6, 2)))
    tr = run("sgd", Bowl(), [[11.0, 0.0]], steps=3, divergence_bound=10.0)
    assert tr.diverged_at[0] == 0


def test_non_finite_iterate_is_flagged_even_with_an_infinite_bound() -> None:
    # SGD lr = 1e308 on Bowl (1, 10) from (1, 1): x₁ = 1 − 1e308·(1, 10) → (−1e308, −inf).
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tr = run("sgd", Bowl(), [1.0, 1.0], steps=3, lr=1e308, divergence_bound=np.inf)
    assert tr.diverged[0] and tr.diverged_at[0] == 1
    assert np.all(np.isfinite(tr.path))


# ---------------------------------------------------------------------------------------------
# maximize
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, hp", [
    ("sgd", dict(lr=1e-3, momentum=0.9, weight_decay=0.1)),
    ("adam", dict(lr=0.01, weight_decay=0.1)),
    ("rmsprop", dict(lr=0.01)),
])
@pytest.mark.parametrize("extra", [
    {}, dict(noise=0.5, seed=3), dict(clip_norm=1.0), dict(schedule=("plateau", {"patience": 2})),
])
def test_maximize_equals_minimizing_the_negation(name: str, hp: dict, extra: dict) -> None:
    if name not in OPTIMIZERS:
        pytest.skip(f"{name} is not registered")
    negated = Negated(ROSENBROCK)
    up = run(name, ROSENBROCK, STARTS, steps=25, maximize=True, **hp, **extra)
    down = run(name, negated, STARTS, steps=25, **hp, **extra)
    np.testing.assert_array_equal(up.path, down.path)
    np.testing.assert_array_equal(up.loss, -down.loss)
    np.testing.assert_array_equal(up.diverged_at, down.diverged_at)


def test_maximize_climbs() -> None:
    # f = −½‖x‖² (negated Bowl(1, 1)) has its maximum at 0: SGD lr = 0.5 halves x each step.
    tr = run("sgd", Negated(Bowl((1.0, 1.0))), [4.0, -2.0], steps=2, lr=0.5, maximize=True)
    np.testing.assert_array_equal(tr.path[:, 0], [[4.0, -2.0], [2.0, -1.0], [1.0, -0.5]])
    np.testing.assert_array_equal(tr.loss[:, 0], [-10.0, -2.5, -0.625])


# ---------------------------------------------------------------------------------------------
# Noise
# ---------------------------------------------------------------------------------------------


def test_same_seed_same_path_different_seed_different_path() -> None:
    a = run("adam", ROSENBROCK, STARTS, steps=20, lr=0.01, noise=1.0, seed=5)
    b = run("adam", ROSENBROCK, STARTS, steps=20, lr=0.01, noise=1.0, seed=5)
    c = run("adam", ROSENBROCK, STARTS, steps=20, lr=0.01, noise=1.0, seed=6)
    np.testing.assert_array_equal(a.path, b.path)
    assert np.all(a.path[1:] != c.path[1:])
    # seed=5 shifts particle i to stream 5 + i: particle 1 of seed 5 is particle 0 of seed 6.
    np.testing.assert_array_equal(a.path[:, 1:], run(
        "adam", ROSENBROCK, STARTS[1:], steps=20, lr=0.01, noise=1.0, seed=6).path)
    # Every particle of one batch draws differently.
    same_start = run("sgd", ROSENBROCK, np.tile([0.5, 0.5], (3, 1)), steps=1, noise=1.0)
    assert len({tuple(p) for p in same_start.path[1]}) == 3


@pytest.mark.parametrize("zero", [0.0, 0, np.zeros(3), [0.0, 0.0, 0.0]])
def test_zero_noise_equals_no_noise(zero) -> None:
    plain = run("adam", ROSENBROCK, STARTS, steps=20, lr=0.01)
    np.testing.assert_array_equal(run("adam", ROSENBROCK, STARTS, steps=20, lr=0.01, noise=zero,
                                      seed=9).path, plain.path)


def test_noise_is_gaussian_with_the_given_std() -> None:
    # SGD lr = 1, one step: x₁ = x₀ − (g + σ z), so x₁(noisy) − x₁(clean) = −σ z, z ~ N(0, I).
    n, sigma = 20_000, 0.7
    x0 = np.tile([0.3, -0.2], (n, 1))
    clean = run("sgd", Bowl(), x0, steps=1, lr=1.0)
    noisy = run("sgd", Bowl(), x0, steps=1, lr=1.0, noise=sigma, seed=123)
    z = -(noisy.path[1] - clean.path[1]) / sigma
    standard_error = 1.0 / math.sqrt(n)
    assert np.all(np.abs(z.mean(axis=0)) < 4 * standard_error)
    assert np.all(np.abs(z.std(axis=0) - 1.0) < 0.03)
    assert abs(np.corrcoef(z.T)[0, 1]) < 4 * standard_error
    # Tails of a normal: P(|z| > 2) = 4.55 %, P(|z| > 3) = 0.27 %.
    assert abs(np.mean(np.abs(z) > 2.0) - 0.0455) < 0.005
    assert abs(np.mean(np.abs(z) > 3.0) - 0.0027) < 0.0015


def test_per_particle_noise_scales_the_same_draws() -> None:
    # With σ = (0, 1, 2) the perturbations of particles 1 and 2 are the same z times 1 and 2
    # (particle i uses stream seed + i, so use one start and array seeds [s, s, s]).
    x0 = np.tile([0.3, -0.2], (3, 1))
    clean = run("sgd", Bowl(), x0, steps=1, lr=1.0)
    noisy = run("sgd", Bowl(), x0, steps=1, lr=1.0, noise=[0.0, 1.0, 2.0], seed=np.array([4, 4, 4]))
    d = noisy.path[1] - clean.path[1]
    np.testing.assert_array_equal(d[0], 0.0)
    np.testing.assert_allclose(d[2], 2.0 * d[1], rtol=1e-12)
    assert np.all(d[1] != 0.0)


# ---------------------------------------------------------------------------------------------
# Clipping (SGD with lr = 1, one step: x₁ = x₀ − clip(g))
# ---------------------------------------------------------------------------------------------

# Bowl (1, 10) at (0.9, 10) has gradient (0.9, 100), the example gradient of the course notes.
NOTES_START = [0.9, 10.0]


def _first_step_gradient(**kwargs) -> np.ndarray:
    tr = run("sgd", Bowl(), NOTES_START, steps=1, lr=1.0, **kwargs)
    return np.asarray(NOTES_START) - tr.path[1, 0]


def test_clip_by_value_clamps_each_component() -> None:
    # (0.9, 100) clamped to [−1, 1] componentwise → (0.9, 1.0): x₁ = (0.9 − 0.9, 10 − 1) = (0, 9).
    tr = run("sgd", Bowl(), NOTES_START, steps=1, lr=1.0, clip_value=1.0)
    np.testing.assert_array_equal(tr.path[1, 0], [0.0, 9.0])
    # Negative components are clamped from below: at (−0.9, −10) the gradient is (−0.9, −100).
    tr = run("sgd", Bowl(), [-0.9, -10.0], steps=1, lr=1.0, clip_value=0.5)
    np.testing.assert_array_equal(tr.path[1, 0], [-0.4, -9.5])


def test_clip_by_norm_keeps_the_direction() -> None:
    # ‖(0.9, 100)‖ = √10000.81 ≈ 100.00405; torch's factor is 1 / (‖g‖ + 1e-6).
    norm = math.sqrt(0.9 * 0.9 + 100.0 * 100.0)
    factor = 1.0 / (norm + 1e-6)
    g = _first_step_gradient(clip_norm=1.0)
    np.testing.assert_allclose(g, [0.9 * factor, 100.0 * factor], rtol=1e-14)
    np.testing.assert_allclose(np.linalg.norm(g), 1.0, rtol=2e-8)  # 1 − 1e-6/100 ≈ 1 − 1e-8
    np.testing.assert_allclose(g[1] / g[0], 100.0 / 0.9, rtol=1e-14)  # direction kept


def test_clip_norm_uses_torchs_1e_minus_6() -> None:
    # Bowl (1, 1) at (3e-7, 4e-7): g = (3e-7, 4e-7), ‖g‖ = 5e-7. clip_norm = 5e-7:
    # factor = 5e-7 / (5e-7 + 1e-6) = 1/3, so the step is g / 3 = (1e-7, 1.333…e-7), although the
    # gradient is already inside the ball in exact arithmetic.
    tr = run("sgd", Bowl((1.0, 1.0)), [3e-7, 4e-7], steps=1, lr=1.0, clip_norm=5e-7)
    np.testing.assert_allclose(np.array([3e-7, 4e-7]) - tr.path[1, 0], [1e-7, 4e-7 / 3], rtol=1e-9)


def test_clip_norm_leaves_small_gradients_alone() -> None:
    # factor = min(1, 1000 / 100.004) = 1: the step is the raw gradient (0.9, 100), x₁ = (0, −90).
    tr = run("sgd", Bowl(), NOTES_START, steps=1, lr=1.0, clip_norm=1000.0)
    np.testing.assert_array_equal(tr.path[1, 0], [0.0, -90.0])


def test_clip_value_then_norm_and_per_particle_thresholds() -> None:
    # By value 1 → (0.9, 1); then by norm 1: ‖(0.9, 1)‖ = √1.81, factor 1 / (√1.81 + 1e-6).
    factor = 1.0 / (math.sqrt(1.81) + 1e-6)
    g = _first_step_gradient(clip_value=1.0, clip_norm=1.0)
    np.testing.assert_allclose(g, [0.9 * factor, factor], rtol=1e-14)
    # Per-particle thresholds: particle 0 by value 1 → (0.9, 1), particle 1 by value 50 → (0.9, 50).
    tr = run("sgd", Bowl(), [NOTES_START, NOTES_START], steps=1, lr=1.0, clip_value=[1.0, 50.0])
    np.testing.assert_array_equal(tr.path[1], [[0.0, 9.0], [0.0, -40.0]])


def test_clipping_happens_after_noise() -> None:
    # With a huge noise and clip_value = 1e-3 every component of the step is exactly ±1e-3.
    tr = run("sgd", Bowl(), np.zeros((50, 2)), steps=1, lr=1.0, noise=1e6, clip_value=1e-3)
    np.testing.assert_array_equal(np.abs(tr.path[1]), 1e-3)


#: A per-particle value for each engine option marked per particle (one value per start).
PER_PARTICLE_SAMPLES = {
    "noise": np.linspace(0.0, 2.0, 7),
    "clip_norm": np.linspace(0.05, 3.0, 7),
    "clip_value": np.linspace(0.01, 1.5, 7),
}


def test_every_per_particle_option_is_a_run_keyword_with_a_sample_here() -> None:
    """The marks on ``_Options`` are the single list; this test needs a sample for each."""
    keywords = inspect.signature(run).parameters
    assert engine.PER_PARTICLE_OPTIONS, "no engine option is marked per particle"
    for name in engine.PER_PARTICLE_OPTIONS:
        assert name in keywords, f"{name} is marked per particle but run() does not take it"
        assert name in PER_PARTICLE_SAMPLES, f"add a per-particle sample for {name} to this file"


@pytest.mark.parametrize("option", sorted(PER_PARTICLE_SAMPLES))
def test_per_particle_option_over_several_blocks_equals_separate_runs(option: str, monkeypatch) -> None:
    """Each block gets its own rows of a per-particle option (7 particles in blocks of 3)."""
    assert option in engine.PER_PARTICLE_OPTIONS, f"{option} is not marked per particle"
    values = PER_PARTICLE_SAMPLES[option]
    starts = np.column_stack([np.linspace(-1.8, 1.5, 7), np.linspace(2.5, -0.5, 7)])
    monkeypatch.setattr(engine, "BLOCK_SIZE", 3)
    batched = run("adam", ROSENBROCK, starts, steps=25, lr=0.05, seed=11, **{option: values})
    distinct = {tuple(np.round(batched.path[-1, i], 12)) for i in range(len(starts))}
    assert len(distinct) == len(starts)
    for i, start in enumerate(starts):
        alone = run("adam", ROSENBROCK, start, steps=25, lr=0.05, seed=11 + i,
                    **{option: float(values[i])})
        np.testing.assert_array_equal(batched.path[:, i], alone.path[:, 0])
        np.testing.assert_array_equal(batched.loss[:, i], alone.loss[:, 0])
    # and the option really acts: the run without it differs for some particle
    plain = run("adam", ROSENBROCK, starts, steps=25, lr=0.05, seed=11)
    assert not np.array_equal(plain.path, batched.path)


# ---------------------------------------------------------------------------------------------
# Averaging
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("decay", [0.9, 0.5, 0.0])
def test_ema_average(decay: float) -> None:
    tr = run("adam", ROSENBROCK, STARTS, steps=30, lr=0.05, average="ema", ema_decay=decay)
    expected = np.empty_like(tr.path)
    expected[0] = tr.path[0]  # a₀ = x₀, a_t = d a_{t−1} + (1 − d) x_t
    for t in range(1, len(tr.path)):
        expected[t] = decay * expected[t - 1] + (1.0 - decay) * tr.path[t]
    np.testing.assert_allclose(tr.averaged_path, expected, rtol=1e-13, atol=1e-15)


def test_swa_from_step_0_is_the_running_mean_of_the_path() -> None:
    tr = run("adam", ROSENBROCK, STARTS, steps=30, lr=0.05, average="swa", swa_start=0)
    counts = np.arange(1, 32)[:, None, None]
    expected = np.cumsum(tr.path, axis=0) / counts  # mean of path[0..t]
    np.testing.assert_allclose(tr.averaged_path, expected, rtol=1e-13)


@pytest.mark.parametrize("start", [1, 5, 30, 40])
def test_swa_from_step_k(start: int) -> None:
    tr = run("adam", ROSENBROCK, STARTS, steps=30, lr=0.05, average="swa", swa_start=start)
    k = min(start, 31)
    np.testing.assert_array_equal(tr.averaged_path[:k], tr.path[:k])  # before k: the path itself
    tail = tr.path[k:]
    expected = np.cumsum(tail, axis=0) / np.arange(1, len(tail) + 1)[:, None, None]
    np.testing.assert_allclose(tr.averaged_path[k:], expected, rtol=1e-13)


def test_average_with_record_every() -> None:
    full = run("adam", ROSENBROCK, STARTS, steps=10, lr=0.05, average="ema", ema_decay=0.8)
    tr = run("adam", ROSENBROCK, STARTS, steps=10, lr=0.05, average="ema", ema_decay=0.8, record_every=4)
    np.testing.assert_array_equal(tr.averaged_path, full.averaged_path[[0, 4, 8, 10]])


# ---------------------------------------------------------------------------------------------
# Custom landscapes
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", GRADIENT_OPTIMIZERS)
def test_custom_landscape_with_only_call_and_grad(name: str) -> None:
    landscape = Bowl()
    assert not hasattr(landscape, "value_and_grad") and not hasattr(landscape, "hessian")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tr = run(name, landscape, STARTS, steps=20)
    assert tr.path.shape == (21, 3, 2)
    np.testing.assert_array_equal(tr.loss[:, ~tr.diverged], landscape(tr.path[:, ~tr.diverged]))


_NEWTON_LIKE = [n for n, s in OPTIMIZERS.items() if s.needs_hessian] or ["(fake newton)"]


@pytest.mark.parametrize("name", _NEWTON_LIKE)
def test_hessian_optimizer_on_a_landscape_without_hessian(name: str) -> None:
    spec = OPTIMIZERS.get(name) or OptimizerSpec(
        name="fake-newton", title="Fake", family="Second-order", hyperparams=(),
        init=lambda x, hp: {}, step=lambda *a: None, update_rule="", explanation="", paper="",
        needs_hessian=True,
    )
    with pytest.raises(ValueError, match=rf"{spec.name} needs a landscape with a hessian\(x\) method"):
        run(spec, Bowl(), [1.0, 1.0], steps=3)
    run(spec, BowlWithHessian(), [1.0, 1.0], steps=3)  # fine with one


def test_spec_object_accepted_in_place_of_a_name() -> None:
    a = run(OPTIMIZERS["sgd"], ROSENBROCK, STARTS, steps=5, lr=1e-3)
    b = run("sgd", ROSENBROCK, STARTS, steps=5, lr=1e-3)
    np.testing.assert_array_equal(a.path, b.path)


@pytest.mark.parametrize("kwargs", [
    dict(noise=0.5), dict(maximize=True), dict(weight_decay=0.1), dict(clip_value=0.1), {},
])
def test_gradient_that_aliases_its_input(kwargs) -> None:
    """A landscape whose grad returns x itself must not let the engine modify x through it."""
    a = run("sgd", HalfSquare(), [[1.0, 2.0]], steps=3, lr=0.1, **kwargs)
    b = run("sgd", HalfSquareCopy(), [[1.0, 2.0]], steps=3, lr=0.1, **kwargs)
    np.testing.assert_array_equal(a.path, b.path)


# ---------------------------------------------------------------------------------------------
# Regressions found by the property tests (deterministic versions)
# ---------------------------------------------------------------------------------------------


def test_sgd_array_momentum_containing_zero_ignores_dampening_like_scalar_zero() -> None:
    # torch: momentum = 0 → no buffer, dampening unused, step = lr·g. A per-particle momentum
    # array containing 0 must do the same for that particle.
    x0 = np.array([[-1.5, 2.0], [0.5, 0.5]])
    batched = run("sgd", ROSENBROCK, x0, steps=5, lr=1e-3, momentum=[0.0, 0.5], dampening=0.5)
    alone = run("sgd", ROSENBROCK, x0[0], steps=5, lr=1e-3, momentum=0.0, dampening=0.5)
    np.testing.assert_array_equal(batched.path[:, 0], alone.path[:, 0])


@pytest.mark.parametrize("name", [n for n in ("adam", "adamw", "amsgrad") if n in OPTIMIZERS])
def test_adam_with_beta1_equal_to_one_does_not_raise(name: str) -> None:
    # β₁ = 1: bias correction 1 − 1ᵗ = 0 → lr / 0. Must give non-finite numbers (flagged), not
    # ZeroDivisionError from Python float arithmetic.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tr = run(name, ROSENBROCK, STARTS, steps=3, lr=0.01, betas=(1.0, 0.999))
    assert np.all(np.isfinite(tr.path))
