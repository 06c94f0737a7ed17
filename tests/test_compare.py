"""The Compare page through AppTest: maps to scale and large enough, every result row, the divergence mark."""

from __future__ import annotations

import json
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from figures.hover import vector
from landscapes import LANDSCAPES, get_landscape
from optimizers import run

APP = str(Path(__file__).resolve().parents[1] / "app.py")
COMPARE = "pages/compare.py"
#: The smallest panel (px) a lecturer can read: the screenshots at 1400×900 show 372 px.
READABLE_PX = 300


def open_compare(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(COMPARE)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def grid_figure(at: AppTest) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def panel_axes(layout: dict) -> list[tuple[dict, dict]]:
    """``(xaxis, yaxis)`` of every panel, in order: xaxis/yaxis, xaxis2/yaxis2, …"""
    count = sum(1 for key in layout if key.startswith("xaxis"))
    return [(layout[f"xaxis{k or ''}"], layout[f"yaxis{k or ''}"]) for k in [0, *range(2, count + 1)]]


def panel_height_px(layout: dict, yaxis: dict) -> float:
    """A panel's height in px before equal scales shrink it to its window's shape."""
    plot = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    return (yaxis["domain"][1] - yaxis["domain"][0]) * plot


@pytest.fixture(scope="module")
def default_page() -> AppTest:
    with mock.patch.object(st, "dataframe", wraps=st.dataframe) as dataframe:
        at = open_compare()
    at.dataframe_calls = dataframe.call_args_list
    return at


def test_each_map_is_drawn_to_scale_and_large_enough(default_page: AppTest) -> None:
    assert not default_page.exception
    layout = grid_figure(default_page)["layout"]
    names = ("quadratic", "rosenbrock", "himmelblau", "six_hump_camel")
    axes = panel_axes(layout)
    assert len(axes) == len(names)
    for k, (name, (xaxis, yaxis)) in enumerate(zip(names, axes, strict=True), start=1):
        assert LANDSCAPES[name].dim == 2
        suffix = "" if k == 1 else str(k)
        assert yaxis["scaleanchor"] == f"x{suffix}" and yaxis.get("scaleratio", 1) == 1, name
        assert xaxis["constrain"] == yaxis["constrain"] == "domain", name
        (x_lo, x_hi), (y_lo, y_hi) = LANDSCAPES[name].bounds
        assert xaxis["range"] == pytest.approx([x_lo, x_hi]) and yaxis["range"] == pytest.approx([y_lo, y_hi])
    # square windows get a full-height row, at least READABLE_PX high, on a computer screen
    for xaxis, yaxis in axes[:3]:
        assert panel_height_px(layout, yaxis) >= READABLE_PX
        assert xaxis["domain"][1] - xaxis["domain"][0] >= 0.4  # two panels per row


def test_results_table_shows_every_row_and_the_outcome_first(default_page: AppTest) -> None:
    table = default_page.dataframe[0].value
    assert len(table) == 4 * 3  # four landscapes, three optimizers
    assert list(table.columns[:3]) == ["landscape", "optimizer", "outcome"]
    assert (table["outcome"] != "").all()
    # tall enough for the header and every row (35 px each): no scrolling inside the table
    (call,) = default_page.dataframe_calls
    assert call.kwargs["height"] >= 35 * (len(table) + 1)


def test_divergence_marker_names_the_step_and_the_last_finite_point(default_page: AppTest) -> None:
    figure = grid_figure(default_page)
    (marker,) = [t for t in figure["data"] if t.get("name") == "SGD, lr=0.01 diverged"]
    assert marker["xaxis"] == "x2"  # Rosenbrock, the second panel
    # the same run as the page's first slot on Rosenbrock
    trajectory = run("sgd", get_landscape("rosenbrock"), steps=200, lr=0.01)
    step = int(trajectory.diverged_at[0])
    last = trajectory.path[-1, 0]
    hover = marker["hovertext"][0]
    assert f"diverged at step {step}" in hover
    assert f"last finite point {vector(last)}, after step {step - 1}" in hover
    # that point (about -1.5e9) is far outside the panel: the ✕ sits on the panel's edge and says so
    assert np.abs(last).max() > 1e6
    layout = figure["layout"]
    x, y = marker["x"][0], marker["y"][0]
    (x_lo, x_hi), (y_lo, y_hi) = layout["xaxis2"]["range"], layout["yaxis2"]["range"]
    assert x_lo <= x <= x_hi and y_lo <= y <= y_hi
    assert min(x - x_lo, x_hi - x, y - y_lo, y_hi - y) == pytest.approx(0, abs=1e-9)
    assert "leaves the view for good" in hover
    caption = " ".join(c.value for c in default_page.caption)
    assert "last finite point" in caption and "leaves the panel for good" in caption


@pytest.mark.parametrize("chosen", [["booth"], ["quadratic", "saddle", "ackley"],
                                    ["beale", "booth", "himmelblau", "rastrigin", "ackley", "monkey_saddle"]])
def test_one_panel_per_chosen_landscape(chosen: list[str]) -> None:
    at = open_compare({"landscapes": ",".join(chosen), "opt": "sgd,adam", "steps": "30"})
    assert not at.exception
    layout = grid_figure(at)["layout"]
    titles = [a["text"] for a in layout["annotations"]]
    assert titles == [LANDSCAPES[name].title for name in chosen]
    assert len(panel_axes(layout)) == len(chosen)
    for xaxis, yaxis in panel_axes(layout):
        assert yaxis["scaleanchor"] == xaxis["anchor"].replace("y", "x")
        assert panel_height_px(layout, yaxis) >= READABLE_PX
    assert len(at.dataframe[0].value) == 2 * len(chosen)


def test_phone_gets_one_panel_per_row() -> None:
    with mock.patch("ui.compare.on_a_phone", return_value=True):
        at = open_compare()
    assert not at.exception
    layout = grid_figure(at)["layout"]
    axes = panel_axes(layout)
    assert len(axes) == 4
    for xaxis, _ in axes:
        assert xaxis["domain"] == pytest.approx([0, 1])
    assert panel_height_px(layout, axes[0][1]) >= READABLE_PX
    # the wide six-hump camel window (4 × 2) gets a lower row instead of white space under it
    assert panel_height_px(layout, axes[3][1]) < 0.6 * panel_height_px(layout, axes[0][1])


def test_learning_rate_panels_readable_with_runs_first_in_the_legend() -> None:
    at = open_compare({"mode": "lr", "landscape": "x2_plus_sin", "opt": "sgd", "lrs": "0.01,0.1,1",
                       "steps": "50"})
    assert not at.exception
    figure = grid_figure(at)
    layout = figure["layout"]
    for _, yaxis in panel_axes(layout):
        assert "scaleanchor" not in yaxis  # a curve f(x) has no common unit on its axes
        assert panel_height_px(layout, yaxis) >= 0.75 * READABLE_PX
    entries = sorted((t.get("legendrank", 1000), i, t["name"]) for i, t in enumerate(figure["data"])
                     if t.get("showlegend", True) and t.get("name") and t.get("type") == "scatter")
    assert [name for _, _, name in entries[:3]] == ["lr = 0.01", "lr = 0.1", "lr = 1"]
    table = at.dataframe[0].value
    assert list(table.columns[:2]) == ["optimizer", "outcome"] and len(table) == 3
