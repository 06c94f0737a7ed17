"""The reference page for ``python -m benchmarks --browser``: the least a Streamlit + Plotly page does.

One slider, one select box and a small (60 × 60) contour whose data depend on both, served by its own
``streamlit run`` like the real app. The speed targets for the app are ratios against this page
measured in the same run on the same machine, so the figures do not depend on how fast the machine is.
Nothing here is cached: every change recomputes and re-sends the contour, as a real change would.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

SHAPES = {
    "bowl": lambda x, y: x**2 + y**2,
    "saddle": lambda x, y: x**2 - y**2,
    "ripple": lambda x, y: np.sin(3 * x) * np.cos(3 * y) + 0.1 * (x**2 + y**2),
    "valley": lambda x, y: (1 - x) ** 2 + 5 * (y - x**2) ** 2,
    "ridge": lambda x, y: np.abs(x) + 0.2 * y**2,
}

rate = st.sidebar.slider("learning rate", 0.001, 0.1, 0.01, step=0.001, format="%.3f", key="lr")
shape = st.sidebar.selectbox("landscape", list(SHAPES), key="landscape")

grid = np.linspace(-2.0, 2.0, 60)
x, y = np.meshgrid(grid, grid)
z = SHAPES[shape](x - 10 * rate, y)
figure = go.Figure(go.Contour(x=grid, y=grid, z=z, colorscale="Viridis"))
figure.update_layout(title=f"{shape}, shifted by 10 × {rate:.3f}", height=450,
                     margin=dict(l=40, r=20, t=50, b=40))
st.plotly_chart(figure, key="chart", width="stretch")
