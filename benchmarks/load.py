"""A classroom on one server: ``python -m benchmarks --load [--load-sessions N] [--load-seconds S]
[--load-browsers K]``.

What it measures, and why: in a lecture, a class opens the Playground at once and every student moves
their own sliders. One ``streamlit run app.py`` (pinned to one core with ``taskset`` when it can be,
so the figures do not depend on how busy the machine's other cores are) serves N sessions for S
seconds:

* N - K **websocket clients** that speak Streamlit's own protocol (``/_stcore/stream``: ``BackMsg``
  protobufs out, ``ForwardMsg`` protobufs in), as the browser's JavaScript does: the first run sends
  the link's query string, every later one the query string the app last wrote and the page's script
  hash, with the widget states the client has set. A browser would also send the values of the
  widgets it never touched; the server keeps those from the previous run anyway, so the run is the
  same;
* K **headless Chromium pages** (Playwright, Debian's ``/usr/bin/chromium``), which also draw every
  figure; 0 to leave the browser out. They open first, one at a time, before the class arrives, and
  run at a lower priority: each page draws every figure on the load generator's core, and on a
  2-core machine shared with other work five of them took over 90 s for a first load and delayed
  the websocket clients' clock. Hence K = 2 by default; a page whose first load takes longer than
  90 s (with the server idle) is dropped with a note, not counted as the app's error.

2 to 4 s (random, seeded) after its previous change's run has finished (a closed loop: a student
looks at the chart before moving on, so a slow server sees fewer changes, not a pile of them), each
session changes its *own* settings: slot 1's learning rate
(``pg.s1.sgd.lr``, a value from the slider's own grid), the steps slider (``pg.steps``), the
landscape (``pg.landscape``), a typed formula (``pg.custom.f``, only when the app offers a ``custom``
landscape: checked once at the start with the link ``/?landscape=custom&f=…``), or it opens a link
(a new session from a query string). The Chromium pages press an arrow key on the steps slider.

Counted as errors (there must be none): an exception element, an ``st.error`` not expected, a socket
closed or failed, a run that does not finish within the timeout, a browser page error. Isolation:
every session has values no other session uses (its steps are its index modulo N, its learning
rates every N-th grid value, its formulas its own coefficient); after each run it checks the query
string the app wrote (``page_info_changed``), the widgets the script set, and the learning rate in
the chart's SGD trace names, against its own settings; a value owned by another session is a leak.

Reported: changes served, errors, change → chart and change → run finished (p50/p95), reruns per
second, the server's CPU and the time it waited for its core (other work on the machine), the load
generator's own lag (an error bar on its clock), and the server's resident memory (``VmRSS`` of the
server and its children, every second) with its peak and whether it levels off: the slope over the
last third of the run against the first (a leak: over ``LEAK_MB_PER_MIN`` and over half the first
third's). The exit code is 1 on errors, on a session seeing another's values, or on a memory leak.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import traceback
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"

#: Widget keys on the Playground (Streamlit puts a keyed widget's key at the end of its element id,
#: ``$$ID-<hash>-<key>``), the landscape chart's key, and the link keys the app writes for them.
LR_KEY = "pg.s1.sgd.lr"
STEPS_KEY = "pg.steps"
LANDSCAPE_KEY = "pg.landscape"
CUSTOM_KEY = "pg.custom.f"
CHART_KEY = "pg.landscape_chart"
URL_LR, URL_STEPS, URL_LANDSCAPE, URL_FORMULA = "o1.lr", "steps", "landscape", "f"
#: The link that opens a typed function, once the app has them.
CUSTOM_LINK = "landscape=custom&f=x%5E2%2B3*y%5E2"
CUSTOM_NAME = "custom"
#: Formulas a session types; ``{c}`` is its own coefficient, so no two sessions type the same text.
FORMULAS = ("x^2 + {c}*y^2", "sin(x)*cos(y) + {c}*(x^2+y^2)", "(1-x)^2 + {c}*(y-x^2)^2")

#: A session's own steps are ``index + N·k`` within these bounds; Chromium pages use the band above.
STEPS_RANGE = (10, 1000)
BROWSER_STEPS = 1001
MAX_SESSIONS = 200
#: What a session does next, with weights; "custom" only when the app has typed functions.
ACTIONS = {"lr": 3, "steps": 3, "landscape": 2, "custom": 2, "link": 1}
THINK_S = (2.0, 4.0)
CHANGE_TIMEOUT_S = 60.0
LOAD_TIMEOUT_S = 90.0
#: st.error texts that are expected (regular expressions); none in these scenarios.
EXPECTED_ERRORS: tuple[str, ...] = ()
#: Memory: a slope (MB per minute) over the last third above this, and above half the first third's,
#: is reported as a leak; above this but under half the first third's, as "slowing, not flat yet"
#: (a bounded cache still filling, closed sessions Streamlit keeps for 120 s: not a failure).
LEAK_MB_PER_MIN = 10.0
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run"]
#: Console errors an offline browser always logs (as in tests/e2e/conftest.py).
EXPECTED_CONSOLE_NOISE = ("/_stcore/health", "/_stcore/host-config", "fonts.gstatic.com",
                          "ERR_NAME_NOT_RESOLVED")
SGD_LR = re.compile(r'"name":"SGD, lr=([0-9.eE+-]+)')


class LoadError(RuntimeError):
    """The load test could not run (not: the app made errors under load)."""


# ------------------------------------------------------------------------------------------ protocol


@dataclass
class Run:
    """One script run as a client saw it; times are the event loop's clock (seconds)."""

    sent_at: float
    started_at: float | None = None  # its new_session message
    chart_at: float | None = None  # the landscape chart's delta
    finished_at: float | None = None
    status: int | None = None
    page_script_hash: str = ""
    query: str | None = None  # the query string the app wrote in this run (page_info_changed)
    widgets: dict[str, Any] = field(default_factory=dict)  # user key -> element proto
    sgd_lrs: set[float] = field(default_factory=set)  # from the chart's SGD trace names
    problems: list[str] = field(default_factory=list)
    restarts: int = 0  # runs stopped early for another rerun on the way to this one


def widget_key(element_id: str) -> str | None:
    """The user key in a widget's element id (``$$ID-<hash>-<key>``), or None."""
    parts = element_id.split("-", 2)
    return parts[2] if len(parts) == 3 and parts[0] == "$$ID" and parts[2] != "None" else None


def widget_value(proto: Any) -> Any:
    """What a widget shows: the value the script set, else its default (a slider's number, a select
    box's or select slider's label, a text box's text); None for other widgets."""
    kind, set_value = proto.DESCRIPTOR.name, proto.set_value
    if kind == "Slider" and proto.options:  # a select_slider: formatted options, default by index
        return proto.raw_value[0] if set_value and proto.raw_value else proto.options[int(proto.default[0])]
    if kind == "Slider":
        values = proto.value if set_value else proto.default
        return values[0] if values else None
    if kind == "Selectbox":
        return proto.raw_value if set_value else proto.options[proto.default]
    if kind in ("TextInput", "TextArea"):
        return proto.value if set_value else proto.default
    return None


class Connection:
    """One websocket to the server, read all the time (so the server never waits on this client).

    Messages are stamped when they arrive; :meth:`request` sends a rerun and collects the run it
    starts, until the run finishes.
    """

    def __init__(self, url: str, name: str) -> None:
        self.url, self.name = url, name
        self.ws: Any = None
        self.queue: asyncio.Queue = asyncio.Queue()
        self.reader: asyncio.Task | None = None
        self.page_script_hash = ""
        self.query = ""  # the browser's address bar: the link, then whatever the app writes
        self.widgets: dict[str, Any] = {}  # the latest element proto of every keyed widget
        self.states: dict[str, Any] = {}  # user key -> WidgetState this client has set
        self.unrequested_runs = 0  # runs the server started without this client asking
        self.received_bytes = 0

    async def open(self, query: str) -> None:
        """Connect as a browser opening ``/?<query>`` would (the first rerun is :meth:`request`'s)."""
        from websockets.asyncio.client import connect

        host = self.url.split("://", 1)[1]
        self.ws = await connect(
            f"ws://{host}/_stcore/stream", subprotocols=["streamlit"], max_size=None,
            origin=self.url, open_timeout=30, ping_interval=None,
            user_agent_header="Mozilla/5.0 (X11; Linux x86_64) classroom-load-test")
        self.query = query
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            async for data in self.ws:
                self.received_bytes += len(data)
                self.queue.put_nowait((loop.time(), data))
        except Exception as error:  # noqa: BLE001 - any failure ends the stream; the reader says why
            self.queue.put_nowait((loop.time(), error))
            return
        self.queue.put_nowait((loop.time(), None))

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), 5)
        if self.reader is not None:
            self.reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.reader

    def set_widget(self, key: str, value: Any) -> None:
        """Remember a new value for widget ``key`` (sent with this and every later rerun)."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        proto = self.widgets.get(key)
        if proto is None:
            raise LoadError(f"{self.name}: the page has no widget {key!r}")
        state = WidgetState(id=proto.id)
        kind = proto.DESCRIPTOR.name
        if kind == "Slider" and proto.options:
            state.string_array_value.data.append(str(value))
        elif kind == "Slider":
            state.double_array_value.data.append(float(value))
        elif kind in ("Selectbox", "TextInput", "TextArea"):
            state.string_value = str(value)
        else:
            raise LoadError(f"{self.name}: widget {key!r} is a {kind}, which this client cannot set")
        self.states[key] = state

    def _back_msg(self) -> bytes:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        client = msg.rerun_script
        client.query_string = self.query
        client.page_script_hash = self.page_script_hash
        for key, state in self.states.items():
            # A widget's id can change between runs (when its options do): send under the latest one.
            if key in self.widgets:
                state.id = self.widgets[key].id
            client.widget_states.widgets.append(state)
        info = client.context_info
        info.url = f"{self.url}/" + (f"?{self.query}" if self.query else "")
        info.timezone, info.timezone_offset, info.locale, info.color_scheme = "UTC", 0, "en-US", "light"
        return msg.SerializeToString()

    async def request(self, timeout: float) -> Run:
        """Send a rerun as the browser would and return the run it starts, once it has finished."""
        from websockets.exceptions import ConnectionClosed

        loop = asyncio.get_running_loop()
        stale = self._drain_stale()
        run = Run(sent_at=loop.time(), problems=stale.problems)
        try:
            await self.ws.send(self._back_msg())
        except ConnectionClosed as error:
            raise SocketClosed(f"{self.name}: the socket closed ({error})") from None
        return await self._collect(run, timeout)

    def _drain_stale(self) -> Run:
        """Messages that arrived while this client was idle: a run it did not ask for, if any (its
        problems count too)."""
        stale = Run(sent_at=0.0)
        while not self.queue.empty():
            at, data = self.queue.get_nowait()
            if not isinstance(data, (bytes, bytearray)):  # the stream ended: leave the news for _collect
                self.queue.put_nowait((at, data))
                break
            msg = self._parse(data)
            if msg.WhichOneof("type") == "new_session":
                self.unrequested_runs += 1
            elif msg.WhichOneof("type") == "delta":
                self._delta(msg, stale, at)
        return stale

    @staticmethod
    def _parse(data: bytes) -> Any:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = ForwardMsg()
        msg.ParseFromString(data)
        return msg

    async def _collect(self, run: Run, timeout: float) -> Run:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        loop = asyncio.get_running_loop()
        deadline = run.sent_at + timeout
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError
            at, data = await asyncio.wait_for(self.queue.get(), remaining)
            if not isinstance(data, (bytes, bytearray)):
                raise SocketClosed(f"{self.name}: the socket closed ({data or 'by the server'})")
            msg = self._parse(data)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                if run.started_at is not None:  # a second run on the way (the first was stopped)
                    run.restarts += 1
                    run.chart_at = None
                run.started_at = at
                run.page_script_hash = msg.new_session.page_script_hash
            elif kind == "delta":
                self._delta(msg, run, at)
            elif kind == "page_info_changed":
                run.query = msg.page_info_changed.query_string
            elif kind == "session_event" and msg.session_event.WhichOneof("type") == \
                    "script_compilation_exception":
                error = msg.session_event.script_compilation_exception
                run.problems.append(f"compile error: {error.message}")
            elif kind == "page_not_found":
                run.problems.append(f"page not found: {msg.page_not_found.page_name!r}")
            elif kind == "script_finished" and run.started_at is not None:
                if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # the next run's new_session follows
                run.finished_at, run.status = at, msg.script_finished
                if run.status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    run.problems.append("the script did not compile")
                if run.page_script_hash:
                    self.page_script_hash = run.page_script_hash
                if run.query is not None:  # the browser's address bar follows the app's writes
                    self.query = run.query
                return run

    def _delta(self, msg: Any, run: Run, at: float) -> None:
        from streamlit.proto.Alert_pb2 import Alert

        if msg.delta.WhichOneof("type") != "new_element":
            return
        element = msg.delta.new_element
        kind = element.WhichOneof("type")
        if kind is None:
            return
        proto = getattr(element, kind)
        if kind == "exception":
            run.problems.append(f"exception: {proto.type}: {proto.message[:300]}")
        elif kind == "alert" and proto.format == Alert.ERROR:
            if not any(re.search(pattern, proto.body) for pattern in EXPECTED_ERRORS):
                run.problems.append(f"st.error: {proto.body[:300]}")
        elif kind == "plotly_chart":
            if widget_key(proto.id) == CHART_KEY and run.chart_at is None:
                run.chart_at = at
                run.sgd_lrs = {float(v) for v in SGD_LR.findall(proto.spec)}
        if "id" in proto.DESCRIPTOR.fields_by_name:
            key = widget_key(proto.id)
            if key is not None:
                run.widgets[key] = proto
                self.widgets[key] = proto


class SocketClosed(RuntimeError):
    """The websocket closed or failed while a session waited for a run."""


# ------------------------------------------------------------------------------------------ the class


@dataclass
class Own:
    """A session's settings, which no other session uses at the same values."""

    lr: str
    steps: int
    landscape: str  # the landscape's name (what the URL holds)
    formula: str | None = None

    def link(self) -> str:
        query = {URL_LR: self.lr, URL_STEPS: str(self.steps), URL_LANDSCAPE: self.landscape}
        if self.formula:
            query[URL_FORMULA] = self.formula
        return urlencode(query)


@dataclass
class Change:
    """One measured change: what, by whom, and its times in seconds from sending it."""

    session: str
    kind: str
    to_chart: float | None
    to_finished: float | None


@dataclass
class Page:
    """What the app offers, read once from a fresh session before the class arrives."""

    lr_options: list[str]
    default_lr: str
    default_steps: int
    steps_range: tuple[int, int]
    landscapes: dict[str, str]  # label -> name
    default_landscape: str
    custom: bool  # the app has typed functions (a "custom" landscape and the pg.custom.f box)
    custom_note: str
    problems: list[str] = field(default_factory=list)  # errors seen while reading the page


class Record:
    """Everything the sessions report: changes, errors, leaks, charts per session."""

    def __init__(self) -> None:
        self.changes: list[Change] = []
        self.loads: list[Change] = []
        self.errors: list[str] = []
        self.leaks: list[str] = []
        self.charts: Counter[str] = Counter()
        self.actions: Counter[str] = Counter()
        self.skipped: Counter[str] = Counter()  # actions the app cannot take yet (typed functions)
        self.checks: Counter[str] = Counter()  # isolation checks made, by what was compared
        self.notes: list[str] = []  # what the load generator could not do (not the app's errors)
        self.loop_lag: list[float] = []  # how late the client's event loop woke up, seconds
        self.received_bytes = 0  # by the websocket clients
        self.unrequested_runs = 0  # runs the server started without a client asking (st.rerun?)
        self.restarts = 0  # runs stopped for a newer rerun on the way to the one asked for
        self.sessions_opened = 0
        self.started_at = 0.0
        self.ended_at = 0.0

    def error(self, text: str) -> None:
        self.errors.append(text)
        print(f"    ERROR {text}", flush=True)

    def leak(self, text: str) -> None:
        self.leaks.append(text)
        print(f"    LEAK {text}", flush=True)


class Owners:
    """Which session owns a value: its steps (index modulo N, or the browsers' band), its lrs
    (every N-th grid value) and its formulas (its coefficient)."""

    def __init__(self, n: int, lr_options: Sequence[str]):
        self.n = n
        self.lr_options = [float(v) for v in lr_options]

    def steps_for(self, index: int) -> list[int]:
        lo, hi = STEPS_RANGE
        first = index + self.n * math.ceil((lo - index) / self.n)
        return list(range(first, hi + 1, self.n))

    def lrs_for(self, index: int, options: Sequence[str]) -> list[str]:
        own = [v for j, v in enumerate(options) if j % self.n == index]
        return own or [options[index % len(options)]]

    def of_steps(self, steps: int) -> int | None:
        if STEPS_RANGE[0] <= steps <= STEPS_RANGE[1]:
            return steps % self.n
        if steps >= BROWSER_STEPS:
            return self.n - 1 - (steps - BROWSER_STEPS) // 2  # browsers take the last indices
        return None

    def of_lr(self, lr: float) -> int | None:
        for j, option in enumerate(self.lr_options):
            if math.isclose(option, lr, rel_tol=1e-9):
                return j % self.n
        return None

    @staticmethod
    def formula(index: int, k: int) -> str:
        return FORMULAS[k % len(FORMULAS)].format(c=f"{(index + 1) / 1000:g}" if k % 3 == 1 else index + 2)


def normalise_formula(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("**", "^")


def check_run(run: Run, address: str, own: Own, owners: Owners, index: int, page: Page,
              name: str) -> tuple[list[tuple[str, str]], list[str]]:
    """What after ``run`` contradicts the session's own settings, and what was checked.

    ``address`` is the query string in the session's address bar after the run (the app's last
    write, or the link if it has not rewritten it). Returns ``([(verdict, text)], [what was
    checked])``; the verdict is "leak" when the value seen belongs to another session, "mismatch"
    otherwise (both are isolation errors).
    """
    found: list[tuple[str, str]] = []
    checked: list[str] = []
    query = {k: v[-1] for k, v in parse_qs(address).items()}

    def compare(what: str, seen: Any, mine: Any, owner: int | None = None) -> None:
        checked.append(what)
        same = (math.isclose(float(seen), float(mine), rel_tol=1e-9) if isinstance(mine, (int, float))
                else seen == mine)
        if not same:
            other = owner is not None and owner != index
            found.append(("leak" if other else "mismatch",
                          f"{name}: {what} shows {seen!r}, its own is {mine!r}"
                          + (f" (session {owner}'s value)" if other else "")))

    steps = int(query.get(URL_STEPS, page.default_steps))
    compare("steps in the URL", steps, own.steps, owners.of_steps(steps))
    lr = float(query.get(URL_LR, page.default_lr))
    compare("lr in the URL", lr, float(own.lr), owners.of_lr(lr))
    compare("landscape in the URL", query.get(URL_LANDSCAPE, page.default_landscape), own.landscape)
    if own.formula is not None:
        compare("formula in the URL", normalise_formula(query.get(URL_FORMULA, "")),
                normalise_formula(own.formula))
    for lr in sorted(run.sgd_lrs):
        compare("lr in the chart's SGD trace", lr, float(own.lr), owners.of_lr(lr))
    for key, what, mine in ((STEPS_KEY, "steps on the slider", own.steps),
                            (LR_KEY, "lr on the slider", own.lr)):
        proto = run.widgets.get(key)
        if proto is not None and proto.set_value:  # a value the script pushed to the browser
            seen = float(widget_value(proto))
            owner = owners.of_steps(int(seen)) if key == STEPS_KEY else owners.of_lr(seen)
            compare(what, seen, float(mine), owner)
    return found, checked


class WebsocketSession:
    """A student on a websocket: opens their own link, then changes their own settings."""

    def __init__(self, index: int, url: str, page: Page, owners: Owners, record: Record, rng: random.Random,
                 config: LoadConfig):
        self.index, self.url, self.page, self.owners = index, url, page, owners
        self.record, self.rng, self.config, self.timeout = record, rng, config, config.timeout
        self.deadline = math.inf
        self.changes = 0
        self.name = f"ws{index}"
        self.steps_choices = owners.steps_for(index)
        self.lr_choices = owners.lrs_for(index, page.lr_options)
        self.own = Own(lr=rng.choice(self.lr_choices), steps=rng.choice(self.steps_choices),
                       landscape=page.default_landscape)
        self.formulas = 0
        self.conn: Connection | None = None

    async def run(self, start_delay: float, deadline: float) -> None:
        loop = asyncio.get_running_loop()
        self.deadline = deadline
        await asyncio.sleep(start_delay)
        try:
            await self._open(load=True)
            while self.conn is not None:
                # Think, then change; a change would land past the deadline: stop, unless this session
                # still owes its minimum of changes (config.min_changes).
                planned = loop.time() + self.rng.uniform(*self.config.think)
                if planned >= deadline and self.changes >= self.config.min_changes:
                    break
                await asyncio.sleep(planned - loop.time())
                await self._act()
                self.changes += 1
        finally:
            await self._close()

    async def _close(self) -> None:
        """Close the websocket (a tab closed), keeping its counts."""
        if self.conn is not None:
            await self.conn.close()
            self.record.received_bytes += self.conn.received_bytes
            self.record.unrequested_runs += self.conn.unrequested_runs
            self.conn = None

    async def _open(self, load: bool) -> None:
        """A new session on the server from this student's own link."""
        loop = asyncio.get_running_loop()
        await self._close()
        self.conn = Connection(self.url, self.name)
        sent = loop.time()
        try:
            await self.conn.open(self.own.link())
        except Exception as error:  # noqa: BLE001 - a refused or failed handshake is an error under load
            self.record.error(f"{self.name}: could not connect: {error}")
            self.conn = None
            return
        self.record.sessions_opened += 1
        await self._measure("load" if load else "link", sent)

    async def _measure(self, kind: str, sent: float | None = None) -> None:
        try:
            run = await self.conn.request(self.timeout)
        except TimeoutError:
            self.record.error(f"{self.name}: a {kind} run did not finish within {self.timeout:.0f} s")
            await self._reconnect()
            return
        except SocketClosed as error:
            self.record.error(str(error))
            await self._reconnect()
            return
        start = run.sent_at if sent is None else sent
        change = Change(self.name, kind, run.chart_at - start if run.chart_at else None,
                        run.finished_at - start)
        (self.record.loads if kind == "load" else self.record.changes).append(change)
        if kind != "load":
            self.record.actions[kind] += 1
        self.record.restarts += run.restarts
        for problem in run.problems:
            self.record.error(f"{self.name} after {kind}: {problem}")
        if run.chart_at is None:
            self.record.error(f"{self.name} after {kind}: the run finished without the landscape chart")
        else:
            self.record.charts[self.name] += 1
        found, checked = check_run(run, self.conn.query, self.own, self.owners, self.index, self.page,
                                   self.name)
        self.record.checks.update(checked)
        for verdict, text in found:
            (self.record.leak if verdict == "leak" else self.record.error)(f"{text} after {kind}")

    async def _reconnect(self) -> None:
        """After a lost socket or a stuck run: a fresh session from the student's own link (not
        after the deadline: then the session ends)."""
        await self._close()
        if asyncio.get_running_loop().time() < self.deadline:
            await self._open(load=False)

    async def _act(self) -> None:
        kind = self.rng.choices(list(ACTIONS), weights=list(ACTIONS.values()))[0]
        if kind == "custom" and not self.page.custom:
            self.record.skipped["custom"] += 1
            others = {k: w for k, w in ACTIONS.items() if k != "custom"}
            kind = self.rng.choices(list(others), weights=list(others.values()))[0]
        conn = self.conn
        if kind == "lr":
            options = [v for v in self.lr_choices if v != self.own.lr] or self.lr_choices
            self.own.lr = self.rng.choice(options)
            conn.set_widget(LR_KEY, self.own.lr)
        elif kind == "steps":
            self.own.steps = self.rng.choice([s for s in self.steps_choices if s != self.own.steps])
            conn.set_widget(STEPS_KEY, self.own.steps)
        elif kind == "landscape":
            labels = [label for label, name in self.page.landscapes.items()
                      if name not in (self.own.landscape, CUSTOM_NAME)]
            label = self.rng.choice(labels)
            self.own.landscape, self.own.formula = self.page.landscapes[label], None
            conn.set_widget(LANDSCAPE_KEY, label)
            conn.states.pop(CUSTOM_KEY, None)  # the box is gone with the custom landscape
        elif kind == "custom":
            if self.own.landscape != CUSTOM_NAME or CUSTOM_KEY not in conn.widgets:
                # As in the browser: pick "custom" first (one run), then type into the box it shows.
                label = next(label for label, name in self.page.landscapes.items() if name == CUSTOM_NAME)
                self.own.landscape = CUSTOM_NAME
                self.own.formula = None
                conn.set_widget(LANDSCAPE_KEY, label)
                await self._measure("landscape")
                if self.conn is not conn or CUSTOM_KEY not in conn.widgets:
                    if self.conn is conn:
                        self.record.error(f"{self.name}: the custom landscape shows no {CUSTOM_KEY!r} box")
                    return
            self.formulas += 1
            self.own.formula = self.owners.formula(self.index, self.formulas)
            conn.set_widget(CUSTOM_KEY, self.own.formula)
        elif kind == "link":
            # A student opens a link: a new session (the old one is closed, as a tab would be).
            self.own.steps = self.rng.choice([s for s in self.steps_choices if s != self.own.steps])
            await self._open(load=False)
            return
        await self._measure(kind)


# ------------------------------------------------------------------------------------------ Chromium

IDLE_JS = """() => {
  const a = document.querySelector('[data-testid="stApp"]');
  return !!a && a.dataset.testConnectionState === 'CONNECTED' && a.dataset.testScriptState === 'notRunning';
}"""
#: The URL shows ``steps`` and the app is idle (the run that wrote it has finished).
SETTLED_JS = f"""(steps) => new URL(location.href).searchParams.get('steps') === String(steps)
  && ({IDLE_JS})() && !!document.querySelector('.js-plotly-plot')"""
#: What the page shows, for a timeout's message.
STATE_JS = """() => ({url: location.href,
  app: Object.assign({}, document.querySelector('[data-testid="stApp"]')?.dataset),
  charts: document.querySelectorAll('.js-plotly-plot').length,
  plotly: typeof window.Plotly})"""
SGD_NAMES_JS = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  return (gd && gd._fullData ? gd._fullData : []).map(t => t.name || '')
    .filter(n => n.startsWith('SGD, lr='));
}"""


class BrowserSession:
    """A student in headless Chromium: opens their own link, then presses ← or → on the steps slider."""

    def __init__(self, index: int, slot: int, url: str, page: Page, owners: Owners, record: Record,
                 rng: random.Random, config: LoadConfig):
        self.index, self.url, self.page, self.owners = index, url, page, owners
        self.record, self.rng, self.config, self.timeout = record, rng, config, config.timeout
        self.name = f"chromium{slot}"
        self.low = BROWSER_STEPS + 2 * slot  # this page's two steps values: low and low + 1
        self.own = Own(lr=owners.lrs_for(index, page.lr_options)[0], steps=self.low,
                       landscape=page.default_landscape)
        self.context: Any = None
        self.tab: Any = None

    async def open(self, browser: Any) -> bool:
        """Open the page's own link before the class arrives; False if it failed.

        A cold page loads Streamlit's JavaScript and Plotly and draws the figure, which takes long on
        the load generator's core when the machine is busy: a first load that does not finish within
        ``config.load_timeout`` while the server is idle is the client's slowness, so the page is
        dropped with a note (:attr:`Record.notes`), not counted as the app's error; an exception or
        an ``st.error`` on it still is.
        """
        loop = asyncio.get_running_loop()
        self.context = await browser.new_context(viewport={"width": 1400, "height": 900})
        self.context.set_default_timeout(self.timeout * 1e3)
        self.tab = tab = await self.context.new_page()
        tab.on("pageerror", lambda error: self.record.error(f"{self.name}: page error: {error}"))

        def on_console(message: Any) -> None:
            if message.type == "error":
                text = f"{message.text} [{(message.location or {}).get('url', '')}]"
                if not any(marker in text for marker in EXPECTED_CONSOLE_NOISE):
                    self.record.error(f"{self.name}: console error: {text[:300]}")

        tab.on("console", on_console)
        try:
            sent = loop.time()
            await tab.goto(f"{self.url}/?{self.own.link()}", wait_until="commit")
            self.record.sessions_opened += 1
            if await self._settled(tab, "load", sent, max(self.timeout, self.config.load_timeout)):
                return True
            await self._check_errors(tab, "load")
        except Exception as error:  # noqa: BLE001 - a crashed page or a lost browser is an error
            self.record.error(f"{self.name}: {str(error).splitlines()[0]}")
        await self.close()
        return False

    async def run(self, deadline: float) -> None:
        """Press ← or → on the steps slider every few seconds until the deadline; close the page."""
        loop = asyncio.get_running_loop()
        tab = self.tab
        try:
            slider = tab.locator('[data-testid="stSidebar"] input[aria-label="Steps"]')
            changes = 0
            while True:
                planned = loop.time() + self.rng.uniform(*self.config.think)
                if planned >= deadline and changes >= self.config.min_changes:
                    break
                await asyncio.sleep(planned - loop.time())
                key = "ArrowRight" if self.own.steps == self.low else "ArrowLeft"
                self.own.steps = self.low + 1 if key == "ArrowRight" else self.low
                await slider.focus()
                sent = loop.time()
                await slider.press(key)
                if not await self._settled(tab, "steps", sent, self.timeout):
                    return
                changes += 1
        except Exception as error:  # noqa: BLE001 - a crashed page or a lost browser is an error
            self.record.error(f"{self.name}: {str(error).splitlines()[0]}")
        finally:
            await self.close()

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.context.close()

    async def _check_errors(self, tab: Any, kind: str) -> None:
        """An exception or an unexpected ``st.error`` on the page is an error."""
        if await tab.locator('[data-testid="stException"]').count():
            self.record.error(f"{self.name}: the page shows an exception after a {kind}")
        errors = tab.locator('[data-testid="stAlertContentError"]')
        for i in range(await errors.count()):
            text = await errors.nth(i).inner_text()
            if not any(re.search(pattern, text) for pattern in EXPECTED_ERRORS):
                self.record.error(f"{self.name}: st.error after a {kind}: {text[:200]}")

    async def _settled(self, tab: Any, kind: str, sent: float, timeout: float) -> bool:
        """Wait for the run that shows the session's steps; record it; False on a timeout."""
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        loop = asyncio.get_running_loop()
        try:
            await tab.wait_for_function(SETTLED_JS, arg=self.own.steps, polling=50, timeout=timeout * 1e3)
        except PlaywrightTimeout:
            state = await tab.evaluate(STATE_JS)
            text = (f"{self.name}: a {kind} did not show steps={self.own.steps} and finish within "
                    f"{timeout:.0f} s; the page then: {state}")
            if kind == "load":
                self.record.notes.append(f"dropped {text}")
            else:
                self.record.error(text)
            return False
        done = loop.time() - sent
        (self.record.loads if kind == "load" else self.record.changes).append(
            Change(self.name, kind, None, done))
        if kind != "load":
            self.record.actions[f"{kind} (chromium)"] += 1
        self.record.charts[self.name] += 1
        await self._check_errors(tab, kind)
        # The URL shows this page's steps (waited for above); its lr and the chart's must be its own too.
        run = Run(sent_at=sent)
        for name in await tab.evaluate(SGD_NAMES_JS):
            run.sgd_lrs.add(float(re.match(r"SGD, lr=([0-9.eE+-]+)", name).group(1)))
        address = tab.url.split("?", 1)[1] if "?" in tab.url else ""
        found, checked = check_run(run, address, self.own, self.owners, self.index, self.page, self.name)
        self.record.checks.update(checked)
        for verdict, text in found:
            (self.record.leak if verdict == "leak" else self.record.error)(f"{text} after a {kind}")
        return True


# ------------------------------------------------------------------------------------------ the server


@dataclass
class Memory:
    """The server's resident memory (MB) and CPU, sampled every second."""

    pid: int
    samples: list[tuple[float, float]] = field(default_factory=list)  # (event-loop time, MB)
    #: (event-loop time, seconds on a core, seconds runnable but waiting for a core), summed over the
    #: server's threads; the wait is what other work on its core costs it (None: not available).
    cpu: list[tuple[float, float, float | None]] = field(default_factory=list)

    def family(self) -> list[int]:
        """The server and every process below it."""
        pids, i = [self.pid], 0
        while i < len(pids):
            for task in Path(f"/proc/{pids[i]}/task").glob("*/children"):
                with contextlib.suppress(OSError):
                    pids += [int(p) for p in task.read_text().split()]
            i += 1
        return pids

    def sample(self, now: float) -> None:
        rss, on_cpu, waiting = 0.0, 0.0, 0.0
        ticks = os.sysconf("SC_CLK_TCK")
        for pid in self.family():
            with contextlib.suppress(OSError, ValueError, IndexError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        rss += int(line.split()[1]) / 1024
                stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                on_cpu += (int(stat[11]) + int(stat[12])) / ticks  # utime + stime
            # schedstat: "<ns on a core> <ns waiting on a run queue> <slices>" per thread.
            try:
                waiting += sum(int(t.read_text().split()[1]) for t in Path(f"/proc/{pid}/task").glob(
                    "*/schedstat")) / 1e9
            except (OSError, ValueError, IndexError):
                waiting = math.nan
        self.samples.append((now, rss))
        self.cpu.append((now, on_cpu, None if math.isnan(waiting) else waiting))

    async def watch(self, stop: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            self.sample(loop.time())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)


async def watch_lag(lags: list[float], stop: asyncio.Event, period: float = 0.1) -> None:
    """How late this event loop wakes up (seconds over ``period``): the error bar of the websocket
    clients' times, which are taken when the loop gets to a message."""
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        start = loop.time()
        await asyncio.sleep(period)
        lags.append(loop.time() - start - period)


def renice_browsers(server_pid: int, niceness: int = 10) -> int:
    """Lower the priority of this process's other descendants (Chromium and Playwright's driver), so
    that on the load generator's core the websocket clients' clock is served first; returns how many."""
    server = Memory(server_pid).family()
    count = 0
    for pid in Memory(os.getpid()).family()[1:]:
        if pid not in server:
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, pid, niceness)
                count += 1
    return count


def slope_mb_per_min(samples: Sequence[tuple[float, float]]) -> float | None:
    """Least-squares slope of (seconds, MB), in MB per minute."""
    if len(samples) < 3:
        return None
    ts, ms = [t for t, _ in samples], [m for _, m in samples]
    t0, m0 = statistics.fmean(ts), statistics.fmean(ms)
    den = sum((t - t0) ** 2 for t in ts)
    return 60 * sum((t - t0) * (m - m0) for t, m in zip(ts, ms, strict=True)) / den if den else None


def memory_verdict(samples: Sequence[tuple[float, float]]) -> tuple[float | None, float | None, bool]:
    """(first third's slope, last third's slope, leak?) over the samples, in MB per minute."""
    third = len(samples) // 3
    if third < 3:
        return None, None, False
    first, last = slope_mb_per_min(samples[:third]), slope_mb_per_min(samples[-third:])
    leak = last is not None and last > LEAK_MB_PER_MIN and (first is None or last > 0.5 * first)
    return first, last, leak


def cpu_split(pinning: bool) -> tuple[list[str], set[int] | None, str]:
    """The server's command prefix, the load generator's cores, and a sentence saying which is where."""
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if not pinning:
        return [], None, "not pinned (--no-load-pin)"
    if not shutil.which("taskset"):
        return [], None, "not pinned: taskset is not installed"
    if len(cpus) < 2:
        return [], None, f"not pinned: this process may use {len(cpus)} core(s) only"
    probe = subprocess.run(["taskset", "-c", str(cpus[0]), "true"], capture_output=True)
    if probe.returncode != 0:
        return [], None, f"not pinned: taskset failed ({probe.stderr.decode(errors='replace').strip()})"
    rest = set(cpus[1:])
    return (["taskset", "-c", str(cpus[0])], rest,
            f"server pinned to core {cpus[0]} (taskset); load generator and Chromium on "
            f"core{'s' if len(rest) > 1 else ''} {','.join(map(str, sorted(rest)))}")


async def read_page(url: str, timeout: float) -> Page:
    """The Playground's option grid, defaults and landscapes, from a fresh session; and whether the
    app has typed functions (the link ``/?landscape=custom&f=…`` shows a ``pg.custom.f`` box)."""
    from scenarios.settings import LANDSCAPE

    conn = Connection(url, "probe")
    try:
        await conn.open("")
        run = await conn.request(timeout)
        if run.problems:
            raise LoadError("the Playground reports problems on a plain visit: " + "; ".join(run.problems))
        missing = [k for k in (LR_KEY, STEPS_KEY, LANDSCAPE_KEY) if k not in run.widgets]
        if missing:
            raise LoadError(f"the Playground has no widget(s) {missing}: has a key changed?")
        lr, steps, landscape = (run.widgets[k] for k in (LR_KEY, STEPS_KEY, LANDSCAPE_KEY))
        labels = {LANDSCAPE.param.display(c): c for c in LANDSCAPE.param.choices}
        default_landscape = labels.get(widget_value(landscape) or landscape.options[landscape.default])
    finally:
        await conn.close()
    conn = Connection(url, "probe-custom")
    try:
        await conn.open(CUSTOM_LINK)
        custom_run = await conn.request(timeout)
        address = conn.query
    finally:
        await conn.close()
    # The app has typed functions when its link opens the "custom" landscape (the URL it writes
    # keeps landscape=custom) with the formula box; the menu's label for it is the one it shows.
    box, chosen = custom_run.widgets.get(CUSTOM_KEY), custom_run.widgets.get(LANDSCAPE_KEY)
    kept = parse_qs(address).get(URL_LANDSCAPE, [""])[-1] == CUSTOM_NAME
    custom = box is not None and chosen is not None and kept
    if custom:
        labels[widget_value(chosen)] = CUSTOM_NAME
        note = f"typed functions: yes (the {CUSTOM_KEY!r} box; link /?{CUSTOM_LINK})"
    else:
        why = f"no {CUSTOM_KEY!r} box" if box is None else f"the URL it wrote is ?{address}"
        note = f"typed functions: skipped, the app does not have them yet ({why} on /?{CUSTOM_LINK})"
    return Page(lr_options=list(lr.options), default_lr=widget_value(lr),
                default_steps=int(widget_value(steps)),
                steps_range=(int(steps.min), int(steps.max)),
                landscapes={label: name for label, name in labels.items() if label in landscape.options},
                default_landscape=default_landscape or "rosenbrock", custom=custom, custom_note=note,
                problems=[f"/?{CUSTOM_LINK}: {problem}" for problem in custom_run.problems])


# ------------------------------------------------------------------------------------------ the run


@dataclass
class LoadConfig:
    """How many sessions, how long, how they behave."""

    sessions: int = 25  # Chromium pages included
    seconds: float = 60.0
    browsers: int = 2  # of the sessions, how many are headless Chromium pages
    seed: int = 0
    pin: bool = True  # the server on one core (taskset), the load generator on the others
    timeout: float = CHANGE_TIMEOUT_S  # for one change's run
    load_timeout: float = LOAD_TIMEOUT_S  # for a Chromium page's first load (JavaScript, Plotly)
    think: tuple[float, float] = THINK_S  # seconds between a run's end and the session's next change
    min_changes: int = 0  # changes every session makes even if they end past ``seconds``
    script: Path = APP
    quiet: bool = False


@dataclass
class LoadResult:
    """What a load test found; ``ok`` when there were no errors, no leaks and no memory leak."""

    config: LoadConfig
    record: Record
    memory: Memory
    page: Page
    pinning: str
    window: tuple[float, float]
    client_cpu_s: float
    browsers: int
    browser_note: str
    per_session_charts: dict[str, int]
    load_average: tuple[str, str] = ("?", "?")  # the machine's 1-minute load average, start and end

    @property
    def memory_leak(self) -> bool:
        return memory_verdict(self.window_samples())[2]

    def window_samples(self) -> list[tuple[float, float]]:
        lo, hi = self.window
        return [(t, m) for t, m in self.memory.samples if lo <= t <= hi]

    @property
    def ok(self) -> bool:
        return not self.record.errors and not self.record.leaks and not self.memory_leak


@contextlib.contextmanager
def _cores(cpus: set[int] | None) -> Iterator[None]:
    """Run the load generator (and the Chromium it starts) on ``cpus``; restore the affinity after."""
    if not cpus:
        yield
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, cpus)
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


def load_average() -> str:
    """The machine's 1-minute load average (other work competes for the cores too)."""
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def _client_cpu() -> float:
    """CPU seconds used so far by this process and its finished children (the load generator)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def run_load(config: LoadConfig, server: Any = None) -> LoadResult:
    """Hold the class for ``config.seconds`` on ``server`` (a :class:`benchmarks.browser.Server`), or on
    a server started here and stopped after; raises LoadError when the test itself cannot run."""
    from . import browser as browser_bench

    if not 1 <= config.sessions <= MAX_SESSIONS:
        raise LoadError(f"sessions must be 1 to {MAX_SESSIONS}")
    if not 0 <= config.browsers <= config.sessions:
        raise LoadError("browsers must be 0 to the number of sessions")
    if server is not None:
        return _hold(config, server, "not pinned (a server started by the caller)", None)
    prefix, client_cpus, pinning = cpu_split(config.pin)
    try:
        with browser_bench.servers({"app": config.script}, prefix=prefix, log_sends=False) as running:
            return _hold(config, running["app"], pinning, client_cpus)
    except browser_bench.BenchError as error:
        raise LoadError(str(error)) from None


def _in_own_thread(work: Any) -> Any:
    """``work()`` in a new thread: asyncio.run refuses to start where an event loop is already running
    (a test run that drove Chromium with Playwright's sync API before this one leaves one)."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # noqa: BLE001 - re-raised in the caller's thread
            outcome["error"] = error

    thread = threading.Thread(target=target, name="classroom")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _hold(config: LoadConfig, server: Any, pinning: str, client_cpus: set[int] | None) -> LoadResult:
    with _cores(client_cpus):
        cpu_before = _client_cpu()
        pid = server.proc.pid
        result = _in_own_thread(lambda: asyncio.run(_hold_class(config, server.url, pid, pinning)))
        result.client_cpu_s = _client_cpu() - cpu_before
    if server.proc.poll() is not None:
        result.record.error(f"the server exited with {server.proc.returncode}:\n{server.output()}")
    return result


async def _hold_class(config: LoadConfig, url: str, pid: int, pinning: str) -> LoadResult:
    loop = asyncio.get_running_loop()
    memory = Memory(pid)
    stop = asyncio.Event()
    watcher = asyncio.create_task(memory.watch(stop))
    record = Record()
    lag_watcher = asyncio.create_task(watch_lag(record.loop_lag, stop))
    try:
        page = await read_page(url, config.timeout * 2)  # the first run imports numpy, plotly, …
        owners = Owners(config.sessions, page.lr_options)
        rng = random.Random(config.seed)
        for problem in page.problems:
            record.error(problem)
        n_ws = config.sessions - config.browsers
        if not config.quiet:
            print(f"  {page.custom_note}", flush=True)
        browser_note, tasks, pw, chromium = "", [], None, None
        if config.browsers:
            pw, chromium, browser_note = await _launch_chromium()
        pages: list[BrowserSession] = []
        try:
            if chromium is not None:
                # The Chromium pages open first, one at a time (together they would starve each
                # other on the load generator's core), and then the class arrives: their key presses
                # must land under load.
                for slot in range(config.browsers):
                    session = BrowserSession(config.sessions - 1 - slot, slot, url, page, owners, record,
                                             random.Random(rng.random()), config)
                    if await session.open(chromium):
                        pages.append(session)
                if pages:
                    renice_browsers(pid)
            # A class arrives within a couple of seconds; every session ends by the same deadline
            # (the run it is waiting for may finish after it, and a session owing changes makes
            # them): `limit` bounds all of that.
            record.started_at = loop.time()
            record.loop_lag.clear()  # from here on: while the class works
            load_at_start = load_average()
            deadline = record.started_at + config.seconds
            limit = config.seconds + config.load_timeout + (config.min_changes + 1) * (
                config.think[1] + config.timeout) + 30
            for i in range(n_ws):
                session = WebsocketSession(i, url, page, owners, record, random.Random(rng.random()), config)
                tasks.append(session.run(rng.uniform(0, 2), deadline))
            for session in pages:
                tasks.append(session.run(deadline))
            try:
                outcomes = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), limit)
            except TimeoutError:
                record.error(f"the sessions had not stopped {limit:.0f} s after the start")
                outcomes = []
            for outcome in outcomes:  # a bug in this client: loud, and counted, but the others finish
                if isinstance(outcome, BaseException):
                    traceback.print_exception(outcome)
                    record.error(f"the load client itself failed: {outcome!r}")
            record.ended_at = loop.time()
        finally:
            for session in pages:
                await session.close()
            if chromium is not None:
                with contextlib.suppress(Exception):
                    await chromium.close()
                await pw.stop()
    finally:
        stop.set()
        await watcher
        await lag_watcher
    # Charts per session that took part: every websocket client and every page that opened.
    expected = [f"ws{i}" for i in range(n_ws)] + [session.name for session in pages]
    charts = {name: record.charts.get(name, 0) for name in expected}
    if chromium is not None and len(pages) < config.browsers:
        browser_note = f"Chromium pages: {len(pages)} of {config.browsers} opened (see the notes)"
    return LoadResult(config, record, memory, page, pinning, (record.started_at, record.ended_at), 0.0,
                      len(pages), browser_note, charts, (load_at_start, load_average()))


async def _launch_chromium() -> tuple[Any, Any, str]:
    """Playwright and a Chromium, or (None, None, why not): the websocket sessions run either way."""
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        return None, None, "Chromium pages skipped: playwright is not installed"
    if not os.path.exists(CHROMIUM):
        return None, None, f"Chromium pages skipped: no Chromium at {CHROMIUM}"
    pw = await async_playwright().start()
    try:
        chromium = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
                                            timeout=30_000)
    except Exception as error:  # noqa: BLE001 - report and go on without the browser
        await pw.stop()
        return None, None, f"Chromium pages skipped: it did not start ({str(error).splitlines()[0]})"
    return pw, chromium, ""


# ------------------------------------------------------------------------------------------ report


def percentile(values: Sequence[float], q: float) -> float | None:
    """The nearest-rank ``q``-quantile (0 < q ≤ 1), or None without values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 1e3:.0f} ms"


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    line = lambda r: " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()  # noqa: E731
    return "\n".join(["  " + line(rows[0]), "  " + "-+-".join("-" * w for w in widths)]
                     + ["  " + line(r) for r in rows[1:]])


def _p50_p95(values: Sequence[float], with_max: bool = False) -> str:
    cells = [_ms(percentile(values, 0.5)), _ms(percentile(values, 0.95))]
    return " / ".join(cells + ([_ms(max(values, default=None))] if with_max else []))


def server_cpu(result: LoadResult) -> tuple[float | None, float | None]:
    """The server's CPU use over the run and its time waiting for a core, both in cores (1.00: one
    core's worth of time), None where unknown."""
    lo, hi = result.window
    inside = [c for c in result.memory.cpu if lo <= c[0] <= hi]
    if len(inside) < 2 or inside[-1][0] <= inside[0][0]:
        return None, None
    (t0, busy0, wait0), (t1, busy1, wait1) = inside[0], inside[-1]
    waited = (wait1 - wait0) / (t1 - t0) if wait0 is not None and wait1 is not None else None
    return (busy1 - busy0) / (t1 - t0), waited


def report(result: LoadResult) -> None:
    """Print the summary table, the table by kind of change, and every error (the first 20)."""
    record, config = result.record, result.config
    seconds = max(1e-9, result.window[1] - result.window[0])
    changes = record.changes
    # The websocket clients' times are the server's (and the network's); a Chromium page's include
    # drawing the figure on a busy core, so they are only in the table by kind.
    by_socket = [c for c in changes if not c.session.startswith("chromium")]
    chart = [c.to_chart for c in by_socket if c.to_chart is not None]
    done = [c.to_finished for c in by_socket if c.to_finished is not None]
    loads = [c.to_finished for c in record.loads if not c.session.startswith("chromium")]
    page_loads = [c.to_finished for c in record.loads if c.session.startswith("chromium")]
    samples = result.window_samples()
    peak = max((m for _, m in result.memory.samples), default=None)
    first, last, leak = memory_verdict(samples)
    cpu, waited = server_cpu(result)
    n_ws = config.sessions - config.browsers
    kinds = f"{n_ws} websocket + {result.browsers} Chromium" if result.browsers else f"{n_ws} websocket"
    print(f"\nClassroom load test: {n_ws + result.browsers} sessions ({kinds}) for {seconds:.0f} s, "
          f"seed {config.seed}")
    for note in (result.pinning, result.page.custom_note, result.browser_note):
        if note:
            print(f"  {note}")
    levels = ("n/a (too short to tell)" if last is None else
              "NO: it grows as fast as at the start (a leak?)" if leak else
              "yes" if last <= LEAK_MB_PER_MIN else
              f"slowing, not flat yet (over {LEAK_MB_PER_MIN:.0f} MB per minute, under half the start's)")
    actions = ", ".join(f"{k} {v}" for k, v in sorted(record.actions.items()))
    skipped = ", ".join(f"{k} {v}" for k, v in sorted(record.skipped.items()))
    rows = [["measure", "value"],
            ["changes served", f"{len(changes)} ({actions})"],
            ["cold links opened (first loads)", str(len(loads))],
            ["errors", str(len(record.errors))],
            ["another session's value seen", str(len(record.leaks))],
            ["isolation checks made", str(sum(record.checks.values()))],
            ["change -> chart, p50 / p95 (websocket)", _p50_p95(chart)],
            ["change -> run finished, p50 / p95 / max (websocket)", _p50_p95(done, with_max=True)],
            ["cold link -> run finished, p50 / p95", _p50_p95(loads)],
            ["Chromium cold load (before the class), p50 / p95", _p50_p95(page_loads)],
            ["reruns per second (all sessions)", f"{(len(changes) + len(record.loads)) / seconds:.2f}"],
            ["server CPU (1.00 = one core busy)", "n/a" if cpu is None else f"{cpu:.2f}"],
            ["server waiting for a core (other work)", "n/a" if waited is None else f"{waited:.2f}"],
            ["machine load average, start / end", f"{result.load_average[0]} / {result.load_average[1]} "
             f"({os.cpu_count()} cores)"],
            ["load generator CPU", f"{result.client_cpu_s / seconds:.2f} of a core (Chromium not counted)"],
            ["load generator's clock lag, p50 / p95 / max",
             _p50_p95(record.loop_lag, with_max=True) + " (an error bar on the times above)"],
            ["server RSS: start / end / peak",
             "n/a" if not samples else f"{samples[0][1]:.0f} / {samples[-1][1]:.0f} / {peak:.0f} MB"],
            ["RSS slope, first / last third",
             "n/a" if first is None else f"{first:+.1f} / {last:+.1f} MB per minute"],
            ["memory levels off", levels],
            ["sessions opened (links included)", str(record.sessions_opened)],
            ["websocket MB received per run (inflated payload)",
             f"{record.received_bytes / 1e6 / max(1, len(by_socket) + len(loads)):.2f}"],
            ["runs not asked for / restarted on the way", f"{record.unrequested_runs} / {record.restarts}"]]
    if skipped:
        rows.append(["actions skipped (not in the app yet)", skipped])
    print(_table(rows))
    by_kind: dict[str, list[Change]] = {}
    for change in changes:
        browser = change.session.startswith("chromium")
        by_kind.setdefault(change.kind + (" (chromium)" if browser else ""), []).append(change)
    rows = [["change", "count", "-> chart p50 / p95", "-> finished p50 / p95"]]
    for kind, items in sorted(by_kind.items()):
        rows.append([kind, str(len(items)), _p50_p95([i.to_chart for i in items if i.to_chart is not None]),
                     _p50_p95([i.to_finished for i in items if i.to_finished is not None])])
    print("\n  By kind of change (Chromium: from the key press until the URL shows the new steps and the "
          "app is idle):")
    print(_table(rows))
    print("\n  Isolation checks: " + ", ".join(f"{k} {v}" for k, v in sorted(record.checks.items())))
    charts = result.per_session_charts
    if charts:
        print(f"  Charts per session: min {min(charts.values())}, max {max(charts.values())} "
              f"({sum(charts.values())} in all)")
    print("  Server RSS every ~5 s (MB): " + " ".join(f"{m:.0f}" for _, m in result.memory.samples[::5]))
    for title, items in (("Errors", record.errors), ("Another session's values seen", record.leaks),
                         ("Notes (the load generator's, not the app's)", record.notes)):
        if items:
            print(f"\n  {title} (first 20 of {len(items)}):")
            for item in items[:20]:
                print(f"    {item}")
    print(f"\n  Verdict: {'OK' if result.ok else 'FAILED'}: {len(record.errors)} errors, "
          f"{len(record.leaks)} leaks between sessions, memory {'leak' if leak else 'ok'}.")


def main(sessions: int = 25, seconds: float = 60.0, browsers: int = 2, seed: int = 0,
         pin: bool = True) -> int:
    """Run and report; 0 when there were no errors and no leaks, 1 otherwise, 2 when it could not run."""
    print(f"Load test: {sessions} sessions ({browsers} in Chromium) for {seconds:.0f} s on one server ...",
          flush=True)
    config = LoadConfig(sessions=sessions, seconds=seconds, browsers=browsers, seed=seed, pin=pin)
    try:
        result = run_load(config)
    except LoadError as error:
        print(f"load test failed to run: {error}", file=sys.stderr)
        return 2
    report(result)
    return 0 if result.ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=25)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--browsers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-pin", action="store_true")
    args = parser.parse_args()
    sys.exit(main(args.sessions, args.seconds, args.browsers, args.seed, not args.no_pin))
