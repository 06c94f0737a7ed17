"""The engine: run any optimizer over any landscape for a whole batch of particles at once.

One step, for every particle of a block at once::

    f, g = landscape.value_and_grad(x)        # or __call__ and grad
    g = -g                     if maximize    # torch flips before weight decay is added
    g = g + noise * N(0, I)    if noise       # seeded, per particle (see optimizers.noise);
                                              # Student-t with noise_df degrees of freedom if given
    g = clip(g)                if clip_value / clip_norm
    x, state = optimizer.step(x, g, state, lr * schedule(t - 1))   # and momentum, if cycled
    freeze x at its last finite point if it became non-finite or left the divergence bound

The batch is processed in blocks that fit in cache, step-major inside a block, with every buffer
preallocated and updated in place; particles never interact, so blocking changes no number.

Each concern of a block is a named part built once by :func:`_run_block`: :func:`_gradient_filter`
(maximize, noise, clipping), :func:`_learning_rate` (the schedule), :class:`_Freezer` (divergence),
:func:`_averager` (EMA/SWA) and :class:`_Recorder` (start, state and last rows). The step loop calls
only the parts that are switched on, so a plain run costs what the bare loop would. Options that
may differ per particle are marked on :class:`_Options` and cut per block from that mark alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np

from landscapes.base import Landscape, quiet

from . import registry
from .clipping import clip_by_norm, clip_by_value
from .hyperparams import HyperparameterError, _as_batch_array, block, discrete_groups, resolve
from .noise import NormalSource, particle_keys
from .schedules import make_schedule
from .spec import Hyper, OptimizerSpec, StepContext
from .trajectory import Trajectory

#: Rows per block. 8,192 particles × 2 coordinates are 128 KiB per array, so an optimizer's working
#: set of about a dozen arrays stays inside a 2 MiB L2 while NumPy's per-call overhead (~1 µs) is
#: amortised over 16k elements. Blocks are column-major (each coordinate contiguous), so a
#: landscape's ``x[..., 0]`` is a contiguous, SIMD-friendly column. Measured with
#: ``python -m benchmarks`` (Adam, 100k particles × 500 steps: blocks of 2,048 1.37 s, 8,192 1.10 s,
#: 16,384 1.17 s; column-major 5–10% faster again). Blocks in threads were twice as slow: NumPy's
#: short GIL releases make the threads convoy.
BLOCK_SIZE = 8_192

RECORD_MODES = ("path", "loss", "final")
AVERAGES = ("ema", "swa")
NOISE_STREAM = 0
#: Streams of the χ² draws of Student-t noise: far above the streams optimizers draw from (1, 2, …),
#: so heavy-tailed noise never reuses an optimizer's random directions.
NOISE_TAIL_STREAM = 1 << 40
MAX_NOISE_DF = 100


def _per_particle() -> Any:
    """Mark an :class:`_Options` field as per particle (a scalar or one value per particle).

    Such a field is checked and broadcast over the batch once in :func:`run`, and each block gets
    its own rows of it as an ``(n, 1)`` column; nothing else needs to know its name.
    """
    return field(metadata={"per_particle": True})


@dataclass(frozen=True)
class _Options:
    """The engine options of one run (or, after :meth:`for_rows`, of one block)."""

    steps: int
    sign: float
    noise: float | np.ndarray = _per_particle()
    noise_df: int | None
    clip_norm: float | np.ndarray | None = _per_particle()
    clip_value: float | np.ndarray | None = _per_particle()
    schedule: Any
    record_path_every: int | None  # None: only start and end
    record_loss_every: int | None
    record_state: bool
    average: str | None
    ema_decay: float
    swa_start: int
    bound: float

    @classmethod
    def for_batch(cls, batch: int, **values: Any) -> _Options:
        """The options of a run of ``batch`` particles, each per-particle one checked and made a
        float or a ``(batch,)`` array (None stays None)."""
        for name in PER_PARTICLE_OPTIONS:
            if values[name] is not None:
                values[name] = _as_batch_array(name, values[name], batch)
        return cls(**values)

    def for_rows(self, rows: slice | np.ndarray) -> _Options:
        """These options for the block ``rows``: per-particle arrays cut to ``(n, 1)`` columns."""
        cut = {
            name: value[rows][:, None]
            for name in PER_PARTICLE_OPTIONS if isinstance(value := getattr(self, name), np.ndarray)
        }
        return replace(self, **cut) if cut else self  # frozen: blocks may share it


#: The options that may differ per particle, from the field marks above.
PER_PARTICLE_OPTIONS = tuple(f.name for f in fields(_Options) if f.metadata.get("per_particle"))


def _landscape_of(landscape: Any) -> Any:
    if isinstance(landscape, str):
        from landscapes import get_landscape

        return get_landscape(landscape)
    for attr in ("dim", "grad"):
        if not hasattr(landscape, attr):
            raise TypeError(
                f"landscape must be a name or an object with dim, __call__ and grad; "
                f"{type(landscape).__name__} has no {attr!r}"
            )
    if not callable(landscape):
        raise TypeError(f"landscape {type(landscape).__name__} is not callable")
    return landscape


def _start_points(x0: Any, landscape: Any) -> np.ndarray:
    dim = int(landscape.dim)
    if x0 is None:
        x0 = getattr(landscape, "start", None)
        if x0 is None:
            raise ValueError("x0 is required for a landscape without a default start")
    arr = np.array(x0, dtype=np.float64, ndmin=1)
    if arr.ndim == 1:
        if dim == 1 and arr.shape[0] != 1:
            arr = arr[:, None]  # a 1-D landscape given a list of starts
        else:
            arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != dim:
        raise ValueError(
            f"x0 must have shape ({dim},) or (batch, {dim}) for this {dim}-D landscape, "
            f"got {np.shape(x0)}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError("x0 must be finite")
    return np.ascontiguousarray(arr)


def _column_major(shape: tuple[int, int, int]) -> np.ndarray:
    """An empty ``(rows, batch, dim)`` array stored as ``(rows, dim, batch)``.

    Blocks are column-major (each coordinate contiguous), so a recorded row is a plain copy of
    each column; the caller sees the usual shape through a transposed view.
    """
    rows, batch, dim = shape
    return np.empty((rows, dim, batch)).transpose(0, 2, 1)


def _record_rows(steps: int, every: int | None) -> np.ndarray:
    """Step indices recorded: every ``every``-th step and the last, or only first and last."""
    if every is None:
        return np.unique([0, steps])
    return np.unique(np.append(np.arange(0, steps + 1, every), steps))


def _row_lookup(rows: np.ndarray, steps: int) -> list[int]:
    """For each step 0..steps, its row in the recording or -1."""
    lookup = [-1] * (steps + 1)
    for r, s in enumerate(rows):
        lookup[int(s)] = r
    return lookup


def run(
    optimizer: str | OptimizerSpec,
    landscape: Any,
    x0: Any = None,
    steps: int = 100,
    *,
    noise: float | np.ndarray = 0.0,
    noise_df: int | None = None,
    seed: int | np.ndarray = 0,
    clip_norm: float | np.ndarray | None = None,
    clip_value: float | np.ndarray | None = None,
    schedule: Any = None,
    maximize: bool = False,
    record: str = "path",
    record_every: int = 1,
    record_state: bool = False,
    average: str | None = None,
    ema_decay: float = 0.9,
    swa_start: int = 0,
    divergence_bound: float = 1e10,
    **hyperparams: Any,
) -> Trajectory:
    """Run ``optimizer`` on ``landscape`` from ``x0`` for ``steps`` steps; return the trajectories.

    Args:
        optimizer: a name from :data:`optimizers.OPTIMIZERS` or an :class:`OptimizerSpec`.
        landscape: a name from :data:`landscapes.LANDSCAPES` or any object with ``dim``,
            ``__call__(x[..., dim])`` and ``grad(x)`` (and ``hessian(x)`` for Newton).
        x0: ``(dim,)`` or ``(batch, dim)`` start points; default: the landscape's ``start``.
        steps: number of optimizer steps.
        noise: standard deviation of Gaussian noise added to every gradient (scalar or per
            particle), to mimic minibatch gradients.
        noise_df: heavy-tailed noise instead: ``noise`` times a Student-t variate with this many
            degrees of freedom (a whole number from 1 to 100; 1 is the Cauchy distribution, whose
            mean does not exist; as it grows the noise tends to the Gaussian). None: Gaussian.
        seed: noise seed. With a scalar ``s`` particle ``i`` uses the stream ``s + i``; with an
            array particle ``i`` uses ``seed[i]``. The same stream gives the same numbers alone or
            in any batch.
        clip_norm, clip_value: clip each particle's gradient by norm / by value before the step.
        schedule: a learning-rate multiplier: a name (``"cosine"``), a ``(name, {params})`` pair,
            a dict with ``"name"``, or any callable ``step -> multiplier`` (step counts from 0).
            See :data:`optimizers.schedules.SCHEDULES`.
        maximize: ascend instead of descend (torch's ``maximize``).
        record: ``"path"`` keeps iterates and losses every ``record_every`` steps; ``"loss"`` keeps
            losses every ``record_every`` steps and only the first and last iterate; ``"final"``
            keeps only the first and last of both.
        record_state: also keep the optimizer's state and the gradient used, at the path rows.
        average: ``"ema"`` (exponential moving average of the iterates with ``ema_decay``) or
            ``"swa"`` (equal-weight average from step ``swa_start`` on, Polyak averaging when 0),
            returned as ``averaged_path``.
        divergence_bound: a particle whose coordinate exceeds this in absolute value, or turns
            non-finite, is flagged as diverged and frozen at its last finite point.
        **hyperparams: the optimizer's hyperparameters (torch.optim names); each a scalar or an
            array broadcastable to ``(batch,)``.

    Returns:
        A :class:`Trajectory`.

    Raises:
        KeyError: unknown optimizer; HyperparameterError (a ValueError): unknown hyperparameter
        or malformed value; ValueError: bad ``x0``, ``steps`` or recording options.
    """
    spec = registry.get_optimizer(optimizer) if isinstance(optimizer, str) else optimizer
    if spec.specialize is not None:
        spec = spec.specialize(hyperparams)
    landscape = _landscape_of(landscape)
    x0 = _start_points(x0, landscape)
    batch = x0.shape[0]
    if isinstance(steps, bool) or int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be a whole number ≥ 0, got {steps!r}")
    steps = int(steps)
    if record not in RECORD_MODES:
        raise ValueError(f"record must be one of {', '.join(RECORD_MODES)}, got {record!r}")
    if int(record_every) != record_every or record_every < 1:
        raise ValueError(f"record_every must be a whole number ≥ 1, got {record_every!r}")
    if average is not None and average not in AVERAGES:
        raise ValueError(f"average must be None or one of {', '.join(AVERAGES)}, got {average!r}")
    needs_hessian = spec.needs_hessian
    if needs_hessian and not hasattr(landscape, "hessian"):
        raise ValueError(f"{spec.name} needs a landscape with a hessian(x) method")

    for name, limit in (("clip_norm", clip_norm), ("clip_value", clip_value)):
        if limit is not None and np.any(np.asarray(limit, dtype=float) < 0):
            raise ValueError(f"{name} must be ≥ 0, got {limit!r}")
    if noise_df is not None and (isinstance(noise_df, (bool, str)) or not np.isscalar(noise_df)
                                 or not float(noise_df).is_integer() or not 1 <= noise_df <= MAX_NOISE_DF):
        raise ValueError(f"noise_df must be None or a whole number from 1 to {MAX_NOISE_DF}, "
                         f"got {noise_df!r}")
    resolved = resolve(spec, hyperparams, batch)
    options = _Options.for_batch(
        batch,
        steps=steps,
        sign=-1.0 if maximize else 1.0,
        noise=noise,
        noise_df=None if noise_df is None else int(noise_df),
        clip_norm=clip_norm,
        clip_value=clip_value,
        schedule=schedule,
        record_path_every=int(record_every) if record == "path" else None,
        record_loss_every=int(record_every) if record in ("path", "loss") else None,
        record_state=bool(record_state),
        average=average,
        ema_decay=float(ema_decay),
        swa_start=int(swa_start),
        bound=float(divergence_bound),
    )
    # Fail early, with a clear message, on a malformed schedule or one the optimizer cannot follow.
    if getattr(make_schedule(schedule, 1), "momentum", None) is not None:
        _momentum_slot([h.name for h in spec.hyperparams], spec.name)
    keys = particle_keys(seed, batch)

    path_steps = _record_rows(steps, options.record_path_every)
    loss_steps = _record_rows(steps, options.record_loss_every)
    dim = x0.shape[1]
    out = Trajectory(
        path=_column_major((len(path_steps), batch, dim)),
        loss=np.empty((len(loss_steps), batch)),
        path_steps=path_steps,
        loss_steps=loss_steps,
        diverged=np.zeros(batch, dtype=bool),
        diverged_at=np.full(batch, -1, dtype=np.int64),
        optimizer=spec.name,
        hyperparams=resolved,
        steps=steps,
        averaged_path=_column_major((len(path_steps), batch, dim)) if average else None,
    )
    path_row = _row_lookup(path_steps, steps)
    loss_row = _row_lookup(loss_steps, steps)

    jobs = []
    for indices, values in discrete_groups(spec, resolved):
        group_size = batch if indices is None else len(indices)
        for lo in range(0, group_size, BLOCK_SIZE):
            hi = min(lo + BLOCK_SIZE, group_size)
            rows = slice(lo, hi) if indices is None else indices[lo:hi]
            jobs.append((x0[rows], block(values, lo, hi), keys[rows], options.for_rows(rows), rows))

    with quiet():  # divergence is a result: no RuntimeWarning reaches the user
        for block_x0, block_hp, block_keys, block_options, rows in jobs:
            _run_block(spec, landscape, block_x0, block_hp, block_keys, block_options, out, rows,
                       path_row, loss_row)
    return out


def _value_and_grad_of(landscape: Any) -> Callable[[np.ndarray], tuple]:
    """The landscape's ``value_and_grad``, or one built from ``__call__`` and ``grad``."""
    value_and_grad = getattr(landscape, "value_and_grad", None)
    if value_and_grad is None:

        def value_and_grad(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            return landscape(x), landscape.grad(x)

    return value_and_grad


def _context(landscape: Any, sign: float, keys: np.ndarray, dim: int) -> StepContext:
    hessian = getattr(landscape, "hessian", None)
    if sign > 0:
        value, grad, hess = landscape.__call__, landscape.grad, hessian
    else:
        def value(x: np.ndarray) -> np.ndarray:
            return -np.asarray(landscape(x))

        def grad(x: np.ndarray) -> np.ndarray:
            return -np.asarray(landscape.grad(x))

        hess = None if hessian is None else (lambda x: -np.asarray(hessian(x)))
    return StepContext(
        value=value,
        grad=grad,
        hessian=hess,
        normal=NormalSource(keys, dim),
    )


def _gradient_filter(
    opt: _Options, trusted: bool, normal: Callable[[int, int], np.ndarray]
) -> Callable[[np.ndarray, np.ndarray, int], np.ndarray] | None:
    """What turns the landscape's gradient into the one the step sees, or None when nothing does.

    In this order: a private writable copy unless the landscape is a built-in one, the sign flip
    for ``maximize`` (torch flips before the optimizer adds weight decay), the seeded noise, then
    clipping by value and by norm. All of it is decided once per block, so a plain run pays one
    ``is None`` test per step for the lot.
    """
    maximize = opt.sign < 0
    noise = opt.noise
    noisy = not (isinstance(noise, float) and noise == 0.0)
    draw = _noise_draw(opt.noise_df, normal)
    clip_value, clip_norm = opt.clip_value, opt.clip_norm
    if trusted and not maximize and not noisy and clip_value is None and clip_norm is None:
        return None

    def prepare(g: np.ndarray, x: np.ndarray, t: int) -> np.ndarray:
        if not trusted:
            g = _writable_gradient(g, x)
        if maximize:
            np.negative(g, out=g)
        if noisy:
            g += noise * draw(t)
        if clip_value is not None:
            clip_by_value(g, clip_value)
        if clip_norm is not None:
            clip_by_norm(g, clip_norm)
        return g

    return prepare


def _noise_draw(df: int | None, normal: Callable[[int, Any], np.ndarray]) -> Callable[[int], np.ndarray]:
    """The standard noise of step ``t``: Gaussian, or Student-t with ``df`` degrees of freedom.

    A t variate is ``z / √(χ²_ν / ν)`` with ``χ²_ν`` the sum of ``ν`` squared normals; every draw
    comes from the counter-based source, so heavy-tailed noise is reproducible per particle and
    independent of batching, like the Gaussian noise.
    """
    if df is None:
        return lambda t: normal(t, NOISE_STREAM)
    streams = (NOISE_STREAM,) + tuple(range(NOISE_TAIL_STREAM, NOISE_TAIL_STREAM + df))

    def student_t(t: int) -> np.ndarray:
        draws = normal(t, streams)
        z, tail = draws[0], draws[1:]
        chi2 = np.einsum("k...,k...->...", tail, tail)
        return z / np.sqrt(chi2 / df)

    return student_t


def _momentum_slot(names: Any, optimizer: str) -> str:
    """Where a schedule's momentum goes: ``"betas"`` (its first entry) or ``"momentum"``.

    torch's OneCycleLR rule: β₁ when the optimizer has ``betas``, else ``momentum``, else a
    ValueError with torch's message.
    """
    if "betas" in names:
        return "betas"
    if "momentum" in names:
        return "momentum"
    raise ValueError(
        "optimizer must support momentum or beta1 with `cycle_momentum` option enabled; "
        f"{optimizer} has neither a momentum nor a betas hyperparameter"
    )


def _learning_rate(schedule: Callable[[int, Any], Any] | None, hp: Any, optimizer: str
                   ) -> Callable[[int, np.ndarray], Any] | None:
    """The scheduled ``lr`` at step ``t`` (counted from 0) given the loss there, or None (constant).

    The schedule is a multiplier of the optimizer's own ``lr``, so a per-particle ``lr`` and a
    per-particle multiplier (``plateau``) combine row by row. A schedule with a ``momentum``
    (one-cycle's ``cycle_momentum``) also writes its value for step ``t`` into this block's ``hp``
    (``momentum``, or the first of ``betas``) before the step, as torch's scheduler writes the
    param group; the value for step 0 is written at once, so ``spec.init`` already sees it (torch
    sets it when the scheduler is built, before the optimizer creates its state).
    """
    if schedule is None:
        return None
    base_lr = hp.get("lr", 1.0)
    momentum = getattr(schedule, "momentum", None)
    if momentum is None:

        def learning_rate(t: int, loss: np.ndarray) -> Any:
            return base_lr * schedule(t, loss)

        return learning_rate

    slot = _momentum_slot(hp, optimizer)
    if slot == "betas":

        def set_momentum(value: float) -> None:
            hp["betas"] = (value, *hp["betas"][1:])
    else:

        def set_momentum(value: float) -> None:
            hp["momentum"] = value

    set_momentum(momentum(0))

    def cycled_learning_rate(t: int, loss: np.ndarray) -> Any:
        set_momentum(momentum(t))
        return base_lr * schedule(t, loss)

    return cycled_learning_rate


class _Freezer:
    """Flags the particles of a block that diverged and holds each at its last finite point.

    Why: a particle whose iterate turned non-finite or left the divergence bound is a result (it
    diverged, at step ``diverged_at``), not an error, and freezing it keeps inf/NaN out of the
    recordings and averages. The per-step test is one BLAS pass that the loop makes itself on
    :attr:`flat` against :attr:`bound_sq` (the sum of squares is NaN/inf if any coordinate is, and
    ≥ bound² if any coordinate is beyond the bound); this class does the rare work when it fires.
    """

    def __init__(self, x: np.ndarray, bound: float, out: Trajectory, rows: slice | np.ndarray) -> None:
        self.x = x
        self.flat = x.T.reshape(-1)  # a view: x is column-major
        self.bound = bound
        self.bound_sq = bound * bound
        self.frozen = np.zeros(x.shape[0], dtype=bool)
        self.frozen_x = np.empty_like(x)
        self.active = False  # whether any particle is frozen
        self.out, self.rows = out, rows

    def check_start(self) -> None:
        """Freeze the starts beyond the bound: they have diverged before any step (step 0)."""
        x = self.x
        if not np.all(np.abs(x) <= self.bound):
            start_bad = ~np.all(np.abs(x) <= self.bound, axis=1)
            self.frozen |= start_bad
            self.frozen_x[:] = x
            self.active = True
            self.out.diverged_at[_sub(self.rows, start_bad)] = 0

    def flag(self, t: int, previous: np.ndarray) -> None:
        """The loop's test fired after step ``t``: freeze the newly diverged rows at ``previous``.

        The test may be a false alarm (a large but finite sum of squares); then nothing changes.
        """
        magnitude = np.abs(self.x).max(axis=1)
        bad = ~((magnitude <= self.bound) & (magnitude < np.inf)) & ~self.frozen
        if bad.any():
            self.frozen |= bad
            self.frozen_x[bad] = previous[bad]
            self.out.diverged_at[_sub(self.rows, bad)] = t
            self.active = True

    def hold(self) -> None:
        """Put every frozen particle back at its frozen point (the step has just moved it)."""
        frozen = self.frozen
        self.x[frozen] = self.frozen_x[frozen]

    def report(self) -> None:
        """Write which particles of the block diverged."""
        self.out.diverged[self.rows] = self.frozen


class _EMA:
    """Exponential moving average of the iterates, ``a ← d·a + (1 − d)·x``, started at ``x0``."""

    def __init__(self, x0: np.ndarray, decay: float) -> None:
        self.value = x0.copy()
        self.decay = decay

    def update(self, x: np.ndarray, t: int) -> None:
        """Fold in the iterate after step ``t``, in place, as ``a ← (a − x)·d + x``."""
        value = self.value
        value -= x
        value *= self.decay
        value += x


class _SWA:
    """Equal-weight average of the iterates after step ``start`` (Polyak averaging when 0).

    Before and at ``start`` the average is the iterate itself; from step 0 on it includes ``x0``.
    """

    def __init__(self, x0: np.ndarray, start: int) -> None:
        self.value = x0.copy()
        self.start = start
        self.count = 1 if start == 0 else 0

    def update(self, x: np.ndarray, t: int) -> None:
        """Fold in the iterate after step ``t`` (a running mean, in place)."""
        if t > self.start:
            self.count += 1
            self.value += (x - self.value) / self.count
        else:
            self.value[:] = x
            self.count = 1


def _averager(opt: _Options, x0: np.ndarray) -> _EMA | _SWA | None:
    """The iterate average ``opt.average`` asks for, started at ``x0``, or None."""
    if opt.average == "ema":
        return _EMA(x0, opt.ema_decay)
    if opt.average == "swa":
        return _SWA(x0, opt.swa_start)
    return None


class _Recorder:
    """Writes a block's rows of the :class:`Trajectory` other than the per-step path and loss.

    The loop writes those itself through :attr:`path_row` and :attr:`loss_row` (a list lookup per
    step, no call); this class writes the start row, the optimizer-state rows and the last row,
    where the loss (and, with ``record_state``, the exact gradient) of the final point is
    evaluated once more, since no step follows it.
    """

    def __init__(self, out: Trajectory, rows: slice | np.ndarray, path_row: list[int],
                 loss_row: list[int], record_state: bool, shape: tuple[int, int]) -> None:
        self.out, self.rows = out, rows
        self.path_row, self.loss_row = path_row, loss_row
        self.record_state = record_state
        self.n, self.dim = shape

    def start(self, x: np.ndarray, averaged: bool) -> None:
        """Row 0: the start itself (also of the averaged path)."""
        self.out.path[0, self.rows] = x
        if averaged:
            self.out.averaged_path[0, self.rows] = x

    def state(self, state: dict, g: np.ndarray, row: int) -> None:
        """The optimizer state and the gradient ``g`` about to be used, at path row ``row``."""
        _record_state(self.out, state, g, row, self.rows, self.n, self.dim)

    def finish(self, x: np.ndarray, state: dict, steps: int, sign: float, landscape: Any,
               value_and_grad: Callable[[np.ndarray], tuple]) -> None:
        """The last loss row (and state row): the final point's value, and gradient if recorded."""
        row = self.path_row[steps]
        if self.record_state and row >= 0:
            f, grad = value_and_grad(x)
            g = _writable_gradient(grad, x) * sign
            self.state(state, g, row)
        else:
            f = landscape(x)
        self.out.loss[self.loss_row[steps], self.rows] = f


def _run_block(
    spec: OptimizerSpec,
    landscape: Any,
    x0: np.ndarray,
    hp: Any,
    keys: np.ndarray,
    opt: _Options,
    out: Trajectory,
    rows: slice | np.ndarray,
    path_row: list[int],
    loss_row: list[int],
) -> None:
    """Advance one block of particles through all steps, writing into ``out`` at ``rows``.

    The parts (gradient filter, schedule, freezer, averager, recorder) are built once here; the
    loop only calls those that are switched on, so a plain run does what the bare loop would.
    """
    x = np.asfortranarray(x0).copy(order="F")
    dim = x.shape[1]
    hp = Hyper(hp)  # this block's own copy: a schedule may write momentum into it
    base_lr = hp.get("lr", 1.0)
    learning_rate = _learning_rate(make_schedule(opt.schedule, x.shape[0]), hp, spec.name)
    state = spec.init(x, hp)
    ctx = _context(landscape, opt.sign, keys, dim)
    value_and_grad = _value_and_grad_of(landscape)
    # Built-in landscapes return a fresh float64 gradient of x's shape; anything else is checked.
    prepare = _gradient_filter(opt, isinstance(landscape, Landscape), ctx.normal)
    freezer = _Freezer(x, opt.bound, out, rows)
    averager = _averager(opt, x)
    recorder = _Recorder(out, rows, path_row, loss_row, opt.record_state, x.shape)

    freezer.check_start()
    recorder.start(x, averager is not None)

    maximize = opt.sign < 0
    record_state = opt.record_state
    step, path, loss, averaged_path = spec.step, out.path, out.loss, out.averaged_path
    flat, bound_sq = freezer.flat, freezer.bound_sq
    x_prev = np.empty_like(x)  # the point to freeze at when step t − 1 is not in the path
    for t in range(1, opt.steps + 1):
        f, g = value_and_grad(x)
        row = loss_row[t - 1]
        if row >= 0:
            loss[row, rows] = f
        if prepare is not None:
            g = prepare(g, x, t)
        prev_row = path_row[t - 1]
        if record_state and prev_row >= 0:
            recorder.state(state, g, prev_row)
        ctx.value_at_x = np.asarray(f) if not maximize else -np.asarray(f)
        lr = base_lr if learning_rate is None else learning_rate(t - 1, ctx.value_at_x)
        if prev_row < 0:
            np.copyto(x_prev, x)
        step(x, g, state, hp, lr, t, ctx)

        if not np.dot(flat, flat) < bound_sq:  # see _Freezer; a false alarm costs time only
            freezer.flag(t, x_prev if prev_row < 0 else path[prev_row, rows])
        if freezer.active:
            freezer.hold()
        if averager is not None:
            averager.update(x, t)
        row = path_row[t]
        if row >= 0:
            path[row, rows] = x
            if averager is not None:
                averaged_path[row, rows] = averager.value

    recorder.finish(x, state, opt.steps, opt.sign, landscape, value_and_grad)
    freezer.report()


def _writable_gradient(grad: Any, x: np.ndarray) -> np.ndarray:
    """A user landscape's gradient as a float64 array of x's shape that the step may overwrite.

    Copies when it is read-only, broadcast, of another dtype, or shares memory with x (a grad(x)
    that returns x itself would otherwise be modified in place by maximize, noise or clipping).
    """
    if (isinstance(grad, np.ndarray) and grad.flags.writeable and grad.shape == x.shape
            and grad.dtype == np.float64 and not np.may_share_memory(grad, x)):
        return grad
    return np.array(np.broadcast_to(grad, x.shape), dtype=np.float64)


def _sub(rows: slice | np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The batch indices of the block rows selected by ``mask``."""
    if isinstance(rows, slice):
        return np.flatnonzero(mask) + rows.start
    return rows[mask]


def _record_state(out: Trajectory, state: dict, g: np.ndarray, row: int,
                  rows: slice | np.ndarray, n: int, dim: int) -> None:
    items = {"grad": g, **state}
    for name, value in items.items():
        value = np.asarray(value, dtype=np.float64)
        if value.ndim != 2 or value.shape[0] != n:
            continue  # scalars and other bookkeeping are not per-particle state
        buffer = out.state.get(name)
        if buffer is None:
            buffer = np.full((len(out.path_steps), out.path.shape[1], value.shape[1]), np.nan)
            out.state[name] = buffer
        buffer[row, rows] = value


__all__ = ["run", "BLOCK_SIZE", "HyperparameterError"]
