"""The torch.optim family beyond SGD and Adam: Adagrad, RMSprop, Adadelta, Adamax, NAdam, RAdam, Rprop;
and torch's vocabulary for all thirteen torch-following optimizers (SGD and Adam included).

* The first steps of every optimizer, derived by hand on tiny landscapes (the arithmetic is in the
  comments), in at least two settings each, including the traps of torch's definitions.
* Per-particle (array) hyperparameters give exactly what separate scalar runs give.
* Every spec's metadata is complete, and its defaults are torch's documented defaults, written
  out literally below from the torch.optim documentation.
* torch's vocabulary: every parameter of torch 2.13's constructors (recorded in
  ``tests/goldens/torch_signatures.json``) is accepted; the implementation flags change nothing;
  unknown names still raise. Adam's ``decoupled_weight_decay`` is AdamW, and the course notes' EMA
  momentum is ``momentum=β, lr=α(1−β)``, not ``dampening=β``.
"""

from __future__ import annotations

import inspect
import json
import math
import warnings
from pathlib import Path

import numpy as np
import pytest

from optimizers import OPTIMIZERS, HyperparameterError, run
from optimizers.hyperparams import implementation_flags

NAMES = ("adagrad", "rmsprop", "adadelta", "adamax", "nadam", "radam", "rprop")


class Line:
    """``f(x) = c·x`` in 1-D: the gradient is the constant ``c`` everywhere."""

    dim = 1

    def __init__(self, c: float):
        self.c = c

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.c * np.asarray(x)[..., 0]

    def grad(self, x: np.ndarray) -> np.ndarray:
        return np.full(np.shape(x), self.c)


class Half:
    """``f(x) = ½ x²`` in 1-D: the gradient is ``x``."""

    dim = 1

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return 0.5 * np.asarray(x)[..., 0] ** 2

    def grad(self, x: np.ndarray) -> np.ndarray:
        return np.array(x, dtype=np.float64)


def path(name: str, landscape, x0: float, steps: int, **kw) -> list[float]:
    """The 1-D iterates x₀, x₁, … of one particle."""
    return [float(v) for v in run(name, landscape, [x0], steps=steps, **kw).path[:, 0, 0]]


def close(actual: list[float], expected: list[float]) -> None:
    assert actual == pytest.approx(expected, rel=1e-13, abs=1e-15)


# ----------------------------------------------------------------------------------- Adagrad

def test_adagrad_defaults_constant_gradient():
    # lr=0.01, eps=1e-10, g = 2 every step.
    # t=1: sum = 4,      x₁ = 0 − 0.01·2/(√4 + 1e-10)
    # t=2: sum = 4 + 4,  x₂ = x₁ − 0.01·2/(√8 + 1e-10)
    x1 = -0.01 * 2 / (2 + 1e-10)
    x2 = x1 - 0.01 * 2 / (math.sqrt(8) + 1e-10)
    close(path("adagrad", Line(2.0), 0.0, 2), [0.0, x1, x2])


def test_adagrad_lr_decay_weight_decay_initial_accumulator():
    # f = ½x², x₀ = 2, lr=0.5, lr_decay=1, weight_decay=0.5, initial_accumulator_value=5, eps=0.
    # t=1: g = 2 + 0.5·2 = 3, rate = 0.5/(1 + 0·1) = 0.5, sum = 5 + 9 = 14,  x₁ = 2 − 0.5·3/√14
    # t=2: g = 1.5·x₁,       rate = 0.5/(1 + 1·1) = 0.25, sum = 14 + g²,    x₂ = x₁ − 0.25·g/√sum
    x1 = 2 - 0.5 * 3 / math.sqrt(14)
    g2 = 1.5 * x1
    x2 = x1 - 0.25 * g2 / math.sqrt(14 + g2 * g2)
    got = path("adagrad", Half(), 2.0, 2, lr=0.5, lr_decay=1.0, weight_decay=0.5,
               initial_accumulator_value=5.0, eps=0.0)
    close(got, [2.0, x1, x2])


def test_weight_decay_is_added_after_the_maximize_flip():
    # Maximize ½x² from x₀ = 2 with Adagrad, lr=0.5, weight_decay=0.5, initial_accumulator_value=3.
    # torch: g = −∇f = −2, then + λx = −2 + 1 = −1; sum = 3 + 1 = 4; x₁ = 2 − 0.5·(−1)/2 = 2.25.
    # (Decay before the flip would give g = −3, sum = 12, x₁ = 2 + 1.5/√12 ≈ 2.433.)
    got = path("adagrad", Half(), 2.0, 1, maximize=True, lr=0.5, weight_decay=0.5,
               initial_accumulator_value=3.0, eps=0.0)
    close(got, [2.0, 2.25])


# ----------------------------------------------------------------------------------- RMSprop

def test_rmsprop_defaults_constant_gradient():
    # lr=0.01, alpha=0.99, eps=1e-8, g = 2.
    # t=1: v = 0.01·4 = 0.04,               x₁ = −0.01·2/(√0.04 + 1e-8) = −0.02/0.20000001
    # t=2: v = 0.99·0.04 + 0.01·4 = 0.0796, x₂ = x₁ − 0.02/(√0.0796 + 1e-8)
    x1 = -0.02 / (0.2 + 1e-8)
    x2 = x1 - 0.02 / (math.sqrt(0.0796) + 1e-8)
    close(path("rmsprop", Line(2.0), 0.0, 2), [0.0, x1, x2])


def test_rmsprop_momentum_buffer_starts_at_zero():
    # lr=0.01, alpha=0.99, momentum=0.9, eps=0, g = 2.
    # t=1: v = 0.04, √v = 0.2, b = 0.9·0 + 2/0.2 = 10, x₁ = −0.01·10 = −0.1
    #      (an SGD-style buffer started at g would give b = 2, x₁ = −0.02)
    # t=2: v = 0.0796, b = 9 + 2/√0.0796, x₂ = −0.1 − 0.01·b
    got = path("rmsprop", Line(2.0), 0.0, 2, momentum=0.9, eps=0.0)
    close(got, [0.0, -0.1, -0.1 - 0.01 * (9 + 2 / math.sqrt(0.0796))])


def test_rmsprop_centered_momentum():
    # lr=0.1, alpha=0.5, momentum=0.9, centered, eps=0, g = 2.
    # t=1: v = 0.5·4 = 2, ḡ = 0.5·2 = 1, √(v − ḡ²) = 1, b = 0.9·0 + 2/1 = 2,      x₁ = −0.1·2 = −0.2
    # t=2: v = 1 + 2 = 3, ḡ = 0.5 + 1 = 1.5, √(3 − 2.25) = √0.75, b = 0.9·2 + 2/√0.75,
    #      x₂ = x₁ − 0.1·b
    b2 = 1.8 + 2 / math.sqrt(0.75)
    got = path("rmsprop", Line(2.0), 0.0, 2, lr=0.1, alpha=0.5, momentum=0.9, centered=True, eps=0.0)
    close(got, [0.0, -0.2, -0.2 - 0.1 * b2])


# ---------------------------------------------------------------------------------- Adadelta

def test_adadelta_defaults_first_step_is_tiny():
    # lr=1, rho=0.9, eps=1e-6, g = 2: v = 0.1·4 = 0.4; Δ = √(0 + 1e-6)/√(0.4 + 1e-6)·2
    # = 2e-3/√0.400001; x₁ = −Δ. ε inside the square root of u is what makes the first step non-zero.
    delta = 2e-3 / math.sqrt(0.400001)
    close(path("adadelta", Line(2.0), 0.0, 1), [0.0, -delta])


def test_adadelta_two_steps_with_large_eps():
    # lr=0.5, rho=0.5, eps=0.25, g = 2.
    # t=1: v = 0.5·4 = 2; Δ = √0.25/√2.25·2 = 0.5/1.5·2 = 2/3; u = 0.5·4/9 = 2/9; x₁ = −0.5·2/3 = −1/3
    # t=2: v = 1 + 2 = 3; Δ = √(2/9 + 1/4)/√3.25·2 = (√17/6)/(√13/2)·2 = 2√17/(3√13);
    #      x₂ = −1/3 − 0.5·Δ
    delta2 = 2 * math.sqrt(17) / (3 * math.sqrt(13))
    got = path("adadelta", Line(2.0), 0.0, 2, lr=0.5, rho=0.5, eps=0.25)
    close(got, [0.0, -1 / 3, -1 / 3 - 0.5 * delta2])


# ------------------------------------------------------------------------------------ Adamax

def test_adamax_defaults_eps_inside_the_max():
    # lr=2e-3, betas=(0.9, 0.999), eps=1e-8, g = 2.
    # t=1: m = 0.2, u = max(0, 2 + 1e-8) = 2.00000001, rate = 2e-3/(1 − 0.9) = 0.02,
    #      x₁ = −0.02·0.2/2.00000001 = −0.004/2.00000001
    # t=2: m = 0.18 + 0.2 = 0.38, u = max(0.999·2.00000001, 2.00000001) = 2.00000001,
    #      rate = 2e-3/0.19, x₂ = x₁ − (2e-3/0.19)·0.38/2.00000001 = x₁ − 0.004/2.00000001
    x1 = -0.004 / 2.00000001
    close(path("adamax", Line(2.0), 0.0, 2), [0.0, x1, 2 * x1])


def test_adamax_infinity_norm_remembers_the_larger_gradient():
    # f = ½x², x₀ = 2, lr=1, betas=(0, 0.9), eps=0.
    # t=1: g = 2, m = 2, u = max(0, 2) = 2, rate = 1/(1 − 0) = 1, x₁ = 2 − 2/2 = 1
    # t=2: g = 1, m = 1, u = max(0.9·2, 1) = 1.8,               x₂ = 1 − 1/1.8 = 4/9
    got = path("adamax", Half(), 2.0, 2, lr=1.0, betas=(0.0, 0.9), eps=0.0)
    close(got, [2.0, 1.0, 4 / 9])


def test_adamax_eps_is_remembered_by_the_max():
    # f = ½x², x₀ = 2, lr=1, betas=(0.5, 0.9), eps=1.
    # t=1: g = 2, m = 1, u = max(0, 2 + 1) = 3, rate = 1/0.5 = 2, x₁ = 2 − 2·1/3 = 4/3
    # t=2: g = 4/3, m = 0.5 + 2/3 = 7/6, u = max(0.9·3, 4/3 + 1) = 2.7, rate = 1/0.75 = 4/3,
    #      x₂ = 4/3 − (4/3)(7/6)/2.7.  (ε outside the max would give max(1.8, 4/3) + 1 = 2.8.)
    got = path("adamax", Half(), 2.0, 2, lr=1.0, betas=(0.5, 0.9), eps=1.0)
    close(got, [2.0, 4 / 3, 4 / 3 - (4 / 3) * (7 / 6) / 2.7])


def test_adamax_weight_decay():
    # f = ½x², x₀ = 2, lr=0.1, betas=(0.5, 0.5), eps=1, weight_decay=0.5.
    # t=1: g = 2 + 1 = 3, m = 1.5, u = max(0, 3 + 1) = 4, rate = 0.1/0.5 = 0.2, x₁ = 2 − 0.2·1.5/4 = 1.925
    # t=2: g = 1.5·1.925 = 2.8875, m = 0.75 + 1.44375 = 2.19375, u = max(2, 3.8875) = 3.8875,
    #      rate = 0.1/0.75, x₂ = 1.925 − (0.1/0.75)·2.19375/3.8875
    x2 = 1.925 - (0.1 / 0.75) * 2.19375 / 3.8875
    got = path("adamax", Half(), 2.0, 2, lr=0.1, betas=(0.5, 0.5), eps=1.0, weight_decay=0.5)
    close(got, [2.0, 1.925, x2])


# ------------------------------------------------------------------------------------- NAdam

def _mu(beta1: float, t: int, psi: float) -> float:
    return beta1 * (1 - 0.5 * 0.96 ** (t * psi))


def test_nadam_defaults_first_step():
    # lr=2e-3, betas=(0.9, 0.999), eps=1e-8, ψ=4e-3, g = 2.
    # μ₁ = 0.9(1 − ½·0.96^0.004), μ₂ = 0.9(1 − ½·0.96^0.008), Π₁ = μ₁.
    # m = 0.2, v = 0.004, v/(1 − 0.999) = 4, denom = 2 + 1e-8.
    # x₁ = −2e-3·(1 − μ₁)/(1 − Π₁)·2/denom − 2e-3·μ₂/(1 − Π₁μ₂)·0.2/denom
    #    = −0.004/denom − 4e-4·μ₂/((1 − μ₁μ₂)·denom)
    mu1, mu2 = _mu(0.9, 1, 4e-3), _mu(0.9, 2, 4e-3)
    denom = 2 + 1e-8
    x1 = -0.004 / denom - 4e-4 * mu2 / ((1 - mu1 * mu2) * denom)
    close(path("nadam", Line(2.0), 0.0, 1), [0.0, x1])


def test_nadam_decoupled_weight_decay_constant_mu():
    # f = ½x², x₀ = 2, lr=0.1, betas=(0.5, 0.5), eps=0, weight_decay=0.5, decoupled, ψ = 0
    # so μ_t = 0.5(1 − ½) = 0.25 for every t.
    # t=1: θ ← 2(1 − 0.1·0.5) = 1.9; g = 2 (taken at x₀); m = 1; v = 2; √(2/0.5) = 2; Π = 0.25;
    #      x₁ = 1.9 − 0.1·(0.75/0.75)·2/2 − 0.1·0.25/(1 − 0.0625)·1/2 = 1.8 − 0.025/1.875
    x1 = 1.8 - 0.025 / 1.875
    got = path("nadam", Half(), 2.0, 1, lr=0.1, betas=(0.5, 0.5), eps=0.0, weight_decay=0.5,
               decoupled_weight_decay=True, momentum_decay=0.0)
    close(got, [2.0, x1])
    # Coupled instead: g = 2 + 0.5·2 = 3, m = 1.5, v = 4.5, √(4.5/0.5) = 3;
    # x₁ = 2 − 0.1·3/3 − (0.025/0.9375)·1.5/3 = 1.9 − 0.0125/0.9375
    got = path("nadam", Half(), 2.0, 1, lr=0.1, betas=(0.5, 0.5), eps=0.0, weight_decay=0.5,
               momentum_decay=0.0)
    close(got, [2.0, 1.9 - 0.0125 / 0.9375])


def test_nadam_mu_product_accumulates():
    # Constant g = 1, betas=(0.5, 0.5), eps=0, lr=1, ψ = 0: μ = 0.25, Π_t = 0.25^t.
    # m_t = 1 − 0.5^t, v_t = 1 − 0.5^t, √(v_t/(1 − 0.5^t)) = 1, so the step is
    # (1 − 0.25)/(1 − 0.25^t) + 0.25(1 − 0.5^t)/(1 − 0.25^(t+1)).
    # t=1: 1 + 0.125/0.9375;  t=2: 0.75/0.9375 + 0.1875/0.984375
    s1 = 1 + 0.125 / 0.9375
    s2 = 0.75 / 0.9375 + 0.1875 / 0.984375
    got = path("nadam", Line(1.0), 0.0, 2, lr=1.0, betas=(0.5, 0.5), eps=0.0, momentum_decay=0.0)
    close(got, [0.0, -s1, -s1 - s2])


# ------------------------------------------------------------------------------------- RAdam

def test_radam_defaults_start_with_plain_momentum_steps():
    # betas=(0.9, 0.999): ρ∞ = 1999, ρ₁ = 1999 − 2·0.999/0.001 = 1, ρ₂ ≈ 2: both ≤ 5, so
    # θ ← θ − lr·m̂ with m̂ = g = 2 for a constant gradient: x₁ = −0.002, x₂ = −0.004.
    close(path("radam", Line(2.0), 0.0, 2), [0.0, -0.002, -0.004])


def test_radam_rectified_steps_on_a_constant_gradient():
    # Constant g = c > 0, eps = 0: m̂_t = c and √v_t = c·√(1 − β₂ᵗ), so a rectified step is
    # lr · c · √(1 − β₂ᵗ)/(c√(1 − β₂ᵗ)) · r_t = lr·r_t (c cancels), and an unrectified one is lr·c.
    # betas=(0.9, 0.8): ρ∞ = 2/0.2 − 1 = 9, ρ_t = 9 − 2t·0.8ᵗ/(1 − 0.8ᵗ):
    # ρ₆ = 9 − 12·0.262144/0.737856 ≈ 4.737 ≤ 5, ρ₇ = 9 − 14·0.2097152/0.7902848 ≈ 5.285 > 5.
    lr, steps = 0.1, 12
    rho_inf = 9.0
    expected, x = [0.0], 0.0
    rectified_from = None
    for t in range(1, steps + 1):
        rho = rho_inf - 2 * t * 0.8**t / (1 - 0.8**t)
        if rho > 5:
            rectified_from = rectified_from or t
            r = math.sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
            x -= lr * r
        else:
            x -= lr * 3.0
        expected.append(x)
    assert rectified_from == 7
    close(path("radam", Line(3.0), 0.0, steps, lr=lr, betas=(0.9, 0.8), eps=0.0), expected)


def test_radam_decoupled_weight_decay():
    # f = ½x², x₀ = 2, lr=0.1, weight_decay=0.5, decoupled: θ ← 2(1 − 0.05) = 1.9, then the plain step
    # with m̂ = g = 2: x₁ = 1.9 − 0.2 = 1.7. Coupled: g = 3, x₁ = 2 − 0.3 = 1.7 as well, so use t=2:
    # decoupled t=2: θ ← 1.7·0.95 = 1.615, m = 0.18 + 0.17 = 0.35, m̂ = 0.35/0.19; x₂ = 1.615 − 0.1·0.35/0.19
    got = path("radam", Half(), 2.0, 2, lr=0.1, weight_decay=0.5, decoupled_weight_decay=True)
    close(got, [2.0, 1.7, 1.615 - 0.1 * 0.35 / 0.19])
    # coupled t=2: g = 1.7 + 0.85 = 2.55, m = 0.27 + 0.255 = 0.525; x₂ = 1.7 − 0.1·0.525/0.19
    got = path("radam", Half(), 2.0, 2, lr=0.1, weight_decay=0.5)
    close(got, [2.0, 1.7, 1.7 - 0.1 * 0.525 / 0.19])


# ------------------------------------------------------------------------------------- Rprop

def test_rprop_defaults_step_sizes_grow():
    # lr=0.01, etas=(0.5, 1.2), g = 2 always: sign products 0, +, + → sizes 0.01, 0.012, 0.0144.
    close(path("rprop", Line(2.0), 0.0, 3), [0.0, -0.01, -0.022, -0.0364])


def test_rprop_first_step_is_clamped_and_sign_flips_skip():
    # f = ½x², x₀ = 0.3, lr=1, step_sizes=(0.01, 0.5), etas=(0.5, 1.2).
    # t=1: prev = 0 → factor 1, size = clamp(1) = 0.5 (clamped on the first step); x₁ = 0.3 − 0.5 = −0.2
    # t=2: g = −0.2, prev = 0.3 → flip: size 0.25, g zeroed → x₂ = −0.2, prev = 0
    # t=3: prev = 0 → factor 1, size 0.25; x₃ = −0.2 + 0.25 = 0.05
    # t=4: g = 0.05, prev = −0.2 → flip: size 0.125, no move
    # t=5: factor 1, x₅ = 0.05 − 0.125 = −0.075
    got = path("rprop", Half(), 0.3, 5, lr=1.0, step_sizes=(0.01, 0.5))
    close(got, [0.3, -0.2, -0.2, 0.05, 0.05, -0.075])


def test_rprop_step_size_floor():
    # lr=0.01, etas=(0.1, 1.2), step_sizes=(0.004, 50) on ½x² from x₀ = 0.005:
    # t=1: size 0.01, x₁ = 0.005 − 0.01 = −0.005; t=2: flip, size max(0.001, 0.004) = 0.004, no move;
    # t=3: x₃ = −0.005 + 0.004 = −0.001
    got = path("rprop", Half(), 0.005, 3, lr=0.01, etas=(0.1, 1.2), step_sizes=(0.004, 50.0))
    close(got, [0.005, -0.005, -0.005, -0.001])


# ------------------------------------------------------------------- per-particle hyperparameters

ARRAY_CASES = {
    "adagrad": {"lr": [0.05, 0.2, 0.01], "lr_decay": [0.0, 0.1, 0.01],
                "weight_decay": [0.0, 0.1, 0.3], "initial_accumulator_value": [0.0, 0.5, 2.0],
                "eps": [1e-10, 1e-3, 0.0]},
    "rmsprop": {"lr": [0.01, 0.003, 0.02], "alpha": [0.99, 0.5, 0.9], "eps": [1e-8, 1e-3, 0.0],
                "weight_decay": [0.0, 0.1, 0.0], "momentum": [0.0, 0.9, 0.5]},
    "adadelta": {"lr": [1.0, 0.5, 2.0], "rho": [0.9, 0.5, 0.99], "eps": [1e-6, 1e-3, 1e-8],
                 "weight_decay": [0.0, 0.1, 0.0]},
    "adamax": {"lr": [0.002, 0.05, 0.01], "betas": [(0.9, 0.999), (0.5, 0.9), (0.0, 0.3)],
               "eps": [1e-8, 1e-3, 0.0], "weight_decay": [0.0, 0.2, 0.0]},
    "nadam": {"lr": [0.002, 0.05, 0.01], "betas": [(0.9, 0.999), (0.5, 0.9), (0.8, 0.3)],
              "eps": [1e-8, 1e-3, 0.0], "weight_decay": [0.0, 0.2, 0.1],
              "momentum_decay": [4e-3, 0.0, 0.05]},
    "radam": {"lr": [0.001, 0.05, 0.01], "betas": [(0.9, 0.999), (0.5, 0.9), (0.8, 0.95)],
              "eps": [1e-8, 1e-3, 0.0], "weight_decay": [0.0, 0.2, 0.1]},
    "rprop": {"lr": [0.01, 0.5, 1e-4], "etas": [(0.5, 1.2), (0.3, 1.5), (0.9, 1.01)],
              "step_sizes": [(1e-6, 50.0), (1e-3, 0.2), (1e-5, 1.0)]},
}


def _rosenbrock():
    from landscapes import get_landscape

    return get_landscape("rosenbrock")


def _flag_cases() -> list[tuple[str, bool]]:
    cases = [(name, False) for name in NAMES]
    cases += [(name, True) for name in NAMES if any(h.kind == "bool" for h in OPTIMIZERS[name].hyperparams)]
    return cases


@pytest.mark.parametrize(("name", "flag"), _flag_cases())
def test_array_hyperparameters_equal_separate_scalar_runs(name, flag):
    spec = OPTIMIZERS[name]
    flags = {h.name: flag for h in spec.hyperparams if h.kind == "bool"}
    land = _rosenbrock()
    x0 = np.array([[-1.5, 2.0], [0.5, 0.5], [1.2, -0.7]])
    case = ARRAY_CASES[name]
    arrays = {k: np.array(v) for k, v in case.items()}
    batched = run(name, land, x0, steps=60, record_state=True, **arrays, **flags)
    for i in range(len(x0)):
        scalars = {k: (tuple(v[i]) if isinstance(v[i], tuple) else v[i]) for k, v in case.items()}
        single = run(name, land, x0[i], steps=60, record_state=True, **scalars, **flags)
        assert np.array_equal(batched.path[:, i], single.path[:, 0], equal_nan=True), (name, i)
        for key, value in single.state.items():
            assert np.array_equal(batched.state[key][:, i], value[:, 0], equal_nan=True), (name, key)


def test_rmsprop_per_particle_momentum_and_centered_mix():
    land = _rosenbrock()
    x0 = np.array([[-1.5, 2.0], [0.5, 0.5], [1.2, -0.7], [0.1, 0.1]])
    momentum = np.array([0.0, 0.9, 0.0, 0.5])
    centered = np.array([True, False, False, True])
    batched = run("rmsprop", land, x0, steps=50, lr=0.003, momentum=momentum, centered=centered)
    for i in range(4):
        single = run("rmsprop", land, x0[i], steps=50, lr=0.003, momentum=momentum[i],
                     centered=bool(centered[i]))
        assert np.array_equal(batched.path[:, i], single.path[:, 0])


def test_radam_per_particle_beta2_switches_rectification_at_different_steps():
    # β₂ = 0.8 rectifies from t = 7 (ρ₇ ≈ 5.285), β₂ = 0.999 from t = 6 (ρ₆ ≈ 5.994),
    # β₂ = 0.6 never (ρ∞ = 2/0.4 − 1 = 4).
    beta2 = np.array([0.8, 0.999, 0.6])
    betas = np.stack([np.full(3, 0.9), beta2], axis=1)
    batched = run("radam", Line(1.0), [[0.0], [0.0], [0.0]], steps=10, lr=0.1, betas=betas)
    for i in range(3):
        single = run("radam", Line(1.0), [0.0], steps=10, lr=0.1, betas=(0.9, beta2[i]))
        assert np.array_equal(batched.path[:, i], single.path[:, 0])


# ------------------------------------------------------------------------------ extremes, speed

@pytest.mark.parametrize("name", NAMES)
def test_extreme_hyperparameters_do_not_raise(name):
    spec = OPTIMIZERS[name]
    extremes = []
    for h in spec.hyperparams:
        if h.kind == "pair":
            extremes += [{h.name: (0.0, 0.0)}, {h.name: (1.0, 1.0)}]
        elif h.kind == "float":
            extremes += [{h.name: 0.0}, {h.name: 1.0}, {h.name: 1e6}]
    extremes.append({h.name: True for h in spec.hyperparams if h.kind == "bool"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for hp in extremes:
            tr = run(name, _rosenbrock(), [[-1.5, 2.0], [0.0, 0.0]], steps=30, **hp)
            assert tr.path.shape == (31, 2, 2)
            assert np.all(np.isfinite(tr.path)), hp  # diverged particles are frozen, never non-finite


# ---------------------------------------------------------------------------------- metadata

#: torch.optim's documented defaults (torch 2.x docs, each class's signature), copied literally.
TORCH_DEFAULTS = {
    "adagrad": {"lr": 1e-2, "lr_decay": 0, "weight_decay": 0, "initial_accumulator_value": 0,
                "eps": 1e-10},
    "rmsprop": {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0, "momentum": 0,
                "centered": False},
    "adadelta": {"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0},
    "adamax": {"lr": 2e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0},
    "nadam": {"lr": 2e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0,
              "momentum_decay": 4e-3, "decoupled_weight_decay": False},
    "radam": {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0,
              "decoupled_weight_decay": False},
    "rprop": {"lr": 1e-2, "etas": (0.5, 1.2), "step_sizes": (1e-6, 50)},
}

FAMILIES = {"adagrad": "Adaptive", "rmsprop": "Adaptive", "adadelta": "Adaptive", "adamax": "Adam",
            "nadam": "Adam", "radam": "Adam", "rprop": "Sign-based"}

PAPERS = {  # (a word from the authors, the year)
    "adagrad": ("Duchi", 2011), "rmsprop": ("Hinton", 2012), "adadelta": ("Zeiler", 2012),
    "adamax": ("Kingma", 2015), "nadam": ("Dozat", 2016), "radam": ("Liu", 2020),
    "rprop": ("Riedmiller", 1993),
}

STATE = {
    "adagrad": {"sum"}, "rmsprop": {"square_avg", "momentum_buffer", "grad_avg"},
    "adadelta": {"square_avg", "acc_delta"}, "adamax": {"exp_avg", "exp_inf"},
    "nadam": {"exp_avg", "exp_avg_sq", "mu_product"}, "radam": {"exp_avg", "exp_avg_sq"},
    "rprop": {"prev", "step_size"},
}


@pytest.mark.parametrize("name", NAMES)
def test_spec_metadata(name):
    spec = OPTIMIZERS[name]
    assert spec.name == name and spec.title
    assert spec.family == FAMILIES[name]
    assert spec.reference == "torch"
    assert spec.defaults == TORCH_DEFAULTS[name]
    author, year = PAPERS[name]
    assert author in spec.paper and str(year) in spec.paper and spec.year == year
    assert r"\begin{aligned}" in spec.update_rule and r"\end{aligned}" in spec.update_rule
    assert spec.update_rule.count("{") == spec.update_rule.count("}")
    assert 20 < len(spec.explanation) < 400 and spec.explanation.count(". ") <= 2
    assert set(spec.state_names) == STATE[name]
    assert spec.step.__doc__ and spec.init.__doc__
    for h in spec.hyperparams:
        assert h.help, h.name
        if h.kind == "bool":
            assert isinstance(h.default, bool)
            continue
        values = h.default if h.kind == "pair" else (h.default,)
        assert h.low is not None and h.high is not None and h.low < h.high, h.name
        assert all(h.low <= v <= h.high for v in values), h.name
        if h.kind == "pair":
            assert len(h.default) == 2 and len(h.labels) == 2, h.name
        if h.name in ("lr", "eps", "step_sizes"):
            assert h.log, h.name
    if name == "rprop":
        assert "weight_decay" not in spec.defaults


@pytest.mark.parametrize("name", NAMES)
def test_initial_state_matches_state_names(name):
    spec = OPTIMIZERS[name]
    flags = {h.name: True for h in spec.hyperparams if h.kind == "bool"}
    extra = {"momentum": 0.5} if name == "rmsprop" else {}
    tr = run(name, Half(), [1.0], steps=2, record_state=True, **flags, **extra)
    assert set(tr.state) - {"grad"} == STATE[name]


# ------------------------------------------------------------------------- torch's vocabulary
#
# tests/goldens/torch_signatures.json records the parameters of torch 2.13's optimizer constructors
# (written by scripts/make_goldens.py, so these tests need no torch). A torch user's keyword dict
# must work as it is: every algorithm parameter is a hyperparameter of ours with the same default,
# ``maximize`` is run()'s engine-wide keyword, and torch's implementation flags are accepted and
# ignored exactly where that constructor has them.

SIGNATURES = json.loads((Path(__file__).parent / "goldens" / "torch_signatures.json").read_text())
#: torch's names for kernel choices (not algorithm parameters)
IMPLEMENTATION = {"foreach", "fused", "capturable", "differentiable"}
TORCH_SPECS = [name for name, spec in OPTIMIZERS.items() if spec.reference == "torch"]
STARTS = np.array([[-1.5, 2.0], [0.5, 0.5], [1.2, -0.7]])


def _torch_parameters(name: str) -> dict:
    return SIGNATURES["classes"][SIGNATURES["optimizers"][name]["class"]]["defaults"]


def _plain(value):
    return list(value) if isinstance(value, tuple) else value


def test_signatures_cover_every_torch_spec():
    assert SIGNATURES["library"] == "torch" and SIGNATURES["version"].startswith("2.13")
    assert set(TORCH_SPECS) == set(SIGNATURES["optimizers"]), (
        "every optimizer that follows torch needs its constructor recorded: run "
        "scripts/make_goldens.py torch_signatures after adding it to the TORCH table")
    assert len(TORCH_SPECS) == 13


#: Hyperparameters we add to a torch optimizer; at their defaults the optimizer is torch's.
OUR_EXTENSIONS = {name: {"momentum_form"} for name in ("sgd", "momentum", "nesterov")}


@pytest.mark.parametrize("name", TORCH_SPECS)
def test_spec_takes_every_torch_constructor_parameter(name):
    spec = OPTIMIZERS[name]
    ours = spec.defaults
    by_design = SIGNATURES["optimizers"][name]["our_defaults"]
    torch_params = _torch_parameters(name)
    for param, default in torch_params.items():
        if param == "maximize":
            assert inspect.signature(run).parameters["maximize"].default == default
        elif param in IMPLEMENTATION:
            assert param in implementation_flags(spec), f"{name} must accept torch's {param!r}"
        else:
            assert param in ours, f"{name} lacks torch's hyperparameter {param!r}"
            assert _plain(ours[param]) == by_design.get(param, default), (name, param)
    # nothing of ours that torch lacks (but the notes' momentum convention, whose default is torch's
    # own form), flags only where torch has them, and never as app controls
    assert set(ours) - set(torch_params) <= OUR_EXTENSIONS.get(name, set()), set(ours) - set(torch_params)
    assert implementation_flags(spec) == set(torch_params) & IMPLEMENTATION
    assert not set(ours) & IMPLEMENTATION


@pytest.mark.parametrize("name", TORCH_SPECS)
def test_a_torch_keyword_dict_works_as_it_is(name):
    # Every constructor argument at torch's default, the implementation flags switched on: the
    # result is bit for bit the run without the flags.
    kwargs = {k: (tuple(v) if isinstance(v, list) else v) for k, v in _torch_parameters(name).items()}
    kwargs.update({k: True for k in kwargs if k in IMPLEMENTATION})
    kwargs["lr"] = 0.01 if name not in ("sgd", "momentum", "nesterov") else 1e-4
    plain = {k: v for k, v in kwargs.items() if k not in IMPLEMENTATION}
    got = run(name, _rosenbrock(), STARTS, steps=40, **kwargs)
    expected = run(name, _rosenbrock(), STARTS, steps=40, **plain)
    assert np.array_equal(got.path, expected.path) and np.array_equal(got.loss, expected.loss)
    assert got.hyperparams.keys() == expected.hyperparams.keys() == OPTIMIZERS[name].defaults.keys()


SETTINGS = {  # something non-trivial for every path through the step (decay, momentum, flags)
    "sgd": {"lr": 1e-4, "momentum": 0.5, "weight_decay": 0.1},
    "momentum": {"lr": 1e-4, "dampening": 0.3},
    "nesterov": {"lr": 1e-4, "weight_decay": 0.05},
    "adagrad": {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.1},
    "rmsprop": {"lr": 0.01, "momentum": 0.5, "centered": True, "weight_decay": 0.1},
    "adadelta": {"lr": 1.0, "weight_decay": 0.1},
    "adam": {"lr": 0.01, "weight_decay": [0.0, 0.1, 0.5], "decoupled_weight_decay": [True, False, True]},
    "amsgrad": {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True},
    "adamw": {"lr": 0.01, "weight_decay": 0.5},
    "adamax": {"lr": 0.01, "weight_decay": 0.1},
    "nadam": {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True},
    "radam": {"lr": 0.01, "weight_decay": 0.1},
    "rprop": {"lr": 0.01, "etas": (0.3, 1.5)},
}


@pytest.mark.parametrize("name", TORCH_SPECS)
def test_implementation_flags_are_accepted_and_change_nothing(name):
    flags = sorted(implementation_flags(OPTIMIZERS[name]))
    base = run(name, _rosenbrock(), STARTS, steps=60, record_state=True, **SETTINGS[name])
    choices = [{f: True for f in flags}, {f: False for f in flags}, {f: np.bool_(True) for f in flags}]
    choices += [{f: None} for f in flags if f in ("foreach", "fused")]  # torch's "let me choose"
    choices += [{f: True} for f in flags]
    for given in choices:
        tr = run(name, _rosenbrock(), STARTS, steps=60, record_state=True, **SETTINGS[name], **given)
        assert np.array_equal(tr.path, base.path) and np.array_equal(tr.loss, base.loss), given
        assert tr.state.keys() == base.state.keys()
        assert all(np.array_equal(tr.state[k], base.state[k]) for k in base.state), given
        assert set(tr.hyperparams) == set(base.hyperparams), "flags are not hyperparameters"


@pytest.mark.parametrize(("name", "kwargs", "message"), [
    ("adam", {"decoupled": True}, r"adam has no hyperparameter 'decoupled'; valid: lr, betas, eps, "
                                  r"weight_decay, amsgrad, decoupled_weight_decay \(torch's capturable, "
                                  r"differentiable, foreach, fused are also accepted and ignored\)"),
    ("adamw", {"decoupled_weight_decay": True}, r"adamw has no hyperparameter 'decoupled_weight_decay'"),
    ("rmsprop", {"fused": True}, r"rmsprop has no hyperparameter 'fused'; valid: lr, alpha"),
    ("adadelta", {"fused": None}, r"adadelta has no hyperparameter 'fused'"),
    ("sgd", {"capturable": False}, r"sgd has no hyperparameter 'capturable'"),
    ("adagrad", {"capturable": False}, r"adagrad has no hyperparameter 'capturable'"),
    ("rprop", {"weight_decay": 0.1}, r"rprop has no hyperparameter 'weight_decay'"),
    ("sgd", {"foreach": True, "beta": 0.9}, r"sgd has no hyperparameter 'beta'; valid: lr, momentum"),
    ("lion", {"foreach": True}, r"lion has no hyperparameter 'foreach'; valid: lr, betas, weight_decay$"),
    ("yogi", {"fused": None}, r"yogi has no hyperparameter 'fused'"),
    ("adam", {"fused": "yes"}, r"fused is torch's implementation switch .* None, True or False, got 'yes'"),
    ("adam", {"foreach": 1}, r"foreach is torch's implementation switch"),
    ("sgd", {"differentiable": [True, False, True]}, r"differentiable is torch's implementation switch"),
])
def test_unknown_names_and_bad_flag_values_still_raise(name, kwargs, message):
    with pytest.raises(HyperparameterError, match=message):
        run(name, _rosenbrock(), STARTS, steps=1, **kwargs)


# ---- Adam's decoupled_weight_decay (torch 2.7+): Adam with it is AdamW

def test_adam_decoupled_first_step_by_hand():
    # f = ½x², x₀ = 2, lr = 0.1, λ = 0.5. Adam's first step is lr·g/(|g| + ε) (bias-corrected).
    # decoupled: θ ← 2·(1 − 0.1·0.5) = 1.9, then g = ∇f(2) = 2:   x₁ = 1.9 − 0.1·2/(2 + 1e-8)
    # coupled:   g = 2 + 0.5·2 = 3:                              x₁ = 2 − 0.1·3/(3 + 1e-8)
    # maximize, decoupled: θ ← 1.9, g = −2:                      x₁ = 1.9 + 0.1·2/(2 + 1e-8)
    kw = {"lr": 0.1, "weight_decay": 0.5}
    close(path("adam", Half(), 2.0, 1, decoupled_weight_decay=True, **kw), [2.0, 1.9 - 0.1 * 2 / (2 + 1e-8)])
    close(path("adam", Half(), 2.0, 1, **kw), [2.0, 2 - 0.1 * 3 / (3 + 1e-8)])
    close(path("adam", Half(), 2.0, 1, decoupled_weight_decay=True, maximize=True, **kw),
          [2.0, 1.9 + 0.1 * 2 / (2 + 1e-8)])


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_with_decoupled_weight_decay_is_adamw(amsgrad):
    wd = np.array([0.0, 0.01, 0.5])
    for name in ("adam", "amsgrad"):
        ours = run(name, _rosenbrock(), STARTS, steps=100, lr=0.01, weight_decay=wd, amsgrad=amsgrad,
                   decoupled_weight_decay=True, record_state=True)
        adamw = run("adamw", _rosenbrock(), STARTS, steps=100, lr=0.01, weight_decay=wd, amsgrad=amsgrad,
                    record_state=True)
        assert np.array_equal(ours.path, adamw.path), name
        assert all(np.array_equal(ours.state[k], adamw.state[k]) for k in adamw.state)
    coupled = run("adam", _rosenbrock(), STARTS, steps=100, lr=0.01, weight_decay=wd, amsgrad=amsgrad)
    assert np.abs(coupled.path[:, 1:] - adamw.path[:, 1:]).max() > 1e-3  # the flag does something


def test_adam_decoupled_keeps_adams_default_weight_decay():
    # torch: Adam(decoupled_weight_decay=True) keeps weight_decay=0 (a no-op); only AdamW defaults to 0.01.
    assert OPTIMIZERS["adam"].defaults["decoupled_weight_decay"] is False
    assert OPTIMIZERS["adam"].defaults["weight_decay"] == 0
    assert OPTIMIZERS["adamw"].defaults["weight_decay"] == 0.01
    plain = run("adam", _rosenbrock(), STARTS, steps=50, lr=0.01)
    flagged = run("adam", _rosenbrock(), STARTS, steps=50, lr=0.01, decoupled_weight_decay=True)
    adamw = run("adamw", _rosenbrock(), STARTS, steps=50, lr=0.01)
    assert np.array_equal(plain.path, flagged.path)
    assert not np.array_equal(flagged.path, adamw.path)


# ---- SGD momentum conventions: the course notes' EMA form is momentum=β, lr=α(1−β), not dampening=β

def test_ema_momentum_is_momentum_beta_with_lr_scaled_not_dampening():
    land = _rosenbrock()
    alpha, beta, steps = 1e-3, 0.9, 50
    # The notes: b₀ = 0, b ← βb + (1−β)g, θ ← θ − αb.
    x, b = np.array([-1.5, 2.0]), np.zeros(2)
    ema = [x.copy()]
    for _ in range(steps):
        g = land.grad(x[None, :])[0]
        b = beta * b + (1.0 - beta) * g
        x = x - alpha * b
        ema.append(x.copy())
    ema = np.array(ema)
    # torch's buffer is b/(1−β) at every step (b₁ = g₁ = b₁ᴱᴹᴬ/(1−β)), so the step α·bᴱᴹᴬ is α(1−β)·b.
    same = run("sgd", land, [-1.5, 2.0], steps=steps, momentum=beta, lr=alpha * (1.0 - beta)).path[:, 0]
    np.testing.assert_allclose(same, ema, rtol=1e-12, atol=1e-14)
    # dampening=β puts the raw g in the buffer on step 1 (no dampening then): a different path from
    # step 1 on, by far more than rounding.
    damped = run("sgd", land, [-1.5, 2.0], steps=steps, momentum=beta, dampening=beta, lr=alpha).path[:, 0]
    assert np.abs(damped[1] - ema[1]).max() > 1e-3
    assert np.abs(damped[-1] - ema[-1]).max() > 1e-3


def test_dampening_help_does_not_claim_the_ema_form():
    help_text = OPTIMIZERS["sgd"].param("dampening").help
    assert "lr=α(1−μ)" in help_text and "not τ = μ" in help_text
