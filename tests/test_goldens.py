"""Every optimizer, schedule and clip against stored reference runs of torch.optim and optax.

The goldens under ``tests/goldens/`` were produced once by ``scripts/make_goldens.py`` in an
environment with torch and optax; this file needs neither. Each case runs our engine with the case's
hyperparameters from the same start points and compares the whole path (and the loss) with tight
tolerances (rtol 1e-10, atol 1e-12 unless the case's metadata gives a reason for looser ones).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from optimizers import OPTIMIZERS, make_schedule, run
from optimizers.clipping import clip_by_norm, clip_by_value

GOLDENS = Path(__file__).parent / "goldens"
SPECIAL = {"schedules.json", "clipping.json", "torch_signatures.json"}  # not optimizer trajectories
MIN_CASES = 3


def _optimizer_docs() -> dict[str, dict[str, Any]]:
    docs = {}
    for path in sorted(GOLDENS.glob("*.json")):
        if path.name not in SPECIAL:
            docs[path.stem] = json.loads(path.read_text())
    return docs


DOCS = _optimizer_docs()
CASES = [(name, case) for name, doc in DOCS.items() for case in doc["cases"]]


@cache
def _arrays(optimizer: str) -> dict[str, np.ndarray]:
    with np.load(GOLDENS / f"{optimizer}.npz") as data:
        return {k: data[k] for k in data.files}


def test_goldens_exist() -> None:
    assert len(CASES) >= 50, f"only {len(CASES)} golden cases found under {GOLDENS}"
    assert all((GOLDENS / name).exists() for name in SPECIAL)


@pytest.mark.parametrize(("optimizer", "case"), CASES, ids=[c["id"] for _, c in CASES])
def test_trajectory_matches_reference(optimizer: str, case: dict[str, Any]) -> None:
    # A missing optimizer is a failure, not a skip: the goldens say it must exist.
    assert optimizer in OPTIMIZERS, (
        f"optimizer {optimizer!r} has goldens ({DOCS[optimizer]['library']}) but is not registered; "
        f"registered: {', '.join(OPTIMIZERS)}"
    )
    arrays = _arrays(optimizer)
    expected_path = arrays[f"{case['id']}/path"]
    expected_loss = arrays[f"{case['id']}/loss"]
    hyperparams = {k: tuple(v) if isinstance(v, list) else v for k, v in case["hyperparams"].items()}
    traj = run(optimizer, case["landscape"], np.array(case["starts"]), steps=case["steps"],
               maximize=case["maximize"], **hyperparams)
    assert traj.path.shape == expected_path.shape
    deviation = np.abs(traj.path - expected_path)
    scale = np.maximum(np.abs(expected_path), 1e-300)
    print(f"{case['id']}: max |Δx| = {deviation.max():.3g}, max |Δx|/|x| = {(deviation / scale).max():.3g}"
          f" (reference: {case['reference_call']})")
    assert not traj.diverged.any(), f"our run diverged at steps {traj.diverged_at} but the reference did not"
    rtol, atol = case["rtol"], case["atol"]
    first_bad = np.flatnonzero(~np.all(np.isclose(traj.path, expected_path, rtol=rtol, atol=atol),
                                       axis=(1, 2)))
    np.testing.assert_allclose(
        traj.path, expected_path, rtol=rtol, atol=atol,
        err_msg=f"{case['id']}: path departs from {case['reference_call']} at step "
                f"{first_bad[0] if first_bad.size else '-'}",
    )
    np.testing.assert_allclose(traj.loss, expected_loss, rtol=rtol, atol=atol,
                               err_msg=f"{case['id']}: loss")


def test_cases_have_sound_metadata() -> None:
    for optimizer, case in CASES:
        assert case["id"].startswith(f"{optimizer}-{case['landscape']}-"), case["id"]
        assert 200 <= case["steps"] <= 300
        assert np.shape(case["starts"])[0] == 3
        loose = case["rtol"] > 1e-10 or case["atol"] > 1e-12
        assert not loose or case.get("tolerance_reason"), f"{case['id']}: loose tolerance without reason"


def test_every_optimizer_names_its_reference() -> None:
    for name, spec in OPTIMIZERS.items():
        assert spec.reference in ("torch", "optax", "paper"), f"{name}: reference {spec.reference!r}"


@pytest.mark.parametrize(
    "name", [n for n, spec in OPTIMIZERS.items() if spec.reference in ("torch", "optax")]
)
def test_reference_optimizers_have_goldens(name: str) -> None:
    spec = OPTIMIZERS[name]
    count = sum(1 for opt, _ in CASES if opt == name)
    assert count >= MIN_CASES, (
        f"{name} claims to follow {spec.reference} but has {count} golden cases (need {MIN_CASES}); "
        f"add it to scripts/make_goldens.py"
    )
    assert DOCS[name]["library"] == spec.reference, (
        f"{name}: spec.reference is {spec.reference!r} but the goldens come from {DOCS[name]['library']!r}"
    )


@pytest.mark.parametrize("optimizer", [n for n, d in DOCS.items() if d["reference_defaults"]])
def test_defaults_match_reference(optimizer: str) -> None:
    """Our defaults are the reference library's (in our names; optax's None is our 0)."""
    assert optimizer in OPTIMIZERS, f"optimizer {optimizer!r} is not registered"
    ours = OPTIMIZERS[optimizer].defaults
    for name, value in DOCS[optimizer]["reference_defaults"].items():
        assert name in ours, f"{optimizer} has no hyperparameter {name!r} (the reference has)"
        mine = ours[name]
        if isinstance(value, list):
            assert tuple(mine) == tuple(value), f"{optimizer}.{name}: ours {mine!r}, reference {value!r}"
        else:
            assert mine == value, f"{optimizer}.{name}: ours {mine!r}, reference {value!r}"


# ---- schedules -----------------------------------------------------------------------------------

SCHEDULE_DOC = json.loads((GOLDENS / "schedules.json").read_text())


@pytest.mark.parametrize("case", SCHEDULE_DOC["cases"], ids=[c["id"] for c in SCHEDULE_DOC["cases"]])
def test_schedule_matches_torch(case: dict[str, Any]) -> None:
    params = {k: tuple(v) if isinstance(v, list) else v for k, v in case["params"].items()}
    schedule = make_schedule((case["schedule"], params), 1)
    losses = case.get("losses")
    got = np.array([
        float(np.asarray(schedule(t, np.array([losses[t]]) if losses else None)).reshape(-1)[0])
        for t in range(case["steps"])
    ])
    np.testing.assert_allclose(got, case["multipliers"], rtol=1e-12, atol=1e-15,
                               err_msg=f"{case['id']} vs torch {case['reference_call']}")
    momentum = getattr(schedule, "momentum", None)
    if "momenta" in case:  # one_cycle with cycle_momentum: the very same arithmetic as torch
        assert momentum is not None, f"{case['id']}: the schedule does not cycle momentum"
        np.testing.assert_array_equal([momentum(t) for t in range(case["steps"])], case["momenta"],
                                      err_msg=f"{case['id']} vs torch {case['reference_call']}")
    else:
        assert momentum is None, f"{case['id']}: the schedule cycles momentum, torch did not"


def test_schedule_goldens_cover_one_cycle_options() -> None:
    """Both annealing strategies, three_phase and cycle_momentum each have torch cases."""
    params = [c["params"] for c in SCHEDULE_DOC["cases"] if c["schedule"] == "one_cycle"]
    assert {p.get("anneal_strategy", "cos") for p in params} == {"cos", "linear"}
    assert any(p.get("three_phase") for p in params) and any(p.get("cycle_momentum") for p in params)
    assert any(p.get("three_phase") and p.get("cycle_momentum") for p in params)


CYCLES = SCHEDULE_DOC["trajectories"]


@pytest.mark.parametrize("case", CYCLES, ids=[c["id"] for c in CYCLES])
def test_cycle_momentum_run_matches_torch(case: dict[str, Any]) -> None:
    """Whole runs under OneCycleLR(cycle_momentum=True): torch optimizer and scheduler vs our engine."""
    hp = {k: tuple(v) if isinstance(v, list) else v for k, v in case["hyperparams"].items()}
    schedule = ("one_cycle", case["schedule"])
    built = make_schedule(schedule, 1)
    np.testing.assert_allclose([built(t, None) for t in range(case["steps"])], case["multipliers"],
                               rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal([built.momentum(t) for t in range(case["steps"])], case["momenta"])
    tr = run(case["optimizer"], case["landscape"], np.array(case["starts"]), case["steps"],
             schedule=schedule, **hp)
    reference = np.array(case["path"])
    assert np.abs(reference[-1] - reference[0]).max() > 0.1  # the run goes somewhere
    np.testing.assert_allclose(tr.path, reference, rtol=1e-12, atol=1e-12,
                               err_msg=f"{case['id']} vs torch {case['reference_call']}")
    assert not tr.diverged.any()


def test_plateau_is_per_particle() -> None:
    """Three particles with the three plateau loss sequences at once give each its own multiplier."""
    cases = [c for c in SCHEDULE_DOC["cases"] if c["schedule"] == "plateau"]
    for case in cases:
        schedule = make_schedule(("plateau", case["params"]), 3)
        seqs = np.array([c["losses"] for c in cases])  # (3, steps)
        got = np.array([np.array(schedule(t, seqs[:, t]), dtype=np.float64).reshape(-1)  # copy: the schedule
                        for t in range(seqs.shape[1])])  # may hand back its own buffer
        column = cases.index(case)
        np.testing.assert_allclose(got[:, column], case["multipliers"], rtol=1e-12, atol=1e-15)


# ---- clipping ------------------------------------------------------------------------------------

CLIP_DOC = json.loads((GOLDENS / "clipping.json").read_text())


@pytest.mark.parametrize("case", CLIP_DOC["cases"], ids=[c["id"] for c in CLIP_DOC["cases"]])
@pytest.mark.parametrize("per_particle", [False, True], ids=["scalar", "array"])
def test_clipping_matches_torch(case: dict[str, Any], per_particle: bool) -> None:
    g = np.array(case["grads"])
    limit: Any = case["limit"]
    if per_particle:
        limit = np.full((g.shape[0], 1), limit)
    (clip_by_norm if case["kind"] == "norm" else clip_by_value)(g, limit)
    np.testing.assert_allclose(g, case["clipped"], rtol=1e-14, atol=0,
                               err_msg=f"{case['id']} vs {case['reference_call']}")
