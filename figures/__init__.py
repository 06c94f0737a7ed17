"""Pure Plotly figure builders: landscape + trajectories -> go.Figure. No Streamlit here."""

from .landscape import landscape_figure

__all__ = ["landscape_figure"]
