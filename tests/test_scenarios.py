"""Page settings: URL encoding round trips, notices for bad links, presets, results tables."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import scenarios
from landscapes import LANDSCAPES, get_landscape
from optimizers import OPTIMIZERS, SCHEDULES, run
from scenarios import (
    Comparison,
    OptimizerChoice,
    Playground,
    RunSettings,
    decode_comparison,
    decode_playground,
    default_comparison,
    default_playground,
    encode_comparison,
    encode_playground,
    slot_labels,
)
from scenarios.presets import PRESETS
from scenarios.results import results_table, safe_run_slot, steps_to_tolerance, trajectories_csv
from scenarios.settings import effective_params
from scenarios.values import ValueProblem, format_number, parse_value, value_grid
from ui.widget_state import (
    comparison_state,
    playground_state,
    read_comparison,
    read_playground,
)


def test_defaults_encode_to_an_empty_url() -> None:
    assert encode_playground(default_playground()) == {}
    assert encode_comparison(default_comparison()) == {}
    assert decode_playground({}).settings == default_playground()
    assert decode_comparison({}).settings == default_comparison()


FULL_QUERY = {
    "landscape": "quadratic", "condition": "50", "angle": "-15", "start": "1,2", "steps": "800",
    "noise": "0.1", "seed": "3", "clip": "norm", "clip_at": "2", "schedule": "cosine",
    "schedule.T_max": "300", "opt": "sgd,sgd,lookahead,adam", "o1.lr": "0.1", "o2.lr": "0.01",
    "o2.nesterov": "1", "o2.momentum": "0.5", "o3.inner": "sgd", "o3.lr": "0.05", "o3.sync_period": "7",
    "o4.betas": "0.8,0.95", "o4.amsgrad": "1", "tol": "1e-08", "surface": "1",
}


def test_every_setting_survives_a_url_round_trip() -> None:
    decoded = decode_playground(FULL_QUERY)
    assert decoded.notices == []
    settings = decoded.settings
    assert settings.run.landscape == "quadratic"
    assert dict(settings.run.landscape_params) == {"condition": 50.0, "angle": -15.0, "q": (0.0, 0.0)}
    assert settings.run.start == (1.0, 2.0)
    assert [s.name for s in settings.slots] == ["sgd", "sgd", "lookahead", "adam"]
    assert settings.slots[1].value("nesterov") is True
    assert settings.slots[2].value("inner") == "sgd" and settings.slots[2].value("sync_period") == 7
    assert settings.slots[3].value("betas") == (0.8, 0.95)
    assert settings.run.engine_options() == {"noise": 0.1, "seed": 3, "clip_norm": 2.0,
                                             "schedule": ("cosine", {"T_max": 300, "min_factor": 0.0})}
    assert encode_playground(settings) == FULL_QUERY
    assert decode_playground(encode_playground(settings)).settings == settings


def test_slots_keep_the_default_lr_until_their_optimizer_changes() -> None:
    # opt lists the default names: each slot keeps the page default's lr (SGD at 0.001, Adam at 0.1)
    same = decode_playground({"opt": "sgd,momentum,adam"}).settings
    assert same == default_playground()
    swapped = decode_playground({"opt": "adam,momentum,sgd"}).settings
    assert swapped.slots[0].value("lr") == OPTIMIZERS["adam"].param("lr").default
    assert swapped.slots[1].value("lr") == 0.001


finite = st.floats(min_value=-50, max_value=50, allow_nan=False, allow_infinity=False)


@st.composite
def playgrounds(draw) -> Playground:
    landscape = draw(st.sampled_from(sorted(LANDSCAPES)))
    dim = LANDSCAPES[landscape].dim
    names = draw(st.lists(st.sampled_from(sorted(OPTIMIZERS)), min_size=1, max_size=8))
    slots = []
    for name in names:
        choice = OptimizerChoice.of(name)
        if "lr" in dict(choice.hyper):
            lr = next(p for p in effective_params(choice.spec, dict(choice.hyper)) if p.name == "lr")
            choice = choice.with_values(lr=draw(st.sampled_from(value_grid(lr))))
        slots.append(choice)
    schedule = draw(st.sampled_from(sorted(SCHEDULES)))
    run_settings = RunSettings(
        landscape=landscape,
        landscape_params=(("condition", draw(st.sampled_from([1.0, 10.0, 123.5]))), ("angle", 30.0))
        if landscape == "quadratic" else (),
        start=tuple(draw(finite) for _ in range(dim)) if draw(st.booleans()) else None,
        steps=draw(st.integers(1, 5000)), noise=draw(st.sampled_from([0.0, 0.01, 2.5])),
        seed=draw(st.integers(0, 2**31 - 1)), clip=draw(st.sampled_from(["none", "norm", "value"])),
        clip_threshold=draw(st.sampled_from([1.0, 0.3])), schedule=schedule,
        schedule_params=tuple((p.name, p.default) for p in SCHEDULES[schedule].params),
    )
    return Playground(run=run_settings, slots=tuple(slots), tolerance=draw(st.sampled_from([1e-6, 1e-3])),
                      surface=draw(st.booleans()))


@given(playgrounds())
def test_random_playgrounds_round_trip_through_url_and_widgets(settings: Playground) -> None:
    query = encode_playground(settings)
    decoded = decode_playground(query)
    assert decoded.notices == []
    assert decoded.settings == settings
    # and through the widgets: settings -> widget values -> settings (the previous settings only
    # matter for a landscape change, which resets the start)
    previous = Playground(run=RunSettings(landscape=settings.run.landscape))
    assert read_playground(playground_state(settings), previous) == settings


def test_comparison_round_trips_through_url_and_widgets() -> None:
    settings = Comparison(mode="learning_rates", landscapes=("booth", "beale"),
                          slots=(OptimizerChoice.of("rmsprop", alpha=0.9),),
                          run=RunSettings(landscape="x2_plus_sin", start=(2.0,), steps=50),
                          learning_rates=(0.01, 0.1, 1.0))
    query = encode_comparison(settings)
    assert query == {"mode": "lr", "landscapes": "booth,beale", "start": "2", "steps": "50",
                     "opt": "rmsprop", "o1.alpha": "0.9", "lrs": "0.01,0.1,1"}
    assert decode_comparison(query).settings == settings
    previous = Comparison(run=RunSettings(landscape="x2_plus_sin"))
    assert read_comparison(comparison_state(settings), previous) == settings


@pytest.mark.parametrize("query, fragment", [
    ({"landscape": "nope"}, "`landscape=nope`: there is no such landscape"),
    ({"steps": "-5"}, "`steps=-5`: -5 is outside 1 … 5000"),
    ({"steps": "abc"}, "'abc' is not a whole number"),
    ({"start": "nan,1"}, "`start=nan,1`"),
    ({"start": "1"}, "`start=1`"),
    ({"opt": "adam,foo"}, "unknown optimizer `foo`"),
    ({"o1.lr": "1e400"}, "not a finite number"),
    ({"o1.momentum": "2"}, "outside 0 … 0.999"),
    ({"opt": "adam", "o1.betas": "0.9"}, "is not a pair of numbers"),
    ({"opt": "adam", "o1.amsgrad": "maybe"}, "not on/off"),
    ({"schedule": "warp"}, "no such schedule"),
    ({"clip": "sideways"}, "clipping is one of none, norm, value"),
    ({"zzz": "1"}, "unknown link parameter `zzz`"),
    ({"opt": "lookahead", "o1.inner": "lookahead"}, "not one of"),
])
def test_bad_links_fall_back_with_a_notice(query: dict, fragment: str) -> None:
    decoded = decode_playground(query)
    assert any(fragment in notice for notice in decoded.notices), decoded.notices
    # what could not be used is at its default, and the rest of the link still applies
    settings = decoded.settings
    assert settings.run.steps in (500, )
    assert settings.run.landscape == "rosenbrock"


def test_a_bad_value_keeps_the_good_ones_beside_it() -> None:
    decoded = decode_playground({"steps": "80", "o1.lr": "abc", "o2.lr": "0.003"})
    assert decoded.settings.run.steps == 80
    assert decoded.settings.slots[0].value("lr") == 0.001
    assert decoded.settings.slots[1].value("lr") == 0.003
    assert len(decoded.notices) == 1


def test_too_many_optimizers_are_cut_with_a_notice() -> None:
    decoded = decode_playground({"opt": ",".join(["sgd"] * 12)})
    assert len(decoded.settings.slots) == 8
    assert "showing the first 8" in decoded.notices[0]


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.key)
def test_every_preset_decodes_cleanly_and_runs(preset) -> None:
    decoded = scenarios.decode(preset.page, preset.query)
    assert decoded.notices == []
    # the link the page writes after loading the preset reproduces it
    again = scenarios.decode(preset.page, scenarios.encode(preset.page, decoded.settings))
    assert again.settings == decoded.settings
    if preset.page is scenarios.QUADRATICS:  # a lesson runs its own methods
        from scenarios.lessons import quadratics_methods, quadratics_run
        run, choices = quadratics_run(decoded.settings), quadratics_methods(decoded.settings)[1]
    elif preset.page is scenarios.DESCENT:
        from scenarios.lessons import descent_choices, descent_run
        run, choices = descent_run(decoded.settings), descent_choices(decoded.settings)
    elif preset.page in (scenarios.AVERAGES, scenarios.CLIPPING, scenarios.ADAPTIVE, scenarios.NOISE,
                         scenarios.DEPTH, scenarios.BATCH_NORM, scenarios.BASINS,
                         scenarios.RACE):  # run by their own tests (test_presets)
        return
    elif preset.page is scenarios.SWEEP:  # a grid: it must run and have finite cells
        from scenarios.sweeps import page_sweep
        grid = page_sweep(decoded.settings, decoded.settings.metric)
        assert np.isfinite(grid.values).any()
        return
    else:
        run, choices = decoded.settings.run, decoded.settings.slots
    for choice in choices:
        assert safe_run_slot(run, choice, "x").error is None


def test_labels_tell_slots_apart() -> None:
    slots = (OptimizerChoice.of("sgd", lr=0.1), OptimizerChoice.of("sgd", lr=0.1, momentum=0.5),
             OptimizerChoice.of("sgd", lr=0.1), OptimizerChoice.of("lookahead", inner="sgd", lr=0.01))
    labels = slot_labels(slots)
    assert len(set(labels)) == 4
    assert labels[1] == "SGD, lr=0.1, momentum=0.5"
    assert labels[3] == "Lookahead (SGD), lr=0.01"


def test_values_parse_and_format_exactly() -> None:
    lr = OPTIMIZERS["adam"].param("lr")
    for value in value_grid(lr) + (0.1 + 0.2, 1e-5, 3.0000000000000004e-3):
        assert parse_value(lr, format_number(value)) == value
    with pytest.raises(ValueProblem, match="outside"):
        parse_value(lr, "11")
    grid = value_grid(OPTIMIZERS["adam"].param("betas"), (0.9, 0.999))
    assert {0.9, 0.99, 0.999, 0.9999} <= set(grid) and grid == tuple(sorted(grid))
    assert 0.0123 in value_grid(lr, (0.0123,))


def test_results_table_and_csv() -> None:
    landscape = get_landscape("quadratic")
    settings = RunSettings(landscape="quadratic", steps=100)
    runs = [safe_run_slot(settings, OptimizerChoice.of("sgd", lr=lr), f"lr={lr}") for lr in (0.1, 0.25)]
    table = results_table(landscape, runs, 1e-6)
    good, bad = table.to_dict("records")
    assert bad["outcome"].startswith("diverged at step ")
    # the first step within tolerance, checked against the loss directly
    traj = runs[0].trajectory
    first = int(np.argmax(traj.loss[:, 0] - landscape.optimum_value() <= 1e-6))
    assert good["steps to f − f* ≤ 1e-06"] == first == steps_to_tolerance(landscape, traj, 1e-6)
    assert math.isclose(good["final f"], traj.final_loss[0])
    csv = trajectories_csv(runs).splitlines()
    assert csv[0] == "optimizer,step,x,y,f,grad_x,grad_y,diverged"
    assert len(csv) == 1 + 2 * 101
    assert float(csv[1].split(",")[2]) == traj.path[0, 0, 0]


def test_a_refused_combination_is_a_message_not_an_exception() -> None:
    settings = RunSettings(landscape="quadratic", schedule="power", schedule_params=(("s", -1.0), ("c", 1.0)))
    slot = safe_run_slot(settings, OptimizerChoice.of("sgd"), "SGD")
    assert slot.trajectory is None and "could not run" in slot.error
    # the same settings are fine for the engine when valid
    assert run("sgd", get_landscape("quadratic"), None, 3, lr=0.1).path.shape == (4, 1, 2)


def test_a_maximize_landscape_is_climbed() -> None:
    """The course notes' 25 sin x − x² from x = −2: gradient ascent ends at the local maximum."""
    settings = RunSettings(landscape="sin_minus_square", steps=200)
    traj = safe_run_slot(settings, OptimizerChoice.of("sgd", lr=0.01), "SGD").trajectory
    landscape = get_landscape("sin_minus_square")
    assert traj.final_x[0, 0] == pytest.approx(landscape.maxima[0][0], abs=1e-6)
    assert traj.final_loss[0] > traj.loss[0, 0]
    slot = safe_run_slot(settings, OptimizerChoice.of("sgd", lr=0.01), "SGD")
    table = results_table(landscape, [slot], 1e-6)
    # the gap to the best maximum is what separates the local from the global one; the column says
    # which way round it is taken
    assert "f − f*" not in table.columns and "steps to f* − f ≤ 1e-06" in table.columns
    assert table["f* − f"][0] == pytest.approx(landscape.optimum_value() - traj.final_loss[0])
    assert table["f* − f"][0] > 0  # below the global maximum


def test_an_unknown_optimizer_keeps_the_numbering_of_the_link() -> None:
    """``o3.`` is the third optimizer the link lists, even when the second one is unknown."""
    decoded = decode_playground({"opt": "sgd,foo,adam", "o2.lr": "0.05", "o3.lr": "0.2"})
    assert [(s.name, s.value("lr")) for s in decoded.settings.slots] == [("sgd", 0.001), ("adam", 0.2)]
    assert any("`foo`" in n for n in decoded.notices)
    assert any("`o2.lr`" in n and "not shown" in n for n in decoded.notices)
    cut = decode_playground({"opt": ",".join(["sgd"] * 10), "o9.lr": "0.05", "o8.lr": "0.07"})
    assert cut.settings.slots[7].value("lr") == 0.07
    assert any("`o9.lr`" in n for n in cut.notices)


def test_notices_quote_long_values_briefly() -> None:
    decoded = decode_playground({"steps": "9" * 10_000, "x" * 5000: "1"})
    assert decoded.notices and all(len(n) < 300 for n in decoded.notices)


def test_too_many_landscapes_are_cut_with_a_notice() -> None:
    names = list(LANDSCAPES)[:11]
    decoded = decode_comparison({"landscapes": ",".join(names + ["nope"])})
    assert decoded.settings.landscapes == tuple(names[:9])
    assert any("showing the first 9" in n for n in decoded.notices)
    assert any("`nope`" in n for n in decoded.notices)
