"""The lesson on clipping and schedules: the geometry against plain arithmetic, the schedule curves
against the engine's steps, and the page through AppTest."""

from __future__ import annotations

import math

import numpy as np
import pytest
from apptest_pages import open_page

from lessons.averages import Slope
from lessons.clipping import clip_geometry, schedule_curve
from optimizers import SCHEDULES, run
from scenarios import CLIPPING
from ui.clipping import geometry_rows


@pytest.mark.parametrize("g, c", [((0.9, 100.0), 1.0), ((3.0, -4.0), 1.0), ((0.2, 0.1), 1.0),
                                  ((-50.0, 50.0), 2.0)])
def test_clip_geometry(g, c) -> None:
    clipped = clip_geometry(g, c)
    assert clipped.by_value.tolist() == [min(max(x, -c), c) for x in g]
    norm = math.hypot(*g)
    factor = min(1.0, c / (norm + 1e-6))
    np.testing.assert_allclose(clipped.by_norm, np.array(g) * factor, rtol=1e-15)
    assert clipped.norm_turn < 1e-5
    cos = np.dot(g, clipped.by_value) / (norm * np.linalg.norm(clipped.by_value))
    assert clipped.value_turn == pytest.approx(math.degrees(math.acos(min(1.0, cos))), abs=1e-9)
    if abs(abs(g[0]) - abs(g[1])) < 1e-12 or norm <= c:  # equal components, or inside: no turn
        assert clipped.value_turn < 1e-6


def test_geometry_table_shows_the_notes_numbers() -> None:
    table = geometry_rows(clip_geometry((0.9, 100.0), 1.0))
    assert table["vector"].tolist() == ["(0.9, 100)", "(0.9, 1)", "(0.00899964, 0.99995950)",
                                       "(0.00899964, 0.99995949)"]
    assert table["turned from g"].tolist()[1] == "41.5°"


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_the_curve_is_the_lr_the_engine_used(name: str) -> None:
    """Down a constant slope plain SGD moves lr·multiplier(t) per step: the curve must match."""
    steps = 120
    params = {"total_steps": steps} if name == "one_cycle" else {}
    schedule = (name, params)
    path = run("sgd", Slope(1.0), [0.0], steps, lr=0.1, schedule=schedule).path[:, 0, 0]
    losses = run("sgd", Slope(1.0), [0.0], steps, lr=0.1, schedule=schedule).loss[:, 0]
    curve = schedule_curve(schedule, steps, losses)
    np.testing.assert_allclose(-np.diff(path), 0.1 * curve.multiplier, rtol=1e-12, atol=1e-15)


def test_one_cycle_momentum_curve() -> None:
    curve = schedule_curve(("one_cycle", {"total_steps": 100, "cycle_momentum": True}), 100)
    assert curve.momentum is not None
    peak = int(np.argmax(curve.multiplier))
    assert curve.momentum[0] == pytest.approx(0.95) and curve.momentum[peak] == pytest.approx(0.85)
    assert schedule_curve(("cosine", {}), 10).momentum is None


def test_the_page() -> None:
    at = open_page(CLIPPING)
    tables = [df.value for df in at.dataframe]
    assert tables[0]["vector"].tolist()[2] == "(0.00899964, 0.99995950)"
    steep = tables[1]
    assert steep["outcome"].tolist()[0] == "diverged at step 5"
    assert len(at.get("plotly_chart")) == 7
    cycle = open_page(CLIPPING, {"schedule": "one_cycle", "schedule.cycle_momentum": "1", "g": "3,4",
                                 "clip_at": "10"})
    assert cycle.dataframe[0].value["turned from g"].tolist()[1] == "0.0°"  # inside the box: untouched
    specs = [chart.proto.spec for chart in cycle.get("plotly_chart")]
    assert sum("momentum (right axis)" in spec for spec in specs) == 1  # one-cycle drives the momentum
    assert not any("momentum (right axis)" in chart.proto.spec for chart in at.get("plotly_chart"))


def test_bad_links_and_lecture() -> None:
    at = open_page(CLIPPING, {"g": "nan,1", "clip_at": "0", "schedule": "nope", "lecture": "1"})
    notices = " ".join(w.value for w in at.warning)
    for key in ("g=nan,1", "clip_at=0", "schedule=nope"):
        assert key in notices
    assert at.title[0].value == "Clipping and schedules"
