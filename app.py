"""Optimizer explorer — entry point (``streamlit run app.py``).

A first page on the engine: pick a landscape and an optimizer, set the learning rate and the number
of steps, and see the path. Every setting lives in the URL, so a copied link reproduces the figure.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from figures import landscape_figure
from landscapes import LANDSCAPES, get_landscape
from optimizers import OPTIMIZERS, run

st.set_page_config(page_title="Optimizer explorer", page_icon="🧭", layout="wide")


@st.cache_data(max_entries=128, show_spinner=False)
def cached_run(optimizer: str, landscape: str, lr: float, steps: int):
    """One trajectory from the landscape's default start (plain arguments keep the cache key exact)."""
    return run(optimizer, get_landscape(landscape), None, steps, lr=lr)


st.title("Optimizer explorer")
with st.sidebar:
    landscape_name = st.selectbox(
        "Landscape", list(LANDSCAPES), format_func=lambda k: LANDSCAPES[k].title,
        key="landscape", bind="query-params")
    optimizer_name = st.selectbox(
        "Optimizer", list(OPTIMIZERS), index=list(OPTIMIZERS).index("adam"),
        format_func=lambda k: OPTIMIZERS[k].title, key="optimizer", bind="query-params")
    log_lr = st.slider("log₁₀ learning rate", -4.0, 0.5, -1.0, step=0.1, key="log_lr",
                       bind="query-params", help="The learning rate is 10 to this power.")
    steps = st.slider("Steps", 1, 1000, 200, key="steps", bind="query-params")

lr = float(10.0**log_lr)
landscape = LANDSCAPES[landscape_name]
spec = OPTIMIZERS[optimizer_name]
if spec.needs_hessian and not hasattr(landscape, "hessian"):
    st.error(f"{spec.title} needs a Hessian, which this landscape does not provide.")
    st.stop()

trajectory = cached_run(optimizer_name, landscape_name, lr, steps)
label = f"{spec.title} (lr = {lr:.3g})"
st.plotly_chart(landscape_figure(landscape, {label: trajectory}), key="landscape_chart",
                width="stretch", config={"displaylogo": False})
final = trajectory.final_loss[0]
if trajectory.diverged[0]:
    st.warning(f"{spec.title} diverged at step {int(trajectory.diverged_at[0])}: the learning rate is "
               "too large for this landscape. The path ends at its last finite point.")
else:
    st.caption(f"{landscape.title}: {spec.title} from {np.round(trajectory.path[0, 0], 3).tolist()}, "
               f"{steps} steps; final f = {final:.6g}.")
with st.expander(f"How {spec.title} works"):
    st.latex(spec.update_rule)
    st.write(spec.explanation)
    st.caption(spec.paper)
