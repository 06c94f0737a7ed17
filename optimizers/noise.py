"""Reproducible Gaussian noise that depends only on (seed, step, stream, coordinate).

A counter-based generator (the SplitMix64 finaliser as a hash, then Box–Muller) instead of a
stateful ``numpy.random.Generator``: particle ``i`` draws the same numbers whether it runs alone,
in a batch of a million, or in any chunk of one. That is what makes a noisy vectorised call equal
to the separate calls it stands for.

Seeding rule (documented in :func:`optimizers.run`): with a scalar ``seed=s`` particle ``i`` of the
batch uses key ``s + i``; with an array ``seed`` particle ``i`` uses ``seed[i]``. So particle ``i``
of ``run(..., seed=s)`` equals ``run(x0[i], ..., seed=s + i)``.
"""

from __future__ import annotations

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_STEP = np.uint64(0xD1B54A32D192ED03)
_STREAM = np.uint64(0x8CB92BA72F3D8DD7)
_PAIR = np.uint64(0xABC98388FB8FAC03)
_S30, _S27, _S31, _S11 = (np.uint64(k) for k in (30, 27, 31, 11))
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


def _mix(z: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser: a bijective avalanche hash of 64-bit words (wrapping arithmetic)."""
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


def particle_keys(seed: int | np.ndarray, batch: int) -> np.ndarray:
    """The per-particle noise keys: ``seed + i`` for a scalar seed, ``seed[i]`` for an array."""
    seed_arr = np.asarray(seed)
    if seed_arr.ndim == 0:
        keys = np.arange(batch, dtype=np.int64) + int(seed_arr)
    else:
        keys = np.broadcast_to(seed_arr.astype(np.int64), (batch,))
    return _mix(keys.astype(np.uint64) * _GOLDEN)


def standard_normal(keys: np.ndarray, step: int, stream: int, dim: int) -> np.ndarray:
    """Standard normal draws of shape ``(len(keys), dim)`` for one step and stream."""
    pairs = (dim + 1) // 2
    with np.errstate(over="ignore"):
        base = keys[:, None] + np.uint64(step) * _STEP + np.uint64(stream) * _STREAM
        base = base + np.arange(pairs, dtype=np.uint64)[None, :] * _PAIR
        h1 = _mix(base)
        h2 = _mix(base ^ _GOLDEN)
    # 53-bit uniforms; u1 in (0, 1] so the logarithm is finite.
    u1 = ((h1 >> _S11).astype(np.float64) + 1.0) * _TO_UNIT
    u2 = (h2 >> _S11).astype(np.float64) * _TO_UNIT
    radius = np.sqrt(-2.0 * np.log(u1))
    angle = 2.0 * np.pi * u2
    out = np.empty((len(keys), 2 * pairs))
    out[:, 0::2] = radius * np.cos(angle)
    out[:, 1::2] = radius * np.sin(angle)
    return out[:, :dim]
