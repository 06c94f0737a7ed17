"""The window a figure shows, the landscape's values over it, and how those values are coloured."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .series import Series

View = tuple[tuple[float, float], ...]

#: Extra room beyond a start point that lies outside the landscape's window, as a fraction of the span.
MARGIN = 0.05


def view_window(landscape: Any, series: Sequence[Series]) -> View:
    """Return the landscape's window, widened (with a 5% margin) to show every series' start point.

    Paths are not followed: a run that diverges leaves the picture while the window stays on the
    landscape. The result is always finite with ``low < high`` on every axis.
    """
    dim = int(landscape.dim)
    starts = np.array([s.start for s in series], dtype=np.float64).reshape(-1, dim)
    starts = starts[np.all(np.isfinite(starts), axis=1)]
    bounds = _finite_bounds(getattr(landscape, "bounds", ()), dim)
    if bounds is None:  # an objective without a window of its own: centre on the starts
        centre = starts.mean(axis=0) if len(starts) else np.zeros(dim)
        bounds = np.stack([centre - 1.0, centre + 1.0], axis=1)
    window = []
    for axis, (lo, hi) in enumerate(bounds):
        lo, hi = float(lo), float(hi)
        if len(starts):
            s_lo, s_hi = float(starts[:, axis].min()), float(starts[:, axis].max())
            span = max(hi, s_hi) - min(lo, s_lo)
            if s_lo < lo:
                lo = s_lo - MARGIN * span
            if s_hi > hi:
                hi = s_hi + MARGIN * span
        if not hi > lo:  # a degenerate window: open it around its centre
            half = max(1.0, abs(lo)) * 0.5
            lo, hi = lo - half, hi + half
        window.append((lo, hi))
    return tuple(window)


def _finite_bounds(bounds: Any, dim: int) -> np.ndarray | None:
    try:
        array = np.array(bounds, dtype=np.float64).reshape(dim, 2)
    except (TypeError, ValueError):
        return None
    return array if np.all(np.isfinite(array)) else None


def evaluate(landscape: Any, points: np.ndarray) -> np.ndarray:
    """Return ``landscape(points)`` as float64, with overflow or invalid values left non-finite, silently."""
    with np.errstate(all="ignore"):
        return np.asarray(landscape(np.asarray(points, dtype=np.float64)), dtype=np.float64)


def landscape_grid(landscape: Any, view: View,
                   resolution: int = 160) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return ``(xs, ys, values)``: a 2-D landscape sampled over ``view``, ``values[j, i] = f(xs[i], ys[j])``.

    ``values`` is float64 and may hold non-finite numbers where the function overflows.
    """
    (x_lo, x_hi), (y_lo, y_hi) = view
    xs = np.linspace(x_lo, x_hi, resolution)
    ys = np.linspace(y_lo, y_hi, resolution)
    return xs, ys, evaluate(landscape, np.stack(np.meshgrid(xs, ys), axis=-1))


def curve(landscape: Any, view: View, n: int = 600) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(xs, f(xs))``: a 1-D landscape sampled at ``n`` points over ``view``."""
    ((x_lo, x_hi),) = view
    xs = np.linspace(x_lo, x_hi, n)
    return xs, evaluate(landscape, xs[:, None])


@dataclass(frozen=True)
class Display:
    """How values are coloured: as they are, or ``log10(f − floor + 1)`` when they span decades."""

    log: bool
    floor: float = 0.0

    @property
    def label(self) -> str:
        """The colour-bar title."""
        return "log₁₀(f − min + 1)" if self.log else "f"

    def __call__(self, values: np.ndarray) -> np.ndarray:
        """Return the displayed values (non-finite ones become NaN)."""
        values = np.asarray(values, dtype=np.float64)
        with np.errstate(all="ignore"):
            shown = np.log10(np.maximum(values - self.floor, 0.0) + 1.0) if self.log else values.copy()
        shown[~np.isfinite(shown)] = np.nan
        return shown


def display_for(values: np.ndarray, log_scale: bool) -> Display:
    """Return the :class:`Display` for a grid of ``values`` (the log rule uses their finite minimum)."""
    if not log_scale:
        return Display(False)
    finite = np.asarray(values)[np.isfinite(values)]
    return Display(True, float(finite.min()) if finite.size else 0.0)


def as_float32(values: np.ndarray) -> np.ndarray:
    """Return ``values`` as float32 with every non-finite entry (also those beyond float32) as NaN."""
    with np.errstate(all="ignore"):
        out = np.asarray(values, dtype=np.float32)
    out[~np.isfinite(out)] = np.nan
    return out


def padded_range(values: np.ndarray, pad: float = 0.05) -> tuple[float, float]:
    """Return a finite, non-degenerate axis range around the finite ``values``, padded by ``pad``."""
    finite = np.asarray(values, dtype=np.float64)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return (-1.0, 1.0)
    lo, hi = float(finite.min()), float(finite.max())
    span = hi - lo if hi > lo else max(1.0, abs(lo))
    return (lo - pad * span, hi + pad * span)
