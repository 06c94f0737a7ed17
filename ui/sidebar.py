"""Sidebar sections shared by the pages: landscape, optimizer slots, run options, presets."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from landscapes import LANDSCAPES
from optimizers import OPTIMIZERS, SCHEDULES
from scenarios.presets import Preset
from scenarios.settings import (
    CLIP_MODES,
    CLIP_THRESHOLD,
    LANDSCAPE_PARAMS,
    MAX_SLOTS,
    MAX_STEPS,
    NOISE,
    OptimizerChoice,
    RunSettings,
    effective_params,
    slot_labels,
)
from scenarios.values import value_grid

from .controls import param_control
from .widget_state import slot_key, slot_name_key


def _optimizer_title(name: str) -> str:
    return OPTIMIZERS[name].title


def landscape_section(prefix: str, run: RunSettings) -> None:
    """Landscape menu (with the quadratic's shape when it is chosen)."""
    st.selectbox("Landscape", list(LANDSCAPES), key=f"{prefix}.landscape",
                 format_func=lambda k: f"{LANDSCAPES[k].title} ({LANDSCAPES[k].dim}-D)",
                 help="The function the optimizers minimize (or maximize, for 25 sin x − x²).")
    for param in LANDSCAPE_PARAMS.get(run.landscape, ()):
        param_control(param, f"{prefix}.{run.landscape}.{param.name}")


def start_section(prefix: str, run: RunSettings) -> None:
    """The start point, typed (a far start widens the view to include it)."""
    dim = run.build_landscape().dim
    columns = st.columns(dim)
    for k, column in enumerate(columns):
        column.number_input("start " + ("xy"[k] if dim == 2 else "x"), min_value=-1e6, max_value=1e6,
                            step=0.1, format="%.4g", key=f"{prefix}.start.{k}",
                            help="Where every optimizer starts. The default is the landscape's own.")


def slots_section(prefix: str, slots: tuple[OptimizerChoice, ...], on_change: Callable[[Any], None],
                  read: Callable[[], tuple[OptimizerChoice, ...]]) -> None:
    """One expander per optimizer slot with controls from its spec, and a menu to add another.

    ``read`` gives the slots as the widgets show them and ``on_change`` stores new slots (used by
    the add and remove callbacks, which run before the next script run).
    """
    labels = slot_labels(slots)

    def remove(index: int) -> None:
        current = read()
        on_change(current[:index] + current[index + 1:])

    def add() -> None:
        name = st.session_state.get(f"{prefix}.add")
        st.session_state[f"{prefix}.add"] = None
        if name:
            on_change(read() + (OptimizerChoice.of(name),))

    for i, slot in enumerate(slots):
        with st.expander(f"{i + 1}. {labels[i]}", expanded=len(slots) <= 3):
            st.selectbox("optimizer", list(OPTIMIZERS), key=slot_name_key(prefix, i),
                         format_func=_optimizer_title)
            for param in effective_params(slot.spec, dict(slot.hyper)):
                param_control(param, slot_key(prefix, i, slot.name, param.name))
            if len(slots) > 1:
                st.button("Remove", key=f"{prefix}.remove.{i}", on_click=remove, args=(i,), icon="✖️",
                          type="tertiary")
    if len(slots) < MAX_SLOTS:
        st.selectbox("Add an optimizer", list(OPTIMIZERS), index=None, key=f"{prefix}.add",
                     format_func=_optimizer_title, placeholder="Add an optimizer…", on_change=add)
    else:
        st.caption(f"At most {MAX_SLOTS} optimizers share a plot (one colour each).")


def run_options_section(prefix: str, run: RunSettings, show_start: bool = True) -> None:
    """Steps, start, gradient noise and seed, clipping, learning-rate schedule."""
    st.slider("Steps", 1, MAX_STEPS, key=f"{prefix}.steps", help="Number of optimizer steps.")
    if show_start:
        start_section(prefix, run)
    st.select_slider("Gradient noise σ", options=value_grid(NOISE, (run.noise,)),
                     key=f"{prefix}.noise", format_func=lambda v: "off" if v == 0 else f"{v:.4g}",
                     help="Adds N(0, σ²) to every gradient component, as in stochastic gradient descent.")
    if run.noise > 0:
        st.number_input("Noise seed", 0, 2**31 - 1, step=1, key=f"{prefix}.seed",
                        help="The same seed gives the same noise, so a link reproduces the figure.")
    st.segmented_control("Gradient clipping", CLIP_MODES, key=f"{prefix}.clip",
                         format_func={"none": "off", "norm": "by norm", "value": "by value"}.get,
                         help="torch.nn.utils.clip_grad_norm_ / clip_grad_value_ before each step.")
    if run.clip != "none":
        st.select_slider("Clip threshold", options=value_grid(CLIP_THRESHOLD, (run.clip_threshold,)),
                         key=f"{prefix}.clip_at", format_func=lambda v: f"{v:.4g}")
    st.selectbox("Learning-rate schedule", list(SCHEDULES), key=f"{prefix}.schedule",
                 format_func=lambda k: SCHEDULES[k].title,
                 help="Multiplies every optimizer's lr at each step (torch.optim.lr_scheduler names).")
    for param in SCHEDULES[run.schedule].params:
        param_control(param, f"{prefix}.schedule.{run.schedule}.{param.name}")
    if run.schedule != "constant":
        st.latex(SCHEDULES[run.schedule].formula)


def presets_section(presets: tuple[Preset, ...], load: Callable[[Mapping[str, str]], None]) -> None:
    """One button per named scenario; a click loads it (exactly as opening its link would)."""
    with st.expander("Presets", expanded=False):
        for preset in presets:
            st.button(preset.title, key=f"preset.{preset.key}", on_click=load, args=(preset.query,),
                      help=preset.lesson, width="stretch")
