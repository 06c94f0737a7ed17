"""Page settings <-> the values of the page's widgets, keyed by widget key (no Streamlit here).

Widget keys are stable and say what they hold: ``pg.landscape``, ``pg.s1.name`` (slot 1's
optimizer), ``pg.s1.adam.lr``, ``pg.s1.adam.betas.0``. They come from the settings' declarations
(:mod:`scenarios.fields`), like the link keys, so a page needs no code of its own for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scenarios.fields import read_widgets, widget_values
from scenarios.pages import COMPARE, PLAYGROUND, Comparison, Page, Playground


def page_state(page: Page, settings: Any) -> dict[str, Any]:
    """Widget values showing ``settings`` of ``page``."""
    return widget_values(page.prefix, settings)


def read_page(page: Page, state: Mapping[str, Any], previous: Any) -> Any:
    """``page``'s settings as its widgets show them; ``previous`` fills what no widget holds."""
    return read_widgets(page.prefix, state, previous)


def playground_state(settings: Playground) -> dict[str, Any]:
    return page_state(PLAYGROUND, settings)


def read_playground(state: Mapping[str, Any], previous: Playground) -> Playground:
    return read_page(PLAYGROUND, state, previous)


def comparison_state(settings: Comparison) -> dict[str, Any]:
    return page_state(COMPARE, settings)


def read_comparison(state: Mapping[str, Any], previous: Comparison) -> Comparison:
    return read_page(COMPARE, state, previous)
