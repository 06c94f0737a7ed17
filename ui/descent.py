"""Lesson: descent in one dimension. The derivative as a local model, gradient descent as Euler's
method for the gradient flow, and which optimum a start and a learning rate lead to."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from figures import FigureStyle, styled_series
from figures.descent import Step, flow_figure, local_figure, reach_categories, reach_figure
from lessons.descent import WITHIN, ReachMap, ending, gradient_flow, local_model, reach_map
from scenarios.lessons import descent_choices, descent_point, descent_run
from scenarios.pages import DESCENT, DescentLesson
from scenarios.results import SlotRun, format_quantity, outcome, trajectories_csv

from .cache import slot_runs
from .controls import declared_controls
from .frame import chart, exports, on_a_phone
from .page import View, run_page

#: Learning rates of the reach map: this many per decade, over at least 10⁻³ … 1.
REACH_PER_DECADE = 12
#: Starts across the window in the reach map.
REACH_STARTS = 201
#: On a projector the first figure fills the window under the title (a CSS height).
LECTURE_HEIGHT = "max(calc(100vh - 130px), 420px)"

#: What the notes say about each function, and what is true (shown under the figures).
NOTES = {
    "x2_plus_sin": (
        "**About the notes.** They run this learning-rate study on f(x) = x + sin x, but the behaviour "
        "they describe belongs to x² + sin x. On x + sin x the slope 1 + cos x is never negative, so "
        "there is no minimum: every learning rate slides left into the flat inflection point at −π "
        "and never bounces (choose x + sin x above to see it). On x² + sin x, a step of lr 1 maps x to "
        "−x − cos x, which sends π/2 to −π/2 and back: an exact two-point cycle."),
    "x_plus_sin": (
        "**About the notes.** This is the function the notes name for their learning-rate study, but "
        "it has no minimum: f′ = 1 + cos x ≥ 0 vanishes only at the odd multiples of π, flat "
        "inflection points where f″ = 0 too. Every learning rate creeps into −π, ever more slowly "
        "(the slope there vanishes like (x + π)²/2), and none of them bounces between two points. "
        "The study they describe holds for x² + sin x."),
    "sin_minus_square": (
        "**About the notes.** Their gradient ascent from −2 is right to stop at the peak near −4.356: "
        "that is a local maximum, 18.26 below the global one near 1.454. Ascent only climbs; it "
        "cannot cross the valley at −1.708. The map below shows which starts and learning rates do "
        "reach the global maximum."),
}


def _sidebar(settings: DescentLesson) -> None:
    st.subheader("The function and a point")
    declared_controls(settings, DESCENT.prefix, only=("landscape", "at", "h"))
    st.subheader("The runs")
    declared_controls(settings, DESCENT.prefix, only=("start", "learning_rates", "steps"))


@st.cache_data(max_entries=256, show_spinner=False)
def _flow(landscape: str, start: float, lr: float, steps: int, maximize: bool) -> np.ndarray:
    from landscapes import get_landscape

    return gradient_flow(get_landscape(landscape), start, lr * np.arange(steps + 1), maximize=maximize)


@st.cache_data(max_entries=64, show_spinner=False)
def _reach(landscape: str, steps: int, lrs: tuple[float, ...]) -> ReachMap:
    from landscapes import get_landscape

    return reach_map(get_landscape(landscape), np.array(lrs), steps, resolution=REACH_STARTS)


def reach_lrs(chosen: tuple[float, ...]) -> tuple[float, ...]:
    """The map's learning rates: a log grid over 10⁻³ … 1 (wider to hold the chosen ones), and these."""
    low = min(-3.0, math.floor(math.log10(min(chosen))))
    high = max(0.0, math.ceil(math.log10(max(chosen))))
    grid = np.logspace(low, high, int(round((high - low) * REACH_PER_DECADE)) + 1)
    return tuple(sorted(set(float(v) for v in grid) | set(chosen)))


def _stationary(landscape) -> list[float]:
    return [float(p[0]) for p in landscape.optima]


def _how_it_ended(landscape, slot: SlotRun, end, near: float | None, steps: int) -> str:
    trajectory = slot.trajectory
    if end.kind == "diverged":
        return outcome(landscape, trajectory, 0.0)
    if end.kind == "cycle":
        return f"2-cycle between {format_quantity(end.cycle[0])} and {format_quantity(end.cycle[1])}"
    maximize = landscape.goal == "maximize"
    if end.kind == "converged":
        best = landscape.optimum_value()
        value = float(landscape(np.array([[near]]))[0])
        gap = abs(best - value)
        if gap <= 1e-12 * max(1.0, abs(best)):
            return f"converged (within {WITHIN:g})"
        kind, side = ("maximum", "below") if maximize else ("minimum", "above")
        return f"local {kind}, {format_quantity(gap)} {side} the global one"
    xs = trajectory.path[:, 0, 0]
    final, heading = float(xs[-1]), float(np.sign(xs[-1] - xs[-2])) if len(xs) > 1 else 0.0
    ahead = [float(p[0]) for p in landscape.saddles if heading * (float(p[0]) - final) > 0]
    if heading and ahead:  # a flat point the run is sliding toward (x + sin x has no minimum)
        flat = min(ahead, key=lambda p: abs(p - final))
        return (f"still creeping toward the flat point {format_quantity(flat)} after {steps} steps "
                f"(distance {format_quantity(abs(final - flat))})")
    return f"still moving after {steps} steps"


def run_rows(landscape, runs: list[SlotRun], lrs: tuple[float, ...]) -> pd.DataFrame:
    """One row per learning rate: the local factor at the optimum, where the run ended and how."""
    optima = _stationary(landscape)
    rows = []
    for slot, lr in zip(runs, lrs, strict=True):
        row: dict[str, str] = {"learning rate": format_quantity(lr)}
        trajectory = slot.trajectory
        if trajectory is None:
            rows.append(row | {"outcome": slot.error or "could not run"})
            continue
        xs = trajectory.path[:, 0, 0]
        final = float(xs[-1])
        near = min(optima, key=lambda o: abs(o - final)) if optima and math.isfinite(final) else None
        end = ending(xs, near, diverged=bool(trajectory.diverged[0]))
        if near is not None:
            curvature = float(landscape.hessian(np.array([[near]]))[0, 0, 0])
            row["x*"] = format_quantity(near)
            row["1 − η·|f″(x*)|"] = format_quantity(1 - lr * abs(curvature))
        row["final x"] = format_quantity(final)
        row["final f"] = format_quantity(float(trajectory.final_loss[0]))
        row[f"steps to {WITHIN:g}"] = format_quantity(end.within_step)
        row["outcome"] = _how_it_ended(landscape, slot, end, near, trajectory.steps)
        rows.append(row)
    return pd.DataFrame(rows)


def _model_metrics(model) -> None:
    cells = st.columns(4)
    cells[0].metric("f(x)", format_quantity(model.value), help=f"At x = {format_quantity(model.x)}.")
    cells[1].metric("Slope f′(x)", format_quantity(model.slope),
                    help="The exact derivative: the tangent's slope.")
    cells[2].metric(f"Secant slope, h = {format_quantity(model.h)}", format_quantity(model.secant_slope),
                    delta=f"{format_quantity(model.secant_error)} from f′(x)", delta_color="off",
                    delta_arrow="off",
                    help="(f(x + h) − f(x)) / h; the gap to f′(x) is about ½ f″(x) h, so it shrinks with h.")
    vertex = model.vertex
    cells[3].metric("Curvature f″(x)", format_quantity(model.curvature),
                    delta=None if vertex is None else f"vertex at {format_quantity(vertex)}",
                    delta_color="off", delta_arrow="off",
                    help="The parabola f(x) + f′(x)(y − x) + ½f″(x)(y − x)² has its vertex at x − f′/f″: "
                         "where Newton's method steps.")


def _reach_text(reach: ReachMap, start: float, lrs: tuple[float, ...], word: str) -> str:
    categories = reach_categories(reach)
    best = reach.best
    if best is None:
        return ("No optimum is known here, so no start can reach one: every cell is light, or grey "
                "where the run diverged.")
    rows = {float(lr): i for i, lr in enumerate(reach.lrs)}
    parts = []
    for lr in lrs:
        share = float(np.mean(categories[rows[lr]] == 0))
        parts.append(f"{share:.0%} at lr {format_quantity(lr)}")
    reaching = np.flatnonzero(np.any(categories == 0, axis=1))
    largest = format_quantity(float(reach.lrs[reaching[-1]])) if reaching.size else None
    global_at = format_quantity(float(reach.optima[best]))
    text = (f"Green cells reach the global {word} at x ≈ {global_at}. Of {len(reach.starts)} starts across "
            f"the window, {', '.join(parts)} get there.")
    if largest is not None:
        text += (f" No start reaches it at a learning rate above about {largest}: the steps overshoot "
                 "its peak.")
    return text


def _body(view: View) -> None:
    settings = view.settings
    run = descent_run(settings)
    landscape = run.build_landscape()
    maximize = landscape.goal == "maximize"
    word = "maximum" if maximize else "minimum"
    if not view.lecture:
        st.caption(f"{landscape.title}: {landscape.description}")
    x = descent_point(settings)
    model = local_model(landscape, x, settings.h)
    if not view.lecture:  # a projector shows the figure first, filling the screen
        _model_metrics(model)

    lrs = settings.learning_rates
    choices = descent_choices(settings)
    labels = [f"lr {format_quantity(lr)}" for lr in lrs]
    runs = slot_runs(run, choices, labels)
    drawn = [(r, lr) for r, lr in zip(runs, lrs, strict=True) if r.trajectory is not None]
    series = styled_series([(r.label, r.trajectory) for r, _ in drawn])
    steps = [Step(s, lr) for s, (_, lr) in zip(series, drawn, strict=True)]
    phone = on_a_phone()
    figure = local_figure(landscape, model, steps, maximize=maximize, stacked=phone,
                          style=FigureStyle(lecture=view.lecture,
                                            height=None if view.lecture else 820 if phone else 470))
    chart(figure, "ds.local", height=LECTURE_HEIGHT if view.lecture else None)
    if view.lecture:
        _model_metrics(model)
    st.caption(f"Left: at x = {format_quantity(x)} the tangent has the slope f′(x); the secant through x and "
               "x + h has nearly the same slope when h is small; the parabola with the true curvature "
               "f″(x) has its vertex where Newton's method would step. Gradient descent fits a parabola "
               "of its own, with curvature 1/η (dotted, one per learning rate), and steps to its "
               f"{'top' if maximize else 'bottom'}. Right: every run's iterates on the curve.")

    start = float(run.start_point()[0])
    flows = [_flow(settings.landscape, start, lr, settings.steps, maximize) for _, lr in drawn]
    figure = flow_figure(steps, flows, _stationary(landscape),
                         style=FigureStyle(lecture=view.lecture, height=560 if view.lecture else 420))
    chart(figure, "ds.flow")
    st.caption("Gradient descent is Euler's method for the gradient flow dx/dτ = "
               f"{'+' if maximize else '−'}f′(x): after t steps of size η it should be near the flow at time "
               "τ = tη (dotted, solved finely). While η·|f″| is small it is; as η·|f″| nears 2 at the "
               f"{word} the steps overshoot and swing around it, and past 2 they no longer settle at all.")

    st.subheader("How each run ended")
    st.dataframe(run_rows(landscape, runs, lrs), hide_index=True, width="stretch")
    st.caption("x*: the optimum nearest to where the run ended. Near it, a step multiplies the distance "
               "to it by about 1 − η·|f″(x*)|: smaller than 1 in size, the run converges (from alternating "
               "sides when the factor is negative); below −1, the steps overshoot further each time and "
               f"the run is pushed away. Steps to {WITHIN:g}: the step from which the run stays within "
               f"{WITHIN:g} of x* (the notes' criterion).")
    if settings.landscape in NOTES:
        st.markdown(NOTES[settings.landscape])

    if landscape.optima:
        st.subheader(f"Which starts and learning rates reach the global {word}")
        with st.spinner(f"Running gradient {'ascent' if maximize else 'descent'} from {REACH_STARTS} starts "
                        "at every learning rate…"):
            reach = _reach(settings.landscape, settings.steps, reach_lrs(lrs))
        figure = reach_figure(reach, start, lrs, optimum_word=word,
                              style=FigureStyle(lecture=view.lecture, height=560 if view.lecture else 400))
        chart(figure, "ds.reach")
        st.caption(_reach_text(reach, start, lrs, word) + f" Each cell is one run of {settings.steps} steps; "
                   "rings mark the runs above.")

    st.info("**Try this.** Shrink h and watch the secant's slope close in on f′(x), about ½f″(x)·h at a "
            "time. Then move the largest learning rate past 2/f″(x*) and watch its iterates leave the "
            "dotted flow. On 25 sin x − x², find a start and a learning rate in the green region.")
    exports("ds", "descent", lambda: trajectories_csv(runs),
            lambda: local_figure(landscape, model, steps, maximize=maximize), "Descent in 1-D")


def render() -> None:
    """Draw the lesson on descent in one dimension."""
    run_page(DESCENT, _sidebar,
             lambda view: "Descent in 1-D" if view.lecture else "Descent in one dimension", _body)
