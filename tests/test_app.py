"""The app's pages through Streamlit's AppTest: defaults, changed widgets, links, presets, lecture mode."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from landscapes import LANDSCAPES
from optimizers import OPTIMIZERS
from scenarios import PLAYGROUND, decode, decode_playground, encode_playground
from scenarios.presets import PRESETS

APP = str(Path(__file__).resolve().parents[1] / "app.py")
COMPARE = "pages/compare.py"


def open_app(query: dict[str, str] | None = None, page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def charts(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def trace_names(figure: dict) -> list[str]:
    return [t.get("name", "") for t in figure["data"]]


def test_landing_page_draws_paths_curves_and_a_table() -> None:
    at = open_app()
    assert_clean(at)
    assert not at.warning
    (landscape,) = charts(at)  # one figure: map, curves and state panel share the animation
    names = trace_names(landscape)
    for label in ("SGD, lr=0.001", "SGD + momentum, lr=0.001", "Adam, lr=0.1"):
        assert label in names
    # the animated map is an image behind the paths (plotly.js drops contour traces on animate)
    assert landscape["layout"]["images"][0]["source"].startswith("data:image/png;base64,")
    assert len(landscape["frames"]) > 10  # the step animation
    assert landscape["layout"]["yaxis2"]["type"] == "log"  # the loss gap
    assert landscape["layout"]["yaxis3"]["type"] == "log"  # the distance to the optimum
    table = at.dataframe[0].value
    assert list(table["optimizer"]) == ["SGD, lr=0.001", "SGD + momentum, lr=0.001", "Adam, lr=0.1"]
    # every slot's controls come from its spec, with the spec's help text
    lr = at.select_slider(key="pg.s3.adam.lr")
    assert lr.value == 0.1 and "learning rate" in lr.label.lower()
    assert at.select_slider(key="pg.s3.adam.betas.1").value == 0.999
    assert at.checkbox(key="pg.s3.adam.amsgrad").help == OPTIMIZERS["adam"].param("amsgrad").help


@pytest.mark.parametrize("landscape", list(LANDSCAPES))
def test_every_landscape_renders(landscape: str) -> None:
    at = open_app()
    at.selectbox(key="pg.landscape").set_value(landscape).run()
    assert_clean(at)
    figures = charts(at)
    assert len(figures) == 1
    titles = [a["text"] for a in figures[0]["layout"]["annotations"]]
    if LANDSCAPES[landscape].dim == 1:
        assert figures[0]["data"][0]["type"] == "scatter"
        assert titles[1] == "x against step"  # the iterate, beside the curve
    else:
        assert titles[1].endswith("against step") and titles[1] != "x against step"
        assert figures[0]["layout"]["images"][0]["source"].startswith("data:image/png")
    # the start moved to the new landscape's own start
    start = [at.number_input(key=f"pg.start.{k}").value for k in range(LANDSCAPES[landscape].dim)]
    assert start == pytest.approx(list(LANDSCAPES[landscape].start))


@pytest.mark.parametrize("chunk", range(4))
def test_every_optimizer_runs_in_the_playground(chunk: int) -> None:
    names = list(OPTIMIZERS)[chunk * 8:(chunk + 1) * 8]
    at = open_app({"opt": ",".join(names), "steps": "60"})
    assert_clean(at)
    assert not at.warning
    table = at.dataframe[0].value
    assert len(table) == len(names)
    assert table["final f"].notna().all()


def test_adding_and_removing_optimizers() -> None:
    at = open_app()
    at.selectbox(key="pg.add").set_value("rmsprop").run()
    assert_clean(at)
    assert len(at.dataframe[0].value) == 4
    assert "RMSprop, lr=0.01" in trace_names(charts(at)[0])
    at.button(key="pg.remove.0").click().run()  # drop the first SGD
    assert_clean(at)
    assert list(at.dataframe[0].value["optimizer"]) == ["SGD + momentum, lr=0.001", "Adam, lr=0.1",
                                                        "RMSprop, lr=0.01"]
    # the remaining slots kept their own settings after shifting up
    assert at.select_slider(key="pg.s2.adam.lr").value == 0.1


@pytest.mark.parametrize("lr", [1e-5, 10.0])
def test_extreme_learning_rates(lr: float) -> None:
    at = open_app({"opt": "sgd,adam", "landscape": "rosenbrock"})
    at.select_slider(key="pg.s1.sgd.lr").set_value(lr).run()
    assert_clean(at)
    table = at.dataframe[0].value
    if lr == 10.0:
        assert table["outcome"][0].startswith("diverged at step")
        assert any("diverged at step" in w.value for w in at.warning)
        end = [t for t in charts(at)[0]["data"]  # on the map (the curves have their own ✕)
               if t.get("name") == "SGD, lr=10 diverged" and t.get("xaxis", "x") == "x"]
        assert len(end) == 1 and "diverged at step" in end[0]["hovertext"][0]
    else:
        assert not at.warning
        assert table["outcome"][0] != "converged"


def test_run_options_noise_clipping_schedule() -> None:
    at = open_app({"landscape": "quadratic", "opt": "sgd", "o1.lr": "0.1", "steps": "100"})
    quiet = at.dataframe[0].value["final f"][0]
    at.select_slider(key="pg.noise").set_value(1.0).run()
    noisy = at.dataframe[0].value["final f"][0]
    assert noisy != quiet
    at.segmented_control(key="pg.clip").set_value("norm").run()
    at.selectbox(key="pg.schedule").set_value("cosine").run()
    assert_clean(at)
    assert at.session_state["playground.settings"].run.engine_options() == {
        "noise": 1.0, "seed": 0, "clip_norm": 1.0, "schedule": ("cosine", {"T_max": 500, "min_factor": 0.0})}
    at.toggle(key="pg.surface").set_value(True).run()
    assert_clean(at)
    assert any(t["type"] == "surface" for fig in charts(at) for t in fig["data"])


def test_settings_round_trip_through_the_url() -> None:
    """Change widgets, take the URL the page wrote, open it in a fresh app: identical settings."""
    at = open_app()
    at.selectbox(key="pg.landscape").set_value("quadratic").run()
    at.select_slider(key="pg.quadratic.condition").set_value(50.0).run()
    at.selectbox(key="pg.add").set_value("lookahead").run()
    at.selectbox(key="pg.s4.lookahead.inner").set_value("sgd").run()
    at.select_slider(key="pg.s4.lookahead.lr").set_value(0.02).run()
    at.select_slider(key="pg.s3.adam.betas.0").set_value(0.8).run()
    at.number_input(key="pg.start.0").set_value(2.0).run()
    at.slider(key="pg.steps").set_value(123).run()
    assert_clean(at)
    settings = at.session_state["playground.settings"]
    url = {key: at.query_params[key] for key in at.query_params}
    assert url == encode_playground(settings)
    assert url["opt"] == "sgd,momentum,adam,lookahead" and url["o4.inner"] == "sgd"
    fresh = open_app(url)
    assert_clean(fresh)
    assert not any("could not be used" in w.value for w in fresh.warning)
    assert fresh.session_state["playground.settings"] == settings
    assert fresh.select_slider(key="pg.s3.adam.betas.0").value == 0.8
    assert fresh.number_input(key="pg.start.0").value == 2.0


def test_a_bad_link_falls_back_with_a_visible_notice() -> None:
    at = open_app({"steps": "abc", "landscape": "nope", "o2.lr": "-3", "opt": "sgd,adam,warp"})
    assert_clean(at)
    notice = " ".join(w.value for w in at.warning)
    assert "`steps=abc`" in notice and "`landscape=nope`" in notice and "`warp`" in notice
    assert "`o2.lr=-3`" in notice
    assert len(charts(at)) == 1
    assert at.session_state["playground.settings"] == decode_playground(
        {"opt": "sgd,adam"}).settings
    # the page rewrote the URL to what it actually shows
    assert {key: at.query_params[key] for key in at.query_params} == {"opt": "sgd,adam"}


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.key)
def test_presets_load_with_one_click(preset) -> None:
    at = open_app(page=None if preset.page is PLAYGROUND else preset.page.path)
    at.button(key=f"preset.{preset.key}").click().run()
    assert_clean(at)
    assert at.session_state[f"{preset.page.name}.settings"] == decode(preset.page, preset.query).settings
    assert charts(at)


def test_lecture_mode_hides_the_sidebar_and_keeps_the_figure() -> None:
    at = open_app({"lecture": "1", "landscape": "saddle"})
    assert_clean(at)
    assert any("stSidebar" in h.proto.body for h in at.get("html"))
    assert at.button(key="leave_lecture")
    figure = charts(at)[0]
    assert figure["layout"]["font"]["size"] >= 18
    at.button(key="leave_lecture").click().run()
    assert "lecture" not in at.query_params


def test_compare_page_landscapes_and_learning_rates() -> None:
    at = open_app(page=COMPARE)
    assert_clean(at)
    grid = charts(at)[0]
    titles = [a["text"] for a in grid["layout"]["annotations"]]
    for name in ("quadratic", "rosenbrock", "himmelblau", "six_hump_camel"):
        assert LANDSCAPES[name].title in titles
    at.segmented_control(key="cmp.mode").set_value("learning_rates").run()
    assert_clean(at)
    grid, loss = charts(at)
    titles = [a["text"] for a in grid["layout"]["annotations"]]
    assert any(t.startswith("lr = 1:") for t in titles)
    assert len(at.dataframe[0].value) == 4


def test_compare_lr_study_from_a_link() -> None:
    at = open_app({"mode": "lr", "landscape": "x2_plus_sin", "opt": "sgd", "lrs": "0.01,0.1,1",
                   "steps": "50"}, page=None)
    # a link to "/" with compare parameters is a playground link: the unknown keys get a notice
    assert at.warning
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(COMPARE)
    for key, value in {"mode": "lr", "landscape": "x2_plus_sin", "opt": "sgd", "lrs": "0.01,0.1,1",
                       "steps": "50"}.items():
        at.query_params[key] = value
    at.run()
    assert_clean(at)
    assert not at.warning
    table = at.dataframe[0].value
    assert list(table["optimizer"]) == ["lr = 0.01", "lr = 0.1", "lr = 1"]
    assert table["outcome"][1] == "converged"


def test_big_runs_keep_figures_light() -> None:
    at = open_app({"opt": "sgd,momentum,nesterov,adam,rmsprop,adagrad,lion,adamw", "steps": "5000"})
    assert_clean(at)
    sizes = [len(chart.proto.spec) for chart in at.get("plotly_chart")]
    assert max(sizes) < 2_000_000, sizes


@pytest.mark.parametrize("schedule", ["step", "piecewise", "exponential", "power", "cosine", "linear_warmup",
                                      "one_cycle", "plateau"])
def test_every_schedule_has_working_controls(schedule: str) -> None:
    at = open_app({"landscape": "quadratic", "opt": "sgd,adam", "o1.lr": "0.1", "steps": "150"})
    at.selectbox(key="pg.schedule").set_value(schedule).run()
    assert_clean(at)
    settings = at.session_state["playground.settings"]
    assert settings.run.schedule == schedule
    fresh = open_app(encode_playground(settings))
    assert fresh.session_state["playground.settings"] == settings


def test_inspecting_a_step_shows_state_and_survives_fewer_steps() -> None:
    at = open_app({"landscape": "quadratic", "opt": "adam", "o1.lr": "0.1", "steps": "100"})
    at.session_state["pg.inspect_open"] = True  # the inspector runs only while it is open
    at.run()
    at.slider(key="pg.inspect").set_value(10).run()
    table = at.dataframe[1].value
    assert table["step"][0] == 10 and "exp_avg" in table.columns and "update Δx" in table.columns
    at.slider(key="pg.steps").set_value(5).run()
    assert_clean(at)
    assert at.dataframe[1].value["step"][0] <= 5


def test_link_notices_stay_until_the_settings_change() -> None:
    at = open_app({"steps": "abc"})
    at.run()  # an unrelated rerun keeps the notice
    assert any("`steps=abc`" in w.value for w in at.warning)
    at.slider(key="pg.steps").set_value(42).run()
    assert not any("could not be used" in w.value for w in at.warning)


def test_noise_seeds_give_the_loss_a_band_and_leave_seed_zero_alone() -> None:
    from scenarios.results import run_slot

    link = {"landscape": "quadratic", "opt": "sgd", "o1.lr": "0.05", "noise": "0.5", "steps": "80"}
    single, banded = open_app(link), open_app(link | {"seeds": "8"})
    assert_clean(banded)
    settings = banded.session_state["playground.settings"]
    assert settings.seeds == 8
    # the table, the map and the animation show seed 0: the same as the single run
    assert banded.dataframe[0].value.equals(single.dataframe[0].value)
    (figure,) = charts(banded)
    by_name = {t.get("name", ""): t for t in figure["data"]}
    assert figure["layout"]["annotations"][0]["text"].startswith("f − f*, mean of the seeds")
    # the band and the line are the engine's eight seeds (f* = 0 here)
    gaps = run_slot(settings.run, settings.slots[0], 8).loss
    low, high = np.percentile(gaps, [10, 90], axis=1)
    np.testing.assert_allclose(decode_array(by_name["SGD, lr=0.05: 10th percentile"]["y"]), low, rtol=1e-6)
    np.testing.assert_allclose(decode_array(by_name["SGD, lr=0.05: 90th percentile"]["y"]), high, rtol=1e-6)
    line = next(t for t in figure["data"] if t.get("name") == "SGD, lr=0.05" and t.get("xaxis") == "x2")
    np.testing.assert_allclose(decode_array(line["y"]), gaps.mean(axis=1), rtol=1e-6)
    (plain,) = charts(single)
    assert not [t for t in plain["data"] if "percentile" in t.get("name", "")]


def decode_array(value) -> np.ndarray:
    """A Plotly JSON array: a list, or a typed array ``{"dtype", "bdata"}``."""
    import base64

    if isinstance(value, dict):
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"])).astype(float)
    return np.asarray(value, dtype=float)
