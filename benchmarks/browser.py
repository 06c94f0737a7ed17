"""What a user waits for in a real browser: ``python -m benchmarks --browser [--browser-url PATH]``.

Two Streamlit servers run side by side on free 127.0.0.1 ports, started the same way (``streamlit
run`` through :mod:`benchmarks.serve`, which logs when each message is sent): the real app
(``app.py``) and a minimal reference page (:mod:`benchmarks.minimal_app`: one slider, one select box,
one 60 × 60 contour). Headless Chromium (Debian's ``/usr/bin/chromium``, driven by Playwright) at
1400 × 900 measures on both, samples interleaved so that a change in the machine's load hits both:

* **first ever load**: a link opened on the freshly started server (imports included), once;
* **cold link**: a link opened in a new browser context (empty cache), until the first Plotly chart
  is drawn and the app is idle;
* **slider move**: one key press on the learning-rate slider (real app: the first one in the
  sidebar), until the first chart's data changed and the app is idle. ArrowLeft, towards smaller
  steps: from the app's defaults, ArrowRight makes SGD diverge on Rosenbrock by the third press, which
  shortens its path and the message, so the samples would no longer measure one figure; every press
  is a new value (nothing cached). ArrowRight once the slider is at its minimum;
* **select change**: the sidebar's "landscape" select box (else its first select box) to the next
  option, by mouse, the same way;
* **websocket KB** received per change (Playwright's ``framereceived`` payloads, input to idle).

Timestamps are taken inside the page (``performance.now()``): the key or mouse press (a capturing
listener), every websocket message as the page's JavaScript gets it (a wrapper around
``WebSocket``), every ``Plotly.react`` call (a wrapper on ``window.Plotly``), tasks over 50 ms
(long tasks), the first animation frame in which the chart shows different data, visible and drawn
at its box's size (Streamlit draws a new chart hidden at a default size first), and the script-state
attribute of ``stApp``. When the server sent each message comes from its log (wall clock, put on
the page's clock through ``performance.timeOrigin``): the browser's own stamps, even the DevTools
protocol's ``webSocketFrameReceived``, were found to wait for the page's busy main thread. The messages are
decoded as Streamlit ``ForwardMsg`` protobufs to tell which elements the bytes belong to. The targets are
ratios against the minimal page (≤ 2×) and at most 150 KB per change; printed, not asserted.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .local_server import free_port, healthy

ROOT = Path(__file__).resolve().parents[1]
MINIMAL_APP = Path(__file__).resolve().with_name("minimal_app.py")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 900}
HEALTH_DEADLINE_S = 60.0
FIRST_LOAD_TIMEOUT_MS = 90_000  # a fresh server imports numpy, pandas and plotly on the first run
LOAD_TIMEOUT_MS = 60_000
CHANGE_TIMEOUT_MS = 30_000
SETTLE_MS = 400  # after each measurement: anything arriving now is a late rerun, reported apart
#: Targets (see the issue): time ratios against the minimal page, and KB per change.
TARGET_RATIO = 2.0
TARGET_KB = 150.0
TARGET_FPS = 20.0  # figures.animation.FRAME_MS = 50; within 10% counts as met
#: Console errors an offline browser always logs (see tests/e2e/conftest.py); anything else is reported.
EXPECTED_CONSOLE_NOISE = ("/_stcore/health", "/_stcore/host-config", "fonts.gstatic.com",
                          "ERR_NAME_NOT_RESOLVED")

#: Installed in every page before Streamlit's own scripts run. All times are performance.now().
INSTRUMENT_JS = r"""
(() => {
  if (window.__bench) return;
  const B = window.__bench = {
    frames: [], draws: [], drawTargets: [], longTasks: [], plotlyAt: null, armed: false, watching: true,
    input: null, base: null, prints: [],
    changeAt: null, firstChartAt: null, idleAt: null, sawRunning: false, doneAt: null,
    printsAtDone: null,
  };
  // Every websocket message: arrival time and size, before Streamlit's own handler sees it.
  const Native = window.WebSocket;
  class Recorded extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        const d = event.data;
        const n = d instanceof ArrayBuffer ? d.byteLength
          : (d && d.size !== undefined ? d.size : String(d).length);
        B.frames.push([performance.now(), n]);
      });
    }
  }
  window.WebSocket = Recorded;
  // Plotly.react (what Streamlit's chart calls to draw): start, end of its synchronous part, resolved;
  // and when the Plotly bundle (loaded with the first chart) had been evaluated.
  let plotly;
  Object.defineProperty(window, 'Plotly', {
    configurable: true,
    get() { return plotly; },
    set(value) {
      plotly = value;
      if (B.plotlyAt === null) B.plotlyAt = performance.now();
      if (value && typeof value.react === 'function' && !value.__benchWrapped) {
        const react = value.react;
        value.react = function (...args) {
          const start = performance.now();
          const result = react.apply(this, args);
          const sync = performance.now();
          Promise.resolve(result).finally(() => {
            B.draws.push([start, sync, performance.now()]);
            B.drawTargets.push(args[0]);
          });
          return result;
        };
        value.__benchWrapped = true;
      }
    },
  });
  // Tasks that kept the main thread busy for more than 50 ms.
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) B.longTasks.push([e.startTime, e.duration]);
    }).observe({type: 'longtask', buffered: true});
  } catch (e) { /* not supported: the column stays empty */ }
  // The first input event after arm(): a key or a pointer press, captured before any widget sees it.
  for (const type of ['keydown', 'pointerdown', 'mousedown']) {
    window.addEventListener(type, () => {
      if (B.armed && B.input === null) B.input = performance.now();
    }, true);
  }
  const app = () => document.querySelector('[data-testid="stApp"]');
  const idle = () => {
    const a = app();
    return !!a && a.dataset.testConnectionState === 'CONNECTED' && a.dataset.testScriptState === 'notRunning';
  };
  B.idle = idle;
  new MutationObserver(() => {
    const a = app();
    if (!a) return;
    if (a.dataset.testScriptState === 'running') B.sawRunning = true;
    if (idle()) { if (B.idleAt === null) B.idleAt = performance.now(); } else B.idleAt = null;
  }).observe(document, {subtree: true, attributes: true, attributeFilter: [
    'data-test-script-state', 'data-test-connection-state']});
  // A chart's fingerprint: per trace its name, length, last point and two sums over z (contours).
  const last = (a) => (a && a.length ? a[a.length - 1] : null);
  const sum = (a) => { let s = 0; if (a) for (let i = 0; i < a.length; i++) s += +a[i] || 0; return s; };
  const fingerprint = (gd) => {
    const parts = [];
    for (const t of gd._fullData) {
      parts.push(t.type, t.name, t.x ? t.x.length : 0, last(t.x), last(t.y));
      const z = t.z;
      if (z && z.length) {
        if (typeof z[0] === 'object' && z[0] !== null) {
          parts.push(sum(z[z.length >> 1]), sum(z[z.length - 1]));
        }
        else parts.push(sum(z));
      }
    }
    return parts.join('|');
  };
  const charts = () => Array.from(document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot'))
    .filter((gd) => gd._fullData && gd.querySelector('.main-svg'));
  // Streamlit 1.67 draws a new chart twice: hidden, at a default size, then shown at its box's size.
  // Until the second draw a chart is PENDING: what the user sees is not yet the new chart.
  const PENDING = 'pending';
  const shown = (gd) => getComputedStyle(gd).visibility !== 'hidden' && gd._fullLayout
    && Math.abs(gd._fullLayout.width - gd.clientWidth) < 2
    && Math.abs(gd._fullLayout.height - gd.clientHeight) < 2;
  B.fingerprints = () => charts().map((gd) => (shown(gd) ? fingerprint(gd) : PENDING));
  const tick = () => {
    requestAnimationFrame(tick);
    if (!B.watching) return;
    const now = performance.now();
    const prints = B.fingerprints();
    B.prints = prints;
    if (B.idleAt === null && idle()) B.idleAt = now;  // a state the observer did not see change
    if (B.firstChartAt === null && prints.length && prints[0] !== PENDING) B.firstChartAt = now;
    if (B.armed && B.base) {
      if (B.changeAt === null && prints.length && prints[0] !== B.base[0] && prints[0] !== PENDING) {
        B.changeAt = now;
      }
    }
    if (B.doneAt === null) {
      const drawn = B.armed ? B.changeAt : B.firstChartAt;
      // A changed chart proves the rerun; its 'running' state may never be drawn if React batches it away.
      if (drawn !== null && idle() && B.idleAt !== null) {
        B.doneAt = Math.max(drawn, B.idleAt);
        B.printsAtDone = prints;
        B.watching = false;
      }
    }
  };
  requestAnimationFrame(tick);
  // Before a timed action: remember what the charts show and forget the previous action.
  B.arm = () => {
    B.base = B.fingerprints();
    Object.assign(B, {armed: true, watching: true, input: null, changeAt: null, idleAt: null,
                      sawRunning: false, doneAt: null, printsAtDone: null});
    B.frameStart = B.frames.length;
    return B.base.length;
  };
})();
"""

#: What the page recorded, read after a measurement.
READ_JS = """() => {
  const B = window.__bench;
  const nav = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  const first = document.querySelector('[data-testid="stMain"] .js-plotly-plot');
  return {
    origin: performance.timeOrigin, input: B.input, changeAt: B.changeAt, firstChartAt: B.firstChartAt,
    idleAt: B.idleAt,
    doneAt: B.doneAt, frames: B.frames, frameStart: B.frameStart || 0, longTasks: B.longTasks,
    plotlyAt: B.plotlyAt, draws: B.draws.map((d, i) => d.concat([B.drawTargets[i] === first])),
    plotlyFetched: Math.max(0, ...resources.filter((r) => r.name.includes('/PlotlyChart.'))
      .map((r) => r.responseEnd)) || null,
    stable: JSON.stringify(B.fingerprints()) === JSON.stringify(B.printsAtDone), idleNow: B.idle(),
    httpBytes: (nav ? nav.transferSize : 0) + resources.reduce((s, r) => s + (r.transferSize || 0), 0),
  };
}"""


class BenchError(RuntimeError):
    """A problem that ends the benchmark with a message (no traceback)."""


# ------------------------------------------------------------------------------------------------ servers


@dataclass
class Server:
    name: str
    script: Path
    url: str = ""
    proc: subprocess.Popen | None = None
    log: object = None
    send_log: str = ""  # benchmarks.serve writes "<unix time> <bytes>" per websocket message sent

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-3000:]

    def sends(self) -> list[tuple[float, int]]:
        """``(unix time in ms, bytes)`` of every message the server has sent, in order."""
        with open(self.send_log) as log:
            lines = [line.split() for line in log.read().splitlines()]
        return [(float(t) * 1e3, int(n)) for t, n in lines if n.isdigit()]


@contextlib.contextmanager
def servers(scripts: dict[str, Path], prefix: Sequence[str] = (),
            log_sends: bool = True) -> Iterator[dict[str, Server]]:
    """Start one ``streamlit run`` per script (same flags, same working directory), stop them after.

    Through :mod:`benchmarks.serve`, which is ``streamlit run`` plus a log of when each websocket
    message is sent (``log_sends=False``: no log, for a load test that would only grow it).
    ``prefix`` goes before the command, e.g. ``("taskset", "-c", "0")`` to pin the server to a core
    (taskset execs the server, so the process started is the server itself).
    """
    started: dict[str, Server] = {}
    try:
        for name, script in scripts.items():
            port = free_port()
            log = tempfile.TemporaryFile(mode="w+b")  # a file: a full pipe would block the server
            handle, send_log = tempfile.mkstemp(prefix=f"bench-{name}-", suffix=".log")
            os.close(handle)
            env = {k: v for k, v in os.environ.items() if k != "BENCH_SEND_LOG"}
            if log_sends:
                env["BENCH_SEND_LOG"] = send_log
            proc = subprocess.Popen(
                [*prefix, sys.executable, "-m", "benchmarks.serve", "run", str(script),
                 "--server.headless=true", "--server.address=127.0.0.1", f"--server.port={port}",
                 "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"],
                cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
            started[name] = Server(name, script, f"http://127.0.0.1:{port}", proc, log, send_log)
        deadline = time.monotonic() + HEALTH_DEADLINE_S
        for server in started.values():
            while not healthy(server.url):
                if server.proc.poll() is not None:
                    raise BenchError(f"the {server.name} server exited with {server.proc.returncode}:\n"
                                     f"{server.output()}")
                if time.monotonic() > deadline:
                    raise BenchError(f"the {server.name} server was not healthy after "
                                     f"{HEALTH_DEADLINE_S:.0f} s:\n{server.output()}")
                time.sleep(0.2)
        yield started
    finally:
        for server in started.values():  # only the processes started here
            server.proc.terminate()
        for server in started.values():
            try:
                server.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.proc.kill()
                server.proc.wait(timeout=5)
            server.log.close()
            with contextlib.suppress(OSError):
                os.unlink(server.send_log)


# ------------------------------------------------------------------------------------------------ decoding


def describe_frames(payloads: list[bytes]) -> list[tuple[str, int, dict]]:
    """``(what, bytes, details)`` per received websocket message, decoded as a ``ForwardMsg``."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    out = []
    chart_number = 0
    for payload in payloads:
        msg = ForwardMsg()
        try:
            msg.ParseFromString(payload)
        except Exception:  # noqa: BLE001 - not a ForwardMsg: count it, do not fail the benchmark
            out.append(("undecodable", len(payload), {}))
            continue
        kind = msg.WhichOneof("type") or "empty"
        details: dict = {}
        if kind == "delta":
            delta_kind = msg.delta.WhichOneof("type")
            if delta_kind == "new_element":
                element = msg.delta.new_element
                kind = element.WhichOneof("type") or "element"
                if kind == "plotly_chart":
                    chart_number += 1
                    details = _chart_details(element.plotly_chart, chart_number)
            else:
                kind = delta_kind or "delta"
        out.append((kind, len(payload), details))
    return out


def _chart_details(chart, number: int) -> dict:
    try:
        spec = json.loads(chart.spec)
    except ValueError:
        return {"chart": f"chart {number}", "spec": len(chart.spec)}
    data, frames = spec.get("data", []), spec.get("frames", [])
    key = re.sub(r"^.*-(?=[^-]*$)", "", chart.id) if chart.id else ""
    layout = spec.get("layout", {})
    return {
        "chart": f"chart {number}" + (f" ({key})" if key else ""),
        "spec": len(chart.spec),
        "data": len(json.dumps(data)),
        "layout": len(json.dumps(layout)),
        "frames": len(json.dumps(frames)) if frames else 0,
        "n_traces": len(data),
        "n_frames": len(frames),
        "largest traces": _largest({t.get("name") or t.get("type", "?"): t for t in data}),
        "largest trace fields": _largest(max(data, key=lambda t: len(json.dumps(t)))) if data else [],
        "largest layout keys": _largest(layout),
    }


def _largest(parts: dict, n: int = 3) -> list[tuple[int, str]]:
    return sorted(((len(json.dumps(value)), str(key)) for key, value in parts.items()), reverse=True)[:n]


# ------------------------------------------------------------------------------------------------ browser


@dataclass
class Sample:
    """One measurement; times in ms from the input event (loads: from navigation start)."""

    total: float  # the first chart shows the new data and the app is idle
    label: str = ""
    chart: float | None = None  # the first chart shows the new data (first animation frame)
    first_sent: float | None = None  # the server sent its first websocket message
    chart_sent: float | None = None  # the server sent the message holding the first chart
    chart_seen: float | None = None  # the page's JavaScript got that message
    last_sent: float | None = None  # the server sent its last message (the run's end)
    clock_gap: float | None = None  # smallest (page got - server sent): about 0 if the clocks agree
    plotly_call: float | None = None  # Plotly.react first called for the (new) first chart
    plotly_calls: int = 0  # Plotly.react calls for the first chart
    plotly_first: float | None = None  # that first call to its resolved promise (Plotly's drawing)
    busy: float | None = None  # main thread in tasks longer than 50 ms
    plotly_fetched: float | None = None  # loads: the Plotly chunk (PlotlyChart.*.js) downloaded
    plotly_ready: float | None = None  # loads: that chunk evaluated (window.Plotly set)
    kb: float = 0.0
    wire_kb: float | None = None  # the same messages deflated one by one (see Sample.wire_kb's use)
    http_kb: float = 0.0
    late_rerun: bool = False
    parts: dict[str, int] = field(default_factory=dict)
    charts: list[dict] = field(default_factory=list)


class Tab:
    """A browser context and page on one app, with the websocket payloads Playwright saw."""

    def __init__(self, browser, server: Server, problems: list[str]):
        self.server = server
        self.context = browser.new_context(viewport=VIEWPORT)
        self.context.set_default_timeout(CHANGE_TIMEOUT_MS)
        self.context.add_init_script(INSTRUMENT_JS)
        self.page = self.context.new_page()
        self.payloads: list[bytes] = []
        self.sockets = 0
        self.page.on("websocket", self._on_socket)
        self.page.on("pageerror", lambda error: problems.append(f"{server.name}: pageerror: {error}"))

        def on_console(message) -> None:
            if message.type == "error":
                text = f"{message.text} [{(message.location or {}).get('url', '')}]"
                if not any(marker in text for marker in EXPECTED_CONSOLE_NOISE):
                    problems.append(f"{server.name}: console error: {text[:300]}")

        self.page.on("console", on_console)

    def _on_socket(self, ws) -> None:
        self.sockets += 1
        ws.on("framereceived", lambda payload: self.payloads.append(
            payload if isinstance(payload, bytes) else payload.encode()))

    def close(self) -> None:
        self.context.close()

    def open(self, path: str, timeout_ms: int) -> Sample:
        """Load ``path`` and wait for the first chart and an idle app; times from navigation start."""
        self.page.goto(self.server.url + path, wait_until="commit", timeout=timeout_ms)
        self._wait_done(timeout_ms, "first chart")
        return self._sample(loaded=True)

    def change(self, action, what: str) -> Sample:
        """Run ``action`` (one key press or click); wait until the first chart changed and the app is idle."""
        self.page.evaluate("() => window.__bench.arm()")
        action()
        self._wait_done(CHANGE_TIMEOUT_MS, what)
        return self._sample(loaded=False)

    def _wait_done(self, timeout_ms: int, what: str) -> None:
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            self.page.wait_for_function("() => window.__bench && window.__bench.doneAt !== null",
                                        timeout=timeout_ms, polling=50)
        except PlaywrightTimeout:
            state = self.page.evaluate(
                "() => ({url: location.href, app: Object.assign({}, document.querySelector("
                "'[data-testid=\"stApp\"]')?.dataset), charts: window.__bench?.prints?.length,"
                " input: window.__bench?.input, sawRunning: window.__bench?.sawRunning,"
                " chartChangedAt: window.__bench?.changeAt, messages: window.__bench?.frames.length})")
            raise BenchError(f"{self.server.name}: no {what} after {timeout_ms / 1000:.0f} s; "
                             f"page: {state}") from None
        if self.page.locator('[data-testid="stException"]').count():
            raise BenchError(f"{self.server.name}: the page shows an exception after the {what}")

    def _send_times(self, origin: float, start: float, done: float, sizes: list[int]) -> list[float] | None:
        """When the server sent each of the window's messages, on the page's clock; None if unknown.

        The server logs wall-clock times; the page's clock is ``performance.timeOrigin`` (wall clock
        at navigation) plus ``performance.now()``. Only this tab talks to its server while it
        measures, so the sends between the input and idle are its messages, in order.
        """
        sends = [(t - origin, n) for t, n in self.server.sends()]
        sent = [(t, n) for t, n in sends if start - 5 <= t <= done]
        if [n for _, n in sent] != sizes:
            return None
        return [t for t, _ in sent]

    def _sample(self, loaded: bool) -> Sample:
        self.page.wait_for_timeout(SETTLE_MS)
        rec = self.page.evaluate(READ_JS)
        start = 0.0 if loaded else rec["input"]
        if start is None:
            raise BenchError(f"{self.server.name}: the page did not see the input event")
        done = rec["doneAt"]
        frames = rec["frames"]
        # Playwright reports the same messages in the same order; it may lag a little.
        deadline = time.monotonic() + 2
        while len(self.payloads) < len(frames) and time.monotonic() < deadline:
            self.page.wait_for_timeout(50)
        window = [i for i in range(rec["frameStart"], len(frames)) if start <= frames[i][0] <= done]
        late = [i for i in range(rec["frameStart"], len(frames)) if frames[i][0] > done]
        payloads = self.payloads[:len(frames)]
        matched = len(payloads) == len(frames) and all(
            len(p) == f[1] for p, f in zip(payloads, frames, strict=True))
        sent = self._send_times(rec["origin"], start, done, [frames[i][1] for i in window])

        sample = Sample(total=done - start)
        drawn = rec["firstChartAt"] if loaded else rec["changeAt"]
        sample.chart = drawn - start if drawn is not None else None
        if loaded:
            sample.http_kb = rec["httpBytes"] / 1e3
        sample.kb = sum(len(payloads[i]) if matched else frames[i][1] for i in window) / 1e3
        if matched:
            # What crosses the network with permessage-deflate (server.enableWebsocketCompression in
            # .streamlit/config.toml): each message deflated on its own, an upper bound, since the
            # protocol's shared window only compresses better. Playwright shows inflated payloads.
            sample.wire_kb = sum(len(zlib.compress(payloads[i], 6)) for i in window) / 1e3
        sample.late_rerun = bool(late) or not rec["stable"] or not rec["idleNow"]
        if window and sent:
            sample.first_sent = sent[0] - start
            sample.last_sent = sent[-1] - start
            sample.clock_gap = min(frames[i][0] - t for i, t in zip(window, sent, strict=True))
        if matched:
            described = describe_frames([payloads[i] for i in window])
            for k, (i, (kind, size, details)) in enumerate(zip(window, described, strict=True)):
                sample.parts[kind] = sample.parts.get(kind, 0) + size
                if details:
                    details["seen"] = frames[i][0] - start
                    details["sent"] = sent[k] - start if sent else None
                    sample.charts.append(details)
            if sample.charts:
                sample.chart_sent = sample.charts[0]["sent"]
                sample.chart_seen = sample.charts[0]["seen"]
        draws = [d for d in rec["draws"] if start <= d[0] <= done]
        if draws:
            first = [d for d in draws if d[3]]
            if first:
                sample.plotly_call = first[0][0] - start
                sample.plotly_first = first[0][2] - first[0][0]
            sample.plotly_calls = len(first)
        sample.busy = sum(max(0.0, min(t + d, done) - max(t, start)) for t, d in rec["longTasks"])
        if loaded:
            sample.plotly_fetched = rec["plotlyFetched"]
            sample.plotly_ready = rec["plotlyAt"]
        return sample


# ------------------------------------------------------------------------------------------------ the run


def _slider(page, real: bool):
    sidebar = page.locator('[data-testid="stSidebar"]')
    if real:
        named = sidebar.get_by_role("slider", name=re.compile(r"^learning rate", re.I))
        if named.count():
            return named.first
    sliders = sidebar.get_by_role("slider")
    return sliders.first if sliders.count() else None


def _select(page):
    """The sidebar's select box (not a multiselect) labelled "landscape", else its first select box."""
    selects = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]')
    named = selects.get_by_role("combobox", name=re.compile("landscape", re.I))
    boxes = selects.get_by_role("combobox")
    if named.count():
        return named.first
    return boxes.first if boxes.count() else None


def move_slider(tab: Tab, real: bool) -> Sample | None:
    """ArrowLeft (ArrowRight at the minimum) on the slider; None if the page has no such slider."""
    slider = _slider(tab.page, real)
    if slider is None:
        return None
    slider.focus()
    before = slider.get_attribute("aria-valuetext")
    at_min = slider.evaluate("e => Number(e.value) <= Number(e.min)")  # a native range input
    key = "ArrowRight" if at_min else "ArrowLeft"
    sample = tab.change(lambda: slider.press(key), "chart change after a slider move")
    after = _slider(tab.page, real).get_attribute("aria-valuetext")
    sample.label = f"{slider.get_attribute('aria-label') or 'slider'}: {before} -> {after}"
    return sample


def change_select(tab: Tab) -> Sample | None:
    """The select box's next option (by mouse); None if the page has no select box."""
    box = _select(tab.page)
    if box is None:
        return None
    box.click()  # open the list: not timed
    options = tab.page.get_by_role("option")
    options.first.wait_for(timeout=5_000)
    count = options.count()
    selected = next((i for i in range(count) if options.nth(i).get_attribute("aria-selected") == "true"), 0)
    target = options.nth((selected + 1) % count)
    name = box.get_attribute("aria-label") or "select box"
    label = f"{name}: {options.nth(selected).inner_text()} -> {target.inner_text()}"
    sample = tab.change(target.click, "chart change after a select change")
    sample.label = label
    return sample


#: The animation's frame rate is measured on these links of the real app: the page opened (as in the
#: other cases) and the heaviest the app allows (8 optimizers × 5000 steps). Frames are due every
#: ``figures.animation.FRAME_MS`` ms (50: 20 frames per second, the design).
ANIMATION_LINKS = {"heaviest: 8 optimizers × 5000 steps":
                   "/?opt=sgd,momentum,nesterov,adam,rmsprop,adagrad,lion,adamw&steps=5000"}
ANIMATION_SECONDS = 4.0
#: Jump to the first frame, press ▶, and time every frame Plotly shows (``plotly_animatingframe``).
PLAY_JS = """async (seconds) => {
  const gd = document.querySelector('.js-plotly-plot');
  const first = gd._transitionData._frames[0].name;
  await window.Plotly.animate(gd, [first], {mode: 'immediate', frame: {duration: 0, redraw: false},
                                             transition: {duration: 0}});
  const times = [];
  gd.on('plotly_animatingframe', () => times.push(performance.now()));
  gd.querySelector('.updatemenu-button').dispatchEvent(new MouseEvent('click', {bubbles: true}));
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  return {times, frames: gd._transitionData._frames.length};
}"""


def animation_fps(browser, server: Server, path: str, problems: list[str]) -> float | None:
    """Frames per second while ▶ plays on ``path`` (None when it could not be measured)."""
    tab = Tab(browser, server, problems)
    try:
        tab.open(path, LOAD_TIMEOUT_MS)
        tab.page.wait_for_timeout(500)
        played = tab.page.evaluate(PLAY_JS, ANIMATION_SECONDS)
    finally:
        tab.close()
    times = played["times"]
    if len(times) < 3:
        problems.append(f"{server.name}: the animation showed {len(times)} frames on {path}")
        return None
    return (len(times) - 1) / ((times[-1] - times[0]) / 1e3)


def _progress(case: str, name: str, sample: Sample) -> None:
    label = f" {sample.label}" if sample.label else ""
    print(f"    {case:<15} {name:<8} {sample.total / 1e3:6.2f} s {sample.kb:7.0f} KB{label}", flush=True)


def _median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def run(path: str = "/", repeats: int = 7) -> dict:
    """Measure both apps; returns ``{case: {app: [Sample, ...]}}`` plus notes."""
    try:
        from playwright.sync_api import Error as PlaywrightError
    except ImportError:
        raise BenchError("playwright is not installed (pip install -r requirements-dev.txt)") from None
    if not os.path.exists(CHROMIUM):
        raise BenchError(f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set CHROMIUM=path)")
    if not path.startswith("/"):
        path = "/" + path
    try:
        return _measure(path, repeats)
    except PlaywrightError as error:  # anything but a timeout we wait for: a crashed page, a lost browser
        raise BenchError(f"the browser failed: {str(error).splitlines()[0]}") from None


def _measure(path: str, repeats: int) -> dict:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    results: dict[str, dict[str, list[Sample]]] = defaultdict(lambda: {"minimal": [], "real": []})
    animation: dict[str, float | None] = {}
    paths = {"minimal": "/", "real": path}
    scripts = {"minimal": MINIMAL_APP, "real": ROOT / "app.py"}
    with servers(scripts) as running, sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
                                                 timeout=30_000)
        except PlaywrightError as error:
            first_line = str(error).splitlines()[0]
            raise BenchError(f"could not start Chromium at {CHROMIUM}: {first_line}") from None
        def load_both(case: str, timeout_ms: int) -> None:
            """One load of each app in a fresh tab (alternating, so load changes hit both)."""
            for name in ("minimal", "real"):
                tab = Tab(browser, running[name], problems)
                try:
                    sample = tab.open(paths[name], timeout_ms)
                    results[case][name].append(sample)
                    _progress(case, name, sample)
                finally:
                    tab.close()

        try:
            load_both("first ever load", FIRST_LOAD_TIMEOUT_MS)
            for _ in range(repeats):
                load_both("cold link", LOAD_TIMEOUT_MS)
            tabs = {name: Tab(browser, running[name], problems) for name in ("minimal", "real")}
            try:
                for name, tab in tabs.items():
                    tab.open(paths[name], LOAD_TIMEOUT_MS)
                    tab.page.wait_for_timeout(500)
                for _ in range(repeats):
                    for name, tab in tabs.items():
                        sample = move_slider(tab, real=name == "real")
                        if sample is not None:
                            results["slider move"][name].append(sample)
                            _progress("slider move", name, sample)
                for _ in range(repeats):
                    for name, tab in tabs.items():
                        sample = change_select(tab)
                        if sample is not None:
                            results["select change"][name].append(sample)
                            _progress("select change", name, sample)
                sockets = {name: tab.sockets for name, tab in tabs.items()}
            finally:
                for tab in tabs.values():
                    tab.close()
            links = {f"the page opened ({path})": path} | ANIMATION_LINKS
            for label, link in links.items():
                fps = animation_fps(browser, running["real"], link, problems)
                animation[label] = fps
                print(f"    animation       real     {label}: "
                      + (f"{fps:.1f} frames per second" if fps else "n/a"), flush=True)
        finally:
            browser.close()
    return {"results": dict(results), "problems": problems, "sockets": sockets, "path": path,
            "animation": animation}


# ------------------------------------------------------------------------------------------------ report


def _stat(samples: list[Sample], attr: str, scale: float = 1.0) -> tuple[float, float, float] | None:
    values = [getattr(s, attr) for s in samples if getattr(s, attr) is not None]
    if not values:
        return None
    return statistics.median(values) * scale, min(values) * scale, max(values) * scale


def _fmt_time(stat) -> str:
    if stat is None:
        return "n/a"
    med, lo, hi = stat
    return f"{med:.2f} s [{lo:.2f}–{hi:.2f}]"


def _fmt_kb(stat) -> str:
    if stat is None:
        return "n/a"
    med, lo, hi = stat
    return f"{med:.0f} KB [{lo:.0f}–{hi:.0f}]"


def _row(cells: list[str], widths: list[int]) -> str:
    return " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [_row(rows[0], widths), "-+-".join("-" * w for w in widths)]
    lines += [_row(r, widths) for r in rows[1:]]
    return "\n".join("  " + line for line in lines)


def report(outcome: dict, repeats: int) -> bool:
    """Print the tables; returns whether every target is met (for information, not an exit code)."""
    results = outcome["results"]
    rows = [["case", "minimal page", "real app", "ratio", "target"]]
    met = True

    def add(case: str, attr: str, label: str, kb: bool = False, ratio_target: bool = True) -> None:
        nonlocal met
        samples = results.get(case, {"minimal": [], "real": []})
        scale = 1.0 if kb else 1e-3
        minimal, real = _stat(samples["minimal"], attr, scale), _stat(samples["real"], attr, scale)
        fmt = _fmt_kb if kb else _fmt_time
        ratio = f"{real[0] / minimal[0]:.2f}×" if minimal and real and minimal[0] > 0 else "n/a"
        if kb:
            ok = real is not None and real[0] <= TARGET_KB
            target = f"≤ {TARGET_KB:.0f} KB: " + ("met" if ok else "NOT met")
        elif ratio_target:
            ok = minimal is not None and real is not None and real[0] <= TARGET_RATIO * minimal[0]
            target = f"≤ {TARGET_RATIO:.0f}×: " + ("met" if ok else "NOT met")
        else:
            ok, target = True, "(information)"
        met = met and ok
        rows.append([label, fmt(minimal), fmt(real), ratio, target])

    add("first ever load", "total", "first ever load (fresh server)", ratio_target=False)
    add("cold link", "total", "cold link → first chart, idle")
    add("slider move", "total", "slider move → chart, idle")
    add("select change", "total", "select change → chart, idle")
    add("slider move", "kb", "websocket per slider move", kb=True)
    add("select change", "kb", "websocket per select change", kb=True)
    add("slider move", "wire_kb", "  deflated, on the wire", kb=True)
    add("select change", "wire_kb", "  deflated, on the wire", kb=True)
    add("cold link", "kb", "websocket, cold link", kb=True, ratio_target=False)
    rows[-1][-1] = "(information)"
    add("cold link", "http_kb", "HTTP (html, js, css), cold link", kb=True, ratio_target=False)
    rows[-1][-1] = "(information)"
    print(f"\nBrowser: headless Chromium {VIEWPORT['width']}×{VIEWPORT['height']}, median [min–max] of "
          f"{repeats}; real app {outcome['path']!r}, minimal page benchmarks/minimal_app.py")
    print(_table(rows))
    for case in ("slider move", "select change"):
        labels = [s.label for s in results.get(case, {}).get("real", [])]
        if labels:
            print(f"  {case}s on the real app: " + "; ".join(labels))

    print("\nWhere the time goes (medians, ms from the input; loads: from navigation start):")
    columns = [("1st sent", "first_sent"), ("chart sent", "chart_sent"), ("page got it", "chart_seen"),
               ("last sent", "last_sent"), ("Plotly called", "plotly_call"), ("chart drawn", "chart"),
               ("idle", "total"), ("Plotly", "plotly_first"), ("busy", "busy")]
    rows = [["case", "app"] + [title for title, _ in columns] + ["draws"]]
    for case in ("cold link", "slider move", "select change"):
        for name in ("minimal", "real"):
            samples = results.get(case, {}).get(name, [])
            if samples:
                stats = [_stat(samples, attr) for _, attr in columns]
                calls = _stat(samples, "plotly_calls")
                rows.append([case, name] + ["n/a" if st is None else f"{st[0]:.0f}" for st in stats]
                            + ["n/a" if calls is None else f"{calls[0]:g}"])
    print(_table(rows))
    print("  sent: when the server sent its first message, the one holding the first chart (the script\n"
          "  has run up to it and serialised it) and its last (the run's end). page got it: when the page's\n"
          "  JavaScript got the chart message (later if its main thread was busy). chart drawn: the first\n"
          "  chart shows the new data. idle: done (the chart drawn and the app idle).\n"
          "  Plotly called: Plotly.react first called for the first chart; Plotly: that call until its\n"
          "  promise resolved (drawing, other charts' work may interleave). busy: main thread in tasks over\n"
          "  50 ms, input to idle. draws: Plotly.react calls on the first chart (2: drawn again when the\n"
          "  run ends).")
    loads = [(name, results.get("cold link", {}).get(name, [])) for name in ("minimal", "real")]
    if all(samples for _, samples in loads):
        print("  Cold links (ms from navigation start): " + "; ".join(
            f"{name}: Plotly chunk downloaded {_stat(samples, 'plotly_fetched')[0]:.0f}, evaluated "
            f"{_stat(samples, 'plotly_ready')[0]:.0f}" for name, samples in loads
            if _stat(samples, 'plotly_fetched') and _stat(samples, 'plotly_ready')))

    for case in ("slider move", "select change"):
        samples = results.get(case, {}).get("real", [])
        if not samples or not samples[-1].parts:
            continue
        parts: dict[str, list[int]] = defaultdict(list)
        for s in samples:
            for kind, size in s.parts.items():
                parts[kind].append(size)
        print(f"\nReal app, websocket bytes per {case} by message kind (mean over {len(samples)}):")
        small = []
        for kind, sizes in sorted(parts.items(), key=lambda kv: -sum(kv[1])):
            kb = sum(sizes) / len(samples) / 1e3
            if kb >= 1:
                print(f"  {kind:<28} {kb:8.1f} KB")
            else:
                small.append(kb)
        if small:
            label = f"{len(small)} other kinds"
            print(f"  {label:<28} {sum(small):8.1f} KB")
        print("  charts in the last sample (spec = data + layout + frames, KB of JSON):")
        for c in samples[-1].charts:
            print(f"    {c['chart']}: spec {c['spec'] / 1e3:.1f} = data {c.get('data', 0) / 1e3:.1f} "
                  f"({c.get('n_traces', 0)} traces) + layout {c.get('layout', 0) / 1e3:.1f} + frames "
                  f"{c.get('frames', 0) / 1e3:.1f} ({c.get('n_frames', 0)} frames)")
            for title in ("largest traces", "largest trace fields", "largest layout keys"):
                if c.get(title):
                    listed = ", ".join(f"{name} {size / 1e3:.1f}" for size, name in c[title])
                    print(f"      {title}: {listed}")

    print(f"\nAnimation while ▶ plays ({ANIMATION_SECONDS:.0f} s, real app; design: {TARGET_FPS:.0f} "
          "frames per second):")
    for label, fps in outcome.get("animation", {}).items():
        smooth = fps is not None and fps >= 0.9 * TARGET_FPS
        verdict = "n/a" if fps is None else f"{fps:.1f} fps: " + ("met" if smooth else "NOT met")
        print(f"  {label:<45} {verdict}")
        met = met and smooth

    gaps = [s.clock_gap for apps in results.values() for samples in apps.values() for s in samples
            if s.clock_gap is not None]
    if gaps and min(gaps) < -2:
        print(f"\nNote: a message reached the page {-min(gaps):.0f} ms before the server logged it: the "
              "server's and the browser's clocks disagree; the 'sent' columns are off by about that much.")
    if not gaps:
        print("\nNote: no server send times (benchmarks.serve could not log them): 'sent' columns are n/a.")
    late = [(case, name) for case, apps in results.items() for name, samples in apps.items()
            if any(s.late_rerun for s in samples)]
    if late:
        print("\nNote: messages or chart changes after the measured idle (a second rerun?) in: "
              + ", ".join(f"{c} / {n}" for c, n in late))
    if any(n != 1 for n in outcome["sockets"].values()):
        print(f"\nNote: websockets per page: {outcome['sockets']} (expected 1 each)")
    if outcome["problems"]:
        print("\nBrowser errors (other than the expected offline noise):")
        for problem in sorted(set(outcome["problems"]))[:20]:
            print(f"  {problem}")
    print(f"\nTargets {'all met' if met else 'not all met'} (printed for information; the exit code is 0 "
          "when the measurement itself worked).")
    return met


def main(path: str = "/", repeats: int = 7) -> int:
    if repeats < 1:
        print("--browser-repeats must be at least 1", file=sys.stderr)
        return 2
    print(f"Browser benchmark: {repeats} samples per case; servers for app.py and benchmarks/minimal_app.py",
          flush=True)
    started = time.monotonic()
    try:
        outcome = run(path, repeats)
    except BenchError as error:
        print(f"browser benchmark failed: {error}", file=sys.stderr)
        return 1
    report(outcome, repeats)
    print(f"({time.monotonic() - started:.0f} s in all)")
    return 0
