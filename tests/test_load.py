"""A small classroom on one server (``pytest -m load``): the load test of ``python -m benchmarks --load``
with six websocket sessions for 12 s, then one Chromium page among two websocket sessions.

Asserted: no errors (exceptions, ``st.error``, lost sockets, runs that never finish), no session ever
sees another's settings (in the URL the app writes, the widgets the script sets, the chart's trace
names), and every session got its charts. Timings are printed, not asserted: the machine is shared.
Memory is not judged here: 12 s is too short to tell a leak from warming up (the benchmark does it).
Two fast checks first prove that the isolation and memory verdicts can fail.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks import load
from benchmarks.browser import BenchError, servers

pytestmark = pytest.mark.load

APP = Path(__file__).resolve().parents[1] / "app.py"
LR_OPTIONS = ["0.001", "0.002", "0.005", "0.01", "0.02", "0.05", "0.1"]
PAGE = load.Page(lr_options=LR_OPTIONS, default_lr="0.001", default_steps=500, steps_range=(1, 5000),
                 landscapes={"Rosenbrock (2-D)": "rosenbrock"}, default_landscape="rosenbrock", custom=False,
                 custom_note="")


def test_the_isolation_check_names_the_session_whose_values_leaked():
    owners = load.Owners(6, LR_OPTIONS)
    mine, theirs = owners.steps_for(2)[0], owners.steps_for(4)[0]
    own = load.Own(lr="0.005", steps=mine, landscape="rosenbrock")  # lr index 2: session 2's
    clean = load.Run(sent_at=0.0, sgd_lrs={0.005})
    found, checked = load.check_run(clean, f"steps={mine}&o1.lr=0.005", own, owners, 2, PAGE, "ws2")
    assert found == []
    assert "steps in the URL" in checked and "lr in the chart's SGD trace" in checked

    leaked = load.Run(sent_at=0.0, sgd_lrs={0.1})  # lr index 6: session 0's
    found, _ = load.check_run(leaked, f"steps={theirs}&o1.lr=0.005", own, owners, 2, PAGE, "ws2")
    assert [verdict for verdict, _ in found] == ["leak", "leak"]
    assert "session 4's value" in found[0][1] and "session 0's value" in found[1][1]

    # A value nobody owns (the app's default, say) is still an error: a mismatch.
    found, _ = load.check_run(clean, "o1.lr=0.005", own, owners, 2, PAGE, "ws2")
    assert [verdict for verdict, _ in found] == ["mismatch"]


def test_memory_that_keeps_growing_is_a_leak_and_a_plateau_is_not():
    seconds = range(60)
    plateau = [(t, 200 + 100 * min(t, 15) / 15) for t in seconds]  # warms up, then flat
    growing = [(t, 200 + 0.5 * t) for t in seconds]  # 30 MB a minute throughout
    assert load.memory_verdict(plateau)[2] is False
    first, last, leak = load.memory_verdict(growing)
    assert leak is True and first == pytest.approx(30) and last == pytest.approx(30)


@pytest.fixture(scope="module")
def server():
    """One ``streamlit run app.py`` for this module (not pinned: the tests check behaviour, not speed)."""
    try:
        with servers({"app": APP}, log_sends=False) as running:
            yield running["app"]
    except BenchError as error:
        pytest.fail(f"the Streamlit server did not start: {error}", pytrace=False)


def _assert_clean(result: load.LoadResult, min_charts: int) -> None:
    load.report(result)  # shown with -s, and on failure
    record = result.record
    assert not record.errors, "errors under load:\n" + "\n".join(record.errors[:20])
    assert not record.leaks, "a session saw another's settings:\n" + "\n".join(record.leaks[:20])
    short = {name: n for name, n in result.per_session_charts.items() if n < min_charts}
    assert not short, f"sessions with fewer than {min_charts} charts: {short}"
    # Every chart was checked against the session's own settings (URL and trace names at least).
    assert record.checks["steps in the URL"] >= sum(result.per_session_charts.values())


def test_six_websocket_sessions_for_12_s(server):
    config = load.LoadConfig(sessions=6, browsers=0, seconds=12, seed=1, timeout=30, think=(1.5, 2.5),
                             min_changes=2, quiet=True)
    result = load.run_load(config, server)
    _assert_clean(result, min_charts=3)  # the first load and at least two changes each
    assert len(result.record.changes) >= 12


def test_a_chromium_page_among_websocket_sessions(server):
    problem = None
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        problem = "playwright is not installed (pip install -r requirements-dev.txt)"
    if problem is None and not os.path.exists(load.CHROMIUM):
        problem = f"Chromium not installed at {load.CHROMIUM}; .ci/run installs it"
    if problem is not None:
        if os.environ.get("E2E_REQUIRED") == "1":
            pytest.fail(f"E2E_REQUIRED=1 but {problem}", pytrace=False)
        pytest.skip(problem)
    config = load.LoadConfig(sessions=3, browsers=1, seconds=6, seed=2, timeout=30, think=(1.5, 2.5),
                             min_changes=1, quiet=True)
    result = load.run_load(config, server)
    assert result.browsers == 1, f"{result.browser_note}: {result.record.notes}"
    _assert_clean(result, min_charts=2)  # the page's first load and at least one key press each
    assert result.record.actions["steps (chromium)"] >= 1
