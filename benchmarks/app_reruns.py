"""Server-side time of Playground, Compare and lesson reruns, measured with Streamlit's AppTest.

AppTest runs the real page script in-process (no browser, no websocket), so the figures are the
time the server spends on a rerun: reading widgets, cached or fresh runs, building figures and
serialising them. Median of several reruns each.
"""

from __future__ import annotations

import logging
import statistics
import time
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from figures import playground_figure, styled_series
from scenarios import decode_playground, slot_labels
from scenarios.results import safe_run_slot

APP = str(Path(__file__).resolve().parents[1] / "app.py")
#: Six optimizers × 500 steps on Rosenbrock: the issue's yardstick.
SIX = {"opt": "sgd,momentum,nesterov,adam,rmsprop,lion", "o1.lr": "0.001", "o2.lr": "0.001",
       "o3.lr": "0.0005", "o4.lr": "0.05", "o5.lr": "0.01", "o6.lr": "0.01", "steps": "500"}


def _timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _open(query: dict[str, str], page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if page:
        at.switch_page(page)
    for key, value in query.items():
        at.query_params[key] = value
    return at


def _check(at: AppTest) -> None:
    if at.exception:
        raise RuntimeError(f"the page raised: {at.exception[0].value}")


def measure(repeats: int = 9) -> dict[str, float]:
    """Seconds per case (medians) and the largest chart's JSON size in bytes."""
    logging.disable(logging.WARNING)  # AppTest's bare-mode warnings are noise here
    results: dict[str, float] = {}
    st.cache_data.clear()
    at = _open(SIX)
    results["first run in a fresh process (imports too)"] = _timed(at.run)
    _check(at)
    results["largest chart JSON (bytes)"] = max(len(c.proto.spec) for c in at.get("plotly_chart"))
    results["rerun, runs cached"] = statistics.median(_timed(at.run) for _ in range(repeats))

    fresh = []
    for _ in range(repeats):
        st.cache_data.clear()
        fresh.append(_timed(at.run))
    results["rerun, all 6 runs recomputed"] = statistics.median(fresh)

    slider = at.select_slider(key="pg.s4.adam.lr")
    moved = []
    for i in range(repeats):
        value = (0.02, 0.03, 0.04, 0.06, 0.07, 0.08, 0.09, 0.15, 0.2, 0.25, 0.3)[i % 11]
        st.cache_data.clear() if i == 0 else None
        slider.set_value(value)
        moved.append(_timed(at.run))
        slider = at.select_slider(key="pg.s4.adam.lr")
    _check(at)
    results["rerun after moving one lr slider"] = statistics.median(moved)

    compare = _open({}, "pages/compare.py")
    compare.run()
    _check(compare)
    results["Compare page rerun, cached (4 landscapes x 3)"] = statistics.median(
        _timed(compare.run) for _ in range(repeats))

    for page, name, _ in LESSONS:
        lesson = _open({}, page)
        lesson.run()
        _check(lesson)
        loads = []
        for _ in range(repeats):
            st.cache_data.clear()  # a first visit: every run of the lesson computed
            st.cache_resource.clear()
            loads.append(_timed(lesson.run))
        _check(lesson)
        results[f"{name} page, load (runs computed)"] = statistics.median(loads)
    return results


#: Each page, its name and its load target in seconds: a lesson under 1 s (issue "Lessons I"), a
#: basin map of 200 x 200 starts under 2 s (issue "Explore at scale").
LESSONS = (("pages/quadratics.py", "Quadratics", 1.0), ("pages/descent.py", "Descent in 1-D", 1.0),
           ("pages/averages.py", "Averages and momentum", 1.0),
           ("pages/clipping.py", "Clipping and schedules", 1.0),
           ("pages/adaptive.py", "Adaptive steps and weight decay", 1.0),
           ("pages/noise.py", "Noise and gradient-free", 1.0),
           ("pages/depth.py", "Initialization and depth (50 x 500)", 1.0),
           ("pages/batchnorm.py", "Batch normalization", 1.0),
           ("pages/landscape.py", "Real landscape (train 3 x 300, two 41x41 slices)", 3.0),
           ("pages/sweep.py", "Sweep (32x32 Adam)", 1.0),
           ("pages/basins.py", "Basins (3 x 200x200)", 2.0))
TARGETS = {name: target for _, name, target in LESSONS}


def figure_costs(steps: int, repeats: int = 9) -> tuple[float, int]:
    """Median seconds to build the Playground's figure for the six runs, and its JSON size."""
    settings = decode_playground(SIX | {"steps": str(steps)}).settings
    runs = [safe_run_slot(settings.run, c, label) for c, label in
            zip(settings.slots, slot_labels(settings.slots), strict=True)]
    series = styled_series([(r.label, r.trajectory) for r in runs])
    landscape = settings.run.build_landscape()
    seconds = statistics.median(_timed(lambda: playground_figure(landscape, series)) for _ in range(repeats))
    return seconds, len(playground_figure(landscape, series).to_json())


def report(repeats: int = 9) -> None:
    print("\nApp reruns (server side, AppTest; Playground with 6 optimizers x 500 steps on Rosenbrock, "
          f"median of {repeats}):")
    for name, value in measure(repeats).items():
        if "bytes" in name:
            print(f"  {name:<48} {value / 1e6:8.2f} MB")
        elif "page, load" in name:
            target = TARGETS[name.split(" page, load")[0]]
            verdict = "met" if value < target else "NOT met"
            print(f"  {name:<48} {value * 1e3:8.1f} ms   (< {target:.0f} s: {verdict})")
        else:
            print(f"  {name:<48} {value * 1e3:8.1f} ms")
    for steps in (500, 5000):
        seconds, size = figure_costs(steps, repeats)
        print(f"  Playground figure, 6 x {steps} steps: build {seconds * 1e3:.1f} ms, "
              f"JSON {size / 1e6:.2f} MB")
