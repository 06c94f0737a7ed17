"""Widgets generated from hyperparameter specs: a slider per float (log-spaced where the spec says
so), a pair of sliders for betas, a checkbox per flag, a number box per integer, a menu per choice.

Widgets read their value from ``st.session_state`` (filled by the page frame), never from a
``value=`` argument, so settings from a link and settings from a preset take the same road.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from optimizers import OPTIMIZERS, HyperParam
from scenarios.values import value_grid

from .widget_state import read_param


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def _label(param: HyperParam, part: int | None = None) -> str:
    if part is not None and param.labels:
        return param.labels[part]
    return "learning rate (lr)" if param.name == "lr" else param.name.replace("_", " ")


def param_control(param: HyperParam, key: str, container: Any = st) -> Any:
    """Draw ``param``'s widget(s) under ``key`` and return the value they show."""
    help_text = param.help or None
    if param.kind == "pair":
        for part in (0, 1):
            sub = f"{key}.{part}"
            if all(isinstance(d, int) for d in param.default):
                container.number_input(_label(param, part), min_value=int(param.low),
                                       max_value=int(param.high), step=1, key=sub, help=help_text)
            else:
                current = st.session_state.get(sub, param.default[part])
                container.select_slider(_label(param, part), options=value_grid(param, (current,)),
                                        format_func=_fmt, key=sub, help=help_text)
        return read_param(param, key, st.session_state, param.default)
    if param.kind == "bool":
        return container.checkbox(_label(param), key=key, help=help_text)
    if param.kind == "int":
        return container.number_input(_label(param), min_value=int(param.low), max_value=int(param.high),
                                      step=1, key=key, help=help_text)
    if param.kind == "choice":
        names = all(c in OPTIMIZERS for c in param.choices)
        return container.selectbox(_label(param), param.choices, key=key, help=help_text,
                                   format_func=(lambda c: OPTIMIZERS[c].title) if names else str)
    current = st.session_state.get(key, param.default)
    return container.select_slider(_label(param), options=value_grid(param, (current, param.default)),
                                   format_func=_fmt, key=key, help=help_text)
