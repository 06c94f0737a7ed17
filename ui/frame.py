"""The frame every page shares: page config, navigation, lecture mode, URL <-> widgets, share links.

Pages use Streamlit's classic ``pages/`` discovery and each calls :func:`page_frame` first, so a
link straight to any page works on a freshly started server exactly as through the menu (with
``st.navigation`` and a ``pages/`` folder, Streamlit 1.67 runs a cold deep link as a bare script).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from scenarios.codec import Decoded

#: (page file relative to app.py, menu label) in menu order; a new page adds one line here.
PAGES = (
    ("app.py", "Playground"),
    ("pages/compare.py", "Compare"),
)
LECTURE_KEY = "lecture"

_LECTURE_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"] { display: none !important; }
.stMainBlockContainer, .block-container { max-width: 100% !important; padding-top: 3.5rem !important; }
html, .stMarkdown p, .stCaption p, [data-testid="stCaptionContainer"] { font-size: 1.35rem !important; }
h1 { font-size: 2.6rem !important; }
[data-testid="stDataFrame"] { font-size: 1.2rem !important; }
</style>
"""


@dataclass(frozen=True)
class Frame:
    """What a page needs to know about how it is shown."""

    lecture: bool


def _lecture_from_url() -> bool:
    return st.query_params.get(LECTURE_KEY, "0").lower() in ("1", "true", "yes", "on")


def page_frame(title: str, icon: str) -> Frame:
    """Set up a page: config, menu, lecture mode (``?lecture=1``: no sidebar, larger type)."""
    st.set_page_config(page_title=f"{title} · Optimizer explorer", page_icon=icon, layout="wide",
                       initial_sidebar_state="expanded")
    lecture = _lecture_from_url()
    if lecture:
        st.html(_LECTURE_CSS)
    with st.sidebar:
        for path, label in PAGES:
            st.page_link(path, label=label)
        st.divider()
    return Frame(lecture=lecture)


def _page_query() -> dict[str, str]:
    return {k: v for k, v in st.query_params.to_dict().items() if k != LECTURE_KEY}


def load_settings(page: str, decode: Callable[[Mapping[str, str]], Decoded],
                  to_state: Callable[[Any], dict[str, Any]], default: Any) -> Any:
    """The settings this run starts from, pushed into the page's widgets when they must change.

    The URL is read once per session and page: when the page first runs (a link was opened). After
    that the widgets are the truth. A rerun triggered by a widget can carry the browser's URL from
    before this session's last URL write arrived, so reading it again would undo fast slider moves.
    Presets and "reset" load URL parameters through :func:`apply_query` instead. After a page
    switch the widgets are gone and the remembered settings are shown again.
    Returns the settings; the notices about link parameters that could not be used are kept for
    :func:`store_settings`.
    """
    ss = st.session_state
    remembered = ss.get(f"{page}.settings")
    if f"{page}.url" not in ss:
        decoded = decode(_page_query())
        settings = decoded.settings
        ss[f"{page}.settings"] = settings  # the notices stay until these settings change
        ss[f"{page}.notices"] = decoded.notices
        push_state(to_state(settings))
    else:
        settings = remembered if remembered is not None else default
        sentinel = next(iter(to_state(settings)))
        if sentinel not in ss:  # widgets were cleared by a page switch: show the settings again
            push_state(to_state(settings))
    return settings


def push_state(state: Mapping[str, Any]) -> None:
    """Set widget values (before the widgets are drawn, or from a callback)."""
    for key, value in state.items():
        st.session_state[key] = value


#: Plotly's toolbar: no logo, and its camera saves a PNG at twice the screen size.
CHART_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}


def chart(fig: Any, key: str) -> None:
    """Draw a figure with its own template (as exported), full width."""
    st.plotly_chart(fig, key=key, width="stretch", theme=None, config=CHART_CONFIG)


def show_notices(notices: list[str]) -> None:
    """The link parameters that could not be used, one line each."""
    if notices:
        st.warning("Some settings in the link could not be used:\n\n" + "\n".join(f"- {n}" for n in notices))


def apply_query(page: str, query: Mapping[str, str], decode: Callable[[Mapping[str, str]], Decoded],
                to_state: Callable[[Any], dict[str, Any]]) -> None:
    """Load settings from URL parameters now (a preset, or "reset"): a widget callback."""
    decoded = decode(query)
    push_state(to_state(decoded.settings))
    st.session_state[f"{page}.settings"] = decoded.settings
    st.session_state[f"{page}.notices"] = decoded.notices


def store_settings(page: str, settings: Any, encoded: dict[str, str], lecture: bool) -> list[str]:
    """Remember the settings and write them to the URL; returns the link notices still to show.

    Notices about a link stay until the settings change.

    Written on every run, not only when the incoming URL differs: the incoming URL may be stale
    (see :func:`load_settings`), and skipping a write would leave the address bar behind the page.
    """
    ss = st.session_state
    if ss.get(f"{page}.settings") != settings:
        ss[f"{page}.notices"] = []
    ss[f"{page}.settings"] = settings
    st.query_params.from_dict(encoded | ({LECTURE_KEY: "1"} if lecture else {}))
    ss[f"{page}.url"] = dict(encoded)
    return ss.get(f"{page}.notices", [])


def share_links(encoded: Mapping[str, str], page_path: str) -> dict[str, str]:
    """Links that reproduce this view: as is, in lecture mode, and for an iframe."""
    base = (st.context.url or "").split("?")[0].rstrip("/")
    if not base:
        base = "http://localhost:8501" + ("" if page_path == "app.py" else "/" + page_path[6:-3])

    def link(extra: dict[str, str]) -> str:
        query = urlencode({**encoded, **extra})
        return f"{base}?{query}" if query else base

    return {
        "Link": link({}),
        "Lecture link (no sidebar, large type)": link({LECTURE_KEY: "1"}),
        "Embed in a slide (iframe src)": link({LECTURE_KEY: "1", "embed": "true"}),
    }


def share_panel(encoded: Mapping[str, str], page_path: str) -> None:
    """The "share" controls: copyable links (the code block has a copy button)."""
    for label, url in share_links(encoded, page_path).items():
        st.caption(label)
        st.code(url, language=None, wrap_lines=True)


def lecture_toggle(frame: Frame) -> None:
    """A way into lecture mode (sidebar) and back out of it (the sidebar is hidden there)."""
    def switch(on: bool) -> None:
        if on:
            st.query_params[LECTURE_KEY] = "1"
        elif LECTURE_KEY in st.query_params:
            del st.query_params[LECTURE_KEY]

    if frame.lecture:
        st.button("Leave lecture mode", key="leave_lecture", on_click=switch, args=(False,), type="tertiary")
    else:
        st.sidebar.button("Lecture mode", key="enter_lecture", on_click=switch, args=(True,),
                          help="Hide the sidebar and enlarge text and lines for a projector. Also "
                               "available as ?lecture=1 in the link.", icon="🎓")
