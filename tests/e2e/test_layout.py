"""What fits where, in a real browser at real sizes: the lecture and embed views fit the window with ▶
in view, the way out of lecture mode is visible, and the landscape is the largest chart at every width.

AppTest cannot see any of this: sizes come from the browser's CSS and Plotly's layout.
"""

from __future__ import annotations

import pytest

from .test_browser import CHART, CHART_TIMEOUT_MS, EXCEPTION, IDLE

#: The drawing area (the part inside the axes) of each subplot with visible axes, chart by chart in page
#: order: ``[[{name, top, bottom, left, right, width, height}, ...], ...]``. The Playground's one chart
#: holds the map (``xy``), the loss (``x2y2``), a second curve (``x3y3``) and the state panel, whose
#: axes are hidden (left out here).
PLOT_AREAS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd =>
  Array.from(gd.querySelectorAll('.draglayer > g')).filter(g => {
    const name = g.getAttribute('class');
    const axis = gd._fullLayout[name.replace(/^x(\\d*)y.*$/, 'xaxis$1')];
    return axis && axis.visible !== false;
  }).map(g => {
    const r = g.querySelector('.nsewdrag').getBoundingClientRect();
    return {name: g.getAttribute('class'), top: r.top, bottom: r.bottom, left: r.left, right: r.right,
            width: r.width, height: r.height};
  }))"""
#: The bottom edge of the first chart's ▶ Play button.
PLAY_BOTTOM = """() => {
  const button = document.querySelector('.js-plotly-plot .updatemenu-button');
  return button ? button.getBoundingClientRect().bottom : null;
}"""


def _open_at(browser, url: str, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(CHART, timeout=CHART_TIMEOUT_MS)
    page.wait_for_selector(IDLE)
    page.wait_for_timeout(800)  # Plotly lays out again once the container has its height
    return context, page


@pytest.mark.parametrize("width, height", [(1280, 720), (1920, 1080)])
def test_lecture_view_fits_the_window_with_play_in_view(browser, app_server, screenshot_dir,
                                                        width: int, height: int) -> None:
    context, page = _open_at(browser, f"{app_server.url}/?lecture=1", width, height)
    try:
        assert page.locator(EXCEPTION).count() == 0
        landscape = page.evaluate(PLOT_AREAS)[0][0]
        assert landscape["name"] == "xy" and landscape["bottom"] <= height and landscape["top"] >= 0
        assert landscape["height"] >= 0.5 * height, landscape  # the map fills the projector
        assert page.evaluate(PLAY_BOTTOM) <= height
        leave = page.get_by_role("button", name="Leave lecture mode")
        box = leave.bounding_box()
        assert leave.is_visible() and box["y"] + box["height"] <= height
        page.screenshot(path=str(screenshot_dir / f"lecture_{width}x{height}.png"))
    finally:
        context.close()


def test_embedded_slide_fits_its_iframe(browser, app_server, screenshot_dir) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 800})
    page = context.new_page()
    try:
        page.set_content(f'<iframe src="{app_server.url}/?lecture=1&embed=true" width="1240" height="640" '
                         'style="border: 0"></iframe>')
        frame = page.frame_locator("iframe")
        frame.locator(IDLE).wait_for(timeout=CHART_TIMEOUT_MS)
        frame.locator(CHART).first.wait_for(timeout=CHART_TIMEOUT_MS)
        page.wait_for_timeout(800)
        inner = page.frames[1]
        landscape = inner.evaluate(PLOT_AREAS)[0][0]
        assert landscape["bottom"] <= 640 and landscape["height"] >= 250, landscape
        assert inner.evaluate(PLAY_BOTTOM) <= 640
        page.screenshot(path=str(screenshot_dir / "embed_1240x640.png"))
    finally:
        context.close()


#: Per table on the page: how much wider its content is than the table (0: nothing hides sideways).
TABLE_OVERFLOW = """() => Array.from(document.querySelectorAll('[data-testid="stDataFrame"] .dvn-scroller'))
  .map((scroller) => scroller.scrollWidth - scroller.clientWidth)"""


@pytest.mark.parametrize("path", ["/?landscape=sin_minus_square", "/basins", "/landscape"])
def test_results_tables_fit_a_1280_px_page(browser, app_server, path: str) -> None:
    """At 1280×720 these tables' last columns were cut off: the Playground's outcome ("local maximum,
    18.26 below the bes"), Basins' "median steps", the real landscape's "trained 300 steps"."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    try:
        page.goto(f"{app_server.url}{path}")
        page.wait_for_selector('[data-testid="stDataFrame"] .dvn-scroller', timeout=CHART_TIMEOUT_MS)
        page.wait_for_selector(IDLE)
        page.wait_for_timeout(800)
        overflow = page.evaluate(TABLE_OVERFLOW)
        assert overflow and all(px <= 1 for px in overflow), overflow
    finally:
        context.close()


@pytest.mark.parametrize("width, height", [(1400, 900), (1920, 1080), (1280, 720), (390, 844)])
def test_the_landscape_is_the_largest_chart(browser, app_server, screenshot_dir, width: int,
                                            height: int) -> None:
    phone = {"user_agent": PHONE_AGENT} if width < 600 else {}
    context = browser.new_context(viewport={"width": width, "height": height}, **phone)
    page = context.new_page()
    try:
        page.goto(f"{app_server.url}/")
        page.wait_for_selector(CHART, timeout=CHART_TIMEOUT_MS)
        page.wait_for_selector(IDLE)
        page.wait_for_timeout(800)
        (subplots,) = page.evaluate(PLOT_AREAS)  # one chart: the map and the curves share its ▶
        landscape, *others = subplots
        assert landscape["name"] == "xy" and [o["name"] for o in others] == ["x2y2", "x3y3"]
        area = landscape["width"] * landscape["height"]
        assert all(area > 2 * o["width"] * o["height"] for o in others), (landscape, others)
        # a real map: at least half the window's smaller side, on every screen
        assert min(landscape["width"], landscape["height"]) >= 0.5 * min(width, height), landscape
        if width < 600:  # a phone: everything in one column, the curves below the map
            assert all(o["top"] > landscape["bottom"] for o in others), (landscape, others)
            # where there is no hover, the mode bar stays on screen: it must not cover the legend
            assert page.evaluate(LEGEND_UNDER_MODEBAR) == [], "the mode bar covers legend entries"
        else:
            assert all(o["left"] > landscape["right"] for o in others), (landscape, others)
        page.screenshot(path=str(screenshot_dir / f"playground_{width}x{height}.png"))
    finally:
        context.close()


#: The legend entries whose box meets the chart's mode bar (the bar is in the page even while hidden).
LEGEND_UNDER_MODEBAR = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  const bar = gd.querySelector('.modebar').getBoundingClientRect();
  return Array.from(gd.querySelectorAll('.legend .traces')).filter((entry) => {
    const r = entry.getBoundingClientRect();
    return r.left < bar.right && r.right > bar.left && r.top < bar.bottom && r.bottom > bar.top;
  }).map((entry) => entry.textContent);
}"""


#: What a phone's browser says it is (the page arranges its figure in one column for it).
PHONE_AGENT = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/130.0 Mobile Safari/537.36")


#: The landscape's axis ranges and its drawing area on the page.
MAP_FRAME = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  const r = gd.querySelector('.nsewdrag').getBoundingClientRect();
  return {x: gd._fullLayout.xaxis.range, y: gd._fullLayout.yaxis.range,
          left: r.left, top: r.top, width: r.width, height: r.height};
}"""


def test_a_click_on_the_map_sets_the_start(page, app_server) -> None:
    from urllib.parse import parse_qs, urlparse

    page.goto(f"{app_server.url}/?landscape=quadratic&pick=1")
    page.wait_for_selector(CHART, timeout=CHART_TIMEOUT_MS)
    page.wait_for_selector(IDLE)
    page.wait_for_timeout(800)
    frame = page.evaluate(MAP_FRAME)
    fx, fy = 0.75, 0.3  # right of and above the centre, away from the default start (lower left)
    page.mouse.click(frame["left"] + fx * frame["width"], frame["top"] + fy * frame["height"])
    page.wait_for_function("() => location.search.includes('start=')", timeout=20_000)
    page.wait_for_selector(IDLE)
    start = [float(v) for v in parse_qs(urlparse(page.url).query)["start"][0].split(",")]
    (x_lo, x_hi), (y_lo, y_hi) = frame["x"], frame["y"]
    expected = (x_lo + fx * (x_hi - x_lo), y_hi - fy * (y_hi - y_lo))
    step = (x_hi - x_lo) / 40  # the clickable grid's spacing
    assert max(abs(start[0] - expected[0]), abs(start[1] - expected[1])) <= 1.5 * step, (start, expected)
    # the optimizers now start there: every path begins at the new start
    first = page.evaluate("() => document.querySelector('.js-plotly-plot')._fullData"
                          ".filter(t => (t.mode || '').includes('lines') && /lr=/.test(t.name || '')"
                          " && !t.name.includes(':') && t.xaxis === 'x').map(t => [t.x[0], t.y[0]])")
    assert first and all(abs(x - start[0]) < 1e-6 and abs(y - start[1]) < 1e-6 for x, y in first), first


#: Go to frame ``k`` (as the step slider does), then read what the page shows: the slider's step, the
#: state panel's lines as drawn (SVG text) and the loss chart's current-step marks.
AT_FRAME = """async (k) => {
  const gd = document.querySelector('.js-plotly-plot');
  const name = gd._transitionData._frames[k].name;
  await window.Plotly.animate(gd, [name], {mode: 'immediate', frame: {duration: 0, redraw: false},
                                           transition: {duration: 0}});
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  // the state panel is the figure's only text trace: its lines are the SVG text of its points
  const lines = Array.from(gd.querySelectorAll('.textpoint text')).map(t => t.textContent);
  const marks = gd._fullData.find(t => t.name === 'current step' && t.yaxis === 'y2');
  return {name, lines, markX: Array.from(marks.x)};
}"""


def test_the_step_slider_moves_the_state_lines_and_the_curve_marks(page, app_server) -> None:
    page.goto(f"{app_server.url}/")
    page.wait_for_selector(CHART, timeout=CHART_TIMEOUT_MS)
    page.wait_for_selector(IDLE)
    page.wait_for_function("() => window.Plotly && document.querySelector('.js-plotly-plot')._transitionData")
    early, late = page.evaluate(AT_FRAME, 10), page.evaluate(AT_FRAME, 70)  # of 80 frames
    for shown in (early, late):
        step = int(shown["name"])
        assert shown["markX"] == [step] * 3, shown  # every optimizer's mark at the frame's step
        assert len(shown["lines"]) == 3 and shown["lines"][2].startswith("Adam, lr=0.1"), shown
        assert "exp_avg = (" in shown["lines"][2] and "momentum_buffer = (" in shown["lines"][1]
    assert early["lines"] != late["lines"]  # the numbers follow the step
