"""Browser fixtures: one Streamlit server per session, Debian's Chromium driven by Playwright.

Chromium is the system binary (``/usr/bin/chromium``, installed by ``.ci/run``); ``playwright
install`` is never needed. Without it the browser tests skip, unless ``E2E_REQUIRED=1`` (set in CI)
turns the missing browser into a failure, so CI cannot pass without running them.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks.local_server import free_port, healthy

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
HEALTH_DEADLINE_S = 60.0

#: Console errors that an offline browser always logs: the frontend probes the health and
#: host-config endpoints under every path prefix (404 below a page's path), and icon fonts come
#: from Google, which cannot be resolved here. Anything else is a real error.
EXPECTED_CONSOLE_NOISE = ("/_stcore/health", "/_stcore/host-config", "fonts.gstatic.com",
                          "ERR_NAME_NOT_RESOLVED")


def artifacts_dir() -> Path:
    """Return the screenshot directory ($ARTIFACTS or <repo>/artifacts), created if missing."""
    path = Path(os.environ.get("ARTIFACTS") or ROOT / "artifacts").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def streamlit_server() -> Iterator[str]:
    """Yield the base URL of a freshly started ``streamlit run app.py``; stop it afterwards."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # A file, not a pipe: nobody reads the output while the tests run, and a full pipe would block the server.
    with tempfile.TemporaryFile(mode="w+b") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true",
             "--server.address=127.0.0.1", f"--server.port={port}", "--browser.gatherUsageStats=false",
             "--server.fileWatcherType=none"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + HEALTH_DEADLINE_S
            while not healthy(url):
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    output = log.read().decode(errors="replace")
                    exited = proc.poll() is not None
                    state = f"exited with {proc.returncode}" if exited else "not healthy after 60 s"
                    pytest.fail(f"Streamlit server {state}; its output:\n{output}", pytrace=False)
                time.sleep(0.2)
            yield url
        finally:
            proc.terminate()  # only the process started here
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


@dataclass
class Server:
    """The session's server and whether a browser has loaded anything from it yet."""

    url: str
    used: bool = False


@pytest.fixture(scope="session")
def app_server() -> Iterator[Server]:
    with streamlit_server() as url:
        yield Server(url)


@pytest.fixture(scope="session")
def browser():
    required = os.environ.get("E2E_REQUIRED") == "1"
    problem = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        problem = "playwright is not installed (pip install -r requirements-dev.txt)"
    if problem is None and not os.path.exists(CHROMIUM):
        problem = f"Chromium not installed at {CHROMIUM}; .ci/run installs it"
    if problem is not None:
        if required:
            pytest.fail(f"E2E_REQUIRED=1 but {problem}", pytrace=False)
        pytest.skip(problem)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _is_noise(text: str) -> bool:
    return any(marker in text for marker in EXPECTED_CONSOLE_NOISE)


@pytest.fixture
def page(browser, app_server: Server):
    """A fresh browser context and page; fails the test on page errors and unexpected console errors."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(30_000)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))

    def on_console(message) -> None:
        if message.type != "error":
            return
        where = (message.location or {}).get("url", "")
        text = f"{message.text} [{where}]"
        if not _is_noise(text):
            problems.append(f"console error: {text}")

    tab.on("console", on_console)
    yield tab
    app_server.used = True
    context.close()
    assert not problems, "browser reported errors:\n" + "\n".join(problems)


@pytest.fixture
def screenshot(page, request) -> Callable[[str], Path]:
    """Return a function that saves a full-page screenshot under $ARTIFACTS and prints its path."""
    plugins = request.config.pluginmanager
    reporter, capture = plugins.getplugin("terminalreporter"), plugins.getplugin("capturemanager")

    def take(name: str) -> Path:
        path = artifacts_dir() / name
        page.screenshot(path=str(path), full_page=True)
        line = f"[screenshot] {request.node.name}: {path}"
        if reporter is None or capture is None:
            print(line)
            return path
        # Past pytest's output capture, so the path shows in the CI log even when the test passes.
        with capture.global_and_fixture_disabled():
            reporter.write_line("")
            reporter.write_line(line)
        return path

    return take


@pytest.fixture
def screenshot_dir(request) -> Path:
    """The folder for screenshots ($ARTIFACTS); each test's files are listed in the CI log."""
    folder = artifacts_dir()
    before = set(folder.glob("*.png"))
    yield folder
    for path in sorted(set(folder.glob("*.png")) - before):
        print(f"[screenshot] {request.node.name}: {path}")
