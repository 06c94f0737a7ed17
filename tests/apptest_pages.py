"""Opening any page of the app in Streamlit's AppTest, as a link straight to it would."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from scenarios import Page

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def open_page(page: Page, query: dict[str, str] | None = None, *, check_errors: bool = True) -> AppTest:
    """Run ``page`` with the link parameters ``query``; fail on an exception (and on an error box)."""
    at = AppTest.from_file(APP, default_timeout=60)
    if page.path != "app.py":
        at.switch_page(page.path)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if check_errors:
        assert not at.error, [e.value for e in at.error]
    return at
