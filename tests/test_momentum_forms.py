"""SGD's two momentum conventions: torch's ``b ← μb + g`` and the course notes' EMA ``b ← μb + (1−μ)g``."""

from __future__ import annotations

import numpy as np
import pytest

from landscapes import get_landscape
from optimizers import run
from scenarios import decode_playground, encode_playground

ROSENBROCK = get_landscape("rosenbrock")
START = np.array([-1.5, 2.0])


def notes_momentum(lr: float, beta: float, steps: int, nesterov: bool = False) -> np.ndarray:
    """The notes' loop, written out: u ← βu + (1 − β)∇f(θ), θ ← θ − αu, from u = 0."""
    theta, u, path = START.copy(), np.zeros(2), [START.copy()]
    for _ in range(steps):
        g = ROSENBROCK.grad(theta[None, :])[0]
        u = beta * u + (1.0 - beta) * g
        direction = (1.0 - beta) * g + beta * u if nesterov else u
        theta = theta - lr * direction
        path.append(theta.copy())
    return np.array(path)


@pytest.mark.parametrize("nesterov", [False, True])
def test_the_ema_form_is_the_course_notes_formula(nesterov: bool) -> None:
    ours = run("sgd", ROSENBROCK, START, 50, lr=1e-3, momentum=0.9, nesterov=nesterov,
               momentum_form="ema").path[:, 0]
    np.testing.assert_allclose(ours, notes_momentum(1e-3, 0.9, 50, nesterov), rtol=0, atol=1e-14)


@pytest.mark.parametrize("nesterov", [False, True])
def test_the_ema_form_is_torch_at_a_scaled_learning_rate(nesterov: bool) -> None:
    """EMA at lr α walks torch's path at lr α(1 − μ); at the same lr the two differ from step 1."""
    ema = run("sgd", ROSENBROCK, START, 50, lr=1e-3, momentum=0.9, nesterov=nesterov, momentum_form="ema")
    torch_form = run("sgd", ROSENBROCK, START, 50, lr=1e-3 * (1 - 0.9), momentum=0.9, nesterov=nesterov)
    np.testing.assert_allclose(ema.path, torch_form.path, rtol=1e-12, atol=1e-14)
    same_lr = run("sgd", ROSENBROCK, START, 50, lr=1e-3, momentum=0.9, nesterov=nesterov)
    assert np.abs(same_lr.path[1] - ema.path[1]).max() > 1e-4


def test_the_form_may_vary_over_the_batch() -> None:
    both = run("momentum", ROSENBROCK, np.tile(START, (2, 1)), 40, lr=1e-3,
               momentum_form=np.array(["torch", "ema"], dtype=object))
    for i, form in enumerate(("torch", "ema")):
        alone = run("momentum", ROSENBROCK, START, 40, lr=1e-3, momentum_form=form)
        np.testing.assert_array_equal(both.path[:, i], alone.path[:, 0])


def test_the_form_travels_in_the_link() -> None:
    decoded = decode_playground({"opt": "momentum", "o1.momentum_form": "ema"})
    assert decoded.notices == []
    assert decoded.settings.slots[0].value("momentum_form") == "ema"
    assert encode_playground(decoded.settings)["o1.momentum_form"] == "ema"
    bad = decode_playground({"opt": "momentum", "o1.momentum_form": "heavy"})
    assert any("`o1.momentum_form=heavy`" in n for n in bad.notices)
