"""Learning-rate schedules: hand-computed multipliers and their effect inside optimizers.run.

(Comparisons with torch.optim.lr_scheduler live in the golden tests; these are the hand checks.)
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from conftest import ALL_OPTIMIZERS, Bowl, BowlWithHessian

from landscapes import get_landscape
from optimizers import OPTIMIZERS, SCHEDULES, make_schedule, run

ROSENBROCK = get_landscape("rosenbrock")
STARTS = np.array([[-1.5, 2.0], [0.5, 0.5], [-0.3, 1.7]])


def multipliers(schedule, steps: int, losses=None) -> list[float]:
    fn = make_schedule(schedule, 1)
    losses = [0.0] * steps if losses is None else losses
    return [float(np.asarray(fn(t, np.array([losses[t]]))).ravel()[0]) for t in range(steps)]


# ---------------------------------------------------------------------------------------------
# Every schedule, every spelling
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_every_schedule_runs(name: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for spelling in (name, (name, {}), {"name": name}):
            tr = run("adam", ROSENBROCK, STARTS, steps=30, lr=0.01, schedule=spelling)
            assert np.all(np.isfinite(tr.path)) and not tr.diverged.any()


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_every_schedule_metadata(name: str) -> None:
    spec = SCHEDULES[name]
    assert spec.name == name and spec.title and spec.formula
    for p in spec.params:
        assert p.help
        if p.low is not None and p.kind in ("int", "float"):
            assert p.low <= p.default <= p.high


@pytest.mark.parametrize("name", ALL_OPTIMIZERS)
def test_constant_schedule_changes_nothing(name: str) -> None:
    landscape = BowlWithHessian() if OPTIMIZERS[name].needs_hessian else Bowl()
    plain = run(name, landscape, STARTS, steps=10)
    constant = run(name, landscape, STARTS, steps=10, schedule="constant")
    np.testing.assert_array_equal(constant.path, plain.path)


# ---------------------------------------------------------------------------------------------
# Hand-computed multipliers (step t counts from 0; step t of the optimizer uses multiplier t − 1)
# ---------------------------------------------------------------------------------------------


def test_step() -> None:
    # γ^⌊t/3⌋ with γ = 0.5: 1, 1, 1, ½, ½, ½, ¼
    assert multipliers(("step", {"step_size": 3, "gamma": 0.5}), 7) == [1, 1, 1, 0.5, 0.5, 0.5, 0.25]


def test_piecewise() -> None:
    # γ^#{m ≤ t} with milestones (2, 5) (given unsorted) and γ = 0.1: 1, 1, 0.1 ×3, 0.01 ×2
    got = multipliers(("piecewise", {"milestones": (5, 2), "gamma": 0.1}), 7)
    np.testing.assert_allclose(got, [1, 1, 0.1, 0.1, 0.1, 0.01, 0.01], rtol=1e-15)


def test_exponential() -> None:
    got = multipliers(("exponential", {"gamma": 0.9}), 4)
    np.testing.assert_allclose(got, [1.0, 0.9, 0.81, 0.729], rtol=1e-15)


def test_power() -> None:
    # η₀ / (1 + t/s)^c with s = 10, c = 2: t = 0 → 1, t = 10 → 1/2² = ¼, t = 30 → 1/4² = 1/16
    got = multipliers(("power", {"s": 10.0, "c": 2.0}), 31)
    assert got[0] == 1.0 and got[10] == 0.25 and got[30] == 1.0 / 16.0
    np.testing.assert_allclose(got[5], 1.0 / 1.5**2, rtol=1e-15)
    # c = 1 (default s = 100): 1 / (1 + t/100)
    np.testing.assert_allclose(multipliers("power", 301)[300], 0.25, rtol=1e-15)


def test_cosine() -> None:
    # m + (1 − m)(1 + cos(π t/T))/2 with T = 4, m = 0.2:
    # t = 0 → 1; t = 1 → 0.2 + 0.4(1 + √½) ≈ 0.882843; t = 2 → 0.2 + 0.4 = 0.6; t = 4 → 0.2;
    # after T it stays at m.
    got = multipliers(("cosine", {"T_max": 4, "min_factor": 0.2}), 7)
    half = math.sqrt(0.5)
    expected = [1.0, 0.2 + 0.4 * (1.0 + half), 0.6, 0.2 + 0.4 * (1.0 - half), 0.2, 0.2, 0.2]
    np.testing.assert_allclose(got, expected, rtol=1e-14)


def test_linear_warmup() -> None:
    # f₀ + (1 − f₀) min(t/W, 1) with W = 4, f₀ = 0.2: 0.2, 0.4, 0.6, 0.8, 1, 1
    got = multipliers(("linear_warmup", {"warmup_steps": 4, "start_factor": 0.2}), 6)
    np.testing.assert_allclose(got, [0.2, 0.4, 0.6, 0.8, 1.0, 1.0], rtol=1e-15)


@pytest.mark.parametrize("total, pct, div, final_div", [(100, 0.3, 25.0, 1e4), (10, 0.5, 10.0, 100.0)])
def test_one_cycle(total: int, pct: float, div: float, final_div: float) -> None:
    schedule = ("one_cycle", {"total_steps": total, "pct_start": pct, "div_factor": div,
                              "final_div_factor": final_div})
    got = np.array(multipliers(schedule, total + 5))
    peak = round(pct * total) - 1
    assert got[0] == pytest.approx(1.0 / div, rel=1e-15)  # starts at max_lr / div
    assert got[peak] == 1.0  # peaks at step pct_start·total − 1
    assert np.argmax(got) == peak
    np.testing.assert_allclose(got[total - 1], 1.0 / (div * final_div), rtol=1e-14)  # ends at 1/(d·d_f)
    np.testing.assert_allclose(got[total:], got[total - 1], rtol=0)  # and stays there
    assert np.all(np.diff(got[: peak + 1]) > 0) and np.all(np.diff(got[peak:total]) < 0)


def test_one_cycle_midpoints_by_hand() -> None:
    # total 10, pct 0.5: warm-up ends at step 4, annealing at step 9. Cosine annealing from a to b
    # at fraction p is b + (a − b)(1 + cos πp)/2.
    # t = 2 (p = ½): 1 + (0.1 − 1)/2 = 0.55.   t = 7 (p = 3/5): m + (1 − m)(1 + cos 0.6π)/2, m = 1e-3.
    got = multipliers(("one_cycle", {"total_steps": 10, "pct_start": 0.5, "div_factor": 10.0,
                                     "final_div_factor": 100.0}), 10)
    np.testing.assert_allclose(got[2], 0.55, rtol=1e-15)
    np.testing.assert_allclose(got[7], 1e-3 + (1 - 1e-3) * (1 + math.cos(0.6 * math.pi)) / 2, rtol=1e-14)


def test_one_cycle_with_the_whole_cycle_warming_up() -> None:
    # pct_start = 1: the peak is the last step (used to divide by zero after the cycle).
    got = multipliers(("one_cycle", {"total_steps": 10, "pct_start": 1.0}), 14)
    assert got[9] == 1.0 and got[13] == 1.0


ONE_CYCLE_DEFAULTS = {"anneal_strategy": "cos", "three_phase": False, "cycle_momentum": False,
                      "base_momentum": 0.85, "max_momentum": 0.95}


def test_one_cycle_new_options_at_their_defaults_change_nothing() -> None:
    """Links and calls without the new parameters keep their numbers, multipliers and runs alike."""
    assert {p.name: p.default for p in SCHEDULES["one_cycle"].params
            if p.name in ONE_CYCLE_DEFAULTS} == ONE_CYCLE_DEFAULTS
    old = ("one_cycle", {"total_steps": 40, "pct_start": 0.25})
    new = ("one_cycle", {"total_steps": 40, "pct_start": 0.25, **ONE_CYCLE_DEFAULTS})
    assert multipliers(old, 45) == multipliers(new, 45)
    assert make_schedule(new, 1).momentum is None
    for name, hp in (("momentum", {"lr": 1e-3}), ("adam", {"lr": 0.05})):
        a = run(name, ROSENBROCK, STARTS, steps=40, schedule=old, **hp)
        b = run(name, ROSENBROCK, STARTS, steps=40, schedule=new, **hp)
        np.testing.assert_array_equal(a.path, b.path)
    # without cycle_momentum the optimizer's own momentum is what counts
    slow = run("momentum", ROSENBROCK, STARTS, steps=40, lr=1e-3, momentum=0.5, schedule=new)
    fast = run("momentum", ROSENBROCK, STARTS, steps=40, lr=1e-3, momentum=0.9, schedule=new)
    assert not np.array_equal(slow.path, fast.path)


def test_one_cycle_linear_by_hand() -> None:
    # total 10, pct ½, d = 10, d_f = 100: up until step 4 from 0.1 to 1, down until step 9 to 1e-3,
    # along lines s + (e − s)p. t = 1: 0.1 + 0.9·¼ = 0.325; t = 7 (p = ⅗): 1 − 0.999·0.6 = 0.4006.
    got = multipliers(("one_cycle", {"total_steps": 10, "pct_start": 0.5, "div_factor": 10.0,
                                     "final_div_factor": 100.0, "anneal_strategy": "linear"}), 12)
    np.testing.assert_allclose([got[0], got[1], got[4], got[7], got[9], got[11]],
                               [0.1, 0.325, 1.0, 0.4006, 1e-3, 1e-3], rtol=1e-13)
    steps_up, steps_down = np.diff(got[:5]), np.diff(got[4:10])
    np.testing.assert_allclose(steps_up, 0.225, rtol=1e-12)  # a straight line: equal steps
    np.testing.assert_allclose(steps_down, -0.999 / 5, rtol=1e-12)


def test_one_cycle_three_phases_by_hand() -> None:
    # total 20, pct ¼, d = 10, d_f = 100, linear: 0.1 ↗ 1 until step 4, 1 ↘ 0.1 until step 8
    # (2·pct·T − 2), 0.1 ↘ 1e-3 until step 19. Momentum 0.95 ↘ 0.85 ↗ 0.95, then stays at 0.95.
    schedule = ("one_cycle", {"total_steps": 20, "pct_start": 0.25, "div_factor": 10.0,
                              "final_div_factor": 100.0, "anneal_strategy": "linear",
                              "three_phase": True, "cycle_momentum": True})
    got = multipliers(schedule, 20)
    # t = 13 is 5/11 of the third phase: 0.1 + (1e-3 − 0.1)·5/11 = 0.055
    np.testing.assert_allclose([got[t] for t in (0, 2, 4, 6, 8, 13, 19)],
                               [0.1, 0.55, 1.0, 0.55, 0.1, 0.055, 1e-3], rtol=1e-13)
    momentum = make_schedule(schedule, 1).momentum
    np.testing.assert_allclose([momentum(t) for t in (0, 2, 4, 6, 8, 13, 19)],
                               [0.95, 0.9, 0.85, 0.9, 0.95, 0.95, 0.95], rtol=1e-15)


def test_one_cycle_momentum_runs_against_lr_by_hand() -> None:
    # cosine, total 10, pct ½: momentum 0.95 at step 0, 0.9 halfway up (t = 2), 0.85 at the lr peak
    # (t = 4), back to 0.95 at the end (t = 9) and after it.
    schedule = make_schedule(("one_cycle", {"total_steps": 10, "pct_start": 0.5,
                                            "cycle_momentum": True}), 1)
    got = [schedule.momentum(t) for t in range(12)]
    np.testing.assert_allclose([got[0], got[2], got[4], got[9], got[11]], [0.95, 0.9, 0.85, 0.95, 0.95],
                               rtol=1e-15)
    lr = [schedule(t, None) for t in range(10)]
    assert np.argmax(lr) == np.argmin(got[:10]) == 4
    # custom bounds
    other = make_schedule(("one_cycle", {"total_steps": 10, "pct_start": 0.5, "cycle_momentum": True,
                                         "base_momentum": 0.5, "max_momentum": 0.7}), 1)
    np.testing.assert_allclose([other.momentum(t) for t in (0, 2, 4)], [0.7, 0.6, 0.5], rtol=1e-15)


def test_cycled_momentum_is_used_one_step_behind_like_the_multiplier() -> None:
    """SGD with momentum on ½x²: step t uses multiplier m(t−1) and momentum μ(t−1), by a plain loop.

    torch's SGD: b₁ = g₁, then b_t = μ b_{t−1} + g_t; x_t = x_{t−1} − lr·m·b_t.
    """
    params = {"total_steps": 12, "pct_start": 0.3, "anneal_strategy": "linear", "cycle_momentum": True,
              "base_momentum": 0.5, "max_momentum": 0.9}
    schedule = make_schedule(("one_cycle", params), 1)
    lr, x, buf = 0.3, np.array([4.0, -2.0]), None
    expected = [x.copy()]
    for t in range(1, 13):
        g = x.copy()  # Bowl((1, 1)): the gradient is x
        buf = g if buf is None else buf * schedule.momentum(t - 1) + g
        x = x - (lr * schedule(t - 1, None)) * buf
        expected.append(x.copy())
    tr = run("momentum", Bowl((1.0, 1.0)), [4.0, -2.0], steps=12, lr=lr, momentum=0.0123,
             schedule=("one_cycle", params))
    np.testing.assert_allclose(tr.path[:, 0], expected, rtol=1e-14)
    # and the cycle really moved the momentum: a constant momentum 0.9 (the first value) differs
    constant = run("momentum", Bowl((1.0, 1.0)), [4.0, -2.0], steps=12, lr=lr, momentum=0.9,
                   schedule=("one_cycle", {**params, "cycle_momentum": False}))
    assert not np.allclose(constant.path, tr.path, rtol=1e-6)


def test_cycle_momentum_replaces_momentum_and_beta1_only() -> None:
    cycle = ("one_cycle", {"total_steps": 30, "cycle_momentum": True})

    def final(name: str, **hp) -> np.ndarray:
        return run(name, ROSENBROCK, STARTS, steps=30, schedule=cycle, **hp).path

    # SGD: the given momentum is overridden, and plain SGD becomes momentum SGD (as in torch)
    np.testing.assert_array_equal(final("momentum", lr=1e-3, momentum=0.5), final("momentum", lr=1e-3))
    np.testing.assert_array_equal(final("sgd", lr=1e-3), final("momentum", lr=1e-3))
    # Adam: β₁ is overridden, β₂ is kept
    np.testing.assert_array_equal(final("adam", lr=0.05, betas=(0.5, 0.999)), final("adam", lr=0.05))
    assert not np.array_equal(final("adam", lr=0.05, betas=(0.9, 0.9)), final("adam", lr=0.05))
    # the reported hyperparameters are still the ones given
    tr = run("momentum", ROSENBROCK, STARTS, steps=3, lr=1e-3, momentum=0.5, schedule=cycle)
    assert tr.hyperparams["momentum"] == 0.5


@pytest.mark.parametrize("name", ["adagrad", "adadelta", "rprop"])
def test_cycle_momentum_needs_momentum_or_betas(name: str) -> None:
    if name not in OPTIMIZERS:
        pytest.skip(f"{name} is not registered")
    with pytest.raises(ValueError, match=r"optimizer must support momentum or beta1 with "
                                         r"`cycle_momentum` option enabled; " + name):
        run(name, ROSENBROCK, STARTS, steps=5, schedule=("one_cycle", {"cycle_momentum": True}))
    run(name, ROSENBROCK, STARTS, steps=5, schedule=("one_cycle", {"cycle_momentum": False}))


@pytest.mark.parametrize("name", ["momentum", "adam", "rmsprop"])
def test_cycle_momentum_batch_equals_separate_runs_over_blocks(name: str, monkeypatch) -> None:
    from optimizers import engine

    schedule = ("one_cycle", {"total_steps": 20, "cycle_momentum": True, "three_phase": True})
    starts = np.column_stack([np.linspace(-1.8, 1.5, 7), np.linspace(2.5, -0.5, 7)])
    lrs = np.linspace(1e-3, 5e-3, 7)
    monkeypatch.setattr(engine, "BLOCK_SIZE", 3)
    batched = run(name, ROSENBROCK, starts, steps=20, lr=lrs, schedule=schedule)
    for i, start in enumerate(starts):
        alone = run(name, ROSENBROCK, start, steps=20, lr=float(lrs[i]), schedule=schedule)
        np.testing.assert_array_equal(batched.path[:, i], alone.path[:, 0])


def test_plateau_multipliers_by_hand() -> None:
    # torch's rule: improvement means loss < best·(1 − 1e-4); after more than `patience` steps
    # without one, multiply by factor and restart the count.
    losses = [5.0, 4.0, 4.0, 4.0, 4.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0]
    got = multipliers(("plateau", {"patience": 2, "factor": 0.5}), len(losses), losses)
    # bad steps:  0  0  1  2  3→reduce  0  1  2  3→reduce  1  2  3→reduce
    assert got == [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125]


def test_plateau_min_factor_and_threshold() -> None:
    # A 1e-5 relative improvement is below threshold 1e-4: counts as a stall.
    losses = [1.0 - 1e-5 * k for k in range(8)]
    got = multipliers(("plateau", {"patience": 0, "factor": 0.1, "min_factor": 0.005}), 8, losses)
    assert got[:4] == pytest.approx([1.0, 0.1, 0.01, 0.005], rel=1e-15)
    assert got[7] == 0.005


class Terrace:
    """Value ``x`` for x > 10, else ``round(x)`` (flat); gradient 1 everywhere.

    A test device: from x₀ = 0 the loss never improves (a stalled particle) while the gradient
    keeps stepping, so the step length |Δx| = lr · multiplier shows the multiplier.
    """

    dim = 1

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)[..., 0]
        return np.where(x > 10.0, x, np.round(x))

    def grad(self, x: np.ndarray) -> np.ndarray:
        return np.ones_like(np.asarray(x, dtype=np.float64))


def test_plateau_reduces_only_the_stalled_particle() -> None:
    # Particle 0 (x₀ = 0, lr 1e-3) sits on a flat terrace; particle 1 (x₀ = 100, lr 1) improves by
    # 1 % per step. patience 2, factor ½: particle 0's multipliers are 1, 1, 1, ½, ½, ½, ¼, ¼, ¼.
    tr = run("sgd", Terrace(), [0.0, 100.0], steps=9, lr=[1e-3, 1.0],
             schedule=("plateau", {"patience": 2, "factor": 0.5}))
    steps = -np.diff(tr.path[:, :, 0], axis=0)
    np.testing.assert_allclose(steps[:, 0], 1e-3 * np.array([1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25]),
                               rtol=1e-9)
    np.testing.assert_array_equal(steps[:, 1], 1.0)


# ---------------------------------------------------------------------------------------------
# Schedules inside run()
# ---------------------------------------------------------------------------------------------


def test_sgd_with_schedule_uses_the_multiplied_lr_by_hand() -> None:
    # f = ½x² (Bowl (1, 1)), SGD: x_t = x_{t−1}(1 − lr·m_{t−1}). lr = 0.5, step decay ½ each step:
    # m = 1, ½, ¼ → x = 8 → 8·½ = 4 → 4·¾ = 3 → 3·⅞ = 2.625 (all exact in binary).
    tr = run("sgd", Bowl((1.0, 1.0)), [8.0, -8.0], steps=3, lr=0.5,
             schedule=("step", {"step_size": 1, "gamma": 0.5}))
    np.testing.assert_array_equal(tr.path[:, 0, 0], [8.0, 4.0, 3.0, 2.625])
    np.testing.assert_array_equal(tr.path[:, 0, 1], [-8.0, -4.0, -3.0, -2.625])


@pytest.mark.parametrize("name", ["sgd", "adam", "rmsprop", "adagrad"])
def test_schedule_equals_one_step_runs_with_the_multiplied_lr(name: str) -> None:
    """For a stateless optimizer (SGD) one run with a schedule == steps chained by hand.

    For stateful ones, the first step with multiplier m equals a first step with lr·m.
    """
    if name not in OPTIMIZERS:
        pytest.skip(f"{name} is not registered")
    schedule = ("exponential", {"gamma": 0.7})
    tr = run(name, ROSENBROCK, STARTS, steps=3, lr=0.01, schedule=schedule)
    first = run(name, ROSENBROCK, STARTS, steps=1, lr=0.01 * 1.0)
    np.testing.assert_array_equal(tr.path[1], first.path[1])
    if name == "sgd":
        x = STARTS
        for t in range(3):
            x = run("sgd", ROSENBROCK, x, steps=1, lr=0.01 * 0.7**t).path[1]
            np.testing.assert_array_equal(tr.path[t + 1], x)


def test_callable_schedule() -> None:
    # multiplier 1/(t + 1) on ½x² with lr = 1: x₁ = x₀(1 − 1) = 0 … use lr = 0.5:
    # x₁ = 8(1 − 0.5) = 4, x₂ = 4(1 − 0.25) = 3, x₃ = 3(1 − 0.5/3) = 2.5
    seen = []

    def schedule(t: int) -> float:
        seen.append(t)
        return 1.0 / (t + 1)

    tr = run("sgd", Bowl((1.0, 1.0)), [8.0, 8.0], steps=3, lr=0.5, schedule=schedule)
    np.testing.assert_allclose(tr.path[:, 0, 0], [8.0, 4.0, 3.0, 2.5], rtol=1e-15)
    assert seen == [0, 1, 2]


def test_schedule_with_per_particle_lr() -> None:
    tr = run("sgd", Bowl((1.0, 1.0)), [[8.0, 0.0], [8.0, 0.0]], steps=2, lr=[0.5, 0.25],
             schedule=("step", {"step_size": 1, "gamma": 0.5}))
    # particle 0 as above: 8 → 4 → 3; particle 1: 8(1 − ¼) = 6 → 6(1 − ⅛) = 5.25
    np.testing.assert_array_equal(tr.path[:, :, 0], [[8.0, 8.0], [4.0, 6.0], [3.0, 5.25]])


@pytest.mark.parametrize("schedule", [
    ("exponential", {"gamma": 10.0}),
    ("step", {"step_size": 1, "gamma": 1e100}),
    ("power", {"s": 1.0, "c": -500.0}),
    ("piecewise", {"milestones": (1, 2), "gamma": 1e300}),
    lambda t: 1e308 * (t + 1),
])
def test_exploding_schedules_diverge_without_raising(schedule) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tr = run("sgd", ROSENBROCK, STARTS, steps=400, lr=1e-3, schedule=schedule)
    assert tr.diverged.all() and np.all(np.isfinite(tr.path))


@pytest.mark.parametrize("schedule, message", [
    (("one_cycle", {"pct_start": 1.5}), r"pct_start must be between 0 and 1"),
    (("one_cycle", {"div_factor": 0.0}), r"div_factor must be positive"),
    (("one_cycle", {"anneal_strategy": "exp"}), r"anneal_strategy must be one of 'cos', 'linear'"),
    (("one_cycle", {"three_phase": "yes"}), r"three_phase must be True or False"),
    (("one_cycle", {"cycle_momentum": 2}), r"cycle_momentum must be True or False"),
    (("one_cycle", {"max_momentum": float("nan")}), r"max_momentum must be finite"),
    (("cosine", {"T_max": float("inf")}), r"T_max must be a whole number"),
    (("piecewise", {"milestones": (2.5, 4)}), r"milestones must be whole numbers"),
    (("exponential", {"gamma": "fast"}), r"gamma must be finite"),
    (("step", 5), r"schedule parameters must be a dict"),
])
def test_more_bad_schedules(schedule, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        run("sgd", ROSENBROCK, STARTS, steps=1, schedule=schedule)
