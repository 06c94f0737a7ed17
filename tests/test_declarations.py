"""The declaration table: every declared setting has a link key, a widget and a control, and survives
a round trip through the URL and through the widgets, whatever valid value it holds.

The strategies below are derived from the declarations themselves, so a setting added later is
covered without touching this file.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from optimizers import OPTIMIZERS, HyperParam
from scenarios import PAGES, decode, encode
from scenarios.fields import (
    ListSetting,
    Nested,
    Selector,
    Setting,
    Slots,
    StartPoint,
    declarations,
    read_widgets,
    undeclared,
    widget_values,
)
from scenarios.kinds import KINDS
from scenarios.settings import OptimizerChoice, RunSettings
from tests.test_app import APP
from ui.controls import DECLARATION_CONTROLS, KIND_CONTROLS

# --- the registry -----------------------------------------------------------------------------------


def _settings_classes() -> list[type]:
    classes = []

    def visit(cls: type) -> None:
        classes.append(cls)
        hints = typing.get_type_hints(cls)
        for attr, declaration in declarations(cls):
            if isinstance(declaration, Nested):
                visit(hints[attr])

    for page in PAGES:
        visit(page.settings_type)
    return classes


def test_every_kind_has_a_codec_and_a_control() -> None:
    kinds = set(typing.get_args(typing.get_type_hints(HyperParam)["kind"]))
    assert kinds == set(KINDS) == set(KIND_CONTROLS)


def test_every_declaration_type_has_a_control() -> None:
    for cls in _settings_classes():
        for _, declaration in declarations(cls):
            assert isinstance(declaration, Slots) or type(declaration) in DECLARATION_CONTROLS


@pytest.mark.parametrize("cls", _settings_classes(), ids=lambda c: c.__name__)
def test_every_field_is_declared(cls: type) -> None:
    assert undeclared(cls) == set(), f"{cls.__name__} has fields no declaration owns"


def _link_keys(cls: type) -> list[str]:
    """Every fixed link key a settings class declares (slot keys are ``opt`` and ``oK.``)."""
    keys = []
    hints = typing.get_type_hints(cls)
    for attr, declaration in declarations(cls):
        if isinstance(declaration, Nested):
            keys += _link_keys(hints[attr])
        elif isinstance(declaration, Selector):
            keys.append(declaration.key)
            names = {p.name for choice in declaration.param.choices for p in declaration.params_of(choice)}
            keys += [declaration.group_key + name for name in sorted(names)]
        else:
            keys.append(declaration.key)
    return keys


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_link_keys_are_unique_and_leave_room_for_slots(page) -> None:
    keys = _link_keys(page.settings_type)
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
    assert not any(k.startswith("o") and k[1:2].isdigit() for k in keys)


@pytest.mark.parametrize("cls", _settings_classes(), ids=lambda c: c.__name__)
def test_every_setting_is_labelled_and_explained(cls: type) -> None:
    for _, declaration in declarations(cls):
        param = getattr(declaration, "param", None)
        if param is not None:
            assert param.caption and param.help, f"{cls.__name__}.{param.name}"
            if param.kind == "choice":
                assert not param.labels or len(param.labels) == len(param.choices)


# --- values drawn from the declarations -------------------------------------------------------------

#: Functions a user may type: of x alone, of x and y, with kinks, poles and no minimum.
FORMULAS = ("x^2 + 3*y^2", "(1-x)^2 + 100*(y-x^2)^2", "sin(x)*cos(y)", "x^2 + sin(x)", "abs(x) + y^2",
            "x*y", "log(1 + x^2) + tanh(y)", "exp(-x^2 - y^2)", "1/x + y^2", "sqrt(x^2 + y^2)")

def _value(param: HyperParam) -> st.SearchStrategy:
    if param.kind == "float":
        return st.floats(param.low, param.high, allow_nan=False)
    if param.kind == "int":
        return st.integers(int(param.low), int(param.high))
    if param.kind == "bool":
        return st.booleans()
    if param.kind == "choice":
        return st.sampled_from(param.choices)
    if param.kind == "pair":
        element = st.floats(param.low, param.high, allow_nan=False)
        return st.tuples(element, element)
    if param.kind == "int_pair":
        element = st.integers(int(param.low), int(param.high))
        return st.tuples(element, element)
    if param.kind == "series":  # order and repeats matter
        element = st.floats(param.low, param.high, allow_nan=False)
        return st.lists(element, min_size=1, max_size=100).map(tuple)
    if param.kind == "range":
        element = st.floats(param.low, param.high, allow_nan=False)
        return st.tuples(element, element).filter(lambda r: r[0] < r[1])
    if param.kind == "formula":
        return st.sampled_from(FORMULAS)
    raise AssertionError(f"no strategy for kind {param.kind}")


@st.composite
def _choice(draw, name: str, colour: HyperParam) -> OptimizerChoice:
    """An optimizer with every hyperparameter drawn from its declaration (a wrapper's own first),
    and its slot's colour."""
    choice = OptimizerChoice.of(name)
    drawn = choice.resolved(lambda p, current: draw(_value(p)))
    return dataclasses.replace(drawn, colour=draw(_value(colour)))


@st.composite
def declared_settings(draw, cls: type, default: Any) -> Any:
    """An instance of ``cls`` with every declared field drawn from its declaration."""
    values = {f.name: getattr(default, f.name) for f in dataclasses.fields(cls)}
    hints = typing.get_type_hints(cls)
    for attr, declaration in declarations(cls):
        if isinstance(declaration, Setting):
            values[attr] = draw(_value(declaration.param))
        elif isinstance(declaration, ListSetting):
            items = draw(st.lists(_value(declaration.param), min_size=1, max_size=declaration.max_items,
                                  unique=True))
            values[attr] = declaration.normalize(items)
        elif isinstance(declaration, Selector):
            name = draw(st.sampled_from(declaration.param.choices))
            values[attr] = name
            values[declaration.params_attr] = tuple(
                (p.name, draw(_value(p))) for p in declaration.params_of(name))
        elif isinstance(declaration, StartPoint):
            dim = len(declaration.default_start(values))
            coordinate = st.floats(-1e5, 1e5, allow_nan=False)
            point = draw(st.none() | st.tuples(*[coordinate] * dim))
            values[attr] = None if point == declaration.default_start(values) else point
        elif isinstance(declaration, Slots):
            names = draw(st.lists(st.sampled_from(sorted(OPTIMIZERS)), min_size=1,
                                  max_size=declaration.max_slots))
            values[attr] = tuple(draw(_choice(name, declaration.colour)) for name in names)
        elif isinstance(declaration, Nested):
            values[attr] = draw(declared_settings(hints[attr], values[attr]))
    return cls(**values)


def _same_choices(default: Any, settings: Any) -> Any:
    """``default`` with the selectors (landscape, schedule) of ``settings``, at their defaults.

    What the page held before the widgets were set: a selector that changed would reset what
    depends on it (a new landscape brings its own start), which is not what this test is about.
    """
    changes = {}
    for attr, declaration in declarations(type(default)):
        if isinstance(declaration, Selector):
            name = getattr(settings, attr)
            changes[attr], changes[declaration.params_attr] = name, declaration.defaults(name)
        elif isinstance(declaration, Nested):
            changes[attr] = _same_choices(getattr(default, attr), getattr(settings, attr))
    return dataclasses.replace(default, **changes)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_declared_setting_round_trips(page, data) -> None:
    default = page.default()
    drawn = data.draw(declared_settings(page.settings_type, default))
    query = encode(page, drawn)
    decoded = decode(page, query)
    assert decoded.notices == []
    assert decoded.settings == drawn
    assert encode(page, decoded.settings) == query
    # and through the widgets, starting from a page that showed the defaults
    state = widget_values(page.prefix, drawn)
    assert read_widgets(page.prefix, state, _same_choices(default, drawn)) == drawn


def test_run_settings_fill_every_parameter_in_declared_order() -> None:
    run = RunSettings(landscape="quadratic", landscape_params=(("angle", 10.0),))
    assert run.landscape_params == (("condition", 10.0), ("angle", 10.0), ("q", (0.0, 0.0)))
    assert run == RunSettings(landscape="quadratic", landscape_params=(("q", (0.0, 0.0)), ("angle", 10.0)))


# --- every declared widget has a control on the page -------------------------------------------------

SHOW_ALL = {
    "playground": [{"landscape": "quadratic", "noise": "0.1", "clip": "norm", "schedule": "one_cycle",
                    "opt": "lookahead,sgd"}],
    "compare": [{"noise": "0.1", "clip": "value", "schedule": "piecewise", "opt": "rmsprop,momentum"},
                {"mode": "lr", "landscape": "quadratic", "opt": "rmsprop", "schedule": "step"}],
    "quadratics": [{}],  # no conditional controls
    "descent": [{}],
    "averages": [{}],
    "adaptive": [{}],
    "noise": [{}],
    "depth": [{}],
    "batchnorm": [{}],
    "landscape": [{"steps": "20", "res": "11"}],
    "clipping": [{}, {"schedule": "one_cycle"}],
    "sweep": [{"noise": "0.1", "clip": "norm", "schedule": "step"}, {"second": "false", "cells": "4"}],
    "basins": [{"noise": "0.1", "clip": "norm", "schedule": "step", "res": "10"}],
    "race": [{"noise": "0.1", "clip": "norm", "schedule": "step", "budget": "4", "racers": "sgd"}],
}


#: Declared settings a page has no control for, and why. Basins: every start of its grid is on the
#: map, so the shared run settings' start point is not one.
NOT_CONTROLS = {"basins": {"bs.start.0", "bs.start.1"}}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_declared_widget_has_a_control(page) -> None:
    """Opened with links that make every conditional control show, each widget key is on the page."""
    found, wanted = set(), set()
    for query in SHOW_ALL[page.name]:
        at = AppTest.from_file(APP, default_timeout=60)
        if page.path != "app.py":
            at.switch_page(page.path)
        for key, value in query.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception
        settings = at.session_state[f"{page.name}.settings"]
        keys = set(widget_values(page.prefix, settings)) - {f"{page.prefix}.slot_count"}
        wanted |= keys
        for key in keys:
            try:
                at.get_by_key(key)
                found.add(key)
            except KeyError:
                pass
    assert wanted - found == NOT_CONTROLS.get(page.name, set())


@st.composite
def _garbage_links(draw, page) -> dict[str, str]:
    """Links a person could paste: known keys (and slot keys) with any text, plus unknown keys."""
    keys = _link_keys(page.settings_type) + ["opt", "o1.lr", "o2.betas", "o3.inner", "o9.momentum", "zzz"]
    odd = ["nan", "inf", "-1e400", "1e-400", "0", ",", "1,2,3", "adam,,sgd", "lookahead", "9" * 400]
    text = st.one_of(st.text(max_size=30), st.sampled_from(odd))
    return draw(st.dictionaries(st.sampled_from(keys), text, max_size=8))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_any_link_decodes_to_settings_that_round_trip(page, data) -> None:
    """A link never raises; what it gives is a valid page whose own link reproduces it silently."""
    decoded = decode(page, data.draw(_garbage_links(page)))
    assert all(len(notice) < 400 for notice in decoded.notices)
    again = decode(page, encode(page, decoded.settings))
    assert again.notices == [] and again.settings == decoded.settings
