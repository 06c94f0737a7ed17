"""What a newcomer and a lecturer see first: presets in view, their explanation kept, a way out of
lecture mode on the page."""

from __future__ import annotations

from scenarios.presets import PRESETS_BY_KEY
from tests.test_app import assert_clean, charts, open_app


def _expander(at, label_start: str):
    return next(e for e in at.sidebar.expander if e.label.startswith(label_start))


def test_the_landing_page_invites_and_shows_the_presets() -> None:
    at = open_app()
    assert_clean(at)
    assert any("start from a preset" in c.value for c in at.caption)
    assert _expander(at, "Presets").proto.expanded
    # secondary controls start folded: one optimizer open, noise/clipping/schedule closed
    slots = [e for e in at.sidebar.expander if e.label[:2] in ("1.", "2.", "3.")]
    assert [e.proto.expanded for e in slots] == [True, False, False]
    assert not _expander(at, "Gradient noise").proto.expanded
    at.slider(key="pg.steps").set_value(100).run()
    assert _expander(at, "Presets").proto.expanded  # no jump in the sidebar once the user has started
    linked = open_app({"steps": "100"})  # a shared link opens on its figure, presets folded
    assert not _expander(linked, "Presets").proto.expanded


def test_a_loaded_preset_keeps_its_explanation_until_a_setting_changes() -> None:
    preset = PRESETS_BY_KEY["ravine"]
    at = open_app()
    at.button(key=f"preset.{preset.key}").click().run()
    assert_clean(at)
    assert any(preset.lesson in i.value for i in at.info)
    at.run()
    assert any(preset.lesson in i.value for i in at.info)
    at.slider(key="pg.steps").set_value(50).run()
    assert not any(preset.lesson in i.value for i in at.info)
    # opening the preset's link shows it as well
    linked = open_app(preset.query)
    assert any(preset.lesson in i.value for i in linked.info)


def test_lecture_mode_has_a_visible_way_out() -> None:
    at = open_app({"lecture": "1"})
    assert [b.key for b in at.main.button if b.key == "leave_lecture"] == ["leave_lecture"]
    assert not [b for b in at.sidebar.button if b.key == "leave_lecture"]


def test_a_click_selection_becomes_a_rounded_start() -> None:
    from ui.playground import picked_start

    bounds = ((-2.0, 2.0), (-1.0, 3.0))
    click = {"selection": {"points": [{"x": 1.100000023841858, "y": -0.3999999761581421, "curve_number": 0}]}}
    assert picked_start(click, bounds) == (1.1, -0.4)
    assert picked_start({"selection": {"points": []}}, bounds) is None
    assert picked_start(None, bounds) is None


def test_the_start_picker_is_off_by_default_and_a_declared_setting() -> None:
    at = open_app()
    assert not at.toggle(key="pg.pick").value
    figure = charts(at)[0]
    assert not any(t.get("name") == "click to start here" for t in figure["data"])
    at.toggle(key="pg.pick").set_value(True).run()
    assert_clean(at)
    assert at.query_params["pick"] == "1"
    assert any(t.get("name") == "click to start here" for t in charts(at)[0]["data"])


def test_each_optimizer_can_have_its_own_colour() -> None:
    at = open_app({"opt": "sgd,adam", "o2.color": "black"})
    assert_clean(at)
    paths = {t["name"]: t["line"]["color"] for t in charts(at)[0]["data"]
             if t.get("mode") == "lines+markers" and ":" not in t.get("name", "")}
    assert paths["Adam, lr=0.001"] == "#000000" and paths["SGD, lr=0.001"] == "#0072B2"
    at.selectbox(key="pg.s1.color").set_value("green").run()
    assert_clean(at)
    assert at.query_params["o1.color"] == "green" and at.query_params["o2.color"] == "black"
    paths = {t["name"]: t["line"]["color"] for t in charts(at)[0]["data"]
             if t.get("mode") == "lines+markers" and ":" not in t.get("name", "")}
    assert paths["SGD, lr=0.001"] == "#009E73"
    assert any("`o1.color=mauve`" in w.value for w in open_app({"o1.color": "mauve"}).warning)
