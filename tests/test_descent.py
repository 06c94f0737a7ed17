"""The lesson on descent in one dimension: local models, the gradient flow, how runs end, the reach map,
and the page through AppTest."""

from __future__ import annotations

import math

import numpy as np
import pytest
from apptest_pages import open_page
from toy_landscapes import Bowl

from explore import DIVERGED, NONE_REACHED
from figures.descent import Step, flow_figure, local_figure, reach_categories, reach_figure
from figures.series import styled_series
from landscapes import get_landscape
from lessons.descent import WITHIN, ending, gradient_flow, local_model, reach_map
from optimizers import run
from scenarios import DESCENT


@pytest.mark.parametrize("a", [0.5, 3.0, 40.0])
def test_the_flow_is_the_exact_solution(a: float) -> None:
    times = np.linspace(0, 5, 51)
    flow = gradient_flow(Bowl(a), 2.0, times)
    np.testing.assert_allclose(flow, 2.0 * np.exp(-a * times), rtol=1e-6, atol=1e-12)
    climb = gradient_flow(Bowl(-a), 1e-3, np.array([0.0, 0.1]), maximize=True)  # ascent on −½a x²: toward 0
    assert climb[1] == pytest.approx(1e-3 * math.exp(-a * 0.1), rel=1e-6)


def test_tiny_euler_steps_follow_the_flow_and_big_ones_do_not() -> None:
    landscape = get_landscape("x2_plus_sin")
    lr, steps = 1e-3, 2000
    flow = gradient_flow(landscape, 2.5, lr * np.arange(steps + 1))
    euler = run("sgd", landscape, [2.5], steps=steps, lr=lr).path[:, 0, 0]
    assert np.max(np.abs(euler - flow)) < 2e-3  # Euler's global error is O(lr)
    coarse = run("sgd", landscape, [2.5], steps=10, lr=1.0).path[:, 0, 0]
    assert np.max(np.abs(coarse - gradient_flow(landscape, 2.5, np.arange(11.0)))) > 1.0


def test_a_flow_without_a_minimum_keeps_creeping_and_one_unbounded_is_nan() -> None:
    flow = gradient_flow(get_landscape("x_plus_sin"), 2.5, np.array([0.0, 10.0, 100.0, 1000.0]))
    assert np.all(np.diff(flow) < 0) and np.all(flow > -math.pi) and flow[-1] + math.pi < 0.01
    runaway = gradient_flow(Bowl(-1.0), 1.0, np.array([0.0, 1.0, 100.0]))  # −½x² descends to −∞
    assert runaway[1] == pytest.approx(math.e, rel=1e-6) and math.isnan(runaway[2])


def test_local_model_slopes_and_vertex() -> None:
    landscape = get_landscape("x2_plus_sin")
    x = 2.5
    for h in (0.5, 0.05, 0.005):
        model = local_model(landscape, x, h)
        assert model.slope == pytest.approx(2 * x + math.cos(x), abs=1e-15)
        assert model.curvature == pytest.approx(2 - math.sin(x), abs=1e-15)
        # the secant's error is ½ f″ h + O(h²)
        assert model.secant_error == pytest.approx(0.5 * model.curvature * h, rel=0.2)
        assert model.vertex == pytest.approx(x - model.slope / model.curvature)
    model = local_model(landscape, x, 0.1)
    ys = np.array([x - 1, x, x + 1])
    assert model.tangent(ys)[1] == model.value and model.parabola(ys)[1] == model.value
    lr = 0.2  # gradient descent's step lands at the bottom of the parabola of curvature 1/lr
    landing = model.gradient_step(lr)
    assert landing == x - lr * model.slope
    around = np.array([landing - 1e-4, landing, landing + 1e-4])
    assert np.argmin(model.parabola(around, 1 / lr)) == 1
    with pytest.raises(ValueError):
        local_model(landscape, x, 0.0)


def test_endings() -> None:
    x_star = get_landscape("x2_plus_sin").minima[0][0]
    cycle = ending(np.array([2.5, -1.7, 1.8] + [math.pi / 2, -math.pi / 2] * 3), x_star)
    assert cycle.kind == "cycle" and cycle.cycle == (-math.pi / 2, math.pi / 2)
    # "within" counts from the step after which the run stays close, not the first visit
    xs = np.array([1.0, x_star, 0.5, x_star + WITHIN / 2, x_star])
    assert ending(xs, x_star).within_step == 3
    assert ending(np.array([1.0, 2.0, 4.0]), x_star, diverged=True).kind == "diverged"
    assert ending(np.linspace(2, 1, 10), x_star).kind == "moving"


def test_the_reach_map_is_separate_runs() -> None:
    landscape = get_landscape("sin_minus_square")
    lrs = np.array([0.003, 0.03, 0.3])
    reach = reach_map(landscape, lrs, 150, resolution=21)
    assert reach.labels.shape == (3, 21) and reach.best == 1
    for i, lr in enumerate(lrs):
        for j in (0, 7, 13, 20):
            t = run("sgd", landscape, [reach.starts[j]], steps=150, lr=lr, maximize=True)
            final = t.final_x[0, 0]
            if t.diverged[0]:
                expected = DIVERGED
            else:
                close = [k for k, o in enumerate(reach.optima) if abs(final - o) <= WITHIN]
                expected = close[0] if close else NONE_REACHED
            assert reach.labels[i, j] == expected, (lr, reach.starts[j])
    categories = reach_categories(reach)
    assert set(np.unique(categories)) <= {0, 1, 2, 3}
    assert np.array_equal(categories == 0, reach.labels == 1)


def test_figures() -> None:
    landscape = get_landscape("x2_plus_sin")
    runs = [(f"lr {lr:g}", run("sgd", landscape, [2.5], steps=20, lr=lr)) for lr in (0.1, 1.0)]
    steps = [Step(s, lr) for s, lr in zip(styled_series(runs), (0.1, 1.0), strict=True)]
    model = local_model(landscape, 2.5, 0.5)
    figure = local_figure(landscape, model, steps)
    names = [t.name for t in figure.data]
    assert "tangent: slope f′(x) = 4.199" in names and "lr 1: step to -1.699" in names
    assert figure.layout.xaxis.range[0] <= 2.5 + 0.5 <= figure.layout.xaxis.range[1]
    flows = [gradient_flow(landscape, 2.5, lr * np.arange(21)) for lr in (0.1, 1.0)]
    figure = flow_figure(steps, flows, [landscape.minima[0][0]])
    assert len(figure.data) == 4 and len(figure.layout.shapes) == 1
    reach = reach_map(landscape, np.array([0.1, 1.0]), 20, resolution=11)
    figure = reach_figure(reach, 2.5, (0.1, 1.0), optimum_word="minimum")
    assert figure.data[0].z.shape == (2, 11)


# --- the page ---------------------------------------------------------------------------------------

def test_the_page_reproduces_the_notes_study() -> None:
    at = open_page(DESCENT, {"steps": "400"})
    table = at.dataframe[0].value
    assert table["learning rate"].tolist() == ["0.01", "0.1", "1"]
    assert table["steps to 0.001"].tolist() == ["355", "32", "—"]
    assert table["outcome"].tolist()[2] == "2-cycle between -1.571 and 1.571"
    assert table["1 − η·|f″(x*)|"].tolist() == ["0.9756", "0.7565", "-1.435"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Slope f′(x)"] == "4.199" and metrics["Curvature f″(x)"] == "1.402"
    assert len(at.get("plotly_chart")) == 3  # the models and runs, the flow, the reach map
    assert any("x + sin x" in m.value for m in at.markdown)  # the notes' mistake, said


def test_ascent_is_labelled_a_local_maximum() -> None:
    at = open_page(DESCENT, {"landscape": "sin_minus_square", "lrs": "0.01,0.05"})
    outcomes = at.dataframe[0].value["outcome"].tolist()
    assert outcomes == ["local maximum, 18.26 below the global one"] * 2
    assert any("54%" in c.value for c in at.caption)


def test_no_minimum_divergence_and_bad_links() -> None:
    flat = open_page(DESCENT, {"landscape": "x_plus_sin", "lrs": "1"})
    (outcome,) = flat.dataframe[0].value["outcome"].tolist()
    assert outcome.startswith("still creeping toward the flat point -3.142")
    assert len(flat.get("plotly_chart")) == 2  # no optimum: no reach map
    wild = open_page(DESCENT, {"lrs": "3", "at": "50", "h": "0.0001"})
    assert wild.dataframe[0].value["outcome"].tolist() == ["diverged at step 14"]
    bad = open_page(DESCENT, {"landscape": "rosenbrock", "lrs": "0,abc", "h": "-1", "steps": "1e9"})
    notices = " ".join(w.value for w in bad.warning)
    for key in ("landscape=rosenbrock", "h=-1", "steps=1e9", "abc"):
        assert key in notices
    assert bad.session_state["descent.settings"] == DESCENT.default()


def test_lecture_mode() -> None:
    at = open_page(DESCENT, {"lecture": "1"})
    assert at.title[0].value == "Descent in 1-D"
