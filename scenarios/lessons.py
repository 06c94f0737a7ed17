"""What each lesson page runs, from its settings (plain values; no Streamlit): shared by the page,
its presets' tests and the benchmark."""

from __future__ import annotations

from lessons.quadratics import Method, methods

from .pages import AdaptiveLesson, ClippingLesson, DescentLesson, QuadraticsLesson
from .settings import OptimizerChoice, RunSettings


def quadratics_run(settings: QuadraticsLesson) -> RunSettings:
    """The engine options of the quadratics lesson: its bowl and its number of steps."""
    params = (("condition", settings.condition), ("angle", settings.angle), ("q", settings.q))
    return RunSettings(landscape="quadratic", landscape_params=params, steps=settings.steps)


def quadratics_methods(settings: QuadraticsLesson) -> tuple[list[Method], tuple[OptimizerChoice, ...]]:
    """The lesson's methods for its bowl, and each one as an optimizer choice the engine runs."""
    low, high = quadratics_run(settings).build_landscape().eigenvalues
    lesson = methods(low, high, settings.lr)
    return lesson, tuple(OptimizerChoice.of(m.optimizer, **dict(m.hyper)) for m in lesson)


def descent_run(settings: DescentLesson) -> RunSettings:
    """The engine options of the descent lesson: its function, start and steps."""
    return RunSettings(landscape=settings.landscape, start=settings.start, steps=settings.steps)


def descent_choices(settings: DescentLesson) -> tuple[OptimizerChoice, ...]:
    """One plain gradient-descent run per learning rate."""
    return tuple(OptimizerChoice.of("sgd", lr=lr) for lr in settings.learning_rates)


def descent_point(settings: DescentLesson) -> float:
    """Where the local models are drawn: the chosen point, else the function's start."""
    return float((settings.at or descent_run(settings).build_landscape().start)[0])


#: The clipping modes the lesson compares on Rosenbrock, with their legend labels.
CLIP_RUNS = (("none", "no clipping"), ("norm", "clipped by norm"), ("value", "clipped by value"))


def clipping_runs(settings: ClippingLesson) -> list[tuple[str, RunSettings]]:
    """SGD on Rosenbrock from its start, without and with each kind of clipping at the threshold."""
    return [(label, RunSettings(landscape="rosenbrock", steps=settings.steps, clip=mode,
                                clip_threshold=settings.threshold)) for mode, label in CLIP_RUNS]


def schedule_runs(settings: ClippingLesson) -> list[tuple[str, RunSettings]]:
    """SGD with momentum on the noisy quadratic, at a constant lr and with the chosen schedule."""
    base = RunSettings(landscape="quadratic", steps=settings.steps, noise=settings.noise)
    scheduled = RunSettings(landscape="quadratic", steps=settings.steps, noise=settings.noise,
                            schedule=settings.schedule, schedule_params=settings.schedule_params)
    return [("constant lr", base), ("with the schedule", scheduled)]


#: The optimizer of the schedule's runs: torch's SGD with momentum 0.9 (one-cycle may drive it).
SCHEDULED = OptimizerChoice.of("momentum", lr=0.05, momentum=0.9)


def adaptive_run(settings: AdaptiveLesson) -> RunSettings:
    """The lesson's valley: the quadratic with its κ, angle and q."""
    params = (("condition", settings.condition), ("angle", settings.angle), ("q", settings.q))
    return RunSettings(landscape="quadratic", landscape_params=params, steps=settings.steps)


def adaptive_choices(settings: AdaptiveLesson) -> tuple[OptimizerChoice, ...]:
    """AdaGrad, RMSprop and Adam at the lesson's learning rate."""
    return tuple(OptimizerChoice.of(name, lr=settings.lr) for name in ("adagrad", "rmsprop", "adam"))


def decay_choices(settings: AdaptiveLesson) -> tuple[OptimizerChoice, ...]:
    """Adam with λ as an L2 term in the gradient, and AdamW with λ decoupled (both torch's)."""
    return (OptimizerChoice.of("adam", lr=settings.lr, weight_decay=settings.weight_decay),
            OptimizerChoice.of("adamw", lr=settings.lr, weight_decay=settings.weight_decay))
