"""Custom functions: the parser accepts formulas and nothing else, never evaluates the text, and the
landscape it builds has exact derivatives and runs in the engine like a built-in one."""

from __future__ import annotations

import builtins
import time

import numpy as np
import pytest
import sympy

from landscapes import get_landscape
from landscapes.formula import MAX_CHARS, ExpressionError, compile_formula, custom, parse
from optimizers import run

#: Texts that must be refused, each with a word its message must contain.
HOSTILE = [
    ("x.__class__", "attribute access"), ("x.real", "attribute access"), ("__import__('os')", "character"),
    ("__builtins__", "unknown name"), ("__class__", "unknown name"), ("import os", "not a formula"),
    ("lambda: 1", "character"), ("lambda x: x", "character"), ("[x for x in y]", "character"),
    ("{x: 1}", "character"), ("(x for x in y)", "not allowed"), ("foo(x)", "not a function"),
    ("eval(x)", "not a function"), ("exec(x)", "not a function"), ("open(x)", "not a function"),
    ("getattr(x, y)", "not a function"), ("sin(x=1)", "character"), ("sin(x, y)", "one argument"),
    ("sin()", "one argument"), ("sin(*x)", "one argument"), ("sin(**x)", "one argument"),
    ("'a'", "character"), ('"a"', "character"), ("b'a'", "character"), ("f'{x}'", "character"),
    ("(x:=1)", "character"), ("x if y else 1", "not allowed"), ("x and y", "not allowed"),
    ("x or y", "not allowed"), ("not x", "not allowed"), ("x < y", "character"), ("x == y", "character"),
    ("x @ y", "character"), ("x % y", "character"), ("x // y", "not allowed"), ("x & y", "character"),
    ("x | y", "character"), ("~x", "character"), ("x << 2", "character"), ("x[0]", "character"),
    ("9**9**9", "exponent too large"), ("10**10**10", "exponent too large"), ("x**1e308", "exponent"),
    ("x**101", "exponent too large"), ("x**y", "exponents must be numbers"), ("2**x", "exponents"),
    ("1e13*x", "too large"), ("1e400", "too large"), ("x" * (MAX_CHARS + 1), "characters long"),
    ("(" * 10_000 + "x" + ")" * 10_000, "characters long"), ("(" * 40 + "x" + ")" * 40, "nested"),
    ("sin(" * 35 + "x" + ")" * 35, "nested"), ("ｘ", "character"), ("х", "character"), ("ⅹ", "character"),
    ("x\x00", "control character"), ("x\ny", "one line"), ("x;y", "one line"), ("x\ry", "one line"),
    ("z", "unknown name 'z'"), ("X", "unknown name"), ("sin", "is a function"), ("x +", "ends too early"),
    ("x**", "ends too early"), ("x y", "side by side"), ("x + 3y", "put * between them"),
    ("x +* y", "missing or one too many"),
    ("((x)", "never closed"), ("x)", "without its"), ("", "type a function"), ("   ", "type a function"),
    ("1j*x", "only numbers"), ("True", "only numbers"), ("None", "only numbers"), ("...", "only numbers"),
    ("x" + "+x" * 400, "characters long"), ("+".join(["x"] * 200), "parts"),
]


# SymPy runs code of its own with exec the first time some operations are used (a lazy import): do
# that here, so the guards below see only what parsing a text does.
for _warm in ("x**2 + 3*y**2 + sin(x)*exp(-y)", "sqrt(abs(x)) + log(1 + x^2) - x^-2 + 2**0.5 + tanh(y)"):
    custom(_warm).value_and_grad(np.ones((2, 2)))


def test_landscapes_custom_stays_callable_in_a_notebook() -> None:
    """``landscapes.custom`` is a function; its module was once named ``landscapes.custom`` too, and
    importing it (the first call does) replaced the function: the second call raised "'module' object
    is not callable"."""
    import landscapes

    first = landscapes.custom("x^2")
    second = landscapes.custom("x^2 + y^2")
    assert callable(landscapes.custom) and first.dim == 1 and second.dim == 2



def _refuse(*args, **kwargs):
    raise AssertionError("user text reached an evaluator")


@pytest.fixture
def nothing_is_evaluated(monkeypatch):
    """Fail the test if the parser reaches eval, exec, compile or SymPy's parsers."""
    def refuse(*args, **kwargs):
        raise AssertionError("user text reached an evaluator")

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    monkeypatch.setattr(sympy, "sympify", refuse)
    monkeypatch.setattr(sympy, "parse_expr", refuse)
    monkeypatch.setattr(sympy.parsing.sympy_parser, "parse_expr", refuse)


def test_there_are_enough_hostile_inputs() -> None:
    assert len(HOSTILE) >= 60 and len({text for text, _ in HOSTILE}) == len(HOSTILE)


@pytest.mark.parametrize("text, word", HOSTILE, ids=lambda v: repr(v)[:30])
def test_hostile_input_is_refused_fast_and_unevaluated(text: str, word: str, nothing_is_evaluated) -> None:
    started = time.perf_counter()
    with pytest.raises(ExpressionError) as refused:
        parse(text)
    assert time.perf_counter() - started < 0.1
    assert word in str(refused.value), str(refused.value)


@pytest.mark.parametrize("text, dim", [
    ("x**2 + 3*y**2", 2), ("x^2", 1), ("sin(x)*cos(y)", 2), ("(1-x)^2 + 100*(y-x^2)^2", 2),
    ("exp(-x^2) + pi*e", 1), ("sqrt(x^2 + y^2 + 1)", 2), ("log(1 + x^2) + arctan(y)", 2),
    ("tanh(x) + sinh(y)/10 + cosh(x)/10", 2), ("-x^-2 + 2**0.5*x", 1), ("ln(2 + sin(x))", 1),
])
def test_valid_functions_have_exact_derivatives(text: str, dim: int, monkeypatch) -> None:
    with monkeypatch.context() as guard:  # parsing the text reaches no evaluator
        for name in ("eval", "exec"):
            guard.setattr(builtins, name, _refuse)
        guard.setattr(sympy, "sympify", _refuse)
        parse(text)
    landscape = custom(text)  # lambdify compiles SymPy's own printout of the parsed tree
    assert landscape.dim == dim and landscape.formula
    rng = np.random.default_rng(1)
    points = rng.uniform(0.3, 1.2, (5, dim))
    value, grad = landscape.value_and_grad(points)
    hess = landscape.hessian(points)
    h = 1e-6
    for k in range(dim):
        step = np.zeros(dim)
        step[k] = h
        numeric = (landscape(points + step) - landscape(points - step)) / (2 * h)
        np.testing.assert_allclose(grad[:, k], numeric, rtol=1e-6, atol=1e-6)
        numeric_h = (landscape.grad(points + step) - landscape.grad(points - step)) / (2 * h)
        np.testing.assert_allclose(hess[:, :, k], numeric_h, rtol=1e-5, atol=1e-5)


def test_custom_rosenbrock_is_the_built_in_one() -> None:
    mine, theirs = custom("(1-x)^2 + 100*(y-x^2)^2"), get_landscape("rosenbrock")
    x0 = np.random.default_rng(0).normal(size=(64, 2))
    a = run("adam", mine, x0, 50, lr=0.01)
    b = run("adam", theirs, x0, 50, lr=0.01)
    np.testing.assert_allclose(a.path, b.path, rtol=1e-12, atol=1e-12)
    newton = run("newton", custom("x^2 + 3*y^2 + x*y"), [1.0, 2.0], 1)
    np.testing.assert_allclose(newton.final_x[0], [0.0, 0.0], atol=1e-12)  # one step on a quadratic


def test_undefined_derivatives_diverge_or_stay_finite_without_raising() -> None:
    for text, start in (("abs(x)", [1e-9]), ("sqrt(x)", [1e-12]), ("log(x)", [-1.0]), ("1/x", [0.0])):
        trajectory = run("sgd", custom(text), start, 20, lr=0.1)
        assert trajectory.diverged[0] or np.isfinite(trajectory.final_x).all()


# --- minima found by a search, a start chosen from the function ------------------------------------

@pytest.mark.parametrize("text, minima", [
    ("(x^2 - 1)^2 + 2*y^2", [(-1.0, 0.0), (1.0, 0.0)]),
    ("(1-x)^2 + 100*(y-x^2)^2", [(1.0, 1.0)]),
    ("x^4 + y^4", [(0.0, 0.0)]),  # no curvature at the minimum
    ("abs(x - 1) + abs(y)", [(1.0, 0.0)]),  # a kink, where the gradient never vanishes
    ("x^3 - 3*x", [(1.0,)]),  # a local minimum of a function unbounded below
    ("(x-10)^2 + (y-10)^2", [(10.0, 10.0)]),  # outside the view, inside the search box
])
def test_the_search_finds_the_minima(text: str, minima: list) -> None:
    landscape = custom(text)
    assert landscape.optima_found and landscape.optima_word == "best found"
    found = sorted(landscape.minima)
    assert len(found) == len(minima)
    np.testing.assert_allclose(found, minima, atol=1e-6)


@pytest.mark.parametrize("text", ["x*y", "exp(x)", "x", "1/x + y^2", "0*x + 5", "sin(x)^2 + cos(x)^2",
                                  "log(x) + y^2", "-(x^2) - y^2"])
def test_no_minimum_is_invented(text: str) -> None:
    """A saddle, slopes, a pole (1/x at 0⁻ is lowest among its neighbours, with negative curvature),
    flat ground (constant up to rounding) and a maximum have no minimum to find."""
    landscape = custom(text)
    assert landscape.minima == () and landscape.optimum_value() is None


def test_minima_are_found_to_full_precision() -> None:
    landscape = custom("x^2 + sin(x)")  # the notes' function: x* solves 2x + cos x = 0
    (x,), = landscape.minima
    assert abs(2 * x + np.cos(x)) < 1e-14 and abs(x + 0.4501836112948736) < 1e-12


def test_a_default_start_where_the_function_is_defined() -> None:
    assert custom("x^2 + 3*y^2").start == (1.8, 1.8)  # 80 % of the window, written exactly
    start = custom("log(x) + y^2").start  # undefined at the usual start's left? no: at x ≤ 0
    value, grad = custom("log(x) + y^2").value_and_grad(np.array([start]))
    assert np.isfinite(value).all() and np.isfinite(grad).all()
    start = custom("log(-x) + y^2").start  # defined only for x < 0: the usual start is not
    assert start[0] < 0
    away = custom("(x - 1.8)^2 + (y - 1.8)^2").start  # the usual start is the minimum itself
    assert np.hypot(away[0] - 1.8, away[1] - 1.8) > 1.0
    assert custom("x^2", window=((-10.0, 10.0),)).start == (6.0,)


def test_the_window_is_checked_and_sets_the_view() -> None:
    landscape = custom("x^2 + y^2", window=((-1.0, 2.0), (0.0, 5.0)))
    assert landscape.bounds == ((-1.0, 2.0), (0.0, 5.0))
    for bad in (((2.0, 1.0), (0.0, 1.0)), ((0.0, float("inf")), (0.0, 1.0)), ((0.0, 1.0),)):
        with pytest.raises(ValueError):
            custom("x^2 + y^2", window=bad)


def test_kinks_have_a_finite_second_derivative() -> None:
    """SymPy differentiates |x| to sign(x) and then to 2·δ(x); δ is set to 0, so Newton and the
    search run on |x| instead of failing to compile."""
    landscape = custom("abs(x) + y^2")
    hessian = landscape.hessian(np.array([[0.0, 1.0], [2.0, 0.0]]))
    np.testing.assert_array_equal(hessian[:, 0, 0], [0.0, 0.0])
    trajectory = run("newton", landscape, [0.5, 1.0], 5)
    assert np.isfinite(trajectory.loss).all() or trajectory.diverged[0]


def test_derivatives_too_large_to_build_quickly_are_refused() -> None:
    text = "*".join(f"exp(sin({k}*x+y))" for k in range(1, 30))  # 12,091 gradient parts, 8 s in all
    started = time.perf_counter()
    with pytest.raises(ExpressionError, match="too large to compute quickly"):
        compile_formula(text)
    assert time.perf_counter() - started < 2.0
    ten = "*".join(f"exp(sin({k}*x+y))" for k in range(1, 11))  # 1,508 parts: accepted
    assert compile_formula(ten).dim == 2


@pytest.mark.parametrize("text, position, char", [
    ("x^2 + sin(3*x)*y^^2", 18, "^"), ("x^2^2 + z", 9, "z"), ("x^2 + 3*(y", 9, "("),
    ("x^2+foo(x)", 5, "f"),
])
def test_positions_point_into_the_typed_text(text: str, position: int, char: str) -> None:
    """``^`` is read as ``**``, one character longer: positions still count in what was typed."""
    with pytest.raises(ExpressionError) as refused:
        parse(text)
    assert refused.value.position == position and text[position - 1] == char


def test_a_formula_is_compiled_once() -> None:
    assert compile_formula("x^2 + 7*y^2") is compile_formula("x^2 + 7*y^2")
