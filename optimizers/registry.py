"""The ordered registry of optimizer specs, gathered from the family modules.

A family module defines ``SPECS: tuple[OptimizerSpec, ...]``. A wrapper module (Lookahead) wraps the
others, so it defines ``wrapper_specs(inner: dict[str, OptimizerSpec])`` instead, which is called once
every plain optimizer is known; it still takes its place in the display order.
"""

from __future__ import annotations

import importlib

from .spec import OptimizerSpec

#: Family modules in display order.
FAMILY_MODULES = (
    "sgd",
    "adagrad",
    "rmsprop",
    "adadelta",
    "adam",
    "adam_variants",
    "rprop",
    "lion",
    "layerwise",
    "adaptive_moments",
    "factored",
    "paper_methods",
    "lookahead",
    "second_order",
    "gradient_free",
)

OPTIMIZERS: dict[str, OptimizerSpec] = {}


def _load() -> None:
    modules = [importlib.import_module(f"{__package__}.{name}") for name in FAMILY_MODULES]
    plain = {spec.name: spec for module in modules for spec in getattr(module, "SPECS", ())}
    for module in modules:
        specs = module.SPECS if hasattr(module, "SPECS") else module.wrapper_specs(dict(plain))
        for spec in specs:
            if spec.name in OPTIMIZERS:
                raise ValueError(f"optimizer {spec.name!r} registered twice")
            OPTIMIZERS[spec.name] = spec


def get_optimizer(name: str) -> OptimizerSpec:
    """The spec called ``name``; a KeyError lists the valid names."""
    try:
        return OPTIMIZERS[name]
    except KeyError:
        raise KeyError(
            f"unknown optimizer {name!r}; valid: {', '.join(OPTIMIZERS)}"
        ) from None


_load()
