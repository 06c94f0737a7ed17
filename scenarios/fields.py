"""Settings declared once, on the attribute that holds them; links and widgets derived from that.

A page's settings are a frozen dataclass. Each attribute carries its declaration in the field's
metadata (see :func:`declared`): a :class:`Setting` (one value of one kind: steps, noise, the
tolerance), a :class:`ListSetting` (several values: Compare's landscapes), a :class:`Selector` (a
choice that brings its own parameters: the landscape and its condition number, the schedule and its
``T_max``), a :class:`StartPoint`, the optimizer :class:`Slots`, or :class:`Nested` settings (a
page's run options). Four loops over those declarations give the URL codec
(:func:`decode_fields`, :func:`encode_fields`) and the widget values (:func:`widget_values`,
:func:`read_widgets`); each declaration type writes the rule for its kind of setting once.

Links hold only what differs from the page's defaults, under stable keys (optimizer and landscape
*names*, never display labels). Decoding never raises: an unknown key, a value of the wrong type or
outside its range, or a name that no longer exists falls back to the default and adds a sentence to
the notices, which the page shows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from optimizers import OPTIMIZERS, HyperParam

from .kinds import ValueProblem, format_number, format_value, kind_of, parse_value, quote, shown_value

#: Keys every page understands besides its own settings (read by the page frame, not the codec).
FRAME_KEYS = ("lecture",)

ParamValues = tuple[tuple[str, Any], ...]


class Reader:
    """Reads keys off a query mapping, remembering which were used and what went wrong."""

    def __init__(self, query: Mapping[str, Any]) -> None:
        self.query = {k: (v[-1] if isinstance(v, list) else v) for k, v in query.items()}
        self.used: set[str] = set(FRAME_KEYS)
        self.notices: list[str] = []

    def text(self, key: str) -> str | None:
        self.used.add(key)
        return self.query.get(key)

    def value(self, key: str, param: HyperParam, default: Any) -> Any:
        """``param``'s value under ``key``, or ``default`` (with a notice when the text is unusable)."""
        text = self.text(key)
        if text is None:
            return default
        try:
            return parse_value(param, text)
        except ValueProblem as problem:
            self.problem(key, text, str(problem), shown_value(param, default))
            return default

    def problem(self, key: str, text: str, why: str, fallback: str) -> None:
        self.notices.append(f"Ignored `{key}={quote(text)}`: {why}. Using {fallback} instead.")

    def finish(self) -> list[str]:
        for key in self.query:
            if key not in self.used:
                self.notices.append(f"Ignored unknown link parameter `{quote(key)}`.")
        return self.notices


class Baseline(dict):
    """The values a link is read against: the defaults, as changed by parts read before.

    A changed selector resets what depends on it (a new landscape brings its own start), and the
    parts after it must see that; ``reset`` names the attributes that went back to their defaults.
    """

    def __init__(self, values: Mapping[str, Any]) -> None:
        super().__init__(values)
        self.reset: set[str] = set()


# --- declarations ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Setting:
    """One value of one declared kind, under its own URL key (``param.name``).

    ``widget`` picks the look where a kind allows several ("slider" for a whole number,
    "segmented" for a short choice, "toggle" for a flag); ``url_names`` are the choices' link text
    where it differs from the value; ``invalid`` is the notice's reason for an unknown choice;
    ``zero_label`` is what 0 shows as ("off"); ``shown`` says whether the control is drawn, given the
    settings it belongs to (the noise seed only with noise).
    """

    param: HyperParam
    widget: str = ""
    url_names: tuple[str, ...] = ()
    invalid: str = ""
    zero_label: str = ""
    shown: Callable[[Any], bool] | None = None

    @property
    def key(self) -> str:
        return self.param.name

    def is_shown(self, settings: Any) -> bool:
        return self.shown is None or bool(self.shown(settings))

    def parse(self, text: str) -> Any:
        if self.url_names:
            text = dict(zip(self.url_names, self.param.choices, strict=True)).get(text.strip(), text)
        try:
            return parse_value(self.param, text)
        except ValueProblem:
            if self.invalid:
                raise ValueProblem(self.invalid) from None
            raise

    def format(self, value: Any) -> str:
        if self.url_names:
            return dict(zip(self.param.choices, self.url_names, strict=True))[value]
        return format_value(self.param, value)

    def label_of(self, value: Any) -> str:
        """How a control shows ``value``."""
        if self.zero_label and value == 0:
            return self.zero_label
        if self.param.kind == "choice":
            return self.param.display(value)
        return f"{value:.4g}" if isinstance(value, float) else str(value)

    def decode(self, attr: str, reader: Reader, values: Baseline) -> None:
        text = reader.text(self.key)
        if text is None:
            return
        try:
            values[attr] = self.parse(text)
        except ValueProblem as problem:
            current = values[attr]
            fallback = ("on" if current else "off") if self.param.kind == "bool" else self.format(current)
            reader.problem(self.key, text, str(problem), fallback)

    def encode(self, attr: str, values: Mapping[str, Any], base: Baseline, out: dict[str, str]) -> None:
        if values[attr] != base[attr]:
            out[self.key] = self.format(values[attr])

    def to_widgets(self, attr: str, prefix: str, values: Mapping[str, Any], out: dict[str, Any]) -> None:
        out.update(kind_of(self.param).widget_values(self.param, f"{prefix}.{self.key}", values[attr]))

    def from_widgets(self, attr: str, prefix: str, state: Mapping[str, Any], values: Baseline) -> None:
        key = f"{prefix}.{self.key}"
        values[attr] = kind_of(self.param).read_widgets(self.param, key, state, values[attr])


@dataclass(frozen=True)
class ListSetting:
    """Several values of one kind in one key, ``a,b,c`` (Compare's landscapes or learning rates).

    ``param`` declares one item (its kind, range or choices) and the default list. An item that
    cannot be used is dropped with a notice naming it; repeats are dropped; more than ``max_items``
    keeps the first ones, with a notice; with ``sort`` the values are kept in increasing order.
    """

    param: HyperParam
    max_items: int
    sort: bool = False
    noun: str = "value"

    @property
    def key(self) -> str:
        return self.param.name

    def normalize(self, items: Any) -> tuple:
        items = tuple(dict.fromkeys(items))
        return tuple(sorted(items)) if self.sort else items

    def decode(self, attr: str, reader: Reader, values: Baseline) -> None:
        text = reader.text(self.key)
        if text is None:
            return
        kept, bad = [], []
        for part in (p.strip() for p in text.split(",")):
            if not part:
                continue
            try:
                kept.append(parse_value(self.param, part))
            except ValueProblem:
                bad.append(part)
        if bad:
            many = "s" if len(bad) > 1 else ""
            reader.notices.append(f"Ignored {self.noun}{many} {', '.join(f'`{quote(b)}`' for b in bad[:5])}"
                                  f"{' …' if len(bad) > 5 else ''} in `{self.key}`: "
                                  f"{self._why()}.")
        items = self.normalize(kept)
        if len(items) > self.max_items:
            reader.notices.append(f"The link lists {len(items)} {self.noun}s in `{self.key}`; "
                                  f"showing the first {self.max_items}.")
            items = items[:self.max_items]
        if items:
            values[attr] = items
        elif not bad:
            reader.notices.append(f"The link lists no {self.noun} in `{self.key}`; showing the default ones.")

    def _why(self) -> str:
        if self.param.kind == "choice":
            return f"there is no such {self.noun}"
        low, high = format_number(self.param.low), format_number(self.param.high)
        return f"each must be a number from {low} to {high}"

    def encode(self, attr: str, values: Mapping[str, Any], base: Baseline, out: dict[str, str]) -> None:
        if values[attr] != base[attr]:
            out[self.key] = ",".join(format_value(self.param, v) for v in values[attr])

    def to_widgets(self, attr: str, prefix: str, values: Mapping[str, Any], out: dict[str, Any]) -> None:
        out[f"{prefix}.{self.key}"] = list(values[attr])

    def from_widgets(self, attr: str, prefix: str, state: Mapping[str, Any], values: Baseline) -> None:
        chosen = state.get(f"{prefix}.{self.key}")
        if chosen:  # an emptied menu keeps the last list (the page says to pick at least one)
            convert = kind_of(self.param).convert
            values[attr] = self.normalize(convert(v) for v in chosen)[:self.max_items]


@dataclass(frozen=True)
class Selector:
    """A choice that brings its own parameters: a landscape and its shape, a schedule and its T_max.

    The choice is ``param`` (URL key ``param.name``); the chosen item's parameters are
    ``params_of(name)``, kept as ``(name, value)`` pairs in the attribute ``params_attr`` under URL
    keys ``group_key + parameter`` (``condition=50``, ``schedule.T_max=300``) and widget keys
    ``prefix.group_key + name.parameter``. Choosing another item starts from that item's defaults and
    resets the attributes in ``resets`` (a new landscape brings its own start). ``formula_of(name,
    params)`` is LaTeX a control may show under the item's parameters, one formula per line ("" for
    none), and ``note_of(name, params)`` a sentence it shows below them ("" for none).
    """

    param: HyperParam
    params_attr: str
    params_of: Callable[[str], tuple[HyperParam, ...]]
    group_key: str
    invalid: str
    resets: tuple[str, ...] = ()
    formula_of: Callable[[str, ParamValues], str] = lambda name, params: ""
    note_of: Callable[[str, ParamValues], str] = lambda name, params: ""

    @property
    def key(self) -> str:
        return self.param.name

    def defaults(self, name: str) -> ParamValues:
        return tuple((p.name, p.default) for p in self.params_of(name))

    def complete(self, name: str, given: ParamValues) -> ParamValues:
        """Every parameter of ``name`` in declared order: ``given`` values, else the defaults."""
        values = dict(given)
        return tuple((p.name, values.get(p.name, p.default)) for p in self.params_of(name))

    def _switch(self, attr: str, name: str, values: Baseline, defaults: Mapping[str, Any]) -> None:
        values[attr] = name
        values[self.params_attr] = self.defaults(name)
        for reset in self.resets:
            values[reset] = defaults[reset]
            values.reset.add(reset)

    def decode(self, attr: str, reader: Reader, values: Baseline, defaults: Mapping[str, Any]) -> None:
        text = reader.text(self.key)
        if text is not None:
            if text not in self.param.choices:
                reader.problem(self.key, text, self.invalid, values[attr])
            elif text != values[attr]:
                self._switch(attr, text, values, defaults)
        name = values[attr]
        params = dict(values[self.params_attr])
        for p in self.params_of(name):
            params[p.name] = reader.value(self.group_key + p.name, p, params[p.name])
        values[self.params_attr] = tuple(params.items())

    def encode(self, attr: str, values: Mapping[str, Any], base: Baseline, out: dict[str, str],
               defaults: Mapping[str, Any]) -> None:
        name = values[attr]
        if name != base[attr]:
            out[self.key] = name
            self._switch(attr, name, base, defaults)
        reference = dict(base[self.params_attr])
        for p, (_, value) in zip(self.params_of(name), values[self.params_attr], strict=True):
            if value != reference[p.name]:
                out[self.group_key + p.name] = format_value(p, value)

    def widget_key(self, prefix: str, name: str, param: HyperParam) -> str:
        return f"{prefix}.{self.group_key}{name}.{param.name}"

    def to_widgets(self, attr: str, prefix: str, values: Mapping[str, Any], out: dict[str, Any]) -> None:
        name = values[attr]
        out[f"{prefix}.{self.key}"] = name
        for p, (_, value) in zip(self.params_of(name), values[self.params_attr], strict=True):
            out.update(kind_of(p).widget_values(p, self.widget_key(prefix, name, p), value))

    def from_widgets(self, attr: str, prefix: str, state: Mapping[str, Any], values: Baseline,
                     defaults: Mapping[str, Any]) -> None:
        name = state.get(f"{prefix}.{self.key}", values[attr])
        if name != values[attr]:
            self._switch(attr, name, values, defaults)
        params = dict(values[self.params_attr])
        for p in self.params_of(name):
            key = self.widget_key(prefix, name, p)
            params[p.name] = kind_of(p).read_widgets(p, key, state, params[p.name])
        values[self.params_attr] = tuple(params.items())


@dataclass(frozen=True)
class StartPoint:
    """Where every optimizer starts: ``None`` for the landscape's own start, else a point.

    ``landscape_of(values)`` gives the landscape the values describe (its dimension and default
    start). The landscape's own start is always written as ``None``, so each setting has one form.
    """

    param: HyperParam  # the URL key and the bound |x| ≤ high
    landscape_of: Callable[[Mapping[str, Any]], Any]

    @property
    def key(self) -> str:
        return self.param.name

    def default_start(self, values: Mapping[str, Any]) -> tuple[float, ...]:
        return tuple(float(v) for v in self.landscape_of(values).start)

    def _canonical(self, point: tuple[float, ...], values: Mapping[str, Any]) -> tuple[float, ...] | None:
        return None if point == self.default_start(values) else point

    def decode(self, attr: str, reader: Reader, values: Baseline) -> None:
        text = reader.text(self.key)
        if text is None:
            return
        dim = self.landscape_of(values).dim
        try:
            numbers = tuple(float(part) for part in text.split(","))
        except ValueError:
            numbers = ()
        # the closed range its number boxes offer, as for every declared value; rejects nan and inf too
        if len(numbers) != dim or not all(abs(n) <= self.param.high for n in numbers):
            reader.problem(self.key, text, f"a start here is {dim} finite number{'s' if dim > 1 else ''} "
                           "(|x| ≤ 10⁶) separated by commas", "the landscape's default start")
            values[attr] = None
            return
        values[attr] = self._canonical(numbers, values)

    def encode(self, attr: str, values: Mapping[str, Any], base: Baseline, out: dict[str, str]) -> None:
        if values[attr] is not None and values[attr] != self.default_start(values):
            out[self.key] = ",".join(format_number(v) for v in values[attr])

    def widget_key(self, prefix: str, k: int) -> str:
        return f"{prefix}.{self.key}.{k}"

    def to_widgets(self, attr: str, prefix: str, values: Mapping[str, Any], out: dict[str, Any]) -> None:
        point = values[attr] if values[attr] is not None else self.default_start(values)
        for k, coordinate in enumerate(point):
            out[self.widget_key(prefix, k)] = float(coordinate)

    def from_widgets(self, attr: str, prefix: str, state: Mapping[str, Any], values: Baseline) -> None:
        if attr in values.reset:  # a new landscape: its own start, not the old one's widgets
            values[attr] = None
            return
        default = self.default_start(values)
        current = values[attr] if values[attr] is not None else default
        point = tuple(float(state.get(self.widget_key(prefix, k), current[k])) for k in range(len(default)))
        values[attr] = self._canonical(point, values)


@dataclass(frozen=True)
class Slots:
    """The optimizers of a page: ``opt=sgd,adam``, each one's hyperparameters as ``oK.name`` and its
    colour as ``oK.color``.

    Widget keys: ``prefix.sK.name`` (slot K's optimizer), ``prefix.sK.<optimizer>.<param>`` (its
    hyperparameters; the optimizer's name is in the key, so switching a slot to another optimizer
    starts from that optimizer's values instead of inheriting a slider from the old one),
    ``prefix.sK.color`` (its colour, ``oK.color`` in a link) and ``prefix.slot_count``.
    """

    max_slots: int
    colour: HyperParam  # a slot's colour, ``oK.color`` in a link
    key: str = "opt"

    @staticmethod
    def baseline(names: tuple[str, ...], defaults: tuple, index: int) -> Any:
        """What slot ``index`` is when nothing else says: the page default if it is that optimizer."""
        from .settings import OptimizerChoice

        name = names[index]
        if index < len(defaults) and defaults[index].name == name:
            return defaults[index]
        return OptimizerChoice.of(name)

    def decode(self, attr: str, reader: Reader, values: Baseline) -> None:
        defaults = values[attr]
        names = tuple(c.name for c in defaults)
        numbers = tuple(range(1, len(names) + 1))  # each slot's number K in the link's ``oK.`` keys
        text = reader.text(self.key)
        if text is not None:
            listed = [n.strip() for n in text.split(",") if n.strip()]
            unknown = [n for n in listed if n not in OPTIMIZERS]
            if unknown:
                reader.notices.append(f"Ignored unknown optimizer{'s' if len(unknown) > 1 else ''} "
                                      f"{', '.join(f'`{quote(n)}`' for n in unknown[:5])} in the link.")
            wanted = [(k, n) for k, n in enumerate(listed, start=1) if n in OPTIMIZERS]
            if len(wanted) > self.max_slots:
                reader.notices.append(f"The link lists {len(wanted)} optimizers; showing the first "
                                      f"{self.max_slots}.")
                wanted = wanted[:self.max_slots]
            if wanted:
                numbers, names = (tuple(x) for x in zip(*wanted, strict=True))
            elif not unknown:
                reader.notices.append("The link lists no optimizer; showing the default ones.")
            # a setting for a slot that is not shown must not slide onto its neighbour
            shown = {f"o{k}." for k in numbers}
            for key in list(reader.query):
                if key.startswith("o") and "." in key and key[1:key.index(".")].isdigit() \
                        and key[:key.index(".") + 1] not in shown:
                    reader.text(key)
                    reader.notices.append(f"Ignored `{quote(key)}`: optimizer {key[1:key.index('.')]} of the "
                                          "link is not shown.")
        slots = []
        for i, number in enumerate(numbers):
            prefix = f"o{number}."
            slot = self.baseline(names, defaults, i)
            slot = slot.resolved(lambda p, current, prefix=prefix: reader.value(prefix + p.name, p, current))
            colour = reader.value(prefix + self.colour.name, self.colour, slot.colour)
            slots.append(replace(slot, colour=colour))
        values[attr] = tuple(slots)

    def encode(self, attr: str, values: Mapping[str, Any], base: Baseline, out: dict[str, str]) -> None:
        slots, defaults = values[attr], base[attr]
        names = tuple(s.name for s in slots)
        if names != tuple(d.name for d in defaults):
            out[self.key] = ",".join(names)
        for i, slot in enumerate(slots):
            baseline = self.baseline(names, defaults, i)
            reference = dict(baseline.hyper)
            for param in slot.params:
                value = slot.value(param.name)
                if value != reference.get(param.name, param.default):
                    out[f"o{i + 1}.{param.name}"] = format_value(param, value)
            if slot.colour != baseline.colour:
                out[f"o{i + 1}.{self.colour.name}"] = slot.colour

    @staticmethod
    def name_key(prefix: str, index: int) -> str:
        return f"{prefix}.s{index + 1}.name"

    @staticmethod
    def param_key(prefix: str, index: int, name: str, param: str) -> str:
        return f"{prefix}.s{index + 1}.{name}.{param}"

    @staticmethod
    def colour_key(prefix: str, index: int) -> str:
        return f"{prefix}.s{index + 1}.color"

    @staticmethod
    def count_key(prefix: str) -> str:
        return f"{prefix}.slot_count"

    def to_widgets(self, attr: str, prefix: str, values: Mapping[str, Any], out: dict[str, Any]) -> None:
        slots = values[attr]
        out[self.count_key(prefix)] = len(slots)
        for i, slot in enumerate(slots):
            out[self.name_key(prefix, i)] = slot.name
            out[self.colour_key(prefix, i)] = slot.colour
            for param in slot.params:
                key = self.param_key(prefix, i, slot.name, param.name)
                out.update(kind_of(param).widget_values(param, key, slot.value(param.name)))

    def read_slot(self, prefix: str, index: int, state: Mapping[str, Any], previous: Any = None) -> Any:
        """Slot ``index`` as its widgets show it; ``previous`` supplies values not on screen yet."""
        from .settings import OptimizerChoice

        name = state[self.name_key(prefix, index)]
        base = previous if previous is not None and previous.name == name else OptimizerChoice.of(name)
        kept = previous.colour if previous is not None else self.colour.default
        colour = state.get(self.colour_key(prefix, index), kept)
        return replace(base.resolved(lambda p, current: kind_of(p).read_widgets(
            p, self.param_key(prefix, index, name, p.name), state, current)), colour=colour)

    def read_all(self, prefix: str, state: Mapping[str, Any], previous: tuple = ()) -> tuple:
        count = int(state.get(self.count_key(prefix), len(previous)))
        return tuple(self.read_slot(prefix, i, state, previous[i] if i < len(previous) else None)
                     for i in range(count))

    def from_widgets(self, attr: str, prefix: str, state: Mapping[str, Any], values: Baseline) -> None:
        values[attr] = self.read_all(prefix, state, values[attr])


@dataclass(frozen=True)
class Nested:
    """A declared settings dataclass inside another (a page's run options), with the same keys."""

    def decode(self, attr: str, reader: Reader, values: Baseline) -> None:
        values[attr] = decode_fields(reader, values[attr])

    def encode(self, attr: str, values: Mapping[str, Any], base: Baseline, out: dict[str, str]) -> None:
        out.update(encode_fields(values[attr], base[attr]))

    def to_widgets(self, attr: str, prefix: str, values: Mapping[str, Any], out: dict[str, Any]) -> None:
        out.update(widget_values(prefix, values[attr]))

    def from_widgets(self, attr: str, prefix: str, state: Mapping[str, Any], values: Baseline) -> None:
        values[attr] = read_widgets(prefix, state, values[attr])


Declaration = Setting | ListSetting | Selector | StartPoint | Slots | Nested
_DECLARATION = "declaration"


def declared(declaration: Declaration, **field_options: Any) -> Any:
    """A dataclass field holding ``declaration``; a Setting's or Selector's default is its param's."""
    if isinstance(declaration, (Setting, ListSetting, Selector)) and "default_factory" not in field_options:
        field_options.setdefault("default", declaration.param.default)
    return dataclasses.field(metadata={_DECLARATION: declaration}, **field_options)


@cache
def declarations(cls: type) -> tuple[tuple[str, Declaration], ...]:
    """``(attribute, declaration)`` for every declared field of settings class ``cls``, in order."""
    return tuple((f.name, f.metadata[_DECLARATION]) for f in dataclasses.fields(cls)
                 if _DECLARATION in f.metadata)


def lowest(cls: type, attr: str) -> float:
    """The smallest value the declaration of ``cls.attr`` allows (a page capping work stops there)."""
    return dict(declarations(cls))[attr].param.low


def undeclared(cls: type) -> set[str]:
    """Fields of ``cls`` that no declaration owns (a setting a link or a widget would miss)."""
    owned = set()
    for attr, declaration in declarations(cls):
        owned.add(attr)
        if isinstance(declaration, Selector):
            owned.add(declaration.params_attr)
    return {f.name for f in dataclasses.fields(cls)} - owned


def _values(settings: Any) -> dict[str, Any]:
    return {f.name: getattr(settings, f.name) for f in dataclasses.fields(settings)}


def _field_defaults(cls: type) -> dict[str, Any]:
    out = {}
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            out[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            out[f.name] = f.default_factory()
    return out


def decode_fields(reader: Reader, default: Any) -> Any:
    """The settings a link describes, read against ``default`` (problems become notices)."""
    values = Baseline(_values(default))
    field_defaults = _field_defaults(type(default))
    for attr, declaration in declarations(type(default)):
        if isinstance(declaration, Selector):
            declaration.decode(attr, reader, values, field_defaults)
        else:
            declaration.decode(attr, reader, values)
    return type(default)(**values)


def encode_fields(settings: Any, default: Any) -> dict[str, str]:
    """The link parameters that reproduce ``settings`` (only those that differ from ``default``)."""
    values, base = _values(settings), Baseline(_values(default))
    field_defaults = _field_defaults(type(settings))
    out: dict[str, str] = {}
    for attr, declaration in declarations(type(settings)):
        if isinstance(declaration, Selector):
            declaration.encode(attr, values, base, out, field_defaults)
        else:
            declaration.encode(attr, values, base, out)
    return out


def widget_values(prefix: str, settings: Any) -> dict[str, Any]:
    """The widget values (by widget key) that show ``settings``."""
    values = _values(settings)
    out: dict[str, Any] = {}
    for attr, declaration in declarations(type(settings)):
        declaration.to_widgets(attr, prefix, values, out)
    return out


def read_widgets(prefix: str, state: Mapping[str, Any], previous: Any) -> Any:
    """The settings the widgets show; ``previous`` supplies what no widget holds yet."""
    values = Baseline(_values(previous))
    field_defaults = _field_defaults(type(previous))
    for attr, declaration in declarations(type(previous)):
        if isinstance(declaration, Selector):
            declaration.from_widgets(attr, prefix, state, values, field_defaults)
        else:
            declaration.from_widgets(attr, prefix, state, values)
    return type(previous)(**values)
