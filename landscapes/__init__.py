"""Test functions with exact values, gradients and Hessians, and their display metadata.

>>> from landscapes import get_landscape
>>> L = get_landscape("rosenbrock")
>>> float(L([1.0, 1.0]))
0.0
"""

from typing import Any

from .base import Landscape, LandscapeProtocol
from .registry import LANDSCAPES, get_landscape


def custom(text: str, window: Any = None, start: Any = None) -> Any:
    """A landscape from a formula in x (and y), e.g. ``custom("(1-x)^2 + 100*(y-x^2)^2")``: see
    :mod:`landscapes.formula` (SymPy is imported only when this is called)."""
    from .formula import custom as build

    return build(text, window, start)


__all__ = ["LANDSCAPES", "Landscape", "LandscapeProtocol", "custom", "get_landscape"]
