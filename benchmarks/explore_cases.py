"""The explore library against the plain engine: a sweep must cost about what one ``run()`` call
with the same number of particles costs (target: at most 1.3×), and 64 × 64 cells × 300 steps of
Adam on Rosenbrock must take under a second on this machine."""

from __future__ import annotations

import statistics
import time

import numpy as np

from explore import sweep
from landscapes import get_landscape
from optimizers import run

SIDE, STEPS = 64, 300
SWEEP_TARGET_S, RATIO_TARGET = 1.0, 1.3


def _median_seconds(action, repeats: int) -> float:
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
    ratio = swept / plain
    print(f"\nexplore.sweep: {SIDE} x {SIDE} cells (lr x beta1) x {STEPS} steps of Adam on Rosenbrock "
          f"(median of {repeats}):")
    rows = [("sweep", f"{swept * 1e3:8.1f} ms", f"< {SWEEP_TARGET_S:.0f} s: "
             + ("met" if swept < SWEEP_TARGET_S else "NOT met")),
            (f"one run() of {SIDE * SIDE} particles, final only", f"{plain * 1e3:8.1f} ms", ""),
            ("ratio", f"{ratio:8.2f}x",
             f"<= {RATIO_TARGET}x: " + ("met" if ratio <= RATIO_TARGET else "NOT met"))]
    for name, value, target in rows:
        print(f"  {name:<44} {value}   {target}".rstrip())
