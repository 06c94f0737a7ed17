"""The Sweep page through AppTest, and its figure."""

from __future__ import annotations

import numpy as np
import pytest
from apptest_pages import open_page
from streamlit.testing.v1 import AppTest

from explore import sweep
from figures.sweep import sweep_figure
from landscapes import get_landscape
from optimizers import OPTIMIZERS, run
from scenarios import SWEEP, decode
from scenarios.sweeps import grid_axes, page_sweep, second_axis


def open_sweep(query: dict[str, str] | None = None) -> AppTest:
    return open_page(SWEEP, query)


def summary(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "diverged" in m.value)


def test_defaults_adam_lr_by_beta1_on_rosenbrock() -> None:
    at = open_sweep()
    settings = at.session_state["sweep.settings"]
    assert settings == SWEEP.default()
    grid, path = [c for c in at.get("plotly_chart")]
    assert "Best cell" in summary(at) and "β₁" in summary(at)
    # the page's grid is the library's grid for these settings
    expected = page_sweep(settings, "final_gap")
    assert expected.values.shape == (32, 32) and [n for n, _ in expected.axes] == ["lr", "betas"]
    assert grid is not None and path is not None


def test_the_chosen_cell_is_the_best_one_and_its_run_is_the_cells() -> None:
    at = open_sweep({"landscape": "quadratic", "opt": "sgd", "second": "false", "cells": "12"})
    settings = at.session_state["sweep.settings"]
    grid = page_sweep(settings, "final_gap")
    scores = np.where(grid.diverged, np.inf, grid.values)
    best = int(np.argmin(scores))
    lr = grid_axes(settings)["lr"][best]
    caption = next(c.value for c in at.caption if c.value.startswith("SGD, lr="))
    single = run("sgd", settings.run.build_landscape(), settings.run.start_point(), settings.run.steps, lr=lr)
    assert single.final_loss[0] == grid.values[best]  # the drawn run is the cell
    assert "f − f*" in caption


def test_a_grid_that_diverges_everywhere_says_so() -> None:
    at = open_sweep({"opt": "sgd", "second": "false", "lrs": "10,100"})
    assert "32 of 32 cells diverged" in summary(at) and "No cell has a finite value" in summary(at)


def test_a_landscape_without_a_best_value_falls_back_to_the_mean_loss() -> None:
    assert get_landscape("saddle").optimum_value() is None and not get_landscape("saddle").optima
    for metric in ("final_gap", "final_distance"):
        at = open_sweep({"landscape": "saddle", "metric": metric, "cells": "8", "lrs": "0.0001,0.01"})
        assert any("showing the mean loss instead" in i.value for i in at.info)
        assert "mean f over the run" in summary(at)


def test_one_d_and_maximize_landscapes() -> None:
    at = open_sweep({"landscape": "x2_plus_sin", "opt": "momentum", "cells": "8"})
    assert "Best cell" in summary(at)
    up = open_sweep({"landscape": "sin_minus_square", "opt": "sgd", "second": "false", "cells": "8"})
    assert "f* − f" in summary(up)


def test_an_optimizer_without_a_second_hyperparameter_has_one_axis() -> None:
    assert second_axis("adagrad") is None
    at = open_sweep({"opt": "adagrad", "cells": "8"})
    assert at.session_state["sweep.settings"].second  # asked for, but there is none
    assert "momentum" not in summary(at) and "lr = " in summary(at)


def test_a_bad_link_keeps_the_page_and_says_why() -> None:
    at = open_sweep({"opt": "nope", "cells": "1000"})
    notices = " ".join(w.value for w in at.warning)
    assert "no such optimizer" in notices and "cells=1000" in notices
    assert at.session_state["sweep.settings"] == decode(SWEEP, {}).settings


# --- the figure -----------------------------------------------------------------------------------------

def test_heatmap_greys_diverged_cells_and_marks_theory() -> None:
    quadratic = get_landscape("quadratic")
    lrs, mus = np.geomspace(1e-3, 1, 12), np.linspace(0, 0.9, 10)
    grid = sweep("momentum", quadratic, 200, lr=lrs, momentum=mus)
    fig = sweep_figure(grid.axes, grid.values, grid.diverged, grid.metric, selected=(3, 4),
                       lr_marks=[(0.2, "edge")], point_marks=[(0.23, 0.27, "best")],
                       curve_marks=[(2 * (1 + mus) / 10, mus, "momentum edge")], axis_titles=["lr", "μ"])
    heat, grey = fig.data[0], fig.data[1]
    assert heat.type == "heatmap" and grey.name == "diverged"
    z = np.asarray(heat.z, dtype=float).T
    fine = ~grid.diverged & np.isfinite(grid.values)
    assert np.isnan(z[grid.diverged]).all() and np.isfinite(z[fine]).all()
    assert (np.asarray(grey.z, dtype=float).T[grid.diverged] == 1).all()
    names = [t.name for t in fig.data]
    assert {"chosen cell", "edge", "best", "momentum edge", "cells"} <= set(names)
    edge = next(t for t in fig.data if t.name == "edge")
    # the line sits where 0.2 falls among the log-spaced lrs, in cell units
    assert edge.x[0] == pytest.approx(np.log(0.2 / 1e-3) / np.log(lrs[1] / lrs[0]))


def test_one_axis_curve_marks_divergence() -> None:
    quadratic = get_landscape("quadratic")
    grid = sweep("sgd", quadratic, 200, lr=np.geomspace(1e-3, 1, 16))
    fig = sweep_figure(grid.axes, grid.values, grid.diverged, grid.metric)
    curve, crosses = fig.data[0], fig.data[1]
    assert crosses.name == "diverged" and len(crosses.x) == int(grid.diverged.sum()) > 0
    assert min(crosses.x) > 0.2  # past gradient descent's stability edge 2/λ_max
    assert np.isnan(np.asarray(curve.y, dtype=float)[grid.diverged]).all()


def test_one_axis_compares_optimizers_each_with_its_divergence_edge() -> None:
    at = open_sweep({"landscape": "quadratic", "opt": "sgd", "second": "false", "vs": "adam,nesterov",
                     "cells": "16", "lrs": "0.001,10"})
    settings = at.session_state["sweep.settings"]
    assert settings.others == ("adam", "nesterov")
    (grid_chart, _) = [c for c in at.get("plotly_chart")]
    import json

    names = [t.get("name") for t in json.loads(grid_chart.proto.spec)["data"]]
    titles = [OPTIMIZERS[n].title for n in ("sgd", "adam", "nesterov")]
    assert set(titles) <= set(names)
    # each curve is that optimizer's own one-axis grid
    from dataclasses import replace

    adam = page_sweep(replace(settings, optimizer="adam", others=()), "final_gap")
    assert len(adam.axes) == 1 and adam.values.shape == (16,)
    assert any(n.endswith("diverged") for n in names)  # SGD and Nesterov diverge at the large rates
