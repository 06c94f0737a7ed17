"""Every preset's lesson, checked against what its page shows.

Each preset is run exactly as its page runs it: the link decoded, every slot through
``safe_run_slot``; Compare's landscape mode runs every slot on every landscape from that landscape's
own start, its learning-rate mode runs the first slot at each learning rate. Each test quotes the
phrases of the lesson it checks (:meth:`Lesson.says` fails when the text no longer contains them) and
asserts them from the runs; at its end, :meth:`Lesson.all_numbers_checked` fails if the lesson states
a number no quoted phrase covers. So changing an engine, a landscape, a preset or its text makes a
test fail until text, preset and test agree again.

Tolerances follow the text: "≈ 10⁻¹²" is checked to an order of magnitude, a stated value such as
"0.96" to the digits it is written with, a step number exactly.
"""

from __future__ import annotations

import functools
import inspect
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pytest

import scenarios
from landscapes import get_landscape
from landscapes.base import refine_stationary
from optimizers import Trajectory
from optimizers import run as engine_run
from scenarios import COMPARE, PLAYGROUND, Page
from scenarios.presets import PRESETS, PRESETS_BY_KEY, Preset
from scenarios.results import distance_to_optimum, gap_to_optimum, safe_run_slot
from scenarios.settings import RunSettings, with_landscape

# ---------------------------------------------------------------------------------------------------
# The lesson's text: phrases quoted by the tests, and every number in it covered by one

#: A number as the lessons write it: 0.019, 163, 10⁻¹², 5·10⁻³ (signs belong to the quoted phrase).
NUMBER = re.compile(r"\d+(?:\.\d+)?(?:·10)?[⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]*")


class Lesson:
    """A preset's lesson text and the phrases of it a test has checked."""

    def __init__(self, preset: Preset) -> None:
        self.key = preset.key
        self.text = preset.lesson
        self.spans: list[tuple[int, int]] = []

    def says(self, phrase: str) -> None:
        """Fail unless the lesson contains ``phrase``; mark the numbers in it as checked."""
        assert phrase in self.text, f"the {self.key!r} lesson no longer says {phrase!r}: {self.text}"
        self.spans += [m.span() for m in re.finditer(re.escape(phrase), self.text)]

    def all_numbers_checked(self) -> None:
        """Fail if the lesson states a number that no checked phrase covers."""
        unchecked = [m.group() for m in NUMBER.finditer(self.text)
                     if not any(a <= m.start() and m.end() <= b for a, b in self.spans)]
        assert unchecked == [], f"the {self.key!r} lesson states numbers no test checks: {unchecked}"


def rounds_to(value: float, stated: str) -> bool:
    """``value`` written with as many decimals as ``stated`` is ``stated`` ("0.96", "-4.36", "163")."""
    decimals = len(stated.partition(".")[2])
    return abs(value - float(stated)) <= 0.5 * 10.0 ** -decimals * (1 + 1e-9)


def about_power_of_ten(value: float, exponent: int) -> bool:
    """``value ≈ 10^exponent`` to an order of magnitude: within a factor 10 either way."""
    return 10.0 ** (exponent - 1) <= value <= 10.0 ** (exponent + 1)


def test_the_tolerance_helpers() -> None:
    assert rounds_to(0.9580765, "0.96") and not rounds_to(0.9650001, "0.96")
    assert rounds_to(-4.3564, "-4.36") and rounds_to(162.86, "163") and not rounds_to(163.6, "163")
    assert about_power_of_ten(8.4e-13, -12) and not about_power_of_ten(8.4e-14, -12)
    assert [m.group() for m in NUMBER.finditer("x² at 0.019, 163, 10⁻¹², 5·10⁻³, 10¹⁰ (1, 1)")] == [
        "0.019", "163", "10⁻¹²", "5·10⁻³", "10¹⁰", "1", "1"]


# ---------------------------------------------------------------------------------------------------
# Running a preset as its page does

def trajectory(run: RunSettings, choice: scenarios.OptimizerChoice) -> Trajectory:
    slot = safe_run_slot(run, choice, choice.short_label())
    assert slot.error is None, slot.error
    return slot.trajectory


def page_runs(page: Page, query: Mapping[str, str]) -> tuple[Any, Any]:
    """The page's settings and runs: a list per slot (Playground), a list per landscape (Compare,
    landscapes) or one run per learning rate (Compare, learning rates)."""
    decoded = scenarios.decode(page, query)
    assert decoded.notices == []
    settings = decoded.settings
    if page is PLAYGROUND:
        return settings, [trajectory(settings.run, choice) for choice in settings.slots]
    if settings.mode == "landscapes":
        return settings, {name: [trajectory(with_landscape(settings.run, name), choice)
                                 for choice in settings.slots] for name in settings.landscapes}
    base = settings.slots[0]
    return settings, {lr: trajectory(settings.run, base.with_values(lr=lr)) for lr in settings.learning_rates}


@functools.cache
def preset_runs(key: str) -> tuple[Any, Any]:
    preset = PRESETS_BY_KEY[key]
    return page_runs(preset.page, preset.query)


def variant(key: str, **changes: str) -> dict[str, str]:
    """The preset's link with some parameters changed (a what-if the lesson states)."""
    return {**PRESETS_BY_KEY[key].query, **changes}


def path(traj: Trajectory) -> np.ndarray:
    return traj.path[:, 0, :]


def first_exit(landscape: Any, points: np.ndarray) -> int | None:
    """The first step whose point lies outside the landscape's view window, or None."""
    low = np.array([b[0] for b in landscape.bounds])
    high = np.array([b[1] for b in landscape.bounds])
    outside = np.flatnonzero(np.any((points < low) | (points > high), axis=-1))
    return int(outside[0]) if outside.size else None


def gap(landscape: Any, traj: Trajectory) -> float:
    return float(gap_to_optimum(landscape, traj.final_loss[:1])[0])


def distance(landscape: Any, traj: Trajectory) -> float:
    return float(distance_to_optimum(landscape, traj.final_x[0]))


def eigen_coordinates(landscape: Any, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A quadratic's points as (flat, steep) coordinates about its minimum."""
    _, vectors = np.linalg.eigh(landscape.P)  # ascending: the flat direction first
    centred = points - np.asarray(landscape.minima[0])
    return centred @ vectors[:, 0], centred @ vectors[:, 1]


def nearest(points: tuple[tuple[float, ...], ...], x: np.ndarray) -> tuple[tuple[float, ...], float]:
    """The point of ``points`` nearest to ``x`` and its distance."""
    d = [math.dist(p, x) for p in points]
    k = int(np.argmin(d))
    return points[k], d[k]


# ---------------------------------------------------------------------------------------------------
# One test per preset

LESSON_TESTS: dict[str, Callable[[], None]] = {}


def lesson_test(key: str) -> Callable[[Callable[[Lesson], None]], Callable[[], None]]:
    """Register the test of preset ``key``'s lesson; it runs with the lesson and checks its numbers."""

    def register(check: Callable[[Lesson], None]) -> Callable[[], None]:
        @functools.wraps(check)
        def test() -> None:
            lesson = Lesson(PRESETS_BY_KEY[key])
            check(lesson)
            lesson.all_numbers_checked()

        test.__signature__ = inspect.Signature()  # pytest: no fixtures
        LESSON_TESTS[key] = test
        return test

    return register


def test_every_preset_has_a_lesson_test() -> None:
    assert len({p.key for p in PRESETS}) == len(PRESETS)  # a repeated key would hide a preset
    assert sorted(LESSON_TESTS) == sorted(p.key for p in PRESETS)


@lesson_test("rosenbrock")
def test_rosenbrock_sgd_crawls_along_the_valley_adam_reaches_the_minimum(lesson: Lesson) -> None:
    settings, (sgd, adam) = preset_runs("rosenbrock")
    landscape = settings.run.build_landscape()
    assert settings.run.landscape == "rosenbrock"
    assert [c.name for c in settings.slots] == ["sgd", "adam"]
    lesson.says("SGD (lr = 0.001)")
    assert settings.slots[0].value("lr") == 0.001
    lesson.says("Adam (lr = 0.1)")
    assert settings.slots[1].value("lr") == 0.1
    lesson.says("after 1000 steps")
    assert settings.run.steps == 1000

    points = path(sgd)
    off_floor = np.abs(points[:, 1] - points[:, 0] ** 2)
    lesson.says("zigzags down onto the floor of the curved valley (|y − x²| < 0.01 from step 20 on)")
    assert int(np.flatnonzero(off_floor >= 0.01)[-1]) == 19
    assert np.any(np.diff(np.sign(points[:20, 1] - points[:20, 0] ** 2)) != 0)  # across the floor
    lesson.says("(|∇f| ≈ 2, against 163 at the start)")
    grad_norm = np.linalg.norm(landscape.grad(points), axis=-1)
    assert rounds_to(grad_norm[0], "163")
    assert np.all((1.5 <= grad_norm[25:]) & (grad_norm[25:] < 2.5))
    lesson.says("it has only reached x ≈ −0.66 (f ≈ 2.8)")
    assert rounds_to(sgd.final_x[0, 0], "-0.66") and rounds_to(sgd.final_loss[0], "2.8")

    lesson.says("travels along the valley to (1, 1)")
    assert landscape.minima == ((1.0, 1.0),)
    assert distance(landscape, adam) < 0.01
    lesson.says("f − f* ≈ 10⁻⁶ after 1000 steps")
    assert about_power_of_ten(gap(landscape, adam), -6)
    for traj in (sgd, adam):
        assert not traj.diverged[0] and first_exit(landscape, path(traj)) is None


@lesson_test("ravine")
def test_ravine_momentum_builds_speed_along_the_floor(lesson: Lesson) -> None:
    settings, (sgd, momentum) = preset_runs("ravine")
    landscape = settings.run.build_landscape()
    assert [c.name for c in settings.slots] == ["sgd", "momentum"]
    lesson.says("A bowl 100 times steeper one way than the other (curvatures 1 and 100)")
    assert landscape.eigenvalues == (1.0, 100.0)
    low, high = landscape.eigenvalues
    lesson.says("lr = 0.019 < 2/λ_max = 0.02")
    assert settings.slots[0].value("lr") == 0.019 < 2 / high == pytest.approx(0.02, abs=1e-15)

    flat, steep = eigen_coordinates(landscape, path(sgd))
    lesson.says("the steep coordinate changes sign every step")
    assert np.all(np.sign(steep[1:]) == -np.sign(steep[:-1]))
    lesson.says("shrinks only by 1 − 0.019 = 0.981 per step")
    assert 1 - 0.019 * low == pytest.approx(0.981)
    assert flat[1:] / flat[:-1] == pytest.approx(np.full(200, 0.981), abs=1e-9)
    lesson.says("no learning rate makes gradient descent contract faster than (κ−1)/(κ+1) ≈ 0.980 in "
                "every direction")
    kappa = high / low
    assert rounds_to((kappa - 1) / (kappa + 1), "0.980")
    lrs = np.linspace(0.0, 2 / high, 200_001)  # beyond 2/λ_max the steep direction grows
    slowest = np.maximum(np.abs(1 - lrs * low), np.abs(1 - lrs * high))
    assert slowest.min() == pytest.approx((kappa - 1) / (kappa + 1), abs=1e-6)

    lesson.says("Momentum (lr = 0.01, β = 0.8)")
    assert settings.slots[1].value("lr") == 0.01 and settings.slots[1].value("momentum") == 0.8
    lesson.says("the error there shrinks by 0.927 per step")
    flat_m, _ = eigen_coordinates(landscape, path(momentum))
    assert flat_m[-50:] / flat_m[-51:-1] == pytest.approx(np.full(50, 0.927), abs=5e-4)
    lesson.says("f − f* ≈ 10⁻¹² after 200 steps, against 10⁻³ for SGD")
    assert settings.run.steps == 200
    assert about_power_of_ten(gap(landscape, momentum), -12)
    assert about_power_of_ten(gap(landscape, sgd), -3)


@lesson_test("saddle")
def test_saddle_gradient_descent_lingers(lesson: Lesson) -> None:
    settings, (sgd, momentum, adam) = preset_runs("saddle")
    landscape = settings.run.build_landscape()
    assert [c.name for c in settings.slots] == ["sgd", "momentum", "adam"]
    lesson.says("Started at (1.5, 0.01)")
    assert settings.run.start_point() == (1.5, 0.01)
    lesson.says("the ridge y = 0 of f = x² − y²")
    xs = np.linspace(-2.0, 2.0, 9)
    on_ridge = np.stack([xs, np.zeros_like(xs)], axis=-1)
    grid = np.stack(np.meshgrid(xs, xs), axis=-1)
    assert np.array_equal(landscape(grid), grid[..., 0] ** 2 - grid[..., 1] ** 2)
    assert np.all(landscape.grad(on_ridge)[:, 1] == 0) and np.all(landscape.hessian(on_ridge)[:, 1, 1] < 0)
    assert landscape.saddles == ((0.0, 0.0),)
    lesson.says("with lr = 0.02 for all three")
    assert [c.value("lr") for c in settings.slots] == [0.02] * 3

    def to_saddle(traj: Trajectory) -> np.ndarray:
        return np.linalg.norm(path(traj), axis=-1)

    lesson.says("only grows by 1 + 2·lr = 1.04 per step")
    y = path(sgd)[:, 1]
    assert y[1:] / y[:-1] == pytest.approx(np.full(150, 1 + 2 * 0.02), rel=1e-12)
    lesson.says("SGD spends 37 steps within 0.25 of the saddle")
    assert np.count_nonzero(to_saddle(sgd) < 0.25) == 37
    lesson.says("leaves the window only at step 136")
    assert first_exit(landscape, path(sgd)) == 136

    lesson.says("Momentum (β = 0.9) rushes through, passing within 0.06 of the saddle")
    assert settings.slots[1].value("momentum") == 0.9
    assert rounds_to(to_saddle(momentum).min(), "0.06")
    lesson.says("and leaves at step 36")
    assert first_exit(landscape, path(momentum)) == 36

    lesson.says("it heads diagonally away, never comes within 1.1 of the saddle")
    first_step = path(adam)[1] - path(adam)[0]
    assert np.abs(first_step) == pytest.approx([0.02, 0.02], rel=1e-6)  # a full step in y too
    assert to_saddle(adam).min() > 1.1 and rounds_to(to_saddle(adam).min(), "1.1")
    lesson.says("leaves at step 77")
    assert first_exit(landscape, path(adam)) == 77

    lesson.says("every path leaves the window at the top")
    (_, x_high), (_, y_high) = landscape.bounds
    for traj in (sgd, momentum, adam):
        exit_point = path(traj)[first_exit(landscape, path(traj))]
        assert exit_point[1] > y_high and abs(exit_point[0]) <= x_high
        assert not traj.diverged[0]


@lesson_test("lr_too_large")
def test_lr_too_large_stability_limit(lesson: Lesson) -> None:
    settings, (creep, zigzag, blow_up) = preset_runs("lr_too_large")
    landscape = settings.run.build_landscape()
    lesson.says("On the quadratic with curvatures 1 and 10")
    assert landscape.eigenvalues == (1.0, 10.0)
    lesson.says("lr < 2/λ_max = 0.2")
    assert 2 / landscape.eigenvalues[1] == 0.2
    assert [(c.name, c.value("lr")) for c in settings.slots] == [("sgd", 0.05), ("sgd", 0.18), ("sgd", 0.25)]

    lesson.says("lr = 0.05 creeps: the flat coordinate shrinks by 1 − 0.05 = 0.95 per step")
    flat, _ = eigen_coordinates(landscape, path(creep))
    assert flat[1:] / flat[:-1] == pytest.approx(np.full(100, 0.95), abs=1e-9)
    lesson.says("f − f* ≈ 10⁻⁴ after 100 steps")
    assert settings.run.steps == 100
    assert about_power_of_ten(gap(landscape, creep), -4)

    lesson.says("lr = 0.18 zigzags (the steep coordinate is multiplied by 1 − 0.18·10 = −0.8 each step)")
    _, steep = eigen_coordinates(landscape, path(zigzag)[:60])  # before it drowns in rounding
    assert steep[1:] / steep[:-1] == pytest.approx(np.full(59, -0.8), abs=1e-6)
    lesson.says("but converges fastest: f − f* ≈ 10⁻¹⁷")
    assert about_power_of_ten(gap(landscape, zigzag), -17)
    assert gap(landscape, zigzag) < gap(landscape, creep)

    lesson.says("lr = 0.25 multiplies it by 1 − 2.5 = −1.5")
    _, steep = eigen_coordinates(landscape, path(blow_up)[:57])
    assert steep[1:] / steep[:-1] == pytest.approx(np.full(56, -1.5), rel=1e-9)
    lesson.says("the path leaves the window at step 3")
    assert first_exit(landscape, path(blow_up)) == 3
    lesson.says("at step 57 a coordinate passes 10¹⁰, where the engine stops it as diverged")
    assert inspect.signature(engine_run).parameters["divergence_bound"].default == 1e10
    assert [bool(t.diverged[0]) for t in (creep, zigzag, blow_up)] == [False, False, True]
    assert int(blow_up.diverged_at[0]) == 57
    for traj in (creep, zigzag):
        assert first_exit(landscape, path(traj)) is None


@lesson_test("newton")
def test_newton_lands_in_one_step(lesson: Lesson) -> None:
    settings, (sgd, newton) = preset_runs("newton")
    landscape = settings.run.build_landscape()
    assert [c.name for c in settings.slots] == ["sgd", "newton"]
    lesson.says("lands on the minimum in one step")
    assert distance_to_optimum(landscape, path(newton)[1]) <= 1e-12
    lesson.says("whatever the condition number (here κ = 100)")
    assert landscape.condition == 100
    for condition in ("1", "10", "1000"):
        for angle in ("0", "-70"):
            other, (_, newton_there) = page_runs(PLAYGROUND, variant("newton", condition=condition,
                                                                     angle=angle))
            there = other.run.build_landscape()
            assert there.condition == float(condition)
            assert distance_to_optimum(there, path(newton_there)[1]) <= 1e-12

    lesson.says("just under 2/λ_max = 0.02 (lr = 0.019)")
    assert 2 / landscape.eigenvalues[1] == pytest.approx(0.02, abs=1e-15)
    assert settings.slots[0].value("lr") == 0.019 < 0.02
    lesson.says("the flat coordinate shrinks only by 1 − 0.019 = 0.981 per step")
    flat, _ = eigen_coordinates(landscape, path(sgd))
    assert flat[1:] / flat[:-1] == pytest.approx(np.full(50, 0.981), abs=1e-9)
    lesson.says("after 50 steps SGD is still 0.96 from the minimum (f − f* ≈ 0.46)")
    assert settings.run.steps == 50
    assert rounds_to(distance(landscape, sgd), "0.96") and rounds_to(gap(landscape, sgd), "0.46")


@lesson_test("himmelblau")
def test_himmelblau_the_basin_depends_on_the_path(lesson: Lesson) -> None:
    settings, (sgd, momentum, nesterov, adam) = preset_runs("himmelblau")
    landscape = settings.run.build_landscape()
    slots = settings.slots
    assert [c.name for c in slots] == ["sgd", "momentum", "nesterov", "adam"]
    lesson.says("From (0, 0)")
    assert settings.run.start_point() == (0.0, 0.0)
    lesson.says("SGD and Nesterov (lr = 0.01) and Adam (lr = 0.1) settle in the minimum at (3, 2)")
    assert [c.value("lr") for c in slots] == [0.01, 0.01, 0.01, 0.1]
    assert (3.0, 2.0) in landscape.minima
    for traj in (sgd, nesterov, adam):
        assert math.dist(traj.final_x[0], (3.0, 2.0)) < 1e-5

    lesson.says("with the same lr and β = 0.9 as Nesterov")
    assert slots[1].value("lr") == slots[2].value("lr")
    assert slots[1].value("momentum") == slots[2].value("momentum") == 0.9
    lesson.says("comes within 0.27 of that minimum at step 7")
    to_32 = np.linalg.norm(path(momentum) - (3.0, 2.0), axis=-1)
    assert int(np.argmin(to_32)) == 7 and rounds_to(to_32.min(), "0.27")
    lesson.says("settles in another one, at (3.58, −1.85)")
    minimum, d = nearest(landscape.minima, momentum.final_x[0])
    assert d < 1e-5 and rounds_to(minimum[0], "3.58") and rounds_to(minimum[1], "-1.85")

    lesson.says("All four end with f − f* < 10⁻¹⁰; every minimum has f = 0")
    assert np.all(np.abs(landscape(np.array(landscape.minima))) < 1e-20)
    for traj in (sgd, momentum, nesterov, adam):
        assert gap(landscape, traj) < 1e-10
        assert first_exit(landscape, path(traj)) is None


@lesson_test("local_maximum")
def test_gradient_ascent_finds_a_local_maximum(lesson: Lesson) -> None:
    settings, (ascent,) = preset_runs("local_maximum")
    landscape = settings.run.build_landscape()
    lesson.says("Gradient ascent on 25 sin x − x²")
    assert landscape.title == "25 sin x − x²" and landscape.goal == "maximize"
    assert landscape(np.array([[1.0]]))[0] == pytest.approx(25 * math.sin(1.0) - 1.0)
    lesson.says("from x₀ = −2 (lr = 0.01)")
    assert settings.run.start_point() == (-2.0,)
    assert [(c.name, c.value("lr")) for c in settings.slots] == [("sgd", 0.01)]

    xs, loss = path(ascent)[:, 0], ascent.loss[:, 0]
    lesson.says("it climbs the nearer peak and after 100 steps sits on the local maximum at x ≈ −4.36, "
                "f ≈ 4.45")
    assert settings.run.steps == 100
    assert np.all(np.diff(loss) >= -1e-12)  # uphill all the way (up to rounding at the top)
    local, best = landscape.maxima  # ordered along x
    assert abs(xs[-1] - local[0]) < 1e-9
    assert rounds_to(xs[-1], "-4.36") and rounds_to(loss[-1], "4.45")
    lesson.says("The global maximum, at x ≈ 1.45 with f ≈ 22.7")
    assert rounds_to(best[0], "1.45") and rounds_to(landscape.optimum_value(), "22.7")
    lesson.says("lies across the valley at x ≈ −1.71, which the path never crosses")
    (valley,) = landscape.minima
    assert rounds_to(valley[0], "-1.71") and local[0] < valley[0] < best[0]
    assert np.all(xs < valley[0])
    lesson.says("it ends f* − f ≈ 18.3 below the best value")
    assert rounds_to(gap(landscape, ascent), "18.3")


@lesson_test("lr_study")
def test_lr_study_of_the_course_notes(lesson: Lesson) -> None:
    settings, runs = preset_runs("lr_study")
    landscape = settings.run.build_landscape()
    lesson.says("Gradient descent on x² + sin x from x₀ = 2.5")
    assert landscape.title == "x² + sin x" and settings.slots[0].name == "sgd"
    assert settings.run.start_point() == (2.5,)
    assert settings.learning_rates == (0.01, 0.1, 1.0)
    (minimum,) = landscape.minima

    lesson.says("lr = 0.01 is still far away after 50 steps: x ≈ 0.89, 1.3 from the minimum at x* ≈ −0.45")
    assert settings.run.steps == 50
    slow = runs[0.01]
    assert rounds_to(slow.final_x[0, 0], "0.89") and rounds_to(distance(landscape, slow), "1.3")
    assert rounds_to(minimum[0], "-0.45")
    lesson.says("lr = 0.1 converges: |x − x*| ≈ 10⁻⁵ after 50 steps")
    assert about_power_of_ten(distance(landscape, runs[0.1]), -5)

    lesson.says("lr = 1 jumps for ever between ±π/2: its step x ← x − (2x + cos x) = −x − cos x maps π/2 "
                "to −π/2 and back")
    xs = path(runs[1.0])[:, 0]
    assert not runs[1.0].diverged[0]
    assert xs[1:] == pytest.approx(-xs[:-1] - np.cos(xs[:-1]), abs=1e-12)
    half_pi = math.pi / 2
    assert -half_pi - math.cos(half_pi) == pytest.approx(-half_pi, abs=1e-15)
    assert half_pi - math.cos(-half_pi) == pytest.approx(half_pi, abs=1e-15)
    lesson.says("from step 7 on every iterate is ±π/2 to within 10⁻⁹")
    cycle = half_pi * (-1.0) ** np.arange(xs.size)  # +π/2 at even steps, −π/2 at odd ones
    off = np.abs(xs - cycle)
    assert np.all(off[7:] <= 1e-9) and off[6] > 1e-9


@lesson_test("four_landscapes")
def test_four_landscapes_no_optimizer_wins_everywhere(lesson: Lesson) -> None:
    settings, runs = preset_runs("four_landscapes")
    assert settings.landscapes == ("quadratic", "rosenbrock", "himmelblau", "rastrigin")
    assert [c.name for c in settings.slots] == ["sgd", "momentum", "adam"]
    landscapes = {name: with_landscape(settings.run, name).build_landscape() for name in settings.landscapes}

    lesson.says("With SGD and momentum at lr = 0.001 and Adam at 0.1")
    assert [c.value("lr") for c in settings.slots] == [0.001, 0.001, 0.1]
    lesson.says("every path stays in its panel for 300 steps")
    assert settings.run.steps == 300
    for name, trajs in runs.items():
        for traj in trajs:
            assert not traj.diverged[0] and first_exit(landscapes[name], path(traj)) is None, name
    lesson.says("(at lr = 0.005, SGD and momentum diverge on Rosenbrock)")
    _, faster = page_runs(COMPARE, variant("four_landscapes", **{"o1.lr": "0.005", "o2.lr": "0.005"}))
    assert [bool(t.diverged[0]) for t in faster["rosenbrock"][:2]] == [True, True]

    lesson.says("No optimizer wins everywhere")
    gaps = {name: [gap(landscapes[name], t) for t in trajs] for name, trajs in runs.items()}
    winners = {name: settings.slots[int(np.argmin(g))].name for name, g in gaps.items()}
    assert winners["quadratic"] == "adam" and winners["rosenbrock"] == "momentum"

    lesson.says("Adam wins on the bowl: f − f* ≈ 10⁻¹³, against 5·10⁻³ for momentum and 1.7 for SGD")
    sgd_gap, momentum_gap, adam_gap = gaps["quadratic"]
    assert about_power_of_ten(adam_gap, -13)
    assert rounds_to(momentum_gap, "0.005") and rounds_to(sgd_gap, "1.7")

    rosenbrock = landscapes["rosenbrock"]
    sgd, momentum, adam = runs["rosenbrock"]
    lesson.says("Momentum wins on Rosenbrock, f ≈ 0.034 at (0.82, 0.66)")
    assert rounds_to(momentum.final_loss[0], "0.034")
    assert rounds_to(momentum.final_x[0, 0], "0.82") and rounds_to(momentum.final_x[0, 1], "0.66")
    lesson.says("ahead of Adam, f ≈ 0.25 at (0.50, 0.25)")
    assert rounds_to(adam.final_loss[0], "0.25")
    assert rounds_to(adam.final_x[0, 0], "0.50") and rounds_to(adam.final_x[0, 1], "0.25")
    lesson.says("SGD has only crawled along the valley floor from x = −1.5 to −1.25 (f ≈ 5.0)")
    assert rosenbrock.start[0] == -1.5
    x, y = sgd.final_x[0]
    assert rounds_to(x, "-1.25") and abs(y - x * x) < 0.01 and rounds_to(sgd.final_loss[0], "5.0")

    himmelblau = landscapes["himmelblau"]
    lesson.says("On Himmelblau, SGD and momentum head for the minimum at (3.58, −1.85), Adam for the one "
                "at (3, 2)")
    for traj, (mx, my) in zip(runs["himmelblau"], [("3.58", "-1.85"), ("3.58", "-1.85"), ("3", "2")],
                              strict=True):
        minimum, d = nearest(himmelblau.minima, traj.final_x[0])
        assert d < 0.01 and rounds_to(minimum[0], mx) and rounds_to(minimum[1], my)

    rastrigin = landscapes["rastrigin"]
    lesson.says("On Rastrigin all three stop in the local minimum next to the start, (−2.98, 2.98) with "
                "f ≈ 17.9, far above the global minimum f = 0")
    assert rastrigin.optimum_value() == 0.0
    next_to_start = np.round(rastrigin.start)  # the dimples sit near the integer points
    for traj in runs["rastrigin"]:
        end = traj.final_x[0]
        dimple = refine_stationary(rastrigin, tuple(end))  # the stationary point next to the end
        assert math.dist(end, dimple) < 1e-6
        assert np.all(np.linalg.eigvalsh(rastrigin.hessian(np.array(dimple))) > 0)  # a minimum
        assert np.array_equal(np.round(end), next_to_start)
        assert rounds_to(end[0], "-2.98") and rounds_to(end[1], "2.98")
        assert rounds_to(traj.final_loss[0], "17.9")


@lesson_test("long_bowl")
def test_a_long_bowl_theory_and_runs(lesson: Lesson) -> None:
    from lessons.quadratics import distances
    from scenarios.lessons import quadratics_methods, quadratics_run

    decoded = scenarios.decode(scenarios.QUADRATICS, PRESETS_BY_KEY["long_bowl"].query)
    assert decoded.notices == []
    settings = decoded.settings
    run = quadratics_run(settings)
    landscape = run.build_landscape()
    lesson.says("At κ = 100")
    assert settings.condition == 100.0 and landscape.eigenvalues == (1.0, 100.0)
    methods, choices = quadratics_methods(settings)
    by_label = {}
    for method, choice in zip(methods, choices, strict=True):
        traj = trajectory(run, choice)
        diverged = int(traj.diverged_at[0]) if traj.diverged[0] else None
        d = distances(path(traj), landscape.optima[0], diverged)
        reached = np.flatnonzero(d <= 1e-6 * d[0])
        by_label[method.label] = (method, diverged, int(reached[0]) if reached.size else None)

    best, _, best_steps = by_label["GD, optimal lr"]
    lesson.says("2/(λ_min + λ_max) = 0.0198")
    assert rounds_to(dict(best.hyper)["lr"], "0.0198") and dict(best.hyper)["lr"] == 2 / (1 + 100)
    lesson.says("by 0.9802 per step")
    assert rounds_to(best.rate, "0.9802")
    lesson.says("needs 691 steps to cut it a millionfold")
    assert best_steps == 691
    lesson.says("the stability edge 2/λ_max = 0.02, at lr 0.021")
    edge, diverged, _ = by_label["GD, lr = 2.1/λ_max"]
    assert 2 / 100 == 0.02 and rounds_to(dict(edge.hyper)["lr"], "0.021") and edge.rate > 1
    lesson.says("diverges at step 241")
    assert diverged == 241
    hb, _, hb_steps = by_label["Heavy ball, optimal"]
    lesson.says("(lr 0.0331, μ 0.6694) needs 91 steps")
    assert rounds_to(dict(hb.hyper)["lr"], "0.0331") and rounds_to(dict(hb.hyper)["momentum"], "0.6694")
    assert hb_steps == 91
    lesson.says("Nesterov 156, Newton 1")
    assert by_label["Nesterov"][2] == 156 and by_label["Newton"][2] == 1


@lesson_test("momentum_edge")
def test_momentum_edge_follows_the_theory(lesson: Lesson) -> None:
    from lessons.quadratics import optimal_heavy_ball
    from scenarios.sweeps import grid_axes, page_sweep

    decoded = scenarios.decode(scenarios.SWEEP, PRESETS_BY_KEY["momentum_edge"].query)
    assert decoded.notices == []
    settings = decoded.settings
    landscape = settings.run.build_landscape()
    lesson.says("the quadratic with κ = 10")
    assert landscape.eigenvalues == (1.0, 10.0)
    grid = page_sweep(settings, "final_gap")
    axes = grid_axes(settings)
    lrs, mus = axes["lr"], axes["momentum"]
    lesson.says("diverges past lr 2/λ_max = 0.2")
    mu0 = grid.diverged[:, 0]  # μ = 0 is gradient descent
    assert mus[0] == 0 and not mu0[lrs <= 0.9 * 0.2].any() and mu0[lrs >= 1.25 * 0.2].all()
    lesson.says("moves that edge to 2(1 + μ)/λ_max")
    for j, mu in enumerate(mus):  # every row: stable well below the edge, diverged well above it
        edge = 2 * (1 + mu) / 10
        assert not grid.diverged[lrs <= 0.9 * edge, j].any() and grid.diverged[lrs >= 1.25 * edge, j].all()
    lesson.says("best cell, lr 0.2102 and μ 0.3194")
    scores = np.where(grid.diverged | ~np.isfinite(grid.values), np.inf, grid.values)
    i, j = np.unravel_index(int(np.argmin(scores)), scores.shape)
    assert rounds_to(lrs[i], "0.2102") and rounds_to(mus[j], "0.3194")
    lesson.says("within two cells of the heavy ball's theoretical optimum, lr 0.2309 and μ 0.2699")
    lr, mu, _ = optimal_heavy_ball(1.0, 10.0)
    assert rounds_to(lr, "0.2309") and rounds_to(mu, "0.2699")
    cells_lr = abs(np.log(lrs[i] / lr)) / np.log(lrs[1] / lrs[0])
    cells_mu = abs(mus[j] - mu) / (mus[1] - mus[0])
    assert cells_lr <= 2 and cells_mu <= 2


@lesson_test("himmelblau_basins")
def test_himmelblau_basins_momentum_overshoots(lesson: Lesson) -> None:
    from explore import basins

    settings = scenarios.decode(scenarios.BASINS, PRESETS_BY_KEY["himmelblau_basins"].query).settings
    assert settings.run.landscape == "himmelblau" and settings.resolution == 200
    landscape = settings.run.build_landscape()
    gd, heavy = (basins(c.name, landscape, settings.run.steps, resolution=settings.resolution,
                        **dict(c.hyper)) for c in settings.slots)
    assert [c.name for c in settings.slots] == ["sgd", "momentum"]
    lesson.says("sends every start to a minimum")
    assert (gd.labels >= 0).all()
    other = gd.labels != heavy.labels
    lesson.says("ends 24 % of the starts at another minimum")
    assert rounds_to(100 * other.mean(), "24")
    radius = np.hypot(gd.starts[..., 0], gd.starts[..., 1])
    lesson.says("10 % of those within 2.5 of the centre, 40 % of those beyond 4")
    assert rounds_to(100 * other[radius < 2.5].mean(), "10")
    assert rounds_to(100 * other[radius > 4].mean(), "40")


@lesson_test("tuned_race")
def test_a_tuned_race_and_its_budget(lesson: Lesson) -> None:
    from explore import race

    settings = scenarios.decode(scenarios.RACE, PRESETS_BY_KEY["tuned_race"].query).settings
    assert settings.racers == ("sgd", "momentum", "adam") and settings.run.noise == 0
    entries = race(settings.racers, settings.run.build_landscape(), settings.run.steps,
                   budget=settings.budget, objective=settings.objective)
    sgd, momentum, adam = (e.tuned for e in entries)
    lesson.says("the same budget of 64 settings")
    assert settings.budget == 64 and all(e.grid.values.size == 64 for e in (sgd, momentum, adam))
    lesson.says("ends at f − f* ≈ 0.0017")
    assert [name for name, _ in sgd.grid.axes] == ["lr"] and rounds_to(sgd.score, "0.0017")
    lesson.says("as close as Adam (0.0016 on an 8 × 8 grid of lr × β₁)")
    assert rounds_to(adam.score, "0.0016") and adam.grid.values.shape == (8, 8)
    lesson.says("Momentum's 64 settings are only 8 learning rates × 8 momenta, and none ends better than 1.2")
    assert momentum.grid.values.shape == (8, 8) and rounds_to(momentum.score, "1.2")


def _descent_runs(key: str) -> tuple[Any, Any, dict[float, Trajectory]]:
    from scenarios.lessons import descent_choices, descent_run

    decoded = scenarios.decode(scenarios.DESCENT, PRESETS_BY_KEY[key].query)
    assert decoded.notices == []
    settings = decoded.settings
    run = descent_run(settings)
    runs = {choice.value("lr"): trajectory(run, choice) for choice in descent_choices(settings)}
    return settings, run.build_landscape(), runs


@lesson_test("lr_study_flow")
def test_the_learning_rate_study_step_by_step(lesson: Lesson) -> None:
    from lessons.descent import ending

    settings, landscape, runs = _descent_runs("lr_study_flow")
    lesson.says("on x² + sin x from x₀ = 2.5")
    assert settings.landscape == "x2_plus_sin" and runs[1.0].path[0, 0, 0] == 2.5
    (x_star,) = landscape.minima[0]
    lesson.says("x* ≈ −0.4502, where 2x + cos x = 0")
    assert rounds_to(x_star, "-0.4502") and abs(2 * x_star + math.cos(x_star)) < 1e-15
    xs = runs[1.0].path[:, 0, 0]
    lesson.says("At lr 1 a step maps x to −x − cos x")
    assert np.allclose(xs[1:], -xs[:-1] - np.cos(xs[:-1]), rtol=0, atol=1e-12)
    lesson.says("an exact two-point cycle between −π/2 and π/2")
    end = ending(xs, x_star)
    assert end.kind == "cycle" and end.cycle == pytest.approx((-math.pi / 2, math.pi / 2), abs=1e-12)
    lesson.says("1 − η·f″(x*) = −1.435")
    assert rounds_to(1 - 1.0 * float(landscape.hessian(np.array([[x_star]]))[0, 0, 0]), "-1.435")
    lesson.says("lr 0.1 stays within 10⁻³ of x* from step 32 on, lr 0.01 only from step 355")
    assert ending(runs[0.1].path[:, 0, 0], x_star).within_step == 32
    assert ending(runs[0.01].path[:, 0, 0], x_star).within_step == 355
    lesson.says("for x + sin x, which has no minimum: there every learning rate slides toward the flat "
                "point at −π, and none bounces")
    other = get_landscape("x_plus_sin")
    assert other.minima == () and np.all(other.grad(np.linspace(-6, 6, 1001)[:, None]) >= 0)
    for lr in settings.learning_rates:
        path = engine_run("sgd", other, [2.5], steps=5000, lr=lr).path[:, 0, 0]
        assert np.all(np.diff(path) <= 0) and np.all(path > -math.pi)  # downhill, never past −π
        assert path[-1] + math.pi < 0.05


@lesson_test("ascent_local")
def test_gradient_ascent_finds_the_local_maximum(lesson: Lesson) -> None:
    from figures.descent import reach_categories
    from lessons.descent import reach_map
    from ui.descent import reach_lrs

    settings, landscape, runs = _descent_runs("ascent_local")
    lesson.says("Gradient ascent on 25 sin x − x² from x₀ = −2")
    assert settings.landscape == "sin_minus_square" and landscape.goal == "maximize"
    assert all(t.path[0, 0, 0] == -2.0 for t in runs.values())
    lesson.says("At lr 0.01 and 0.05 alike it climbs to the peak at x ≈ −4.356 (f ≈ 4.454)")
    assert set(runs) == {0.01, 0.05}
    for t in runs.values():
        assert rounds_to(t.final_x[0, 0], "-4.356") and rounds_to(t.final_loss[0], "4.454")
        assert np.all(np.diff(t.loss[:, 0]) >= -1e-12)  # it only climbs
    (local,), (best,) = landscape.maxima
    values = landscape(np.array([[local], [best]]))
    lesson.says("a local maximum 18.26 below the global one at x ≈ 1.454 (f ≈ 22.72)")
    assert rounds_to(values[1] - values[0], "18.26") and rounds_to(best, "1.454")
    assert rounds_to(values[1], "22.72")
    lesson.says("the valley at −1.708")
    (valley,) = landscape.minima
    assert rounds_to(valley[0], "-1.708") and local < -2.0 < valley[0] < best
    reach = reach_map(landscape, np.array(reach_lrs(settings.learning_rates)), settings.steps)
    categories = reach_categories(reach)
    rows = {float(lr): i for i, lr in enumerate(reach.lrs)}
    lesson.says("54 % of the starts (those right of the valley) at both learning rates")
    for lr in (0.01, 0.05):
        reached = categories[rows[lr]] == 0
        assert round(100 * reached.mean()) == 54
        assert np.array_equal(reached, reach.starts > valley[0])
    lesson.says("none at lr 0.0825 or more, past 2/|f″| ≈ 0.0745 at the global peak")
    curvature = float(landscape.hessian(np.array([[best]]))[0, 0, 0])
    assert rounds_to(2 / abs(curvature), "0.0745")
    first_none = min(i for i in range(len(reach.lrs)) if not np.any(categories[i:] == 0))
    assert rounds_to(reach.lrs[first_none], "0.0825") and reach.lrs[first_none] > 2 / abs(curvature)


@lesson_test("sales_ema")
def test_a_week_of_sales_averaged(lesson: Lesson) -> None:
    from lessons.averages import bias_corrected, conventions, ema

    decoded = scenarios.decode(scenarios.AVERAGES, PRESETS_BY_KEY["sales_ema"].query)
    assert decoded.notices == []
    settings = decoded.settings
    lesson.says("The notes' six days of sales, 100, 114, 118, 117, 120 and 122, averaged with β = 0.7 from "
                "V₀ = 0")
    assert settings.signal == (100, 114, 118, 117, 120, 122) and settings.beta == 0.7
    raw = ema(settings.signal, settings.beta)
    lesson.says("30, 55.2, 74.04, 86.928, 96.8496 and 104.39472")
    np.testing.assert_allclose(raw, [30, 55.2, 74.04, 86.928, 96.8496, 104.39472], rtol=1e-14)
    lesson.says("(the notes print 86.9, 96.83 and 104.38)")
    assert rounds_to(raw[3], "86.9") and not rounds_to(raw[4], "96.83") and not rounds_to(raw[5], "104.38")
    corrected = bias_corrected(raw, settings.beta)
    lesson.says("divided by 1 − βᵗ they become weighted means: 100 on day 1 and 118.3 on day 6")
    assert corrected[0] == pytest.approx(100, rel=1e-14) and rounds_to(corrected[5], "118.3")
    torch_form = conventions(settings.signal, settings.beta)["torch: b ← βb + g"]
    lesson.says("holds the average times 1/(1 − β): 100, 184, 246.8, …")
    np.testing.assert_allclose(torch_form[:3], [100, 184, 246.8], rtol=1e-14)
    np.testing.assert_allclose(torch_form, raw / (1 - settings.beta), rtol=1e-13)


@lesson_test("momentum_tenfold")
def test_momentum_terminal_velocity(lesson: Lesson) -> None:
    from lessons.averages import terminal_velocity

    decoded = scenarios.decode(scenarios.AVERAGES, PRESETS_BY_KEY["momentum_tenfold"].query)
    settings = decoded.settings
    ema_form, torch_form, dampened = terminal_velocity(settings.beta, settings.lr, settings.steps)
    lesson.says("at β = 0.9 its step grows to lr·g/(1 − β) = 10 times plain SGD's, within 1 % of it from "
                "step 44 on")
    assert settings.beta == 0.9
    assert torch_form.steps[-1] == pytest.approx(10 * settings.lr, rel=1e-12)
    off = np.abs(torch_form.steps / (10 * settings.lr) - 1) > 0.01
    assert np.flatnonzero(off)[-1] + 2 == 44  # step t moves from x_{t−1}: steps[t − 1]
    lesson.says("its step tends to lr·g")
    assert ema_form.steps[-1] == pytest.approx(settings.lr, rel=1e-12) and ema_form.steps[0] < settings.lr
    lesson.says("takes exactly lr·g from its first step")
    np.testing.assert_allclose(dampened.steps, settings.lr, rtol=1e-13)  # positions round as they grow


@lesson_test("clip_notes")
def test_clipping_the_notes_gradient(lesson: Lesson) -> None:
    from lessons.clipping import clip_geometry
    from scenarios.lessons import clipping_runs

    decoded = scenarios.decode(scenarios.CLIPPING, PRESETS_BY_KEY["clip_notes"].query)
    assert decoded.notices == []
    settings = decoded.settings
    lesson.says("The notes' gradient g = (0.9, 100) clipped at c = 1")
    assert settings.gradient == (0.9, 100.0) and settings.threshold == 1.0
    clipped = clip_geometry(settings.gradient, settings.threshold)
    lesson.says("By value each component is clamped: (0.9, 1), turned 41.5° away from g")
    assert tuple(clipped.by_value) == (0.9, 1.0)
    angle = math.degrees(math.atan2(100, 0.9) - math.atan2(1, 0.9))
    assert rounds_to(clipped.value_turn, "41.5") and rounds_to(angle, "41.5")
    lesson.says("c·g/‖g‖ = (0.00899964, 0.99995950), its direction kept")
    norm = math.hypot(0.9, 100)
    assert rounds_to(0.9 / norm, "0.00899964") and rounds_to(100 / norm, "0.99995950")
    assert clipped.norm_turn < 1e-6
    lesson.says("divides by ‖g‖ + 10⁻⁶ and gives 0.99995949")
    assert rounds_to(clipped.by_norm[1], "0.99995949")
    assert clipped.by_norm[1] == pytest.approx(100 / (norm + 1e-6), rel=1e-15)
    runs = {label: trajectory(run, scenarios.OptimizerChoice.of("sgd", lr=settings.lr))
            for label, run in clipping_runs(settings)}
    lesson.says("On Rosenbrock at lr 0.005, plain SGD diverges at step 5")
    assert settings.lr == 0.005 and runs["no clipping"].diverged_at[0] == 5
    lesson.says("clipped by norm it reaches f ≈ 3.85 after 500 steps, clipped by value f ≈ 5.93")
    assert settings.steps == 500 and not runs["clipped by norm"].diverged[0]
    assert rounds_to(runs["clipped by norm"].final_loss[0], "3.85")
    assert rounds_to(runs["clipped by value"].final_loss[0], "5.93")


@lesson_test("exponential_notes")
def test_the_notes_exponential_schedule(lesson: Lesson) -> None:
    from lessons.clipping import schedule_curve
    from scenarios.lessons import SCHEDULED, schedule_runs

    decoded = scenarios.decode(scenarios.CLIPPING, PRESETS_BY_KEY["exponential_notes"].query)
    assert decoded.notices == []
    settings = decoded.settings
    gamma = dict(settings.schedule_params)["gamma"]
    lesson.says("The notes write exponential scheduling as lr·0.1^(t/s)")  # checked below, at s = 100
    lesson.says("With s = 100 that is torch's ExponentialLR with γ = 0.1^(1/100) ≈ 0.97724")
    assert settings.schedule == "exponential" and gamma == 0.1 ** (1 / 100) and rounds_to(gamma, "0.97724")
    curve = schedule_curve(("exponential", {"gamma": gamma}), settings.steps)
    t = np.arange(settings.steps)
    np.testing.assert_allclose(curve.multiplier, 0.1 ** (t / 100), rtol=1e-12)  # the notes' formula
    lesson.says("the learning rate falls tenfold every 100 steps, from 0.05 to 0.005 after 100 steps and "
                "0.0005 after 200")
    lr = SCHEDULED.value("lr")
    assert lr == 0.05 and rounds_to(lr * curve.multiplier[100], "0.005")
    assert rounds_to(lr * curve.multiplier[200], "0.0005")
    runs = {label: trajectory(run, SCHEDULED) for label, run in schedule_runs(settings)}
    lesson.says("On the noisy bowl (σ = 1) the scheduled run ends at f ≈ 3.6·10⁻⁵, against 0.70 at the "
                "constant learning rate")
    assert settings.noise == 1.0
    assert rounds_to(runs["with the schedule"].final_loss[0] * 1e5, "3.6")
    assert rounds_to(runs["constant lr"].final_loss[0], "0.70")


@lesson_test("adam_bias")
def test_adam_without_bias_correction(lesson: Lesson) -> None:
    from lessons.adaptive import correction_factor, uncorrected_adam
    from scenarios.lessons import adaptive_run

    settings = scenarios.decode(scenarios.ADAPTIVE, PRESETS_BY_KEY["adam_bias"].query).settings
    landscape = adaptive_run(settings).build_landscape()
    plain = engine_run("adam", landscape, None, settings.steps, lr=settings.lr)
    bare = uncorrected_adam(landscape, settings.steps, settings.lr)
    first = np.linalg.norm(bare.path[1, 0] - bare.path[0, 0])
    corrected = np.linalg.norm(plain.path[1, 0] - plain.path[0, 0])
    lesson.says("uncorrected Adam's first step is 0.4472 long: 3.162 times the corrected step of 0.1414 "
                "(lr 0.1 along each coordinate)")
    assert settings.lr == 0.1 and rounds_to(first, "0.4472") and rounds_to(corrected, "0.1414")
    assert rounds_to(first / corrected, "3.162")
    # the same step written out: m₁ = 0.1·g, v₁ = 0.001·g², so the step is lr·0.1/√0.001 per coordinate
    g = landscape.grad(bare.path[0, 0][None])[0]
    np.testing.assert_allclose(bare.path[1, 0] - bare.path[0, 0], -0.1 * 0.1 * g / np.sqrt(0.001 * g * g),
                               rtol=1e-12)
    lesson.says("because v starts √1000 times too small and m only 10 times")
    assert 1 / (1 - 0.999) == pytest.approx(1000) and 1 / (1 - 0.9) == pytest.approx(10)
    factor = correction_factor((0.9, 0.999), settings.steps)
    lesson.says("The factor (1 − β₁ᵗ)/√(1 − β₂ᵗ) keeps growing to 6.569 at step 12")
    assert rounds_to(factor.max(), "6.569") and int(np.argmax(factor)) + 1 == 12
    assert np.all(np.diff(factor[:12]) > 0) and np.all(np.diff(factor[12:]) < 0)


@lesson_test("l2_vs_adamw")
def test_l2_against_decoupled_decay(lesson: Lesson) -> None:
    from lessons.adaptive import l2_minimum
    from scenarios.lessons import adaptive_run, decay_choices

    settings = scenarios.decode(scenarios.ADAPTIVE, PRESETS_BY_KEY["l2_vs_adamw"].query).settings
    run = adaptive_run(settings)
    landscape = run.build_landscape()
    l2, decoupled = (trajectory(run, choice) for choice in decay_choices(settings))
    lesson.says("On the valley whose minimum is at (2, 0.2)")
    assert np.allclose(landscape.optima[0], (2.0, 0.2), atol=1e-12)
    lesson.says("Adam with an L2 term λ = 1 ends at (1, 0.1961), exactly the minimum of f + ½λ‖θ‖²")
    assert settings.weight_decay == 1.0
    target = l2_minimum(landscape, 1.0)
    P, q = np.asarray(landscape.P), np.asarray(landscape.q)
    np.testing.assert_allclose(P @ target + q + 1.0 * target, 0.0, atol=1e-12)  # ∇(f + ½λ‖θ‖²) = 0
    np.testing.assert_allclose(l2.final_x[0], target, atol=1e-6)
    assert rounds_to(target[0], "1") and rounds_to(target[1], "0.1961")
    lesson.says("AdamW with the same λ ends at (0.9283, 0.1793)")
    end = decoupled.final_x[0]
    assert rounds_to(end[0], "0.9283") and rounds_to(end[1], "0.1793") and np.linalg.norm(end - target) > 0.05


@lesson_test("langevin_factor")
def test_the_langevin_factor_two(lesson: Lesson) -> None:
    from lessons.noise import discrete_quadratic_variance, langevin_cloud

    settings = scenarios.decode(scenarios.NOISE, PRESETS_BY_KEY["langevin_factor"].query).settings
    landscape = get_landscape(settings.landscape)
    cloud = langevin_cloud(landscape, settings.lr, settings.noise, settings.steps, settings.particles)
    lesson.says("10000 particles of noisy gradient descent (η = 0.01, s = 2) on x² + sin x settle with "
                "variance 0.0084")
    assert settings.particles == 10000 and settings.lr == 0.01 and settings.noise == 2.0
    assert np.isfinite(cloud).all() and rounds_to(np.var(cloud[:, 0]), "0.0084")

    def variance(factor: float) -> float:  # the density's variance by the trapezoidal rule, on its own grid
        xs = np.linspace(-3, 3, 20001)
        values = landscape(xs[:, None])
        p = np.exp(-factor * (values - values.min()) / (settings.lr * settings.noise ** 2))
        mass = np.trapezoid(p, xs)
        mean = np.trapezoid(xs * p, xs) / mass
        return float(np.trapezoid((xs - mean) ** 2 * p, xs) / mass)

    lesson.says("The Langevin density exp(−2l/(η s²)) predicts 0.0082")
    assert rounds_to(variance(2.0), "0.0082")
    lesson.says("the iteration on its quadratic model 0.0083")
    (x_star,) = landscape.minima[0]
    curvature = 2 - math.sin(x_star)
    exact = discrete_quadratic_variance(curvature, settings.lr, settings.noise)
    assert rounds_to(exact, "0.0083") and exact == pytest.approx(0.04 / (curvature * (2 - 0.01 * curvature)))
    lesson.says("the notes' exp(−l/σ²) predicts 0.0165, twice too wide")
    assert rounds_to(variance(1.0), "0.0165") and variance(1.0) / variance(2.0) == pytest.approx(2, rel=0.01)
    # the particles agree with the factor 2, not with the notes' formula, beyond their sampling error
    error = np.var(cloud[:, 0]) * math.sqrt(2 / settings.particles)
    assert abs(np.var(cloud[:, 0]) - variance(2.0)) < 3 * error < abs(np.var(cloud[:, 0]) - variance(1.0))


@lesson_test("zeroth_order_k")
def test_gradients_from_function_values(lesson: Lesson) -> None:
    from lessons.noise import estimates

    settings = scenarios.decode(scenarios.NOISE, PRESETS_BY_KEY["zeroth_order_k"].query).settings
    bowl = get_landscape("quadratic")
    forward = estimates("forward_gradient", bowl, bowl.start, 1000)
    zeroth = estimates("zo_sgd", bowl, bowl.start, 1000, num_directions=settings.directions, smoothing=1e-6)
    g = np.asarray(bowl.P) @ np.asarray(bowl.start) + np.asarray(bowl.q)  # the gradient, by hand
    lesson.says("At the quadratic's start the gradient is (−8.415, 9.575)")
    assert rounds_to(g[0], "-8.415") and rounds_to(g[1], "9.575")
    np.testing.assert_allclose(forward.gradient, g, rtol=1e-12)
    lesson.says("1000 forward gradients average to (−8.128, 9.065) with total variance 471.4 (theory "
                "(d + 1)‖∇f‖² = 487.5)")
    mean = forward.samples.mean(axis=0)
    assert rounds_to(mean[0], "-8.128") and rounds_to(mean[1], "9.065")
    assert rounds_to(np.trace(np.cov(forward.samples.T)), "471.4") and rounds_to(3 * g @ g, "487.5")
    lesson.says("over K = 16 directions, from function values alone, have a total variance 16 times "
                "smaller: 30.36 (theory 30.47)")
    assert settings.directions == 16
    assert rounds_to(np.trace(np.cov(zeroth.samples.T)), "30.36") and rounds_to(3 * g @ g / 16, "30.47")


@lesson_test("depth_notes")
def test_initialization_through_depth(lesson: Lesson) -> None:
    from ui.depth import configs, profiles

    settings = scenarios.decode(scenarios.DEPTH, PRESETS_BY_KEY["depth_notes"].query).settings
    found = dict(zip([label for label, _, _ in configs(settings)], profiles(settings), strict=True))
    lesson.says("50 ReLU layers of 500 units with weights of variance c/n")
    assert (settings.depth, settings.width, settings.activation) == (50, 500, "relu")
    assert settings.cs == (1.0, 2.0, 3.0)
    net = [found[f"c = {c:g} (variance {c:g}/n)"] for c in settings.cs]
    lesson.says("multiplied by 0.5042 at c = 1, 1.008 at c = 2 and 1.513 at c = 3")
    for profile, stated in zip(net, ("0.5042", "1.008", "1.513"), strict=True):
        assert rounds_to(profile.factor_per_layer(), stated)
    lesson.says("as the variance argument's c/2 predicts (0.5, 1 and 1.5)")
    sampling = 4 * math.sqrt(2 / (settings.batch * settings.width))  # relative error of a mean square
    for profile, c in zip(net, settings.cs, strict=True):
        assert abs(profile.factor_per_layer() / (c / 2) - 1) < 3 * sampling  # every layer shares the error
    lesson.says("after 50 layers their RMS is 3.696·10⁻⁸, 1.24 and 31310")
    from scenarios.results import format_quantity

    assert rounds_to(net[0].activation_rms[-1] * 1e8, "3.696")
    assert rounds_to(net[1].activation_rms[-1], "1.24")
    assert format_quantity(net[2].activation_rms[-1]) == "31310"
    lesson.says("With all weights zero, every weight's gradient is exactly 0")
    assert np.all(found["zeros"].weight_grad_norm == 0.0) and np.all(found["zeros"].activation_rms[1:] == 0)


@lesson_test("bn_flat")
def test_batch_normalization_step_by_step(lesson: Lesson) -> None:
    from ui.batchnorm import _profiles, batch

    settings = scenarios.decode(scenarios.BATCH_NORM, PRESETS_BY_KEY["bn_flat"].query).settings
    x = batch(settings)[:, 0]
    lesson.says("Feature 1 of the batch is (1, 2, 3, 10): μ_B = 4 and σ²_B = 12.5 (the biased variance, "
                "divided by 4, not 3)")
    assert x.tolist() == [1, 2, 3, 10] and sum(x) / 4 == 4 and sum((x - 4) ** 2) / 4 == 12.5
    lesson.says("so x̂₁ = (−0.8485, −0.5657, −0.2828, 1.697)")
    x_hat = (x - 4) / math.sqrt(12.5 + settings.eps)
    for value, stated in zip(x_hat, ("-0.8485", "-0.5657", "-0.2828", "1.697"), strict=True):
        assert rounds_to(value, stated)
    found = _profiles(settings.cs)
    lesson.says("Through 50 normalized ReLU layers the activations end with RMS 0.7073 or 0.7074 for "
                "c = 1, 2 and 3 alike")
    assert settings.cs == (1.0, 2.0, 3.0)
    assert all(rounds_to(p.activation_rms[-1], "0.7073") or rounds_to(p.activation_rms[-1], "0.7074")
               for p in found)
    lesson.says("the mean square of the gradients grows by 1.431 per layer")
    assert all(rounds_to(p.factor_per_layer("gradient"), "1.431") for p in found)
