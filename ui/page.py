"""The page skeleton: what every page with settings does, written once.

:func:`run_page` sets the page up (frame, lecture mode), starts from the link the first time and
from the widgets after that, draws the sidebar (presets, the page's own controls, reset, lecture
mode, share links), writes the URL, shows the link notices under the title and then calls the page's
body. A page module supplies only what is special about it: its sidebar controls, its heading and
its body.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from figures import FigureStyle
from scenarios.codec import decode, encode
from scenarios.pages import Page
from scenarios.presets import preset_showing, presets_for

from .frame import folded, lecture_toggle, page_frame, page_query, share_panel, show_notices, write_url
from .sidebar import presets_section
from .state import PageMemory, keep_hidden, push_state
from .widget_state import page_state, read_page


@dataclass(frozen=True)
class View:
    """What a page body draws from: its settings and how the page is shown."""

    page: Page
    settings: Any
    lecture: bool

    @property
    def style(self) -> FigureStyle:
        """Figure sizes for the screen, or larger for a projector."""
        return FigureStyle(lecture=True, height=760) if self.lecture else FigureStyle()


def _start(page: Page, memory: PageMemory) -> Any:
    """The settings this run starts from, pushed into the page's widgets where they must be.

    The URL is read once per session and page: when the page first runs (a link was opened). After
    that the widgets are the truth. A rerun triggered by a widget can carry the browser's URL from
    before this session's last URL write arrived, so reading it again would undo fast slider moves.
    Presets and "reset" load URL parameters through :func:`load_query` instead. After a page switch
    the widgets are gone; the remembered settings fill in whatever widget is missing.
    """
    if not memory.link_read:
        decoded = decode(page, page_query())
        memory.settings, memory.notices = decoded.settings, decoded.notices
        push_state(page_state(page, decoded.settings))
        return decoded.settings
    settings = memory.settings if memory.settings is not None else page.default()
    push_state({k: v for k, v in page_state(page, settings).items() if k not in st.session_state})
    return settings


def load_query(page: Page, query: Mapping[str, str]) -> None:
    """Load settings from URL parameters now (a preset, or "reset"): a widget callback."""
    decoded = decode(page, query)
    push_state(page_state(page, decoded.settings))
    memory = PageMemory(page)
    memory.settings, memory.notices = decoded.settings, decoded.notices


def _store(memory: PageMemory, settings: Any, encoded: dict[str, str], lecture: bool) -> list[str]:
    """Remember the settings and write them to the URL; returns the link notices still to show.

    Notices about a link stay until the settings change. The URL is written on every run, not only
    when the incoming URL differs: the incoming URL may be stale (see :func:`_start`), and skipping a
    write would leave the address bar behind the page.
    """
    if memory.settings != settings:
        memory.notices = []
    memory.settings = settings
    write_url(encoded, lecture)
    memory.remember_link(encoded)
    return memory.notices


def run_page(page: Page, sidebar: Callable[[Any], None], heading: Callable[[View], str],
             body: Callable[[View], None]) -> None:
    """Draw ``page``: the shared frame and sidebar around its own ``sidebar`` controls and ``body``."""
    lecture = page_frame(page)
    memory = PageMemory(page)
    settings = read_page(page, st.session_state, _start(page, memory))
    push_state(page_state(page, settings))
    encoded = encode(page, settings)
    with st.sidebar:
        presets_section(presets_for(page), lambda query: load_query(page, query),
                        expanded=memory.presets_open(settings == page.default()))
        sidebar(settings)
        st.button("Reset to defaults", key=f"{page.prefix}.reset", on_click=load_query, args=(page, {}),
                  icon="🔄", type="tertiary")
        if not lecture:
            lecture_toggle(lecture)
        with folded("Share this view", f"{page.prefix}.share") as shown:
            if shown:
                share_panel(encoded, page)
    notices = _store(memory, settings, encoded, lecture)
    view = View(page, settings, lecture)
    preset = preset_showing(page, settings)
    if lecture:  # the sidebar is hidden: the way out sits beside the title
        title, leave = st.columns([5, 1], vertical_alignment="center")
        title.title(heading(view))
        with leave:
            lecture_toggle(lecture)
    else:
        st.title(heading(view))
    show_notices(notices)
    if preset is not None and not lecture:
        st.info(f"**{preset.title}.** {preset.lesson}")
    body(view)
    if preset is not None and lecture:  # below the figures, which must fit the projector
        st.info(f"**{preset.title}.** {preset.lesson}")
    keep_hidden(page_state(page, settings))
