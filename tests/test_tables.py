"""What the tables show: every number formatted one way, outcomes in words, nothing cut off."""

from __future__ import annotations

import json

import pytest

from landscapes import get_landscape
from scenarios import OptimizerChoice, RunSettings, decode_playground
from scenarios.results import display_table, format_quantity, results_table, safe_run_slot, state_table
from tests.test_app import open_app


@pytest.mark.parametrize("value, text", [
    (-862_941_598.85, "-8.629e8"),
    (1.84e-17, "1.84e-17"),
    (412_107_999_325_739_000_000.0, "4.121e20"),
    (4.509577590276593e38, "4.51e38"),
    (0.25281, "0.2528"),
    (-0.195, "-0.195"),
    (12_345.678, "12350"),
    (99_999.5, "1e5"),
    (0.00099996, "0.001"),
    (2.0, "2"),
    (7, "7"),
    (None, "—"),
    (float("nan"), "—"),
    (float("inf"), "inf"),
])
def test_numbers_are_formatted_one_way(value, text: str) -> None:
    assert format_quantity(value) == text


def _table(landscape: str, choices, steps: int, tolerance: float = 1e-6, **run):
    settings = RunSettings(landscape=landscape, steps=steps, **run)
    runs = [safe_run_slot(settings, c, c.short_label()) for c in choices]
    return results_table(get_landscape(landscape), runs, tolerance), runs


def test_outcomes_say_how_each_run_ended() -> None:
    table, runs = _table("quadratic", [OptimizerChoice.of("sgd", lr=0.1), OptimizerChoice.of("sgd", lr=1e-4),
                                       OptimizerChoice.of("sgd", lr=0.25)], steps=200)
    blown = runs[2].trajectory
    assert blown.diverged[0]
    assert list(table["outcome"]) == ["converged", "stopped after 200 steps",
                                      f"diverged at step {int(blown.diverged_at[0])}"]


def test_a_local_maximum_is_named_with_its_distance_to_the_best() -> None:
    """The notes' 25 sin x − x² from x = −2: ascent stops at the local maximum, 18.26 below the best."""
    table, runs = _table("sin_minus_square", [OptimizerChoice.of("sgd", lr=0.01)], steps=200)
    landscape = get_landscape("sin_minus_square")
    gap = landscape.optimum_value() - runs[0].trajectory.final_loss[0]
    assert gap == pytest.approx(18.26, abs=0.01)
    assert table["outcome"][0] == f"local maximum, {format_quantity(gap)} below the best" \
        == "local maximum, 18.26 below the best"


def test_a_landscape_without_optimum_reports_stationarity() -> None:
    table, _ = _table("saddle", [OptimizerChoice.of("sgd", lr=0.01)], steps=150)
    assert table["outcome"][0] == "stopped after 150 steps"
    assert table["f − f*"][0] is None and display_table(table)["f − f*"][0] == "—"


def test_the_saddle_preset_shows_its_huge_negative_values_in_full() -> None:
    settings = decode_playground({"landscape": "saddle", "steps": "150", "o1.lr": "0.01", "o2.lr": "0.01",
                                  "o3.lr": "0.01"}).settings
    at = open_app({"landscape": "saddle", "steps": "150", "o1.lr": "0.01", "o2.lr": "0.01", "o3.lr": "0.01"})
    shown = at.dataframe[0].value
    for row, choice in enumerate(settings.slots):
        final = safe_run_slot(settings.run, choice, "x").trajectory.final_loss[0]
        assert shown["final f"][row] == format_quantity(final)
        assert float(shown["final f"][row]) == pytest.approx(final, rel=1e-3)
    assert any(text.startswith("-") for text in shown["final f"])
    assert all(len(text) <= 10 for text in shown["final f"])
    assert "None" not in shown.to_string()


def test_the_playground_table_says_how_each_run_ended_first_under_short_headers() -> None:
    """At 1280 px the outcome was the last column, cut off ("local maximum, 18.26 below the bes"):
    it now follows the optimizer, and the long headers are short, with the full wording as help."""
    at = open_app({"landscape": "sin_minus_square"})
    table = at.dataframe[0]
    assert list(table.value.columns[:2]) == ["optimizer", "outcome"]
    assert table.value["outcome"][0] == "local maximum, 18.26 below the best"
    config = json.loads(table.proto.columns)
    assert config["f* − f"]["help"].startswith("How far the final f is below the best known maximum")
    assert config["distance to optimum"]["label"] == "‖x − x*‖"
    assert config["steps to f* − f ≤ 1e-06"]["label"] == "steps"
    assert config["steps to f* − f ≤ 1e-06"]["help"] == "The first step where f* − f ≤ 1e-06 (— if never)."


def test_on_a_phone_each_run_is_a_paragraph_that_wraps_not_a_table_cut_at_the_edge() -> None:
    """At 390 px the results table scrolled sideways and its edge cut numbers ("0.072" for 0.07244)."""
    from unittest import mock

    query = {"landscape": "saddle", "steps": "150", "o1.lr": "0.01", "o2.lr": "0.01", "o3.lr": "0.01"}
    table = open_app(query).dataframe[0].value
    with mock.patch("ui.results.on_a_phone", return_value=True):
        at = open_app(query)
    assert not at.exception and not at.dataframe
    texts = [m.value for m in at.markdown]
    for row in range(len(table)):
        paragraph = next(t for t in texts if t.startswith(f"**{table['optimizer'][row]}**"))
        assert f" — {table['outcome'][row]}" in paragraph
        for column in ("final x", "final f"):  # every number in full, with its sign
            assert f"{column} {table[column][row]}".replace(" ", "\u00a0") in paragraph


def test_the_step_table_formats_state_and_keeps_the_step_a_number() -> None:
    _, runs = _table("quadratic", [OptimizerChoice.of("adam", lr=0.1)], steps=20)
    table = state_table(runs, 5)
    assert table["step"][0] == 5
    exp_avg = runs[0].trajectory.state["exp_avg"][5, 0]
    assert table["exp_avg"][0] == ", ".join(format_quantity(v) for v in exp_avg)
