"""Optimizer specifications: hyperparameter metadata, documentation and the update functions.

An optimizer is a pair of functions in the spirit of optax's ``(init, update)``, but written for speed:

``init(x, hp) -> state``
    ``x`` is the ``(n, dim)`` block of particles, ``hp`` the resolved hyperparameters (see
    :class:`Hyper`). Returns a dict of state arrays, each ``(n, dim)`` or ``(n, 1)``.
``step(x, g, state, hp, lr, t, ctx) -> None``
    Advances ``x`` and ``state`` **in place** by one step. ``g`` is the engine's gradient buffer
    (already flipped for ``maximize``, noised and clipped); the step may overwrite it.
    ``lr`` is the scheduled learning rate (a float or an ``(n, 1)`` array), ``t`` the 1-based step
    count (torch's ``state['step']`` after its increment), ``ctx`` a :class:`StepContext`.

Working in place on engine-owned buffers is what lets one call run 100,000 particles at the speed
of torch's fused kernels; the engine guarantees that every particle only ever sees its own rows.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

Kind = Literal["float", "int", "bool", "pair", "int_pair", "choice", "series", "range", "formula"]


@dataclass(frozen=True)
class HyperParam:
    """One hyperparameter: its default, a sensible range for a control, and one line of help.

    ``kind="pair"`` is a 2-tuple of floats such as ``betas``, ``kind="int_pair"`` one of whole numbers
    (a schedule's ``milestones``); ``low``/``high`` then bound each component and ``labels`` names the
    two components for controls (e.g. ``("β₁", "β₂")``).
    ``kind="series"`` is a sequence of floats in order, repeats kept (a signal to average); ``low``/``high``
    bound each number.
    ``kind="range"`` is a pair of floats ``(low, high)`` with low < high, each within ``low``/``high``
    (a view window). ``kind="formula"`` is the text of a function of x (and y), checked by
    :func:`landscapes.formula.compile_formula` (never evaluated as Python).
    ``kind="choice"`` takes one of ``choices`` (e.g. the inner optimizer of Lookahead); ``labels``
    then gives each choice's display name, when it differs from the choice itself.

    ``log`` and ``decay_rate`` say which values a control should offer: round numbers per decade for
    a log-scaled value, fine steps near 1 for a decay rate in [0, 1) (betas, momentum, ρ), where the
    behaviour changes most. ``label`` is the control's caption (default: derived from ``name``).
    """

    name: str
    default: Any
    help: str
    low: float | None = None
    high: float | None = None
    log: bool = False
    kind: Kind = "float"
    labels: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    symbol: str = ""
    decay_rate: bool = False
    label: str = ""

    @property
    def caption(self) -> str:
        """What a control shows as its label: ``label``, else the name in words."""
        if self.label:
            return self.label
        return "learning rate (lr)" if self.name == "lr" else self.name.replace("_", " ")

    def display(self, value: Any) -> str:
        """A choice's display name (``labels`` parallel to ``choices``), else the value as text."""
        if self.kind == "choice" and self.labels and value in self.choices:
            return self.labels[self.choices.index(value)]
        return str(value)


@dataclass
class StepContext:
    """What a step may need beyond the gradient.

    ``value``/``grad``/``hessian`` evaluate the (sign-adjusted) objective that is being *minimized*
    on an ``(n, dim)`` block, for methods that probe other points (Newton, zeroth-order).
    ``normal(t, stream)`` returns reproducible standard normals of shape ``(n, dim)`` for this block,
    independent of how the batch was chunked; ``stream`` separates the draws of different uses
    (a sequence of streams gives ``(len(streams), n, dim)`` in one call).
    """

    value: Callable[[np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray], np.ndarray]
    hessian: Callable[[np.ndarray], np.ndarray] | None
    normal: Callable[[int, int], np.ndarray]
    #: ``value(x)`` at the block's current iterate, ``(n,)``, set by the engine before each step
    #: (it has just computed it for the recording), so methods that compare values need not
    #: evaluate the current point again.
    value_at_x: np.ndarray | None = None


State = dict[str, np.ndarray]
InitFn = Callable[[np.ndarray, "Hyper"], State]
StepFn = Callable[[np.ndarray, np.ndarray, State, "Hyper", Any, int, StepContext], None]


class Hyper(dict):
    """Resolved hyperparameters for one block: ``hp.lr``, ``hp.betas`` …

    Each value is either a Python scalar (the common case, fastest) or an ``(n, 1)`` float array
    when the caller gave one value per particle. Pairs are tuples of those. The mapping is its own
    attribute namespace, so ``hp.lr`` is a plain attribute lookup (this is on every step's path).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.__dict__ = self


@dataclass(frozen=True)
class OptimizerSpec:
    """Everything known about one optimizer: how to run it and how to explain it."""

    name: str
    title: str
    family: str
    hyperparams: tuple[HyperParam, ...]
    init: InitFn
    step: StepFn
    update_rule: str
    explanation: str
    paper: str
    year: int | None = None
    reference: str = "torch"  # which library's definition this follows: torch, optax or paper
    needs_hessian: bool = False
    state_names: tuple[str, ...] = field(default_factory=tuple)
    notes: str = ""
    #: For wrappers such as Lookahead: builds the concrete spec from the user's hyperparameters
    #: (e.g. picks the inner optimizer named by ``inner``), which then runs as any other spec.
    specialize: Callable[[dict[str, Any]], OptimizerSpec] | None = None

    @property
    def defaults(self) -> dict[str, Any]:
        """Default value of every hyperparameter, by name."""
        return {h.name: h.default for h in self.hyperparams}

    def param(self, name: str) -> HyperParam:
        """The hyperparameter called ``name``."""
        for h in self.hyperparams:
            if h.name == name:
                return h
        raise KeyError(name)


def per_value(fn: Callable[[float], float], value: Any) -> Any:
    """``fn`` on a Python float, or on each distinct value of a per-particle array.

    Scalar arithmetic in Python floats is what torch does for bias corrections; mapping the distinct
    values of an array through the same function keeps a batched run identical to separate runs
    (``np.power`` may round differently in its vectorised path).
    """
    if isinstance(value, np.ndarray):
        values, inverse = np.unique(value, return_inverse=True)
        mapped = np.array([fn(float(v)) for v in values])
        return mapped[inverse].reshape(value.shape)
    return fn(value)


def python_power(base: float, t: int) -> float:
    """``base ** t`` in Python floats, ±inf instead of OverflowError when |base| > 1 and t is large."""
    try:
        return base**t
    except OverflowError:
        return math.copysign(math.inf, base) if t % 2 else math.inf


def bias_power(beta: Any, t: int) -> Any:
    """``beta ** t`` computed exactly as torch does for a Python float, also for per-particle arrays."""
    return per_value(lambda b: python_power(b, t), beta)
