"""Your own function on the pages: a link holds it, a text box takes it (a bad one is refused next to
the box and the last good one stays), and the Playground, Compare, Sweep, Basins and Race draw it with
its best found minima, saying that they were found, not known."""

from __future__ import annotations

import json

import numpy as np
import pytest
from apptest_pages import open_page

from figures import styled_series
from figures.curves import distance_panel, loss_panel
from scenarios.codec import decode, encode
from scenarios.pages import BASINS, COMPARE, PLAYGROUND, RACE, SWEEP
from scenarios.results import results_table, safe_run_slot
from scenarios.settings import CUSTOM, OptimizerChoice, RunSettings

BOX = "pg.custom.f"


def _function(at) -> str:
    return dict(at.session_state["playground.settings"].run.landscape_params)["f"]


def test_a_link_holds_the_function_and_its_window() -> None:
    query = {"landscape": "custom", "f": "sin(x)*cos(y)", "xrange": "-4,4", "yrange": "-2,6"}
    decoded = decode(PLAYGROUND, query)
    assert decoded.notices == []
    run = decoded.settings.run
    assert run.landscape == CUSTOM and dict(run.landscape_params)["f"] == "sin(x)*cos(y)"
    assert run.build_landscape().bounds == ((-4.0, 4.0), (-2.0, 6.0))
    assert encode(PLAYGROUND, decoded.settings) == query
    assert decode(PLAYGROUND, encode(PLAYGROUND, decoded.settings)).settings == decoded.settings


@pytest.mark.parametrize("f, words", [
    ("x.__class__", "attribute access"), ("__import__('os')", "unexpected character"),
    ("z + 1", "unknown name 'z'"), ("9**9**9", "exponent too large"), ("x" * 600, "at most 500"),
])
def test_a_bad_function_in_a_link_is_named_and_the_default_used(f: str, words: str) -> None:
    decoded = decode(PLAYGROUND, {"landscape": "custom", "f": f})
    assert len(decoded.notices) == 1 and words in decoded.notices[0]
    assert len(decoded.notices[0]) < 400  # a 600-character value is quoted cut
    assert dict(decoded.settings.run.landscape_params)["f"] == "(x^2 - 1)^2 + 2*y^2"


def test_a_reversed_window_is_refused() -> None:
    decoded = decode(PLAYGROUND, {"landscape": "custom", "f": "x^2", "xrange": "3,-3"})
    assert "first number must be the smaller" in decoded.notices[0]
    assert decoded.settings.run.build_landscape().bounds == ((-3.0, 3.0),)


def test_typing_a_function_keeps_the_last_good_one_on_a_mistake() -> None:
    at = open_page(PLAYGROUND, {"landscape": "custom", "f": "x^2 + 3*y^2"})
    assert at.text_input(key=BOX).value == "x^2 + 3*y^2"
    assert any("3 y^{2}" in m.value for m in at.markdown)  # the formula as understood, in LaTeX
    at.text_input(key=BOX).set_value("x^2 + 3*y^^2").run()
    assert not at.exception
    refusal = " ".join(e.value for e in at.error)
    assert "x^2 + 3*y^^2" in refusal and "position 11" in refusal and "last one that worked" in refusal
    assert _function(at) == "x^2 + 3*y^2" and at.query_params["f"] == "x^2 + 3*y^2"
    assert at.text_input(key=BOX).value == "x^2 + 3*y^2"  # the box shows what is drawn
    at.text_input(key=BOX).set_value("sin(x)*cos(y)").run()
    assert not at.exception and not at.error
    assert _function(at) == "sin(x)*cos(y)" and at.query_params["f"] == "sin(x)*cos(y)"
    heading = " ".join(m.value for m in at.markdown)
    assert "\\sin{\\left(x \\right)} \\cos{\\left(y \\right)}" in heading and "\\nabla f" in heading


def test_a_reversed_range_typed_in_the_boxes_is_refused() -> None:
    at = open_page(PLAYGROUND, {"landscape": "custom", "f": "x^2 + y^2"})
    at.number_input(key="pg.custom.xrange.0").set_value(5.0).run()
    assert not at.exception
    assert any("first number must be the smaller" in e.value for e in at.error)
    assert at.session_state["playground.settings"].run.build_landscape().bounds[0] == (-3.0, 3.0)


def test_the_charts_and_the_table_say_best_found() -> None:
    at = open_page(PLAYGROUND, {"landscape": "custom", "f": "(x^2 - 1)^2 + 2*y^2"})
    spec = json.dumps(json.loads(at.get("plotly_chart")[0].proto.spec), ensure_ascii=False)
    assert "best found minimum" in spec and "f − best found f*" in spec
    assert any("best found optima" in c.value for c in at.caption)
    table = at.dataframe[0].value
    assert "converged" in table["outcome"].tolist()
    # the table's columns name what they measure to: the minima a search found, not known ones
    assert {"f − best found f*", "distance to best found minimum"} <= set(table.columns)
    assert not {"f − f*", "distance to optimum"} & set(table.columns)


def test_a_run_below_the_best_found_minimum_is_reported_as_such() -> None:
    """x³ − 3x has a local minimum at 1 (f = −2) and no global one: a run that heads left goes below
    every minimum found, which neither the gap chart nor the table may hide as "converged"."""
    run = RunSettings(landscape=CUSTOM, landscape_params=(("f", "x^3 - 3*x"),), start=(-2.5,), steps=20)
    slot = safe_run_slot(run, OptimizerChoice.of("sgd", lr=0.001), "SGD")
    landscape = run.build_landscape()
    assert landscape.minima == ((1.0,),)
    outcome = results_table(landscape, [slot], 1e-6)["outcome"][0]
    assert outcome.endswith("below the best found")
    series = styled_series([("SGD", slot.trajectory)])
    assert loss_panel(landscape, series).y_title.endswith("below the best found f*")
    assert distance_panel(landscape, series).y_title.startswith("distance to best found minimum")


def test_minima_outside_the_window_are_named_under_the_box() -> None:
    """The search looks beyond the window; a minimum it finds there is in no chart, so the sidebar says
    where it is. The default function's minima are inside: nothing is said."""
    far = open_page(PLAYGROUND, {"landscape": "custom", "f": "(x-10)^2 + (y-10)^2"})
    notes = [i.value for i in far.sidebar.info]
    assert any("outside this window: (10, 10)" in note for note in notes), notes
    near = open_page(PLAYGROUND, {"landscape": "custom"})
    assert not any("outside this window" in i.value for i in near.sidebar.info)
    one_d = open_page(PLAYGROUND, {"landscape": "custom", "f": "(x-5)^2"})
    assert any("outside this window: x = 5." in i.value for i in one_d.sidebar.info)


def test_a_compare_link_with_your_function_needs_no_landscape_key() -> None:
    """Written by hand: the panel list names your function and ``f`` gives it. ``f`` was ignored
    ("unknown link parameter") unless the link also said ``landscape=custom``."""
    decoded = decode(COMPARE, {"landscapes": "rosenbrock,custom", "f": "sin(x)*cos(y)", "xrange": "-4,4"})
    assert decoded.notices == []
    params = dict(decoded.settings.run.landscape_params)
    assert decoded.settings.run.landscape == CUSTOM and params["f"] == "sin(x)*cos(y)"
    assert tuple(params["xrange"]) == (-4.0, 4.0)
    # the link the page writes says it in full, and reads back to the same settings
    written = encode(COMPARE, decoded.settings)
    assert written["landscape"] == CUSTOM and decode(COMPARE, written).settings == decoded.settings
    # the Playground derives nothing: there ``f`` without ``landscape=custom`` is still refused
    assert any("`f`" in notice for notice in decode(PLAYGROUND, {"f": "x^2"}).notices)


def test_compare_draws_a_panel_of_your_function() -> None:
    at = open_page(COMPARE, {"landscapes": "rosenbrock,custom", "landscape": "custom", "f": "abs(x) + y^2"})
    assert at.text_input(key="cmp.custom.f").value == "abs(x) + y^2"
    table = at.dataframe[0].value
    assert set(table["landscape"]) == {"Rosenbrock", "Your f(x, y)"}
    # the landscapes' rows share one gap column and one distance column, each filled for every row
    assert table["f − f*"].notna().all() and table["distance to optimum"].notna().all()
    assert not any("best found" in column for column in table.columns)
    # choosing the panel in the menu brings the box with the default function
    at = open_page(COMPARE)
    at.multiselect(key="cmp.landscapes").select(CUSTOM).run()
    assert not at.exception and at.text_input(key="cmp.custom.f").value == "(x^2 - 1)^2 + 2*y^2"
    assert at.query_params["landscape"] == CUSTOM
    assert "Your f(x, y)" in set(at.dataframe[0].value["landscape"])


@pytest.mark.parametrize("page, query", [
    (SWEEP, {"f": "(1-x)^2 + 100*(y-x^2)^2", "xrange": "-2,2", "yrange": "-1,3"}),
    (BASINS, {"f": "(x^2 - 1)^2 + 2*y^2", "res": "40"}),
    (RACE, {"f": "x^2 + 3*y^2", "budget": "8"}),
    (BASINS, {"f": "x*y", "res": "40"}),
    (SWEEP, {"f": "x^2 + sin(x)"}),
])
def test_the_exploration_pages_take_your_function(page, query) -> None:
    at = open_page(page, {"landscape": CUSTOM, **query})
    assert at.get("plotly_chart"), "no chart"
    assert at.text_input(key=f"{page.prefix}.custom.f").value == query["f"]
    shown = " ".join(x.value for x in [*at.info, *at.caption])
    if query["f"] == "x*y":  # a saddle: nothing to reach, and the page says why
        assert "no best found optima" in shown
    elif page is SWEEP:
        spec = json.dumps(json.loads(at.get("plotly_chart")[0].proto.spec), ensure_ascii=False)
        assert "f − best found f* after the last step" in spec
    elif page is RACE:
        spec = json.dumps(json.loads(at.get("plotly_chart")[0].proto.spec), ensure_ascii=False)
        assert "f − best found f* (log scale)" in spec
    elif page is BASINS:
        assert "best found optimum" in shown
        legend = json.dumps(json.loads(at.get("plotly_chart")[0].proto.spec), ensure_ascii=False)
        assert "best found minimum (−1, 0)" in legend and "best found minimum (1, 0)" in legend
        assert np.isclose(sum(at.dataframe[0].value.iloc[0, 1:-1].map(
            lambda v: float(str(v).rstrip(" %")))), 100.0, atol=0.2)
