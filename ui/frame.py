"""The frame every page shares: page config, navigation, lecture mode, charts, share links.

Pages use Streamlit's classic ``pages/`` discovery and each calls :func:`page_frame` first (through
the page skeleton, :mod:`ui.page`), so a link straight to any page works on a freshly started server
exactly as through the menu (with ``st.navigation`` and a ``pages/`` folder, Streamlit 1.67 runs a
cold deep link as a bare script).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from figures import standalone_html
from scenarios.pages import PAGES, Page

LECTURE_KEY = "lecture"

_LECTURE_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], header[data-testid="stHeader"] { display: none !important; }
.stMainBlockContainer, .block-container { max-width: 100% !important; padding-top: 1rem !important;
  padding-bottom: 1rem !important; }
h1 { padding-top: 0.25rem !important; padding-bottom: 0.25rem !important; }
html, .stMarkdown p, .stCaption p, [data-testid="stCaptionContainer"] { font-size: 1.35rem !important; }
h1 { font-size: 2.6rem !important; }
[data-testid="stDataFrame"] { font-size: 1.2rem !important; }
</style>
"""


def lecture_from_url() -> bool:
    return st.query_params.get(LECTURE_KEY, "0").lower() in ("1", "true", "yes", "on")


def page_frame(page: Page) -> bool:
    """Set up a page: config, menu, lecture mode (``?lecture=1``: no sidebar, larger type).

    Returns whether the page is in lecture mode.
    """
    st.set_page_config(page_title=f"{page.title} · Optimizer explorer", page_icon=page.icon, layout="wide",
                       initial_sidebar_state="auto")
    lecture = lecture_from_url()
    if lecture:
        st.html(_LECTURE_CSS)
    with st.sidebar:
        for listed in PAGES:
            st.page_link(listed.path, label=listed.title)
        st.divider()
    return lecture


def on_a_phone() -> bool:
    """Whether the browser says it runs on a phone, where the page is one narrow column.

    Streamlit does not tell a script the window's width, and one Plotly figure cannot rearrange its
    panels by itself; a phone's browser says "Mobi" in its user agent (MDN's test for a phone), and
    Chromium-based ones also send ``Sec-CH-UA-Mobile: ?1``.
    """
    headers = st.context.headers
    return "Mobi" in headers.get("User-Agent", "") or headers.get("Sec-CH-UA-Mobile", "") == "?1"


def side_by_side(spec: int | list[float] = 2) -> tuple[Any, ...]:
    """Columns on a screen (``st.columns(spec)``), or as many full-width blocks, stacked, on a phone."""
    count = spec if isinstance(spec, int) else len(spec)
    return tuple(st.container() for _ in range(count)) if on_a_phone() else tuple(st.columns(spec))


def page_query() -> dict[str, str]:
    """The link's parameters that belong to the page (the frame's own are left out)."""
    return {k: v for k, v in st.query_params.to_dict().items() if k != LECTURE_KEY}


def write_url(encoded: Mapping[str, str], lecture: bool) -> None:
    st.query_params.from_dict(dict(encoded) | ({LECTURE_KEY: "1"} if lecture else {}))


#: Plotly's toolbar: no logo, and its camera saves a PNG at twice the screen size. ``responsive``: a
#: figure without a height of its own fills the height the page gives its container.
CHART_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2},
                "responsive": True}
#: On a phone the mode bar stays on screen (there is no hover to reveal it), and its nine buttons covered
#: the legend's first row at 390 px. It keeps the picture, the reset of the axes and Streamlit's full screen.
PHONE_CHART_CONFIG = CHART_CONFIG | {"modeBarButtonsToRemove": [
    "zoom2d", "pan2d", "zoomIn2d", "zoomOut2d", "autoScale2d", "select2d", "lasso2d", "orbitRotation",
    "tableRotation", "zoom3d", "pan3d", "resetCameraLastSave3d"]}


@contextmanager
def folded(label: str, key: str, expanded: bool = False) -> Iterator[bool]:
    """An expander whose content runs only while it is open (``with folded(...) as shown: if shown:``).

    Streamlit runs a closed expander's content on every rerun and sends it anyway; each element costs
    the server time (under a class's load, waking the event loop for every element is a fifth of a
    rerun). Opening it reruns the page, which then draws the content.
    """
    box = st.expander(label, expanded=expanded, key=key, on_change="rerun")
    with box:
        yield bool(box.open)


def chart(fig: Any, key: str, height: str | None = None, on_select: Any = "ignore") -> None:
    """Draw a figure with its own template (as exported), full width.

    ``height`` is a CSS height for a figure that leaves its own to the page (``FigureStyle(height=None)``),
    e.g. ``min(calc(100vh - 140px), 110cqw)``: ``cqw`` is a percent of the chart's width, ``vh`` of the
    window's height, so the figure fits the screen it is shown on.
    """
    if height is not None:
        # Streamlit gives a keyed element the class st-key-<key> (dots become dashes).
        box = f".st-key-{key.replace('.', '-')}"
        # Streamlit sizes the element container as a flex item of the chart's own height (flex-basis):
        # it must follow the new height instead.
        st.html(f"<style>{box} {{ container-type: inline-size; flex: 0 0 auto !important; "
                f"height: auto !important; }} "
                # The box itself takes its content's height: ``cqw`` in its own rule would measure
                # the window, not the box.
                f"{box} [data-testid='stPlotlyChart'], {box} .js-plotly-plot, {box} .plot-container, "
                f"{box} .svg-container "
                f"{{ height: {height} !important; }}</style>")
    config = PHONE_CHART_CONFIG if on_a_phone() else CHART_CONFIG
    st.plotly_chart(fig, key=key, width="stretch", theme=None, config=config, on_select=on_select,
                    selection_mode="points")


def show_notices(notices: list[str]) -> None:
    """The link parameters that could not be used, one line each."""
    if notices:
        st.warning("Some settings in the link could not be used:\n\n" + "\n".join(f"- {n}" for n in notices))


def share_links(encoded: Mapping[str, str], page: Page) -> dict[str, str]:
    """Links that reproduce this view: as is, in lecture mode, and for an iframe."""
    base = (st.context.url or "").split("?")[0].rstrip("/")
    if not base:
        base = "http://localhost:8501" + ("" if page.path == "app.py" else "/" + page.path[6:-3])

    def link(extra: dict[str, str]) -> str:
        query = urlencode({**encoded, **extra})
        return f"{base}?{query}" if query else base

    return {
        "Link": link({}),
        "Lecture link (no sidebar, large type)": link({LECTURE_KEY: "1"}),
        "Embed in a slide (iframe src)": link({LECTURE_KEY: "1", "embed": "true"}),
    }


def share_panel(encoded: Mapping[str, str], page: Page) -> None:
    """The "share" controls: copyable links (the code block has a copy button)."""
    for label, url in share_links(encoded, page).items():
        st.caption(label)
        st.code(url, language=None, wrap_lines=True)


def lecture_toggle(lecture: bool) -> None:
    """A way into lecture mode (sidebar) and back out of it (the sidebar is hidden there)."""
    def switch(on: bool) -> None:
        if on:
            st.query_params[LECTURE_KEY] = "1"
        elif LECTURE_KEY in st.query_params:
            del st.query_params[LECTURE_KEY]

    if lecture:
        st.button("Leave lecture mode", key="leave_lecture", on_click=switch, args=(False,), type="tertiary")
    else:
        st.sidebar.button("Lecture mode", key="enter_lecture", on_click=switch, args=(True,),
                          help="Hide the sidebar and enlarge text and lines for a projector. Also "
                               "available as ?lecture=1 in the link.", icon="🎓")


def exports(key: str, file: str, csv: Callable[[], str], figure: Callable[[], Any], title: str, *,
            data_label: str = "trajectories", figure_label: str = "figure") -> None:
    """A page's two downloads side by side: its data as CSV and a figure as a standalone HTML file,
    each made only when clicked."""
    left, right = st.columns(2)
    left.download_button(f"Download {data_label} (CSV)", data=csv, file_name=f"{file}.csv", mime="text/csv",
                         on_click="ignore", icon="⬇️", key=f"{key}.csv")
    right.download_button(f"Download {figure_label} (HTML)", data=lambda: standalone_html(figure(), title),
                          file_name=f"{file}.html", mime="text/html", on_click="ignore", icon="⬇️",
                          key=f"{key}.html")
