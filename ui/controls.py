"""Widgets derived from declarations: one control per kind of value, one per kind of declaration.

A float is a slider over round values (log-spaced, or fine near 1 for a decay rate, as declared), a
pair two of them, a flag a checkbox, a whole number a number box, a choice a menu. Widgets read
their value from ``st.session_state`` (filled by the page skeleton from the settings), never from a
``value=`` argument, so settings from a link and settings from a preset take the same road.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import streamlit as st

from optimizers import HyperParam
from scenarios.fields import ListSetting, Nested, Selector, Setting, Slots, StartPoint, declarations
from scenarios.kinds import ValueProblem, parse_value, quote
from scenarios.values import format_number, value_grid


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def _part_label(param: HyperParam, part: int) -> str:
    return param.labels[part] if len(param.labels) == 2 else f"{param.caption} {part + 1}"


def distinct_labels(fmt: Callable[[Any], str], options: tuple[float, ...]) -> Callable[[Any], str]:
    """``fmt``, except that options sharing a label are written exactly (``0.00099999`` beside ``0.001``).

    A select slider's browser sends back the *label* of its option, and Streamlit maps a label shared by
    two options to the last of them: a link's off-grid value that rounds to a grid value's label would
    silently become that value on the next click anywhere on the page.
    """
    shared = {label for label, n in Counter(fmt(v) for v in options).items() if n > 1}
    if not shared:
        return fmt
    return lambda value: format_number(value) if fmt(value) in shared else fmt(value)


def _select_number(label: str, param: HyperParam, key: str, fmt: Callable[[Any], str],
                   default: float) -> None:
    """A select slider over ``param``'s grid, which always holds the current value and ``default``."""
    options = value_grid(param, (st.session_state.get(key, default), default))
    st.select_slider(label, options=options, format_func=distinct_labels(fmt, options), key=key,
                     help=param.help or None)


def _float(param: HyperParam, key: str, fmt: Callable[[Any], str]) -> None:
    _select_number(param.caption, param, key, fmt, param.default)


def _int(param: HyperParam, key: str, fmt: Callable[[Any], str]) -> None:
    st.number_input(param.caption, min_value=int(param.low), max_value=int(param.high), step=1, key=key,
                    help=param.help or None)


def _bool(param: HyperParam, key: str, fmt: Callable[[Any], str]) -> None:
    st.checkbox(param.caption, key=key, help=param.help or None)


def _choice(param: HyperParam, key: str, fmt: Callable[[Any], str]) -> None:
    st.selectbox(param.caption, param.choices, key=key, help=param.help or None, format_func=param.display)


def _pair(param: HyperParam, key: str, fmt: Callable[[Any], str]) -> None:
    for part in (0, 1):
        _select_number(_part_label(param, part), param, f"{key}.{part}", fmt, param.default[part])


def _int_pair(param: HyperParam, key: str, fmt: Callable[[Any], str]) -> None:
    for part in (0, 1):
        st.number_input(_part_label(param, part), min_value=int(param.low), max_value=int(param.high), step=1,
                        key=f"{key}.{part}", help=param.help or None)


def _check_text(param: HyperParam, key: str) -> None:
    """Remember a typed text (a series, a function) the page cannot use, and why; the skeleton then
    puts the last good value back in the box, and the control shows the refusal."""
    text = str(st.session_state.get(key, ""))
    try:
        parse_value(param, text)
    except ValueProblem as problem:
        st.session_state[f"{key}.rejected"] = (text, str(problem))


def _series(param: HyperParam, key: str, fmt: Callable[[Any], str]) -> None:
    st.text_input(param.caption, key=key, help=param.help or None, max_chars=2000,
                  on_change=_check_text, args=(param, key))
    rejected = st.session_state.pop(f"{key}.rejected", None)
    if rejected is not None:
        text, problem = rejected
        st.error(f"Not used: “{quote(text)}”: {problem}. Type numbers separated by commas, each from "
                 f"{format_number(param.low)} to {format_number(param.high)}; the last good ones are kept.")


def _pointer(text: str, problem: str) -> str:
    """The rejected text with a caret under the position the problem names (``… (at position 14)``)."""
    match = re.search(r"\(at position (\d+)\)$", problem)
    if not match or len(text) > 120:
        return ""
    where = int(match.group(1))
    return f"\n```\n{text}\n{' ' * (where - 1)}^\n```"


def _formula(param: HyperParam, key: str, fmt: Callable[[Any], str]) -> None:
    st.text_input(param.caption, key=key, help=param.help or None, max_chars=500,
                  on_change=_check_text, args=(param, key), placeholder="e.g. x^2 + 3*y^2")
    rejected = st.session_state.pop(f"{key}.rejected", None)
    if rejected is not None:
        text, problem = rejected
        st.error(f"Not used: “{quote(text)}”: {problem}.{_pointer(text, problem)}\n\n"
                 "The function drawn is still the last one that worked.")


def _check_range(param: HyperParam, key: str) -> None:
    low, high = st.session_state.get(f"{key}.0"), st.session_state.get(f"{key}.1")
    if low is not None and high is not None and not low < high:
        st.session_state[f"{key}.rejected"] = (low, high)


def _range(param: HyperParam, key: str, fmt: Callable[[Any], str]) -> None:
    for part, column in enumerate(st.columns(2)):
        column.number_input(_part_label(param, part), min_value=float(param.low), max_value=float(param.high),
                            step=0.5, format="%.4g", key=f"{key}.{part}", help=param.help or None,
                            on_change=_check_range, args=(param, key))
    rejected = st.session_state.pop(f"{key}.rejected", None)
    if rejected is not None:
        st.error(f"Not used: {param.caption} from {rejected[0]:.4g} to {rejected[1]:.4g}; the first number "
                 "must be the smaller. The last good range is kept.")


#: One control per kind of value (the kinds of :class:`optimizers.HyperParam`).
KIND_CONTROLS: dict[str, Callable[[HyperParam, str, Callable[[Any], str]], None]] = {
    "float": _float,
    "int": _int,
    "bool": _bool,
    "choice": _choice,
    "pair": _pair,
    "int_pair": _int_pair,
    "series": _series,
    "range": _range,
    "formula": _formula,
}


def param_control(param: HyperParam, key: str, fmt: Callable[[Any], str] = _fmt) -> None:
    """Draw ``param``'s widget(s) under ``key`` (a pair under ``key.0`` and ``key.1``)."""
    KIND_CONTROLS[param.kind](param, key, fmt)


# --- one control per kind of declaration -----------------------------------------------------------

def _setting(setting: Setting, attr: str, prefix: str, settings: Any) -> None:
    if not setting.is_shown(settings):
        return
    param, key = setting.param, f"{prefix}.{setting.key}"
    help_text = param.help or None
    if setting.widget == "slider":
        st.slider(param.caption, int(param.low), int(param.high), key=key, help=help_text)
    elif setting.widget == "segmented":
        st.segmented_control(param.caption, param.choices, key=key, format_func=setting.label_of,
                             help=help_text)
    elif setting.widget == "toggle":
        st.toggle(param.caption, key=key, help=help_text)
    else:
        param_control(param, key, setting.label_of)


def _list(setting: ListSetting, attr: str, prefix: str, settings: Any) -> None:
    param, key = setting.param, f"{prefix}.{setting.key}"
    if param.kind == "choice":
        options, fmt = list(param.choices), param.display
    else:
        current = tuple(st.session_state.get(key) or param.default)
        options, fmt = list(value_grid(param, current)), format_number
    st.multiselect(param.caption, options, key=key, max_selections=setting.max_items, format_func=fmt,
                   help=param.help or None)


def _selector(selector: Selector, attr: str, prefix: str, settings: Any) -> None:
    param = selector.param
    st.selectbox(param.caption, param.choices, key=f"{prefix}.{selector.key}", format_func=param.display,
                 help=param.help or None)
    _chosen_params(selector, attr, prefix, settings)


def selector_params(settings: Any, attr: str, prefix: str) -> None:
    """The controls of the item chosen by selector ``attr`` (without its menu), and its formula."""
    _chosen_params(dict(declarations(type(settings)))[attr], attr, prefix, settings)


def _chosen_params(selector: Selector, attr: str, prefix: str, settings: Any) -> None:
    name = getattr(settings, attr)
    for item in selector.params_of(name):
        param_control(item, selector.widget_key(prefix, name, item))
    params = getattr(settings, selector.params_attr)
    formula = selector.formula_of(name, params)
    if formula:  # inline math, which KaTeX breaks after + and = to fit the sidebar
        st.markdown("\n\n".join(f"${line}$" for line in formula.split("\n")))
    note = selector.note_of(name, params)
    if note:
        st.info(note)


def _start(start: StartPoint, attr: str, prefix: str, settings: Any) -> None:
    dim = len(start.default_start(vars(settings)))
    for k, column in enumerate(st.columns(dim)):
        column.number_input(f"{start.key} " + ("xy"[k] if dim == 2 else "x"), min_value=-start.param.high,
                            max_value=start.param.high, step=0.1, format="%.4g",
                            key=start.widget_key(prefix, k), help=start.param.help)


def _nested(nested: Nested, attr: str, prefix: str, settings: Any) -> None:
    declared_controls(getattr(settings, attr), prefix)


#: One control per kind of declaration; optimizer slots have their own section (ui.sidebar).
DECLARATION_CONTROLS: dict[type, Callable[[Any, str, str, Any], None]] = {
    Setting: _setting,
    ListSetting: _list,
    Selector: _selector,
    StartPoint: _start,
    Nested: _nested,
}


def declared_controls(settings: Any, prefix: str, only: tuple[str, ...] | None = None,
                      skip: tuple[str, ...] = ()) -> None:
    """The controls of ``settings``' declared fields, in declaration order (``only``/``skip`` by attribute).

    Optimizer slots are left to :func:`ui.sidebar.slots_section`, which also adds and removes them.
    """
    for attr, declaration in declarations(type(settings)):
        if attr in skip or (only is not None and attr not in only) or isinstance(declaration, Slots):
            continue
        DECLARATION_CONTROLS[type(declaration)](declaration, attr, prefix, settings)


def list_emptied(settings: Any, attr: str, prefix: str) -> bool:
    """True when the user has emptied the menu of list setting ``attr`` (the page keeps the last list)."""
    declaration = dict(declarations(type(settings)))[attr]
    return not st.session_state.get(f"{prefix}.{declaration.key}")
