"""Hyperparameter values as text (for URLs) and the grids of values the controls offer.

Every value a page keeps in its URL goes through :func:`format_value` and comes back through
:func:`parse_value`, which checks it against the :class:`~optimizers.HyperParam` (kind and range)
and says in words what is wrong when it cannot take it.
"""

from __future__ import annotations

import math
from typing import Any

from optimizers import HyperParam

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
#: Mantissas of the log grid: about ten values per decade, all of them round numbers.
_LOG_MANTISSAS = (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0)
#: Decay rates (betas, momentum, alpha, rho): fine steps near 1, where the behaviour changes most.
_DECAY_RATES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.92, 0.95, 0.97, 0.98,
                0.99, 0.995, 0.998, 0.999, 0.9995, 0.9999)


class ValueProblem(ValueError):
    """A text value that a hyperparameter cannot take; the message says why, in words."""


def format_number(value: float) -> str:
    """The shortest text that reads back as exactly ``value`` (``0.01``, ``1e-08``, ``500``)."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def format_value(param: HyperParam, value: Any) -> str:
    """``value`` of ``param`` as URL text: numbers exactly, pairs as ``a,b``, bools as 0/1."""
    if param.kind == "bool":
        return "1" if value else "0"
    if param.kind == "choice":
        return str(value)
    if param.kind == "pair":
        return ",".join(format_number(v) for v in value)
    return format_number(value)


def _number(text: str, what: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise ValueProblem(f"{text!r} is not {what}") from None
    if not math.isfinite(number):
        raise ValueProblem(f"{text!r} is not a finite number")
    return number


def _in_range(param: HyperParam, number: float, text: str) -> None:
    low = -math.inf if param.low is None else param.low
    high = math.inf if param.high is None else param.high
    if not low <= number <= high:
        raise ValueProblem(f"{text} is outside {format_number(low)} … {format_number(high)}")


def parse_value(param: HyperParam, text: str) -> Any:
    """The value of ``param`` written as ``text``; raises :class:`ValueProblem` saying why not."""
    text = text.strip()
    if param.kind == "bool":
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ValueProblem(f"{text!r} is not on/off (use 1 or 0)")
    if param.kind == "choice":
        if text not in param.choices:
            raise ValueProblem(f"{text!r} is not one of {', '.join(param.choices)}")
        return text
    if param.kind == "int":
        number = _number(text, "a whole number")
        if not number.is_integer():
            raise ValueProblem(f"{text!r} is not a whole number")
        _in_range(param, number, text)
        return int(number)
    if param.kind == "pair":
        parts = text.split(",")
        if len(parts) != 2:
            raise ValueProblem(f"{text!r} is not a pair of numbers such as "
                               f"{format_value(param, param.default)}")
        numbers = tuple(_number(part.strip(), "a number") for part in parts)
        for number, part in zip(numbers, parts, strict=True):
            _in_range(param, number, part.strip())
        if all(isinstance(d, int) for d in param.default):
            if not all(n.is_integer() for n in numbers):
                raise ValueProblem(f"{text!r} is not a pair of whole numbers")
            return tuple(int(n) for n in numbers)
        return numbers
    number = _number(text, "a number")
    _in_range(param, number, text)
    return number


def is_decay_rate(param: HyperParam) -> bool:
    """True for rates in [0, 1) that matter most near 1 (betas, momentum, alpha, rho, beta)."""
    return param.low == 0.0 and param.high is not None and 0.99 <= param.high < 1.0


def value_grid(param: HyperParam, include: Any = None) -> tuple[float, ...]:
    """The values a slider for a float (or one entry of a pair) offers, sorted, with ``include``.

    Log parameters get round numbers over their decades; decay rates get fine steps near 1; other
    ranges 50 even steps. ``include`` (the current or default value) is always among them, so a value
    typed into a URL survives even when it is off the grid.
    """
    low, high = float(param.low), float(param.high)
    if param.log:
        floor = low if low > 0 else min(1e-12, high)
        values = {low, high} if low > 0 else {high}
        for exponent in range(math.floor(math.log10(floor)), math.ceil(math.log10(high)) + 1):
            for mantissa in _LOG_MANTISSAS:
                value = float(f"{mantissa}e{exponent}")
                if floor <= value <= high:
                    values.add(value)
        if low == 0:
            values.add(0.0)
    elif is_decay_rate(param):
        values = {v for v in _DECAY_RATES if low <= v <= high} | {high}
    else:
        values = {float(f"{low + (high - low) * i / 50:.10g}") for i in range(51)}
    extra = include if isinstance(include, tuple) else (include,)
    values.update(float(v) for v in extra if v is not None)
    return tuple(sorted(values))
