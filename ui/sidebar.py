"""Sidebar sections with behaviour of their own: optimizer slots (add, remove) and presets."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from optimizers import OPTIMIZERS
from scenarios.fields import Slots, declarations
from scenarios.presets import Preset
from scenarios.settings import OptimizerChoice, slot_labels

from .controls import declared_controls, param_control
from .state import push_state


def _optimizer_title(name: str) -> str:
    return OPTIMIZERS[name].title


def slots_of(settings: Any) -> Slots:
    """The :class:`Slots` declaration of a page's settings."""
    return next(d for _, d in declarations(type(settings)) if isinstance(d, Slots))


def slot_controls(slots: Slots, prefix: str, index: int, slot: OptimizerChoice,
                  skip: tuple[str, ...] = ()) -> None:
    """Slot ``index``'s hyperparameter controls (from its spec), except those in ``skip``."""
    for param in slot.params:
        if param.name not in skip:
            param_control(param, slots.param_key(prefix, index, slot.name, param.name))


def optimizer_menu(slots: Slots, prefix: str, index: int, label: str = "optimizer") -> None:
    """The menu that picks slot ``index``'s optimizer."""
    st.selectbox(label, list(OPTIMIZERS), key=slots.name_key(prefix, index), format_func=_optimizer_title)


def slots_section(settings: Any, prefix: str) -> None:
    """One expander per optimizer slot with controls from its spec, and a menu to add another.

    Adding and removing run as callbacks (before the next script run): they read the slots as the
    widgets show them and write the new list back into the widgets.
    """
    slots = slots_of(settings)
    current = settings.slots
    labels = slot_labels(current)

    def store(new: tuple[OptimizerChoice, ...]) -> None:
        state: dict[str, Any] = {}
        slots.to_widgets("slots", prefix, {"slots": new}, state)
        push_state(state)

    def remove(index: int) -> None:
        shown = slots.read_all(prefix, st.session_state, current)
        store(shown[:index] + shown[index + 1:])

    def add() -> None:
        name = st.session_state.get(f"{prefix}.add")
        st.session_state[f"{prefix}.add"] = None
        if name:
            store(slots.read_all(prefix, st.session_state, current) + (OptimizerChoice.of(name),))

    for i, slot in enumerate(current):
        with st.expander(f"{i + 1}. {labels[i]}", expanded=i == 0):
            optimizer_menu(slots, prefix, i)
            slot_controls(slots, prefix, i, slot)
            param_control(slots.colour, slots.colour_key(prefix, i))
            if len(current) > 1:
                st.button("Remove", key=f"{prefix}.remove.{i}", on_click=remove, args=(i,), icon="✖️",
                          type="tertiary")
    if len(current) < slots.max_slots:
        st.selectbox("Add an optimizer", list(OPTIMIZERS), index=None, key=f"{prefix}.add",
                     format_func=_optimizer_title, placeholder="Add an optimizer…", on_change=add)
    else:
        st.caption(f"At most {slots.max_slots} optimizers share a plot (one colour each).")


#: Run options always in view; every other declared run option goes in an expander (which opens
#: when one of them is in use), so a first look is not a wall of controls.
_PRIMARY_RUN_OPTIONS = ("landscape", "steps", "start")


def run_options(run: Any, prefix: str, start: bool = True) -> None:
    """Steps and start in view; noise, clipping, the schedule and any other run option in an expander."""
    declared_controls(run, prefix, only=("steps", "start") if start else ("steps",))
    secondary = [attr for attr, _ in declarations(type(run)) if attr not in _PRIMARY_RUN_OPTIONS]
    untouched = type(run)()
    in_use = any(getattr(run, attr) != getattr(untouched, attr) for attr in secondary)
    with st.expander("Gradient noise, clipping, lr schedule", expanded=in_use):
        declared_controls(run, prefix, skip=_PRIMARY_RUN_OPTIONS)


def presets_section(presets: tuple[Preset, ...], load: Callable[[Mapping[str, str]], None],
                    expanded: bool = False) -> None:
    """One button per named scenario; a click loads it (exactly as opening its link would)."""
    if not presets:
        return
    with st.expander("Presets: one click to a lesson", expanded=expanded):
        for preset in presets:
            st.button(preset.title, key=f"preset.{preset.key}", on_click=load, args=(preset.query,),
                      help=preset.lesson, width="stretch")
