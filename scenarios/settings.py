"""What a run needs, as plain immutable values: the optimizers and the engine-wide options.

An :class:`OptimizerChoice` is one optimizer with every hyperparameter set; :class:`RunSettings`
holds the options every optimizer of a page shares (landscape, start, steps, noise, clipping,
schedule). Both are frozen dataclasses of strings, numbers and tuples, so they hash (for caching)
and compare (for URL round trips) exactly. Each option of :class:`RunSettings` is declared once, on
its field (see :mod:`scenarios.fields`): the link codec, the widgets and the controls derive from
those declarations.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal

from figures.style import COLOUR_NAMES
from landscapes import LANDSCAPES, custom, get_landscape
from optimizers import OPTIMIZERS, SCHEDULES, HyperParam, OptimizerSpec

from .fields import ParamValues, Selector, Setting, StartPoint, declared
from .values import format_number

#: At most this many optimizers share one plot (the colour-blind-safe palette has eight colours).
MAX_SLOTS = 8
MAX_STEPS = 5000

#: Parameters that build a variant of a landscape, with their ranges (the quadratic's shape and
#: linear term; the notes' quadratic is ½θᵀPθ + qᵀθ, whose minimum −P⁻¹q sits off the origin when
#: q ≠ 0, which is what makes weight decay differ visibly from no decay).
LANDSCAPE_PARAMS: dict[str, tuple[HyperParam, ...]] = {
    "quadratic": (
        HyperParam("condition", 10.0, "κ = λ_max / λ_min: how elongated the bowl is", low=1.0,
                   high=1000.0, log=True, symbol=r"\kappa"),
        HyperParam("angle", 30.0, "Rotation of the long axis, in degrees", low=-90.0, high=90.0),
        HyperParam("q", (0.0, 0.0), "The linear term q of ½θᵀPθ + qᵀθ: the minimum moves to −P⁻¹q",
                   low=-5.0, high=5.0, kind="pair", labels=("q₁", "q₂")),
    ),
}

#: The landscape choice that is a function the user types; its parameters are the text and the window.
CUSTOM = "custom"
#: A view window's range: each end within this bound.
WINDOW_BOUND = 1e4
LANDSCAPE_PARAMS[CUSTOM] = (
    HyperParam("f", "(x^2 - 1)^2 + 2*y^2", "A function of x, or of x and y, in ordinary notation: "
               "+ − * / ^ (or **), parentheses, numbers, pi, e and exp log sqrt abs sin cos tan tanh sinh "
               "cosh arctan. Its gradient and Hessian are computed exactly (SymPy); the text is never run "
               "as code.", kind="formula", label="f(x) or f(x, y)"),
    HyperParam("xrange", (-3.0, 3.0), "The view window along x (and where minima are searched for).",
               low=-WINDOW_BOUND, high=WINDOW_BOUND, kind="range", labels=("x from", "to"), label="x range"),
    HyperParam("yrange", (-3.0, 3.0), "The view window along y (used by functions of x and y).",
               low=-WINDOW_BOUND, high=WINDOW_BOUND, kind="range", labels=("y from", "to"), label="y range"),
)


def landscape_named(name: str, params: ParamValues = ()) -> Any:
    """The landscape a choice and its parameters describe: a built-in, or the user's own function."""
    if name == CUSTOM:
        values = dict(CUSTOM_DEFAULTS) | dict(params)
        return _custom_landscape(values["f"], tuple(values["xrange"]), tuple(values["yrange"]))
    return get_landscape(name, **dict(params))


@functools.lru_cache(maxsize=32)
def _custom_landscape(text: str, xrange: tuple[float, float], yrange: tuple[float, float]) -> Any:
    # bounded, so that a class typing functions cannot grow the server's memory without end
    return custom(text, window=(xrange, yrange))


#: The engine's gradient clipping modes (torch.nn.utils.clip_grad_norm_ / clip_grad_value_).
CLIP_MODES = ("none", "norm", "value")



def effective_params(spec: OptimizerSpec, hyper: dict[str, Any] | None = None) -> tuple[HyperParam, ...]:
    """The hyperparameters ``spec`` takes given ``hyper`` (a wrapper adds its inner optimizer's)."""
    return concrete_spec(spec, hyper).hyperparams


def concrete_spec(spec: OptimizerSpec, hyper: dict[str, Any] | None = None) -> OptimizerSpec:
    """The spec that runs for ``hyper``: a wrapper's specialization (Lookahead (SGD)), else ``spec``."""
    return spec if spec.specialize is None else spec.specialize(dict(hyper or {}))


#: A slot's colour: "auto" (the palette colour of its place) or a palette colour by name.
COLOUR = HyperParam("color", "auto", "The colour of this optimizer's path and curves (its marker symbol "
                    "stays, so paths remain apart in greyscale too)", kind="choice",
                    choices=("auto",) + COLOUR_NAMES, label="colour")


@dataclass(frozen=True)
class OptimizerChoice:
    """One optimizer with every hyperparameter set (in the order of its spec), and its slot's colour."""

    name: str
    hyper: ParamValues
    colour: str = "auto"

    @classmethod
    def of(cls, name: str, **overrides: Any) -> OptimizerChoice:
        """``name`` at its spec defaults, with ``overrides`` (unknown names raise KeyError)."""
        params = effective_params(OPTIMIZERS[name], overrides)
        unknown = set(overrides) - {p.name for p in params}
        if unknown:
            raise KeyError(f"{name} has no hyperparameter {', '.join(sorted(unknown))}")
        return cls(name, tuple((p.name, overrides.get(p.name, p.default)) for p in params))

    @property
    def spec(self) -> OptimizerSpec:
        return OPTIMIZERS[self.name]

    @property
    def concrete(self) -> OptimizerSpec:
        """The spec that runs (a wrapper specialised to its inner optimizer)."""
        return concrete_spec(self.spec, dict(self.hyper))

    @property
    def params(self) -> tuple[HyperParam, ...]:
        """The hyperparameters this choice sets, in order."""
        return self.concrete.hyperparams

    def value(self, key: str) -> Any:
        return dict(self.hyper)[key]

    def with_values(self, **changes: Any) -> OptimizerChoice:
        """The same choice with some hyperparameters changed (a new ``inner`` re-derives the set)."""
        values = dict(self.hyper) | changes
        params = effective_params(self.spec, values)
        return replace(self, hyper=tuple((p.name, values.get(p.name, p.default)) for p in params))

    def resolved(self, read: Callable[[HyperParam, Any], Any]) -> OptimizerChoice:
        """This choice with every hyperparameter as ``read(param, current value)`` gives it.

        A wrapper's own hyperparameters (Lookahead's ``inner``) decide which others exist, so they
        are read first and the rest are read for the optimizer they chose. Links and widgets both
        read slots through here.
        """
        own = {p.name: read(p, self.value(p.name)) for p in self.spec.hyperparams}
        choice = self.with_values(**own)
        rest = {p.name: read(p, choice.value(p.name)) for p in choice.params if p.name not in own}
        return choice.with_values(**rest) if rest else choice

    @property
    def title(self) -> str:
        """The display name; a wrapper names its inner optimizer (``Lookahead (SGD)``)."""
        return self.concrete.title

    def short_label(self) -> str:
        """``Adam, lr=0.01``: the title and learning rate, which tell slots apart in most plots."""
        values = dict(self.hyper)
        if "lr" in values:
            return f"{self.title}, lr={format_number(values['lr'])}"
        return self.title

    def differences(self) -> str:
        """The hyperparameters that differ from the spec's defaults, as ``momentum=0.5, …``."""
        params = {p.name: p for p in self.params}
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


CUSTOM_DEFAULTS = tuple((p.name, p.default) for p in LANDSCAPE_PARAMS[CUSTOM])


def _landscape_of(values: Any) -> Any:
    return landscape_named(values["landscape"], values["landscape_params"])


def _landscape_formula(name: str, params: ParamValues) -> str:
    """The user's function and its gradient in LaTeX, one per line, under the text box ("" for the
    built-ins): what was understood, so a typo shows at once."""
    if name != CUSTOM:
        return ""
    landscape = landscape_named(name, params)
    return "\n".join((f"f = {landscape.formula}", *landscape.partials_latex))


#: Minima named at most in the note that some lie outside the window.
NOTED_MINIMA = 3


def _landscape_note(name: str, params: ParamValues) -> str:
    """For your own function: the minima the search found outside the window, which no chart shows."""
    if name != CUSTOM:
        return ""
    landscape = landscape_named(name, params)
    outside = [point for point in landscape.minima
               if not all(lo <= v <= hi for v, (lo, hi) in zip(point, landscape.bounds, strict=True))]
    if not outside:
        return ""
    shown = "; ".join(f"x = {point[0]:.4g}" if len(point) == 1 else
                      "(" + ", ".join(f"{float(v):.4g}" for v in point) + ")"
                      for point in outside[:NOTED_MINIMA])
    more = f" and {len(outside) - NOTED_MINIMA} more" if len(outside) > NOTED_MINIMA else ""
    return (f"The search found {'a minimum' if len(outside) == 1 else 'minima'} outside this window: "
            f"{shown}{more}. Widen the window to see {'it' if len(outside) == 1 else 'them'}.")


LANDSCAPE = Selector(
    HyperParam("landscape", "rosenbrock",
               "The function the optimizers minimize (or maximize, for 25 sin x − x²); the last choice "
               "is a function you type.",
               kind="choice", choices=(*LANDSCAPES, CUSTOM), label="Landscape",
               labels=(*(f"{ls.title} ({ls.dim}-D)" for ls in LANDSCAPES.values()), "Your own function")),
    params_attr="landscape_params", params_of=lambda name: LANDSCAPE_PARAMS.get(name, ()), group_key="",
    invalid="there is no such landscape", resets=("start",), formula_of=_landscape_formula,
    note_of=_landscape_note)
SCHEDULE = Selector(
    HyperParam("schedule", "constant",
               "Multiplies every optimizer's lr at each step (torch.optim.lr_scheduler names).",
               kind="choice", choices=tuple(SCHEDULES), label="Learning-rate schedule",
               labels=tuple(s.title for s in SCHEDULES.values())),
    params_attr="schedule_params", params_of=lambda name: SCHEDULES[name].params, group_key="schedule.",
    invalid="there is no such schedule",
    formula_of=lambda name, params: SCHEDULES[name].formula if name != "constant" else "")


@dataclass(frozen=True)
class RunSettings:
    """The engine-wide options shared by every slot of a page."""

    landscape: str = declared(LANDSCAPE)
    landscape_params: ParamValues = ()
    steps: int = declared(Setting(
        HyperParam("steps", 300, "Number of optimizer steps.", low=1, high=MAX_STEPS, kind="int",
                   label="Steps"), widget="slider"))
    start: tuple[float, ...] | None = declared(  # None: the landscape's default start
        StartPoint(HyperParam("start", None, "Where every optimizer starts. The default is the "
                              "landscape's own.", low=-1e6, high=1e6), _landscape_of), default=None)
    noise: float = declared(Setting(
        HyperParam("noise", 0.0, "Adds N(0, σ²) to every gradient component, as in stochastic gradient "
                   "descent.", low=0.0, high=100.0, log=True, label="Gradient noise σ"), zero_label="off"))
    noise_df: int = declared(Setting(
        HyperParam("noise_df", 0, "Heavy tails: σ times a Student-t variate with ν degrees of freedom "
                   "(ν = 1 is the Cauchy distribution): mostly small kicks and now and then a huge one, as "
                   "in the minibatch gradients of real networks. 0 keeps the noise Gaussian.",
                   low=0, high=100, kind="int", label="Noise tails ν (0: Gaussian)"),
        shown=lambda run: run.noise > 0))
    seed: int = declared(Setting(
        HyperParam("seed", 0, "The same seed gives the same noise, so a link reproduces the figure.",
                   low=0, high=2**31 - 1, kind="int", label="Noise seed"), shown=lambda run: run.noise > 0))
    clip: Literal["none", "norm", "value"] = declared(Setting(
        HyperParam("clip", "none", "torch.nn.utils.clip_grad_norm_ / clip_grad_value_ before each step.",
                   kind="choice", choices=CLIP_MODES, labels=("off", "by norm", "by value"),
                   label="Gradient clipping"),
        widget="segmented", invalid=f"clipping is one of {', '.join(CLIP_MODES)}"))
    clip_threshold: float = declared(Setting(
        HyperParam("clip_at", 1.0, "The norm (or the value) the gradient is clipped to.", low=1e-6,
                   high=1e6, log=True, label="Clip threshold"), shown=lambda run: run.clip != "none"))
    schedule: str = declared(SCHEDULE)
    schedule_params: ParamValues = ()

    def __post_init__(self) -> None:
        # Every parameter of the landscape and schedule, in declared order, so that equal settings
        # compare equal however they were written.
        for selector in (LANDSCAPE, SCHEDULE):
            name, given = getattr(self, selector.key), getattr(self, selector.params_attr)
            object.__setattr__(self, selector.params_attr, selector.complete(name, given))

    def build_landscape(self) -> Any:
        """The landscape these settings name, with their parameters."""
        return landscape_named(self.landscape, self.landscape_params)

    def start_point(self) -> tuple[float, ...]:
        return self.start if self.start is not None else tuple(self.build_landscape().start)

    def engine_options(self) -> dict[str, Any]:
        """Keyword arguments for :func:`optimizers.run` (noise, seed, clipping, schedule)."""
        options: dict[str, Any] = {}
        if self.noise > 0:
            options.update(noise=self.noise, seed=self.seed)
            if self.noise_df:
                options["noise_df"] = self.noise_df
        if self.clip == "norm":
            options["clip_norm"] = self.clip_threshold
        elif self.clip == "value":
            options["clip_value"] = self.clip_threshold
        if self.schedule != "constant":
            options["schedule"] = (self.schedule, dict(self.schedule_params))
        return options


def with_landscape(run: RunSettings, name: str) -> RunSettings:
    """``run`` moved to landscape ``name``: its own parameters (the user's function, if ``run`` has one
    and ``name`` is that choice) and default start."""
    if name not in LANDSCAPE.param.choices:
        raise KeyError(name)
    if name == run.landscape == CUSTOM:
        return replace(run, start=None)
    return replace(run, landscape=name, landscape_params=LANDSCAPE.defaults(name), start=None)
