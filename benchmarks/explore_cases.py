"""The explore library against the plain engine: each case must cost about what plain ``run()`` calls
with the same particles cost (target: at most 1.3×); and on this machine 64 × 64 cells × 300 steps
of Adam on Rosenbrock must take under a second, a 200 × 200 basin map × 300 steps and a race of six
optimizers tuned over 64 settings each under two seconds."""

from __future__ import annotations

import statistics
import time

import numpy as np

from explore import basins, race, search_space, sweep
from landscapes import get_landscape
from optimizers import OPTIMIZERS, run

SIDE, STEPS = 64, 300
SWEEP_TARGET_S, RATIO_TARGET = 1.0, 1.3
BASIN_SIDE, BASINS_TARGET_S = 200, 2.0
RACERS, RACE_BUDGET, RACE_TARGET_S = ("sgd", "momentum", "nesterov", "adam", "rmsprop", "lion"), 64, 2.0


def _median_seconds(action, repeats: int) -> float:
    action()  # once unmeasured: the first call pays for fresh memory (a 40,000-particle loss record)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(repeats: int = 5) -> None:
    landscape = get_landscape("rosenbrock")
    lrs, beta1s = np.geomspace(1e-3, 1.0, SIDE), np.linspace(0.5, 0.99, SIDE)
    betas = [(b, 0.999) for b in beta1s]
    grid_lr, grid_b1 = (a.ravel() for a in np.meshgrid(lrs, beta1s, indexing="ij"))
    plain_betas = np.column_stack([grid_b1, np.full(SIDE * SIDE, 0.999)])
    x0 = np.repeat(np.asarray([landscape.start]), SIDE * SIDE, axis=0)

    swept = _median_seconds(lambda: sweep("adam", landscape, STEPS, lr=lrs, betas=betas), repeats)
    plain = _median_seconds(lambda: run("adam", landscape, x0, STEPS, lr=grid_lr, betas=plain_betas,
                                        record="final"), repeats)
    _print(f"explore.sweep: {SIDE} x {SIDE} cells (lr x beta1) x {STEPS} steps of Adam on Rosenbrock",
           swept, SWEEP_TARGET_S, plain, f"one run() of {SIDE * SIDE} particles, final only")

    himmelblau = get_landscape("himmelblau")
    side = np.linspace(-5.0, 5.0, BASIN_SIDE)
    grid_starts = np.stack(np.meshgrid(side, side), axis=-1).reshape(-1, 2)
    mapped = _median_seconds(lambda: basins("momentum", himmelblau, STEPS, resolution=BASIN_SIDE,
                                            lr=0.005, momentum=0.9), repeats)
    plain = _median_seconds(lambda: run("momentum", himmelblau, grid_starts, STEPS, lr=0.005, momentum=0.9,
                                        record="loss"), repeats)
    _print(f"explore.basins: {BASIN_SIDE} x {BASIN_SIDE} starts x {STEPS} steps of momentum on Himmelblau",
           mapped, BASINS_TARGET_S, plain, f"one run() of {BASIN_SIDE ** 2} particles, loss recorded")

    raced = _median_seconds(lambda: race(RACERS, landscape, STEPS, budget=RACE_BUDGET), repeats)
    # the same engine calls made by hand: per optimizer, its grid (one particle per setting) and the
    # tuned run (one particle)
    def by_hand() -> None:
        for name in RACERS:
            space = search_space(OPTIMIZERS[name], RACE_BUDGET)
            shape = tuple(len(values) for values in space.values())
            cells = np.meshgrid(*[np.arange(n) for n in shape], indexing="ij")
            grid = {key: np.asarray(values)[i.ravel()] for (key, values), i in zip(space.items(), cells,
                                                                                   strict=True)}
            run(name, landscape, x0[:cells[0].size], STEPS, record="final", **grid)
            run(name, landscape, x0[:1], STEPS, record="loss", lr=1e-3)

    plain = _median_seconds(by_hand, repeats)
    _print(f"explore.race: {len(RACERS)} optimizers tuned over {RACE_BUDGET} settings each, {STEPS} steps, "
           "on Rosenbrock", raced, RACE_TARGET_S, plain,
           f"{2 * len(RACERS)} run() calls: the grids, the tuned runs")


def _print(title: str, seconds: float, target: float, plain: float, plain_name: str) -> None:
    ratio = seconds / plain
    fast = "met" if seconds < target else "NOT met"
    light = "met" if ratio <= RATIO_TARGET else "NOT met"
    print(f"\n{title}:")
    for name, value, verdict in [("library", f"{seconds * 1e3:8.1f} ms", f"< {target:.0f} s: {fast}"),
                                 (plain_name, f"{plain * 1e3:8.1f} ms", ""),
                                 ("ratio", f"{ratio:8.2f}x", f"<= {RATIO_TARGET}x: {light}")]:
        print(f"  {name:<44} {value}   {verdict}".rstrip())
