"""Learning-rate schedules: multipliers of ``lr`` as a function of the step (counted from 0).

Definitions follow torch.optim.lr_scheduler where torch has the schedule (parameter names too);
the multiplier at step ``t`` is what torch's scheduler would have set after ``t`` calls of
``scheduler.step()``. ``power`` is the schedule of the course notes, ``η₀ / (1 + t/s)^c``.
``plateau`` (torch's ReduceLROnPlateau, the "performance" schedule) watches each particle's own
loss, so its multiplier is per particle; the multiplier used at step ``t`` has already seen the
losses at steps ``0..t`` (``t + 1`` calls of ``scheduler.step(loss)``). Unlike torch it keeps
reducing below torch's absolute ``eps = 1e-8`` on the lr, since the multiplier does not know lr.
``one_cycle`` is torch's OneCycleLR (both annealing strategies, ``three_phase``) and can also cycle
the optimizer's momentum or β₁ (``cycle_momentum``), which the engine applies; that is off by
default here, unlike torch, so that plain SGD stays plain SGD and older links keep their numbers.
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


def _anneal_cos(start: float, end: float, pct: float) -> float:
    """torch's ``OneCycleLR._annealing_cos``: cosine from ``start`` (pct 0) to ``end`` (pct 1)."""
    cos_out = math.cos(math.pi * pct) + 1
    return end + (start - end) / 2.0 * cos_out


def _anneal_linear(start: float, end: float, pct: float) -> float:
    """torch's ``OneCycleLR._annealing_linear``: a straight line from ``start`` to ``end``."""
    return (end - start) * pct + start


@dataclass(frozen=True)
class _Phase:
    """One phase of the cycle: it ends at step ``end_step``; lr factor and momentum go start → end."""

    end_step: float
    start_lr: float
    end_lr: float
    start_momentum: float
    end_momentum: float


class OneCycle:
    """torch's ``OneCycleLR`` as a multiplier of ``max_lr`` (the optimizer's ``lr``), step by step.

    The phases, their end steps and the annealing are torch's code with ``max_lr = 1``, so the
    multiplier at step ``t`` is torch's lr after ``t`` calls of ``scheduler.step()`` divided by
    ``max_lr`` (up to rounding), and :meth:`momentum_at` is torch's momentum then, exactly.
    Two differences, both where torch has no sensible answer: from step ``total_steps`` on the
    values stay at those of the cycle's last step (torch extrapolates one step, then raises), and a
    warm-up of zero length (``pct_start·total_steps = 1``) starts at its end values (torch divides
    by zero).

    With ``cycle_momentum`` the schedule also drives the optimizer's momentum: :attr:`momentum`
    is then :meth:`momentum_at`, which the engine writes into ``momentum`` or ``betas[0]`` before
    each step; otherwise :attr:`momentum` is None and the optimizer's own momentum is left alone.
    """

    def __init__(self, total_steps: int, pct_start: float, div_factor: float,
                 final_div_factor: float, anneal_strategy: str = "cos", three_phase: bool = False,
                 cycle_momentum: bool = False, base_momentum: float = 0.85,
                 max_momentum: float = 0.95) -> None:
        self.total_steps = total_steps
        initial = 1.0 / div_factor  # torch: initial_lr = max_lr / div_factor
        minimum = initial / final_div_factor  # torch: min_lr = initial_lr / final_div_factor
        up_end = float(pct_start * total_steps) - 1
        if three_phase:
            self.phases = (
                _Phase(up_end, initial, 1.0, max_momentum, base_momentum),
                _Phase(float(2 * pct_start * total_steps) - 2, 1.0, initial, base_momentum,
                       max_momentum),
                _Phase(total_steps - 1, initial, minimum, max_momentum, max_momentum),
            )
        else:
            self.phases = (
                _Phase(up_end, initial, 1.0, max_momentum, base_momentum),
                _Phase(total_steps - 1, 1.0, minimum, base_momentum, max_momentum),
            )
        self.anneal = _anneal_cos if anneal_strategy == "cos" else _anneal_linear
        self.momentum: Callable[[int], float] | None = self.momentum_at if cycle_momentum else None

    def _where(self, t: int) -> tuple[_Phase, float | None]:
        """The phase of step ``t`` and the fraction of it done (None: a zero-length phase's end)."""
        t = min(t, self.total_steps - 1)  # after the cycle everything keeps its last value
        start_step = 0.0
        last = len(self.phases) - 1
        for i, phase in enumerate(self.phases):
            end_step = phase.end_step
            if t <= end_step or i == last:
                if end_step == start_step:
                    return phase, None
                return phase, (t - start_step) / (end_step - start_step)
            start_step = end_step
        raise AssertionError("unreachable: the last phase always matches")

    def __call__(self, t: int, loss: Any) -> float:
        """The lr multiplier at step ``t`` (counted from 0)."""
        phase, pct = self._where(t)
        return phase.end_lr if pct is None else self.anneal(phase.start_lr, phase.end_lr, pct)

    def momentum_at(self, t: int) -> float:
        """The momentum (or β₁) at step ``t``: falls while lr rises and rises while it falls."""
        phase, pct = self._where(t)
        if pct is None:
            return phase.end_momentum
        return self.anneal(phase.start_momentum, phase.end_momentum, pct)


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

#: torch's OneCycleLR with max_lr = 1 (t₁ = pct_start·T − 1): both annealing strategies, the
#: three-phase variant and the momentum cycled against lr.
ONE_CYCLE_FORMULA = r"""
\begin{aligned}
&\eta_t = \eta\,a\big(\tfrac{1}{d},\,1,\,\tfrac{t}{t_1}\big)\ \ (t \le t_1 = \rho T - 1),\qquad
 \eta_t = \eta\,a\big(1,\,\tfrac{1}{d\,d_f},\,\tfrac{t - t_1}{T - 1 - t_1}\big)\ \ (t_1 < t \le T - 1) \\
&a_{\cos}(s, e, p) = e + \tfrac{s - e}{2}\,(1 + \cos \pi p),\qquad
 a_{\mathrm{linear}}(s, e, p) = s + (e - s)\,p \\
&\text{three phases: } \tfrac{1}{d} \nearrow 1 \text{ until } t_1,\ 1 \searrow \tfrac{1}{d}
 \text{ until } 2t_1,\ \tfrac{1}{d} \searrow \tfrac{1}{d\,d_f} \text{ until } T - 1 \\
&\text{cycle momentum: } \mu_t = a(\mu_{\max}, \mu_{\mathrm{base}}, p) \text{ while } \eta_t
 \text{ rises, } a(\mu_{\mathrm{base}}, \mu_{\max}, p) \text{ while it falls}
\end{aligned}
"""

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
                        kind="int_pair", low=0, high=10_000, labels=("first milestone", "second milestone")),
             _GAMMA),
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
                    log=True),
             HyperParam("anneal_strategy", "cos",
                        "How lr (and momentum) move inside a phase: 'cos' along a half cosine "
                        "(torch's default), 'linear' along a straight line (the course notes' 1cycle)",
                        kind="choice", choices=("cos", "linear")),
             HyperParam("three_phase", False,
                        "torch's three_phase: up to lr, back down to lr / div_factor in as many "
                        "steps, then on down to the final lr (the original 1cycle paper)",
                        kind="bool"),
             HyperParam("cycle_momentum", False,
                        "Cycle the optimizer's momentum (β₁ for Adam-type optimizers) the other way: "
                        "max_momentum → base_momentum while lr rises, and back. It replaces the "
                        "optimizer's own momentum / β₁, so it turns plain SGD into momentum SGD. Off "
                        "by default here (torch's default is on); refused for optimizers without "
                        "momentum or β₁, as in torch", kind="bool"),
             _float("base_momentum", 0.85, 0.0, 0.999,
                    "Momentum at the lr peak (with cycle_momentum)"),
             _float("max_momentum", 0.95, 0.0, 0.999,
                    "Momentum at the start and at the end of the cycle (with cycle_momentum)")),
            ONE_CYCLE_FORMULA, OneCycle,
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
    A schedule that also drives the optimizer's momentum (``one_cycle`` with ``cycle_momentum``)
    has a ``momentum`` attribute ``step -> value``; for every other schedule it is missing or None.
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
    """``value`` validated for ``param`` of schedule ``name``: flags, choices, whole numbers, floats."""
    low = param.low or 0
    if param.kind == "bool":
        if isinstance(value, (bool, np.bool_)) or (_is_whole(value) and value in (0, 1)):
            return bool(value)
        raise ValueError(f"schedule {name!r}: {param.name} must be True or False, got {value!r}")
    if param.kind == "choice":
        if isinstance(value, str) and value in param.choices:
            return value
        raise ValueError(
            f"schedule {name!r}: {param.name} must be one of {', '.join(map(repr, param.choices))}, "
            f"got {value!r}"
        )
    if param.kind == "int":
        if not _is_whole(value) or value < low:
            raise ValueError(f"schedule {name!r}: {param.name} must be a whole number ≥ {param.low}")
        return int(value)
    if param.kind == "int_pair":  # milestones: whole-number steps
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
