"""Short, typographically clean numbers for hover labels."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np


def number(value: float, digits: int = 4) -> str:
    """Return ``value`` with ``digits`` significant digits and a true minus sign ("−3.4", "1.2e+05")."""
    value = float(value)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return f"{value:.{digits}g}".replace("-", "−")


def vector(values: Iterable[float] | np.ndarray, digits: int = 4) -> str:
    """Return a vector as "(a, b)", or a single entry as "a"."""
    values = np.atleast_1d(np.asarray(values, dtype=np.float64))
    if values.size == 1:
        return number(values[0], digits)
    return "(" + ", ".join(number(v, digits) for v in values) + ")"
