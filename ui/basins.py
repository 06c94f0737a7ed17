"""The Basins page: for each optimizer, where every start of a grid over the landscape ends up."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from explore import BasinsResult, basins
from figures.basins import ROW_PX, basin_shares, basins_figure
from figures.traces import optimum_name
from optimizers import HyperparameterError
from scenarios.fields import lowest
from scenarios.pages import BASINS, BasinsPage
from scenarios.results import format_quantity
from scenarios.settings import OptimizerChoice, RunSettings, slot_labels

from .controls import declared_controls
from .frame import chart, on_a_phone
from .page import View, run_page
from .sidebar import run_options, slots_section

#: A row of 1-D strips, in px.
STRIP_PX = 150


def _sidebar(settings: BasinsPage) -> None:
    prefix = BASINS.prefix
    st.subheader("Landscape")
    declared_controls(settings.run, prefix, only=("landscape",))
    st.subheader("Optimizers")
    slots_section(settings, prefix)
    st.subheader("Map")
    declared_controls(settings, prefix, skip=("run",))
    st.subheader("Run")
    run_options(settings.run, prefix, start=False)


#: Particle-steps the maps of one page may take: a little more than the default maps (200 × 200 starts
#: × 300 steps × 3 optimizers = 3.6e7, a few seconds on one core). Beyond it one link (`?steps=5000`:
#: 46 s, heavy-tailed noise with ν = 100: over 120 s) would hold the server, which a class shares.
WORK_BUDGET = 4e7


def drawn_resolution(settings: BasinsPage, dim: int) -> int:
    """Starts per axis the page draws: the chosen ones, or fewer when they would exceed the budget.

    Heavy-tailed noise draws ν + 1 normals per component and step, so it counts as that much more work.
    """
    run = settings.run
    noise = 1.0 if run.noise == 0 else 1.0 + 0.5 * (run.noise_df + 1)
    per_start = max(1, run.steps) * max(1, len(settings.slots)) * noise
    fits = int((WORK_BUDGET / per_start) ** (1 / dim))
    return max(int(lowest(BasinsPage, "resolution")), min(settings.resolution, fits))


@st.cache_data(max_entries=32, show_spinner=False)
def cached_basins(run: RunSettings, choice: OptimizerChoice, resolution: int) -> BasinsResult:
    """One optimizer's map (computed once per settings; its colour does not matter)."""
    landscape = run.build_landscape()
    return basins(choice.name, landscape, run.steps, resolution=resolution, **dict(choice.hyper),
                  **run.engine_options())


def _csv(panels: list[tuple[str, BasinsResult]]) -> str:
    frames = []
    for title, result in panels:
        starts = result.starts.reshape(-1, result.starts.shape[-1])
        frame = pd.DataFrame(starts, columns=["start x", "start y"][:starts.shape[1]])
        frame.insert(0, "optimizer", title)
        frame["optimum"] = result.labels.ravel()
        frame["steps"] = result.steps.ravel()
        frames.append(frame)
    return pd.concat(frames, ignore_index=True).to_csv(index=False)


def _body(view: View) -> None:
    settings, style = view.settings, view.style
    landscape = settings.run.build_landscape()
    if not settings.slots:
        st.info("Add an optimizer in the sidebar to map where its starts end up.")
        return
    n = drawn_resolution(settings, landscape.dim)
    if n < settings.resolution:
        wanted = settings.resolution
        asked = f"{wanted} × {wanted}" if landscape.dim == 2 else str(wanted)
        drawn = f"{n} × {n}" if landscape.dim == 2 else str(n)
        st.warning(f"{asked} starts × {settings.run.steps:,} steps × {len(settings.slots)} optimizers"
                   + (" with heavy-tailed noise" if settings.run.noise > 0 and settings.run.noise_df else "")
                   + f" is more than this page computes at once (a class shares the server): drawing {drawn} "
                   "starts. Fewer steps or optimizers give more starts.")
    if not view.lecture:
        grid = f"{n} × {n} of them over the landscape's window" if landscape.dim == 2 else \
            f"{n} of them along the landscape's window"
        st.caption(f"Every point of the map is a start: {grid}, each run for the same number of steps, all "
                   "in one batched call per optimizer. A start takes the colour of the "
                   f"{landscape.optima_word} optimum its run ends at.")
    if not landscape.optima:
        st.info(f"{landscape.title} has no {landscape.optima_word} optima to reach: every start is “reached "
                "none” or diverged.")
    labels = slot_labels(settings.slots)
    panels = []
    with st.spinner(f"Running {len(settings.slots) * n ** landscape.dim:,} starts…"):
        for choice, label in zip(settings.slots, labels, strict=True):
            try:
                panels.append((label, cached_basins(settings.run, replace(choice, colour="auto"), n)))
            except (ValueError, HyperparameterError) as exc:  # a combination the engine refuses
                st.error(f"{label} could not run: {exc}")
    if not panels:
        return
    columns = 1 if on_a_phone() else min(len(panels), 2)
    rows = -(-len(panels) // columns)
    # A 2-D map is square; a 1-D landscape's starts are a line, drawn as a low strip.
    row_px = ROW_PX if landscape.dim == 2 else STRIP_PX
    figure = basins_figure(panels, colour_by=settings.colour_by, columns=columns,
                           style=replace(style, height=None), row_px=row_px * style.scale,
                           optimum_word=optimum_name(landscape))
    per_row = (f"min({row_px * style.scale:.0f}px, {90 if columns == 1 else 45}vw)" if landscape.dim == 2
               else f"{row_px * style.scale:.0f}px")
    chart(figure, "bs.maps", height=f"calc({rows} * {per_row} + {60 * style.scale:.0f}px)")
    st.caption(f"Light: the run reached no {landscape.optima_word} optimum within the tolerance in the steps "
               "given (it may still be on its way); dark grey: it diverged."
               + (" Stars mark the optima." if landscape.dim == 2 else ""))
    st.subheader("Who goes where")
    table = pd.DataFrame(basin_shares(panels))
    shown = table.copy()
    for column in shown.columns[1:-1]:
        shown[column] = [f"{100 * v:.1f} %" for v in table[column]]
    shown["median steps"] = [format_quantity(v) for v in table["median steps"]]
    st.dataframe(shown, hide_index=True, width="stretch", column_config={  # fits a 1280 px page
        "median steps": st.column_config.Column(
            "steps", help="The median number of steps the starts that reached an optimum took to reach it.")})
    if not view.lecture:
        st.info("**Try this.** On Himmelblau, compare the first two maps: plain gradient descent splits "
                "the window into four clean regions, one per minimum; with momentum (μ = 0.9) the heavy "
                "ball overshoots, and starts far out end in another valley, in interleaved bands. Raise μ "
                "to 0.99: after 300 steps almost every start is still moving (light). Then colour by steps.")
    st.download_button("Download the maps (CSV)", data=lambda: _csv(panels), file_name="basins.csv",
                       mime="text/csv", on_click="ignore", icon="⬇️", key="bs.csv")


def render() -> None:
    """Draw the Basins page."""
    run_page(BASINS, _sidebar, lambda view: "Basins of attraction", _body)
