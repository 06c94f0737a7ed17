"""Reproducible Gaussian noise that depends only on (seed, step, stream, coordinate).

A counter-based generator (the SplitMix64 finaliser as a hash, then Box–Muller on the two 32-bit
halves of each hash) instead of a
stateful ``numpy.random.Generator``: particle ``i`` draws the same numbers whether it runs alone,
in a batch of a million, or in any chunk of one. That is what makes a noisy vectorised call equal
to the separate calls it stands for.

Seeding rule (documented in :func:`optimizers.run`): with a scalar ``seed=s`` particle ``i`` of the
batch uses key ``s + i``; with an array ``seed`` particle ``i`` uses ``seed[i]``. So particle ``i``
of ``run(..., seed=s)`` equals ``run(x0[i], ..., seed=s + i)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_STEP = np.uint64(0xD1B54A32D192ED03)
_STREAM = np.uint64(0x8CB92BA72F3D8DD7)
_PAIR = np.uint64(0xABC98388FB8FAC03)
_S30, _S27, _S31, _S32 = (np.uint64(k) for k in (30, 27, 31, 32))
_LOW32 = np.uint64(0xFFFFFFFF)
_TO_UNIT = 1.0 / 4294967296.0  # 2**-32
_MASK64 = (1 << 64) - 1
_STEP_INT, _STREAM_INT = int(_STEP), int(_STREAM)


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


def key_base(keys: np.ndarray, dim: int) -> np.ndarray:
    """Per-particle, per-coordinate-pair counters ``(n, pairs)``; compute once per block.

    Coordinate pair ``j`` is offset by ``j`` times a fixed odd constant (wrapping), for any dimension:
    a network's hundreds of weights get their own streams as a 2-D point's two coordinates do.
    """
    with np.errstate(over="ignore"):
        offsets = np.arange((dim + 1) // 2, dtype=np.uint64) * _PAIR
        return keys[:, None] + offsets


def _normals(base: np.ndarray, steps: Sequence[int], streams: Sequence[int], dim: int) -> np.ndarray:
    """Normals of shape ``(len(steps), len(streams), n, dim)``: one hash per (step, stream, pair)."""
    offsets = np.array(
        [[(t * _STEP_INT + s * _STREAM_INT) & _MASK64 for s in streams] for t in steps], dtype=np.uint64
    )
    with np.errstate(over="ignore"):
        hashed = _mix(base[None, None] + offsets[:, :, None, None])
    # Two 32-bit uniforms per hash; u1 in (0, 1) so the logarithm is finite (|z| < 6.7).
    u1 = ((hashed >> _S32).astype(np.float64) + 0.5) * _TO_UNIT
    u2 = (hashed & _LOW32).astype(np.float64) * _TO_UNIT
    radius = np.sqrt(-2.0 * np.log(u1))
    angle = u2 * (2.0 * np.pi)
    out = np.empty(radius.shape[:-1] + (2 * radius.shape[-1],))
    np.multiply(radius, np.cos(angle), out=out[..., 0::2])
    np.multiply(radius, np.sin(angle), out=out[..., 1::2])
    return out[..., :dim]


def normals_from_base(base: np.ndarray, step: int, stream: int | Sequence[int], dim: int) -> np.ndarray:
    """:func:`standard_normal` for a precomputed :func:`key_base`."""
    single = np.ndim(stream) == 0
    streams = [int(stream)] if single else [int(s) for s in stream]
    out = _normals(base, [step], streams, dim)[0]
    return out[0] if single else out


class NormalSource:
    """The normals of one block, drawn several steps ahead to save NumPy calls on small blocks.

    ``source(t, stream)`` equals ``normals_from_base(key_base(keys, dim), t, stream, dim)`` exactly
    (the generator is counter-based, so drawing ahead changes no number); each call returns a fresh
    array the caller may modify. Steps must be asked for in increasing order to profit.
    """

    #: Numbers drawn per refill at most; a refill covers up to 64 steps of one block.
    BUDGET = 1 << 15

    def __init__(self, keys: np.ndarray, dim: int) -> None:
        self.base = key_base(keys, dim)
        self.dim = dim
        self._ahead: dict[Any, tuple[int, np.ndarray]] = {}

    def __call__(self, t: int, stream: int | Sequence[int]) -> np.ndarray:
        single = isinstance(stream, (int, np.integer))
        # ranges and tuples hash by value, so they are keys as they are (the common case)
        key = stream if single or isinstance(stream, (range, tuple)) else tuple(stream)
        cached = self._ahead.get(key)
        if cached is None or not 0 <= t - cached[0] < len(cached[1]):
            streams = [int(key)] if single else [int(s) for s in key]
            per_step = len(streams) * self.base.size * 2
            span = max(1, min(64, self.BUDGET // per_step))
            cached = (t, _normals(self.base, range(t, t + span), streams, self.dim))
            self._ahead[key] = cached
        out = cached[1][t - cached[0]]
        return out[0].copy() if single else out.copy()


def standard_normal(keys: np.ndarray, step: int, stream: int | Sequence[int], dim: int) -> np.ndarray:
    """Standard normal draws of shape ``(len(keys), dim)`` for one step and stream.

    With a sequence of streams the result is ``(len(streams), len(keys), dim)``, equal to stacking
    the single-stream calls, for methods that draw several directions per step at once.
    """
    return normals_from_base(key_base(keys, dim), step, stream, dim)
