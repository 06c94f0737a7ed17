"""explore.sweep: every cell is exactly the run its settings give on their own."""

from __future__ import annotations

import numpy as np
import pytest

from explore import METRICS, sweep
from landscapes import get_landscape
from optimizers import run

ROSENBROCK = get_landscape("rosenbrock")


def alone(optimizer: str, landscape, steps: int, **hyper) -> object:
    return run(optimizer, landscape, steps=steps, record="loss", **hyper)


@pytest.mark.parametrize("metric", METRICS)
def test_sampled_cells_equal_separate_runs(metric: str) -> None:
    lrs = np.geomspace(1e-3, 0.5, 7)
    beta1s = np.linspace(0.5, 0.95, 5)
    grid = sweep("adam", ROSENBROCK, 120, metric=metric, tolerance=1e-3, lr=lrs,
                 betas=[(b, 0.999) for b in beta1s], eps=1e-8)
    assert grid.values.shape == grid.diverged.shape == (7, 5)
    assert [name for name, _ in grid.axes] == ["lr", "betas"] and grid.fixed == {"eps": 1e-8}
    for i, j in [(0, 0), (3, 2), (6, 4), (5, 1)]:
        settings = grid.settings(i, j)
        assert settings == {"eps": 1e-8, "lr": float(lrs[i]), "betas": (float(beta1s[j]), 0.999)}
        single = alone("adam", ROSENBROCK, 120, **settings)
        loss = single.loss[:, 0]
        expected = {
            "final_gap": loss[-1] - 0.0,
            "mean_loss": loss.mean(),
            "steps_to_tol": next((k for k, f in enumerate(loss) if f <= 1e-3), np.inf),
            "final_distance": np.linalg.norm(single.final_x[0] - np.array([1.0, 1.0])),
        }[metric]
        assert not grid.diverged[i, j]
        if metric == "mean_loss":  # a column's sum in another order: to the last bit or so
            assert grid.values[i, j] == pytest.approx(expected, rel=1e-13, abs=0)
        else:  # the same arithmetic, particle by particle
            assert grid.values[i, j] == expected, (metric, i, j)


def test_one_axis_and_divergence() -> None:
    quadratic = get_landscape("quadratic")  # eigenvalues 1 and 10: gradient descent is stable below 0.2
    lrs = np.array([0.05, 0.1, 0.15, 0.25, 0.3])  # not 0.2 itself, where it neither shrinks nor grows
    grid = sweep("sgd", quadratic, 400, lr=lrs)
    assert grid.values.shape == (5,)
    diverged = grid.diverged
    assert not diverged[lrs < 0.2].any() and diverged[lrs > 0.21].all()
    assert np.isnan(grid.values[diverged]).all() and (grid.values[~diverged] < 1e-10).all()
    steps = sweep("sgd", quadratic, 400, metric="steps_to_tol", lr=lrs)
    assert np.isinf(steps.values[diverged]).all()
    # the best learning rate, 2/(1 + 10), reaches the tolerance first
    fastest = sweep("sgd", quadratic, 400, metric="steps_to_tol", lr=[0.1, 2 / 11, 0.19]).values
    assert fastest[1] == fastest.min()


def test_to_frame_has_a_row_per_cell() -> None:
    grid = sweep("momentum", ROSENBROCK, 50, lr=[1e-4, 1e-3], momentum=[0.0, 0.5, 0.9])
    frame = grid.to_frame()
    assert list(frame.columns) == ["lr", "momentum", "final_gap", "diverged"]
    assert len(frame) == 6 and frame.loc[4, "lr"] == 1e-3 and frame.loc[4, "momentum"] == 0.5
    assert frame.loc[4, "final_gap"] == grid.values[1, 1]


def test_a_maximize_landscape_measures_the_gap_below_the_best() -> None:
    landscape = get_landscape("sin_minus_square")
    grid = sweep("sgd", landscape, 200, lr=[0.001, 0.01, 0.02], x0=(-2.0,))
    assert (grid.values >= 0).all()  # f* − f
    single = run("sgd", landscape, (-2.0,), steps=200, lr=0.01, maximize=True, record="final")
    assert grid.values[1] == landscape.optimum_value() - single.final_loss[0]


def test_engine_options_pass_through_and_stay_fixed() -> None:
    grid = sweep("sgd", ROSENBROCK, 60, lr=[1e-3, 2e-3], noise=0.5, seed=3, clip_norm=10.0)
    single = run("sgd", ROSENBROCK, steps=60, lr=2e-3, noise=0.5, seed=3, clip_norm=10.0, record="final")
    assert grid.fixed == {"noise": 0.5, "seed": 3, "clip_norm": 10.0}
    # noise is drawn per particle: the second cell is the second particle of a two-particle run
    pair = run("sgd", ROSENBROCK, np.repeat(np.asarray([ROSENBROCK.start]), 2, axis=0), steps=60,
               lr=np.array([1e-3, 2e-3]), noise=0.5, seed=3, clip_norm=10.0, record="final")
    assert grid.values[1] == pair.final_loss[1]
    assert np.isfinite(single.final_loss[0])


@pytest.mark.parametrize("kwargs, message", [
    ({"lr": 0.01}, "one or two"),
    ({"lr": [0.1], "momentum": [0.5], "dampening": [0.1]}, "one or two"),
    ({"lr": [0.1], "metric": "best"}, "metric must be one of"),
    ({"lr": [0.1], "momentum_form": ["torch", "ema"]}, "is a choice"),
])
def test_bad_sweeps_say_why(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sweep("momentum", ROSENBROCK, 10, **kwargs)


def test_metrics_the_landscape_cannot_give_say_why() -> None:
    class Bowl:  # a landscape of one's own: no optimum value, no optima
        dim, start = 1, (1.0,)

        def __call__(self, x):
            return (np.asarray(x) ** 2).sum(axis=-1)

        def grad(self, x):
            return 2 * np.asarray(x)

    with pytest.raises(ValueError, match="not known"):
        sweep("sgd", Bowl(), 10, lr=[0.1, 0.2])
    with pytest.raises(ValueError, match="not known"):
        sweep("sgd", Bowl(), 10, metric="final_distance", lr=[0.1, 0.2])
    assert sweep("sgd", Bowl(), 10, metric="mean_loss", lr=[0.1, 0.2]).values.shape == (2,)


# --- basins -------------------------------------------------------------------------------------------

def test_basins_label_every_start_as_its_own_run_ends() -> None:
    from explore import DIVERGED, NONE_REACHED, basins

    himmelblau = get_landscape("himmelblau")
    result = basins("sgd", himmelblau, 300, resolution=21, lr=0.01)
    assert result.labels.shape == result.steps.shape == (21, 21) and result.starts.shape == (21, 21, 2)
    assert set(np.unique(result.labels)) == {0, 1, 2, 3}  # its four minima, each with a basin
    optima = np.asarray(himmelblau.optima)
    for j, i in [(0, 0), (10, 3), (20, 20), (5, 17)]:
        start = result.starts[j, i]
        assert start[0] == result.axes[0][i] and start[1] == result.axes[1][j]  # rows along y
        single = run("sgd", himmelblau, start, steps=300, lr=0.01, record="loss")
        distance = np.linalg.norm(optima - single.final_x[0], axis=1)
        label = int(np.argmin(distance)) if distance.min() <= result.tolerance else NONE_REACHED
        assert result.labels[j, i] == label
        f_star = himmelblau(optima[label][None, :])[0]
        first = next(k for k, f in enumerate(single.loss[:, 0]) if abs(f - f_star) <= 1e-6)
        assert result.steps[j, i] == first
    far = basins("sgd", himmelblau, 50, resolution=5, lr=0.1)  # too large a step: runaways
    assert (far.labels == DIVERGED).any() and np.isinf(far.steps[far.labels == DIVERGED]).all()
    assert sum(far.share().values()) == pytest.approx(1.0)


def test_basins_on_a_line_and_refusals() -> None:
    from explore import basins

    line = basins("sgd", get_landscape("x2_plus_sin"), 200, resolution=50, lr=0.1)
    assert line.labels.shape == (50,) and (line.labels == 0).all()  # one minimum: every start gets there
    with pytest.raises(ValueError, match="resolution"):
        basins("sgd", get_landscape("x2_plus_sin"), 10, resolution=1, lr=0.1)


# --- tune and race ------------------------------------------------------------------------------------

def test_tune_finds_the_best_step_of_gradient_descent_on_a_quadratic() -> None:
    from explore import tune

    quadratic = get_landscape("quadratic")  # eigenvalues 1 and 10
    best = tune("sgd", quadratic, 100, momentum=0.0)
    lrs = best.grid.axes[0][1]
    assert [name for name, _ in best.grid.axes] == ["lr"] and len(lrs) == 64
    step = np.log(lrs[1] / lrs[0])
    assert abs(np.log(best.settings["lr"] / (2 / 11))) <= step  # within one grid step of 2/(λ_min + λ_max)
    assert best.score == best.grid.values.min() and best.settings["momentum"] == 0.0
    again = tune("sgd", quadratic, 100, momentum=0.0)
    assert again.settings == best.settings  # same arguments, same answer


def test_tune_with_noise_averages_over_seeds_and_is_repeatable() -> None:
    from explore import tune

    first = tune("momentum", ROSENBROCK, 100, budget=16, noise=1.0, seeds=3)
    second = tune("momentum", ROSENBROCK, 100, budget=16, noise=1.0, seeds=3)
    assert first.settings == second.settings and first.score == second.score
    assert [name for name, _ in first.grid.axes] == ["lr", "momentum"]
    assert np.isinf(first.grid.values[first.grid.diverged]).all()


def test_race_runs_each_tuned_optimizer_from_one_start() -> None:
    from explore import race

    entries = race(["sgd", "adam"], ROSENBROCK, 200, budget=16)
    assert [e.tuned.optimizer for e in entries] == ["sgd", "adam"]
    for entry in entries:
        again = run(entry.tuned.optimizer, ROSENBROCK, steps=200, record="loss", **entry.tuned.settings)
        np.testing.assert_array_equal(entry.trajectory.loss, again.loss)
        assert entry.trajectory.final_loss[0] == entry.tuned.score  # f* = 0: the score is the final f


def test_plain_sgd_is_tuned_as_plain_sgd_and_a_maximize_race_climbs() -> None:
    from explore import race, search_space
    from optimizers import OPTIMIZERS

    assert list(search_space(OPTIMIZERS["sgd"], 16)) == ["lr"]  # its momentum defaults to 0: left alone
    assert list(search_space(OPTIMIZERS["momentum"], 16)) == ["lr", "momentum"]
    assert list(search_space(OPTIMIZERS["rmsprop"], 16)) == ["lr", "alpha"]  # its momentum is 0 too
    landscape = get_landscape("sin_minus_square")
    (entry,) = race(["sgd"], landscape, 100, x0=(-2.0,), budget=16)
    assert not entry.trajectory.diverged.any()
    climbed = landscape.optimum_value() - entry.trajectory.final_loss[0]
    assert climbed == pytest.approx(entry.tuned.score) and climbed >= 0
