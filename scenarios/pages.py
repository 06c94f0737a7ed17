"""The app's pages as plain declarations: what each one's settings are and where it lives.

A page's settings are a frozen dataclass whose fields carry their declarations (see
:mod:`scenarios.fields`); a :class:`Page` names the page, its file, its widget-key prefix and its
defaults. Everything else — the link codec, the widget values, the menu, which presets load where —
is derived from these. Adding a page with URL state: its settings class and :class:`Page` here (and
one entry in :data:`PAGES`), one page module in ``ui/``, one thin file in ``pages/``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from landscapes import LANDSCAPES, get_landscape
from networks.activations import ACTIVATION_NAMES, activation
from networks.data import DATASETS
from networks.init import INITS
from optimizers import OPTIMIZERS, HyperParam

from .fields import ListSetting, Nested, ParamValues, Selector, Setting, Slots, StartPoint, declared
from .settings import (
    COLOUR,
    CUSTOM,
    LANDSCAPE,
    MAX_SLOTS,
    SCHEDULE,
    OptimizerChoice,
    RunSettings,
    with_landscape,
)

MAX_LEARNING_RATES = 8
MAX_BASIN_SLOTS = 4  # side by side maps; each one is resolution² runs
MAX_RACERS = 8
MAX_PANELS = 9


@dataclass(frozen=True)
class Playground:
    """The landing page: several optimizer slots on one landscape, with shared engine options."""

    run: RunSettings = declared(Nested(), default_factory=RunSettings)
    slots: tuple[OptimizerChoice, ...] = declared(Slots(MAX_SLOTS, COLOUR), default=())
    tolerance: float = declared(Setting(
        HyperParam("tol", 1e-6, "A run has converged once f − f* (or ‖∇f‖ without a known optimum) is "
                   "this small.", low=1e-15, high=1.0, log=True, label="Tolerance for “steps to reach”")))
    surface: bool = declared(Setting(
        HyperParam("surface", False, "Draw the landscape as a 3-D surface too, with the paths on it.",
                   kind="bool", label="3-D surface view"),
        widget="toggle", shown=lambda page: page.run.build_landscape().dim == 2))
    seeds: int = declared(Setting(
        HyperParam("seeds", 1, "With gradient noise, run every optimizer from this many noise seeds: the "
                   "loss chart shows their mean with a band from the 10th to the 90th percentile (the map, "
                   "the table and the animation show seed 0). 1: no band.", low=1, high=32, kind="int",
                   label="Noise seeds (a band on the loss)"), shown=lambda page: page.run.noise > 0))
    pick_start: bool = declared(Setting(
        HyperParam("pick", False, "A click on the map then starts every optimizer there (a click on a "
                   "path starts them from that point). Off, hovering over the paths is easier.",
                   kind="bool", label="Click on the map to set the start"),
        widget="toggle", shown=lambda page: page.run.build_landscape().dim == 2))


@dataclass(frozen=True)
class Comparison:
    """The Compare page: the same optimizers on several landscapes, or one at several lrs."""

    mode: Literal["landscapes", "learning_rates"] = declared(Setting(
        HyperParam("mode", "landscapes", "Small multiples of landscapes, or of learning rates.",
                   kind="choice", choices=("landscapes", "learning_rates"),
                   labels=("Several landscapes", "Several learning rates"), label="Compare"),
        widget="segmented", url_names=("landscapes", "lr"), invalid="the mode is `landscapes` or `lr`"))
    landscapes: tuple[str, ...] = declared(ListSetting(
        HyperParam("landscapes", ("quadratic", "rosenbrock", "himmelblau", "six_hump_camel"),
                   "Each landscape gets a panel; every optimizer starts from its default start. The last "
                   "choice is a function you type.",
                   kind="choice", choices=LANDSCAPE.param.choices,
                   labels=(*(ls.title for ls in LANDSCAPES.values()), "Your own function"),
                   label="Landscapes"),
        max_items=MAX_PANELS, noun="landscape"))
    slots: tuple[OptimizerChoice, ...] = declared(Slots(MAX_SLOTS, COLOUR), default=())
    run: RunSettings = declared(Nested(), default_factory=RunSettings)
    learning_rates: tuple[float, ...] = declared(ListSetting(
        HyperParam("lrs", (0.001, 0.01, 0.1, 1.0), "One panel per learning rate.", low=1e-6, high=100.0,
                   log=True, label="Learning rates"),
        max_items=MAX_LEARNING_RATES, sort=True, noun="learning rate"))

    def __post_init__(self) -> None:
        # A panel of your own function takes the function (and window) the run's landscape holds: one
        # declaration, one link key (`f`), in either mode.
        if self.mode == "landscapes" and CUSTOM in self.landscapes and self.run.landscape != CUSTOM:
            object.__setattr__(self, "run", with_landscape(self.run, CUSTOM))


@dataclass(frozen=True)
class QuadraticsLesson:
    """The lesson on quadratics: a bowl ½θᵀPθ + qᵀθ and the methods whose rates theory predicts."""

    condition: float = declared(Setting(
        HyperParam("condition", 10.0, "κ = λ_max / λ_min, the ratio of the steepest to the flattest "
                   "curvature: how elongated the bowl is (the smallest eigenvalue is 1).", low=1.0,
                   high=1000.0, log=True, label="Condition number κ")))
    angle: float = declared(Setting(
        HyperParam("angle", 30.0, "The flat direction's angle from the x-axis, in degrees. Rates do "
                   "not depend on it; the picture does.", low=-90.0, high=90.0, label="Angle (degrees)")))
    q: tuple[float, float] = declared(Setting(
        HyperParam("q", (0.0, 0.0), "The linear term: the minimum moves to −P⁻¹q. Rates do not "
                   "depend on it either.", low=-5.0, high=5.0, kind="pair", labels=("q₁", "q₂"),
                   label="Linear term q")))
    steps: int = declared(Setting(
        HyperParam("steps", 150, "Steps of every method.", low=10, high=2000, kind="int", label="Steps"),
        widget="slider"))
    lr: float = declared(Setting(
        HyperParam("lr", 0.15, "A gradient-descent run at a learning rate of your choice, beside the "
                   "ones theory picks.", low=1e-4, high=10.0, log=True,
                   label="Your learning rate for gradient descent")))


#: The one-dimensional landscapes, for the lesson on descent in one dimension.
ONE_D = tuple(name for name, landscape in LANDSCAPES.items() if landscape.dim == 1)


def _one_d(values: Any) -> Any:
    return get_landscape(values["landscape"])


@dataclass(frozen=True)
class DescentLesson:
    """The lesson on descent in one dimension: a 1-D function, a point to look at, and learning rates."""

    landscape: str = declared(Selector(
        HyperParam("landscape", "x2_plus_sin", "The function; 25 sin x − x² is climbed (gradient ascent).",
                   kind="choice", choices=ONE_D, labels=tuple(LANDSCAPES[n].title for n in ONE_D),
                   label="Function"),
        params_attr="landscape_params", params_of=lambda name: (), group_key="",
        invalid="there is no such one-dimensional function", resets=("start", "at")))
    landscape_params: ParamValues = ()
    at: tuple[float, ...] | None = declared(  # None: the function's default start
        StartPoint(HyperParam("at", None, "Where the tangent, the secant and the parabolas are drawn.",
                              low=-1e6, high=1e6), _one_d), default=None)
    h: float = declared(Setting(
        HyperParam("h", 0.5, "The secant through x and x + h: its slope tends to f′(x) as h shrinks.",
                   low=1e-4, high=2.0, log=True, label="Secant width h")))
    start: tuple[float, ...] | None = declared(
        StartPoint(HyperParam("start", None, "Where every run starts.", low=-1e6, high=1e6), _one_d),
        default=None)
    learning_rates: tuple[float, ...] = declared(ListSetting(
        HyperParam("lrs", (0.01, 0.1, 1.0), "One gradient-descent run per learning rate.", low=1e-4,
                   high=10.0, log=True, label="Learning rates"),
        max_items=4, sort=True, noun="learning rate"))
    steps: int = declared(Setting(
        HyperParam("steps", 60, "Steps of every run.", low=5, high=1000, kind="int", label="Steps"),
        widget="slider"))


@dataclass(frozen=True)
class AveragesLesson:
    """The lesson on moving averages and momentum: a signal to average, β, and momentum's runs."""

    signal: tuple[float, ...] = declared(Setting(
        HyperParam("signal", (100.0, 114.0, 118.0, 117.0, 120.0, 122.0), "The numbers to average, in "
                   "order (the notes' six days of sales); they are also the gradients fed to the three "
                   "momentum conventions.", low=-1e9, high=1e9, kind="series", label="Signal")))
    beta: float = declared(Setting(
        HyperParam("beta", 0.7, "The decay β of the average (the momentum μ of SGD): the weight the "
                   "old average keeps at each step.", low=0.0, high=0.999, decay_rate=True,
                   label="β (momentum)")))
    lr: float = declared(Setting(
        HyperParam("lr", 0.1, "SGD's learning rate on the slope and on the noisy bowl.", low=1e-3,
                   high=1.0, log=True, label="Learning rate")))
    steps: int = declared(Setting(
        HyperParam("steps", 300, "Steps of the runs on the slope and on the noisy bowl.", low=10,
                   high=2000, kind="int", label="Steps"), widget="slider"))
    noise: float = declared(Setting(
        HyperParam("noise", 2.0, "Gradient noise σ on the bowl: the iterates jitter around the minimum "
                   "and their averages do not.", low=0.0, high=20.0, label="Gradient noise σ")))


#: The run settings' schedule selector, starting from cosine annealing for the lesson.
LESSON_SCHEDULE = replace(SCHEDULE, param=replace(SCHEDULE.param, default="cosine"))


@dataclass(frozen=True)
class ClippingLesson:
    """The lesson on gradient clipping and learning-rate schedules."""

    gradient: tuple[float, float] = declared(Setting(
        HyperParam("g", (0.9, 100.0), "The gradient to clip (the notes' example is (0.9, 100)).",
                   low=-1e4, high=1e4, kind="pair", labels=("g₁", "g₂"), label="Gradient g")))
    threshold: float = declared(Setting(
        HyperParam("clip_at", 1.0, "The box half-width (by value) and the ball radius (by norm).",
                   low=1e-3, high=1e3, log=True, label="Clip threshold c")))
    lr: float = declared(Setting(
        HyperParam("lr", 0.005, "SGD's learning rate on Rosenbrock, where the gradient at the start is "
                   "about 160: large enough to diverge without clipping.", low=1e-4, high=1.0, log=True,
                   label="Learning rate on Rosenbrock")))
    steps: int = declared(Setting(
        HyperParam("steps", 500, "Steps of every run on this page.", low=10, high=2000, kind="int",
                   label="Steps"), widget="slider"))
    schedule: str = declared(LESSON_SCHEDULE)
    schedule_params: ParamValues = ()
    noise: float = declared(Setting(
        HyperParam("noise", 1.0, "Gradient noise σ for the schedule's runs: a decaying learning rate "
                   "shrinks the jitter it causes.", low=0.0, high=20.0, label="Gradient noise σ")))

    def __post_init__(self) -> None:
        # every parameter of the schedule, in declared order (as RunSettings keeps them)
        object.__setattr__(self, "schedule_params",
                           LESSON_SCHEDULE.complete(self.schedule, self.schedule_params))


@dataclass(frozen=True)
class AdaptiveLesson:
    """The lesson on adaptive learning rates and weight decay: a valley, a learning rate, a decay."""

    condition: float = declared(Setting(
        HyperParam("condition", 50.0, "κ = λ_max / λ_min: how much steeper the valley is across than "
                   "along.", low=1.0, high=1000.0, log=True, label="Condition number κ")))
    angle: float = declared(Setting(
        HyperParam("angle", 0.0, "The valley's angle from the x-axis in degrees. At 0 each coordinate is "
                   "one of the valley's directions, so each has its own curvature and its own adapted "
                   "step.", low=-90.0, high=90.0, label="Angle (degrees)")))
    q: tuple[float, float] = declared(Setting(
        HyperParam("q", (-2.0, -10.0), "The linear term: the minimum sits at −P⁻¹q, away from the origin, "
                   "where weight decay pulls.", low=-20.0, high=20.0, kind="pair", labels=("q₁", "q₂"),
                   label="Linear term q")))
    lr: float = declared(Setting(
        HyperParam("lr", 0.1, "The learning rate of AdaGrad, RMSprop and Adam.", low=1e-4, high=2.0,
                   log=True, label="Learning rate")))
    steps: int = declared(Setting(
        HyperParam("steps", 300, "Steps of every run.", low=10, high=3000, kind="int", label="Steps"),
        widget="slider"))
    weight_decay: float = declared(Setting(
        HyperParam("wd", 0.5, "λ of Adam's L2 term and of AdamW's decoupled decay.", low=0.0, high=5.0,
                   label="Weight decay λ")))


#: Landscapes for the Langevin cloud: one-dimensional and two-dimensional minimization problems.
LANGEVIN = ("x2_plus_sin", "quadratic", "himmelblau", "six_hump_camel")


@dataclass(frozen=True)
class NoiseLesson:
    """The lesson on noise and gradient-free methods: many noisy particles, a saddle, estimates."""

    landscape: str = declared(Selector(
        HyperParam("landscape", "x2_plus_sin", "Where the particles settle.", kind="choice",
                   choices=LANGEVIN, labels=tuple(f"{LANDSCAPES[n].title} ({LANDSCAPES[n].dim}-D)"
                                                  for n in LANGEVIN), label="Landscape"),
        params_attr="landscape_params", params_of=lambda name: (), group_key="",
        invalid="this lesson's landscapes are " + ", ".join(LANGEVIN)))
    landscape_params: ParamValues = ()
    lr: float = declared(Setting(
        HyperParam("lr", 0.01, "Every particle's learning rate η.", low=1e-4, high=0.5, log=True,
                   label="Learning rate η")))
    noise: float = declared(Setting(
        HyperParam("noise", 2.0, "The standard deviation s of the noise added to every gradient "
                   "component.", low=0.01, high=50.0, log=True, label="Gradient noise s")))
    particles: int = declared(Setting(
        HyperParam("particles", 2000, "Particles run at once (one batched engine call).", low=100,
                   high=20000, kind="int", label="Particles"), widget="slider"))
    steps: int = declared(Setting(
        HyperParam("steps", 1000, "Steps of every particle.", low=10, high=5000, kind="int",
                   label="Steps"), widget="slider"))
    directions: int = declared(Setting(
        HyperParam("directions", 4, "Random directions K averaged in one zeroth-order estimate.", low=1,
                   high=64, kind="int", label="Zeroth-order directions K"), widget="slider"))


#: Initialization rules besides the normal c/n one, which the depth lesson lists by its c values.
NAMED_INITS = tuple(rule for rule in INITS if rule != "normal")


@dataclass(frozen=True)
class DepthLesson:
    """The lesson on initialization and depth: a deep fully connected network at initialization."""

    activation: str = declared(Setting(
        HyperParam("act", "relu", "The activation after every layer.", kind="choice",
                   choices=ACTIVATION_NAMES,
                   labels=tuple(activation(n).title if n != "swish" else "Swish x·σ(βx)"
                                for n in ACTIVATION_NAMES), label="Activation")))
    swish_beta: float = declared(Setting(
        HyperParam("swish_beta", 1.75, "Swish's β (1 is torch's SiLU; at 1.75 its curve is close to "
                   "GELU's).",
                   low=0.1, high=10.0, label="Swish β")))
    depth: int = declared(Setting(
        HyperParam("depth", 50, "Layers, each width × width, without biases.", low=1, high=100, kind="int",
                   label="Depth"), widget="slider"))
    width: int = declared(Setting(
        HyperParam("width", 500, "Units per layer (the fan-in n of every layer).", low=10, high=500,
                   kind="int", label="Width"), widget="slider"))
    cs: tuple[float, ...] = declared(ListSetting(
        HyperParam("c", (1.0, 2.0, 3.0), "Weights of variance c/n: one network per c.", low=0.1, high=10.0,
                   label="Variance c/n, for c ="), max_items=6, sort=True, noun="value of c"))
    rules: tuple[str, ...] = declared(ListSetting(
        HyperParam("rules", (), "Named rules to compare with the c/n networks.", kind="choice",
                   choices=NAMED_INITS, labels=tuple(INITS[r] for r in NAMED_INITS),
                   label="Also the rules"), max_items=5, noun="initialization"))
    batch_norm: bool = declared(Setting(
        HyperParam("bn", False, "Batch normalization (training mode, γ = 1, β = 0) before every activation.",
                   kind="bool", label="Batch normalization"), widget="toggle"))
    batch: int = declared(Setting(
        HyperParam("batch", 128, "Gaussian inputs sent through the network.", low=16, high=1024, kind="int",
                   label="Inputs in the batch")))


@dataclass(frozen=True)
class BatchNormLesson:
    """The lesson on batch normalization: a mini-batch of two features through one normalization, and
    the depth experiment with normalization on."""

    x1: tuple[float, ...] = declared(Setting(
        HyperParam("x1", (1.0, 2.0, 3.0, 10.0), "Feature 1 of each sample in the mini-batch.", low=-1e6,
                   high=1e6, kind="series", label="Feature 1, one value per sample")))
    x2: tuple[float, ...] = declared(Setting(
        HyperParam("x2", (0.5, 0.1, -0.3, 0.2), "Feature 2 of each sample (as many values as feature 1).",
                   low=-1e6, high=1e6, kind="series", label="Feature 2, one value per sample")))
    gamma: tuple[float, float] = declared(Setting(
        HyperParam("gamma", (1.0, 1.0), "The scale γ: one per feature.", low=-10.0, high=10.0, kind="pair",
                   labels=("γ₁", "γ₂"), label="Scale γ")))
    beta: tuple[float, float] = declared(Setting(
        HyperParam("beta", (0.0, 0.0), "The shift β: one per feature.", low=-10.0, high=10.0, kind="pair",
                   labels=("β₁", "β₂"), label="Shift β")))
    eps: float = declared(Setting(
        HyperParam("eps", 1e-5, "Added to the variance before the square root (torch's default 1e-5).",
                   low=1e-12, high=1.0, log=True, label="ε")))
    cs: tuple[float, ...] = declared(ListSetting(
        HyperParam("c", (1.0, 2.0, 3.0), "The depth experiment's weight variances c/n, now with batch "
                   "normalization.", low=0.1, high=10.0, label="Variance c/n, for c ="),
        max_items=6, sort=True, noun="value of c"))


#: Optimizers that can train a network: those that need no Hessian (the network's loss has none here).
TRAINERS = tuple(name for name, spec in OPTIMIZERS.items()
                 if not spec.needs_hessian and spec.specialize is None
                 and any(p.name == "lr" for p in spec.hyperparams))


@dataclass(frozen=True)
class RealLandscapeLesson:
    """The lesson on a real loss landscape: a small network trained by several optimizers, and slices of
    its loss through weight space."""

    dataset: str = declared(Setting(
        HyperParam("data", "moons", "The data set (generated with a fixed seed, or Plotly's iris).",
                   kind="choice", choices=tuple(DATASETS),
                   labels=("Two moons", "Circles", "Spirals", "Iris (4 features, 3 species)"),
                   label="Data")))
    layers: int = declared(Setting(
        HyperParam("layers", 2, "Hidden layers.", low=1, high=4, kind="int", label="Hidden layers"),
        widget="slider"))
    width: int = declared(Setting(
        HyperParam("width", 16, "Units per hidden layer.", low=2, high=64, kind="int",
                   label="Units per layer"),
        widget="slider"))
    activation: str = declared(Setting(
        HyperParam("act", "relu", "The hidden layers' activation.", kind="choice", choices=ACTIVATION_NAMES,
                   labels=tuple(activation(n).title for n in ACTIVATION_NAMES), label="Activation")))
    batch_norm: bool = declared(Setting(
        HyperParam("bn", False, "Batch normalization in every hidden layer (statistics over the whole data "
                   "set, a γ and β per unit).", kind="bool", label="Batch normalization"), widget="toggle"))
    optimizers: tuple[str, ...] = declared(ListSetting(
        HyperParam("opt", ("sgd", "momentum", "adam"), "Each trains the same network from the same start.",
                   kind="choice", choices=TRAINERS, labels=tuple(OPTIMIZERS[n].title for n in TRAINERS),
                   label="Optimizers"), max_items=4, noun="optimizer"))
    lr: float = declared(Setting(
        HyperParam("lr", 0.1, "Every optimizer's learning rate.", low=1e-4, high=10.0, log=True,
                   label="Learning rate")))
    steps: int = declared(Setting(
        HyperParam("steps", 300, "Full-batch training steps.", low=10, high=2000, kind="int", label="Steps"),
        widget="slider"))
    sharp_lrs: tuple[float, float] = declared(Setting(
        HyperParam("sharp", (0.01, 1.0), "Plain SGD at a small and a large learning rate: do they end in "
                   "minima of different sharpness?", low=1e-4, high=10.0, log=True, kind="pair",
                   labels=("small lr", "large lr"), label="Sharp or flat")))
    span: float = declared(Setting(
        HyperParam("span", 1.0, "How far the slice reaches along each filter-normalized direction.",
                   low=0.05, high=5.0, log=True, label="Slice half-width")))
    resolution: int = declared(Setting(
        HyperParam("res", 41, "Points per side of each slice.", low=11, high=61, kind="int",
                   label="Slice resolution"), widget="slider"))
    seed: int = declared(Setting(
        HyperParam("seed", 0, "The initial weights and the random directions.", low=0, high=10_000,
                   kind="int", label="Seed")))


#: Optimizers a sweep offers: every one with a learning rate (Newton's lr is a step fraction, too).
SWEEPABLE = tuple(name for name, spec in OPTIMIZERS.items()
                  if any(p.name == "lr" for p in spec.hyperparams))
SWEEP_METRICS = ("final_gap", "mean_loss", "steps_to_tol", "final_distance")


@dataclass(frozen=True)
class SweepPage:
    """A grid of one optimizer's settings on one landscape: the learning rate, and its second
    hyperparameter where it has one (momentum, β₁, …)."""

    run: RunSettings = declared(Nested(), default_factory=lambda: RunSettings(landscape="rosenbrock",
                                                                              steps=300))
    optimizer: str = declared(Setting(
        HyperParam("opt", "adam", "The optimizer whose settings the grid covers.", kind="choice",
                   choices=SWEEPABLE, labels=tuple(OPTIMIZERS[n].title for n in SWEEPABLE),
                   label="Optimizer"), invalid="there is no such optimizer with a learning rate"))
    second: bool = declared(Setting(
        HyperParam("second", True, "A second axis: the optimizer's momentum, β₁, … (where it has one).",
                   kind="bool", label="Second axis"), widget="toggle"))
    others: tuple[str, ...] = declared(ListSetting(
        HyperParam("vs", (), "Without a second axis: more optimizers, each a learning-rate curve beside "
                   "the first one's.", kind="choice", choices=SWEEPABLE,
                   labels=tuple(OPTIMIZERS[n].title for n in SWEEPABLE), label="Compare with"),
        max_items=6, noun="optimizer"))  # drawn without a second axis (ui.sweep)
    lr_range: tuple[float, float] = declared(Setting(
        HyperParam("lrs", (1e-4, 1.0), "The learning rates of the grid, evenly spaced on a log scale.",
                   low=1e-6, high=100.0, log=True, kind="pair", labels=("smallest lr", "largest lr"),
                   label="Learning-rate range")))
    resolution: int = declared(Setting(
        HyperParam("cells", 32, "Values per axis: 32 × 32 cells are 1024 runs, in one batched call.",
                   low=4, high=64, kind="int", label="Cells per axis"), widget="slider"))
    metric: str = declared(Setting(
        HyperParam("metric", "final_gap", "What each cell shows.", kind="choice", choices=SWEEP_METRICS,
                   labels=("final gap f − f*", "mean loss over the run", "steps to reach the tolerance",
                           "final distance to the nearest optimum"), label="Metric")))


@dataclass(frozen=True)
class BasinsPage:
    """Where each start ends up, per optimizer: a grid of starts over the landscape's window."""

    run: RunSettings = declared(Nested(), default_factory=RunSettings)
    slots: tuple[OptimizerChoice, ...] = declared(Slots(MAX_BASIN_SLOTS, COLOUR), default=())
    resolution: int = declared(Setting(
        HyperParam("res", 200, "Starts per axis: 200 × 200 are 40,000 runs per optimizer, in one batched "
                   "call each.", low=10, high=300, kind="int", label="Starts per axis"), widget="slider"))
    colour_by: str = declared(Setting(
        HyperParam("show", "optimum", "Colour each start by the optimum it reaches, or by how many steps "
                   "it took to get there.", kind="choice", choices=("optimum", "steps"),
                   labels=("which optimum", "steps to reach it"), label="Colour by"), widget="segmented"))


def default_basins() -> BasinsPage:
    """Who goes where on Himmelblau: plain, heavy-ball and adaptive steps from the same starts."""
    return BasinsPage(
        run=RunSettings(landscape="himmelblau", steps=300),
        slots=(OptimizerChoice.of("sgd", lr=0.01), OptimizerChoice.of("momentum", lr=0.005, momentum=0.9),
               OptimizerChoice.of("adam", lr=0.05)),
    )


@dataclass(frozen=True)
class RacePage:
    """A fair race: every optimizer tuned by the same grid search, then all from one start."""

    run: RunSettings = declared(Nested(), default_factory=lambda: RunSettings(landscape="rosenbrock",
                                                                              steps=300))
    racers: tuple[str, ...] = declared(ListSetting(
        HyperParam("racers", ("sgd", "momentum", "adam", "rmsprop"), "Each is tuned, then runs.",
                   kind="choice", choices=SWEEPABLE, labels=tuple(OPTIMIZERS[n].title for n in SWEEPABLE),
                   label="Optimizers"), max_items=MAX_RACERS, noun="optimizer"))
    budget: int = declared(Setting(
        HyperParam("budget", 64, "Settings tried per optimizer: a log grid over its learning rate, and "
                   "over its momentum or β₁ where it has one.", low=4, high=400, kind="int",
                   label="Tuning budget (settings per optimizer)"), widget="slider"))
    objective: str = declared(Setting(
        HyperParam("objective", "final_gap", "What the tuning minimizes.", kind="choice",
                   choices=("final_gap", "mean_loss", "steps_to_tol"),
                   labels=("final gap f − f*", "mean loss over the run", "steps to reach the tolerance"),
                   label="Tuned for")))
    seeds: int = declared(Setting(
        HyperParam("seeds", 8, "With gradient noise, each optimizer is tuned on the mean over this many "
                   "seeds and raced as many times: the curves are means with a 10–90 % band.", low=2,
                   high=64, kind="int", label="Seeds (with noise)"), shown=lambda page: page.run.noise > 0))


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


@dataclass(frozen=True)
class Page:
    """One page of the app: its name (session keys, presets), file, title, menu icon, widget-key
    prefix and default settings (a declared settings dataclass)."""

    name: str
    path: str
    title: str
    icon: str
    prefix: str
    default: Callable[[], Any] = field(compare=False)

    @property
    def settings_type(self) -> type:
        return type(self.default())


PLAYGROUND = Page("playground", "app.py", "Playground", "🧭", "pg", default_playground)
COMPARE = Page("compare", "pages/compare.py", "Compare", "🔲", "cmp", default_comparison)
QUADRATICS = Page("quadratics", "pages/quadratics.py", "Lesson: quadratics", "📐", "qd", QuadraticsLesson)
SWEEP = Page("sweep", "pages/sweep.py", "Sweep", "🗺️", "sw", SweepPage)
BASINS = Page("basins", "pages/basins.py", "Basins", "🧲", "bs", default_basins)
RACE = Page("race", "pages/race.py", "Race", "🏁", "rc", RacePage)
AVERAGES = Page("averages", "pages/averages.py", "Lesson: averages and momentum", "〰️", "av",
                AveragesLesson)
CLIPPING = Page("clipping", "pages/clipping.py", "Lesson: clipping and schedules", "✂️", "cs",
                ClippingLesson)
ADAPTIVE = Page("adaptive", "pages/adaptive.py", "Lesson: adaptive steps", "🎚️", "ad",
                AdaptiveLesson)
NOISE = Page("noise", "pages/noise.py", "Lesson: noise and gradient-free", "🎲", "nz", NoiseLesson)
DEPTH = Page("depth", "pages/depth.py", "Lesson: initialization and depth", "🧱", "dp", DepthLesson)
BATCH_NORM = Page("batchnorm", "pages/batchnorm.py", "Lesson: batch normalization", "📏", "bnl",
                  BatchNormLesson)
REAL_LANDSCAPE = Page("landscape", "pages/landscape.py", "Lesson: a real loss landscape", "🏔️", "rl",
                      RealLandscapeLesson)
DESCENT = Page("descent", "pages/descent.py", "Lesson: descent in 1-D", "📉", "ds", DescentLesson)

#: The menu, in order; a new page adds one line here.
PAGES: tuple[Page, ...] = (PLAYGROUND, COMPARE, SWEEP, BASINS, RACE, AVERAGES, DESCENT, QUADRATICS,
                           ADAPTIVE, CLIPPING, NOISE, DEPTH, BATCH_NORM, REAL_LANDSCAPE)
