"""Pure Plotly figure builders: landscape + trajectories -> go.Figure. No Streamlit here."""

from .curves import coordinate_figure, distance_figure, loss_figure
from .export import standalone_html
from .grid import Panel, small_multiples
from .landscape import landscape_figure
from .playground import playground_figure
from .sampling import display_rows
from .series import Series, styled_series
from .style import MARKERS, PALETTE, FigureStyle, apply_style
from .surface import surface_figure
from .view import curve, landscape_grid, view_window

__all__ = [
    "MARKERS", "PALETTE", "FigureStyle", "Panel", "Series", "apply_style", "coordinate_figure", "curve",
    "display_rows", "distance_figure", "landscape_figure", "landscape_grid", "loss_figure",
    "playground_figure", "small_multiples", "standalone_html", "styled_series", "surface_figure",
    "view_window",
]
