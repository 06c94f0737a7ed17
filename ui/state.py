"""What a page keeps in ``st.session_state`` between reruns, behind one typed object."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from scenarios.pages import Page


def push_state(state: Mapping[str, Any]) -> None:
    """Set widget values (before the widgets are drawn, or from a callback).

    Only values that differ are written. Writing a widget's key makes Streamlit send that value to
    the browser as set by the script, over whatever the user has done since this run began: a run
    for the second of three quick slider presses would put the slider back and lose the third.
    """
    missing = object()
    for key, value in state.items():
        if st.session_state.get(key, missing) != value:
            st.session_state[key] = value


def keep_hidden(state: Mapping[str, Any]) -> None:
    """Write the values of the widgets this run did not draw; call it once the page is drawn.

    A run that leaves a keyed widget out (a control shown only in one mode of a page, or only with
    noise) makes Streamlit drop the widget's value: its key then reads whatever the script last wrote
    there, perhaps long before the user changed it, and the next run would take that for the user's
    choice. Written here, a hidden control keeps the page's value, for the URL and for when it returns.
    Drawn widgets are left alone (see :func:`push_state`).
    """
    drawn = get_script_run_ctx().shared.widget_user_keys_this_run  # Streamlit has no public accessor
    for key, value in state.items():
        if key not in drawn:
            st.session_state[key] = value


class PageMemory:
    """A page's memory in the session: its settings, the link notices, and whether the link was read.

    Keys are ``<page name>.settings``, ``.notices``, ``.url`` and ``.presets_open``; nothing else in the
    app spells them.
    """

    def __init__(self, page: Page) -> None:
        self._settings = f"{page.name}.settings"
        self._notices = f"{page.name}.notices"
        self._url = f"{page.name}.url"
        self._presets = f"{page.name}.presets_open"

    @property
    def settings(self) -> Any | None:
        return st.session_state.get(self._settings)

    @settings.setter
    def settings(self, value: Any) -> None:
        st.session_state[self._settings] = value

    @property
    def notices(self) -> list[str]:
        return st.session_state.get(self._notices, [])

    @notices.setter
    def notices(self, value: list[str]) -> None:
        st.session_state[self._notices] = value

    @property
    def link_read(self) -> bool:
        """True once this session has read the page's link (after that the widgets are the truth)."""
        return self._url in st.session_state

    def presets_open(self, landing: bool) -> bool:
        """Whether the presets start open: on a first view of the page's defaults (the landing
        page), decided once per session, so the sidebar never jumps under the user's pointer."""
        return st.session_state.setdefault(self._presets, landing)

    def remember_link(self, encoded: Mapping[str, str]) -> None:
        st.session_state[self._url] = dict(encoded)
