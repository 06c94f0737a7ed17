"""AdaX, Amos and funnelled SGDM: hand-computed steps, paper identities and batch equivalence."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import Bowl

from landscapes import get_landscape
from optimizers import OPTIMIZERS, run


class Slope:
    """``f(x) = c·x`` in 1-D: a constant gradient ``c``, so every step can be done by hand."""

    dim = 1

    def __init__(self, c: float = 2.0):
        self.c = c

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.c * np.asarray(x, dtype=np.float64)[..., 0]

    def grad(self, x: np.ndarray) -> np.ndarray:
        return np.full(np.shape(x), self.c)


class Parabola:
    """``f(x) = x²`` in 1-D (gradient 2x), for overshooting with a large step."""

    dim = 1

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(x, dtype=np.float64)[..., 0] ** 2

    def grad(self, x: np.ndarray) -> np.ndarray:
        return 2.0 * np.asarray(x, dtype=np.float64)


def test_specs_are_complete() -> None:
    for name, family in (("adax", "Adam"), ("amos", "Adam"), ("funnelled_sgdm", "SGD")):
        spec = OPTIMIZERS[name]
        assert spec.family == family and spec.reference == "paper"
        assert spec.title and spec.update_rule and spec.explanation and spec.paper and spec.year
        assert spec.state_names
        for p in spec.hyperparams:
            assert p.help and p.default is not None and p.low is not None and p.high is not None


# ---------------------------------------------------------------------------------------- AdaX


def test_adax_two_hand_computed_steps() -> None:
    # f = 2x (g = 2), lr = 0.1, β₁ = 0.9, β₂ = 0.5, ε = 0, x₀ = 1:
    # t=1: m = 0.1·2 = 0.2; v = 1.5·0 + 0.5·4 = 2; (1.5)¹ − 1 = 0.5; v̂ = 4; x₁ = 1 − 0.1·0.2/2 = 0.99
    # t=2: m = 0.9·0.2 + 0.2 = 0.38; v = 1.5·2 + 2 = 5; 1.5² − 1 = 1.25; v̂ = 4;
    #      x₂ = 0.99 − 0.1·0.38/2 = 0.971
    tr = run("adax", Slope(2.0), [1.0], steps=2, lr=0.1, betas=(0.9, 0.5), eps=0.0)
    np.testing.assert_allclose(tr.path[:, 0, 0], [1.0, 0.99, 0.971], rtol=1e-15, atol=0)


def test_adax_weight_decay_is_coupled_l2() -> None:
    # g = 2 + 0.5·x₀ = 2 + 0.5·2 = 3; with β₂ = 0.5: v̂ = g² = 9, m = 0.1·3 = 0.3
    # x₁ = 2 − 0.1·0.3/3 = 1.99
    tr = run("adax", Slope(2.0), [2.0], steps=1, lr=0.1, betas=(0.9, 0.5), eps=0.0, weight_decay=0.5)
    np.testing.assert_allclose(tr.path[1, 0, 0], 1.99, rtol=1e-15)


@pytest.mark.parametrize("beta2", [1e-4, 1e-8, 0.3])
def test_adax_constant_gradient_identity_over_many_steps(beta2: float) -> None:
    """For a constant g, v_t = β₂g² Σ_{k<t}(1+β₂)ᵏ = g²((1+β₂)ᵗ − 1), so v̂_t = g², √v̂ = |g|.

    Hence x_t = x₀ − lr Σ_{k≤t} (1 − β₁ᵏ)·sign(g) (ε = 0). This checks the long-memory bias
    correction (1+β₂)ᵗ − 1 to machine precision for the paper's tiny β₂ (the naive
    ``(1 + β₂)**t − 1`` loses ~1e-13 at β₂ = 1e-4 and ~1e-8 at β₂ = 1e-8 to cancellation).
    """
    steps, lr, beta1 = 300, 0.01, 0.9
    tr = run("adax", Slope(-3.0), [0.0], steps=steps, lr=lr, betas=(beta1, beta2), eps=0.0)
    k = np.arange(1, steps + 1)
    expected = np.concatenate([[0.0], lr * np.cumsum(1.0 - beta1**k)])  # g < 0: moves right
    np.testing.assert_allclose(tr.path[:, 0, 0], expected, rtol=1e-14, atol=1e-17)


def test_adax_first_step_is_short_without_first_moment_correction() -> None:
    # Any g with β₂ = 1e-4: v̂₁ = g², so the first step is lr·(1 − β₁) = 0.1·lr per coordinate.
    tr = run("adax", get_landscape("rosenbrock"), [-1.5, 2.0], steps=1, lr=0.01, eps=0.0)
    g = get_landscape("rosenbrock").grad(np.array([-1.5, 2.0]))
    np.testing.assert_allclose(tr.path[1, 0] - tr.path[0, 0], -0.001 * np.sign(g), rtol=1e-12)


# ---------------------------------------------------------------------------------------- Amos


def test_amos_two_hand_computed_steps() -> None:
    # f = 2x (g = 2, M₂(g) = 4), ξ = lr = 0.1, η̃ = 2, β = 0.9, x₀ = 1, b₀ = 0.
    # t=1: v = 0.1·4; v̂ = v/(1 − 0.9) = 4; c(0) = d(0) = 1; γ₁ = ξ²·4/4 = 0.01
    #      x₁ = 1 − (ξη̃ g/√v̂ + ½γ₁x₀) = 1 − (0.2·2/2 + 0.005) = 0.795;  b₁ = 0 + 0.01·1 = 0.01
    # t=2: v = 0.9·0.4 + 0.4 = 0.76; v̂ = 0.76/(1 − 0.81) = 4
    #      c(b₁) = (1 + 0.25·√0.1·0.01)^(−½); γ₂ = c(b₁)·0.01
    #      d(b₁) = 1/(1 + 0.25·√0.2·0.01); x₂ = x₁ − d(b₁)(0.2 + ½γ₂x₁)
    tr = run("amos", Slope(2.0), [1.0], steps=2, lr=0.1, eta=2.0, beta=0.9, record_state=True)
    c1 = (1.0 + 0.25 * math.sqrt(0.1) * 0.01) ** -0.5
    gamma2 = c1 * 0.01
    d1 = 1.0 / (1.0 + 0.25 * math.sqrt(0.2) * 0.01)
    x2 = 0.795 - d1 * (0.2 + 0.5 * gamma2 * 0.795)
    np.testing.assert_allclose(tr.path[:, 0, 0], [1.0, 0.795, x2], rtol=1e-14)
    np.testing.assert_allclose(tr.state["b"][1:, 0, 0], [0.01, 0.01 + gamma2 * 1.01], rtol=1e-14)


def test_amos_decreases_a_quadratic() -> None:
    starts = np.array([[1.0, 1.0], [-2.0, 0.5], [0.3, -1.5]])
    bowl = Bowl((1.0, 10.0))
    tr = run("amos", bowl, starts, steps=500, lr=0.05)
    assert not tr.diverged.any()
    assert np.all(tr.loss[-1] < 1e-2 * tr.loss[0])


def test_amos_decay_counter_grows_and_slows_the_steps() -> None:
    # On a constant slope M₂(g)/v̂ = 1, so γ_t = c(b)ξ² > 0 and b increases every step; the
    # learning-rate factor d(b) < 1 then shrinks the gradient part of the step.
    tr = run("amos", Slope(1.0), [0.0], steps=200, lr=0.3, eta=1.0, record_state=True)
    b = tr.state["b"][:, 0, 0]
    assert np.all(np.diff(b[1:]) > 0)
    steps = -np.diff(tr.path[:, 0, 0])
    assert steps[-1] < 0.8 * steps[0]


# ------------------------------------------------------------------------------ funnelled SGDM


def test_funnelled_first_step_is_sgd_and_second_by_hand() -> None:
    # f = 2x (g = 2), η = 0.1, μ = 0.5, β = 0.5, γ_p = 0.1, γ_s = 0.2, x₀ = 0.
    # t=1: p = 1·e^{0.1·0·2} = 1; s = 1·e^{0.2·0·2} = 1; m = 0.5·2 = 1; u = 0.1·1·2 = 0.2
    #      x₁ = 0 − 1·0.2 = −0.2 (plain SGD)
    # t=2: p = e^{0.1·1·2} = e^{0.2}; s = e^{0.2·0.2·2} = e^{0.08}; u = 0.5·0.2 + 0.1·e^{0.2}·2
    #      x₂ = −0.2 − e^{0.08}(0.1 + 0.2e^{0.2})
    tr = run("funnelled_sgdm", Slope(2.0), [0.0], steps=2, lr=0.1, momentum=0.5, beta=0.5,
             gain_lr=0.1, scale_lr=0.2, record_state=True)
    x2 = -0.2 - math.exp(0.08) * (0.1 + 0.2 * math.exp(0.2))
    np.testing.assert_allclose(tr.path[:, 0, 0], [0.0, -0.2, x2], rtol=1e-15, atol=1e-16)
    np.testing.assert_allclose(tr.state["gains"][2, 0, 0], math.exp(0.2), rtol=1e-15)
    np.testing.assert_allclose(tr.state["scale"][2, 0, 0], math.exp(0.08), rtol=1e-15)


def test_funnelled_gains_grow_when_gradients_agree_and_shrink_when_they_flip() -> None:
    agree = run("funnelled_sgdm", Slope(1.0), [0.0], steps=20, lr=0.01, gain_lr=0.1, scale_lr=0.1,
                record_state=True)
    assert agree.state["gains"][-1, 0, 0] > 1.0 and agree.state["scale"][-1, 0, 0] > 1.0
    # x² with η = 0.9 and no momentum overshoots: x ← x − 1.8x = −0.8x, the gradient flips sign.
    flip = run("funnelled_sgdm", Parabola(), [1.0], steps=20, lr=0.9, momentum=0.0, gain_lr=0.1,
               scale_lr=0.1, record_state=True)
    assert flip.state["gains"][-1, 0, 0] < 1.0 and flip.state["scale"][-1, 0, 0] < 1.0
    assert abs(flip.path[-1, 0, 0]) < abs(0.8**20)  # the adaptation damps the oscillation


def test_funnelled_with_frozen_adaptation_is_heavy_ball() -> None:
    """γ_p = γ_s = 0 leaves p = s = 1: u ← μu + ηg, θ ← θ − u, torch's SGD with momentum."""
    rosen = get_landscape("rosenbrock")
    x0 = [[-1.5, 2.0], [0.5, 0.5]]
    ours = run("funnelled_sgdm", rosen, x0, steps=200, lr=1e-4, momentum=0.9, gain_lr=0.0,
               scale_lr=0.0)
    torch_form = run("momentum", rosen, x0, steps=200, lr=1e-4, momentum=0.9)
    np.testing.assert_allclose(ours.path, torch_form.path, rtol=1e-12, atol=1e-14)


# ------------------------------------------------------------------------- batch equivalence


@pytest.mark.parametrize(
    ("name", "arrays"),
    [
        ("adax", {"lr": [1e-3, 0.05, 0.2], "betas": ([0.0, 0.9, 0.99], [1e-4, 0.5, 1e-2]),
                  "eps": [0.0, 1e-8, 0.1], "weight_decay": [0.0, 0.1, 1.0]}),
        ("amos", {"lr": [0.01, 0.1, 0.5], "eta": [0.5, 1.0, 3.0], "beta": [0.9, 0.999, 0.0],
                  "c_coef": [0.25, 1.0, 0.0], "d_coef": [0.25, 0.0, 2.0], "eps": [1e-30, 1e-8, 0.1]}),
        ("funnelled_sgdm", {"lr": [1e-4, 1e-3, 3e-3], "momentum": [0.0, 0.9, 0.5],
                            "beta": [0.9, 0.0, 0.5], "gain_lr": [0.0, 1e-5, 1e-4],
                            "scale_lr": [1e-3, 0.0, 1e-2]}),
    ],
)
def test_per_particle_arrays_equal_scalar_runs(name: str, arrays: dict) -> None:
    rosen = get_landscape("rosenbrock")
    x0 = np.array([[-1.5, 2.0], [0.5, 0.5], [1.2, 0.8]])
    hp = {k: (tuple(np.array(c) for c in v) if isinstance(v, tuple) else np.array(v))
          for k, v in arrays.items()}
    batched = run(name, rosen, x0, steps=100, **hp)
    for i in range(3):
        one = {k: (tuple(float(c[i]) for c in v) if isinstance(v, tuple) else float(v[i]))
               for k, v in arrays.items()}
        alone = run(name, rosen, x0[i], steps=100, **one)
        np.testing.assert_array_equal(batched.path[:, i], alone.path[:, 0])
        np.testing.assert_array_equal(batched.diverged_at[i], alone.diverged_at[0])


@pytest.mark.parametrize("name", ["amos", "funnelled_sgdm"])
def test_one_particle_block_equals_its_row_of_a_batch_including_state(name: str) -> None:
    # A one-particle block keeps its per-particle scalars (v, b / scale) as numpy scalars; the
    # numbers, recorded state included, must equal the same particle's row of a larger block.
    rosen = get_landscape("rosenbrock")
    x0 = np.array([[-1.5, 2.0], [0.5, 0.5], [1.2, 0.8]])
    hp = {"lr": 0.05} if name == "amos" else {"lr": 1e-3, "gain_lr": 1e-2, "scale_lr": 1e-2}
    batched = run(name, rosen, x0, steps=60, record_state=True, **hp)
    for i in range(3):
        alone = run(name, rosen, x0[i], steps=60, record_state=True, **hp)
        np.testing.assert_array_equal(batched.path[:, i], alone.path[:, 0])
        assert batched.state.keys() == alone.state.keys()
        for key in batched.state:
            np.testing.assert_array_equal(batched.state[key][:, i], alone.state[key][:, 0])
