"""The built-in landscapes: derivatives against finite differences, stationary points, metadata, and
the course-notes experiments (the learning-rate study on x² + sin x, gradient ascent on 25 sin x − x²).

Every test is parametrized over :data:`landscapes.LANDSCAPES`, so a new landscape is tested as soon
as it is registered.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from landscapes import LANDSCAPES, Landscape, get_landscape
from landscapes.quadratic import Quadratic
from optimizers import OPTIMIZERS, run

EXPECTED_ORDER = [
    "quadratic", "x_plus_sin", "x2_plus_sin", "sin_minus_square", "rosenbrock", "saddle", "himmelblau",
    "beale", "booth", "six_hump_camel", "rastrigin", "ackley", "monkey_saddle",
]

# The registry plus quadratic variants that exercise the other branches of its constructor.
CASES: dict[str, Landscape] = {
    **LANDSCAPES,
    "quadratic[κ=100,-70°,q]": get_landscape("quadratic", condition=100.0, angle=-70.0, scale=0.3,
                                             q=(1.0, -2.0)),
    "quadratic[indefinite P]": Quadratic(P=[[1.0, 2.0], [2.0, -3.0]], q=(1.0, 0.5)),
    "quadratic[negative definite P]": Quadratic(P=[[-2.0, 0.5], [0.5, -1.0]], q=(0.0, 1.0)),
}
IDS = list(CASES)
N_POINTS = 300


def sample(landscape: Landscape, n: int = N_POINTS, seed: int = 0) -> np.ndarray:
    """``n`` seeded points uniform in the view window widened by 20 % on every side."""
    low = np.array([b[0] for b in landscape.bounds])
    high = np.array([b[1] for b in landscape.bounds])
    width = high - low
    rng = np.random.default_rng(seed)
    return low - 0.2 * width + 1.4 * width * rng.random((n, landscape.dim))


def central_difference(fn, x: np.ndarray, h: float) -> np.ndarray:
    """Fourth-order central differences of ``fn`` along each coordinate, stacked on a new last axis."""
    columns = []
    for i in range(x.shape[-1]):
        e = np.zeros(x.shape[-1])
        e[i] = h
        d = (-fn(x + 2 * e) + 8 * fn(x + e) - 8 * fn(x - e) + fn(x - 2 * e)) / (12 * h)
        columns.append(d)
    return np.stack(columns, axis=-1)


@pytest.fixture(params=IDS)
def case(request: pytest.FixtureRequest) -> Landscape:
    return CASES[request.param]


# ----------------------------------------------------------------------------- derivatives

def test_gradient_matches_finite_differences(case: Landscape) -> None:
    x = sample(case)
    f, g = case(x), case.grad(x)
    fd = central_difference(case, x, 1e-3)
    # truncation ~h⁴ f⁽⁵⁾ and rounding ~ε|f|/h stay far below this; a wrong term is O(|g|)
    tol = 1e-7 * (1.0 + np.abs(f)[:, None] + np.abs(g))
    bad = np.abs(fd - g) > tol
    assert not bad.any(), f"{case.name}: grad wrong at {x[bad.any(axis=1)][:3]}"


def test_hessian_matches_finite_differences_of_gradient(case: Landscape) -> None:
    x = sample(case, seed=1)
    g, H = case.grad(x), case.hessian(x)
    fd = central_difference(case.grad, x, 1e-3)  # [n, i, j] = ∂gᵢ/∂xⱼ
    tol = 1e-7 * (1.0 + np.abs(g)[:, :, None] + np.abs(H))
    bad = np.abs(fd - H) > tol
    assert not bad.any(), f"{case.name}: hessian wrong at {x[bad.any(axis=(1, 2))][:3]}"


def test_hessian_is_symmetric(case: Landscape) -> None:
    H = case.hessian(sample(case, seed=2))
    np.testing.assert_array_equal(H, np.swapaxes(H, -1, -2))


def test_value_and_grad_equals_call_and_grad(case: Landscape) -> None:
    x = sample(case, seed=3)
    value, g = case.value_and_grad(x)
    # Exactly equal: the engine records losses from value_and_grad and the final one from __call__.
    np.testing.assert_array_equal(value, case(x))
    np.testing.assert_allclose(g, case.grad(x), rtol=1e-13, atol=1e-13 * (1.0 + np.max(np.abs(g))))


def test_everything_is_finite_in_and_around_the_window(case: Landscape) -> None:
    x = sample(case, seed=4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value, g = case.value_and_grad(x)
        parts = (case(x), value, g, case.grad(x), case.hessian(x))
    assert all(np.all(np.isfinite(p)) for p in parts)


@pytest.mark.parametrize("magnitude", [1e3, 1e100, 1e200, 1e300, 1.7e308, 1e-320, 0.0])
def test_no_warning_far_outside_the_window(case: Landscape, magnitude: float) -> None:
    signs = np.array([[1.0, 1.0], [-1.0, 1.0], [1.0, -1.0], [-1.0, -1.0], [1.0, 0.0], [0.0, -1.0]])
    x = np.unique(magnitude * signs[:, : case.dim], axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # overflow to inf is allowed, a RuntimeWarning is not
        case(x)
        case.value_and_grad(x)
        case.grad(x)
        case.hessian(x)


@pytest.mark.parametrize("lead", [(), (5,), (3, 4)])
def test_shapes_and_batching(case: Landscape, lead: tuple[int, ...]) -> None:
    d = case.dim
    x = sample(case, n=max(1, math.prod(lead)), seed=5).reshape(lead + (d,))
    value, g = case.value_and_grad(x)
    assert np.shape(case(x)) == lead and np.shape(value) == lead
    assert case.grad(x).shape == lead + (d,) and g.shape == lead + (d,)
    assert case.hessian(x).shape == lead + (d, d)
    # the engine writes into the returned gradient: it must be a fresh writeable float64 array
    assert g.dtype == np.float64 and g.flags.writeable
    g[...] = np.nan
    assert np.all(np.isfinite(case.value_and_grad(x)[1]))
    # a batch gives exactly what each point gives alone
    flat = x.reshape(-1, d)
    for i in range(len(flat)):
        assert case(flat[i]) == np.reshape(case(x), -1)[i]
        np.testing.assert_array_equal(case.grad(flat[i]), case.grad(x).reshape(-1, d)[i])
        np.testing.assert_array_equal(case.hessian(flat[i]), case.hessian(x).reshape(-1, d, d)[i])


def test_wrong_point_dimension_is_rejected(case: Landscape) -> None:
    with pytest.raises(ValueError):
        case.grad(np.zeros((4, case.dim + 1)))


# ----------------------------------------------------------------------------- stationary points

def _stationary(case: Landscape) -> list[tuple[str, tuple[float, ...]]]:
    return ([("min", p) for p in case.minima] + [("max", p) for p in case.maxima]
            + [("saddle", p) for p in case.saddles])


def test_listed_points_have_zero_gradient_and_the_right_curvature(case: Landscape) -> None:
    for kind, p in _stationary(case):
        assert len(p) == case.dim
        x = np.array(p)
        assert np.max(np.abs(case.grad(x))) < 1e-9, (case.name, kind, p)
        eig = np.linalg.eigvalsh(case.hessian(x))
        tol = 1e-9 * max(1.0, float(np.max(np.abs(eig))))
        if kind == "min":
            assert eig.min() >= -tol, (case.name, p, eig)
        elif kind == "max":
            assert eig.max() <= tol, (case.name, p, eig)
        else:
            assert (eig.min() < -tol and eig.max() > tol) or np.min(np.abs(eig)) <= tol, (case.name, p, eig)


def test_listed_points_are_what_they_claim_by_their_values(case: Landscape) -> None:
    """Independent of the Hessian: compare f on a small circle (or pair of points) around each point."""
    if case.dim == 1:
        directions = np.array([[1.0], [-1.0]])
    else:
        # fine enough to hit the ±1.7° cone of descent of Beale's saddle (Hessian eigenvalues −0.78, 868)
        angles = np.linspace(0.0, 2 * np.pi, 720, endpoint=False)
        directions = np.stack([np.cos(angles), np.sin(angles)], axis=-1)
    for kind, p in _stationary(case):
        around = case(np.array(p) + 1e-4 * directions) - case(np.array(p))
        if kind == "min":
            assert np.all(around > 0), (case.name, p)
        elif kind == "max":
            assert np.all(around < 0), (case.name, p)
        else:
            assert around.min() < 0 < around.max(), (case.name, p)


def test_points_are_distinct(case: Landscape) -> None:
    points = np.array([p for _, p in _stationary(case)]).reshape(-1, case.dim)
    for i in range(len(points)):
        for j in range(i):
            assert np.max(np.abs(points[i] - points[j])) > 1e-6, (case.name, points[i])


# ----------------------------------------------------------------------------- metadata

def test_metadata(case: Landscape) -> None:
    assert case.dim in (1, 2) and case.goal in ("minimize", "maximize")
    assert case.title and case.formula and case.description
    assert len(case.bounds) == case.dim and all(lo < hi for lo, hi in case.bounds)
    assert len(case.start) == case.dim
    for p in (case.start, *case.minima, *case.maxima, *case.saddles):
        assert all(lo <= c <= hi for c, (lo, hi) in zip(p, case.bounds, strict=True)), (case.name, p)



def test_log_scale_follows_the_spread_of_values(case: Landscape) -> None:
    """The rule documented on Landscape.log_scale: 95th / 5th percentile of f − min f above 25 (2-D)."""
    if case.dim == 1:
        assert not case.log_scale  # drawn as a curve
        return
    axes = [np.linspace(lo, hi, 201) for lo, hi in case.bounds]
    f = case(np.stack(np.meshgrid(*axes), axis=-1)).ravel()
    p5, p95 = np.percentile(f - f.min(), [5, 95])
    assert case.log_scale == (p95 > 25 * p5), (case.name, p95 / p5)


def test_registry_order_and_names() -> None:
    assert list(LANDSCAPES) == EXPECTED_ORDER
    assert all(landscape.name == name for name, landscape in LANDSCAPES.items())


def test_unknown_landscape_lists_the_valid_names() -> None:
    with pytest.raises(KeyError) as info:
        get_landscape("bananas")
    message = str(info.value)
    assert "bananas" in message and all(name in message for name in LANDSCAPES)


def test_every_landscape_runs_from_its_start() -> None:
    for landscape in LANDSCAPES.values():
        tr = run("sgd", landscape, steps=20, lr=1e-3)
        assert tr.path.shape == (21, 1, landscape.dim) and np.all(np.isfinite(tr.path))


def test_optimum_values() -> None:
    # hand-known optimum values: 0 at Rosenbrock (1, 1), Himmelblau (3, 2), Beale (3, 0.5), Booth (1, 3),
    # Rastrigin and Ackley at 0; none for the saddles and for x + sin x
    for name in ("rosenbrock", "himmelblau", "beale", "booth", "rastrigin", "ackley"):
        assert LANDSCAPES[name].optimum_value() == pytest.approx(0.0, abs=1e-12), name
    for name in ("saddle", "monkey_saddle", "x_plus_sin"):
        assert LANDSCAPES[name].optimum_value() is None


# ----------------------------------------------------------------------------- quadratic

def test_quadratic_hand_worked_example() -> None:
    # angle 0: P = diag(scale, scale·κ) = diag(0.5, 2); θ* = −P⁻¹q = (−1/0.5, 2/2) = (−2, 1);
    # f(θ*) = −½ qᵀP⁻¹q = −½ (1·2 + 4·0.5) = −2
    L = get_landscape("quadratic", condition=4.0, angle=0.0, scale=0.5, q=(1.0, -2.0))
    np.testing.assert_array_equal(L.P, [[0.5, 0.0], [0.0, 2.0]])
    assert L.minima == ((-2.0, 1.0),)
    assert float(L(np.array([-2.0, 1.0]))) == -2.0
    # f(1, 1) = ½(0.5 + 2) + (1 − 2) = 0.25; ∇f(1, 1) = (0.5 + 1, 2 − 2) = (1.5, 0)
    assert float(L(np.array([1.0, 1.0]))) == 0.25
    np.testing.assert_array_equal(L.grad(np.array([1.0, 1.0])), [1.5, 0.0])


@pytest.mark.parametrize("condition, angle, scale, q", [
    (10.0, 30.0, 1.0, (0.0, 0.0)), (1.0, 0.0, 2.0, (1.0, 1.0)), (250.0, -45.0, 0.01, (3.0, -1.0)),
    (7.5, 123.0, 4.0, (-2.0, 0.5)),
])
def test_quadratic_parameters(condition: float, angle: float, scale: float, q: tuple) -> None:
    L = get_landscape("quadratic", condition=condition, angle=angle, scale=scale, q=q)
    eigenvalues, vectors = np.linalg.eigh(L.P)
    np.testing.assert_allclose(eigenvalues, [scale, scale * condition], rtol=1e-12)
    if condition > 1.0:  # the flat eigenvector points at `angle` (up to sign)
        flat = vectors[:, 0]
        a = math.radians(angle)
        assert abs(abs(flat @ [math.cos(a), math.sin(a)]) - 1.0) < 1e-12
    (minimum,) = L.minima
    np.testing.assert_allclose(L.P @ np.array(minimum), -np.array(q), atol=1e-12 * (1 + scale * condition))
    np.testing.assert_allclose(minimum, np.linalg.solve(L.P, -np.array(q)), rtol=1e-12, atol=1e-12)
    # the window is centred on the minimum and holds the start
    assert [0.5 * (lo + hi) for lo, hi in L.bounds] == pytest.approx(list(minimum))
    assert L.maxima == () and L.saddles == ()


def test_quadratic_default_and_variants_do_not_touch_the_registry() -> None:
    default = LANDSCAPES["quadratic"]
    assert (default.condition, default.angle, default.scale) == (10.0, 30.0, 1.0)
    variant = get_landscape("quadratic", condition=50.0)
    assert variant is not default and variant.condition == 50.0 and default.condition == 10.0


def test_quadratic_explicit_P() -> None:
    # P = [[1, 2], [2, −3]]: det = −7 < 0, indefinite; stationary point −P⁻¹q with q = (1, 0.5):
    # P⁻¹ = [[−3, −2], [−2, 1]] / −7 → −P⁻¹q = [[−3, −2], [−2, 1]] q / 7 = (−4, −1.5) / 7
    L = Quadratic(P=[[1.0, 2.0], [2.0, -3.0]], q=(1.0, 0.5))
    assert L.minima == () and L.maxima == ()
    np.testing.assert_allclose(L.saddles[0], (-4.0 / 7.0, -1.5 / 7.0), rtol=1e-14)
    # diag(2, 1): κ = 2, flat direction along y → angle 90°
    L = Quadratic(P=[[2.0, 0.0], [0.0, 1.0]])
    assert L.condition == 2.0 and L.scale == 1.0 and L.angle == 90.0 and L.minima == ((0.0, 0.0),)
    # a singular P has no isolated stationary point
    L = Quadratic(P=[[1.0, 1.0], [1.0, 1.0]], q=(1.0, 1.0))
    assert L.minima == L.maxima == L.saddles == ()


@pytest.mark.parametrize("params", [
    {"condition": 0.5}, {"condition": math.inf}, {"scale": 0.0}, {"scale": -1.0}, {"angle": math.nan},
    {"q": (1.0, 2.0, 3.0)}, {"q": (math.nan, 0.0)}, {"P": [[1.0, 2.0], [0.0, 1.0]]}, {"P": [[1.0]]},
    {"P": [[1.0, 0.0], [0.0, 1.0]], "condition": 3.0},
])
def test_quadratic_rejects_bad_parameters(params: dict) -> None:
    with pytest.raises(ValueError):
        get_landscape("quadratic", **params)


@pytest.mark.parametrize("lr", [0.05, 0.19, 0.21])
def test_gradient_descent_on_the_quadratic_follows_the_eigen_decomposition(lr: float) -> None:
    # In the eigenbasis of P = R diag(1, 10) Rᵀ, GD multiplies the coordinates of θ − θ* by (1 − lr)
    # and (1 − 10 lr) each step; the default start has eigen-coordinates (−2.5, 1.25). So it converges
    # for lr < 2/10 and diverges above, zigzagging when 1 − 10 lr < 0.
    L = LANDSCAPES["quadratic"]
    a = math.radians(30.0)
    R = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    t = np.arange(51)[:, None]
    expected = np.stack([-2.5 * (1 - lr) ** t[:, 0], 1.25 * (1 - 10 * lr) ** t[:, 0]], axis=-1) @ R.T
    path = run("sgd", L, steps=50, lr=lr).path[:, 0, :] - np.array(L.minima[0])
    np.testing.assert_allclose(path, expected, rtol=1e-9, atol=1e-12)


def test_newton_solves_the_quadratic_in_one_step() -> None:
    # Newton's step θ − P⁻¹(Pθ + q) = −P⁻¹q, checked with numpy's solver on the landscape's own P, q
    L = get_landscape("quadratic", condition=40.0, angle=15.0, q=(2.0, -1.0))
    theta = np.array(L.start)
    theta = theta - np.linalg.solve(L.hessian(theta), L.grad(theta))
    np.testing.assert_allclose(theta, L.minima[0], atol=1e-12)
    if "newton" in OPTIMIZERS:  # and the engine's Newton optimizer, when its family is registered
        end = run("newton", L, steps=1, lr=1.0).path[-1, 0]
        np.testing.assert_allclose(end, L.minima[0], atol=1e-12)


# ----------------------------------------------------------------------------- the course notes

def _bisect(fn, lo: float, hi: float) -> float:
    """A root of ``fn`` in [lo, hi] by bisection (independent of the landscapes' Newton refinement)."""
    flo = fn(lo)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if (fn(mid) > 0) == (flo > 0):
            lo, flo = mid, fn(mid)
        else:
            hi = mid
    return 0.5 * (lo + hi)


X2_STAR = _bisect(lambda x: 2 * x + math.cos(x), -1.0, 0.0)  # f'(x) = 2x + cos x


def test_x2_plus_sin_minimum() -> None:
    L = LANDSCAPES["x2_plus_sin"]
    assert L.minima[0][0] == pytest.approx(X2_STAR, abs=1e-15)
    assert L.minima[0][0] == pytest.approx(-0.4502, abs=1e-4)
    assert L.start == (2.5,)


def test_x2_plus_sin_lr_1_two_point_cycle() -> None:
    # GD with lr 1: x ← x − (2x + cos x) = −x − cos x. A 2-cycle a → b → a needs b = −a − cos a and
    # a = −b − cos b, so a + b = −cos a = −cos b; the branch b = −a gives cos a = 0: the cycle ±π/2,
    # whose multiplier (−1 + sin a)(−1 + sin b) = 0 makes it super-attracting.
    path = run("sgd", "x2_plus_sin", [2.5], steps=200, lr=1.0).path[:, 0, 0]
    a, b = path[-1], path[-2]
    assert abs(path[-1] - path[-3]) < 1e-12 and abs(path[-2] - path[-4]) < 1e-12
    assert abs(a - b) > 3.0
    assert abs(b - (-a - math.cos(a))) < 1e-12 and abs(a - (-b - math.cos(b))) < 1e-12
    assert sorted([a, b]) == pytest.approx([-math.pi / 2, math.pi / 2], abs=1e-12)


def test_x2_plus_sin_lr_0_1_converges() -> None:
    # x_{t+1} − x* = (x_t − x*)(1 − 0.1 f''(ξ)) with f'' = 2 − sin ∈ [1, 3]: |factor| ≤ 0.9, so after
    # 300 steps |x − x*| ≤ 2.96 · 0.9³⁰⁰ ≈ 6e-14
    x = run("sgd", "x2_plus_sin", [2.5], steps=300, lr=0.1).path[-1, 0, 0]
    assert abs(x - X2_STAR) < 1e-12


def test_x2_plus_sin_lr_0_01_is_still_far_after_50_steps() -> None:
    # with lr 0.01 the factor 1 − 0.01 f'' ≥ 0.97, so |x₅₀ − x*| ≥ 2.95 · 0.97⁵⁰ ≈ 0.64
    x = run("sgd", "x2_plus_sin", [2.5], steps=50, lr=0.01).path[-1, 0, 0]
    assert abs(x - X2_STAR) > 0.6 and x > X2_STAR


def test_sin_minus_square_ascent_finds_the_local_not_the_global_maximum() -> None:
    L = LANDSCAPES["sin_minus_square"]
    assert L.goal == "maximize"

    def fprime(x: float) -> float:
        return 25 * math.cos(x) - 2 * x

    local_max = _bisect(fprime, -5.0, -4.0)  # f' = 25 cos x − 2x changes sign in each bracket
    valley = _bisect(fprime, -2.0, -1.5)
    global_max = _bisect(fprime, 1.0, 2.0)
    assert [p[0] for p in L.maxima] == pytest.approx([local_max, global_max], abs=1e-14)
    assert L.minima[0][0] == pytest.approx(valley, abs=1e-14)

    def f(x: float) -> float:
        return 25 * math.sin(x) - x * x

    assert f(global_max) > f(local_max) + 15  # ≈ 22.7 vs ≈ 4.45
    assert L.optimum_value() == pytest.approx(f(global_max), abs=1e-12)

    tr = run("sgd", L, steps=500, lr=0.01, maximize=True)  # from the notes' start x₀ = −2
    assert L.start == (-2.0,)
    assert tr.path[-1, 0, 0] == pytest.approx(local_max, abs=1e-9)
    assert tr.loss[-1, 0] == pytest.approx(f(local_max), abs=1e-12)
    # the same ascent from the other side of the valley does find the global maximum
    assert run("sgd", L, [0.0], steps=500, lr=0.01, maximize=True).path[-1, 0, 0] == pytest.approx(
        global_max, abs=1e-9)


def test_x_plus_sin_gradient_descent_creeps_into_the_inflection_point() -> None:
    # near −π, with e = x + π: f' = 1 − cos e ≈ e²/2, so e ← e − lr e²/2 and e_t ≈ 2/(lr t):
    # after 2000 steps at lr 0.1, e ≈ 0.01; GD never crosses −π since the step lr(1 − cos e) < e
    path = run("sgd", "x_plus_sin", steps=2000, lr=0.1).path[:, 0, 0]
    assert np.all(np.diff(path) < 0) and np.all(path > -math.pi)
    assert 0.005 < path[-1] + math.pi < 0.02


def test_ackley_at_its_kink() -> None:
    # grad := 0 at r = 0; Hessian := the cosine term's, −e^u (u_xx) = 2π²e on the diagonal (see Ackley)
    L = LANDSCAPES["ackley"]
    origin = np.zeros(2)
    assert float(L(origin)) == 0.0
    np.testing.assert_array_equal(L.grad(origin), [0.0, 0.0])
    np.testing.assert_allclose(L.hessian(origin), 2 * math.pi**2 * math.e * np.eye(2), rtol=1e-14)
    # next to it the cone's slope a·b/√2 = 2√2 dominates
    g = L.grad(np.array([1e-12, 0.0]))
    assert g[0] == pytest.approx(2 * math.sqrt(2), rel=1e-6) and g[1] == 0.0
    for x in ([5e-324, 0.0], [-5e-324, 5e-324], [1e-300, -1e-300]):
        assert np.all(np.isfinite(L.hessian(np.array(x)))) and np.all(np.isfinite(L.grad(np.array(x))))


# ----------------------------------------------------------------------------- user-defined objects

class HalfSquare:
    """``½ Σ xᵢ²`` with only what :func:`optimizers.run` needs: dim, __call__ and grad."""

    dim = 2

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return 0.5 * np.sum(np.asarray(x) ** 2, axis=-1)

    def grad(self, x: np.ndarray) -> np.ndarray:
        return np.array(x, dtype=np.float64)


def test_run_accepts_a_minimal_user_landscape() -> None:
    # gradient descent on ½|x|²: x_t = (1 − lr)ᵗ x₀ = 0.75ᵗ x₀
    tr = run("sgd", HalfSquare(), [[2.0, -1.0], [0.5, 4.0]], steps=10, lr=0.25)
    expected = 0.75 ** np.arange(11)[:, None, None] * np.array([[2.0, -1.0], [0.5, 4.0]])
    np.testing.assert_allclose(tr.path, expected, rtol=1e-15)
    np.testing.assert_allclose(tr.loss[-1], 0.5 * 0.75**20 * np.array([5.0, 16.25]), rtol=1e-14)
