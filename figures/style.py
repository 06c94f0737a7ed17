"""Colours, marker symbols and the light layout shared by every figure (screen and lecture projection)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

#: Okabe–Ito colours, safe for the common forms of colour blindness. The yellow #F0E442 is replaced by
#: Tol's wine #882255: yellow lines vanish on a white background and on the light landscape colours.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#882255", "#000000")
#: The palette's colours by name, for a menu and a link (``o2.color=green``).
COLOUR_NAMES = ("blue", "vermillion", "green", "pink", "orange", "sky blue", "wine", "black")
#: One symbol per series, so paths stay distinguishable in greyscale print-outs too.
MARKERS = ("circle", "square", "diamond", "triangle-up", "x", "star", "cross", "pentagon")

#: The landscape's colours: viridis mixed halfway with white, so every palette colour (black included)
#: stays readable on top of it from the lowest to the highest values.
LANDSCAPE_COLORSCALE = (
    (0.0, "#a280aa"), (0.111, "#a494bc"), (0.222, "#9ea4c4"), (0.333, "#98b4c6"), (0.444, "#92c0c6"),
    (0.556, "#8fcec4"), (0.667, "#9adbbc"), (0.778, "#b6e6ac"), (0.889, "#daee95"), (1.0, "#fef392"),
)

INK = "#1a1a1a"  # text and outlines: near-black reads well on white paper
GRID = "#e3e3e3"

_AXIS = dict(showgrid=True, gridcolor=GRID, zeroline=False, showline=True, linecolor="#555555",
             ticks="outside", tickcolor="#555555", automargin=True)
_SCENE_AXIS = dict(backgroundcolor="white", gridcolor="#d0d0d0", showbackground=True, zerolinecolor="#bbbbbb")

#: An explicit light template: figures are shown with Streamlit's ``theme=None`` and keep their own white
#: paper, so they read the same on a light or a dark page. Plain dict: Plotly's named templates would be
#: validated (slow) and ``"plotly_white"`` as a bare string means nothing to plotly.js.
LIGHT_TEMPLATE: dict[str, Any] = {
    "layout": {
        "colorway": list(PALETTE),
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "font": {"color": INK},
        "xaxis": _AXIS,
        "yaxis": _AXIS,
        "scene": {"xaxis": _SCENE_AXIS, "yaxis": _SCENE_AXIS, "zaxis": _SCENE_AXIS},
        "coloraxis": {"colorbar": {"outlinewidth": 0, "ticks": "outside"}},
    },
}


@dataclass(frozen=True)
class FigureStyle:
    """How a figure is drawn: ``lecture=True`` is for projection (fonts 1.5×, thicker lines, bigger marks).

    ``height=None`` leaves the figure's height to its container (the page sizes it to the window;
    an HTML export gives it the whole browser window).
    """

    lecture: bool = False
    height: int | None = 520

    @property
    def scale(self) -> float:
        """The size factor for fonts, lines and markers."""
        return 1.5 if self.lecture else 1.0

    @property
    def font_size(self) -> int:
        """The base font size in px."""
        return round(13 * self.scale)

    @property
    def line_width(self) -> float:
        """The width of a path line in px."""
        return 2.5 if not self.lecture else 4.0

    def size(self, px: float) -> float:
        """A marker size ``px`` (given for the screen) scaled for this style."""
        return round(px * self.scale, 1)

    def at_height(self, px: int) -> FigureStyle:
        """This style at ``px`` pixels tall on a screen (scaled like everything else on a projector)."""
        return FigureStyle(lecture=self.lecture, height=round(px * self.scale))

    @property
    def compact_height(self) -> int | None:
        """The height of a small side-column figure (None: left to the page, as ``height``)."""
        if self.height is None:
            return None
        return 400 if self.lecture else 280


#: The default style (frozen, so one shared instance is safe as a default argument).
DEFAULT_STYLE = FigureStyle()


def style_layout(style: FigureStyle, *, compact: bool = False) -> dict[str, Any]:
    """Return the layout entries every figure shares: template, fonts, margins, legend and hover label."""
    font = style.font_size
    height = style.compact_height if compact else style.height
    return {
        "template": LIGHT_TEMPLATE,
        "font": {"size": font, "color": INK, "family": "Arial, Helvetica, sans-serif"},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        **({} if height is None else {"height": height}),
        "margin": {"l": 10, "r": 10, "t": 10 if compact else 20, "b": 10},
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom",
                   "bgcolor": "rgba(255,255,255,0.85)", "font": {"size": font - (2 if compact else 0)},
                   "itemsizing": "constant"},
        "hovermode": "closest",
        "hoverlabel": {"bgcolor": "white", "bordercolor": "#666666", "align": "left",
                       "font": {"color": INK, "size": font}},
    }


def translucent(colour: str, alpha: float = 0.2) -> str:
    """``#rrggbb`` as ``rgba(r,g,b,alpha)``: a band or area in a series' colour."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def apply_style(fig: go.Figure, style: FigureStyle) -> go.Figure:
    """Return ``fig`` (changed in place) with the shared light layout of ``style`` applied."""
    fig.update_layout(style_layout(style))
    return fig


def two_panels(stacked: bool, gap: float = 0.1, width: float = 1.0) -> tuple[list[float], list[float],
                                                                             tuple[list[float], list[float]]]:
    """Paper domains of two panels: side by side (each ``(width − gap)/2`` wide), or stacked on a phone.

    Returns the first and second panel's x domain and their y domains ``(first, second)``.
    """
    if stacked:
        return [0, 1], [0, 1], ([0.5 + gap / 2, 1], [0, 0.5 - gap / 2])
    middle = width / 2
    return [0, middle - gap / 2], [middle + gap / 2, width], ([0, 1], [0, 1])
