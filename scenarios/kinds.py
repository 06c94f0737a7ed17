"""One codec per kind of value: URL text both ways and the widget values that show it.

Every declared value (an optimizer's hyperparameter, a landscape's or schedule's parameter, a page
option) is a :class:`~optimizers.HyperParam`; its ``kind`` picks one codec here, so how a float, a
pair or a flag travels through a link and the sidebar is written once, not once per setting.

A codec's ``parse`` checks the text against the declaration (type and range) and raises
:class:`ValueProblem` saying in words what is wrong; ``format`` writes the text that reads back as
exactly the same value. ``widget_values`` and ``read_widgets`` map a value to the widget keys that
show it and back (a pair takes two widgets, ``key.0`` and ``key.1``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from optimizers import HyperParam

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


#: A notice quotes at most this much of a link's value (a pasted 10,000-character value must not
#: flood the page).
QUOTE_LIMIT = 60


def quote(text: str) -> str:
    """``text`` for a notice, cut to :data:`QUOTE_LIMIT` characters."""
    return text if len(text) <= QUOTE_LIMIT else text[:QUOTE_LIMIT] + "…"


class ValueProblem(ValueError):
    """A text value that a declaration cannot take; the message says why, in words."""


def format_number(value: float) -> str:
    """The shortest text that reads back as exactly ``value`` (``0.01``, ``1e-08``, ``500``)."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def parse_number(text: str, what: str = "a number") -> float:
    """A finite float from ``text``; raises :class:`ValueProblem` naming ``what`` was expected."""
    try:
        number = float(text)
    except ValueError:
        raise ValueProblem(f"{quote(text)!r} is not {what}") from None
    if not math.isfinite(number):
        raise ValueProblem(f"{quote(text)!r} is not a finite number")
    return number


def check_range(param: HyperParam, number: float, text: str) -> None:
    """Raise :class:`ValueProblem` when ``number`` is outside ``param``'s range."""
    low = -math.inf if param.low is None else param.low
    high = math.inf if param.high is None else param.high
    if not low <= number <= high:
        raise ValueProblem(f"{quote(text)} is outside {format_number(low)} … {format_number(high)}")


def _whole(param: HyperParam, text: str) -> int:
    number = parse_number(text, "a whole number")
    if not number.is_integer():
        raise ValueProblem(f"{quote(text)!r} is not a whole number")
    check_range(param, number, text)
    return int(number)


class _Scalar:
    """A value shown by one widget under its own key."""

    def widget_values(self, param: HyperParam, key: str, value: Any) -> dict[str, Any]:
        return {key: value}

    def read_widgets(self, param: HyperParam, key: str, state: Mapping[str, Any], default: Any) -> Any:
        value = state.get(key)
        return default if value is None else self.convert(value)

    def convert(self, value: Any) -> Any:
        return value


class _Number(_Scalar):
    def format(self, param: HyperParam, value: Any) -> str:
        return format_number(value)


class FloatKind(_Number):
    def parse(self, param: HyperParam, text: str) -> float:
        number = parse_number(text)
        check_range(param, number, text)
        return number

    def convert(self, value: Any) -> float:
        return float(value)


class IntKind(_Number):
    def parse(self, param: HyperParam, text: str) -> int:
        return _whole(param, text)

    def convert(self, value: Any) -> int:
        return int(value)


class BoolKind(_Scalar):
    def parse(self, param: HyperParam, text: str) -> bool:
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ValueProblem(f"{quote(text)!r} is not on/off (use 1 or 0)")

    def format(self, param: HyperParam, value: Any) -> str:
        return "1" if value else "0"

    def convert(self, value: Any) -> bool:
        return bool(value)


class ChoiceKind(_Scalar):
    def parse(self, param: HyperParam, text: str) -> str:
        if text not in param.choices:
            raise ValueProblem(f"{quote(text)!r} is not one of {', '.join(param.choices)}")
        return text

    def format(self, param: HyperParam, value: Any) -> str:
        return str(value)


class PairKind:
    """Two numbers under ``key.0`` and ``key.1``, written ``a,b`` in a link."""

    def __init__(self, element: _Scalar) -> None:
        self.element = element

    def parse(self, param: HyperParam, text: str) -> tuple:
        parts = [part.strip() for part in text.split(",")]
        if len(parts) != 2:
            raise ValueProblem(f"{quote(text)!r} is not a pair of numbers such as "
                               f"{self.format(param, param.default)}")
        return tuple(self.element.parse(param, part) for part in parts)

    def format(self, param: HyperParam, value: Any) -> str:
        return ",".join(format_number(v) for v in value)

    def widget_values(self, param: HyperParam, key: str, value: Any) -> dict[str, Any]:
        return {f"{key}.0": value[0], f"{key}.1": value[1]}

    def read_widgets(self, param: HyperParam, key: str, state: Mapping[str, Any], default: Any) -> Any:
        first, second = state.get(f"{key}.0"), state.get(f"{key}.1")
        if first is None or second is None:
            return default
        return (self.element.convert(first), self.element.convert(second))


class _Text(_Scalar):
    """A value typed into one text box: a text the page cannot use keeps the last good value (the
    page says why next to the box)."""

    def read_widgets(self, param: HyperParam, key: str, state: Mapping[str, Any], default: Any) -> Any:
        text = state.get(key)
        if text is None:
            return default
        try:
            return self.parse(param, str(text))
        except ValueProblem:
            return default


class SeriesKind(_Text):
    """Numbers in order, repeats kept: ``a,b,c`` in a link, ``a, b, c`` in one text box.

    A box whose text cannot be used keeps the last good series (the page says why next to it).
    """

    max_items = 100

    def parse(self, param: HyperParam, text: str) -> tuple[float, ...]:
        parts = [part.strip() for part in text.replace(";", ",").split(",")]
        parts = [part for part in parts if part]
        if not parts:
            raise ValueProblem("there are no numbers in it")
        if len(parts) > self.max_items:
            raise ValueProblem(f"it has {len(parts)} numbers; at most {self.max_items} are shown")
        numbers = []
        for part in parts:
            number = parse_number(part)
            check_range(param, number, part)
            numbers.append(number)
        return tuple(numbers)

    def format(self, param: HyperParam, value: Any) -> str:
        return ",".join(format_number(v) for v in value)

    def widget_values(self, param: HyperParam, key: str, value: Any) -> dict[str, Any]:
        return {key: ", ".join(format_number(v) for v in value)}


class RangeKind(PairKind):
    """A range ``(low, high)`` with low < high, written ``low,high``; two number boxes."""

    def __init__(self) -> None:
        super().__init__(FloatKind())

    def parse(self, param: HyperParam, text: str) -> tuple:
        low, high = super().parse(param, text)
        if not low < high:
            raise ValueProblem(f"{quote(text)!r} is not a range: its first number must be the smaller")
        return (low, high)

    def read_widgets(self, param: HyperParam, key: str, state: Mapping[str, Any], default: Any) -> Any:
        value = super().read_widgets(param, key, state, default)
        return value if value[0] < value[1] else default  # the page says why next to the boxes


class FormulaKind(_Text):
    """The text of a function of x (and y), in a link and in one text box.

    Checked by :func:`landscapes.formula.compile_formula`: parsed with :mod:`ast` against a whitelist,
    never evaluated. A box whose text cannot be used keeps the last good function (the page says why
    next to it, pointing at the problem).
    """

    def parse(self, param: HyperParam, text: str) -> str:
        from landscapes.formula import ExpressionError, compile_formula  # SymPy only when a formula is used

        try:
            return compile_formula(text).text
        except ExpressionError as error:
            raise ValueProblem(str(error)) from None

    def format(self, param: HyperParam, value: Any) -> str:
        return str(value)


KINDS = {
    "float": FloatKind(),
    "int": IntKind(),
    "bool": BoolKind(),
    "choice": ChoiceKind(),
    "pair": PairKind(FloatKind()),
    "int_pair": PairKind(IntKind()),
    "series": SeriesKind(),
    "range": RangeKind(),
    "formula": FormulaKind(),
}


def kind_of(param: HyperParam) -> Any:
    """The codec for ``param``'s kind."""
    return KINDS[param.kind]


def format_value(param: HyperParam, value: Any) -> str:
    """``value`` of ``param`` as URL text: numbers exactly, pairs as ``a,b``, flags as 0/1."""
    return kind_of(param).format(param, value)


def parse_value(param: HyperParam, text: str) -> Any:
    """The value of ``param`` written as ``text``; raises :class:`ValueProblem` saying why not."""
    return kind_of(param).parse(param, text.strip())


def shown_value(param: HyperParam, value: Any) -> str:
    """How a notice names a value: on/off for a flag, else the URL text."""
    if param.kind == "bool":
        return "on" if value else "off"
    return format_value(param, value)
