"""Custom functions: the parser accepts formulas and nothing else, never evaluates the text, and the
landscape it builds has exact derivatives and runs in the engine like a built-in one."""

from __future__ import annotations

import builtins
import time

import numpy as np
import pytest
import sympy

from landscapes import get_landscape
from landscapes.custom import MAX_CHARS, ExpressionError, custom, parse
from optimizers import run

#: Texts that must be refused, each with a word its message must contain.
HOSTILE = [
    ("x.__class__", "Attribute"), ("x.real", "Attribute"), ("__import__('os')", "character"),
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
    ("z", "unknown name 'z'"), ("X", "unknown name"), ("sin", "is a function"), ("x +", "not a formula"),
    ("((x)", "never closed"), ("x)", "without its"), ("", "type a function"), ("   ", "type a function"),
    ("1j*x", "only numbers"), ("True", "only numbers"), ("None", "only numbers"), ("...", "only numbers"),
    ("x" + "+x" * 400, "characters long"), ("+".join(["x"] * 200), "parts"),
]


# SymPy runs code of its own with exec the first time some operations are used (a lazy import): do
# that here, so the guards below see only what parsing a text does.
for _warm in ("x**2 + 3*y**2 + sin(x)*exp(-y)", "sqrt(abs(x)) + log(1 + x^2) - x^-2 + 2**0.5 + tanh(y)"):
    custom(_warm).value_and_grad(np.ones((2, 2)))


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
