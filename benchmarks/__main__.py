"""Benchmarks: ``python -m benchmarks [--quick | --app | --browser [--browser-url PATH] | --load]``.

Prints particle-steps per second for Adam on Rosenbrock (500 steps) at 1, 1,000 and 100,000
particles for

* our engine, full path and loss recorded, and final-state recording only;
* a plain NumPy loop with fresh temporaries (the obvious way to write it);
* ``torch.optim.Adam(fused=True)`` on an (N, 2) tensor when torch is installed, with gradient and
  loss from the very same landscape object each step and the path and loss recorded, so both
  sides pay the same landscape cost and only the optimizer engines differ;

then the time of one particle × 500 steps for every registered optimizer, and the server-side time
of app reruns (``--app`` for that part alone, ``--engine`` to skip it). All figures come from one
run on this machine; compare ratios, not absolute numbers.

``--browser`` runs only :mod:`benchmarks.browser`: the app and a minimal Streamlit page in headless
Chromium (cold link, slider move, select change, websocket KB per change), as ratios against that page.

``--load`` runs only :mod:`benchmarks.load`: a class of sessions (websocket clients and a few Chromium
pages) on one server, each changing its own settings; errors, isolation, latency, reruns per second and
the server's memory. The exit code is 1 on errors or leaks.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

from landscapes import get_landscape
from optimizers import OPTIMIZERS, run

from . import app_reruns, explore_cases

STEPS = 500
LR = 0.01
BETAS = (0.9, 0.999)
EPS = 1e-8


def starts(n: int) -> np.ndarray:
    """``n`` deterministic start points in Rosenbrock's window."""
    rng = np.random.default_rng(0)
    return np.column_stack([rng.uniform(-2, 2, n), rng.uniform(-1, 3, n)])


def best_times(cases: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """The fastest of ``repeats`` timings of each case, in seconds.

    The cases are timed round-robin (a, b, c, a, b, c, …) rather than one after another, so that a
    change in the machine's load during the run affects every case alike; the minimum is the run
    least disturbed by other work.
    """
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeats):
        for name, fn in cases.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: min(values) for name, values in times.items()}


def numpy_baseline(landscape, x0: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Adam written the obvious way: one expression per line, fresh arrays every step."""
    x = x0.copy()
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    path = np.empty((steps + 1,) + x.shape)
    loss = np.empty((steps + 1, x.shape[0]))
    path[0] = x
    for t in range(1, steps + 1):
        f, g = landscape.value_and_grad(x)
        loss[t - 1] = f
        m = BETAS[0] * m + (1 - BETAS[0]) * g
        v = BETAS[1] * v + (1 - BETAS[1]) * g * g
        m_hat = m / (1 - BETAS[0] ** t)
        v_hat = v / (1 - BETAS[1] ** t)
        x = x - LR * m_hat / (np.sqrt(v_hat) + EPS)
        path[t] = x
    loss[steps] = landscape(x)
    return path, loss


def torch_fused(landscape, x0: np.ndarray, steps: int):
    """torch.optim.Adam(fused=True) on an (N, 2) tensor, gradient and loss from ``landscape``."""
    import torch

    p = torch.nn.Parameter(torch.from_numpy(x0.copy()))
    opt = torch.optim.Adam([p], lr=LR, betas=BETAS, eps=EPS, fused=True)
    path = np.empty((steps + 1,) + x0.shape)
    loss = np.empty((steps + 1, x0.shape[0]))
    path[0] = x0
    with torch.no_grad():
        for t in range(1, steps + 1):
            f, g = landscape.value_and_grad(p.numpy())
            loss[t - 1] = f
            p.grad = torch.from_numpy(g)
            opt.step()
            path[t] = p.numpy()
    loss[steps] = landscape(p.detach().numpy())
    return path, loss


def have_torch() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


#: A typed function may run at most this many times slower than the same built-in landscape.
CUSTOM_TARGET = 1.5


def custom_case(quick: bool) -> None:
    """The typed "(1-x)^2 + 100*(y-x^2)^2" against the built-in Rosenbrock, Adam, same particles."""
    from landscapes import custom

    mine, theirs = custom("(1-x)^2 + 100*(y-x^2)^2"), get_landscape("rosenbrock")
    print(f"\nA typed function against the built-in one (Adam, {STEPS} steps, best of runs):")
    for n in ((1_000,) if quick else (1_000, 100_000)):
        x0 = starts(n)
        timings = best_times({"typed": lambda x0=x0: run("adam", mine, x0, STEPS, lr=LR, betas=BETAS),
                              "built-in": lambda x0=x0: run("adam", theirs, x0, STEPS, lr=LR, betas=BETAS)},
                             3 if quick else 5)
        ratio = timings["typed"] / timings["built-in"]
        verdict = "met" if ratio <= CUSTOM_TARGET else "NOT met"
        print(f"  {n:>9,} particles: typed {timings['typed']:.4f} s, built-in {timings['built-in']:.4f} s, "
              f"{ratio:.2f}x (target <= {CUSTOM_TARGET}x: {verdict})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, skip 100,000 particles")
    parser.add_argument("--app", action="store_true", help="only the app rerun timings")
    parser.add_argument("--engine", action="store_true",
                        help="only the engine timings (skip the app reruns)")
    parser.add_argument("--browser", action="store_true",
                        help="only the browser timings (headless Chromium): the app against a minimal page")
    parser.add_argument("--browser-url", default="/", metavar="PATH",
                        help="with --browser: the app's path to measure, e.g. /compare (default: /)")
    parser.add_argument("--browser-repeats", type=int, default=7, metavar="N",
                        help="with --browser: samples per case (default: 7)")
    parser.add_argument("--load", action="store_true",
                        help="only the classroom load test: N sessions on one server (exit 1 on errors or "
                             "leaks)")
    parser.add_argument("--load-sessions", type=int, default=25, metavar="N",
                        help="with --load: concurrent sessions, Chromium pages included (default: 25)")
    parser.add_argument("--load-seconds", type=float, default=60.0, metavar="S",
                        help="with --load: how long the class works (default: 60)")
    parser.add_argument("--load-browsers", type=int, default=2, metavar="K",
                        help="with --load: how many of the sessions are headless Chromium pages (default: 2; "
                             "each draws every figure on the load generator's core)")
    parser.add_argument("--load-seed", type=int, default=0, metavar="SEED",
                        help="with --load: seed of the sessions' choices and timing (default: 0)")
    parser.add_argument("--no-load-pin", action="store_true",
                        help="with --load: do not pin the server to one core")
    args = parser.parse_args(argv)
    if args.load:
        from . import load  # websockets and playwright are imported only here

        return load.main(args.load_sessions, args.load_seconds, args.load_browsers, args.load_seed,
                         pin=not args.no_load_pin)
    if args.browser:
        from . import browser  # playwright is imported only here, and only if installed

        return browser.main(args.browser_url, args.browser_repeats)
    if args.app:
        app_reruns.report()
        return 0
    landscape = get_landscape("rosenbrock")
    sizes = (1, 1_000) if args.quick else (1, 1_000, 100_000)
    torch_ok = have_torch()
    if torch_ok:
        import torch

        print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    else:
        print("torch not installed: the fused-Adam column is skipped")
    print(f"numpy {np.__version__}; Adam on Rosenbrock, {STEPS} steps, lr={LR}; best of several runs")
    header = f"{'particles':>10} {'case':<34} {'seconds':>9} {'Mparticle-steps/s':>18} {'vs torch':>9}"
    print(header)
    print("-" * len(header))
    for n in sizes:
        x0 = starts(n)
        repeats = 7 if n <= 1_000 else 5
        if args.quick:
            repeats = 3 if n <= 1_000 else 1
        cases = {
            "ours, path+loss recorded": lambda x0=x0: run("adam", landscape, x0, STEPS, lr=LR, betas=BETAS),
            "ours, final state only": lambda x0=x0: run(
                "adam", landscape, x0, STEPS, lr=LR, betas=BETAS, record="final"),
            "plain NumPy loop": lambda x0=x0: numpy_baseline(landscape, x0, STEPS),
        }
        if torch_ok:
            cases["torch Adam(fused=True), recorded"] = lambda x0=x0: torch_fused(landscape, x0, STEPS)
        timings = best_times(cases, repeats)
        reference = timings.get("torch Adam(fused=True), recorded")
        for name, seconds in timings.items():
            rate = n * STEPS / seconds / 1e6
            ratio = f"{reference / seconds:8.2f}x" if reference else "        -"
            print(f"{n:>10,} {name:<34} {seconds:9.4f} {rate:18.3f} {ratio}")
    if torch_ok:
        ours = run("adam", landscape, starts(1_000), STEPS, lr=LR, betas=BETAS).path
        theirs, _ = torch_fused(landscape, starts(1_000), STEPS)
        print(f"max |ours - torch fused| over the 1,000-particle paths: {np.max(np.abs(ours - theirs)):.3e}")

    print(f"\nOne particle x {STEPS} steps, every optimizer (median of 5, milliseconds):")
    x0 = np.array([[-1.5, 2.0]])
    slow = []
    for name in OPTIMIZERS:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            run(name, landscape, x0, STEPS)
            times.append(time.perf_counter() - start)
        ms = statistics.median(times) * 1e3
        flag = "" if ms < 10 else "  <-- over 10 ms"
        if ms >= 10:
            slow.append(name)
        print(f"  {name:<18} {ms:7.2f}{flag}")
    print(f"{len(OPTIMIZERS)} optimizers; over 10 ms: {', '.join(slow) or 'none'}")
    custom_case(args.quick)
    explore_cases.report(3 if args.quick else 5)
    if not args.engine:
        app_reruns.report(5 if args.quick else 9)
    return 0


if __name__ == "__main__":
    sys.exit(main())
