"""Property tests (hypothesis) of optimizers.run that must hold for every registered optimizer.

* A batched call with per-particle hyperparameters equals the separate scalar calls, bit for bit,
  also with gradient noise, array seeds, discrete hyperparameters varying over the batch and
  batches split into several blocks.
* Extreme but finite hyperparameters never raise or warn; every particle stays finite or is
  flagged diverged and frozen at its last finite point.
"""

from __future__ import annotations

import math
import warnings
from typing import Any
from unittest import mock

import numpy as np
import pytest
from conftest import ALL_OPTIMIZERS, Bowl, BowlWithHessian
from hypothesis import given
from hypothesis import strategies as st

import optimizers.engine as engine
from landscapes import get_landscape
from optimizers import OPTIMIZERS, run
from optimizers.spec import HyperParam, OptimizerSpec

ROSENBROCK = get_landscape("rosenbrock")
STEPS = 12

# ---------------------------------------------------------------------------------------------
# Strategies: one value of a hyperparameter, drawn according to its HyperParam.kind
# ---------------------------------------------------------------------------------------------

#: The extreme ranges of the brief, by name; other parameters use their own range (see _bounds).
EXTREME_RANGES: dict[str, tuple[float, float]] = {
    "lr": (1e-12, 1e12),
    "betas": (0.0, 1.0),
    "eps": (0.0, 1.0),
    "momentum": (0.0, 1.0),
    "dampening": (0.0, 1.0),
    "weight_decay": (0.0, 1e3),
}


def _bounds(p: HyperParam, extreme: bool) -> tuple[float, float]:
    if extreme and p.name in EXTREME_RANGES:
        return EXTREME_RANGES[p.name]
    low = 0.0 if p.low is None else float(p.low)
    high = max(1.0, 2.0 * abs(float(np.max(p.default)))) if p.high is None else float(p.high)
    if extreme and low >= 0.0 and high <= 1.0 and p.kind in ("float", "pair"):
        return 0.0, 1.0  # decay rates and other fractions: the whole closed interval
    return low, high


def _float_in(low: float, high: float, log: bool) -> st.SearchStrategy[float]:
    ends = st.sampled_from([low, high])
    if log and low > 0.0:
        inner = st.floats(math.log10(low), math.log10(high)).map(lambda e: min(max(10.0**e, low), high))
    else:
        inner = st.floats(low, high, allow_nan=False, allow_infinity=False)
    return st.one_of(ends, inner)


def value_strategy(p: HyperParam, extreme: bool) -> st.SearchStrategy[Any]:
    """A strategy for one value of ``p`` (a float, a pair, a bool, an int or a choice)."""
    if p.kind == "bool":
        return st.booleans()
    if p.kind == "choice":
        return st.sampled_from(p.choices)
    low, high = _bounds(p, extreme)
    log = p.log or p.name == "lr"
    if p.kind == "int":
        return st.integers(int(math.ceil(low)), int(high))
    if p.kind == "pair":
        one = _float_in(low, high, log)
        pair = st.tuples(one, one)
        if p.name != "betas":  # (min, max)-style pairs such as step sizes or etas stay ordered
            pair = pair.map(lambda ab: tuple(sorted(ab)))
        return pair
    return _float_in(low, high, log)


def hyper_strategy(spec: OptimizerSpec, extreme: bool,
                   fixed: dict[str, Any] | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """A value for every hyperparameter of ``spec`` (those in ``fixed`` as given)."""
    fixed = fixed or {}
    return st.fixed_dictionaries({
        p.name: st.just(fixed[p.name]) if p.name in fixed else value_strategy(p, extreme)
        for p in spec.hyperparams
    })


def concrete_spec(data: Any, name: str, extreme: bool) -> tuple[OptimizerSpec, dict[str, Any]]:
    """The spec to draw hyperparameters from, and values that must be shared by the batch.

    A wrapper (``specialize``, e.g. Lookahead) gains its inner optimizer's hyperparameters once its
    choices are known: draw those choices first, then draw from the specialized spec.
    """
    spec = OPTIMIZERS[name]
    if spec.specialize is None:
        return spec, {}
    fixed = {p.name: data.draw(value_strategy(p, extreme)) for p in spec.hyperparams if p.kind == "choice"}
    return spec.specialize(dict(fixed)), fixed


def stack_particles(spec: OptimizerSpec, per_particle: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-particle scalar dicts → one dict of ``(batch,)`` arrays (pairs: a pair of arrays)."""
    out: dict[str, Any] = {}
    for p in spec.hyperparams:
        values = [h[p.name] for h in per_particle]
        if p.kind == "pair":
            out[p.name] = (np.array([v[0] for v in values]), np.array([v[1] for v in values]))
        elif p.kind == "float":
            out[p.name] = np.array(values, dtype=np.float64)
        else:
            out[p.name] = list(values)
    return out


def landscape_for(spec: OptimizerSpec, landscape: Any) -> Any:
    """``landscape``, or one with a Hessian for optimizers that may need one (wrappers may wrap Newton)."""
    if (spec.needs_hessian or spec.specialize is not None) and not hasattr(landscape, "hessian"):
        return BowlWithHessian(landscape.scales)
    return landscape


starts = st.lists(
    st.tuples(st.floats(-2.0, 2.0), st.floats(-1.0, 3.0)), min_size=2, max_size=4
)
landscapes = st.sampled_from([ROSENBROCK, Bowl((1.0, 10.0))])


def assert_same_particle(batched, i: int, alone) -> None:
    """Particle ``i`` of a batched Trajectory equals the single-particle Trajectory ``alone``."""
    np.testing.assert_array_equal(batched.path[:, i], alone.path[:, 0])
    np.testing.assert_array_equal(batched.loss[:, i], alone.loss[:, 0])
    assert batched.diverged[i] == alone.diverged[0]
    assert batched.diverged_at[i] == alone.diverged_at[0]


# ---------------------------------------------------------------------------------------------
# Batch equivalence
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_OPTIMIZERS)
@given(data=st.data(), x0=starts, landscape=landscapes)
def test_array_hyperparameters_equal_separate_calls(name: str, data, x0, landscape) -> None:
    """Per-particle float hyperparameters (discrete ones shared) == one scalar call per particle."""
    spec, fixed = concrete_spec(data, name, extreme=False)
    landscape = landscape_for(spec, landscape)
    shared = data.draw(hyper_strategy(spec, extreme=False, fixed=fixed))
    discrete = {p.name for p in spec.hyperparams if p.kind not in ("float", "pair")}
    per = []
    for _ in x0:
        h = data.draw(hyper_strategy(spec, extreme=False, fixed=fixed))
        per.append({k: (shared[k] if k in discrete else v) for k, v in h.items()})
    batched_hp = stack_particles(spec, per)
    for k in discrete:
        batched_hp[k] = shared[k]
    batched = run(name, landscape, np.array(x0), steps=STEPS, **batched_hp)
    assert batched.path.shape == (STEPS + 1, len(x0), landscape.dim)
    for i, start in enumerate(x0):
        # seed=i: random-direction methods draw from particle i's stream 0 + i even without noise
        alone = run(name, landscape, start, steps=STEPS, seed=i, **per[i])
        assert_same_particle(batched, i, alone)


@pytest.mark.parametrize("name", ALL_OPTIMIZERS)
@given(data=st.data(), x0=starts, landscape=landscapes)
def test_varying_discrete_hyperparameters_equal_separate_calls(name: str, data, x0, landscape) -> None:
    """Every hyperparameter varies over the batch, bools/ints/choices included (e.g. nesterov)."""
    spec, fixed = concrete_spec(data, name, extreme=False)
    landscape = landscape_for(spec, landscape)
    per = [data.draw(hyper_strategy(spec, extreme=False, fixed=fixed)) for _ in x0]
    batched = run(name, landscape, np.array(x0), steps=STEPS, **stack_particles(spec, per))
    for i, start in enumerate(x0):
        assert_same_particle(batched, i, run(name, landscape, start, steps=STEPS, seed=i, **per[i]))


@pytest.mark.parametrize("name", ALL_OPTIMIZERS)
@given(
    data=st.data(), x0=starts, landscape=landscapes, seed=st.integers(0, 2**40),
    array_seed=st.booleans(),
)
def test_noisy_batch_equals_separate_calls(name: str, data, x0, landscape, seed, array_seed) -> None:
    """With noise: particle i of run(seed=s) == run(x0[i], seed=s + i); array seeds: seed[i]."""
    spec, fixed = concrete_spec(data, name, extreme=False)
    landscape = landscape_for(spec, landscape)
    n = len(x0)
    per = [data.draw(hyper_strategy(spec, extreme=False, fixed=fixed)) for _ in x0]
    sigma = np.array(data.draw(st.lists(st.floats(0.0, 3.0), min_size=n, max_size=n)))
    seeds = np.array(data.draw(st.lists(st.integers(0, 2**40), min_size=n, max_size=n)))
    batch_seed = seeds if array_seed else seed
    batched = run(name, landscape, np.array(x0), steps=STEPS, noise=sigma, seed=batch_seed,
                  **stack_particles(spec, per))
    for i, start in enumerate(x0):
        own_seed = int(seeds[i]) if array_seed else seed + i
        alone = run(name, landscape, start, steps=STEPS, noise=float(sigma[i]), seed=own_seed, **per[i])
        assert_same_particle(batched, i, alone)


@pytest.mark.parametrize("name", ALL_OPTIMIZERS)
@given(
    data=st.data(),
    x0=st.lists(st.tuples(st.floats(-2.0, 2.0), st.floats(-1.0, 3.0)), min_size=4, max_size=11),
    schedule=st.sampled_from([None, ("plateau", {"patience": 1, "factor": 0.5}), "cosine"]),
    clip=st.booleans(),
)
def test_blocks_do_not_change_results(name: str, data, x0, schedule, clip) -> None:
    """BLOCK_SIZE=3 (several blocks) gives exactly the one-block result."""
    spec, fixed = concrete_spec(data, name, extreme=False)
    n = len(x0)
    per = [data.draw(hyper_strategy(spec, extreme=False, fixed=fixed)) for _ in x0]
    kwargs = dict(
        steps=STEPS, noise=np.linspace(0.0, 1.0, n), seed=7, schedule=schedule,
        clip_norm=np.linspace(0.5, 5.0, n) if clip else None, **stack_particles(spec, per),
    )
    one_block = run(name, ROSENBROCK, np.array(x0), **kwargs)
    with mock.patch.object(engine, "BLOCK_SIZE", 3):
        blocked = run(name, ROSENBROCK, np.array(x0), **kwargs)
    np.testing.assert_array_equal(blocked.path, one_block.path)
    np.testing.assert_array_equal(blocked.loss, one_block.loss)
    np.testing.assert_array_equal(blocked.diverged_at, one_block.diverged_at)


def test_block_size_is_read_at_run_time(monkeypatch) -> None:
    """Blocking is really exercised: with BLOCK_SIZE=3, a batch of 8 is run as 3 blocks."""
    calls = []
    original = engine._run_block
    monkeypatch.setattr(engine, "BLOCK_SIZE", 3)
    monkeypatch.setattr(engine, "_run_block", lambda *a: calls.append(len(a[2])) or original(*a))
    run("sgd", ROSENBROCK, np.zeros((8, 2)), steps=2)
    assert sorted(calls) == [2, 3, 3]  # blocks may run in threads, in any order


# ---------------------------------------------------------------------------------------------
# Extreme hyperparameters
# ---------------------------------------------------------------------------------------------

EXTREME_STARTS = np.array([[-1.5, 2.0], [0.5, 0.5], [1.0, 1.0], [3.0, -2.0]])  # (1, 1): zero gradient


def assert_divergence_invariants(tr, landscape) -> None:
    """Finite or flagged; flagged particles are frozen at their last finite point from then on."""
    assert np.all(np.isfinite(tr.path)), "a non-finite point was recorded"
    for i in range(tr.batch):
        k = tr.diverged_at[i]
        if not tr.diverged[i]:
            assert k == -1
            assert np.all(np.isfinite(tr.loss[:, i]))
        else:
            assert k >= 1, "starts are inside the bound, so divergence happens at a step"
            frozen = tr.path[k - 1, i]
            np.testing.assert_array_equal(tr.path[k:, i], np.broadcast_to(frozen, tr.path[k:, i].shape))
            np.testing.assert_array_equal(tr.final_x[i], frozen)
    np.testing.assert_allclose(tr.loss, landscape(tr.path), rtol=1e-12, atol=0)


@pytest.mark.parametrize("name", ALL_OPTIMIZERS)
@given(data=st.data())
def test_extreme_hyperparameters_never_raise_or_warn(name: str, data) -> None:
    spec, fixed = concrete_spec(data, name, extreme=True)
    hp = data.draw(hyper_strategy(spec, extreme=True, fixed=fixed))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tr = run(name, ROSENBROCK, EXTREME_STARTS, steps=STEPS, **hp)
    assert_divergence_invariants(tr, ROSENBROCK)


@pytest.mark.parametrize("name", ALL_OPTIMIZERS)
@given(data=st.data())
def test_extreme_array_hyperparameters_never_raise_or_warn(name: str, data) -> None:
    """The same with per-particle arrays mixing extreme values in one batch."""
    spec, fixed = concrete_spec(data, name, extreme=True)
    per = [data.draw(hyper_strategy(spec, extreme=True, fixed=fixed)) for _ in EXTREME_STARTS]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tr = run(name, ROSENBROCK, EXTREME_STARTS, steps=STEPS, noise=0.5,
                 **stack_particles(spec, per))
    assert_divergence_invariants(tr, ROSENBROCK)


@pytest.mark.parametrize("name", ALL_OPTIMIZERS)
@pytest.mark.parametrize("big_lr", [1e6, 1e12])
def test_diverging_particle_does_not_affect_neighbours(name: str, big_lr: float) -> None:
    spec = OPTIMIZERS[name]
    if spec.specialize is not None:
        spec = spec.specialize({})
    if "lr" not in spec.defaults:
        pytest.skip(f"{name} has no learning rate")
    x0 = np.array([[-1.5, 2.0], [-1.5, 2.0], [0.5, 0.5]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mixed = run(name, ROSENBROCK, x0, steps=30, lr=np.array([1e-3, big_lr, 1e-3]))
    for i in (0, 2):
        assert_same_particle(mixed, i, run(name, ROSENBROCK, x0[i], steps=30, lr=1e-3, seed=i))
    assert_divergence_invariants(mixed, ROSENBROCK)


def test_wrapper_with_inner_varying_over_the_batch() -> None:
    """Lookahead with one inner optimizer per particle == one call per particle."""
    if "lookahead" not in OPTIMIZERS:
        pytest.skip("lookahead is not registered")
    inner = ["sgd", "adam", "sgd", "rmsprop" if "rmsprop" in OPTIMIZERS else "adam"]
    x0 = np.array([[-1.5, 2.0], [0.5, 0.5], [-0.3, 1.7], [1.2, 0.4]])
    batched = run("lookahead", ROSENBROCK, x0, steps=STEPS, inner=inner, lr=0.01, sync_period=3)
    for i, name in enumerate(inner):
        alone = run("lookahead", ROSENBROCK, x0[i], steps=STEPS, inner=name, lr=0.01, sync_period=3,
                    seed=i)
        assert_same_particle(batched, i, alone)
