"""Fuzzing every page through its link and through its widgets (hypothesis driving Streamlit's AppTest).

Links are built from each page's own declarations (:mod:`scenarios.fields`), so a page or a setting added
later is fuzzed without touching this file: every declared key with random and hostile text (limits and
beyond, ``nan``, ``inf``, ``1e308``, empty, garbage, 10,000 characters) or with usable values only,
optimizer slots with unknown names and every optimizer's hyperparameters, unknown and repeated keys, and,
where a landscape selector offers ``custom``, formulas and garbage under ``f``. Widgets are driven as a
browser would (a select slider by its option's label): the ends of every slider, number boxes at and far
past their bounds, garbage and long text in text boxes, every option of every menu, every button.

The property, for every link and after every widget change: the page renders without an exception; the
URL it writes back decodes (with the page's own decoder) silently to the settings the page shows, which
are the link's (for a link) and what every drawn widget shows, and re-encodes to itself; a link's
problems are all in the page's warning and lecture mode stays as the link set it; one more run, as any
click in the browser makes, changes nothing.

Budget: by default ``DEFAULT_LINK_EXAMPLES`` links per page, ``DEFAULT_WIDGET_EXAMPLES`` widget sessions
on four pages and two all-keys-at-once links per page, derandomized (the same examples on every run, for
CI): under a minute on the 2-core machine (52-58 s measured). ``FUZZ_EXAMPLES=N`` runs N examples per
test with a fresh seed each run, widgets on every page, and the whole range of every whole-number
setting; by default whole numbers are drawn from the lowest eighth of their range (plus the values past
both ends), because they are work sizes (steps, starts per axis, particles) and one Basins link at its
top limits computes for over a minute. ``HYPOTHESIS_PROFILE=thorough`` (tests/conftest.py) also shrinks
failures to minimal ones.
"""

from __future__ import annotations

import math
import os
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest
import streamlit
from hypothesis import HealthCheck, find, given, note, settings
from hypothesis import strategies as st
from streamlit.runtime.state.query_params import sanitize_query_string
from streamlit.testing.v1 import AppTest

from optimizers import OPTIMIZERS, HyperParam
from scenarios import PAGES, decode, encode
from scenarios.fields import (
    FRAME_KEYS,
    ListSetting,
    Nested,
    ParamValues,
    Selector,
    Setting,
    Slots,
    StartPoint,
    declarations,
    declared,
)
from scenarios.fields import widget_values as settings_widget_values
from scenarios.kinds import format_number
from scenarios.pages import Page
from tests.apptest_pages import APP
from ui.controls import distinct_labels
from ui.frame import LECTURE_KEY

DEFAULT_LINK_EXAMPLES = 4
DEFAULT_WIDGET_EXAMPLES = 5
LONG_RUN = bool(os.environ.get("FUZZ_EXAMPLES"))
LINK_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or DEFAULT_LINK_EXAMPLES)
WIDGET_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or DEFAULT_WIDGET_EXAMPLES)
#: A page that has not drawn itself in this long counts as hung (the long run may reach heavy settings).
RENDER_TIMEOUT = 120.0

FUZZ = settings(deadline=None, derandomize=not LONG_RUN,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.large_base_example])

#: The key of a custom function's text, when a landscape selector offers ``custom``.
FORMULA_KEY = "f"
#: Streamlit keeps these out of ``st.query_params`` (its own embedding options).
EMBED_KEYS = ("embed", "embed_options")

# --- text a link can hold --------------------------------------------------------------------------------

_NO_SURROGATES = st.characters(exclude_categories=("Cs",))  # a browser cannot send a lone surrogate
#: Numbers written in every way a person or a tool might, and the ones that break naive parsers.
SPECIAL_NUMBERS = ("nan", "NaN", "-nan", "inf", "-inf", "Infinity", "1e308", "-1e308", "1e309", "1e-320",
                   "0", "-0", "0.0", "1", "-1", "0.5", "1e-12", "1e6", "1e12", "-1e6", "1e-400", "9" * 400,
                   "1_000", " 7 ", "+3", "0x10", "1e", "--1", "١٢", "1,5", "1.5.2")
GARBAGE = ("", " ", ",", ",,", ";", "abc", "None", "null", "true", "[1, 2]", "{}", "%", "%zz", "&", "=", "#",
           "\x00", "\n", "💥", "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd")


def _long_text() -> st.SearchStrategy[str]:
    """10,000 characters: one repeated character, a long number, a long list."""
    return st.one_of(
        st.sampled_from(["9", "x", "1", ",", "é", " ", "💥", "("]).map(lambda c: c * 10_000),
        st.just("1," * 5_000), st.just("0." + "1" * 9_998),
    )


def garbage() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(GARBAGE), st.text(_NO_SURROGATES, max_size=24), _long_text())


def _whole_range(param: HyperParam) -> st.SearchStrategy[int]:
    """Whole numbers in the declared range: the lowest eighth by default (they are work sizes), all of it
    in a long run."""
    low, high = int(param.low), int(param.high)
    return st.integers(low, high if LONG_RUN else low + max((high - low) // 8, 1))


def _float_range(param: HyperParam) -> st.SearchStrategy[float]:
    low = -1e6 if param.low is None else float(param.low)
    high = 1e6 if param.high is None else float(param.high)
    if param.log and low > 0:
        return st.floats(math.log10(low), math.log10(high)).map(lambda e: min(max(10.0 ** e, low), high))
    return st.floats(low, high, allow_nan=False)


def number_text(param: HyperParam, valid: bool = False) -> st.SearchStrategy[str]:
    """One number for ``param`` as link text: in range and at both limits, and unless ``valid`` also past
    them, special numbers and garbage."""
    whole = param.kind in ("int", "int_pair")
    limits: list[float] = []
    edges: list[float] = []
    for bound, away in ((param.low, -1), (param.high, 1)):
        if bound is not None:
            edges += [bound] if whole else [bound, math.nextafter(bound, -away * math.inf)]
            limits += [bound + away, bound * 10 if bound > 0 else bound - 10]
            if not whole:
                limits += [bound + away * 1e-9 * max(abs(bound), 1), math.nextafter(bound, away * math.inf)]
    in_range = (_whole_range(param) if whole else _float_range(param)).map(format_number)
    if whole and param.high is not None and not LONG_RUN:  # the top limit only in a long run (see above)
        edges.remove(param.high)
    at_edges = st.sampled_from([format_number(v) for v in edges]) if edges else in_range
    if valid:
        return st.one_of(in_range, in_range, at_edges)
    return st.one_of(
        in_range, at_edges,  # usable values too, so the page gets past its link and draws them
        st.sampled_from([format_number(v) if abs(v) < 1e300 else repr(v) for v in limits]),
        st.sampled_from(SPECIAL_NUMBERS),
        st.floats().map(repr) if not whole else st.integers(-(10**20), 10**20).map(str),
        garbage(),
    )


def _joined(items: st.SearchStrategy[str], min_size: int, max_size: int,
            valid: bool = False) -> st.SearchStrategy[str]:
    separator = st.sampled_from([",", ", "] if valid else [",", ", ", ",,", ";", " , "])
    return st.tuples(st.lists(items, min_size=min_size, max_size=max_size), separator).map(
        lambda t: t[1].join(t[0]))


def value_text(param: HyperParam, url_names: tuple[str, ...] = (),
               valid: bool = False) -> st.SearchStrategy[str]:
    """Link text for one value of ``param`` by its kind: a usable one if ``valid``, else anything."""
    kind = param.kind
    if kind == "bool":
        flags = ("0", "1", "true", "false", "on", "off", "yes", "no", "True", "ON")
        if valid:
            return st.sampled_from(flags)
        return st.one_of(st.sampled_from(flags + ("2", "-1", "")), garbage())
    if kind == "choice":
        names = tuple(url_names or param.choices)
        if valid:
            return st.sampled_from(names)
        names += tuple(param.choices)
        odd = tuple(n.upper() for n in names) + tuple(f" {n}" for n in names) + tuple(param.labels)
        return st.one_of(st.sampled_from(names), st.sampled_from(names), st.sampled_from(odd or ("",)),
                         garbage())
    number = number_text(param, valid)
    if kind in ("float", "int"):
        return number
    if kind in ("pair", "int_pair"):
        pair = _joined(number, 2, 2, valid)
        return pair if valid else st.one_of(pair, _joined(number, 0, 4))
    if kind == "series":
        if valid:
            return _joined(number, 1, 100, True)
        return st.one_of(_joined(number, 1, 12), _joined(number, 0, 110))
    return st.one_of(formula_text(), garbage())  # a kind this file does not know yet: text


# --- custom functions ----------------------------------------------------------------------------------

FUNCTIONS = ("exp", "log", "sqrt", "abs", "sin", "cos", "tan", "tanh")
VALID_FORMULAS = ("x^2 + 3*y^2", "sin(x)*cos(y)", "(1-x)^2 + 100*(y-x^2)^2", "x^2", "abs(x) + abs(y)",
                  "exp(-x^2 - y^2)", "log(1 + x^2 + y^2)", "sqrt(x^2 + y^2 + 1)", "tanh(x)*y", "x*y", "0",
                  "1e12*x", "x^100", "1/x", "log(x)", "sqrt(x)", "tan(x) + y^2", "x - x", "e^2*x^2 + pi")
BAD_FORMULAS = ("x +", "((x)", "x)", "z", "foo(x)", "__import__('os')", "x.__class__", "9**9**9", "x**y",
                "x\ny", "x;y", "sin", "", "   ", "x" * 501, "(" * 40 + "x" + ")" * 40, "1e400", "lambda: 1")


def formula_text() -> st.SearchStrategy[str]:
    """A custom function's text: a formula (from a list or a random expression tree) or garbage."""
    leaves = st.one_of(st.sampled_from(["x", "y", "x", "y", "pi", "e"]),
                       st.integers(0, 100).map(str), st.sampled_from(["0.5", "1e-3", "1e12", "2.5"]))

    def extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(children, st.sampled_from(["+", "-", "*", "/", "^"]), children).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(children, st.integers(0, 4)).map(lambda t: f"{t[0]}^{t[1]}"),
            st.tuples(st.sampled_from(FUNCTIONS), children).map(lambda t: f"{t[0]}({t[1]})"),
            children.map(lambda c: f"-{c}"),
        )

    trees = st.recursive(leaves, extend, max_leaves=12)
    return st.one_of(st.sampled_from(VALID_FORMULAS), trees, trees, st.sampled_from(BAD_FORMULAS), garbage())


# --- links drawn from a page's declarations ---------------------------------------------------------------

def _slot_params(name: str) -> tuple[HyperParam, ...]:
    """Every hyperparameter optimizer ``name`` may take (a wrapper's, for each of its inner choices)."""
    spec = OPTIMIZERS[name]
    params = {p.name: p for p in spec.hyperparams}
    if spec.specialize is not None:
        for p in spec.hyperparams:
            for choice in p.choices if p.kind == "choice" else ():
                params.update({q.name: q for q in spec.specialize({p.name: choice}).hyperparams})
    return tuple(params.values())


def key_texts(cls: type, valid: bool = False) -> tuple[list[tuple[str, st.SearchStrategy[str]]], list[Any]]:
    """``(link key, text strategy)`` for every fixed key ``cls`` declares (usable text only if ``valid``),
    and its special declarations (slots, selectors offering ``custom``) that need strategies of their own."""
    keys: list[tuple[str, st.SearchStrategy[str]]] = []
    special: list[Any] = []
    hints = typing.get_type_hints(cls)
    for attr, declaration in declarations(cls):
        if isinstance(declaration, Nested):
            nested_keys, nested_special = key_texts(hints[attr], valid)
            keys += nested_keys
            special += nested_special
        elif isinstance(declaration, Setting):
            keys.append((declaration.key, value_text(declaration.param, declaration.url_names, valid)))
        elif isinstance(declaration, ListSetting):
            item = value_text(declaration.param, valid=valid)
            most = declaration.max_items + (0 if valid else 3)
            keys.append((declaration.key, _joined(item, 1 if valid else 0, most, valid)))
        elif isinstance(declaration, Selector):
            keys.append((declaration.key, value_text(declaration.param, valid=valid)))
            seen = set()
            for choice in declaration.param.choices:
                for p in declaration.params_of(choice):
                    if declaration.group_key + p.name not in seen:
                        seen.add(declaration.group_key + p.name)
                        keys.append((declaration.group_key + p.name, value_text(p, valid=valid)))
            if "custom" in declaration.param.choices:
                special.append(declaration)
        elif isinstance(declaration, StartPoint):
            coordinate = st.one_of(number_text(declaration.param, valid),
                                   _float_range(declaration.param).map(repr))
            start = _joined(coordinate, 1, 2, True) if valid else _joined(coordinate, 0, 3)
            keys.append((declaration.key, start))
        elif isinstance(declaration, Slots):
            special.append(declaration)
    return keys, special


def _slot_link(draw: Any, slots: Slots, query: dict[str, Any], valid: bool) -> None:
    """``opt=`` with known (unless ``valid``: unknown and repeated too) names, and ``oK.`` settings for
    listed (and unlisted) K."""
    names = st.one_of(st.sampled_from(sorted(OPTIMIZERS)), st.sampled_from(sorted(OPTIMIZERS)),
                      st.sampled_from(["ADAM", "adamw2", "", " sgd", "newton "]), garbage())
    if valid:
        names = st.sampled_from(sorted(OPTIMIZERS))
    listed = draw(st.lists(names, max_size=slots.max_slots + (0 if valid else 2)))
    if listed or draw(st.booleans()):
        query[slots.key] = ",".join(listed)
    for k in range(1, draw(st.integers(0, len(listed) if valid else slots.max_slots + 1)) + 1):
        name = listed[k - 1] if k - 1 < len(listed) and listed[k - 1] in OPTIMIZERS else \
            draw(st.sampled_from(sorted(OPTIMIZERS)))
        params = _slot_params(name)
        for param in draw(st.lists(st.sampled_from(params), unique_by=lambda p: p.name, max_size=3)):
            query[f"o{k}.{param.name}"] = draw(value_text(param, valid=valid))
        if draw(st.integers(0, 3)) == 0:
            query[f"o{k}.{slots.colour.name}"] = draw(value_text(slots.colour, valid=valid))


#: A flag of the page frame (lecture mode), for its link text.
FLAG = HyperParam("flag", False, "", kind="bool")


@st.composite
def links(draw: Any, page: Page) -> dict[str, Any]:
    """A link to ``page``: some declared keys, slots and custom functions, either all with usable text
    (values anywhere in their ranges, so the page draws them) or with any text, plus unknown and
    repeated keys (a repeated key is a list of its values, in order)."""
    valid = draw(st.booleans(), label="only usable values")
    keys, special = key_texts(page.settings_type, valid)
    query: dict[str, Any] = {}
    for index in draw(st.lists(st.integers(0, len(keys) - 1), unique=True, max_size=min(len(keys), 10))):
        key, text = keys[index]
        query[key] = draw(text)
    for declaration in special:
        if isinstance(declaration, Slots) and draw(st.booleans()):
            _slot_link(draw, declaration, query, valid)
        elif isinstance(declaration, Selector) and draw(st.booleans()):
            query[declaration.key] = "custom"
            query[FORMULA_KEY] = draw(formula_text())
    if valid:
        return query
    if draw(st.integers(0, 3)) == 0:
        query[draw(st.sampled_from(FRAME_KEYS))] = draw(value_text(FLAG))
    known = {key for key, _ in keys}
    for key in draw(st.lists(st.one_of(st.text(_NO_SURROGATES, max_size=12), st.sampled_from(
            ["o0.lr", "o99.lr", "o1.", "o1.nonsense", "opt.lr", "o-1.lr", "LR", "steps ", "STEPS", "x"])),
            max_size=3)):
        if key not in known:
            query[key] = draw(garbage())
    for key in draw(st.lists(st.sampled_from(sorted(query)), unique=True, max_size=2)) if query else ():
        query[key] = [draw(st.one_of(garbage(), st.sampled_from([t for _, t in keys]).flatmap(lambda s: s))),
                      query[key]]
    return query


def received(query: Mapping[str, Any]) -> dict[str, str]:
    """What the page reads of ``query`` sent as a URL: nothing from a query string over Streamlit's
    limits, else the last of repeated values, without Streamlit's own embedding keys
    (``st.query_params.to_dict()``)."""
    parsed = parse_qs(sanitize_query_string(urlencode(query, doseq=True)), keep_blank_values=True)
    return {k: v[-1] for k, v in parsed.items() if k.lower() not in EMBED_KEYS}


# --- what the page shows, what it writes ---------------------------------------------------------------

def open_link(page: Page, query: Mapping[str, Any]) -> AppTest:
    """``page`` opened from ``query``; in a long run as on a freshly started server, with Streamlit's
    caches empty, so that a replayed example does not find its results cached and pass where it failed
    (a timeout: the long run reaches settings that compute for minutes). The default run keeps the
    caches: they save it a third of its time."""
    if LONG_RUN:
        streamlit.cache_data.clear()
        streamlit.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=RENDER_TIMEOUT)
    if page.path != "app.py":
        at.switch_page(page.path)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def written(at: AppTest) -> dict[str, str]:
    """The page's settings as it wrote them into the URL (the frame's own keys left out)."""
    url = dict(at.query_params)
    assert all(isinstance(v, str) for v in url.values()), f"a key written twice: {url}"
    return {k: v for k, v in url.items() if k not in FRAME_KEYS}


def shown(at: AppTest, page: Page) -> Any:
    """The settings the page drew itself from."""
    return at.session_state[f"{page.name}.settings"]


def assert_clean_run(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def assert_url_describes_page(at: AppTest, page: Page) -> Any:
    """The URL the page wrote decodes silently to the settings it shows, re-encodes to itself, and every
    widget on the page shows the value those settings give it. Returns the settings."""
    url = written(at)
    decoded = decode(page, url)
    assert decoded.notices == [], (url, decoded.notices)
    assert decoded.settings == shown(at, page), (url, decoded.settings, shown(at, page))
    assert encode(page, decoded.settings) == url
    for key, value in settings_widget_values(page.prefix, decoded.settings).items():
        try:
            widget = at.get_by_key(key)
        except KeyError:  # not drawn (a control shown only with noise, say)
            continue
        assert widget.value == value, (key, widget.value, value, url)
    return decoded.settings


def assert_rerun_changes_nothing(at: AppTest, page: Page) -> None:
    """One more run with the widgets as they are (any click in the browser makes one) keeps everything."""
    before_settings, before_url = shown(at, page), written(at)
    at.run()
    assert_clean_run(at)
    assert written(at) == before_url, (before_url, written(at))
    assert shown(at, page) == before_settings


# --- 1. every page through random links -------------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
@settings(FUZZ, max_examples=LINK_EXAMPLES)
@given(data=st.data())
def test_any_link_renders_and_the_url_written_back_is_what_the_page_shows(page: Page, data: Any) -> None:
    query = data.draw(links(page), label="link")
    at = open_link(page, query)
    assert_clean_run(at)
    sent = received(query)
    expected = decode(page, sent)
    assert shown(at, page) == expected.settings
    assert assert_url_describes_page(at, page) == expected.settings
    assert_link_problems_are_shown(at, expected.notices)
    lecture = sent.get(LECTURE_KEY, "0").lower() in ("1", "true", "yes", "on")
    assert at.query_params.get(LECTURE_KEY) == ("1" if lecture else None)
    assert_rerun_changes_nothing(at, page)
    assert_url_describes_page(at, page)


def assert_link_problems_are_shown(at: AppTest, notices: list[str]) -> None:
    """Every problem with the link is on the page, in its one warning."""
    warnings = [w.value for w in at.warning if w.value.startswith("Some settings in the link")]
    if not notices:
        assert warnings == []
        return
    assert len(warnings) == 1
    for notice in notices:
        assert notice in warnings[0], notice


#: Hostile texts for every key at once, key i taking ``HOSTILE[(i + shift) % n]``; every seventh key
#: gets 10,000 characters instead (all of them at that length would pass Streamlit's limit on a query).
HOSTILE = ("nan", "-inf", "1e308", "", "-1e400", "💥", "0,0,0", "1,nan", " ")
LONG = ("9" * 10_000, "x" * 10_000)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
@pytest.mark.parametrize("shift", [0, 4])
def test_every_declared_key_at_once(page: Page, shift: int) -> None:
    """Every key the page declares and slot keys for every optimizer's settings (first, second and one
    past the last slot), at once, each with a hostile text: the page falls back to its defaults and says
    so; its URL is still what it shows."""
    keys, special = key_texts(page.settings_type)
    names = [key for key, _ in keys]
    for declaration in special:
        if isinstance(declaration, Slots):
            names += sorted({f"o{k}.{p.name}" for k in (1, 2, declaration.max_slots + 1)
                             for name in OPTIMIZERS for p in _slot_params(name)})
        else:
            names.append(FORMULA_KEY)
    query = {key: LONG[shift % 2] if (i + shift) % 7 == 0 else HOSTILE[(i + shift) % len(HOSTILE)]
             for i, key in enumerate(names)}
    assert sanitize_query_string(urlencode(query)), "Streamlit would drop this link whole"
    at = open_link(page, query)
    assert_clean_run(at)
    assert shown(at, page) == decode(page, received(query)).settings
    assert_url_describes_page(at, page)


def test_links_try_custom_functions_once_a_landscape_selector_offers_them() -> None:
    """The moment a selector lists ``custom``, links hold ``landscape=custom&f=<formula>`` (so the link
    fuzzing covers custom functions without an edit here)."""

    @dataclass(frozen=True)
    class WithCustom:
        landscape: str = declared(Selector(
            HyperParam("landscape", "bowl", "A landscape.", kind="choice", choices=("bowl", "custom")),
            params_attr="landscape_params", params_of=lambda name: (), group_key="", invalid="no"))
        landscape_params: ParamValues = ()

    page = Page("custom", "pages/custom.py", "Custom", "", "cu", WithCustom)
    query = find(links(page), lambda q: q.get("landscape") == "custom" and "^" in q.get(FORMULA_KEY, ""),
                 settings=settings(database=None, derandomize=True))
    assert query["landscape"] == "custom"


# --- 2. pages through their widgets ----------------------------------------------------------------------

class _Label(str):
    """An option's label, sent as is: what a browser sends for a select slider (its ``format_func`` is
    applied to the value, so a plain label would be formatted again)."""

    def __format__(self, spec: str) -> str:
        return str(self)


#: The widgets driven (download buttons are not: a download changes nothing on the page).
WIDGET_TYPES = ("select_slider", "slider", "number_input", "text_input", "selectbox", "multiselect",
                "button_group", "toggle", "checkbox", "button")


def _widgets(at: AppTest) -> list[Any]:
    found = []
    for kind in WIDGET_TYPES:
        found += [w for w in getattr(at, kind) if getattr(w, "key", None)]
    return found


def _number_values(widget: Any) -> list[Any]:
    """A number box's bounds, and values far past them. A browser keeps a number box within its bounds;
    AppTest sends any number, and Streamlit then replaces one outside the bounds (or not finite) by the
    box's default, here its minimum: the page must still show what its URL says."""
    low, high = widget.min, widget.max
    whole = isinstance(widget.value, int)
    far = [10**9, -(10**9), 10**30] if whole else [1e300, -1e300, math.inf, -math.inf, math.nan, 5e6]
    return [v for v in (low, high) if v is not None] + far


def drive(data: Any, at: AppTest) -> str:
    """Change one widget of the page as a user could (and some ways only a script could); returns what
    was done, for the failure report."""
    widgets = {w.key: w for w in _widgets(at)}
    # draw a key, not the widget: hypothesis cannot print an AppTest element in its failure report
    widget = widgets[data.draw(st.sampled_from(sorted(widgets)), label="widget")]
    kind = widget.type
    if kind == "select_slider":
        index = data.draw(st.sampled_from([0, len(widget.options) - 1, len(widget.options) // 2]))
        widget.set_value(_Label(widget.options[index]))
        return f"{widget.key} = option {index} ({widget.options[index]})"
    if kind == "slider":
        low, high = widget.min, widget.max
        value = data.draw(st.sampled_from([low, high]) | st.integers(low, high))
    elif kind == "number_input":
        value = data.draw(st.sampled_from(_number_values(widget)) | (
            st.integers(int(widget.min), int(widget.max)) if isinstance(widget.value, int) else
            st.floats(widget.min, widget.max)))
    elif kind == "text_input":
        value = data.draw(st.one_of(garbage(), _joined(st.floats(-1e6, 1e6).map(format_number), 1, 20)))
    elif kind == "selectbox":
        value = data.draw(st.sampled_from(widget.options))
    elif kind == "multiselect":
        most = widget.max_selections or len(widget.options)
        value = data.draw(st.lists(st.sampled_from(widget.options), unique=True, max_size=most)
                          if widget.options else st.just([]))
    elif kind == "button_group":
        value = data.draw(st.sampled_from([*widget.options, None]))  # a second click deselects
    elif kind in ("toggle", "checkbox"):
        value = not widget.value
    else:  # a button: reset, remove a slot, a preset, lecture mode
        widget.click()
        return f"click {widget.key}"
    widget.set_value(value)
    shown_value = value if not isinstance(value, str) or len(value) < 80 else value[:80] + "…"
    return f"{widget.key} = {shown_value!r}"


#: Pages driven through their widgets: four by default (the landing page, Compare and two lessons, one
#: with a text box), every page in a long run.
WIDGET_PAGES = PAGES if LONG_RUN else [p for p in PAGES if p.name in ("playground", "compare", "averages",
                                                                     "clipping")]


@pytest.mark.parametrize("page", WIDGET_PAGES, ids=lambda p: p.name)
@settings(FUZZ, max_examples=WIDGET_EXAMPLES)
@given(data=st.data())
def test_any_widget_change_renders_and_the_url_is_what_the_widgets_show(page: Page, data: Any) -> None:
    """From the defaults or a random link, one to four widget changes, each followed by a run."""
    query = data.draw(st.just({}) | links(page), label="link")
    at = open_link(page, query)
    assert_clean_run(at)
    done = []
    for _ in range(data.draw(st.integers(1, 4), label="changes")):
        done.append(drive(data, at))
        note(done[-1])
        at.run()
        assert not at.exception, (done, [e.value for e in at.exception])
        try:
            assert_url_describes_page(at, page)
        except AssertionError as failure:
            raise AssertionError(f"after {done}: {failure}") from failure
    assert_rerun_changes_nothing(at, page)


# --- regressions: the smallest failing cases this fuzzer found ------------------------------------------

def test_labels_of_a_select_slider_are_distinct() -> None:
    """A value typed into a link beside a grid value with the same 4-digit label gets its exact label."""
    options = (0.0008, 0.00099999, 0.001, 0.0015)
    label = distinct_labels(lambda v: f"{v:.4g}", options)
    assert [label(v) for v in options] == ["0.0008", "0.00099999", "0.001", "0.0015"]
    assert distinct_labels(str, (1.0, 2.0)) is str  # nothing shared: the page's own format, untouched


def test_an_off_grid_link_value_survives_the_next_click() -> None:
    """``?o1.lr=0.00099999``: the next run (any click) turned it into the grid's 0.001 (both were labelled
    "0.001", and the browser sends labels), and the URL lost it."""
    page = next(p for p in PAGES if p.name == "playground")
    at = open_link(page, {"o1.lr": "0.00099999"})
    assert_rerun_changes_nothing(at, page)
    assert written(at)["o1.lr"] == "0.00099999"


def test_a_start_at_its_number_box_limit_is_a_valid_link() -> None:
    """The start's number boxes go to ±10⁶, and the link decoder refused exactly ±10⁶: a start moved to the
    edge wrote ``start=-1.5,1000000``, which the page then ignored with a notice."""
    page = next(p for p in PAGES if p.name == "playground")
    at = open_link(page, {})
    at.number_input(key="pg.start.1").set_value(1e6).run()
    assert_clean_run(at)
    assert written(at)["start"] == "-1.5,1000000"
    assert assert_url_describes_page(at, page).run.start == (-1.5, 1e6)


def test_a_hidden_control_keeps_its_value() -> None:
    """Compare: learning rates picked in one mode, then the other mode (their menu hidden): the next
    click anywhere brought back the default learning rates (Streamlit forgets a widget a run leaves
    out, and its key read what the page wrote there long before) and dropped them from the URL."""
    page = next(p for p in PAGES if p.name == "compare")
    at = open_link(page, {})
    at.get_by_key("cmp.mode").set_value("Several learning rates").run()
    at.get_by_key("cmp.lrs").set_value(["0.01", "0.1"]).run()
    at.get_by_key("cmp.mode").set_value("Several landscapes").run()
    assert written(at) == {"lrs": "0.01,0.1"}
    assert_rerun_changes_nothing(at, page)
    at.get_by_key("cmp.mode").set_value("Several learning rates").run()
    assert at.get_by_key("cmp.lrs").value == [0.01, 0.1]


def test_a_setting_shown_only_with_noise_survives_turning_noise_off() -> None:
    page = next(p for p in PAGES if p.name == "playground")
    at = open_link(page, {})
    noise = at.select_slider(key="pg.noise")
    noise.set_value(_Label(noise.options[1])).run()
    at.number_input(key="pg.seed").set_value(5).run()
    at.select_slider(key="pg.noise").set_value(_Label("off")).run()
    assert written(at) == {"seed": "5"}
    assert_rerun_changes_nothing(at, page)
