"""The app in a real browser: cold deep links, slider -> URL -> chart, bad links, lecture mode and
iframes, and the CSV download. AppTest cannot see any of these (URL writes, page config, the DOM).

The cold deep-link test comes first in this file on purpose: it must be the first page the
session's server serves (it starts a server of its own otherwise).
"""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs, urlparse

import pytest

from scenarios import PAGES, default_playground, slot_labels

from .conftest import streamlit_server

IDLE = ('[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
        '[data-test-script-state="notRunning"]')
CHART = ".js-plotly-plot .main-svg"
EXCEPTION = '[data-testid="stException"]'
#: x of the last point of the first SGD path in the first chart (the Playground's landscape).
LAST_SGD_X = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  if (!gd || !gd._fullData) return null;
  const path = gd._fullData.find(t => (t.name || '').startsWith('SGD') && (t.mode || '').includes('lines'));
  return path ? Array.from(path.x).at(-1) : null;
}"""
PANEL_TITLES = ("() => (document.querySelector('.js-plotly-plot')._fullLayout.annotations || [])"
                ".map(a => a.text)")
#: What the page shows, for failure messages.
STATE = f"""() => ({{
  url: location.href,
  app: Object.assign({{}}, document.querySelector('[data-testid="stApp"]')?.dataset),
  lastSgdX: ({LAST_SGD_X})(),
  sgdName: (document.querySelector('.js-plotly-plot')?._fullData || []).map(t => t.name)[1],
  lrSlider: document.querySelector('[data-testid="stSidebar"] input[aria-label="learning rate (lr)"]')
    ?.getAttribute('aria-valuetext'),
}})"""
SETTLED_LR = f"""() => {{
  const s = ({STATE})();
  return s.lrSlider !== '0.05' && new URL(s.url).searchParams.get('o1.lr') === s.lrSlider
    && s.sgdName === 'SGD, lr=' + s.lrSlider;
}}"""
CHART_TIMEOUT_MS = 45_000  # the first run on a cold server imports numpy, pandas and plotly


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(CHART, timeout=CHART_TIMEOUT_MS)
    page.wait_for_selector(IDLE)


def _wait_until(page, predicate: str, arg, what: str) -> None:
    """Wait for a JS predicate; on timeout, fail with what the page shows (URL, run state, chart)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout  # here: collection works without it

    try:
        page.wait_for_function(predicate, arg=arg, timeout=20_000)
        return
    except PlaywrightTimeout:
        pass
    pytest.fail(f"timed out waiting for {what}; page state: {page.evaluate(STATE)}", pytrace=False)


def _query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def _check_compare_deep_link(page, url: str, screenshot) -> None:
    _open(page, f"{url}/compare?mode=lr&landscape=x2_plus_sin&opt=sgd&lrs=0.01,0.1,1&steps=50")
    assert "Compare · Optimizer explorer" in page.title()  # set by the shared frame
    sidebar = page.locator('[data-testid="stSidebar"]')
    links = [text.strip() for text in sidebar.get_by_test_id("stPageLink-NavLink").all_inner_texts()]
    assert links == [p.title for p in PAGES]  # the menu, from the page declarations
    # Streamlit's own menu (which would list the files "app" and "compare") must not be drawn.
    assert sidebar.get_by_test_id("stSidebarNav").count() == 0
    assert sidebar.get_by_test_id("stSidebarNavLink").count() == 0
    assert page.locator(EXCEPTION).count() == 0
    titles = page.evaluate(PANEL_TITLES)
    for lr in ("0.01", "0.1", "1"):
        assert sum(t.startswith(f"lr = {lr}:") for t in titles) == 1, titles
    assert _query(page).get("lrs") == ["0.01,0.1,1"]  # the link's settings survive the first run
    screenshot("compare_deep_link.png")


def test_cold_deep_link_to_compare_runs_the_shared_frame(page, app_server, screenshot):
    if not app_server.used:
        _check_compare_deep_link(page, app_server.url, screenshot)
    else:  # run out of order (-k, random order): a server nobody has loaded "/" from yet
        with streamlit_server() as url:
            _check_compare_deep_link(page, url, screenshot)


def test_learning_rate_slider_rewrites_url_and_chart(page, app_server, screenshot):
    _open(page, f"{app_server.url}/?landscape=quadratic&opt=sgd&o1.lr=0.05&steps=100")
    before = page.evaluate(LAST_SGD_X)
    assert before is not None, "no SGD path in the landscape chart"
    slider = page.locator('[data-testid="stSidebar"]').get_by_role("slider", name="learning rate (lr)")
    assert slider.count() == 1
    assert slider.get_attribute("aria-valuetext") == "0.05"
    from playwright.sync_api import expect

    from optimizers import OPTIMIZERS
    from scenarios.values import value_grid

    lr = OPTIMIZERS["sgd"].param("lr")
    grid = value_grid(lr, (0.05, lr.default))
    shown = f"{grid[grid.index(0.05) + 3]:.4g}"  # three steps right on the slider's own grid
    slider.focus()
    for _ in range(3):
        slider.press("ArrowRight")
    # under load the third press can land after a first read of the slider: wait for all three
    expect(slider).to_have_attribute("aria-valuetext", shown, timeout=20_000)
    assert slider.get_attribute("aria-valuetext") == shown and float(shown) > 0.05
    changed = f"b => {{ const x = ({LAST_SGD_X})(); return x !== null && x !== b; }}"
    _wait_until(page, changed, before, f"the SGD path to change from last x = {before}")
    # Settled: the slider, the URL and the chart's legend all show one lr (different from the link's).
    _wait_until(page, SETTLED_LR, None, "the slider, the URL and the chart to agree on one lr")
    page.wait_for_selector(IDLE)
    settled = page.evaluate(STATE)
    assert settled["lrSlider"] == shown, f"key presses were lost: the slider showed {shown}, then {settled}"
    assert float(_query(page)["o1.lr"][0]) != 0.05
    assert page.locator(EXCEPTION).count() == 0
    screenshot("after_slider.png")


def test_a_link_value_between_slider_labels_survives_a_click(page, app_server):
    """``o1.lr=0.00099999`` and the grid's 0.001 were both labelled "0.001"; the browser sends a select
    slider's label, so the next click anywhere turned the link's value into 0.001 (found in AppTest by
    tests/test_fuzz_pages.py)."""
    _open(page, f"{app_server.url}/?o1.lr=0.00099999&steps=50&landscape=quadratic&opt=sgd")
    page.locator('[data-testid="stSidebar"]').get_by_text("3-D surface view").click()
    _wait_until(page, "() => new URL(location.href).searchParams.get('surface') === '1'", None,
                "the surface view in the URL")
    page.wait_for_selector(IDLE)
    assert _query(page).get("o1.lr") == ["0.00099999"]
    assert page.locator(EXCEPTION).count() == 0


def test_a_hidden_control_keeps_its_value(page, app_server):
    """A seed typed with noise on stays when noise is turned off (its box hidden), in the URL and after
    one more click: Streamlit forgets a widget that a run leaves out, and its key read what the page had
    written there before the box was first shown (tests/test_fuzz_pages.py found it in AppTest)."""
    _open(page, f"{app_server.url}/?steps=50&landscape=quadratic")
    sidebar = page.locator('[data-testid="stSidebar"]')

    def settled(predicate: str, what: str) -> None:
        _wait_until(page, f"() => {{ const q = new URL(location.href).searchParams; return {predicate}; }}",
                    None, what)
        page.wait_for_selector(IDLE)

    sidebar.get_by_text("Gradient noise, clipping, lr schedule").click()
    noise = sidebar.get_by_role("slider", name="Gradient noise σ")
    noise.focus()
    noise.press("ArrowRight")
    settled("q.has('noise')", "noise in the URL")
    seed = sidebar.get_by_label("Noise seed", exact=True)
    seed.fill("5")
    seed.press("Enter")
    settled("q.get('seed') === '5'", "the seed in the URL")
    noise.focus()
    noise.press("Home")
    settled("!q.has('noise')", "noise off in the URL")
    sidebar.get_by_text("3-D surface view").click()
    settled("q.get('surface') === '1'", "the surface view in the URL")
    assert _query(page).get("seed") == ["5"]
    assert page.locator(EXCEPTION).count() == 0


def test_bad_link_warns_and_shows_default_chart(page, app_server, screenshot):
    _open(page, f"{app_server.url}/?steps=abc&landscape=nope")
    warning = page.get_by_test_id("stAlertContentWarning")
    assert warning.count() == 1
    text = warning.inner_text()
    assert "Some settings in the link could not be used" in text
    assert "steps=abc" in text and "landscape=nope" in text
    assert page.locator(EXCEPTION).count() == 0
    names = page.evaluate("() => document.querySelector('.js-plotly-plot')._fullData.map(t => t.name)")
    default = default_playground()
    assert set(slot_labels(default.slots)) <= set(names)  # the default optimizers' paths are drawn
    assert default.run.build_landscape().title in page.get_by_test_id("stMain").inner_text()
    query = _query(page)
    assert "steps" not in query and "landscape" not in query  # the unusable values left the URL
    screenshot("bad_link.png")


def test_lecture_mode_hides_sidebar_and_embeds(page, app_server, screenshot):
    _open(page, f"{app_server.url}/?lecture=1")
    assert page.locator('[data-testid="stSidebar"]').is_hidden()
    assert page.locator(EXCEPTION).count() == 0
    screenshot("lecture.png")

    embed = f"{app_server.url}/?lecture=1&embed=true"
    page.set_content(f'<iframe src="{embed}" width="1200" height="800"></iframe>')
    frame = page.frame_locator("iframe")
    frame.locator(IDLE).wait_for(timeout=CHART_TIMEOUT_MS)
    frame.locator(CHART).first.wait_for(timeout=CHART_TIMEOUT_MS)
    assert frame.locator(EXCEPTION).count() == 0
    assert frame.locator('[data-testid="stSidebar"]').is_hidden()
    screenshot("lecture_iframe.png")


def test_csv_download_has_trajectories(page, app_server):
    _open(page, f"{app_server.url}/?landscape=quadratic&opt=sgd,adam&steps=20")
    with page.expect_download() as download_info:
        page.get_by_role("button", name=re.compile("Download trajectories \\(CSV\\)")).click()
    download = download_info.value
    text = download.path().read_text()
    rows = list(csv.reader(io.StringIO(text)))
    assert ",".join(rows[0]).startswith("optimizer,step,x,y,f")
    steps: dict[str, list[int]] = {}
    for row in rows[1:]:
        steps.setdefault(row[0], []).append(int(row[1]))
    assert len(steps) == 2, list(steps)  # one block of rows per optimizer
    for name, seen in steps.items():
        assert seen[0] == 0 and seen[-1] == 20, (name, seen)  # from the start to the last step


def test_quadratics_lesson_opens_from_its_link(page, app_server, screenshot):
    _open(page, f"{app_server.url}/quadratics?condition=100")
    assert page.locator(EXCEPTION).count() == 0
    assert "Lesson: quadratics · Optimizer explorer" in page.title()
    assert page.locator(".js-plotly-plot").count() == 2  # the two maps, the distances
    assert page.get_by_text("0.0198").first.is_visible()  # the best learning rate at κ = 100
    screenshot("quadratics.png")


#: Each lesson's cold link: its query, its menu title, its charts, and a sentence its page must show.
LESSON_LINKS = [
    ("averages?beta=0.9", "Lesson: averages and momentum", 6, "10 times plain SGD"),
    ("descent?landscape=sin_minus_square&lrs=0.01,0.05", "Lesson: descent in 1-D", 3,
     "18.26 below the global one"),
    ("clipping?schedule=one_cycle&schedule.cycle_momentum=1", "Lesson: clipping and schedules", 7,
     "Every schedule at its default"),
    ("adaptive?wd=1", "Lesson: adaptive steps", 6, "3.162 times the corrected one"),
    ("noise?directions=16", "Lesson: noise and gradient-free", 4, "without the 2"),
    ("depth?rules=zeros", "Lesson: initialization and depth", 2, "Zero weights give zero activations"),
    ("batchnorm", "Lesson: batch normalization", 1, "are one per feature"),
    ("landscape?res=21&steps=150", "Lesson: a real loss landscape", 5, "filter-normalized"),
]


@pytest.mark.parametrize("link, title, charts, sentence", LESSON_LINKS, ids=lambda v: str(v).split("?")[0])
def test_lesson_opens_from_its_link(page, app_server, screenshot, link, title, charts, sentence):
    _open(page, f"{app_server.url}/{link}")
    assert page.locator(EXCEPTION).count() == 0
    assert f"{title} · Optimizer explorer" in page.title()
    page.wait_for_function(f"() => document.querySelectorAll('.js-plotly-plot').length === {charts}",
                           timeout=20_000)
    page.wait_for_function(f"() => document.body.innerText.includes({sentence!r})", timeout=20_000)
    screenshot(f"{link.split('?')[0]}.png")


def test_sweep_opens_from_its_link_and_a_click_chooses_a_cell(page, app_server, screenshot):
    from scenarios.results import format_quantity
    from scenarios.sweeps import grid_axes

    link = {"landscape": "quadratic", "opt": "momentum", "cells": "8"}
    _open(page, f"{app_server.url}/sweep?" + "&".join(f"{k}={v}" for k, v in link.items()))
    page.wait_for_timeout(800)
    assert page.locator(EXCEPTION).count() == 0
    assert "Sweep · Optimizer explorer" in page.title()
    box = page.locator(".js-plotly-plot").first.locator(".nsewdrag").first.bounding_box()
    i, j = 2, 5  # a cell away from the best one (the best sits at the largest stable lr)
    page.mouse.click(box["x"] + (i + 0.5) / 8 * box["width"], box["y"] + box["height"] * (1 - (j + 0.5) / 8))
    axes = grid_axes(decode_sweep(link))
    expected = (f"SGD + momentum, lr={format_quantity(axes['lr'][i])}, "
                f"momentum={format_quantity(axes['momentum'][j])}")
    page.wait_for_function(f"() => document.body.innerText.includes({expected!r})", timeout=20_000)
    screenshot("sweep.png")


def decode_sweep(query: dict[str, str]):
    from scenarios import SWEEP, decode

    return decode(SWEEP, query).settings


def test_basins_open_from_their_link(page, app_server, screenshot):
    _open(page, f"{app_server.url}/basins?res=60")
    assert page.locator(EXCEPTION).count() == 0
    assert "Basins · Optimizer explorer" in page.title()
    assert page.locator(".js-plotly-plot .heatmaplayer image, .js-plotly-plot .hm image").count() >= 3
    screenshot("basins.png")


def test_race_opens_from_its_link(page, app_server, screenshot):
    _open(page, f"{app_server.url}/race?racers=sgd,adam&budget=16")
    assert page.locator(EXCEPTION).count() == 0
    assert "Race · Optimizer explorer" in page.title()
    assert page.locator(".js-plotly-plot").count() == 2
    screenshot("race.png")
