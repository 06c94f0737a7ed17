"""Figure builders: trace structure, subsampling, the view window, divergence marks, animation geometry."""

from __future__ import annotations

import base64
import json
import zlib

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from figures import (
    FigureStyle,
    Panel,
    coordinate_figure,
    curve,
    display_rows,
    distance_figure,
    landscape_figure,
    landscape_grid,
    loss_figure,
    playground_figure,
    small_multiples,
    standalone_html,
    styled_series,
    surface_figure,
    view_window,
)
from figures.animation import gradient_arrow_length
from figures.build import Figure
from figures.hover import vector
from landscapes import get_landscape
from optimizers import run

ROSENBROCK = get_landscape("rosenbrock")
X2_SIN = get_landscape("x2_plus_sin")


def revalidated(fig: go.Figure) -> go.Figure:
    """Return ``fig`` after rebuilding a copy with Plotly's full validation (raises on any invalid prop).

    The builders skip validation for speed; this proves they wrote only valid properties. And the fast
    ``to_dict`` that Streamlit calls, before the figure is built and after, gives plotly's own dict:
    the same JSON values (plotly orders each trace's keys its own way; plotly.js does not care).
    """
    go.Figure(fig.to_dict())
    if isinstance(fig, Figure):
        unbuilt = fig.to_dict()
        assert "_plain_parts" in fig.__dict__  # serialising did not build the figure
        plotlys = go.Figure.to_dict(fig)
        assert "_plain_parts" not in fig.__dict__
        built = fig.to_dict()
        as_json = [json.loads(pio.to_json(d, validate=False)) for d in (unbuilt, built, plotlys)]
        assert as_json[0] == as_json[2] and as_json[1] == as_json[2]
    return fig


@pytest.fixture(scope="module")
def rosen_series():
    return styled_series([
        ("adam", run("adam", ROSENBROCK, steps=200, lr=0.01, record_state=True)),
        ("sgd", run("sgd", ROSENBROCK, steps=200, lr=0.001, record_state=True)),
    ])


@pytest.fixture(scope="module")
def diverged():
    return styled_series([("sgd lr=1", run("sgd", ROSENBROCK, steps=50, lr=1.0, record_state=True))])


def by_name(fig: go.Figure, name: str):
    return [t for t in fig.data if t.name == name]


# --- sampling and view ---------------------------------------------------------------------------

@pytest.mark.parametrize("n_rows, max_points", [(1, 5), (2, 5), (10, 5), (1001, 100), (5001, 1000), (7, 1)])
def test_display_rows_bounds(n_rows, max_points):
    rows = display_rows(n_rows, max_points, keep=(3,))
    assert rows[0] == 0 and rows[-1] == n_rows - 1
    assert np.all(np.diff(rows) > 0)
    assert len(rows) <= max(2, max_points) + 1
    if n_rows > 3:
        assert 3 in rows
    if n_rows <= max_points:
        assert len(rows) == n_rows


def test_display_rows_ignores_out_of_range_keep():
    assert display_rows(5, 10, keep=(-1, 5, 99)).tolist() == [0, 1, 2, 3, 4]
    assert display_rows(0, 10).size == 0


def test_far_start_widens_view_but_divergent_path_does_not(diverged):
    far = styled_series([("far", run("adam", ROSENBROCK, np.array([30.0, 30.0]), steps=5, lr=0.1))])[0]
    view = view_window(ROSENBROCK, [far, diverged[0]])
    (x_lo, x_hi), (y_lo, y_hi) = view
    assert x_lo <= -2 and y_lo <= -1 and x_hi > 30 and y_hi > 30
    # 5% of the widened span beyond the start, not more
    assert x_hi == pytest.approx(30 + 0.05 * (30 - (-2)))
    # the diverged particle sits frozen near -1.4e9: far outside the window
    assert abs(diverged[0].path[-1, 0]) > 1e6 and x_lo > -3
    assert view_window(ROSENBROCK, diverged) == ROSENBROCK.bounds


def test_grid_and_curve_match_the_landscape():
    xs, ys, values = landscape_grid(ROSENBROCK, ROSENBROCK.bounds, resolution=7)
    assert values.shape == (7, 7) and values.dtype == np.float64
    assert values[2, 5] == pytest.approx(float(ROSENBROCK(np.array([xs[5], ys[2]]))))
    cx, cy = curve(X2_SIN, X2_SIN.bounds, n=11)
    assert cy[4] == pytest.approx(cx[4] ** 2 + np.sin(cx[4]))


# --- the landscape figure --------------------------------------------------------------------------

def test_two_d_structure_and_finite_ranges(rosen_series):
    fig = landscape_figure(ROSENBROCK, rosen_series, animate=False)
    revalidated(fig)
    assert fig.data[0].type == "contour"
    names = [t.name for t in fig.data]
    assert {"adam", "sgd", "start", "optimum"} <= set(names)
    assert by_name(fig, "optimum")[0].marker.symbol == "star"
    for axis in (fig.layout.xaxis, fig.layout.yaxis):
        assert np.all(np.isfinite(axis.range)) and axis.range[1] > axis.range[0]
    assert list(fig.layout.xaxis.range) == [-2.0, 2.0]


def test_one_d_structure():
    series = styled_series([("sgd lr=1", run("sgd", X2_SIN, steps=30, lr=1.0)),
                            ("sgd lr=0.1", run("sgd", X2_SIN, steps=30, lr=0.1))])
    fig = revalidated(landscape_figure(X2_SIN, series))
    assert fig.data[0].name == "f(x)" and fig.data[0].mode == "lines"
    path = by_name(fig, "sgd lr=1")[0]
    assert path.mode == "lines+markers"
    xs = series[0].path[:, 0]
    np.testing.assert_allclose(np.asarray(path.y), xs ** 2 + np.sin(xs))  # iterates lie on the curve
    assert not [t for t in fig.data if t.name.endswith("gradient direction")]  # none in 1-D
    assert np.all(np.isfinite(fig.layout.yaxis.range))


def test_saddles_are_marked():
    series = styled_series([("sgd", run("sgd", get_landscape("saddle"), steps=20, lr=0.1))])
    fig = landscape_figure(get_landscape("saddle"), series, animate=False)
    assert by_name(fig, "saddle point")[0].x == (0.0,)


def test_path_is_subsampled_with_divergence_row_kept():
    trajectory = run("sgd", ROSENBROCK, steps=3000, lr=0.001)
    fig = landscape_figure(ROSENBROCK, styled_series([("sgd", trajectory)]), animate=False, max_points=100)
    path = by_name(fig, "sgd")[0]
    assert len(path.x) <= 100
    steps = np.asarray(path.text)  # the hover's steps, sent only when rows are skipped
    assert steps[0] == 0 and steps[-1] == 3000 and "%{text}" in path.hovertemplate


def test_diverged_run_gets_end_marker_with_step(diverged):
    k = diverged[0].diverged_at
    assert k is not None
    fig = revalidated(landscape_figure(ROSENBROCK, diverged))
    (marker,) = by_name(fig, "sgd lr=1 diverged")
    assert marker.marker.symbol == "x-thin" and marker.marker.size >= 16
    assert f"diverged at step {k}" in marker.hovertext[0]
    # it sits on the window's edge where the path left it, so it is visible
    (x_lo, x_hi), (y_lo, y_hi) = ROSENBROCK.bounds
    assert x_lo <= marker.x[0] <= x_hi and y_lo <= marker.y[0] <= y_hi
    # the drawn path stops at the divergence row (later rows are frozen copies)
    path = by_name(fig, "sgd lr=1")[0]
    assert len(path.x) == k + 1 and "%{pointNumber}" in path.hovertemplate  # every step, 0…k


def test_non_finite_grid_values_do_not_break_the_figure(rosen_series):
    xs, ys, values = landscape_grid(ROSENBROCK, ROSENBROCK.bounds, resolution=20)
    values[3, 4], values[5, 6] = np.inf, np.nan
    fig = landscape_figure(ROSENBROCK, rosen_series, grid=(xs, ys, values), animate=False)
    z = np.asarray(fig.data[0].z)
    assert z.dtype == np.float32 and np.isnan(z[3, 4]) and np.isfinite(z[0, 0])
    json.loads(fig.to_json())  # serialises


# --- animation ------------------------------------------------------------------------------------

def test_frames_bounded_named_by_step(rosen_series):
    fig = landscape_figure(ROSENBROCK, rosen_series, max_frames=30)
    names = [f.name for f in fig.frames]
    assert 2 <= len(names) <= 30 and names[0] == "0" and names[-1] == "200"
    slider = fig.layout.sliders[0]
    assert slider.active == len(names) - 1
    assert [s.label for s in slider.steps] == names
    assert {b.label for b in fig.layout.updatemenus[0].buttons} == {"▶ Play", "❚❚ Pause"}
    animated = set(fig.frames[0].traces)
    assert all(fig.data[i].type == "scatter" for i in animated)  # SVG, not WebGL
    assert 0 not in animated  # frames never touch the map
    frames = fig.to_dict()["frames"]
    assert all(len(f["data"]) == len(animated) for f in frames)


def test_map_is_an_image_when_animated(rosen_series):
    # plotly.js drops contour layers while frames play with redraw=False; the image survives.
    fig = revalidated(landscape_figure(ROSENBROCK, rosen_series))
    assert not [t for t in fig.data if t.type == "contour"]
    image = fig.layout.images[0]
    png = base64.b64decode(image.source.split(",", 1)[1])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert (image.x, image.sizex) == (-2.0, 4.0) and image.layer == "below"
    idat = png.index(b"IDAT")
    length = int.from_bytes(png[idat - 4:idat], "big")
    rows = zlib.decompress(png[idat + 4: idat + 4 + length])
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    assert len(rows) == height * (width + 1)


class _Trace:
    """Attribute access to a frame's plain-dict trace (frames are stored unvalidated)."""

    def __init__(self, data: dict):
        self.x = tuple(data["x"])
        self.y = tuple(data["y"])
        self.hovertext = tuple(data.get("hovertext", ()))


def _frame_traces(fig: go.Figure, step: int, label: str) -> dict[str, _Trace]:
    frame = next(f for f in fig.to_dict()["frames"] if f["name"] == str(step))
    out = {}
    for index, data in zip(frame["traces"], frame["data"], strict=True):
        name = fig.data[index].name
        if name.startswith(label + ": "):
            out[name.split(": ", 1)[1]] = _Trace(data)
    return out


def test_arrow_geometry(rosen_series):
    fig = landscape_figure(ROSENBROCK, rosen_series, max_frames=500)
    adam = rosen_series[0]
    row = 37  # every step is a frame here
    parts = _frame_traces(fig, row, "adam")
    x_t, x_next = adam.path[row], adam.path[row + 1]
    # frame coordinates are rounded to a ten-thousandth of the 4-unit window: 4 decimals
    assert parts["current point"].x[0] == pytest.approx(x_t[0], abs=5e-5)
    # update arrow: x_{t+1} - x_t at true length
    update = parts["update"]
    shift = [update.x[1] - update.x[0], update.y[1] - update.y[0]]
    np.testing.assert_allclose(shift, x_next - x_t, atol=1e-4)
    # gradient arrow: along -∇f (adam used the exact gradient, no noise), fixed display length
    grad = ROSENBROCK.grad(x_t)
    arrow = parts["gradient direction"]
    vec = np.array([arrow.x[1] - arrow.x[0], arrow.y[1] - arrow.y[0]])
    diagonal = np.hypot(4.0, 4.0)
    assert np.linalg.norm(vec) == pytest.approx(0.08 * diagonal, abs=2e-4)
    assert gradient_arrow_length(ROSENBROCK.bounds) == pytest.approx(0.08 * diagonal)
    np.testing.assert_allclose(vec / np.linalg.norm(vec), -grad / np.linalg.norm(grad), atol=1e-3)
    # the last frame has no update to show
    last = _frame_traces(fig, 200, "adam")["update"]
    assert last.x == (None, None)


def _state_text(fig: go.Figure, step: int) -> list[str]:
    """The state panel's lines in the frame of ``step``."""
    index = next(i for i, t in enumerate(fig.data) if t.name == "state at the current step")
    frame = next(f for f in fig.to_dict()["frames"] if f["name"] == str(step))
    return frame["data"][frame["traces"].index(index)]["text"]


def test_state_panel_follows_the_frames(rosen_series):
    fig = playground_figure(ROSENBROCK, rosen_series, max_frames=500)
    trajectory = rosen_series[0].trajectory
    for step in (0, 37, 200):
        adam = _state_text(fig, step)[0]
        assert adam.startswith("<b>adam</b>") and "exp_avg_sq = (" in adam
        assert f"exp_avg = {vector(trajectory.state['exp_avg'][step, 0])}" in adam
        assert f"x = {vector(trajectory.path[step, 0])}" in adam
    # the loss chart marks the current step: each series' gap at that step (f* = 0)
    mark = next(i for i, t in enumerate(fig.data) if t.name == "current step" and t.yaxis == "y2")
    frame = next(f for f in fig.to_dict()["frames"] if f["name"] == "37")
    values = frame["data"][frame["traces"].index(mark)]
    assert values["x"] == [37] * len(rosen_series)
    assert values["y"][0] == pytest.approx(float(trajectory.loss[37, 0]), rel=1e-3)


def test_one_figure_holds_the_map_curves_and_state(rosen_series):
    fig = revalidated(playground_figure(ROSENBROCK, rosen_series))
    layout = fig.layout
    assert layout.yaxis2.type == "log" and layout.yaxis3.type == "log"
    assert [a.text for a in layout.annotations] == ["f − f* against step", "distance to optimum against step"]
    # the map is left of the curves and taller than either
    assert layout.xaxis.domain[1] < layout.xaxis2.domain[0]
    map_h = layout.yaxis.domain[1] - layout.yaxis.domain[0]
    assert map_h > 2 * (layout.yaxis2.domain[1] - layout.yaxis2.domain[0])
    # the state panel is below the map, in hidden axes
    assert layout.yaxis4.domain[1] <= layout.yaxis.domain[0] and layout.xaxis4.visible is False
    # Adam has a velocity (exp_avg): its arrow, and a legend entry naming it
    assert by_name(fig, "adam: momentum direction")
    assert [t for t in fig.data if t.name == "−velocity direction"]


def test_phone_arrangement_stacks_everything(rosen_series):
    fig = playground_figure(ROSENBROCK, rosen_series, arrangement="stacked")
    layout = fig.layout
    assert layout.xaxis.domain == (0.0, 1.0) and layout.xaxis2.domain == (0.0, 1.0)
    bottom_up = [layout.yaxis3, layout.yaxis2, layout.yaxis4, layout.yaxis]  # distance, loss, state, map
    pairs = zip(bottom_up[:-1], bottom_up[1:], strict=True)
    assert all(low.domain[1] < high.domain[0] for low, high in pairs)
    assert "<br>g = (" in _state_text(fig, 0)[0]  # a line per quantity


def test_one_d_update_arrow_follows_the_curve():
    series = styled_series([("sgd", run("sgd", X2_SIN, steps=10, lr=1.0, record_state=True))])
    fig = landscape_figure(X2_SIN, series)
    update = _frame_traces(fig, 3, "sgd")["update"]
    x3, x4 = series[0].path[3, 0], series[0].path[4, 0]
    np.testing.assert_allclose(update.x, [x3, x4], atol=1e-4)
    np.testing.assert_allclose(update.y, [x3 ** 2 + np.sin(x3), x4 ** 2 + np.sin(x4)], atol=1e-3)


def test_playground_json_size_and_lecture_style():
    configs = [("adam", 0.01), ("sgd", 0.001), ("momentum", 0.001), ("rmsprop", 0.01), ("adagrad", 0.1),
               ("nesterov", 0.001)]
    series = styled_series([(n, run(n, ROSENBROCK, steps=500, lr=lr, record_state=True))
                            for n, lr in configs])
    fig = landscape_figure(ROSENBROCK, series)
    assert len(fig.to_json()) < 2_000_000
    lecture = landscape_figure(ROSENBROCK, series[:1], style=FigureStyle(lecture=True))
    assert lecture.layout.font.size > fig.layout.font.size
    assert lecture.layout.template.layout.paper_bgcolor == "white"


# --- side figures ---------------------------------------------------------------------------------

def test_loss_gap_on_log_axis(rosen_series, diverged):
    fig = revalidated(loss_figure(ROSENBROCK, rosen_series + diverged))
    assert fig.layout.yaxis.type == "log"
    assert fig.layout.yaxis.title.text == "f − f* (log scale)"
    adam = by_name(fig, "adam")[0]
    trajectory = rosen_series[0].trajectory
    assert adam.x is None and (adam.x0, adam.dx) == (0, 1)  # every step: 0, 1, 2, … implied
    x = trajectory.path[np.arange(len(adam.y)), 0]
    expected = (1 - x[:, 0]) ** 2 + 100 * (x[:, 1] - x[:, 0] ** 2) ** 2  # f* = 0 at (1, 1)
    np.testing.assert_allclose(adam.y, np.maximum(expected, 1e-16), rtol=1e-6)  # float32
    (end,) = by_name(fig, "sgd lr=1 diverged")
    assert f"diverged at step {diverged[0].diverged_at}" in end.hovertext[0]


def test_loss_gap_for_a_maximize_landscape():
    landscape = get_landscape("sin_minus_square")
    series = styled_series([("sgd", run("sgd", landscape, steps=20, lr=0.01, maximize=True))])
    fig = loss_figure(landscape, series)
    best = landscape.optimum_value()
    f = series[0].trajectory.loss[:, 0]
    np.testing.assert_allclose(fig.data[0].y, np.maximum(best - f, 1e-16))
    assert fig.layout.yaxis.title.text.startswith("f* − f")


def test_distance_to_optimum_and_gradient_norm_fallback(rosen_series):
    fig = distance_figure(ROSENBROCK, rosen_series)
    adam = fig.data[0]
    distance = np.linalg.norm(rosen_series[0].path - [1.0, 1.0], axis=1)  # the only minimum: (1, 1)
    np.testing.assert_allclose(adam.y, np.maximum(distance, 1e-16))
    saddle = get_landscape("saddle")
    series = styled_series([("sgd", run("sgd", saddle, steps=20, lr=0.1))])
    fig = distance_figure(saddle, series)
    assert "∇f" in fig.layout.yaxis.title.text and fig.layout.yaxis.type == "log"
    np.testing.assert_allclose(fig.data[0].y, np.linalg.norm(saddle.grad(series[0].path), axis=1))


def test_coordinate_figure_one_d():
    series = styled_series([("sgd", run("sgd", X2_SIN, steps=15, lr=0.1))])
    fig = revalidated(coordinate_figure(X2_SIN, series))
    np.testing.assert_allclose(fig.data[0].y, series[0].path[:, 0])
    assert [s.y0 for s in fig.layout.shapes] == pytest.approx([X2_SIN.optima[0][0]])
    assert fig.layout.shapes[0].line.dash == "dot"


def test_surface_figure(rosen_series, diverged):
    fig = revalidated(surface_figure(ROSENBROCK, rosen_series + diverged))
    assert fig.data[0].type == "surface"
    z_max = fig.layout.scene.zaxis.range[1]
    for trace in fig.data[1:]:
        z = np.asarray(trace.z, dtype=float)
        assert np.all(z[np.isfinite(z)] <= z_max)  # the runaway does not stretch the scale
    with pytest.raises(ValueError):
        surface_figure(X2_SIN, [])


def test_small_multiples(rosen_series):
    himmelblau = get_landscape("himmelblau")
    def runs(landscape, lr):
        items = [(name, run(name, landscape, steps=30, lr=lr)) for name in ("adam", "sgd")]
        return tuple(styled_series(items))

    panels = [Panel(f"lr = {lr}", himmelblau, runs(himmelblau, lr)) for lr in (0.001, 0.01, 0.1)]
    panels.append(Panel("1-D", X2_SIN, runs(X2_SIN, 0.01)))
    fig = revalidated(small_multiples(panels, columns=2))
    assert [a.text for a in fig.layout.annotations] == ["lr = 0.001", "lr = 0.01", "lr = 0.1", "1-D"]
    shown = [t.name for t in fig.data if t.showlegend is not False]
    assert len(shown) == len(set(shown)) and {"adam", "sgd", "start"} <= set(shown)
    assert not any(t.showscale for t in fig.data if t.type == "contour")
    one_row = small_multiples(panels[:2], columns=2)
    assert fig.layout.height > one_row.layout.height


def test_standalone_html(rosen_series):
    fig = landscape_figure(ROSENBROCK, rosen_series, max_frames=20)
    page = standalone_html(fig, "Rosenbrock <adam>").decode("utf-8")
    assert "<title>Rosenbrock &lt;adam&gt;</title>" in page
    assert len(page) > 1_000_000  # plotly.js inlined: works offline
    compact = page.replace(" ", "")
    assert "Plotly.newPlot" in page and "Plotly.addFrames" in page  # the frames are shipped with the page
    assert '"name":"200"' in compact and '"name":"0"' in compact  # first and last frame


def test_small_multiples_draw_maps_to_scale_and_curves_filling_their_cell():
    quadratic, six_hump = get_landscape("quadratic"), get_landscape("six_hump_camel")
    runs = tuple(styled_series([("adam", run("adam", quadratic, steps=20, lr=0.1))]))
    panels = [Panel("square", quadratic, runs), Panel("2:1", six_hump, ()),
              Panel("6:1", quadratic, runs, view=((-6.0, 6.0), (-1.0, 1.0))), Panel("curve", X2_SIN, ())]
    fig = revalidated(small_multiples(panels, columns=2))
    layout = fig.layout
    assert layout.yaxis.scaleanchor == "x" and layout.yaxis2.scaleanchor == "x2"
    assert layout.yaxis3.scaleanchor is None  # more than 3:1 would leave a thin strip
    assert layout.yaxis4.scaleanchor is None  # f(x) against x has no common unit
    assert layout.xaxis.constrain == layout.yaxis.constrain == "domain"
    assert layout.yaxis.constraintoward == "top"  # a shrunk map stays under its title
    # every title sits on top of its own panel
    for k, annotation in enumerate(layout.annotations, start=1):
        xaxis, yaxis = layout[f"xaxis{k if k > 1 else ''}"], layout[f"yaxis{k if k > 1 else ''}"]
        assert annotation.y == pytest.approx(yaxis.domain[1])
        assert annotation.x == pytest.approx(sum(xaxis.domain) / 2)
    # rows are panel_px high (the first holds a square map), titles and tick labels come on top
    plot = layout.height - layout.margin.t - layout.margin.b
    assert (layout.yaxis.domain[1] - layout.yaxis.domain[0]) * plot == pytest.approx(380, abs=1)
    taller = small_multiples(panels, columns=1)
    assert taller.layout.height > layout.height and all(
        taller.layout[f"xaxis{k if k > 1 else ''}"].domain == (0, 1) for k in range(1, 5))


def test_small_multiples_list_the_runs_first_in_the_legend():
    runs = styled_series([("first", run("sgd", X2_SIN, steps=5, lr=0.1)),
                          ("second", run("sgd", X2_SIN, steps=5))])
    panels = [Panel("a", X2_SIN, (runs[0],)), Panel("b", X2_SIN, (runs[1],))]
    fig = small_multiples(panels)
    shown = [(t.legendrank if t.legendrank is not None else 1000, i, t.name)
             for i, t in enumerate(fig.data) if t.showlegend is not False]
    assert [name for *_, name in sorted(shown)][:2] == ["first", "second"]


def test_divergence_marker_where_the_path_leaves_the_view_for_good():
    # SGD at lr 0.01 on Rosenbrock leaves through the bottom edge, crosses the view again and leaves
    # through the left edge before blowing up to about -1.5e9 at step 6
    series = styled_series([("sgd", run("sgd", ROSENBROCK, steps=200, lr=0.01))])
    fig = revalidated(landscape_figure(ROSENBROCK, series, animate=False))
    (marker,) = by_name(fig, "sgd diverged")
    (x_lo, x_hi), (y_lo, y_hi) = ROSENBROCK.bounds
    assert marker.x[0] == pytest.approx(x_lo) and y_lo < marker.y[0] < y_hi  # the left edge
    hover = marker.hovertext[0]
    assert "diverged at step 6" in hover and "last finite point (−1.457e+09, 1.02e+06), after step 5" in hover
    assert "outside this view" in hover and "leaves the view for good (steps 2→3)" in hover
    # no drawn segment after that crossing comes back into the view
    path = by_name(fig, "sgd")[0]
    points = np.column_stack([path.x, path.y])[3:]
    t = np.linspace(0, 1, 2001)[:, None]
    for a, b in zip(points[:-1], points[1:], strict=True):
        samples = a + t * (b - a)
        inside = ((samples[:, 0] > x_lo) & (samples[:, 0] < x_hi) & (samples[:, 1] > y_lo)
                  & (samples[:, 1] < y_hi))
        assert not inside.any()


def test_divergence_marker_at_the_last_finite_point_when_it_is_in_view():
    quadratic = get_landscape("quadratic")
    series = styled_series([("sgd", run("sgd", quadratic, steps=20, lr=1e10))])  # blows up at step 1
    fig = revalidated(landscape_figure(quadratic, series, animate=False))
    (marker,) = by_name(fig, "sgd diverged")
    assert (marker.x[0], marker.y[0]) == pytest.approx(tuple(quadratic.start))
    assert "diverged at step 1" in marker.hovertext[0]
    assert "✕ = its last finite point" in marker.hovertext[0] and "at the start" in marker.hovertext[0]


def test_last_exit_of_a_path_jumping_across_the_view():
    from figures.traces import last_exit

    view = ((-1.0, 1.0), (-1.0, 1.0))
    assert last_exit(np.array([[0.0, 0.0], [0.5, 0.5]]), view) is None
    # from (0, 0) out to the right, across the whole view to the left, then far away to the left
    point, row = last_exit(np.array([[0.0, 0.0], [3.0, 0.0], [-3.0, 0.0], [-1e9, 5.0]]), view)
    assert point == pytest.approx([-1.0, 0.0]) and row == 2
    # a jump from the right to the top-left passes through the view and leaves it through the top
    point, row = last_exit(np.array([[0.0, 0.0], [2.0, 0.0], [-2.0, 2.0]]), view)
    assert row == 2 and point == pytest.approx([0.0, 1.0])
    # one axis (1-D paths on a curve)
    point, row = last_exit(np.array([[5.0], [-5.0], [50.0]]), ((-3.0, 3.0),))
    assert point == pytest.approx([3.0]) and row == 2


def test_a_log_axis_over_few_decades_labels_its_minor_ticks(rosen_series):
    from figures.curves import distance_panel, loss_panel

    short = styled_series([("sgd", run("sgd", ROSENBROCK, steps=50, lr=1e-4))])  # barely moves
    axis = distance_panel(ROSENBROCK, short).yaxis()  # distances 2.624 … 2.693: round values between
    assert axis["tickvals"] == [2.64, 2.66, 2.68] and axis["ticktext"] == ["2.64", "2.66", "2.68"]
    default = styled_series([("adam", run("adam", ROSENBROCK, steps=500, lr=0.1))])
    panel = distance_panel(ROSENBROCK, default)
    low, high = panel.lines[0][1].min(), panel.lines[0][1].max()  # about 0.2 … 2.7
    assert 3 < high / low < 100
    ticks = panel.yaxis()["tickvals"]
    assert set(ticks) >= {0.5, 1.0, 2.0} and all(low / 1.5 <= t <= 1.5 * high for t in ticks)
    assert {round(t / 10 ** np.floor(np.log10(t)), 9) for t in ticks} <= {1.0, 2.0, 5.0}  # 1, 2, 5 × 10ᵏ
    long = styled_series([("adam", run("adam", ROSENBROCK, steps=500, lr=0.1))])
    assert "tickvals" not in loss_panel(ROSENBROCK, long).yaxis()  # many decades: 10ⁿ only


def test_the_map_image_is_made_once_per_grid(monkeypatch):
    from figures import raster

    made = []
    monkeypatch.setattr(raster, "png_bytes", lambda *a, real=raster.png_bytes: made.append(1) or real(*a))
    grid = np.add.outer(np.linspace(0, 1, 30), np.linspace(0, 2, 30))
    xs = ys = np.linspace(-1, 1, 30)
    first, _, _ = raster.landscape_image(xs, ys, grid + 1234.5)
    again, _, _ = raster.landscape_image(xs, ys, grid + 1234.5, ("x2", "y2"))
    assert len(made) == 1 and first["source"] == again["source"] and again["xref"] == "x2"
    other, _, _ = raster.landscape_image(xs, ys, grid ** 2 + 1234.5)
    assert len(made) == 2 and other["source"] != first["source"]
    for k in range(raster.IMAGE_CACHE + 5):  # bounded: a class drawing many maps does not grow memory
        raster.landscape_image(xs, ys, grid * (k + 2) + 1234.5)
    assert len(raster._images) == raster.IMAGE_CACHE


def test_frames_of_an_unchanged_series_are_reused(monkeypatch, rosen_series):
    from figures import animation

    built = []
    real = animation._series_frames
    monkeypatch.setattr(animation, "_series_frames", lambda *a: built.append(a[1].label) or real(*a))
    monkeypatch.setattr(animation, "_frames", animation.Memo(animation.FRAMES_CACHE))
    first = playground_figure(ROSENBROCK, rosen_series)
    assert sorted(built) == sorted(s.label for s in rosen_series)
    built.clear()
    again = playground_figure(ROSENBROCK, rosen_series)
    assert built == []  # nothing recomputed, and the same figure
    assert pio.to_json(again.to_dict(), validate=False) == pio.to_json(first.to_dict(), validate=False)
    renamed = rosen_series[0].label + " (other)"
    changed = styled_series([(renamed, rosen_series[0].trajectory)]) + rosen_series[1:]
    playground_figure(ROSENBROCK, changed)
    assert built == [changed[0].label]  # only the series that changed
