"""A figure as a self-contained HTML file that works offline (plotly.js inlined)."""

from __future__ import annotations

import html

import plotly.graph_objects as go
import plotly.io as pio


def standalone_html(fig: go.Figure, title: str) -> bytes:
    """Return a complete HTML document (UTF-8) showing ``fig`` with plotly.js inlined and ``<title>`` set.

    The animation does not start by itself: Play and the step slider work as on the page.
    """
    page = pio.to_html(fig, include_plotlyjs=True, full_html=True, auto_play=False, validate=False,
                       config={"responsive": True, "displaylogo": False}, default_width="100%",
                       default_height="96vh")  # used when the figure leaves its height to the page
    # The first <head> is the document's (plotly.js, inlined further down, contains the string too).
    page = page.replace("<head>", f"<head>\n    <title>{html.escape(title)}</title>", 1)
    return page.encode("utf-8")
