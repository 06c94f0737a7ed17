"""What a newcomer and a lecturer see first: presets in view, their explanation kept, a way out of
lecture mode on the page."""

from __future__ import annotations

from scenarios.presets import PRESETS_BY_KEY
from tests.test_app import assert_clean, open_app


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
