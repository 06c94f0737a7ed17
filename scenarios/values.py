"""The values a control offers for a declared number: round numbers per decade, fine steps near 1.

The text codecs live in :mod:`scenarios.kinds`; their names are re-exported here for callers that
only need to read or write one value.
"""

from __future__ import annotations

import math
from typing import Any

from optimizers import HyperParam

from .kinds import ValueProblem, format_number, format_value, parse_value

__all__ = ["ValueProblem", "format_number", "format_value", "parse_value", "value_grid"]

#: Mantissas of the log grid: about ten values per decade, all of them round numbers.
_LOG_MANTISSAS = (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0)
#: Decay rates (betas, momentum, alpha, rho): fine steps near 1, where the behaviour changes most.
_DECAY_RATES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.92, 0.95, 0.97, 0.98,
                0.99, 0.995, 0.998, 0.999, 0.9995, 0.9999)
#: Steps of a linear range.
_LINEAR_STEPS = 50


def value_grid(param: HyperParam, include: Any = None) -> tuple[float, ...]:
    """The values a slider for a float (or one entry of a pair) offers, sorted, with ``include``.

    The declaration says which grid: ``log`` gets round numbers over its decades, ``decay_rate``
    fine steps near 1, anything else 50 even steps. ``include`` (the current or default value) is
    always among them, so a value typed into a URL survives even when it is off the grid.
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
    elif param.decay_rate:
        values = {v for v in _DECAY_RATES if low <= v <= high} | {low, high}
    else:
        values = {float(f"{low + (high - low) * i / _LINEAR_STEPS:.10g}") for i in range(_LINEAR_STEPS + 1)}
    extra = include if isinstance(include, tuple) else (include,)
    values.update(float(v) for v in extra if v is not None)
    return tuple(sorted(values))
