"""Runs of a page's optimizer slots and the tables made from them (results, CSV export)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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


def run_slot(settings: RunSettings, choice: OptimizerChoice) -> Trajectory:
    """One particle of ``choice`` from the settings' start, with state recorded for the scrubber.

    A landscape whose natural task is maximizing (25 sin x − x²) is climbed: gradient ascent.

    Raises HyperparameterError or ValueError for a combination the engine refuses.
    """
    landscape = settings.build_landscape()
    return run(choice.name, landscape, np.array(settings.start_point(), dtype=float), settings.steps,
               record_state=True, maximize=landscape.goal == "maximize", **settings.engine_options(),
               **dict(choice.hyper))


def safe_run_slot(settings: RunSettings, choice: OptimizerChoice, label: str) -> SlotRun:
    """:func:`run_slot`, with a refused combination turned into a message instead of an exception."""
    try:
        return SlotRun(label, choice, run_slot(settings, choice))
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


def results_table(landscape, runs: Sequence[SlotRun], tolerance: float) -> pd.DataFrame:
    """One row per slot: final point and loss, gap and distance to the optimum, steps to tolerance.

    The tolerance column is on the gap f − f* when the landscape's optimum is known, else on ‖∇f‖.
    """
    criterion = "f − f*" if landscape.optimum_value() is not None else "‖∇f‖"
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
            "final x": ", ".join(f"{v:.6g}" for v in final_x),
            "final f": float(traj.final_loss[0]),
            "f − f*": None if gap is None else float(gap[0]),
            "distance to optimum": None if distance is None else float(distance),
            f"steps to {criterion} ≤ {tolerance:g}": reached,
            "outcome": (f"diverged at step {int(traj.diverged_at[0])}" if traj.diverged[0]
                        else "converged" if reached is not None else "running"),
        })
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
