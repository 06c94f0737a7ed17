"""No setting of the network lessons raises: random settings, drawn from their declarations, run
through the same computations the pages make (divergence is a flagged result, not an error)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from networks.activations import ACTIVATION_NAMES, activation
from networks.depth import depth_profiles
from networks.init import INITS
from networks.study import network, sharpness_profile, study, train
from scenarios.pages import TRAINERS


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["moons", "circles", "spirals", "iris"]), st.integers(1, 4), st.integers(2, 12),
       st.sampled_from(ACTIVATION_NAMES), st.booleans(), st.lists(st.sampled_from(TRAINERS), min_size=1,
                                                                   max_size=3, unique=True),
       st.floats(1e-4, 10.0), st.integers(1, 30))
def test_any_real_landscape_setting_runs(data, layers, width, act, bn, optimizers, lr, steps) -> None:
    landscape = network(data, layers, width, act, batch_norm=bn)
    runs = train(landscape, [(name, name, {"lr": lr}) for name in optimizers], steps)
    found = study(landscape, runs, span=1.0, resolution=5)
    for r in runs:
        assert r.trajectory.path.shape == (steps + 1, 1, landscape.dim)
        if not r.diverged:
            assert np.isfinite(r.trajectory.final_loss[0])
            sharpness_profile(landscape, r.final, points=5)
    if found.slice is not None:
        assert found.slice.loss.shape == (5, 5)


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(ACTIVATION_NAMES),
       st.lists(st.tuples(st.sampled_from(list(INITS)), st.floats(0.1, 10.0)), min_size=1, max_size=4),
       st.integers(1, 100), st.integers(10, 60), st.booleans(), st.floats(0.1, 10.0))
def test_any_depth_setting_runs(act, rules, depth, width, bn, beta) -> None:
    found = depth_profiles(activation(act, beta), rules, depth, width, 16, bn=bn)
    for profile in found:
        assert profile.activation_rms.shape == (depth + 1,) and profile.weight_grad_norm.shape == (depth,)
        assert not np.isnan(profile.activation_rms[0])
