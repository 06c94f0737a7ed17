"""Classic two-dimensional test functions."""

from __future__ import annotations

import numpy as np

from .base import Landscape, Point, as_points, coords, hessian_2d, refine_stationary, silenced

# Far outside the windows the polynomials overflow to inf; that is fine, but it must not warn.
_SQRT_HALF = np.sqrt(0.5)
_TINY = np.finfo(np.float64).tiny


class Rosenbrock(Landscape):
    """Rosenbrock's banana valley ``(a − x)² + b (y − x²)²`` with a = 1, b = 100."""

    name = "rosenbrock"
    title = "Rosenbrock"
    formula = r"f(x, y) = (1 - x)^2 + 100\,(y - x^2)^2"
    dim = 2
    bounds = ((-2.0, 2.0), (-1.0, 3.0))
    start = (-1.5, 2.0)
    minima = ((1.0, 1.0),)
    log_scale = True
    description = ("A curved, flat-bottomed valley: easy to reach, slow to follow to the minimum "
                   "at (1, 1). The standard test of momentum and adaptive methods.")
    a, b = 1.0, 100.0

    @silenced
    def __call__(self, x: np.ndarray) -> np.ndarray:
        px, py = coords(as_points(x, 2))
        u = self.a - px
        r = py - px * px
        # Same rounding as value_and_grad, so recorded losses equal landscape(path) exactly.
        return u * u + (self.b * r) * r

    @silenced
    def value_and_grad(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = as_points(x, 2)
        px, py = x[..., 0], x[..., 1]
        u = self.a - px
        r = py - px * px
        br = self.b * r
        value = u * u
        value += br * r
        g = np.empty_like(x)
        g[..., 0] = -2.0 * u - 4.0 * px * br
        g[..., 1] = 2.0 * br
        return value, g

    def grad(self, x: np.ndarray) -> np.ndarray:
        return self.value_and_grad(x)[1]

    @silenced
    def hessian(self, x: np.ndarray) -> np.ndarray:
        px, py = coords(as_points(x, 2))
        return hessian_2d(
            2.0 - 4.0 * self.b * (py - 3.0 * px * px), -4.0 * self.b * px, np.full_like(px, 2.0 * self.b)
        )


class Saddle(Landscape):
    """The hyperbolic paraboloid ``x² − y²``: the simplest saddle point."""

    name = "saddle"
    title = "Saddle"
    formula = r"f(x, y) = x^2 - y^2"
    dim = 2
    bounds = ((-2.0, 2.0), (-2.0, 2.0))
    start = (1.5, 0.01)
    saddles = ((0.0, 0.0),)
    description = ("Unbounded below, with a saddle at the origin. Started almost on the x-axis, gradient "
                   "descent first slides towards the saddle and stalls there until the tiny y offset "
                   "has grown enough to carry it away.")
    _SIGNS = np.array([2.0, -2.0])

    @silenced
    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = as_points(x, 2)
        px, py = x[..., 0], x[..., 1]
        return px * px - py * py

    @silenced
    def value_and_grad(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = as_points(x, 2)
        px, py = x[..., 0], x[..., 1]
        return px * px - py * py, x * self._SIGNS

    @silenced
    def grad(self, x: np.ndarray) -> np.ndarray:
        return as_points(x, 2) * self._SIGNS

    def hessian(self, x: np.ndarray) -> np.ndarray:
        shape = as_points(x, 2).shape[:-1]
        return hessian_2d(np.full(shape, 2.0), np.zeros(shape), np.full(shape, -2.0))


class Himmelblau(Landscape):
    """Himmelblau's function ``(x² + y − 11)² + (x + y² − 7)²``: four minima of equal depth."""

    name = "himmelblau"
    title = "Himmelblau"
    formula = r"f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2"
    dim = 2
    bounds = ((-5.0, 5.0), (-5.0, 5.0))
    start = (1.0, -1.0)  # plain and momentum SGD reach (3.58, −1.85), Adam and RMSProp (3, 2)
    log_scale = True  # f − f* over the window: 95th percentile / 5th ≈ 33; the saddles need fine levels
    description = ("Four minima, all with f = 0, separated by four saddles around a local maximum "
                   "near (−0.27, −0.92). Which minimum an optimizer reaches depends on the start and "
                   "on its momentum.")

    @silenced
    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = as_points(x, 2)
        px, py = x[..., 0], x[..., 1]
        a = px * px + py - 11.0
        b = px + py * py - 7.0
        return a * a + b * b

    @silenced
    def value_and_grad(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = as_points(x, 2)
        px, py = x[..., 0], x[..., 1]
        a = px * px + py - 11.0
        b = px + py * py - 7.0
        value = a * a
        value += b * b
        g = np.empty_like(x)
        # ∂f/∂x = 4x·a + 2b, ∂f/∂y = 2a + 4y·b. The reference trajectories in tests/goldens were made
        # with exactly this operation order: a different rounding shifts Adam paths by ~1e-12.
        np.multiply(px, a, out=g[..., 0])
        g[..., 0] *= 2.0
        g[..., 0] += b
        np.multiply(py, b, out=g[..., 1])
        g[..., 1] *= 2.0
        g[..., 1] += a
        g *= 2.0
        return value, g

    def grad(self, x: np.ndarray) -> np.ndarray:
        return self.value_and_grad(x)[1]

    @silenced
    def hessian(self, x: np.ndarray) -> np.ndarray:
        x = as_points(x, 2)
        px, py = x[..., 0], x[..., 1]
        return hessian_2d(12.0 * px * px + 4.0 * py - 42.0, 4.0 * (px + py), 12.0 * py * py + 4.0 * px - 26.0)


class Beale(Landscape):
    """Beale's function ``Σₖ (cₖ − x + x yᵏ)²`` with c = (1.5, 2.25, 2.625): a flat plateau and sharp rims."""

    name = "beale"
    title = "Beale"
    formula = r"f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2"
    dim = 2
    bounds = ((-4.5, 4.5), (-4.5, 4.5))
    start = (1.0, 1.5)
    minima = ((3.0, 0.5),)
    log_scale = True  # from 0 to ~2·10⁵ over the window
    description = ("A nearly flat, curved valley towards the minimum at (3, 0.5), walled by values up to "
                   "10⁵ at the corners: gradients differ by many orders of magnitude, which tests step-"
                   "size adaptation.")

    @silenced
    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = as_points(x, 2)
        px, py = x[..., 0], x[..., 1]
        y2 = py * py  # the arithmetic of value_and_grad, so both round alike
        t1 = 1.5 - px + px * py
        t2 = 2.25 - px + px * y2
        t3 = 2.625 - px + px * (y2 * py)
        return t1 * t1 + t2 * t2 + t3 * t3

    @silenced
    def value_and_grad(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = as_points(x, 2)
        px, py = x[..., 0], x[..., 1]
        y2 = py * py
        y3 = y2 * py
        t1 = 1.5 - px + px * py
        t2 = 2.25 - px + px * y2
        t3 = 2.625 - px + px * y3
        value = t1 * t1 + t2 * t2 + t3 * t3
        g = np.empty_like(x)
        # ∂tₖ/∂x = yᵏ − 1, ∂tₖ/∂y = k x yᵏ⁻¹
        g[..., 0] = 2.0 * (t1 * (py - 1.0) + t2 * (y2 - 1.0) + t3 * (y3 - 1.0))
        g[..., 1] = 2.0 * px * (t1 + 2.0 * py * t2 + 3.0 * y2 * t3)
        return value, g

    def grad(self, x: np.ndarray) -> np.ndarray:
        return self.value_and_grad(x)[1]

    @silenced
    def hessian(self, x: np.ndarray) -> np.ndarray:
        x = as_points(x, 2)
        px, py = x[..., 0], x[..., 1]
        y2 = py * py
        y3 = y2 * py
        t1 = 1.5 - px + px * py
        t2 = 2.25 - px + px * y2
        t3 = 2.625 - px + px * y3
        d1, d2, d3 = py - 1.0, y2 - 1.0, y3 - 1.0  # ∂tₖ/∂x
        e1, e2, e3 = px, 2.0 * px * py, 3.0 * px * y2  # ∂tₖ/∂y
        hxx = 2.0 * (d1 * d1 + d2 * d2 + d3 * d3)
        # ∂²tₖ/∂x∂y = k yᵏ⁻¹, ∂²tₖ/∂y² = k(k − 1) x yᵏ⁻²
        hxy = 2.0 * (d1 * e1 + d2 * e2 + d3 * e3 + t1 + 2.0 * py * t2 + 3.0 * y2 * t3)
        hyy = 2.0 * (e1 * e1 + e2 * e2 + e3 * e3 + 2.0 * px * t2 + 6.0 * px * py * t3)
        return hessian_2d(hxx, hxy, hyy)


class Booth(Landscape):
    """Booth's function ``(x + 2y − 7)² + (2x + y − 5)²``: a tilted quadratic bowl."""

    name = "booth"
    title = "Booth"
    formula = r"f(x, y) = (x + 2y - 7)^2 + (2x + y - 5)^2"
    dim = 2
    bounds = ((-10.0, 10.0), (-10.0, 10.0))
    start = (-7.0, 8.0)
    minima = ((1.0, 3.0),)
    log_scale = True  # f − f* over the window: 95th percentile / 5th ≈ 74
    description = ("A quadratic in disguise: Hessian [[10, 8], [8, 10]] with eigenvalues 2 and 18 "
                   "(κ = 9) along the diagonals, so plain gradient descent zigzags towards (1, 3).")

    @silenced
    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = as_points(x, 2)
        px, py = x[..., 0], x[..., 1]
        a = px + 2.0 * py - 7.0
        b = 2.0 * px + py - 5.0
        return a * a + b * b

    @silenced
    def value_and_grad(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = as_points(x, 2)
        px, py = x[..., 0], x[..., 1]
        a = px + 2.0 * py - 7.0
        b = 2.0 * px + py - 5.0
        value = a * a
        value += b * b
        g = np.empty_like(x)
        # ∂f/∂x = 2a + 4b, ∂f/∂y = 4a + 2b
        g[..., 0] = 2.0 * (a + 2.0 * b)
        g[..., 1] = 2.0 * (2.0 * a + b)
        return value, g

    def grad(self, x: np.ndarray) -> np.ndarray:
        return self.value_and_grad(x)[1]

    def hessian(self, x: np.ndarray) -> np.ndarray:
        shape = as_points(x, 2).shape[:-1]
        return hessian_2d(np.full(shape, 10.0), np.full(shape, 8.0), np.full(shape, 10.0))


class SixHumpCamel(Landscape):
    """The six-hump camel ``(4 − 2.1x² + x⁴/3)x² + xy + (−4 + 4y²)y²``: six minima, two of them global."""

    name = "six_hump_camel"
    title = "Six-hump camel"
    formula = r"f(x, y) = \left(4 - 2.1x^2 + \tfrac{x^4}{3}\right)x^2 + xy + (-4 + 4y^2)\,y^2"
    dim = 2
    bounds = ((-2.0, 2.0), (-1.0, 1.0))
    start = (-1.5, -0.25)
    description = ("Two global minima at ±(0.0898, −0.7126) with f ≈ −1.0316, four shallower local "
                   "minima, two maxima and seven saddles in a small window: where you start decides "
                   "where you end.")

    @silenced
    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = as_points(x, 2)
        px, py = x[..., 0], x[..., 1]
        x2, y2 = px * px, py * py
        return (4.0 - 2.1 * x2 + x2 * x2 / 3.0) * x2 + px * py + (4.0 * y2 - 4.0) * y2

    @silenced
    def value_and_grad(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = as_points(x, 2)
        px, py = x[..., 0], x[..., 1]
        x2, y2 = px * px, py * py
        value = (4.0 - 2.1 * x2 + x2 * x2 / 3.0) * x2 + px * py + (4.0 * y2 - 4.0) * y2
        g = np.empty_like(x)
        # ∂f/∂x = 8x − 8.4x³ + 2x⁵ + y, ∂f/∂y = x − 8y + 16y³
        g[..., 0] = (8.0 - 8.4 * x2 + 2.0 * x2 * x2) * px + py
        g[..., 1] = (16.0 * y2 - 8.0) * py + px
        return value, g

    def grad(self, x: np.ndarray) -> np.ndarray:
        return self.value_and_grad(x)[1]

    @silenced
    def hessian(self, x: np.ndarray) -> np.ndarray:
        x = as_points(x, 2)
        x2, y2 = x[..., 0] ** 2, x[..., 1] ** 2
        return hessian_2d(8.0 - 25.2 * x2 + 10.0 * x2 * x2, np.ones(x2.shape), 48.0 * y2 - 8.0)


class Rastrigin(Landscape):
    """Rastrigin's function ``2A + Σ (xᵢ² − A cos 2πxᵢ)`` with A = 10: a bowl covered in dimples."""

    name = "rastrigin"
    title = "Rastrigin"
    formula = r"f(x, y) = 20 + x^2 - 10\cos 2\pi x + y^2 - 10\cos 2\pi y"
    dim = 2
    bounds = ((-5.12, 5.12), (-5.12, 5.12))
    start = (-3.2, 2.8)
    minima = ((0.0, 0.0),)
    description = ("A regular grid of about a hundred local minima on a parabolic bowl; only the one "
                   "at the origin is global (f = 0). Plain gradient descent stops in the nearest "
                   "dimple; noise or large steps are needed to hop between them.")
    A = 10.0

    @silenced
    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = as_points(x, 2)
        # cos 2πx only depends on x mod 1; reducing first keeps it exact for huge |x|
        c = np.cos(2.0 * np.pi * np.fmod(x, 1.0))
        c *= -self.A
        c += x * x
        return c[..., 0] + c[..., 1] + 2.0 * self.A

    @silenced
    def value_and_grad(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = as_points(x, 2)
        w = np.fmod(x, 1.0)
        w *= 2.0 * np.pi
        t = np.cos(w)
        t *= -self.A
        t += x * x
        value = t[..., 0] + t[..., 1]  # not t.sum(-1): reductions over a length-2 axis are slow
        value += 2.0 * self.A
        g = np.sin(w)
        g *= 2.0 * np.pi * self.A
        g += 2.0 * x
        return value, g

    def grad(self, x: np.ndarray) -> np.ndarray:
        return self.value_and_grad(x)[1]

    @silenced
    def hessian(self, x: np.ndarray) -> np.ndarray:
        x = as_points(x, 2)
        d = np.cos(2.0 * np.pi * np.fmod(x, 1.0))
        d *= 4.0 * np.pi**2 * self.A
        d += 2.0
        return hessian_2d(d[..., 0], np.zeros(d.shape[:-1]), d[..., 1])


class Ackley(Landscape):
    """Ackley's function in 2-D with a = 20, b = 0.2, c = 2π: a sharp funnel in an egg-crate.

    ``f = −a exp(−b √(½(x² + y²))) − exp(½(cos cx + cos cy)) + a + e``. The first term is a cone
    at the origin, so the gradient is undefined there. We set ``grad = 0`` at exactly r = 0 (0 is
    in the subdifferential: the origin is the global minimum) and define the Hessian there as the
    Hessian of the smooth cosine term, ``2π²e·I``, dropping the cone's curvature that grows like
    1/r. Elsewhere everything is exact; r is clamped at the smallest normal float inside the
    Hessian so that it stays finite for subnormal r. Values are computed as
    ``−a·expm1(−b s) − e·expm1(−sin²πx − sin²πy)``, which is exactly 0 at the origin and accurate
    near it, with x reduced mod 2 first so that huge inputs stay finite.
    """

    name = "ackley"
    title = "Ackley"
    formula = (r"f(x, y) = -20\,e^{-0.2\sqrt{(x^2 + y^2)/2}} - e^{(\cos 2\pi x + \cos 2\pi y)/2} "
               r"+ 20 + e")
    dim = 2
    bounds = ((-5.0, 5.0), (-5.0, 5.0))
    start = (2.8, -3.3)
    minima = ((0.0, 0.0),)
    description = ("A nearly flat plain of ripples around a narrow funnel at the origin: gradients far "
                   "from it are small and point into the nearest ripple, so optimizers stall in local "
                   "minima unless noise or momentum carries them over.")
    a, b = 20.0, 0.2

    def _parts(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        """``r``, ``expm1(−b r/√2)``, ``sin πx``, ``cos πx`` and ``expm1(−sin²πx − sin²πy)``."""
        r = np.hypot(x[..., 0], x[..., 1])
        cone = np.expm1(-self.b * _SQRT_HALF * r)
        v = np.fmod(x, 2.0)  # cos 2πx and sin 2πx depend on x mod 1 only; mod 2 keeps sin πx's sign
        v *= np.pi
        s, c = np.sin(v), np.cos(v)
        s2 = s * s
        ripple = np.expm1(-(s2[..., 0] + s2[..., 1]))
        return r, cone, s, c, ripple

    @silenced
    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = as_points(x, 2)
        r = np.hypot(x[..., 0], x[..., 1])
        s = np.sin(np.pi * np.fmod(x, 2.0))
        s *= s
        # −a e^{−b r/√2} − e^{u} + a + e with u − 1 = ½(cos 2πx + cos 2πy) − 1 = −(sin²πx + sin²πy)
        return -self.a * np.expm1(-self.b * _SQRT_HALF * r) - np.e * np.expm1(-(s[..., 0] + s[..., 1]))

    @silenced
    def value_and_grad(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = as_points(x, 2)
        r, cone, s, c, ripple = self._parts(x)
        value = -self.a * cone - np.e * ripple
        # cone: ∂/∂xᵢ = a b e^{−b r/√2} xᵢ/(√2 r), 0 at r = 0; ripple: −∂e^u/∂xᵢ = 2π e^u sinπxᵢ cosπxᵢ
        unit = np.divide(x, r[..., None], out=np.zeros(x.shape), where=r[..., None] > 0.0)
        cone += 1.0
        cone *= self.a * self.b * _SQRT_HALF
        unit *= cone[..., None]
        ripple += 1.0
        ripple *= 2.0 * np.pi * np.e
        g = s * c
        g *= ripple[..., None]
        g += unit
        return value, g

    def grad(self, x: np.ndarray) -> np.ndarray:
        return self.value_and_grad(x)[1]

    @silenced
    def hessian(self, x: np.ndarray) -> np.ndarray:
        x = as_points(x, 2)
        r, cone, s, c, ripple = self._parts(x)
        eu = np.e * (ripple + 1.0)
        cone += 1.0
        # ripple −e^u: ∂ᵢ∂ⱼ = −e^u (uᵢuⱼ + uᵢⱼ), uᵢ = −2π sinπxᵢ cosπxᵢ, uᵢᵢ = −2π² (1 − 2 sin²πxᵢ)
        du = -2.0 * np.pi * s * c
        dd = -2.0 * np.pi**2 * (1.0 - 2.0 * s * s)
        hxx = -eu * (du[..., 0] * du[..., 0] + dd[..., 0])
        hxy = -eu * du[..., 0] * du[..., 1]
        hyy = -eu * (du[..., 1] * du[..., 1] + dd[..., 1])
        # cone −a e^{−b r/√2}: a b e^{…} [(δᵢⱼ − nᵢnⱼ)/(√2 r) − b nᵢnⱼ/2] with n = x/r
        at = r > 0.0
        n = np.divide(x, r[..., None], out=np.zeros(x.shape), where=at[..., None])
        k = self.a * self.b * cone * at  # no cone curvature at r = 0 (see the class docstring)
        inv = _SQRT_HALF / np.maximum(r, _TINY)
        nxx, nxy, nyy = n[..., 0] * n[..., 0], n[..., 0] * n[..., 1], n[..., 1] * n[..., 1]
        half_b = 0.5 * self.b
        hxx += k * ((1.0 - nxx) * inv - half_b * nxx)
        hxy += k * (-nxy * inv - half_b * nxy)
        hyy += k * ((1.0 - nyy) * inv - half_b * nyy)
        return hessian_2d(hxx, hxy, hyy)


class MonkeySaddle(Landscape):
    """The monkey saddle ``x³ − 3xy²``: three valleys and a degenerate saddle (zero Hessian) at 0."""

    name = "monkey_saddle"
    title = "Monkey saddle"
    formula = r"f(x, y) = x^3 - 3xy^2"
    dim = 2
    bounds = ((-2.0, 2.0), (-2.0, 2.0))
    start = (1.5, 0.05)
    saddles = ((0.0, 0.0),)
    description = ("Room for two legs and a tail: three valleys meet at the origin, where gradient and "
                   "Hessian both vanish. Near it gradient descent slows to a crawl (steps shrink like "
                   "r²) before it escapes into a valley.")

    @silenced
    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = as_points(x, 2)
        px, py = x[..., 0], x[..., 1]
        return px * (px * px - 3.0 * (py * py))  # rounds as value_and_grad does

    @silenced
    def value_and_grad(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = as_points(x, 2)
        px, py = x[..., 0], x[..., 1]
        x2, y2 = px * px, py * py
        value = px * (x2 - 3.0 * y2)
        g = np.empty_like(x)
        g[..., 0] = 3.0 * (x2 - y2)
        g[..., 1] = -6.0 * px * py
        return value, g

    def grad(self, x: np.ndarray) -> np.ndarray:
        return self.value_and_grad(x)[1]

    @silenced
    def hessian(self, x: np.ndarray) -> np.ndarray:
        x = as_points(x, 2)
        six_x, six_y = 6.0 * x[..., 0], 6.0 * x[..., 1]
        return hessian_2d(six_x, -six_y, -six_x)


def _refined(landscape: Landscape, points: tuple[Point, ...]) -> tuple[Point, ...]:
    return tuple(refine_stationary(landscape, p) for p in points)


_him = Himmelblau()
Himmelblau.minima = ((3.0, 2.0),) + _refined(
    _him, ((-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)))
Himmelblau.maxima = _refined(_him, ((-0.270845, -0.923039),))
Himmelblau.saddles = _refined(
    _him, ((0.086678, 2.884255), (-3.073026, -0.081353), (3.385154, 0.073852), (-0.127961, -1.953715)))

# (0, 1) is exact: f ≡ 14.203125 along x = 0 and ∂f/∂x(0, y) = 0 only at y = 1.
Beale.saddles = ((0.0, 1.0),) + _refined(Beale(), ((0.100538, -2.644514),))

_camel = SixHumpCamel()
_camel_min = refine_stationary(_camel, (0.089842, -0.712656))
_camel_side = refine_stationary(_camel, (1.703607, -0.796084))
_camel_high = refine_stationary(_camel, (1.607105, 0.568651))
_camel_max = refine_stationary(_camel, (1.230230, 0.162335))
_camel_saddles = _refined(_camel, ((1.109205, -0.768268), (1.638068, 0.228674), (1.296070, 0.605084)))


def _pm(p: Point) -> tuple[Point, Point]:
    """``p`` and ``−p``: f(−x, −y) = f(x, y), so stationary points come in antipodal pairs."""
    return p, (-p[0], -p[1])


SixHumpCamel.minima = _pm(_camel_min) + _pm(_camel_side) + _pm(_camel_high)
SixHumpCamel.maxima = _pm(_camel_max)
SixHumpCamel.saddles = ((0.0, 0.0),) + sum((_pm(p) for p in _camel_saddles), ())
del _him, _camel, _camel_min, _camel_side, _camel_high, _camel_max, _camel_saddles
