"""The ordered registry of optimizer specs, gathered from the family modules."""

from __future__ import annotations

import importlib

from .spec import OptimizerSpec

#: Family modules in display order; each defines ``SPECS: tuple[OptimizerSpec, ...]``.
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
    for module_name in FAMILY_MODULES:
        try:
            module = importlib.import_module(f"{__package__}.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__package__}.{module_name}":
                raise
            continue  # a family not written yet
        for spec in module.SPECS:
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
