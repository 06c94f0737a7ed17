"""The Basins page through AppTest, and its figure."""

from __future__ import annotations

import time

import numpy as np
import pytest
from apptest_pages import open_page
from streamlit.testing.v1 import AppTest

from explore import DIVERGED, NONE_REACHED, basins
from figures.basins import NONE_COLOUR, OPTIMUM_COLOURS, basin_shares, basins_figure
from landscapes import get_landscape
from scenarios import BASINS


def open_basins(query: dict[str, str] | None = None) -> AppTest:
    return open_page(BASINS, query)


def test_the_table_is_the_maps() -> None:
    at = open_basins({"res": "30"})
    settings = at.session_state["basins.settings"]
    table = at.dataframe[0].value
    landscape = settings.run.build_landscape()
    assert list(table["optimizer"]) == ["SGD, lr=0.01", "SGD + momentum, lr=0.005", "Adam, lr=0.05"]
    for row, choice in zip(table.to_dict("records"), settings.slots, strict=True):
        result = basins(choice.name, landscape, settings.run.steps, resolution=30, **dict(choice.hyper))
        share = result.share()
        for k, point in enumerate(result.optima):
            key = next(c for c in table.columns if c.startswith("→") and c.endswith(
                f"{point[1]:.4g})".replace("-", "−")))
            assert row[key] == f"{100 * share.get(k, 0.0):.1f} %"
        assert row["diverged"] == f"{100 * share.get(DIVERGED, 0.0):.1f} %"
    assert len(at.get("plotly_chart")) == 1


def test_steps_one_d_no_optima_and_a_bad_link() -> None:
    assert open_basins({"show": "steps", "res": "20"}).session_state["basins.settings"].colour_by == "steps"
    line = open_basins({"landscape": "x2_plus_sin", "res": "40"})
    assert line.dataframe[0].value["reached none"].tolist() == ["0.0 %"] * 3
    flat = open_basins({"landscape": "saddle", "res": "10"})
    assert any("no known optima" in i.value for i in flat.info)
    assert flat.dataframe[0].value["reached none"].tolist() == ["100.0 %"] * 3
    bad = open_basins({"res": "5000", "opt": "sgd,nope"})
    notices = " ".join(w.value for w in bad.warning)
    assert "res=5000" in notices and "nope" in notices


def test_figure_colours_each_start_by_its_optimum() -> None:
    himmelblau = get_landscape("himmelblau")
    result = basins("sgd", himmelblau, 200, resolution=12, lr=0.01)
    far = basins("sgd", himmelblau, 30, resolution=6, lr=0.1)  # runaways and unfinished runs
    fig = basins_figure([("a", result), ("b", far)], columns=2)
    heat = fig.data[0]
    z = np.asarray(heat.z, dtype=float)
    np.testing.assert_array_equal(z, result.labels + 2)  # 0 diverged, 1 none, 2… the optima
    scale = heat.colorscale
    assert scale[-1][1] == OPTIMUM_COLOURS[3] and scale[2][1] == NONE_COLOUR
    legend = [t.name for t in fig.data if t.showlegend]
    assert legend[-2:] == ["reached none", "diverged"] and legend[0].startswith("optimum (3, 2)")
    assert (far.labels == DIVERGED).any() or (far.labels == NONE_REACHED).any()
    rows = basin_shares([("a", result), ("b", far)])
    assert abs(sum(v for k, v in rows[0].items() if k not in ("optimizer", "median steps")) - 1) < 1e-12
    steps = basins_figure([("a", result)], colour_by="steps")
    assert np.nanmax(np.asarray(steps.data[0].z, dtype=float)) <= np.log10(np.nanmax(
        np.where(np.isfinite(result.steps), result.steps, np.nan))) + 1e-12


@pytest.mark.parametrize("query, drawn", [
    ({"steps": "5000"}, 51),  # 4e7 / (5000 steps × 3 optimizers) = 2,667 starts
    ({"noise": "1", "noise_df": "100"}, 29),  # heavy tails: 51.5 times the work of a plain step
])
def test_a_link_that_would_hold_the_server_draws_fewer_starts(query: dict, drawn: int) -> None:
    """/basins?steps=5000 took 46 s and noise_df=100 over 120 s on one core: a class shares it."""
    started = time.perf_counter()
    at = open_page(BASINS, query)
    assert time.perf_counter() - started < 30
    warning = " ".join(w.value for w in at.warning)
    assert f"drawing {drawn} × {drawn} starts" in warning and "200 × 200" in warning
    assert at.session_state["basins.settings"].resolution == 200  # the setting is kept, not lost
    assert at.query_params.get("res") is None  # and the link still says so
