"""What each lesson page runs, from its settings (plain values; no Streamlit): shared by the page,
its presets' tests and the benchmark."""

from __future__ import annotations

from lessons.quadratics import Method, methods

from .pages import QuadraticsLesson
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
