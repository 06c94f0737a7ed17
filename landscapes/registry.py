"""The ordered registry of built-in landscapes."""

from __future__ import annotations

from typing import Any

from . import classic_2d, one_d, quadratic
from .base import Landscape

#: Built-in landscapes in display order: the course notes' 1-D and quadratic examples first.
LANDSCAPES: dict[str, Landscape] = {
    landscape.name: landscape
    for landscape in (
        quadratic.Quadratic(),
        one_d.XPlusSin(),
        one_d.X2PlusSin(),
        one_d.SinMinusSquare(),
        classic_2d.Rosenbrock(),
        classic_2d.Saddle(),
        classic_2d.Himmelblau(),
        classic_2d.Beale(),
        classic_2d.Booth(),
        classic_2d.SixHumpCamel(),
        classic_2d.Rastrigin(),
        classic_2d.Ackley(),
        classic_2d.MonkeySaddle(),
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
