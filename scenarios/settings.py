"""What a page shows, as plain immutable values: the settings a URL encodes and a run needs.

The Playground draws any number of optimizer *slots* on one landscape; the same optimizer may
appear twice (SGD at two learning rates). The Compare page draws small multiples. Both are frozen
dataclasses of strings, numbers and tuples, so they hash (for caching) and compare (for URL
round trips) exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

from landscapes import LANDSCAPES, get_landscape
from optimizers import OPTIMIZERS, SCHEDULES, HyperParam, OptimizerSpec

from .values import format_number

#: At most this many optimizers share one plot (the colour-blind-safe palette has eight colours).
MAX_SLOTS = 8
MAX_STEPS = 5000
MAX_LEARNING_RATES = 8
MAX_PANELS = 9

#: Parameters that build a variant of a landscape, with their ranges (the quadratic's shape).
LANDSCAPE_PARAMS: dict[str, tuple[HyperParam, ...]] = {
    "quadratic": (
        HyperParam("condition", 10.0, "κ = λ_max / λ_min: how elongated the bowl is", low=1.0,
                   high=1000.0, log=True, symbol=r"\kappa"),
        HyperParam("angle", 30.0, "Rotation of the long axis, in degrees", low=-90.0, high=90.0),
    ),
}

#: The engine's gradient clipping modes (torch.nn.utils.clip_grad_norm_ / clip_grad_value_).
CLIP_MODES = ("none", "norm", "value")

#: Ranges of the engine-wide options: what a link may hold and what the controls offer.
NOISE = HyperParam("noise", 0.0, "Gradient noise σ", low=0.0, high=100.0, log=True)
CLIP_THRESHOLD = HyperParam("clip_at", 1.0, "Clipping threshold", low=1e-6, high=1e6, log=True)
TOLERANCE = HyperParam("tol", 1e-6, "Tolerance for steps to reach", low=1e-15, high=1.0, log=True)

Hyper = tuple[tuple[str, Any], ...]


def effective_params(spec: OptimizerSpec, hyper: dict[str, Any] | None = None) -> tuple[HyperParam, ...]:
    """The hyperparameters ``spec`` takes given ``hyper`` (a wrapper adds its inner optimizer's)."""
    if spec.specialize is None:
        return spec.hyperparams
    return spec.specialize(dict(hyper or {})).hyperparams


@dataclass(frozen=True)
class OptimizerChoice:
    """One optimizer with every hyperparameter set (in the order of its spec)."""

    name: str
    hyper: Hyper

    @classmethod
    def of(cls, name: str, **overrides: Any) -> OptimizerChoice:
        """``name`` at its spec defaults, with ``overrides`` (unknown names raise KeyError)."""
        spec = OPTIMIZERS[name]
        params = effective_params(spec, overrides)
        known = {p.name for p in params}
        unknown = set(overrides) - known
        if unknown:
            raise KeyError(f"{name} has no hyperparameter {', '.join(sorted(unknown))}")
        return cls(name, tuple((p.name, overrides.get(p.name, p.default)) for p in params))

    @property
    def spec(self) -> OptimizerSpec:
        return OPTIMIZERS[self.name]

    def value(self, key: str) -> Any:
        return dict(self.hyper)[key]

    def with_values(self, **changes: Any) -> OptimizerChoice:
        """The same choice with some hyperparameters changed (a new ``inner`` re-derives the set)."""
        values = dict(self.hyper) | changes
        params = effective_params(self.spec, values)
        return OptimizerChoice(self.name, tuple((p.name, values.get(p.name, p.default)) for p in params))

    @property
    def title(self) -> str:
        """The display name; a wrapper names its inner optimizer (``Lookahead (SGD)``)."""
        spec = self.spec
        return spec.specialize(dict(self.hyper)).title if spec.specialize is not None else spec.title

    def short_label(self) -> str:
        """``Adam, lr=0.01``: the title and learning rate, which tell slots apart in most plots."""
        values = dict(self.hyper)
        if "lr" in values:
            return f"{self.title}, lr={format_number(values['lr'])}"
        return self.title

    def differences(self) -> str:
        """The hyperparameters that differ from the spec's defaults, as ``momentum=0.5, …``."""
        params = {p.name: p for p in effective_params(self.spec, dict(self.hyper))}
        parts = []
        for key, value in self.hyper:
            if key != "lr" and value != params[key].default:
                shown = ",".join(format_number(v) for v in value) if isinstance(value, tuple) else (
                    format_number(value) if isinstance(value, float) else str(value))
                parts.append(f"{key}={shown}")
        return ", ".join(parts)


def slot_labels(choices: tuple[OptimizerChoice, ...]) -> list[str]:
    """Legend labels that tell every slot apart: title and lr, then other differences, then a number."""
    labels = [c.short_label() for c in choices]
    for i, choice in enumerate(choices):
        if labels.count(labels[i]) > 1 and choice.differences():
            labels[i] = f"{labels[i]}, {choice.differences()}"
    seen: dict[str, int] = {}
    for i, label in enumerate(labels):
        if labels.count(label) > 1:
            seen[label] = seen.get(label, 0) + 1
            labels[i] = f"{label} #{seen[label]}"
    return labels


@dataclass(frozen=True)
class RunSettings:
    """The engine-wide options shared by every slot of a page."""

    landscape: str = "rosenbrock"
    landscape_params: Hyper = ()
    start: tuple[float, ...] | None = None  # None: the landscape's default start
    steps: int = 300
    noise: float = 0.0
    seed: int = 0
    clip: Literal["none", "norm", "value"] = "none"
    clip_threshold: float = 1.0
    schedule: str = "constant"
    schedule_params: Hyper = ()

    def build_landscape(self) -> Any:
        """The landscape these settings name, with their parameters."""
        return get_landscape(self.landscape, **dict(self.landscape_params))

    def start_point(self) -> tuple[float, ...]:
        return self.start if self.start is not None else tuple(self.build_landscape().start)

    def engine_options(self) -> dict[str, Any]:
        """Keyword arguments for :func:`optimizers.run` (noise, seed, clipping, schedule)."""
        options: dict[str, Any] = {}
        if self.noise > 0:
            options.update(noise=self.noise, seed=self.seed)
        if self.clip == "norm":
            options["clip_norm"] = self.clip_threshold
        elif self.clip == "value":
            options["clip_value"] = self.clip_threshold
        if self.schedule != "constant":
            options["schedule"] = (self.schedule, dict(self.schedule_params))
        return options


def default_landscape_params(name: str) -> Hyper:
    return tuple((p.name, p.default) for p in LANDSCAPE_PARAMS.get(name, ()))


def default_schedule_params(name: str) -> Hyper:
    return tuple((p.name, p.default) for p in SCHEDULES[name].params)


@dataclass(frozen=True)
class Playground:
    """The landing page: several optimizer slots on one landscape, with shared engine options."""

    run: RunSettings = field(default_factory=RunSettings)
    slots: tuple[OptimizerChoice, ...] = ()
    tolerance: float = 1e-6
    surface: bool = False


@dataclass(frozen=True)
class Comparison:
    """The Compare page: the same optimizers on several landscapes, or one at several lrs."""

    mode: Literal["landscapes", "learning_rates"] = "landscapes"
    landscapes: tuple[str, ...] = ("quadratic", "rosenbrock", "himmelblau", "six_hump_camel")
    slots: tuple[OptimizerChoice, ...] = ()
    run: RunSettings = field(default_factory=RunSettings)
    learning_rates: tuple[float, ...] = (0.001, 0.01, 0.1, 1.0)


def default_playground() -> Playground:
    """What the landing page shows before anyone touches it: three classics on Rosenbrock."""
    return Playground(
        run=RunSettings(landscape="rosenbrock", steps=500),
        slots=(
            OptimizerChoice.of("sgd", lr=0.001),
            OptimizerChoice.of("momentum", lr=0.001),
            OptimizerChoice.of("adam", lr=0.1),
        ),
    )


def default_comparison() -> Comparison:
    """The Compare page's first view: SGD, momentum and Adam on four landscapes."""
    return Comparison(
        slots=(
            OptimizerChoice.of("sgd", lr=0.01),
            OptimizerChoice.of("momentum", lr=0.01),
            OptimizerChoice.of("adam", lr=0.05),
        ),
        run=RunSettings(landscape="x2_plus_sin", steps=200),
    )


def with_landscape(run: RunSettings, name: str) -> RunSettings:
    """``run`` moved to landscape ``name``: its own parameters and default start."""
    if name not in LANDSCAPES:
        raise KeyError(name)
    return replace(run, landscape=name, landscape_params=default_landscape_params(name), start=None)
