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
import functools
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
#: The gradient's size in SymPy nodes: a product of ten exp(sin(…)) factors has 1,508 and takes 0.6 s
#: to build with its Hessian; thirty have 12,091 and would take 8 s.
MAX_GRADIENT_NODES = 2500

#: Accepted function names, with their usual aliases.
FUNCTIONS: dict[str, Any] = {
    "exp": sp.exp, "log": sp.log, "ln": sp.log, "sqrt": sp.sqrt, "abs": sp.Abs, "sin": sp.sin,
    "cos": sp.cos, "tan": sp.tan, "tanh": sp.tanh, "sinh": sp.sinh, "cosh": sp.cosh, "arctan": sp.atan,
    "atan": sp.atan,
}
CONSTANTS: dict[str, Any] = {"pi": sp.pi, "e": sp.E}
#: What a refused piece of syntax is, in words.
_NODE_WORDS = {
    "Attribute": "attribute access with '.'", "Subscript": "indexing with [ ]", "Lambda": "lambda",
    "Compare": "a comparison", "BoolOp": "and/or", "IfExp": "if … else", "NamedExpr": "':='",
    "JoinedStr": "an f-string", "Tuple": "a comma outside a function's parentheses", "List": "a list",
    "Set": "a set", "Dict": "a dictionary", "ListComp": "a comprehension", "SetComp": "a comprehension",
    "DictComp": "a comprehension", "GeneratorExp": "a comprehension", "Starred": "'*' unpacking",
    "Await": "await", "Yield": "yield", "YieldFrom": "yield", "Slice": "a slice",
}
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
    origin: list[int]  # the text's position (from 1) of each character of the parsed source
    nodes: int = 0

    def build(self, node: ast.AST, depth: int = 0) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ExpressionError(f"the function has more than {MAX_NODES} parts")
        if depth > MAX_DEPTH:
            raise ExpressionError(f"the function is nested more than {MAX_DEPTH} deep")
        where = getattr(node, "col_offset", None)
        position = None if where is None else self.origin[min(where, len(self.origin) - 1)]
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
        kind = _NODE_WORDS.get(type(node).__name__, f"'{type(node).__name__}'")
        raise ExpressionError(f"{kind} is not allowed: only numbers, x, y, + − * / ^, parentheses and "
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
    # each '^' became '**': positions in the source map back to the text the user typed
    origin = [k for k, char in enumerate(text, start=1) for _ in range(2 if char == "^" else 1)] + [len(text)]
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        offset = error.offset if error.offset and error.offset > 0 else len(source)
        raise ExpressionError(_syntax_words(error.msg, source, offset),
                              origin[min(offset, len(origin)) - 1]) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError("the function is too deeply nested") from None
    symbols = {name: sp.Symbol(name, real=True) for name in VARIABLES}
    expression = _Builder(symbols, origin).build(tree.body)
    used = tuple(symbols[name] for name in VARIABLES if symbols[name] in expression.free_symbols)
    return expression, used


def _syntax_words(message: str, source: str, offset: int) -> str:
    """What Python's parser found wrong (``message`` at the 1-based ``offset`` of ``source``), in the
    words of someone typing a formula, not of a Python programmer ("invalid decimal literal")."""
    if "never closed" in message:
        return "not a formula: a '(' is never closed"
    if "decimal literal" in message:
        return "not a formula: a number runs into a name; put * between them, as in 3*y"
    before = source[:offset - 1].rstrip()
    here = source[offset - 1:offset]
    rest = source[offset - 1:].strip()
    if not rest or all(char in "+-*/" for char in rest):  # the parser points at the last operator
        return "not a formula: it ends too early; a value is missing at the end"
    if before and (before[-1].isalnum() or before[-1] in "._)") and (here.isalnum() or here in "._("):
        return "not a formula: two values side by side; put an operator between them, as in x*y"
    return "not a formula: an operator or a value is missing or one too many here"


@dataclass(frozen=True)
class Formula:
    """A checked text, its SymPy expression and exact derivatives, compiled to NumPy (no window yet)."""

    text: str
    expression: Any
    dim: int
    latex: str
    gradient_latex: str
    partials_latex: tuple[str, ...]  # ∂f/∂x = …, one per variable (they wrap where ∇f = (…) cannot)
    value_grad: Any  # (x[, y]) -> [f, df/dx[, df/dy]], subexpressions shared
    hessian: Any  # (x[, y]) -> the Hessian's entries, row by row


@functools.lru_cache(maxsize=64)
def compile_formula(text: str) -> Formula:
    """The :class:`Formula` of ``text`` (cached: a class typing the same function pays once).

    Raises :class:`ExpressionError` for a text that is not a formula we accept, or whose derivatives
    would be too large to compute quickly.
    """
    expression, used = parse(text)
    x, y = sp.Symbol("x", real=True), sp.Symbol("y", real=True)
    variables = (x, y) if y in used else (x,)
    gradient = [_finite(sp.diff(expression, v)) for v in variables]
    size = sum(1 for _ in sp.preorder_traversal(sp.Tuple(*gradient)))
    if size > MAX_GRADIENT_NODES:  # its Hessian would take seconds: refused before it is computed
        raise ExpressionError(f"the derivatives of this function are too large to compute quickly "
                              f"(the gradient has {size:,} parts; at most {MAX_GRADIENT_NODES:,}): "
                              "write a shorter function")
    hessian = [_finite(sp.diff(g, v)) for g in gradient for v in variables]
    # plain parentheses, not \left( \right): KaTeX may then break the line after a + inside them
    gradient_latex = (r"\nabla f = (" + ", ".join(sp.latex(g) for g in gradient) + ")"
                      if len(variables) == 2 else "f'(x) = " + sp.latex(gradient[0]))
    partials = tuple(rf"\frac{{\partial f}}{{\partial {v}}} = {sp.latex(g)}" for v, g in zip(
        variables, gradient, strict=True)) if len(variables) == 2 else (gradient_latex,)
    return Formula(
        text=text.strip(), expression=expression, dim=len(variables), latex=sp.latex(expression),
        gradient_latex=gradient_latex, partials_latex=partials,
        value_grad=sp.lambdify(variables, [expression, *gradient], modules="numpy", cse=True),
        hessian=sp.lambdify(variables, hessian, modules="numpy", cse=True))


class CustomLandscape(Landscape):
    """A landscape from a text: exact value, gradient and Hessian, compiled to NumPy.

    Its minima are not known exactly: they are the best found by :func:`search_minima` from a grid of
    starts over the window (``optima_found`` says so, and the charts and tables say "best found").
    """

    name = "custom"
    optima_found = True

    def __init__(self, text: str, window: tuple[tuple[float, float], ...] | None = None,
                 start: tuple[float, ...] | None = None) -> None:
        formula = compile_formula(text)
        self.text = formula.text
        self.expression = formula.expression
        self.dim = formula.dim
        self.title = "Your f(x, y)" if self.dim == 2 else "Your f(x)"
        self.formula = formula.latex
        self.gradient_latex = formula.gradient_latex
        self.partials_latex = formula.partials_latex
        self._value_grad = formula.value_grad
        self._hessian = formula.hessian
        self.bounds = _window(window, self.dim)
        self.minima = search_minima(self)
        self.start = tuple(float(v) for v in start) if start is not None else default_start(self)
        self.log_scale = self.dim == 2 and _spans_decades(self)
        where = ("none found in the search box" if not self.minima else
                 f"the lowest found is f = {float(self(np.array(self.minima[0]))):.6g} at "
                 f"({', '.join(f'{v:.6g}' for v in self.minima[0])})")
        self.description = (f"Your function, f = {self.text}. Its gradient and Hessian are SymPy's exact "
                            f"derivatives: ${self.gradient_latex}$. Minima: {where} (best found by a "
                            "numerical search from a grid of starts, not known exactly).")

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


def _finite(derivative: Any) -> Any:
    """A derivative with SymPy's delta functions set to 0: the second derivative of |x| is 0 away from
    its kink and, by this convention, at it (the first derivative there is sign(0) = 0)."""
    return derivative.replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.Integer(0))


def _window(window: Any, dim: int) -> tuple[tuple[float, float], ...]:
    """The view window: ``window``'s first ``dim`` ranges (each low < high), else (−3, 3) per axis."""
    if window is None:
        return ((-3.0, 3.0),) * dim
    ranges = tuple((float(lo), float(hi)) for lo, hi in tuple(window)[:dim])
    if len(ranges) != dim or not all(math.isfinite(lo) and lo < hi < math.inf for lo, hi in ranges):
        raise ValueError(f"a window is {dim} finite ranges (low, high) with low < high, got {window!r}")
    return ranges


def _grid(bounds: tuple[tuple[float, float], ...], per_side: int) -> np.ndarray:
    """Points on a regular grid over ``bounds``, shape ``(per_side**dim, dim)``."""
    axes = [np.linspace(lo, hi, per_side) for lo, hi in bounds]
    return np.stack([a.ravel() for a in np.meshgrid(*axes, indexing="ij")], axis=-1)


#: The search for minima: starts per side of the window (1-D: per window), descent iterations, Newton
#: polishing iterations, and at most this many distinct minima kept (the lowest).
SEARCH_STARTS = {1: 61, 2: 15}
SEARCH_ITERATIONS = 300
POLISH_ITERATIONS = 40
MAX_MINIMA = 12


def search_minima(landscape: Landscape) -> tuple[tuple[float, ...], ...]:
    """The distinct local minima found from a grid of starts, lowest first (at most :data:`MAX_MINIMA`).

    Gradient descent with a backtracking step per start (Armijo's rule: a step is taken only when f
    falls enough, so no start diverges), then Newton's method to full precision where it lowers f. A
    point counts as a minimum when f there is finite, no higher than at its eight neighbours at 10⁻⁴ of
    the window's width and lower than at one of them (which tells minima from saddles, maxima and flat
    ground, kinks like |x| included), its Hessian has no negative curvature (which tells a minimum from
    a pole such as 1/x at 0⁻), and it lies in the search box: the window widened by twice its width
    on every side. A function unbounded below in the box has its lowest points at the box's edge, which
    are not counted.
    """
    bounds = landscape.bounds
    width = np.array([hi - lo for lo, hi in bounds])
    box_low = np.array([lo for lo, _ in bounds]) - 2 * width
    box_high = np.array([hi for _, hi in bounds]) + 2 * width
    with np.errstate(all="ignore"):
        x = _grid(bounds, SEARCH_STARTS[landscape.dim])
        f, g = landscape.value_and_grad(x)
        alive = np.isfinite(f) & np.all(np.isfinite(g), axis=1)
        x, f, g = x[alive], f[alive], g[alive]
        step = np.full(len(x), 0.01 * float(width.max()))
        for _ in range(SEARCH_ITERATIONS):
            trial = np.clip(x - step[:, None] * g, box_low - width, box_high + width)
            f_trial, g_trial = landscape.value_and_grad(trial)
            ok = (f_trial <= f - 1e-4 * step * np.sum(g * g, axis=1)) & np.isfinite(f_trial) \
                & np.all(np.isfinite(g_trial), axis=1)
            x = np.where(ok[:, None], trial, x)
            f = np.where(ok, f_trial, f)
            g = np.where(ok[:, None], g_trial, g)
            step = np.where(ok, np.minimum(step * 1.5, float(width.max())), step * 0.5)
        x, f = _polish(landscape, x, f)
        inside = np.all((x > box_low) & (x < box_high), axis=1) & np.isfinite(f)
        x, f = x[inside], f[inside]
        minimum = _is_local_minimum(landscape, x, f, 1e-4 * float(width.max()))
        x, f = x[minimum], f[minimum]
    kept: list[np.ndarray] = []
    for k in np.argsort(f, kind="stable"):
        if all(np.max(np.abs(x[k] - other)) > 1e-3 * float(width.max()) for other in kept):
            kept.append(x[k])
        if len(kept) == MAX_MINIMA:
            break
    return tuple(tuple(float(v) + 0.0 for v in point) for point in kept)


def _polish(landscape: Landscape, x: np.ndarray, f: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Newton steps on every point, each one kept only where it lowers f, or, once f no longer
    changes beyond rounding, where it shrinks the gradient (the last digits of the point)."""
    _, g = landscape.value_and_grad(x)
    for _ in range(POLISH_ITERATIONS):
        h = landscape.hessian(x)
        if landscape.dim == 1:
            newton = g / h[:, :, 0]
        else:
            det = h[:, 0, 0] * h[:, 1, 1] - h[:, 0, 1] * h[:, 1, 0]
            newton = np.stack([h[:, 1, 1] * g[:, 0] - h[:, 0, 1] * g[:, 1],
                               h[:, 0, 0] * g[:, 1] - h[:, 1, 0] * g[:, 0]], axis=1) / det[:, None]
        trial = x - newton
        f_trial, g_trial = landscape.value_and_grad(trial)
        rounding = 4 * np.finfo(float).eps * (np.abs(f) + 1e-300)
        smaller = np.sum(g_trial * g_trial, axis=1) < np.sum(g * g, axis=1)
        ok = np.isfinite(f_trial) & np.all(np.isfinite(trial), axis=1) & (
            (f_trial < f) | ((f_trial <= f + rounding) & smaller))
        if not ok.any():
            break
        x = np.where(ok[:, None], trial, x)
        f = np.where(ok, f_trial, f)
        g = np.where(ok[:, None], g_trial, g)
    return x, f


def _is_local_minimum(landscape: Landscape, x: np.ndarray, f: np.ndarray, delta: float) -> np.ndarray:
    """True where ``x`` is a local minimum: no higher than its neighbours ``delta`` away (axes and
    diagonals), lower than one of them, and no negative curvature."""
    offsets = _grid(((-delta, delta),) * landscape.dim, 3)
    offsets = offsets[np.any(offsets != 0, axis=1)]
    around = landscape(x[:, None, :] + offsets[None, :, :])
    slack = (1e-14 * np.abs(f))[:, None]  # rounding, so that flat ground has no minimum
    lowest = np.all(around >= f[:, None] - slack, axis=1) & np.any(around > f[:, None] + slack, axis=1)
    curvature = np.linalg.eigvalsh(np.nan_to_num(landscape.hessian(x), nan=-np.inf, posinf=np.inf,
                                                  neginf=-np.inf).clip(-1e300, 1e300))
    scale = np.maximum(1.0, np.max(np.abs(curvature), axis=1))
    return lowest & (curvature[:, 0] >= -1e-8 * scale)


def default_start(landscape: Landscape) -> tuple[float, ...]:
    """A start for a function nobody chose one for: at 80 % of the window (toward its upper right),
    unless f or its gradient is not finite there or a found minimum is next to it; then the grid point
    with a finite value and gradient farthest from the lowest minimum found."""
    bounds = landscape.bounds
    width = max(hi - lo for lo, hi in bounds)
    corner = np.array([float(f"{lo + 0.8 * (hi - lo):.12g}") for lo, hi in bounds])  # 1.8, not 1.8000…07
    with np.errstate(all="ignore"):
        value, grad = landscape.value_and_grad(corner[None, :])
        near = any(np.max(np.abs(corner - np.array(m))) < 0.05 * width for m in landscape.minima)
        if np.isfinite(value[0]) and np.all(np.isfinite(grad)) and not near:
            return tuple(float(v) for v in corner)
        points = _grid(bounds, 21)
        value, grad = landscape.value_and_grad(points)
    usable = np.isfinite(value) & np.all(np.isfinite(grad), axis=1)
    if not usable.any():
        return tuple(float(v) for v in corner)
    points = points[usable]
    target = np.array(landscape.minima[0]) if landscape.minima else np.array([lo for lo, _ in bounds])
    best = points[np.argmax(np.sum((points - target) ** 2, axis=1))]
    return tuple(float(v) for v in best)


def _spans_decades(landscape: Landscape) -> bool:
    """The built-ins' rule for log-spaced contours: f − min f over the window has a 95th percentile
    more than 25 times its 5th."""
    with np.errstate(all="ignore"):
        values = landscape(_grid(landscape.bounds, 101))
    values = values[np.isfinite(values)]
    if values.size < 10:
        return False
    gap = values - values.min()
    low, high = np.percentile(gap, [5, 95])
    return bool(low > 0 and high > 25 * low)


def custom(text: str, window: tuple[tuple[float, float], ...] | None = None,
           start: tuple[float, ...] | None = None) -> CustomLandscape:
    """A landscape from a formula in x (and y): ``custom("(1-x)^2 + 100*(y-x^2)^2")``.

    Raises :class:`ExpressionError` for a text that is not such a formula.
    """
    return CustomLandscape(text, window, start)
