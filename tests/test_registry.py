"""Every registered optimizer carries what the app needs to build controls and explain itself."""

from __future__ import annotations

import numpy as np
import pytest

from optimizers import OPTIMIZERS, OptimizerSpec

FAMILIES = {"SGD", "Adaptive", "Adam", "Sign-based", "Layer-wise", "Memory-efficient", "Wrapper",
            "Second-order", "Gradient-free"}

# Every optimizer the engine issue names, under its run() name.
REQUIRED = {
    "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam", "amsgrad", "adamw",
    "adamax", "nadam", "radam", "rprop", "lion", "lamb", "lars", "novograd", "yogi", "adabelief",
    "adafactor", "sm3", "lookahead", "adax", "amos", "funnelled_sgdm", "newton", "gradientless",
    "zo_sgd", "forward_gradient",
}


def test_every_required_optimizer_is_registered() -> None:
    assert REQUIRED <= set(OPTIMIZERS), sorted(REQUIRED - set(OPTIMIZERS))


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_spec_documents_itself(name: str) -> None:
    spec = OPTIMIZERS[name]
    assert isinstance(spec, OptimizerSpec) and spec.name == name
    assert spec.title and spec.family in FAMILIES
    assert spec.reference in {"torch", "optax", "paper"}
    assert "\\" in spec.update_rule, "the update rule is LaTeX"
    assert len(spec.explanation) >= 40
    assert spec.paper and isinstance(spec.year, int) and 1950 <= spec.year <= 2026
    assert "lr" in {h.name for h in spec.hyperparams} or spec.specialize is not None


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_hyperparameters_have_defaults_ranges_and_help(name: str) -> None:
    for h in OPTIMIZERS[name].hyperparams:
        assert h.help, f"{name}.{h.name} has no help"
        if h.kind in ("float", "int", "pair"):
            assert h.low is not None and h.high is not None and h.low < h.high, f"{name}.{h.name}"
            values = h.default if h.kind == "pair" else (h.default,)
            for value in values:
                assert h.low <= value <= h.high, f"{name}.{h.name} default {value} outside its range"
            if h.log:
                assert h.low > 0, f"{name}.{h.name} is log-scaled but its range starts at {h.low}"
        if h.kind == "pair":
            assert len(h.default) == 2 and len(h.labels) == 2
        if h.kind == "bool":
            assert isinstance(h.default, bool)
        if h.kind == "choice":
            assert h.default in h.choices


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_defaults_run_and_state_names_match(name: str) -> None:
    spec = OPTIMIZERS[name]
    traj = __import__("optimizers").run(name, "quadratic", steps=20, record_state=True)
    assert traj.path.shape == (21, 1, 2) and np.all(np.isfinite(traj.path))
    concrete = spec.specialize({}) if spec.specialize else spec
    assert set(traj.state) - {"grad"} <= set(concrete.state_names)
