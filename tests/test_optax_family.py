"""The optimizers torch lacks, defined as optax 0.2.8 defines them (Lion, LAMB, LARS, NovoGrad, Yogi,
AdaBelief, Adafactor, SM3, Lookahead).

First steps are checked against numbers worked out by hand (the arithmetic is in the comments), on a
linear landscape with a constant gradient so that each step can be followed on paper. Batches with
per-particle hyperparameters must equal separate scalar runs exactly, and the norms of the
layer-wise methods are per particle. The whole trajectories against optax itself live in
``tests/test_goldens.py``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from optimizers import OPTIMIZERS, HyperparameterError, get_optimizer, run
from optimizers.factored import _decay_schedule

MINE = ("lion", "lamb", "lars", "novograd", "yogi", "adabelief", "adafactor", "sm3", "lookahead")
FAMILIES = {"SGD", "Adaptive", "Adam", "Sign-based", "Layer-wise", "Memory-efficient", "Wrapper",
            "Second-order", "Gradient-free"}
S2 = math.sqrt(2.0)


class Linear:
    """``f(x) = c·x``: the gradient is the constant ``c`` everywhere."""

    def __init__(self, c: tuple[float, ...] = (3.0, -4.0)):
        self.c = np.asarray(c, dtype=np.float64)
        self.dim = len(c)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(x, dtype=np.float64) @ self.c

    def grad(self, x: np.ndarray) -> np.ndarray:
        return np.broadcast_to(self.c, np.shape(x)).copy()


class Bowl:
    """``f(x) = ½ Σ aᵢ xᵢ²``."""

    def __init__(self, a: tuple[float, ...] = (1.0, 10.0)):
        self.a = np.asarray(a, dtype=np.float64)
        self.dim = len(a)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        return 0.5 * np.sum(self.a * x * x, axis=-1)

    def grad(self, x: np.ndarray) -> np.ndarray:
        return self.a * np.asarray(x, dtype=np.float64)


G = Linear()  # g = (3, −4) everywhere: |g| = 5


def path(name: str, x0, steps: int = 2, landscape=G, **hp) -> np.ndarray:
    return run(name, landscape, x0, steps=steps, **hp).path[:, 0]


# ------------------------------------------------------------------------------------------- Lion

def test_lion_first_steps() -> None:
    # x0 = (1, 2), g = (3, −4), lr 0.1, β = (0.9, 0.99), λ = 0.1, m0 = 0.
    # t=1: c = 0.1·g + 0.9·0 → sign (1, −1); u = (1, −1) + 0.1·(1, 2) = (1.1, −0.8)
    #      x1 = (1 − 0.11, 2 + 0.08) = (0.89, 2.08);  m1 = 0.01·g = (0.03, −0.04)
    # t=2: c = 0.1·g + 0.9·m1 = (0.327, −0.436) → sign (1, −1)
    #      u = (1, −1) + 0.1·(0.89, 2.08) = (1.089, −0.792);  x2 = (0.7811, 2.1592)
    p = path("lion", [1.0, 2.0], lr=0.1, betas=(0.9, 0.99), weight_decay=0.1)
    np.testing.assert_allclose(p[1], [0.89, 2.08], rtol=1e-15)
    np.testing.assert_allclose(p[2], [0.7811, 2.1592], rtol=1e-14)


def test_lion_sign_follows_momentum_not_gradient() -> None:
    # 1-D bowl f = ½x², x0 = 1, lr 0.5, β = (0.9, 0.5), λ = 0.
    # t=1: g = 1: sign(0.1·1) = 1 → x1 = 0.5;  m1 = 0.5·1 = 0.5
    # t=2: g = 0.5: sign(0.05 + 0.45) = 1 → x2 = 0;  m2 = 0.5·0.5 + 0.5·0.5 = 0.5
    # t=3: g = 0: c = 0.1·0 + 0.9·0.5 > 0 → keeps going: x3 = −0.5 (the momentum overshoots)
    p = path("lion", [1.0], steps=3, landscape=Bowl((1.0,)), lr=0.5, betas=(0.9, 0.5), weight_decay=0.0)
    np.testing.assert_array_equal(p[:, 0], [1.0, 0.5, 0.0, -0.5])


# ------------------------------------------------------------------------------------------- LAMB

def test_lamb_first_steps_use_the_trust_ratio() -> None:
    # x0 = (3, 4) (‖x0‖ = 5), g = (3, −4), ε = ε̄ = 0, λ = 0, lr 0.1, β = (0.9, 0.999).
    # t=1: m̂ = 0.1g/0.1 = g, v̂ = 0.001g²/0.001 = g² → u = g/|g| = (1, −1), ‖u‖ = √2
    #      r = 5/√2 → x1 = x0 − 0.1·(5/√2)·(1, −1)
    # t=2: m = 0.19g, v = 0.001999g² → again m̂ = g, v̂ = g², u = (1, −1);  r = ‖x1‖/√2
    p = path("lamb", [3.0, 4.0], lr=0.1, eps=0.0)
    x1 = np.array([3.0, 4.0]) - 0.1 * (5.0 / S2) * np.array([1.0, -1.0])
    x2 = x1 - 0.1 * (np.hypot(*x1) / S2) * np.array([1.0, -1.0])
    np.testing.assert_allclose(p[1], x1, rtol=1e-14)
    np.testing.assert_allclose(p[2], x2, rtol=1e-14)


def test_lamb_weight_decay_enters_before_the_trust_ratio() -> None:
    # x0 = (3, 4), λ = 0.5: u = (1, −1) + 0.5·(3, 4) = (2.5, 1), ‖u‖ = √7.25, r = 5/√7.25
    p = path("lamb", [3.0, 4.0], steps=1, lr=0.1, eps=0.0, weight_decay=0.5)
    np.testing.assert_allclose(p[1], [3.0 - 0.1 * 5 / math.sqrt(7.25) * 2.5, 4.0 - 0.1 * 5 / math.sqrt(7.25)],
                               rtol=1e-14)


def test_lamb_zero_weights_give_trust_ratio_one() -> None:
    # x0 = 0: ‖x0‖ = 0, so optax uses r = 1: x1 = −0.1·(1, −1)
    p = path("lamb", [0.0, 0.0], steps=1, lr=0.1, eps=0.0)
    np.testing.assert_allclose(p[1], [-0.1, 0.1], rtol=1e-15)


# ------------------------------------------------------------------------------------------- LARS

def test_lars_first_steps() -> None:
    # x0 = (3, 4), g = (3, −4): ‖x‖ = ‖g‖ = 5; η = 0.5, ε = 0, μ = 0.9, lr 0.1.
    # t=1: r = 0.5·5/5 = 0.5; b1 = 0.1·0.5·g = (0.15, −0.2); x1 = (2.85, 4.2)
    # t=2: r = 0.5·‖x1‖/5 = 0.1·√25.7625;  b2 = 0.9·b1 + 0.1·r·g;  x2 = x1 − b2
    p = path("lars", [3.0, 4.0], lr=0.1, trust_coefficient=0.5)
    np.testing.assert_allclose(p[1], [2.85, 4.2], rtol=1e-15)
    r2 = 0.1 * math.sqrt(25.7625)
    b2 = 0.9 * np.array([0.15, -0.2]) + 0.1 * r2 * np.array([3.0, -4.0])
    np.testing.assert_allclose(p[2], np.array([2.85, 4.2]) - b2, rtol=1e-14)


def test_lars_nesterov() -> None:
    # t=1 as above, b1 = 0.05g; Nesterov steps along 0.05g + 0.9·b1 = 0.095g: x1 = (2.715, 4.38)
    p = path("lars", [3.0, 4.0], steps=1, lr=0.1, trust_coefficient=0.5, nesterov=True)
    np.testing.assert_allclose(p[1], [2.715, 4.38], rtol=1e-15)


def test_lars_momentum_accumulates_lr_scaled_steps() -> None:
    # optax applies the learning rate BEFORE the momentum: with the lr scheduled to 0 at step 2 the
    # buffer still carries step 1: b2 = 0.9·b1 = (0.135, −0.18) → x2 = (2.715, 4.38).
    # (torch-style momentum, lr after the buffer, would not move at all at step 2.)
    p = path("lars", [3.0, 4.0], lr=0.1, trust_coefficient=0.5,
             schedule=lambda step: 1.0 if step == 0 else 0.0)
    np.testing.assert_allclose(p[2], [2.715, 4.38], rtol=1e-15)


# ----------------------------------------------------------------------------------------- NovoGrad

def test_novograd_first_steps() -> None:
    # g = (3, −4): ‖g‖² = 25; β = (0.9, 0.25), ε = 0, lr 0.1.
    # t=1: v = 25, a = g/5 = (0.6, −0.8), m = a → x1 = x0 − 0.1·a
    # t=2: v = 0.25·25 + 0.75·25 = 25, a = (0.6, −0.8), m = 0.9a + a = 1.9a → x2 = x1 − 0.19·a
    p = path("novograd", [1.0, 1.0], lr=0.1, eps=0.0)
    np.testing.assert_allclose(p[1], [0.94, 1.08], rtol=1e-15)
    np.testing.assert_allclose(p[2], [0.94 - 0.114, 1.08 + 0.152], rtol=1e-14)


def test_novograd_weight_decay_and_norm_average() -> None:
    # 2-D bowl a = (1, 1), x0 = (3, 4): g = x, ‖g‖² = 25; λ = 0.5, β₂ = 0.5, ε = 0, lr 0.1.
    # t=1: v = 25; a = g/5 + 0.5·x0 = (0.6 + 1.5, 0.8 + 2) = (2.1, 2.8); x1 = (2.79, 3.72)
    # t=2: ‖g‖² = 2.79² + 3.72² = 21.6225; v = 0.5·21.6225 + 0.5·25 = 23.31125
    #      a = x1/√23.31125 + 0.5·x1;  m = 0.9·(2.1, 2.8) + a;  x2 = x1 − 0.1·m
    p = path("novograd", [3.0, 4.0], landscape=Bowl((1.0, 1.0)), lr=0.1, eps=0.0, weight_decay=0.5,
             betas=(0.9, 0.5))
    np.testing.assert_allclose(p[1], [2.79, 3.72], rtol=1e-15)
    x1 = np.array([2.79, 3.72])
    a = x1 / math.sqrt(23.31125) + 0.5 * x1
    np.testing.assert_allclose(p[2], x1 - 0.1 * (0.9 * np.array([2.1, 2.8]) + a), rtol=1e-14)


# -------------------------------------------------------------------------------------------- Yogi

def test_yogi_first_steps_start_from_1e_6() -> None:
    # g = (3, −4), β = (0.9, 0.999), ε = 0, lr 0.1; optax starts m0 = v0 = 1e-6.
    # t=1: m = 0.1g + 0.9e-6; v = 1e-6 − 0.001·sign(1e-6 − g²)·g² = 1e-6 + 0.001g²
    #      m̂ = m/0.1, v̂ = v/0.001 → step m̂/√v̂, e.g. coordinate 0: (3 + 9e-6)/√9.001
    # t=2: m = 0.9m + 0.1g; v = v + 0.001g² (v < g² still); bias corrections 0.19 and 0.001999
    g = np.array([3.0, -4.0])
    m1, v1 = 0.1 * g + 0.9e-6, 1e-6 + 0.001 * g * g
    x1 = np.array([0.0, 0.0]) - 0.1 * (m1 / 0.1) / np.sqrt(v1 / 0.001)
    m2, v2 = 0.9 * m1 + 0.1 * g, v1 + 0.001 * g * g
    x2 = x1 - 0.1 * (m2 / 0.19) / np.sqrt(v2 / (1 - 0.999**2))
    p = path("yogi", [0.0, 0.0], lr=0.1, eps=0.0)
    np.testing.assert_allclose(p[1], x1, rtol=1e-14)
    np.testing.assert_allclose(p[2], x2, rtol=1e-14)
    assert abs(p[1][0] + 0.1 * 3.000009 / math.sqrt(9.001)) < 1e-15


def test_yogi_second_moment_shrinks_additively() -> None:
    # 1-D bowl f = ½x²: a large first gradient, then smaller ones. v moves by ±(1 − β₂)g²:
    # t=1: g = 10: v1 = 1e-6 + 0.5·100 (β₂ = 0.5)
    # lr 5: the first step is ≈ 5·g/|g|, so x1 ≈ 5 and g² ≈ 25 < v1 ≈ 50
    # t=2: v2 = v1 − 0.5·g² (decreases by (1 − β₂)g², where Adam would use (1 − β₂)(v − g²))
    tr = run("yogi", Bowl((1.0,)), [10.0], steps=2, lr=5.0, betas=(0.5, 0.5), eps=0.0, record_state=True)
    x1 = tr.path[1, 0, 0]
    v1 = 1e-6 + 0.5 * 100.0
    assert x1 * x1 < v1
    assert tr.state["exp_avg_sq"][1, 0, 0] == pytest.approx(v1, rel=1e-15)
    assert tr.state["exp_avg_sq"][2, 0, 0] == pytest.approx(v1 - 0.5 * x1 * x1, rel=1e-14)


# --------------------------------------------------------------------------------------- AdaBelief

def test_adabelief_first_step() -> None:
    # g = (3, −4), ε = ε̄ = 0, lr 0.1, β = (0.9, 0.999).
    # t=1: m = 0.1g; s = 0.001·(g − 0.1g)² = 0.001·0.81g² → m̂ = g, ŝ = 0.81g²
    #      step = g/(0.9|g|) = (1, −1)/0.9 → x1 = (−1/9, 1/9)
    p = path("adabelief", [0.0, 0.0], steps=1, lr=0.1, eps=0.0, eps_root=0.0)
    np.testing.assert_allclose(p[1], [-1 / 9, 1 / 9], rtol=1e-14)


def test_adabelief_steady_gradient_gives_large_steps() -> None:
    # t=2: m = 0.19g, g − m = 0.81g,
    #      s = 0.999·0.00081g² + 0.001·0.6561g² = (0.00080919 + 0.0006561)g² = 0.00146529g²
    #      m̂ = g, ŝ = 0.00146529g²/0.001999 → step = lr/√(0.00146529/0.001999) per coordinate
    p = path("adabelief", [0.0, 0.0], lr=0.1, eps=0.0, eps_root=0.0)
    step2 = 0.1 / math.sqrt(0.00146529 / (1 - 0.999**2))
    np.testing.assert_allclose(p[2], p[1] + np.array([-step2, step2]), rtol=1e-13)
    assert step2 > 0.1 / 0.9  # the surprise shrinks, the step grows


# --------------------------------------------------------------------------------------- Adafactor

def test_adafactor_first_steps_scale_by_parameter_rms() -> None:
    # x0 = (3, 4), g = (3, −4), lr 0.01, defaults (decay_rate 0.8, clip 1, parameter scale on).
    # t=1: β̂₂ = 1 − 1^(−0.8) = 0 → v = g² + 1e-30 = g² → u = g/|g| = (1, −1), RMS(u) = 1 (no clip)
    #      × lr × RMS(x0) = √12.5 → x1 = x0 − 0.01·√12.5·(1, −1)
    # t=2: v = β̂g² + (1 − β̂)g² ≈ g² → u = (1, −1) again; x2 = x1 − 0.01·RMS(x1)·(1, −1)
    p = path("adafactor", [3.0, 4.0])
    x1 = np.array([3.0, 4.0]) - 0.01 * math.sqrt(12.5) * np.array([1.0, -1.0])
    x2 = x1 - 0.01 * math.sqrt((x1 @ x1) / 2) * np.array([1.0, -1.0])
    np.testing.assert_allclose(p[1], x1, rtol=1e-15)
    np.testing.assert_allclose(p[2], x2, rtol=1e-14)


def test_adafactor_clipping_momentum_and_decay() -> None:
    # No parameter scale, lr 0.1; t=1 gives u = (1, −1) with RMS 1.
    # clip d = 0.5: u / max(1, 1/0.5) = (0.5, −0.5) → x1 = x0 − (0.05, −0.05)
    p = path("adafactor", [3.0, 4.0], steps=1, lr=0.1, multiply_by_parameter_scale=False,
             clipping_threshold=0.5)
    np.testing.assert_allclose(p[1], [2.95, 4.05], rtol=1e-15)
    # momentum 0.5 (EMA, no bias correction): m1 = 0.5·0.1·(1, −1) → x1 = x0 − (0.05, −0.05)
    p = path("adafactor", [3.0, 4.0], steps=1, lr=0.1, multiply_by_parameter_scale=False, momentum=0.5)
    np.testing.assert_allclose(p[1], [2.95, 4.05], rtol=1e-15)
    # weight decay 0.2 is NOT scaled by lr: x1 = x0 − (0.1·(1, −1) + 0.2·x0) = (2.3, 3.3)
    p = path("adafactor", [3.0, 4.0], steps=1, lr=0.1, multiply_by_parameter_scale=False, weight_decay=0.2)
    np.testing.assert_allclose(p[1], [2.3, 3.3], rtol=1e-15)
    # clipping_threshold ≤ 0 means no clipping (optax's None): RMS(u) = 1 > 0.5 would clip otherwise
    p = path("adafactor", [3.0, 4.0], steps=1, lr=0.1, multiply_by_parameter_scale=False,
             clipping_threshold=0.0)
    np.testing.assert_allclose(p[1], [2.9, 4.1], rtol=1e-15)


def test_adafactor_decay_is_float32_like_optax() -> None:
    # optax computes β̂₂ = 1 − (t − k)^(−c) with t in float32: at t = 2, c = 0.8 it is a float32
    # number within float32 rounding of 1 − 2^(−0.8) ≈ 0.42565, and 1 − β̂₂ is its float32 complement.
    decay, complement = _decay_schedule(0.8, 2, 0)
    assert float(np.float32(decay)) == decay and float(np.float32(complement)) == complement
    assert decay == pytest.approx(1 - 2**-0.8, abs=1e-7)
    assert decay + complement == 1.0
    # t = 1 (and t = k + 1 with an offset k): β̂₂ = 0, v starts at g²
    assert _decay_schedule(0.8, 1, 0) == (0.0, 1.0)
    assert _decay_schedule(0.8, 4, 3) == (0.0, 1.0)
    # per-particle decay rates: the same numbers as scalars
    arr, arr_c = _decay_schedule(np.array([[0.8], [0.5], [0.8]]), 5, 0)
    for i, rate in enumerate((0.8, 0.5, 0.8)):
        assert (arr[i, 0], arr_c[i, 0]) == _decay_schedule(rate, 5, 0)


# --------------------------------------------------------------------------------------------- SM3

def test_sm3_first_steps() -> None:
    # g = (3, −4), μ = 0.9, ε = 0, lr 0.1.
    # t=1: a = g² → u = g/|g| = (1, −1); m = 0.1·(1, −1) → x1 = −0.01·(1, −1)
    # t=2: a = 2g² → u = (1, −1)/√2; m = 0.09·(1, −1) + 0.1/√2·(1, −1) → x2 = x1 − 0.1·m
    p = path("sm3", [0.0, 0.0], lr=0.1, eps=0.0)
    np.testing.assert_allclose(p[1], [-0.01, 0.01], rtol=1e-15)
    m2 = 0.09 + 0.1 / S2
    np.testing.assert_allclose(p[2], [-0.01 - 0.1 * m2, 0.01 + 0.1 * m2], rtol=1e-14)


def test_sm3_zero_accumulator_gives_zero_step() -> None:
    # g = (0, 2) with ε = 0: coordinate 0 has a = 0, where optax uses 0 instead of 0/√0
    p = path("sm3", [1.0, 1.0], landscape=Linear((0.0, 2.0)), lr=0.1, eps=0.0, momentum=0.0)
    np.testing.assert_array_equal(p[:, 0], [1.0, 1.0, 1.0])
    # coordinate 1: t=1 step 0.1·1, t=2 step 0.1/√2
    np.testing.assert_allclose(p[:, 1], [1.0, 0.9, 0.9 - 0.1 / S2], rtol=1e-15)


# --------------------------------------------------------------------------------------- Lookahead

def test_lookahead_syncs_every_k_steps() -> None:
    # inner SGD lr 0.1 on g = (1, −2), x0 = 0, k = 2, α = 0.5.
    # t=1: fast (−0.1, 0.2)
    # t=2: fast (−0.2, 0.4) → sync: slow = 0 + 0.5·(−0.2, 0.4) = (−0.1, 0.2), fast = slow
    # t=3: fast (−0.2, 0.4);  t=4: (−0.3, 0.6) → slow = (−0.1, 0.2) + 0.5·(−0.2, 0.4) = (−0.2, 0.4)
    tr = run("lookahead", Linear((1.0, -2.0)), [0.0, 0.0], steps=4, inner="sgd", lr=0.1, sync_period=2,
             slow_step_size=0.5, record_state=True)
    np.testing.assert_allclose(tr.path[:, 0], [[0, 0], [-0.1, 0.2], [-0.1, 0.2], [-0.2, 0.4], [-0.2, 0.4]],
                               rtol=1e-15, atol=1e-17)
    np.testing.assert_allclose(tr.state["slow_weights"][:, 0],
                               [[0, 0], [0, 0], [-0.1, 0.2], [-0.1, 0.2], [-0.2, 0.4]],
                               rtol=1e-15, atol=1e-17)


def test_lookahead_sync_at_period_three() -> None:
    # k = 3, α = 0.3, inner SGD lr 1 on the 1-D g = 1 from x0 = 0: fast −1, −2, −3 → sync at t=3:
    # slow = 0.3·(−3) = −0.9 = fast; t=4, 5: −1.9, −2.9; t=6: −3.9 → slow = −0.9 + 0.3·(−3) = −1.8
    p = path("lookahead", [0.0], steps=6, landscape=Linear((1.0,)), inner="sgd", lr=1.0, sync_period=3,
             slow_step_size=0.3)
    np.testing.assert_allclose(p[:, 0], [0, -1, -2, -0.9, -1.9, -2.9, -1.8], rtol=1e-15)


def test_lookahead_with_period_one_and_full_step_is_the_inner_optimizer() -> None:
    for inner in ("adam", "lion", "rmsprop"):
        a = run("lookahead", Bowl(), [[1.0, 1.5], [-0.5, 2.0]], steps=30, inner=inner, sync_period=1,
                slow_step_size=1.0, lr=0.05)
        b = run(inner, Bowl(), [[1.0, 1.5], [-0.5, 2.0]], steps=30, lr=0.05)
        np.testing.assert_array_equal(a.path, b.path)


def test_lookahead_inner_counts_its_own_steps() -> None:
    # With α = 0 the slow weights stay at x0 and the fast ones restart there every k steps, while the
    # inner Adam keeps its state and step count: step 3 after the reset differs from Adam's step 1.
    tr = run("lookahead", Bowl(), [1.0, 1.5], steps=3, inner="adam", sync_period=2, slow_step_size=0.0,
             lr=0.1, record_state=True)
    np.testing.assert_array_equal(tr.path[2, 0], [1.0, 1.5])
    adam = run("adam", Bowl(), [1.0, 1.5], steps=1, lr=0.1)
    assert not np.array_equal(tr.path[3, 0], adam.path[1, 0])
    assert np.all(tr.state["exp_avg"][3, 0] != 0)


def test_lookahead_unknown_inner_raises_with_the_choices() -> None:
    with pytest.raises(HyperparameterError, match="unknown inner optimizer 'nope'.*valid: .*adam"):
        run("lookahead", Bowl(), [1.0, 1.0], steps=2, inner="nope")
    with pytest.raises(HyperparameterError, match="lookahead"):
        run("lookahead", Bowl(), [1.0, 1.0], steps=2, inner="lookahead")
    with pytest.raises(HyperparameterError):
        run("lookahead", Bowl(), [1.0, 1.0], steps=2, sync_period=0)
    with pytest.raises(HyperparameterError, match="no hyperparameter 'betas'"):
        run("lookahead", Bowl(), [1.0, 1.0], steps=2, inner="sgd", betas=(0.9, 0.99))


@pytest.mark.parametrize("inner", ["adam", "sgd", "momentum", "rmsprop", "adagrad", "lion", "lamb", "lars",
                                   "novograd", "yogi", "adabelief", "adafactor", "sm3"])
def test_lookahead_runs_over_many_inner_optimizers(inner: str) -> None:
    if inner not in OPTIMIZERS:
        pytest.skip(f"{inner} is not registered")
    tr = run("lookahead", Bowl(), [[1.0, 1.5], [-0.5, 2.0]], steps=40, inner=inner, sync_period=4)
    assert np.all(np.isfinite(tr.path)) and not tr.diverged.any()
    assert tr.loss[-1].max() < tr.loss[0].max()


def test_lookahead_specialize_builds_the_concrete_spec() -> None:
    registered = get_optimizer("lookahead")
    assert [h.name for h in registered.hyperparams] == ["inner", "sync_period", "slow_step_size"]
    assert registered.param("inner").default == "adam"
    assert "lookahead" not in registered.param("inner").choices
    assert {"sgd", "adam", "lion"} <= set(registered.param("inner").choices)
    concrete = registered.specialize({"inner": "sgd", "lr": 0.1})
    sgd = get_optimizer("sgd")
    assert concrete.name == "lookahead" and concrete.title == "Lookahead (SGD)"
    assert concrete.specialize is None and concrete.family == "Wrapper" and concrete.reference == "optax"
    assert concrete.hyperparams == registered.hyperparams + sgd.hyperparams
    assert concrete.defaults["lr"] == sgd.defaults["lr"] and concrete.defaults["momentum"] == 0.0
    assert registered.specialize({}).title == "Lookahead (Adam)"
    assert concrete.state_names[0] == "slow_weights"


def test_lookahead_inner_may_vary_over_the_batch() -> None:
    x0 = np.array([[1.0, 1.5], [-0.5, 2.0], [0.3, -0.2]])
    inners = ["adam", "sgd", "adam"]
    tr = run("lookahead", Bowl(), x0, steps=25, inner=inners, sync_period=3)
    for i, inner in enumerate(inners):  # each with its own inner's defaults (lr 1e-3 for both)
        alone = run("lookahead", Bowl(), x0[i], steps=25, inner=inner, sync_period=3)
        np.testing.assert_array_equal(tr.path[:, i], alone.path[:, 0])
    tr = run("lookahead", Bowl(), x0, steps=25, inner=["rmsprop", "sgd", "rmsprop"], lr=0.02,
             momentum=np.array([0.0, 0.9, 0.5]))
    for i, (inner, momentum) in enumerate([("rmsprop", 0.0), ("sgd", 0.9), ("rmsprop", 0.5)]):
        alone = run("lookahead", Bowl(), x0[i], steps=25, inner=inner, lr=0.02, momentum=momentum)
        np.testing.assert_array_equal(tr.path[:, i], alone.path[:, 0])


# ------------------------------------------------------------------------- batches and metadata

ARRAY_CASES = {
    "lion": dict(lr=[0.01, 0.1, 0.03], betas=([0.9, 0.5, 0.95], [0.99, 0.9, 0.5]),
                 weight_decay=[0.0, 0.1, 0.01]),
    "lamb": dict(lr=[0.01, 0.1, 0.03], betas=([0.9, 0.5, 0.95], [0.999, 0.9, 0.5]), eps=[1e-6, 0.0, 1e-3],
                 eps_root=[0.0, 1e-8, 1e-3], weight_decay=[0.0, 0.1, 0.01]),
    "lars": dict(lr=[0.1, 1.0, 0.3], weight_decay=[0.0, 0.1, 0.01], trust_coefficient=[0.001, 0.1, 0.01],
                 eps=[0.0, 1e-6, 0.1], momentum=[0.9, 0.0, 0.5]),
    "novograd": dict(lr=[0.01, 0.1, 0.03], betas=([0.9, 0.5, 0.95], [0.25, 0.5, 0.3]), eps=[1e-6, 0.0, 1e-3],
                     eps_root=[0.0, 1e-8, 1e-3], weight_decay=[0.0, 0.1, 0.01]),
    "yogi": dict(lr=[0.01, 0.1, 0.03], betas=([0.9, 0.5, 0.95], [0.999, 0.9, 0.5]), eps=[1e-3, 0.0, 1e-6]),
    "adabelief": dict(lr=[0.01, 0.1, 0.03], betas=([0.9, 0.5, 0.95], [0.999, 0.9, 0.5]),
                      eps=[1e-16, 0.0, 1e-6], eps_root=[1e-16, 0.0, 1e-8]),
    "adafactor": dict(lr=[0.01, 0.1, 0.03], decay_rate=[0.8, 0.5, 0.8], clipping_threshold=[1.0, 0.0, 0.3],
                      momentum=[0.0, 0.9, 0.5], weight_decay=[0.0, 0.01, 0.1], eps=[1e-30, 1e-10, 1e-30]),
    "sm3": dict(lr=[0.01, 0.1, 0.03], momentum=[0.9, 0.0, 0.5], eps=[1e-8, 0.0, 1e-3]),
    "lookahead": dict(inner="adam", lr=[0.01, 0.1, 0.03], slow_step_size=[0.5, 0.0, 1.0],
                      betas=([0.9, 0.5, 0.95], [0.999, 0.9, 0.5])),
}


def _pick(value, i):
    if isinstance(value, tuple):
        return tuple(v[i] for v in value)
    if isinstance(value, list):
        return value[i]
    return value


@pytest.mark.parametrize("name", MINE)
@pytest.mark.parametrize("landscape", [Bowl((1.0, 10.0)), "rosenbrock", Bowl((2.0,))],
                         ids=["bowl", "rosen", "1d"])
def test_array_hyperparameters_equal_separate_scalar_runs(name: str, landscape) -> None:
    dim = 1 if isinstance(landscape, Bowl) and landscape.dim == 1 else 2
    x0 = np.array([[0.8, -1.2], [-1.5, 2.0], [0.3, 0.4]])[:, :dim]
    hp = ARRAY_CASES[name]
    batched = run(name, landscape, x0, steps=40,
                  **{k: (tuple(np.array(v) for v in val) if isinstance(val, tuple) else
                         np.array(val) if isinstance(val, list) and k != "inner" else val)
                     for k, val in hp.items()})
    for i in range(3):
        alone = run(name, landscape, x0[i], steps=40, **{k: _pick(v, i) for k, v in hp.items()})
        np.testing.assert_array_equal(batched.path[:, i], alone.path[:, 0])


@pytest.mark.parametrize("name", ["lamb", "lars", "novograd"])
def test_layerwise_norms_are_per_particle(name: str) -> None:
    # Particles of very different size in one batch: each one's trust ratio / gradient norm is its
    # own, so every particle equals its run alone (a norm over the batch would couple them).
    x0 = np.array([[100.0, -50.0], [0.01, 0.02], [3.0, 4.0]])
    batched = run(name, Bowl(), x0, steps=20)
    for i in range(3):
        np.testing.assert_array_equal(batched.path[:, i], run(name, Bowl(), x0[i], steps=20).path[:, 0])


DEFAULTS = {
    "lion": dict(lr=1e-4, betas=(0.9, 0.99), weight_decay=1e-3),
    "lamb": dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-6, eps_root=0.0, weight_decay=0.0),
    "lars": dict(lr=0.1, weight_decay=0.0, trust_coefficient=0.001, eps=0.0, momentum=0.9, nesterov=False),
    "novograd": dict(lr=1e-2, betas=(0.9, 0.25), eps=1e-6, eps_root=0.0, weight_decay=0.0),
    "yogi": dict(lr=1e-2, betas=(0.9, 0.999), eps=1e-3),
    "adabelief": dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-16, eps_root=1e-16),
    "adafactor": dict(lr=1e-2, decay_rate=0.8, decay_offset=0, multiply_by_parameter_scale=True,
                      clipping_threshold=1.0, momentum=0.0, weight_decay=0.0, eps=1e-30),
    "sm3": dict(lr=1e-2, momentum=0.9, eps=1e-8),
    "lookahead": dict(inner="adam", sync_period=5, slow_step_size=0.5),
}
FAMILY = {"lion": "Sign-based", "lamb": "Layer-wise", "lars": "Layer-wise", "novograd": "Layer-wise",
          "yogi": "Adam", "adabelief": "Adam", "adafactor": "Memory-efficient", "sm3": "Memory-efficient",
          "lookahead": "Wrapper"}


@pytest.mark.parametrize("name", MINE)
def test_metadata_is_complete(name: str) -> None:
    spec = get_optimizer(name)
    assert spec.name == name and spec.title and spec.family == FAMILY[name] and spec.family in FAMILIES
    assert spec.reference == "optax"
    assert spec.defaults == DEFAULTS[name]
    assert r"\begin{aligned}" in spec.update_rule and r"\end{aligned}" in spec.update_rule
    assert len(spec.explanation) > 40 and spec.paper and isinstance(spec.year, int)
    assert spec.state_names
    for h in spec.hyperparams:
        assert h.help, f"{name}.{h.name} has no help"
        assert h.kind in ("float", "int", "bool", "pair", "choice")
        if h.kind in ("float", "int", "pair"):
            assert h.low is not None and h.high is not None and h.low < h.high
            for v in (h.default if h.kind == "pair" else (h.default,)):
                assert h.low <= v <= h.high, f"{name}.{h.name}: default {v} outside [{h.low}, {h.high}]"
            if h.log:
                assert h.low > 0
        if h.kind == "pair":
            assert len(h.labels) == 2
        if h.kind == "choice":
            assert h.default in h.choices
    concrete = spec.specialize(spec.defaults) if spec.specialize else spec
    state = concrete.init(np.zeros((2, 2)), _defaults_hp(concrete))
    assert set(concrete.state_names) <= set(state), f"{name}: state_names not all in the state"


def _defaults_hp(spec):
    from optimizers.spec import Hyper

    return Hyper(spec.defaults)


def test_adafactor_and_sm3_explain_the_per_particle_reading() -> None:
    assert "unfactored" in get_optimizer("adafactor").explanation
    assert "min_dim_size_to_factor" in get_optimizer("adafactor").explanation
    assert "own accumulator" in get_optimizer("sm3").explanation
    for name in ("lamb", "lars", "novograd"):
        assert "particle" in get_optimizer(name).explanation
