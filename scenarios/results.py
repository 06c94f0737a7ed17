"""Runs of a page's optimizer slots and the tables made from them (results, step state, CSV export).

The tables hold numbers; :func:`display_table` turns them into the text a page shows, every number
through :func:`format_quantity`, so each table reads the same way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from optimizers import HyperparameterError, Trajectory, run

from .settings import OptimizerChoice, RunSettings


@dataclass(frozen=True)
class SlotRun:
    """One slot's outcome: its legend label and trajectory, or the reason it could not run."""

    label: str
    choice: OptimizerChoice
    trajectory: Trajectory | None
    error: str | None = None


def run_slot(settings: RunSettings, choice: OptimizerChoice, particles: int = 1) -> Trajectory:
    """``particles`` of ``choice`` from the settings' start (particle k draws the noise stream
    seed + k, so particle 0 is the single run), with state recorded for the scrubber.

    A landscape whose natural task is maximizing (25 sin x − x²) is climbed: gradient ascent.

    Raises HyperparameterError or ValueError for a combination the engine refuses.
    """
    landscape = settings.build_landscape()
    start = np.array(settings.start_point(), dtype=float)
    return run(choice.name, landscape, np.tile(start, (max(1, particles), 1)), settings.steps,
               record_state=True, maximize=landscape.goal == "maximize", **settings.engine_options(),
               **dict(choice.hyper))


def safe_run_slot(settings: RunSettings, choice: OptimizerChoice, label: str, particles: int = 1) -> SlotRun:
    """:func:`run_slot`, with a refused combination turned into a message instead of an exception."""
    try:
        return SlotRun(label, choice, run_slot(settings, choice, particles))
    except (HyperparameterError, ValueError) as exc:
        return SlotRun(label, choice, None, f"{label} could not run: {exc}")


def gap_to_optimum(landscape, loss: np.ndarray) -> np.ndarray | None:
    """How far each loss is from the best known optimum value (≥ 0 up to rounding), or None."""
    best = landscape.optimum_value()
    if best is None:
        return None
    return best - loss if landscape.goal == "maximize" else loss - best


def distance_to_optimum(landscape, points: np.ndarray) -> np.ndarray | None:
    """Euclidean distance from each point ``(..., dim)`` to the nearest known optimum, or None."""
    if not landscape.optima:
        return None
    optima = np.asarray(landscape.optima, dtype=float)
    diff = points[..., None, :] - optima
    return np.sqrt(np.min(np.sum(diff * diff, axis=-1), axis=-1))


def steps_to_tolerance(landscape, trajectory: Trajectory, tolerance: float) -> int | None:
    """The first recorded step where the gap to the optimum (or ‖∇f‖ without one) is ≤ tolerance."""
    gap = gap_to_optimum(landscape, trajectory.loss[:, 0])
    steps = trajectory.loss_steps
    if gap is None:
        with np.errstate(all="ignore"):
            gap = np.linalg.norm(landscape.grad(trajectory.path[:, 0, :]), axis=-1)
        steps = trajectory.path_steps
    hits = np.flatnonzero(np.abs(gap) <= tolerance)
    if trajectory.diverged[0]:
        hits = hits[steps[hits] < trajectory.diverged_at[0]]
    return int(steps[hits[0]]) if hits.size else None


#: Significant digits a table shows.
SIGNIFICANT = 4
#: Magnitudes shown in plain notation; smaller and larger ones in scientific notation.
PLAIN_RANGE = (1e-3, 1e5)
NOT_APPLICABLE = "—"


def format_quantity(value: Any) -> str:
    """A table cell: 4 significant digits, scientific notation outside 10⁻³ … 10⁵, "—" for none.

    Whole numbers (steps) are written in full; ``inf`` and ``nan`` as such.
    """
    if value is None:
        return NOT_APPLICABLE
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    number = float(value)
    if math.isnan(number):
        return NOT_APPLICABLE
    if math.isinf(number):
        return "inf" if number > 0 else "-inf"
    if number == 0:
        return "0"
    number = float(f"{number:.{SIGNIFICANT - 1}e}")  # round first, so 99999.5 is 1e5, not 100000
    magnitude = abs(number)
    if PLAIN_RANGE[0] <= magnitude < PLAIN_RANGE[1]:
        decimals = max(SIGNIFICANT - 1 - math.floor(math.log10(magnitude)), 0)
        text = f"{number:.{decimals}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    mantissa, exponent = f"{number:.{SIGNIFICANT - 1}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}"


def format_point(point: Sequence[float]) -> str:
    """``(x, y)`` as ``x, y`` with each coordinate formatted like a table cell."""
    return ", ".join(format_quantity(float(v)) for v in point)


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The text of ``table`` as a page shows it: every number formatted, "—" where none applies."""
    return table.astype(object).map(lambda v: v if isinstance(v, str) else format_quantity(v))


def outcome(landscape, trajectory: Trajectory, tolerance: float) -> str:
    """How a run ended, in words: diverged, converged, a local optimum or a stationary point, or
    stopped (the steps ran out first).

    Judged at the last step: "converged" means the final gap to the best known optimum value is
    within ``tolerance``. A final point within ``tolerance`` of another known optimum's value, or
    where ``‖∇f‖ ≤ √tolerance`` (the gradient a gap of ``tolerance`` leaves at a unit-curvature
    minimum, up to √2), is a local optimum when the best value is known, else a stationary point.
    """
    if trajectory.diverged[0]:
        return f"diverged at step {int(trajectory.diverged_at[0])}"
    final_x = trajectory.final_x[0]
    final_f = float(trajectory.final_loss[0])
    best = landscape.optimum_value()
    with np.errstate(all="ignore"):
        gradient = float(np.linalg.norm(landscape.grad(final_x[None, :])[0]))
        values = [float(landscape(np.asarray(p, dtype=float)[None, :])[0]) for p in landscape.optima]
    if best is None:
        return "stationary point" if gradient <= tolerance else f"stopped after {trajectory.steps} steps"
    gap = float(gap_to_optimum(landscape, np.array([final_f]))[0])
    if getattr(landscape, "optima_found", False) and gap < -tolerance:  # lower than the search went
        return f"{format_quantity(-gap)} below the best found"
    if gap <= tolerance:
        return "converged"
    local = any(abs(final_f - v) <= tolerance for v in values) or gradient <= math.sqrt(tolerance)
    if local:
        kind = "maximum" if landscape.goal == "maximize" else "minimum"
        side = "below" if landscape.goal == "maximize" else "above"
        return f"local {kind}, {format_quantity(gap)} {side} the best"
    return f"stopped after {trajectory.steps} steps"


def distance_column(landscape) -> str:
    """The results table's column of distances to the nearest optimum, named as the landscape names it."""
    return f"distance to {landscape.optimum_name}"


def results_table(landscape, runs: Sequence[SlotRun], tolerance: float) -> pd.DataFrame:
    """One row per slot: final point and loss, gap and distance to the optimum, steps to tolerance.

    The tolerance column is on the gap f − f* when the landscape's optimum is known, else on ‖∇f‖.
    The gap and distance columns are named as the landscape names them (f* − f when maximizing, best
    found for a typed function).
    """
    gap_name, distance_name = landscape.gap_name, distance_column(landscape)
    criterion = gap_name if landscape.optimum_value() is not None else "‖∇f‖"
    rows = []
    for slot in runs:
        row: dict[str, object] = {"optimizer": slot.label}
        traj = slot.trajectory
        if traj is None:
            row["outcome"] = slot.error
            rows.append(row)
            continue
        final_x = traj.final_x[0]
        gap = gap_to_optimum(landscape, traj.final_loss[:1])
        distance = distance_to_optimum(landscape, final_x)
        reached = steps_to_tolerance(landscape, traj, tolerance)
        row.update({
            "final x": format_point(final_x),
            "final f": float(traj.final_loss[0]),
            gap_name: None if gap is None else float(gap[0]),
            distance_name: None if distance is None else float(distance),
            f"steps to {criterion} ≤ {tolerance:g}": reached,
            "outcome": outcome(landscape, traj, tolerance),
        })
        rows.append(row)
    return pd.DataFrame(rows)


#: The names :func:`results_table` gives the gap and distance columns on most landscapes; tables of
#: several landscapes, stacked, use them for every landscape (see :func:`shared_column_names`).
SHARED_GAP, SHARED_DISTANCE = "f − f*", "distance to optimum"


def shared_column_names(table: pd.DataFrame, landscape) -> pd.DataFrame:
    """``table`` (from :func:`results_table` on ``landscape``) with its gap and distance columns named
    as on most landscapes, so that tables of several landscapes stack into the same columns."""
    gap, distance = landscape.gap_name, distance_column(landscape)
    return table.rename(columns=lambda name: name.replace(gap, SHARED_GAP).replace(distance, SHARED_DISTANCE))


def state_table(runs: Sequence[SlotRun], step: int) -> pd.DataFrame:
    """Each optimizer at one step: where it is, the gradient it used, its update and its state."""
    rows = []
    for slot in runs:
        traj = slot.trajectory
        if traj is None:
            continue
        row_index = int(min(step, traj.path.shape[0] - 1))
        x = traj.path[row_index, 0]
        row: dict[str, object] = {"optimizer": slot.label, "step": int(traj.path_steps[row_index]),
                                  "x": format_point(x), "f": format_quantity(traj.loss[row_index, 0])}
        for name, values in traj.state.items():
            row["∇f used" if name == "grad" else name] = format_point(values[row_index, 0])
        if row_index + 1 < traj.path.shape[0]:
            row["update Δx"] = format_point(traj.path[row_index + 1, 0] - x)
        rows.append(row)
    return pd.DataFrame(rows)


def trajectories_csv(runs: Sequence[SlotRun]) -> str:
    """Every slot's path in long form: optimizer, step, coordinates, f (and the gradient used)."""
    frames = []
    for slot in runs:
        traj = slot.trajectory
        if traj is None:
            continue
        path = traj.path[:, 0, :]
        data: dict[str, object] = {"optimizer": slot.label, "step": traj.path_steps}
        names = ["x", "y"] if path.shape[1] == 2 else ["x"]
        for k, name in enumerate(names):
            data[name] = path[:, k]
        data["f"] = traj.loss[:, 0]
        grad = traj.state.get("grad")
        if grad is not None:
            for k, name in enumerate(names):
                data[f"grad_{name}"] = grad[:, 0, k]
        data["diverged"] = traj.diverged[0] & (traj.path_steps >= traj.diverged_at[0])
        frames.append(pd.DataFrame(data))
    if not frames:
        return ""
    return pd.concat(frames, ignore_index=True).to_csv(index=False, float_format="%.17g")
