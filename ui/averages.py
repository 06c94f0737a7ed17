"""Lesson: moving averages and momentum. An exponential moving average and its bias correction, the
three ways momentum is written, momentum's terminal velocity, and averaging the weights of a run."""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from figures import FigureStyle, distance_figure, landscape_figure, styled_series
from figures.averages import average_figure, buffers_figure, terminal_figure, weights_figure
from landscapes import get_landscape
from lessons.averages import averaged, bias_corrected, conventions, day_weights, ema, terminal_velocity
from optimizers import run
from scenarios.pages import AVERAGES, AveragesLesson
from scenarios.results import distance_to_optimum, format_quantity
from scenarios.values import format_number

from .controls import declared_controls
from .frame import chart, exports, side_by_side
from .page import View, run_page

#: The signal's widget key (declared as the ``signal`` setting of :class:`AveragesLesson`).
SIGNAL_KEY = f"{AVERAGES.prefix}.signal"
#: The course notes' six days and their table of V_t at β = 0.7, as printed (three entries are off).
NOTES_SIGNAL = (100.0, 114.0, 118.0, 117.0, 120.0, 122.0)
NOTES_TABLE = ("30", "55.2", "74.04", "86.9", "96.83", "104.38")
#: The bowl the weight-averaging runs on: the quadratic with κ = 10.
BOWL = "quadratic"


def _sidebar(settings: AveragesLesson) -> None:
    st.subheader("The average")
    declared_controls(settings, AVERAGES.prefix, only=("signal", "beta"))
    st.subheader("The runs")
    declared_controls(settings, AVERAGES.prefix, only=("lr", "steps", "noise"))


def edited_signal(signal: tuple[float, ...], edits: Mapping[str, Any]) -> tuple[float, ...] | None:
    """The signal after a table's edits (``st.data_editor``'s edited, deleted and added rows), or None
    when the result cannot be used (empty, too long, or a number out of range)."""
    values: list[float | None] = list(signal)
    for row, change in (edits.get("edited_rows") or {}).items():
        if "value" in change:
            values[int(row)] = change["value"]
    deleted = {int(row) for row in edits.get("deleted_rows") or ()}
    values = [v for i, v in enumerate(values) if i not in deleted]
    values += [row.get("value") for row in edits.get("added_rows") or ()]
    kept = [float(v) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    if not kept or len(kept) > 100 or not all(math.isfinite(v) and abs(v) <= 1e9 for v in kept):
        return None
    return tuple(kept)


def _table_key(signal: tuple[float, ...]) -> str:
    # A new key per signal: the editor starts afresh from the signal the page now shows.
    return f"{AVERAGES.prefix}.table.{zlib.crc32(repr(signal).encode())}"


def _apply_table(signal: tuple[float, ...], key: str) -> None:
    new = edited_signal(signal, st.session_state.get(key) or {})
    if new is not None:
        st.session_state[SIGNAL_KEY] = ", ".join(format_number(v) for v in new)


def average_rows(signal: tuple[float, ...], beta: float) -> pd.DataFrame:
    """Day, value, V_t and the bias-corrected V_t, as the page's table shows them."""
    raw = ema(signal, beta)
    corrected = bias_corrected(raw, beta)
    return pd.DataFrame({"day": np.arange(1, len(signal) + 1), "value": list(signal),
                         "EMA V_t": [exact(v) for v in raw],
                         "corrected": [format_quantity(v) for v in corrected]})


def exact(value: float) -> str:
    """Ten significant digits, trailing zeros dropped: the table shows 86.928, not 86.93."""
    return f"{float(value):.10g}"


def _signal_table(settings: AveragesLesson) -> None:
    key = _table_key(settings.signal)
    st.data_editor(average_rows(settings.signal, settings.beta), key=key, hide_index=True, num_rows="dynamic",
                   width="stretch", disabled=("day", "EMA V_t", "corrected"),
                   column_config={"day": st.column_config.NumberColumn(width="small"),
                                  "value": st.column_config.NumberColumn("value ✎", required=True)},
                   on_change=_apply_table, args=(settings.signal, key))


@st.cache_data(max_entries=64, show_spinner=False)
def _averaging_runs(lr: float, steps: int, noise: float, beta: float) -> tuple:
    bowl = get_landscape(BOWL)
    options = dict(lr=lr, noise=noise, seed=0)
    with_ema = run("sgd", bowl, None, steps, average="ema", ema_decay=beta, **options)
    with_swa = run("sgd", bowl, None, steps, average="swa", swa_start=steps // 2, **options)
    return with_ema, averaged(with_ema), averaged(with_swa)


def _averaging(settings: AveragesLesson, view: View) -> None:
    bowl = get_landscape(BOWL)
    raw, ema_path, swa_path = _averaging_runs(settings.lr, settings.steps, settings.noise, settings.beta)
    half = settings.steps // 2
    series = styled_series([("SGD with noise", raw),
                            (f"EMA of its iterates, β = {settings.beta:g}", ema_path),
                            (f"SWA: the mean from step {half}", swa_path)])
    style = FigureStyle(lecture=view.lecture, height=560 if view.lecture else 440)
    left, right = side_by_side([3, 2])
    with left:
        chart(landscape_figure(bowl, series, style=style, animate=False), "av.bowl")
    with right:
        chart(distance_figure(bowl, series, style=style), "av.distance")
    tail = slice(-max(1, settings.steps // 5), None)
    rows = []
    for s in series:
        distance = distance_to_optimum(bowl, s.path)
        rows.append({"iterates": s.label,
                     "final distance to the minimum": format_quantity(float(distance[-1])),
                     "mean distance, last fifth of the run": format_quantity(float(np.mean(distance[tail])))})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption("The same noisy run three ways (the engine's `average=\"ema\"` and `\"swa\"`). With "
               "noise, SGD at a fixed learning rate never settles: it keeps jittering around the minimum. An "
               "average of its iterates cancels much of the jitter; it is what SWA (Izmailov et al., 2018) "
               "and the EMA of weights many trainers keep are for.")


def _notes(settings: AveragesLesson, raw: np.ndarray) -> None:
    if settings.signal == NOTES_SIGNAL and settings.beta == 0.7:
        exact = ", ".join(format_number(round(float(v), 10)) for v in raw[3:])
        st.markdown(
            f"**About the notes.** Their table gives V₄, V₅, V₆ as {', '.join(NOTES_TABLE[3:])}; the exact "
            f"values are {exact}. 86.9 is a rounding, but 96.83 and 104.38 are not: to two decimals "
            "they are 96.85 and 104.39.")
    st.markdown(
        "**Which power of β?** The correction must divide an average by the total weight of the terms in "
        "it: after t gradients that is 1 − βᵗ. The notes' momentum writes the step as α/(1 − βᵗ⁺¹) times "
        "vₜ, a quantity their update never defines (their buffer is u); the corrected step is "
        "α·uₜ₊₁/(1 − βᵗ⁺¹), the buffer that holds t + 1 gradients. Their Adam divides uₜ₊₁ by 1 − β₁ᵗ, one "
        "power short: torch's Adam, like Kingma and Ba, divides the moment after step t by 1 − β₁ᵗ with t "
        "counted from 1.")


def _body(view: View) -> None:
    settings = view.settings
    signal, beta = settings.signal, settings.beta
    if not view.lecture:
        st.caption("An exponential moving average keeps one number and folds each new value in: "
                   "Vₜ = βVₜ₋₁ + (1 − β)θₜ. Momentum is exactly this, applied to gradients. Edit the numbers "
                   "in the table or in the sidebar; move β.")
    raw = ema(signal, beta)
    corrected = bias_corrected(raw, beta)
    style = FigureStyle(lecture=view.lecture, height=520 if view.lecture else 360)
    left, right = side_by_side([1, 1])
    with left:
        chart(average_figure(signal, raw, corrected, beta=beta, style=style), "av.average")
    with right:
        _signal_table(settings)
    cells = st.columns(3)
    cells[0].metric(f"Last average V_{len(signal)}", format_quantity(raw[-1]))
    cells[1].metric("Bias-corrected", format_quantity(corrected[-1]),
                    help="V_T / (1 − β^T): the weighted mean of the days.")
    cells[2].metric("Total weight of the days in V_T", format_quantity(1 - beta ** len(signal)),
                    help="1 − β^T: what is missing is the weight of V₀ = 0.")
    st.caption("From V₀ = 0 the first averages are far too small: the start's 0 still carries the weight "
               "βᵗ. Dividing by 1 − βᵗ, the weight the days do carry, fixes that exactly.")
    chart(weights_figure(day_weights(len(signal), beta), day_weights(len(signal), beta, corrected=True),
                         style=style.at_height(300)), "av.weights")
    st.caption("Day k carries (1 − β)β^(T−k) in the last average: recent days the most, and every "
               "older day β times less than the next.")
    _notes(settings, raw)

    st.subheader("Three ways to write momentum")
    buffers = conventions(signal, beta)
    chart(buffers_figure(signal, buffers, style=style.at_height(340)), "av.buffers")
    st.caption(f"The same numbers fed as gradients to SGD's momentum buffer (μ = β = {beta:g}) in its three "
               "conventions. The EMA form is the average above. torch's b ← μb + g is that average times "
               f"1/(1 − β) = {format_quantity(1 / (1 - beta))}: the same path at a learning rate "
               f"{format_quantity(1 / (1 - beta))} times larger. torch with dampening β adds (1 − β)g like "
               "the EMA form, but its first step puts the whole g₁ in the buffer, so it exceeds the EMA by "
               "βᵗ·g₁: it starts unbiased without a correction.")

    st.subheader("Terminal velocity on a constant slope")
    terminals = terminal_velocity(beta, settings.lr, settings.steps)
    # the approach takes a few times 1/(1 − β) steps; the rest of a long run is a flat line
    shown = min(settings.steps, max(20, math.ceil(8 / (1 - beta))))
    chart(terminal_figure(terminals, steps=shown, style=style.at_height(340)), "av.terminal")
    st.caption(f"Down f(x) = x (gradient 1) at lr {format_quantity(settings.lr)}: torch's momentum keeps "
               "adding the full gradient, so its step grows to lr·g/(1 − β) = "
               f"{format_quantity(terminals[1].limit)}, {format_quantity(1 / (1 - beta))} times plain SGD's. "
               "The EMA forms average instead of adding: their step tends to lr·g itself.")

    st.subheader("Averaging the weights of a noisy run")
    _averaging(settings, view)

    st.info("**Try this.** Set β to 0.9: torch's step on the slope tends to 10 times SGD's. Type a "
            "signal that jumps (0, 0, 0, 100, 100, 100) and watch the average lag behind it: the weights' "
            "centre lies β/(1 − β) days back. Raise the noise and β to 0.99: the EMA of the iterates sits "
            "much closer to the minimum than the iterates do.")
    exports("av", "averages", lambda: average_rows(signal, beta).to_csv(index=False),
            lambda: average_figure(signal, raw, corrected, beta=beta), "Averages", data_label="the averages")


def render() -> None:
    """Draw the lesson on moving averages and momentum."""
    run_page(AVERAGES, _sidebar,
             lambda view: "Averages and momentum" if view.lecture else "Moving averages and momentum", _body)
