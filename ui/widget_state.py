"""Page settings <-> the values of the page's widgets, keyed by widget key (no Streamlit here).

Widget keys are stable and say what they hold: ``pg.landscape``, ``pg.s1.name`` (slot 1's
optimizer), ``pg.s1.adam.lr``, ``pg.s1.adam.betas.0``. A slot's hyperparameter keys contain the
optimizer's name, so switching a slot to another optimizer starts from that optimizer's values
instead of inheriting a slider from the old one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from optimizers import SCHEDULES, HyperParam
from scenarios.settings import (
    LANDSCAPE_PARAMS,
    Comparison,
    OptimizerChoice,
    Playground,
    RunSettings,
    default_landscape_params,
    default_schedule_params,
    effective_params,
    with_landscape,
)

SLOT_COUNT = "slot_count"


def param_values(param: HyperParam, key: str, value: Any) -> dict[str, Any]:
    """The widget values that show ``value`` of ``param`` (a pair takes two widgets)."""
    if param.kind == "pair":
        return {f"{key}.0": value[0], f"{key}.1": value[1]}
    return {key: value}


def read_param(param: HyperParam, key: str, state: Mapping[str, Any], default: Any) -> Any:
    """``param``'s value from the widgets, ``default`` where a widget has no value yet."""
    if param.kind == "pair":
        first, second = state.get(f"{key}.0"), state.get(f"{key}.1")
        if first is None or second is None:
            return default
        kind = int if all(isinstance(d, int) for d in param.default) else float
        return (kind(first), kind(second))
    value = state.get(key)
    if value is None:
        return default
    if param.kind == "int":
        return int(value)
    if param.kind == "float":
        return float(value)
    return value


def slot_key(prefix: str, index: int, name: str, param: str) -> str:
    return f"{prefix}.s{index + 1}.{name}.{param}"


def slot_name_key(prefix: str, index: int) -> str:
    return f"{prefix}.s{index + 1}.name"


def slots_state(prefix: str, slots: tuple[OptimizerChoice, ...]) -> dict[str, Any]:
    state: dict[str, Any] = {f"{prefix}.{SLOT_COUNT}": len(slots)}
    for i, slot in enumerate(slots):
        state[slot_name_key(prefix, i)] = slot.name
        for param in effective_params(slot.spec, dict(slot.hyper)):
            key = slot_key(prefix, i, slot.name, param.name)
            state.update(param_values(param, key, slot.value(param.name)))
    return state


def read_slot(prefix: str, index: int, state: Mapping[str, Any],
              previous: OptimizerChoice | None = None) -> OptimizerChoice:
    """Slot ``index`` as its widgets show it; ``previous`` supplies values not on screen yet."""
    name = state[slot_name_key(prefix, index)]
    base = previous if previous is not None and previous.name == name else OptimizerChoice.of(name)
    spec = base.spec
    own = {p.name: read_param(p, slot_key(prefix, index, name, p.name), state, base.value(p.name))
           for p in spec.hyperparams}
    choice = base.with_values(**own)
    rest = {p.name: read_param(p, slot_key(prefix, index, name, p.name), state, choice.value(p.name))
            for p in effective_params(spec, dict(choice.hyper)) if p.name not in own}
    return choice.with_values(**rest)


def read_slots(prefix: str, state: Mapping[str, Any],
               previous: tuple[OptimizerChoice, ...] = ()) -> tuple[OptimizerChoice, ...]:
    count = int(state.get(f"{prefix}.{SLOT_COUNT}", len(previous)))
    return tuple(read_slot(prefix, i, state, previous[i] if i < len(previous) else None)
                 for i in range(count))


def run_state(prefix: str, run: RunSettings) -> dict[str, Any]:
    landscape = run.build_landscape()
    start = run.start_point()
    state: dict[str, Any] = {
        f"{prefix}.landscape": run.landscape,
        f"{prefix}.steps": run.steps,
        f"{prefix}.noise": run.noise,
        f"{prefix}.seed": run.seed,
        f"{prefix}.clip": run.clip,
        f"{prefix}.clip_at": run.clip_threshold,
        f"{prefix}.schedule": run.schedule,
    }
    for k in range(landscape.dim):
        state[f"{prefix}.start.{k}"] = float(start[k])
    for param in LANDSCAPE_PARAMS.get(run.landscape, ()):
        state[f"{prefix}.{run.landscape}.{param.name}"] = dict(run.landscape_params)[param.name]
    for param in SCHEDULES[run.schedule].params:
        state.update(param_values(param, f"{prefix}.schedule.{run.schedule}.{param.name}",
                                  dict(run.schedule_params)[param.name]))
    return state


def read_run(prefix: str, state: Mapping[str, Any], previous: RunSettings) -> RunSettings:
    """The engine options as the widgets show them; a new landscape starts from its defaults."""
    name = state.get(f"{prefix}.landscape", previous.landscape)
    run = previous if name == previous.landscape else with_landscape(previous, name)
    params = dict(run.landscape_params or default_landscape_params(name))
    for param in LANDSCAPE_PARAMS.get(name, ()):
        params[param.name] = read_param(param, f"{prefix}.{name}.{param.name}", state, params[param.name])
    run = replace(run, landscape_params=tuple(params.items()))
    default_start = tuple(float(v) for v in run.build_landscape().start)
    start = tuple(float(state.get(f"{prefix}.start.{k}", (run.start or default_start)[k]))
                  for k in range(len(default_start)))
    if name != previous.landscape:
        start = default_start
    schedule = state.get(f"{prefix}.schedule", run.schedule)
    schedule_params = dict(run.schedule_params if schedule == run.schedule
                           else default_schedule_params(schedule))
    for param in SCHEDULES[schedule].params:
        schedule_params[param.name] = read_param(param, f"{prefix}.schedule.{schedule}.{param.name}", state,
                                                 schedule_params[param.name])
    return replace(
        run,
        start=None if start == default_start else start,
        steps=int(state.get(f"{prefix}.steps", run.steps)),
        noise=float(state.get(f"{prefix}.noise", run.noise)),
        seed=int(state.get(f"{prefix}.seed", run.seed)),
        clip=state.get(f"{prefix}.clip", run.clip),
        clip_threshold=float(state.get(f"{prefix}.clip_at", run.clip_threshold)),
        schedule=schedule,
        schedule_params=tuple(schedule_params.items()),
    )


def playground_state(settings: Playground) -> dict[str, Any]:
    """Widget values showing Playground ``settings``."""
    state = run_state("pg", settings.run) | slots_state("pg", settings.slots)
    state["pg.tol"] = settings.tolerance
    state["pg.surface"] = settings.surface
    return state


def read_playground(state: Mapping[str, Any], previous: Playground) -> Playground:
    """Playground settings as the widgets show them."""
    return Playground(
        run=read_run("pg", state, previous.run),
        slots=read_slots("pg", state, previous.slots),
        tolerance=float(state.get("pg.tol", previous.tolerance)),
        surface=bool(state.get("pg.surface", previous.surface)),
    )


def comparison_state(settings: Comparison) -> dict[str, Any]:
    """Widget values showing Compare-page ``settings``."""
    state = run_state("cmp", settings.run) | slots_state("cmp", settings.slots)
    state["cmp.mode"] = settings.mode
    state["cmp.landscapes"] = list(settings.landscapes)
    state["cmp.lrs"] = list(settings.learning_rates)
    return state


def read_comparison(state: Mapping[str, Any], previous: Comparison) -> Comparison:
    """Compare-page settings as the widgets show them."""
    landscapes = tuple(state.get("cmp.landscapes") or previous.landscapes)
    lrs = tuple(sorted(float(v) for v in (state.get("cmp.lrs") or previous.learning_rates)))
    return Comparison(
        mode=state.get("cmp.mode", previous.mode),
        landscapes=landscapes,
        slots=read_slots("cmp", state, previous.slots),
        run=read_run("cmp", state, previous.run),
        learning_rates=lrs,
    )
