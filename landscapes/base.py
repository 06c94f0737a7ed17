"""The landscape protocol and the base class of the built-in test functions.

Anything with ``dim``, ``__call__(x[..., dim]) -> f[...]`` and ``grad(x) -> [..., dim]`` (and
optionally ``hessian(x) -> [..., dim, dim]``) can be optimized by :func:`optimizers.run`. The
built-ins below also carry what a page needs to draw and explain them.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Literal, Protocol, TypeVar, runtime_checkable

import numpy as np

Point = tuple[float, ...]


@runtime_checkable
class LandscapeProtocol(Protocol):
    """The minimum an objective needs for :func:`optimizers.run`."""

    dim: int

    def __call__(self, x: np.ndarray) -> np.ndarray: ...

    def grad(self, x: np.ndarray) -> np.ndarray: ...


class Landscape:
    """A test function with exact value, gradient and Hessian, and its display metadata.

    Class attributes a subclass sets:
        name: registry key; title: display title; formula: LaTeX.
        dim: 1 or 2.
        bounds: the default view window, one ``(low, high)`` per coordinate.
        start: the default start point.
        minima / maxima / saddles: known stationary points (every one has zero gradient).
        optima_found: True when the optima are the best a numerical search found (a function typed by
            a user), not known exactly; charts and tables then say "best found".
        goal: ``"minimize"`` or ``"maximize"``, the natural task on this function.
        log_scale: True when ``f − min f`` spans many decades over the window: contours then use
            log-spaced levels of ``f`` minus its smallest value in the window (which may be negative).
            The built-in 2-D landscapes set it when the 95th percentile of ``f − min f`` over the window
            exceeds 25 times the 5th; 1-D landscapes are drawn as curves and keep it False.
        description: one or two sentences on why this function is interesting.
    """

    name: str = ""
    title: str = ""
    formula: str = ""
    dim: int = 2
    bounds: tuple[tuple[float, float], ...] = ()
    start: Point = ()
    minima: tuple[Point, ...] = ()
    maxima: tuple[Point, ...] = ()
    saddles: tuple[Point, ...] = ()
    optima_found: bool = False
    goal: Literal["minimize", "maximize"] = "minimize"
    log_scale: bool = False
    description: str = ""

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """The function value at each point of ``x[..., dim]``."""
        raise NotImplementedError

    def grad(self, x: np.ndarray) -> np.ndarray:
        """The gradient, shape ``[..., dim]``."""
        raise NotImplementedError

    def hessian(self, x: np.ndarray) -> np.ndarray:
        """The Hessian, shape ``[..., dim, dim]``."""
        raise NotImplementedError

    def value_and_grad(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Value and gradient together (subclasses share work where they can)."""
        return self(x), self.grad(x)

    @property
    def optima_word(self) -> str:
        """How text names the optima: "best found" (a numerical search's) or "known"."""
        return "best found" if self.optima_found else "known"

    @property
    def gap_name(self) -> str:
        """How text names the gap to the best value: f − f*, f* − f when maximizing, or
        f − best found f* when f* is a numerical search's best."""
        if self.goal == "maximize":
            return "f* − f"
        return "f − best found f*" if self.optima_found else "f − f*"

    @property
    def optimum_name(self) -> str:
        """How text names the optimum a distance is measured to: "optimum" or "best found minimum"."""
        return "best found minimum" if self.optima_found else "optimum"

    @property
    def optima(self) -> tuple[Point, ...]:
        """The known optima for the natural task: minima when minimizing, maxima when maximizing."""
        return self.minima if self.goal == "minimize" else self.maxima

    def optimum_value(self) -> float | None:
        """The best known value for the natural task, or None when there is no known optimum."""
        if not self.optima:
            return None
        values = self(np.array(self.optima, dtype=np.float64))
        return float(values.min() if self.goal == "minimize" else values.max())

    def __repr__(self) -> str:
        return f"<Landscape {self.name!r}: {self.title}>"


def coords(x: np.ndarray) -> tuple[np.ndarray, ...]:
    """The coordinates of ``x[..., dim]`` as separate arrays."""
    x = np.asarray(x, dtype=np.float64)
    return tuple(x[..., i] for i in range(x.shape[-1]))


def stack(*components: np.ndarray) -> np.ndarray:
    """Stack per-coordinate arrays into ``[..., dim]``, broadcasting scalars."""
    return np.stack(np.broadcast_arrays(*components), axis=-1)


def hessian_2d(h11: np.ndarray, h12: np.ndarray, h22: np.ndarray) -> np.ndarray:
    """A symmetric ``[..., 2, 2]`` Hessian from its three distinct entries."""
    shape = np.shape(h11)
    if not shape == np.shape(h12) == np.shape(h22):  # the common case needs no broadcasting
        shape = np.broadcast_shapes(shape, np.shape(h12), np.shape(h22))
    out = np.empty(shape + (2, 2))
    out[..., 0, 0] = h11
    out[..., 0, 1] = h12
    out[..., 1, 0] = h12
    out[..., 1, 1] = h22
    return out


def as_points(x: np.ndarray, dim: int) -> np.ndarray:
    """``x`` as a float64 array ``[..., dim]``; a ValueError when its last axis is not ``dim`` long."""
    x = np.asarray(x, dtype=np.float64)
    if x.shape[-1:] != (dim,):
        raise ValueError(f"points must have shape [..., {dim}], got {x.shape}")
    return x


def refine_stationary(landscape: Landscape, approx: Point, *, tol: float = 1e-3,
                      iterations: int = 40) -> Point:
    """The stationary point next to ``approx``, to full precision, by Newton's method on the gradient.

    Keeps the iterate with the smallest gradient; raises RuntimeError if Newton wandered more than
    ``tol`` from ``approx`` or did not reach a gradient of ~1e-12 (a wrong approximation or formula).
    """
    x = np.array(approx, dtype=np.float64)
    best, best_norm, stale = x.copy(), np.inf, 0
    for _ in range(iterations):
        g = landscape.grad(x)
        norm = float(np.max(np.abs(g)))
        if norm < best_norm:
            best, best_norm, stale = x.copy(), norm, 0
        else:
            stale += 1  # rounding noise reached: Newton no longer improves the gradient
        if norm == 0.0 or stale == 2:
            break
        x = x - np.linalg.solve(landscape.hessian(x), g)
    if np.max(np.abs(best - np.asarray(approx))) > tol or best_norm > 1e-12 * max(1.0, abs(float(
            landscape(best)))):
        raise RuntimeError(f"{landscape.name}: no stationary point found next to {approx}")
    return tuple(float(v) for v in best)


_QUIET = contextvars.ContextVar("landscapes_quiet", default=False)
_Method = TypeVar("_Method", bound=Callable)


@contextmanager
def quiet() -> Iterator[None]:
    """Floating-point warnings off for everything inside, landscapes included, at no per-call cost.

    The engine runs its whole loop inside this; a landscape method decorated with :func:`silenced`
    then skips its own ``np.errstate`` (about 1.5 µs a call, a third of a small step).
    """
    token = _QUIET.set(True)
    try:
        with np.errstate(all="ignore"):
            yield
    finally:
        _QUIET.reset(token)


def silenced(method: _Method) -> _Method:
    """Decorator: run a landscape method with floating-point warnings off (overflow far outside the
    window is an answer, inf, not a warning), cheaply when already inside :func:`quiet`."""

    @functools.wraps(method)
    def wrapper(self, x):
        if _QUIET.get():
            return method(self, x)
        with np.errstate(all="ignore"):
            return method(self, x)

    return wrapper  # type: ignore[return-value]

