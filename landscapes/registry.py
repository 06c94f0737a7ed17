"""The ordered registry of built-in landscapes."""

from __future__ import annotations

from typing import Any

from . import classic_2d
from .base import Landscape

LANDSCAPES: dict[str, Landscape] = {
    landscape.name: landscape
    for landscape in (
        classic_2d.Rosenbrock(),
    )
}


def get_landscape(name: str, **params: Any) -> Landscape:
    """The built-in landscape ``name``; parameters build a variant (e.g. a quadratic's condition).

    Raises KeyError listing the valid names for an unknown one.
    """
    try:
        landscape = LANDSCAPES[name]
    except KeyError:
        raise KeyError(f"unknown landscape {name!r}; valid: {', '.join(LANDSCAPES)}") from None
    if params:
        return type(landscape)(**params)
    return landscape
