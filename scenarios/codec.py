"""Page settings <-> URL query parameters, with a notice for every value that could not be used.

A URL holds only what differs from the page's defaults, under stable keys (optimizer and landscape
*names*, never display labels), so links stay short and survive label changes:

``?landscape=rosenbrock&steps=800&opt=sgd,adam&o1.lr=0.002&o2.lr=0.05&o2.betas=0.8,0.99``

Decoding never raises: an unknown key, a value of the wrong type or outside its range, or a name
that no longer exists falls back to the default and adds a sentence to the notices, which the page
shows. ``encode(decode(q))`` is ``q`` for every valid ``q``, and ``decode(encode(s)) == s``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from landscapes import LANDSCAPES
from optimizers import OPTIMIZERS, SCHEDULES, HyperParam

from .settings import (
    CLIP_MODES,
    CLIP_THRESHOLD,
    LANDSCAPE_PARAMS,
    MAX_LEARNING_RATES,
    MAX_PANELS,
    MAX_SLOTS,
    MAX_STEPS,
    NOISE,
    TOLERANCE,
    Comparison,
    OptimizerChoice,
    Playground,
    RunSettings,
    default_comparison,
    default_playground,
    default_schedule_params,
    effective_params,
    with_landscape,
)
from .values import ValueProblem, format_number, format_value, parse_value

#: Keys every page understands besides its own settings (read by the page frame, not the codec).
FRAME_KEYS = ("lecture",)

_STEPS = HyperParam("steps", 300, "", low=1, high=MAX_STEPS, kind="int")
_SEED = HyperParam("seed", 0, "", low=0, high=2**31 - 1, kind="int")
_LR = HyperParam("lr", 0.01, "", low=1e-6, high=100.0, log=True)
_BOOL = HyperParam("flag", False, "", kind="bool")


@dataclass
class Decoded:
    """Settings read from a URL and what could not be used (one sentence per problem)."""

    settings: Any
    notices: list[str] = field(default_factory=list)


class _Reader:
    """Reads keys off a query mapping, remembering which were used and what went wrong."""

    def __init__(self, query: Mapping[str, str]) -> None:
        self.query = {k: (v[-1] if isinstance(v, list) else v) for k, v in query.items()}
        self.used: set[str] = set(FRAME_KEYS)
        self.notices: list[str] = []

    def text(self, key: str) -> str | None:
        self.used.add(key)
        return self.query.get(key)

    def value(self, key: str, param: HyperParam, default: Any) -> Any:
        text = self.text(key)
        if text is None:
            return default
        try:
            return parse_value(param, text)
        except ValueProblem as problem:
            fallback = ("on" if default else "off") if param.kind == "bool" else format_value(param, default)
            self.problem(key, text, str(problem), fallback)
            return default

    def problem(self, key: str, text: str, why: str, fallback: str) -> None:
        self.notices.append(f"Ignored `{key}={text}`: {why}. Using {fallback} instead.")

    def finish(self) -> list[str]:
        for key in self.query:
            if key not in self.used:
                self.notices.append(f"Ignored unknown link parameter `{key}`.")
        return self.notices


# --- shared pieces --------------------------------------------------------------------------------

def _decode_run(reader: _Reader, default: RunSettings) -> RunSettings:
    run = default
    name = reader.text("landscape")
    if name is not None:
        if name in LANDSCAPES:
            run = with_landscape(run, name) if name != default.landscape else run
        else:
            reader.problem("landscape", name, "there is no such landscape", default.landscape)
    params = dict(run.landscape_params)
    for param in LANDSCAPE_PARAMS.get(run.landscape, ()):
        params[param.name] = reader.value(param.name, param, params[param.name])
    run = replace(run, landscape_params=tuple(params.items()))
    start_text = reader.text("start")
    if start_text is not None:
        run = replace(run, start=_parse_start(reader, start_text, run))
    clip = reader.text("clip")
    if clip is not None and clip not in CLIP_MODES:
        reader.problem("clip", clip, f"clipping is one of {', '.join(CLIP_MODES)}", run.clip)
        clip = None
    schedule = reader.text("schedule")
    if schedule is not None and schedule not in SCHEDULES:
        reader.problem("schedule", schedule, "there is no such schedule", run.schedule)
        schedule = None
    schedule = schedule or run.schedule
    schedule_params = dict(run.schedule_params if schedule == run.schedule
                           else default_schedule_params(schedule))
    for param in SCHEDULES[schedule].params:
        schedule_params[param.name] = reader.value(f"schedule.{param.name}", param,
                                                   schedule_params[param.name])
    return replace(
        run,
        steps=reader.value("steps", _STEPS, run.steps),
        noise=reader.value("noise", NOISE, run.noise),
        seed=reader.value("seed", _SEED, run.seed),
        clip=clip or run.clip,
        clip_threshold=reader.value("clip_at", CLIP_THRESHOLD, run.clip_threshold),
        schedule=schedule,
        schedule_params=tuple(schedule_params.items()),
    )


def _parse_start(reader: _Reader, text: str, run: RunSettings) -> tuple[float, ...] | None:
    dim = run.build_landscape().dim
    try:
        numbers = tuple(float(part) for part in text.split(","))
    except ValueError:
        numbers = ()
    if len(numbers) != dim or not all(abs(n) < 1e6 for n in numbers):  # also rejects nan/inf
        reader.problem("start", text, f"a start here is {dim} finite number{'s' if dim > 1 else ''} "
                       "(|x| < 10⁶) separated by commas", "the landscape's default start")
        return None
    # the landscape's own start is written as "no start", so each setting has one form
    return None if numbers == tuple(float(v) for v in run.build_landscape().start) else numbers


def _encode_run(run: RunSettings, default: RunSettings) -> dict[str, str]:
    out: dict[str, str] = {}
    if run.landscape != default.landscape:
        out["landscape"] = run.landscape
    base = default if run.landscape == default.landscape else with_landscape(default, run.landscape)
    base_params = dict(base.landscape_params)
    for param in LANDSCAPE_PARAMS.get(run.landscape, ()):
        value = dict(run.landscape_params)[param.name]
        if value != base_params[param.name]:
            out[param.name] = format_value(param, value)
    if run.start is not None and run.start != tuple(float(v) for v in run.build_landscape().start):
        out["start"] = ",".join(format_number(v) for v in run.start)
    for key, value, base_value in (("steps", run.steps, default.steps), ("noise", run.noise, default.noise),
                                   ("seed", run.seed, default.seed)):
        if value != base_value:
            out[key] = format_number(value)
    if run.clip != default.clip:
        out["clip"] = run.clip
    if run.clip_threshold != default.clip_threshold:
        out["clip_at"] = format_number(run.clip_threshold)
    if run.schedule != default.schedule:
        out["schedule"] = run.schedule
    schedule_base = dict(default.schedule_params if run.schedule == default.schedule
                         else default_schedule_params(run.schedule))
    for param in SCHEDULES[run.schedule].params:
        value = dict(run.schedule_params)[param.name]
        if value != schedule_base[param.name]:
            out[f"schedule.{param.name}"] = format_value(param, value)
    return out


def _slot_baseline(slot_names: tuple[str, ...], defaults: tuple[OptimizerChoice, ...],
                   index: int) -> OptimizerChoice:
    """What slot ``index`` is when the URL says nothing about its hyperparameters."""
    name = slot_names[index]
    if index < len(defaults) and defaults[index].name == name:
        return defaults[index]
    return OptimizerChoice.of(name)


def _decode_slots(reader: _Reader, defaults: tuple[OptimizerChoice, ...],
                  limit: int = MAX_SLOTS) -> tuple[OptimizerChoice, ...]:
    text = reader.text("opt")
    names = tuple(c.name for c in defaults)
    if text is not None:
        wanted = [n.strip() for n in text.split(",") if n.strip()]
        unknown = [n for n in wanted if n not in OPTIMIZERS]
        if unknown:
            reader.notices.append(f"Ignored unknown optimizer{'s' if len(unknown) > 1 else ''} "
                                  f"{', '.join(f'`{n}`' for n in unknown)} in the link.")
        wanted = [n for n in wanted if n in OPTIMIZERS]
        if len(wanted) > limit:
            reader.notices.append(f"The link lists {len(wanted)} optimizers; showing the first {limit}.")
            wanted = wanted[:limit]
        if wanted:
            names = tuple(wanted)
        elif not unknown:
            reader.notices.append("The link lists no optimizer; showing the default ones.")
    slots = []
    for i in range(len(names)):
        slot = _slot_baseline(names, defaults, i)
        prefix = f"o{i + 1}."
        spec = slot.spec
        # A wrapper's own parameters (lookahead's `inner`) decide which others exist: read them first.
        own = {p.name: reader.value(prefix + p.name, p, slot.value(p.name)) for p in spec.hyperparams}
        slot = slot.with_values(**own)
        changes = {p.name: reader.value(prefix + p.name, p, slot.value(p.name))
                   for p in effective_params(spec, dict(slot.hyper)) if p.name not in own}
        slots.append(slot.with_values(**changes))
    return tuple(slots)


def _encode_slots(slots: tuple[OptimizerChoice, ...],
                  defaults: tuple[OptimizerChoice, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    names = tuple(s.name for s in slots)
    if names != tuple(d.name for d in defaults):
        out["opt"] = ",".join(names)
    for i, slot in enumerate(slots):
        base = _slot_baseline(names, defaults, i)
        base_values = dict(base.hyper)
        inner_default = {p.name: p.default for p in effective_params(slot.spec, dict(slot.hyper))}
        for param in effective_params(slot.spec, dict(slot.hyper)):
            value = slot.value(param.name)
            reference = base_values.get(param.name, inner_default[param.name])
            if value != reference:
                out[f"o{i + 1}.{param.name}"] = format_value(param, value)
    return out


def _flag(reader: _Reader, key: str, default: bool) -> bool:
    return reader.value(key, _BOOL, default)


# --- pages ----------------------------------------------------------------------------------------

def decode_playground(query: Mapping[str, str], default: Playground | None = None) -> Decoded:
    """Playground settings from URL parameters; every problem becomes a notice, never an error."""
    default = default or default_playground()
    reader = _Reader(query)
    run = _decode_run(reader, default.run)
    slots = _decode_slots(reader, default.slots)
    settings = Playground(run=run, slots=slots, tolerance=reader.value("tol", TOLERANCE, default.tolerance),
                          surface=_flag(reader, "surface", default.surface))
    return Decoded(settings, reader.finish())


def encode_playground(settings: Playground, default: Playground | None = None) -> dict[str, str]:
    """The URL parameters that reproduce ``settings`` (only those that differ from the defaults)."""
    default = default or default_playground()
    out = _encode_run(settings.run, default.run)
    out.update(_encode_slots(settings.slots, default.slots))
    if settings.tolerance != default.tolerance:
        out["tol"] = format_number(settings.tolerance)
    if settings.surface != default.surface:
        out["surface"] = format_value(_BOOL, settings.surface)
    return out


_MODES = {"landscapes": "landscapes", "lr": "learning_rates"}


def decode_comparison(query: Mapping[str, str], default: Comparison | None = None) -> Decoded:
    """Compare-page settings from URL parameters, with notices for what could not be used."""
    default = default or default_comparison()
    reader = _Reader(query)
    mode = default.mode
    mode_text = reader.text("mode")
    if mode_text is not None:
        if mode_text in _MODES:
            mode = _MODES[mode_text]
        else:
            reader.problem("mode", mode_text, "the mode is `landscapes` or `lr`", "landscapes")
    landscapes = default.landscapes
    text = reader.text("landscapes")
    if text is not None:
        wanted = [n.strip() for n in text.split(",") if n.strip()]
        unknown = [n for n in wanted if n not in LANDSCAPES]
        if unknown:
            reader.notices.append(f"Ignored unknown landscape{'s' if len(unknown) > 1 else ''} "
                                  f"{', '.join(f'`{n}`' for n in unknown)} in the link.")
        wanted = list(dict.fromkeys(n for n in wanted if n in LANDSCAPES))[:MAX_PANELS]
        landscapes = tuple(wanted) or landscapes
    run = _decode_run(reader, default.run)
    slots = _decode_slots(reader, default.slots)
    lrs = default.learning_rates
    text = reader.text("lrs")
    if text is not None:
        try:
            parsed = tuple(parse_value(_LR, part) for part in text.split(",") if part.strip())
            if not parsed or len(parsed) > MAX_LEARNING_RATES:
                raise ValueProblem(f"give 1 to {MAX_LEARNING_RATES} learning rates")
            lrs = parsed
        except ValueProblem as problem:
            reader.problem("lrs", text, str(problem), ",".join(format_number(v) for v in lrs))
    settings = Comparison(mode=mode, landscapes=landscapes, slots=slots, run=run, learning_rates=lrs)
    return Decoded(settings, reader.finish())


def encode_comparison(settings: Comparison, default: Comparison | None = None) -> dict[str, str]:
    """The URL parameters that reproduce Compare-page ``settings``."""
    default = default or default_comparison()
    out: dict[str, str] = {}
    if settings.mode != default.mode:
        out["mode"] = next(k for k, v in _MODES.items() if v == settings.mode)
    if settings.landscapes != default.landscapes:
        out["landscapes"] = ",".join(settings.landscapes)
    out.update(_encode_run(settings.run, default.run))
    out.update(_encode_slots(settings.slots, default.slots))
    if settings.learning_rates != default.learning_rates:
        out["lrs"] = ",".join(format_number(v) for v in settings.learning_rates)
    return out
