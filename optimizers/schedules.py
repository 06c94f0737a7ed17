"""Learning-rate schedules: multipliers of ``lr`` as a function of the step (counted from 0).

Definitions follow torch.optim.lr_scheduler where torch has the schedule (parameter names too);
the multiplier at step ``t`` is what torch's scheduler would have set after ``t`` calls of
``scheduler.step()``. ``power`` is the schedule of the course notes, ``η₀ / (1 + t/s)^c``.
``plateau`` (torch's ReduceLROnPlateau, the "performance" schedule) watches each particle's own
loss, so its multiplier is per particle; the multiplier used at step ``t`` has already seen the
losses at steps ``0..t`` (``t + 1`` calls of ``scheduler.step(loss)``). Unlike torch it keeps
reducing below torch's absolute ``eps = 1e-8`` on the lr, since the multiplier does not know lr.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .spec import HyperParam


@dataclass(frozen=True)
class ScheduleSpec:
    """A schedule's name, parameters (with defaults and ranges) and formula, for controls and docs."""

    name: str
    title: str
    params: tuple[HyperParam, ...]
    formula: str
    build: Callable[..., Callable[[int, Any], Any]]


def _pow(base: float, exponent: float) -> float:
    """``base ** exponent`` in Python floats, ±inf instead of OverflowError (e.g. ``gamma > 1``)."""
    try:
        return base**exponent
    except OverflowError:
        odd = float(exponent).is_integer() and int(exponent) % 2 == 1
        return -math.inf if base < 0 and odd else math.inf


def _constant() -> Callable[[int, Any], float]:
    return lambda t, loss: 1.0


def _step(step_size: int, gamma: float) -> Callable[[int, Any], float]:
    return lambda t, loss: _pow(gamma, t // step_size)


def _piecewise(milestones: tuple, gamma: float) -> Callable[[int, Any], float]:
    marks = sorted(int(m) for m in milestones)
    return lambda t, loss: _pow(gamma, sum(1 for m in marks if t >= m))


def _exponential(gamma: float) -> Callable[[int, Any], float]:
    return lambda t, loss: _pow(gamma, t)


def _power(s: float, c: float) -> Callable[[int, Any], float]:
    return lambda t, loss: _pow(1.0 + t / s, -c)


def _cosine(T_max: int, min_factor: float) -> Callable[[int, Any], float]:
    def factor(t: int, loss: Any) -> float:
        progress = min(t, T_max) / T_max
        return min_factor + (1.0 - min_factor) * (1.0 + math.cos(math.pi * progress)) / 2.0

    return factor


def _linear_warmup(warmup_steps: int, start_factor: float) -> Callable[[int, Any], float]:
    def factor(t: int, loss: Any) -> float:
        if t >= warmup_steps:
            return 1.0
        return start_factor + (1.0 - start_factor) * t / warmup_steps

    return factor


def _one_cycle(
    total_steps: int, pct_start: float, div_factor: float, final_div_factor: float
) -> Callable[[int, Any], float]:
    """torch's OneCycleLR with cosine annealing, two phases, as a multiplier of ``max_lr``."""
    initial = 1.0 / div_factor
    minimum = initial / final_div_factor
    up_end = float(pct_start * total_steps) - 1.0
    down_end = float(total_steps) - 1.0

    def cos_anneal(start: float, end: float, pct: float) -> float:
        return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1.0)

    def factor(t: int, loss: Any) -> float:
        t = min(t, total_steps - 1)  # after the cycle the multiplier keeps its last value
        if t <= up_end:
            return cos_anneal(initial, 1.0, t / up_end) if up_end > 0 else 1.0
        # here up_end < t ≤ down_end, so the second phase has positive length
        return cos_anneal(1.0, minimum, (t - up_end) / (down_end - up_end))

    return factor


class _Plateau:
    """torch's ReduceLROnPlateau (mode ``min``, relative threshold), one instance per particle."""

    def __init__(self, n: int, factor: float, patience: int, threshold: float, min_factor: float):
        self.factor, self.patience, self.threshold, self.min_factor = (
            factor, patience, threshold, min_factor)
        self.best = np.full(n, np.inf)
        self.bad_steps = np.zeros(n, dtype=np.int64)
        self.current = np.ones((n, 1))

    def __call__(self, t: int, loss: Any) -> np.ndarray:
        loss = np.asarray(loss, dtype=np.float64).reshape(-1)
        improved = loss < self.best * (1.0 - self.threshold)
        self.best = np.where(improved, loss, self.best)
        self.bad_steps = np.where(improved, 0, self.bad_steps + 1)
        reduce = self.bad_steps > self.patience
        if reduce.any():
            reduced = np.maximum(self.current[reduce, 0] * self.factor, self.min_factor)
            self.current[reduce, 0] = reduced
            self.bad_steps[reduce] = 0
        return self.current.copy()  # callers may keep it; our buffer changes on later calls


def _int(name: str, default: int, low: int, high: int, text: str) -> HyperParam:
    return HyperParam(name, default, text, low=low, high=high, kind="int")


def _float(name: str, default: float, low: float, high: float, text: str, log: bool = False) -> HyperParam:
    return HyperParam(name, default, text, low=low, high=high, log=log)


_GAMMA = _float("gamma", 0.5, 0.01, 1.0, "Multiplier applied at each decay")

SCHEDULES: dict[str, ScheduleSpec] = {
    s.name: s
    for s in (
        ScheduleSpec("constant", "Constant", (), r"\eta_t = \eta", _constant),
        ScheduleSpec(
            "step", "Step decay",
            (_int("step_size", 100, 1, 10_000, "Steps between decays"), _GAMMA),
            r"\eta_t = \eta\,\gamma^{\lfloor t / s \rfloor}", _step,
        ),
        ScheduleSpec(
            "piecewise", "Piecewise constant",
            (HyperParam("milestones", (100, 200), "Steps at which lr is multiplied by gamma",
                        kind="pair", low=0, high=10_000), _GAMMA),
            r"\eta_t = \eta\,\gamma^{\#\{m_i \le t\}}", _piecewise,
        ),
        ScheduleSpec(
            "exponential", "Exponential decay",
            (_float("gamma", 0.99, 0.9, 1.0, "Per-step multiplier"),),
            r"\eta_t = \eta\,\gamma^{t}", _exponential,
        ),
        ScheduleSpec(
            "power", "Power decay",
            (_float("s", 100.0, 1.0, 10_000.0, "Steps until lr has dropped by 2^c", log=True),
             _float("c", 1.0, 0.1, 3.0, "Exponent")),
            r"\eta_t = \eta\,(1 + t/s)^{-c}", _power,
        ),
        ScheduleSpec(
            "cosine", "Cosine annealing",
            (_int("T_max", 500, 1, 100_000, "Steps to reach the minimum"),
             _float("min_factor", 0.0, 0.0, 1.0, "Final lr as a fraction of lr")),
            r"\eta_t = \eta\,[m + (1-m)\tfrac{1}{2}(1 + \cos(\pi \min(t,T)/T))]", _cosine,
        ),
        ScheduleSpec(
            "linear_warmup", "Linear warm-up",
            (_int("warmup_steps", 50, 1, 10_000, "Steps to reach the full lr"),
             _float("start_factor", 0.0, 0.0, 1.0, "Initial lr as a fraction of lr")),
            r"\eta_t = \eta\,[f_0 + (1-f_0)\min(t/W, 1)]", _linear_warmup,
        ),
        ScheduleSpec(
            "one_cycle", "One-cycle",
            (_int("total_steps", 500, 2, 100_000, "Length of the cycle"),
             _float("pct_start", 0.3, 0.01, 0.99, "Fraction of the cycle spent warming up"),
             _float("div_factor", 25.0, 1.0, 1000.0, "Initial lr = lr / div_factor", log=True),
             _float("final_div_factor", 1e4, 1.0, 1e6, "Final lr = initial lr / final_div_factor",
                    log=True)),
            r"\eta_t:\ \eta/d \nearrow \eta \searrow \eta/(d\,d_f)\ \text{(cosine)}", _one_cycle,
        ),
        ScheduleSpec(
            "plateau", "Reduce on plateau",
            (_float("factor", 0.1, 0.01, 0.99, "Multiplier when the loss stalls"),
             _int("patience", 10, 0, 10_000, "Steps without improvement before reducing"),
             _float("threshold", 1e-4, 0.0, 0.1, "Relative improvement that counts"),
             _float("min_factor", 0.0, 0.0, 1.0, "Lower bound on the multiplier")),
            r"\eta_t = \eta\,\text{factor}^{k_t},\ k_t = \#\text{plateaus so far}", None,
        ),
    )
}


def _params_of(schedule: Any) -> tuple[str, dict[str, Any]]:
    if isinstance(schedule, str):
        return schedule, {}
    if isinstance(schedule, dict):
        params = dict(schedule)
        name = params.pop("name", None)
        if name is None:
            raise ValueError("a schedule dict needs a 'name' key")
        return name, params
    if isinstance(schedule, (tuple, list)) and len(schedule) == 2 and isinstance(schedule[0], str):
        if not isinstance(schedule[1], dict):
            raise ValueError(f"schedule parameters must be a dict, got {schedule[1]!r}")
        return schedule[0], dict(schedule[1])
    raise ValueError(
        f"schedule must be a name, (name, params), a dict with 'name', or a callable; got {schedule!r}"
    )


def make_schedule(schedule: Any, n: int) -> Callable[[int, Any], Any] | None:
    """A function ``(step, loss) -> multiplier`` for a block of ``n`` particles, or None.

    The multiplier is a float, or an ``(n, 1)`` array for the per-particle ``plateau`` schedule.
    """
    if schedule is None:
        return None
    if callable(schedule):
        return _callable_schedule(schedule)
    name, params = _params_of(schedule)
    spec = SCHEDULES.get(name)
    if spec is None:
        raise ValueError(f"unknown schedule {name!r}; valid: {', '.join(SCHEDULES)}")
    valid = {p.name: p for p in spec.params}
    unknown = sorted(set(params) - set(valid))
    if unknown:
        raise ValueError(
            f"schedule {name!r} has no parameter {', '.join(map(repr, unknown))}; "
            f"valid: {', '.join(valid) or '(none)'}"
        )
    values = {k: _checked(name, valid[k], params.get(k, p.default)) for k, p in valid.items()}
    if name in ("power",) and values["s"] <= 0:
        raise ValueError("schedule 'power': s must be positive")
    if name == "one_cycle":
        if not 0.0 <= values["pct_start"] <= 1.0:
            raise ValueError("schedule 'one_cycle': pct_start must be between 0 and 1")
        for key in ("div_factor", "final_div_factor"):
            if values[key] <= 0:
                raise ValueError(f"schedule 'one_cycle': {key} must be positive")
    if name == "plateau":
        return _Plateau(n, **values)
    return spec.build(**values)


def _is_whole(value: Any) -> bool:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    return math.isfinite(number) and number.is_integer() and not isinstance(value, bool)


def _checked(name: str, param: HyperParam, value: Any) -> Any:
    """``value`` validated for ``param`` of schedule ``name``: whole numbers, finite floats."""
    low = param.low or 0
    if param.kind == "int":
        if not _is_whole(value) or value < low:
            raise ValueError(f"schedule {name!r}: {param.name} must be a whole number ≥ {param.low}")
        return int(value)
    if param.kind == "pair":  # milestones: whole-number steps
        marks = [value] if np.ndim(value) == 0 else list(np.ravel(value))
        if not all(_is_whole(m) and m >= low for m in marks):
            raise ValueError(f"schedule {name!r}: {param.name} must be whole numbers ≥ {low}, got {value!r}")
        return tuple(int(m) for m in marks)
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        raise ValueError(f"schedule {name!r}: {param.name} must be finite")
    return number


def _callable_schedule(fn: Callable[[int], float]) -> Callable[[int, Any], float]:
    def factor(t: int, loss: Any) -> float:
        value = float(fn(t))
        return value if math.isfinite(value) else float("nan")

    return factor
