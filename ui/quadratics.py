"""Lesson: on a quadratic bowl, theory predicts each method's rate; the runs show whether it holds."""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import streamlit as st

from figures import Panel, small_multiples, styled_series
from figures.rates import rate_figure
from lessons.quadratics import Method, distances, measured_rate, optimal_gd, optimal_heavy_ball
from scenarios.lessons import quadratics_methods, quadratics_run
from scenarios.pages import QUADRATICS, QuadraticsLesson
from scenarios.results import SlotRun, format_quantity, trajectories_csv

from .cache import slot_runs
from .controls import declared_controls
from .frame import chart, exports, on_a_phone
from .page import View, run_page

#: The height of a row of maps, three to a row, in px (for the screen; a projector's is 1.5×).
MAP_ROW_PX = 300
#: Below this distance, as a fraction of the start's, a run has reached the minimum.
REACHED = 1e-6
#: The maps: gradient descent where it converges, where it does not, and the methods that beat it.
GD_PANEL = "Gradient descent below 2/λ_max"
PAST_PANEL = "Gradient descent at or past 2/λ_max"
FAST_PANEL = "Momentum, Nesterov, Newton"


def _sidebar(settings: QuadraticsLesson) -> None:
    st.subheader("The bowl")
    declared_controls(settings, QUADRATICS.prefix, only=("condition", "angle", "q"))
    st.subheader("The runs")
    declared_controls(settings, QUADRATICS.prefix, only=("steps", "lr"))


def _diverged_at(slot: SlotRun) -> int | None:
    trajectory = slot.trajectory
    return int(trajectory.diverged_at[0]) if trajectory.diverged[0] else None


def _distances(slot: SlotRun, optimum: tuple[float, ...]):
    return distances(slot.trajectory.path[:, 0, :], optimum, _diverged_at(slot))


def rate_rows(runs: list[SlotRun], lesson: list[Method], optimum: tuple[float, ...]) -> pd.DataFrame:
    """One row per method: its settings, the predicted and the measured rate, when it got there."""
    rows = []
    for slot, method in zip(runs, lesson, strict=True):
        hyper = dict(method.hyper)
        row = {"method": slot.label, "lr": format_quantity(hyper["lr"]),
               "momentum μ": format_quantity(hyper.get("momentum")),
               "predicted rate": "0 (one step)" if method.rate == 0 else format_quantity(method.rate)}
        trajectory = slot.trajectory
        if trajectory is None:
            rows.append(row | {"measured rate": "—", "over steps": "—", "steps to 1e-6": "—",
                               "outcome": slot.error or "could not run"})
            continue
        diverged = _diverged_at(slot)
        d = _distances(slot, optimum)
        measured = measured_rate(d)
        reached = (d <= REACHED * d[0]).nonzero()[0] if d[0] > 0 else [0]
        row["measured rate"] = format_quantity(measured.rate)
        row["over steps"] = f"{measured.first}–{measured.last}" if measured.rate is not None else "—"
        row["steps to 1e-6"] = format_quantity(int(reached[0])) if len(reached) else "—"
        # "diverging" only where theory says so too: a tuned heavy ball first swings out, then converges
        growing = measured.rate is not None and measured.rate > 1 and method.rate > 1
        row["outcome"] = (f"diverged at step {diverged}" if diverged is not None else
                          "converged" if len(reached) else
                          f"diverging: ×{format_quantity(measured.rate)} per step" if growing else
                          f"stopped after {len(d) - 1} steps")
        rows.append(row)
    return pd.DataFrame(rows)


def _theory(low: float, high: float) -> None:
    kappa = high / low
    best_lr, best_rate = optimal_gd(low, high)
    hb_lr, hb_mu, hb_rate = optimal_heavy_ball(low, high)
    cells = st.columns(4)
    cells[0].metric("Eigenvalues λ_min, λ_max", f"{format_quantity(low)}, {format_quantity(high)}",
                    help="The curvatures along the flat and the steep direction.")
    cells[1].metric("Stability edge 2/λ_max", format_quantity(2 / high),
                    help="Gradient descent diverges at any larger learning rate.")
    cells[2].metric("Best GD lr 2/(λ_min + λ_max)", format_quantity(best_lr),
                    help=f"Its rate (κ − 1)/(κ + 1) = {format_quantity(best_rate)} per step.")
    cells[3].metric("Heavy ball's rate", format_quantity(hb_rate),
                    help=f"(√κ − 1)/(√κ + 1) at lr {format_quantity(hb_lr)} and μ {format_quantity(hb_mu)}.")
    st.markdown(
        f"With κ = {format_quantity(kappa)}: gradient descent at its best learning rate shrinks the "
        f"distance to the minimum by (κ − 1)/(κ + 1) = **{format_quantity(best_rate)}** per step; "
        "heavy-ball momentum, tuned for the same bowl, by (√κ − 1)/(√κ + 1) = "
        f"**{format_quantity(hb_rate)}**; "
        f"Nesterov at lr 1/λ_max by 1 − 1/√κ = **{format_quantity(1 - 1 / math.sqrt(kappa))}**. "
        "Newton's method, which divides by the curvature, lands on the minimum in one step.")


def _body(view: View) -> None:
    settings, style = view.settings, view.style
    run = quadratics_run(settings)
    landscape = run.build_landscape()
    low, high = landscape.eigenvalues
    optimum = tuple(landscape.optima[0])
    if not view.lecture:
        st.caption("On a quadratic bowl ½θᵀPθ + qᵀθ every gradient method is a linear recursion, so "
                   "theory predicts exactly how fast each one closes in on the minimum. Here the real "
                   "optimizers run, and the table puts the rate each one showed beside the prediction.")
    _theory(low, high)

    lesson, choices = quadratics_methods(settings)
    runs = slot_runs(run, choices, [m.label for m in lesson])
    drawn = [(r, m) for r, m in zip(runs, lesson, strict=True) if r.trajectory is not None]
    series = styled_series([(r.label, r.trajectory) for r, _ in drawn])
    by_label = {s.label: s for s in series}
    # A run past the stability edge swings across the whole window: it gets a map of its own.
    past = tuple(by_label[m.label] for _, m in drawn if m.optimizer == "sgd" and m.rate >= 1)
    gd = tuple(by_label[m.label] for _, m in drawn if m.optimizer == "sgd" and m.rate < 1)
    fast = tuple(by_label[m.label] for _, m in drawn if m.optimizer != "sgd" or m.label == "GD, optimal lr")
    panels = [Panel(GD_PANEL, landscape, gd), Panel(PAST_PANEL, landscape, past),
              Panel(FAST_PANEL, landscape, fast)]
    phone = on_a_phone()
    # Three maps side by side are about 300 px wide on a laptop: rows that tall leave no blank band.
    grid = small_multiples([p for p in panels if p.series], columns=1 if phone else 3, style=style,
                           panel_px=None if phone else round(MAP_ROW_PX * style.scale))
    chart(grid, "qd.paths")
    st.caption("The same bowl in each map, every run from the same start (○) toward the minimum (★). "
               "Below 2/λ_max gradient descent converges, zig-zagging across the valley as its learning "
               "rate nears the edge; past it the zig-zag grows (✕ where it leaves); momentum and "
               "Nesterov cut across the valley; Newton goes straight there. The optimal gradient-descent "
               "run is drawn in the last map too, for comparison.")

    figure = rate_figure([by_label[r.label] for r, _ in drawn],
                         [_distances(r, optimum) for r, _ in drawn], [m.rate for _, m in drawn],
                         style=replace(style, height=560 if view.lecture else 460))
    chart(figure, "qd.rates")
    st.caption("Distance to the minimum on a log scale: a constant rate is a straight line. Dotted: "
               "the start's distance times the predicted rate to the power t.")

    st.subheader("Predicted and measured rates")
    st.dataframe(rate_rows(runs, lesson, optimum), hide_index=True, width="stretch")
    st.caption("Measured rate: the per-step factor of a straight-line fit to log ‖θ_t − θ*‖, from 1% "
               "of the start's distance down to 10⁻¹² of it (where float64 still has digits). For "
               "gradient descent it matches the prediction to the digits shown. Momentum and Nesterov "
               "measure a little slower at their tuned settings: there the two roots of their recursion "
               "coincide, the error falls like t·ρᵗ rather than ρᵗ, and the factor t costs a few percent "
               "over a short window; with more steps (a larger κ) the gap closes.")
    st.info("**Try this.** Raise κ to 100: gradient descent's best rate becomes 0.9802 (about 700 steps "
            "per 10⁻⁶), the heavy ball's 0.8182. Then set your own learning rate just below and just "
            "above 2/λ_max and watch the zig-zag settle or grow.")

    exports("qd", "quadratics", lambda: trajectories_csv(runs), lambda: grid, "Quadratics")


def render() -> None:
    """Draw the quadratics lesson."""
    run_page(QUADRATICS, _sidebar,
             lambda view: "Quadratics" if view.lecture else "Quadratics: the theory you can check", _body)
