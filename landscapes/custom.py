"""Your own function as a landscape: ``custom("x**2 + 3*y**2")``.

The text is never evaluated as Python. It is parsed with :mod:`ast` (after ``^`` → ``**``), and only
numbers, the variables ``x`` and ``y``, ``+ − * / **``, unary minus, parentheses, the constants
``pi`` and ``e`` and a short list of functions are accepted; the SymPy expression is built from that
tree here, node by node (SymPy's ``sympify``/``parse_expr`` call ``eval`` and never see the text;
the NumPy code ``lambdify`` then generates and compiles is SymPy's printout of that tree, in which
the only names are x, y and the functions listed here).
The text's length, nesting depth, node count, exponents and constants are bounded, so no input makes
the server compute for long or allocate much. The gradient and Hessian are SymPy's exact derivatives,
compiled to NumPy with common subexpressions shared (``cse``).
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from .base import Landscape, as_points, silenced

#: Bounds on what a text may ask for.
MAX_CHARS = 500
MAX_DEPTH = 30  # nested parentheses, function calls and powers
MAX_NODES = 300
MAX_EXPONENT = 100.0
MAX_CONSTANT = 1e12
VARIABLES = ("x", "y")

#: Accepted function names, with their usual aliases.
FUNCTIONS: dict[str, Any] = {
    "exp": sp.exp, "log": sp.log, "ln": sp.log, "sqrt": sp.sqrt, "abs": sp.Abs, "sin": sp.sin,
    "cos": sp.cos, "tan": sp.tan, "tanh": sp.tanh, "sinh": sp.sinh, "cosh": sp.cosh, "arctan": sp.atan,
    "atan": sp.atan,
}
CONSTANTS: dict[str, Any] = {"pi": sp.pi, "e": sp.E}
_OPERATORS = {ast.Add: "+", ast.Sub: "−", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}


class ExpressionError(ValueError):
    """Why a text is not a function we accept, in plain words (``position`` counts from 1, or None)."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message if position is None else f"{message} (at position {position})")
        self.position = position


def _check_text(text: Any) -> str:
    if not isinstance(text, str):
        raise ExpressionError("the function must be text")
    if len(text) > MAX_CHARS:
        raise ExpressionError(f"the function is {len(text)} characters long; at most {MAX_CHARS} "
                              "are accepted")
    if not text.strip():
        raise ExpressionError("type a function of x (and y), such as x**2 + 3*y**2")
    for k, char in enumerate(text, start=1):
        if char in "\n\r;":
            raise ExpressionError("one expression on one line, without ';'", k)
        if not (char.isascii() and (char.isalnum() or char in " \t+-*/^().,_")):
            shown = "a control character" if not char.isprintable() else f"'{char}'"
            raise ExpressionError(f"unexpected character {shown}; use plain letters, digits and "
                                  "+ - * / ^ ( )", k)
    depth = deepest = 0
    for k, char in enumerate(text, start=1):
        depth += char == "("
        depth -= char == ")"
        deepest = max(deepest, depth)
        if depth < 0:
            raise ExpressionError("a ')' without its '('", k)
        if deepest > MAX_DEPTH:
            raise ExpressionError(f"parentheses nested more than {MAX_DEPTH} deep", k)
    return text.replace("^", "**")


@dataclass
class _Builder:
    """Builds the SymPy expression from a checked tree, counting nodes and depth as it goes."""

    symbols: dict[str, Any]
    nodes: int = 0

    def build(self, node: ast.AST, depth: int = 0) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ExpressionError(f"the function has more than {MAX_NODES} parts")
        if depth > MAX_DEPTH:
            raise ExpressionError(f"the function is nested more than {MAX_DEPTH} deep")
        where = getattr(node, "col_offset", None)
        position = None if where is None else where + 1
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ExpressionError("only numbers, x, y, pi, e and functions are allowed", position)
            if not math.isfinite(float(value)) or abs(value) > MAX_CONSTANT:
                raise ExpressionError(f"the number {str(value)[:20]} is too large (at most {MAX_CONSTANT:g})",
                                      position)
            return sp.Integer(value) if isinstance(value, int) else sp.Float(value)
        if isinstance(node, ast.Name):
            if node.id in self.symbols:
                return self.symbols[node.id]
            if node.id in CONSTANTS:
                return CONSTANTS[node.id]
            if node.id in FUNCTIONS:
                raise ExpressionError(f"'{node.id}' is a function: write {node.id}(…)", position)
            raise ExpressionError(f"unknown name '{node.id[:20]}' — use x and y", position)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.build(node.operand, depth + 1)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            # a long sum is a long chain, not deep nesting: only powers (and calls) count as depth
            inner = depth + 1 if isinstance(node.op, ast.Pow) else depth
            left = self.build(node.left, inner)
            if isinstance(node.op, ast.Pow):
                exponent = _constant(node.right)
                if exponent is None:
                    raise ExpressionError("exponents must be numbers; for a variable exponent write "
                                          "exp(y*log(x))", position)
                if abs(exponent) > MAX_EXPONENT:
                    raise ExpressionError(f"exponent too large (at most {MAX_EXPONENT:g})", position)
                right = self.build(node.right, inner)
                return left ** right
            right = self.build(node.right, inner)
            return {ast.Add: left + right, ast.Sub: left - right, ast.Mult: left * right}.get(
                type(node.op), left / right if isinstance(node.op, ast.Div) else None)
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else None
            if name not in FUNCTIONS:
                shown = name if name is not None else "this"
                raise ExpressionError(f"'{str(shown)[:20]}' is not a function we know; use one of "
                                      f"{', '.join(FUNCTIONS)}", position)
            if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
                raise ExpressionError(f"{name}(…) takes exactly one argument", position)
            return FUNCTIONS[name](self.build(node.args[0], depth + 1))
        kind = type(node).__name__
        raise ExpressionError(f"'{kind}' is not allowed: only numbers, x, y, + − * / ^, parentheses and "
                              "functions", position)


def _constant(node: ast.AST) -> float | None:
    """The value of a tree made only of numbers and + − * / (bounded), else None: evaluated here, not
    by Python."""
    if (isinstance(node, ast.Constant) and isinstance(node.value, (int, float))
            and not isinstance(node.value, bool)):
        value = float(node.value)
        return value if math.isfinite(value) and abs(value) <= MAX_CONSTANT else math.inf
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _constant(node.operand)
        return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)):
        a, b = _constant(node.left), _constant(node.right)
        if a is None or b is None:
            return None
        if isinstance(node.op, ast.Pow):  # 9**9**9: bounded before it is computed
            if abs(b) > MAX_EXPONENT or not math.isfinite(a):
                return math.inf
            try:
                value = math.pow(a, b)
            except (OverflowError, ValueError):
                return math.inf
            return value if abs(value) <= MAX_CONSTANT else math.inf
        if isinstance(node.op, ast.Div):
            return math.inf if b == 0 else a / b
        return a + b if isinstance(node.op, ast.Add) else a - b if isinstance(node.op, ast.Sub) else a * b
    return None


def parse(text: str) -> tuple[Any, tuple[Any, ...]]:
    """The SymPy expression a text describes and the variables it uses, in order (x, then y).

    Raises :class:`ExpressionError` saying in words what is wrong and where.
    """
    source = _check_text(text)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        offset = error.offset if error.offset and error.offset > 0 else len(source)
        raise ExpressionError(f"not a formula: {error.msg}", min(offset, len(text))) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError("the function is too deeply nested") from None
    symbols = {name: sp.Symbol(name, real=True) for name in VARIABLES}
    expression = _Builder(symbols).build(tree.body)
    used = tuple(symbols[name] for name in VARIABLES if symbols[name] in expression.free_symbols)
    return expression, used


class CustomLandscape(Landscape):
    """A landscape from a text: exact value, gradient and Hessian, compiled to NumPy."""

    name = "custom"

    def __init__(self, text: str, window: tuple[tuple[float, float], ...] | None = None,
                 start: tuple[float, ...] | None = None) -> None:
        expression, used = parse(text)
        x, y = sp.Symbol("x", real=True), sp.Symbol("y", real=True)
        variables = (x, y) if y in used else (x,)
        self.text = text
        self.expression = expression
        self.dim = len(variables)
        self.title = text.strip()
        self.formula = sp.latex(expression)
        gradient = [sp.diff(expression, v) for v in variables]
        hessian = [[sp.diff(g, v) for v in variables] for g in gradient]
        self.gradient_latex = r"\nabla f = \left(" + ", ".join(sp.latex(g) for g in gradient) + r"\right)"
        # one compiled function for value and gradient, sharing subexpressions; another for the Hessian
        self._value_grad = sp.lambdify(variables, [expression, *gradient], modules="numpy", cse=True)
        self._hessian = sp.lambdify(variables, [h for row in hessian for h in row], modules="numpy", cse=True)
        self.bounds = tuple(window) if window is not None else ((-3.0, 3.0),) * self.dim
        self.start = tuple(start) if start is not None else tuple(
            lo + 0.8 * (hi - lo) for lo, hi in self.bounds)
        self.description = f"Your function, f = {text.strip()}."

    def _columns(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        points = as_points(x, self.dim)
        return tuple(points[..., k] for k in range(self.dim))

    @silenced
    def value_and_grad(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        columns = self._columns(x)
        parts = self._value_grad(*columns)
        shape = columns[0].shape
        value = np.broadcast_to(np.asarray(parts[0], dtype=np.float64), shape).copy()
        # the engine's blocks are column-major (n, dim): a gradient in the same layout is used as it is
        grad = np.empty(shape + (self.dim,), order="F" if len(shape) == 1 else "C")
        for k in range(self.dim):
            grad[..., k] = parts[1 + k]
        return value, grad

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.value_and_grad(x)[0]

    def grad(self, x: np.ndarray) -> np.ndarray:
        return self.value_and_grad(x)[1]

    @silenced
    def hessian(self, x: np.ndarray) -> np.ndarray:
        columns = self._columns(x)
        parts = self._hessian(*columns)
        shape = columns[0].shape
        out = np.empty(shape + (self.dim, self.dim))
        for k, part in enumerate(parts):
            out[..., k // self.dim, k % self.dim] = part
        return out


def custom(text: str, window: tuple[tuple[float, float], ...] | None = None,
           start: tuple[float, ...] | None = None) -> CustomLandscape:
    """A landscape from a formula in x (and y): ``custom("(1-x)^2 + 100*(y-x^2)^2")``.

    Raises :class:`ExpressionError` for a text that is not such a formula.
    """
    return CustomLandscape(text, window, start)
