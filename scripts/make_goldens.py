"""Generate the golden reference trajectories under ``tests/goldens/`` from torch.optim and optax.

Run by hand, once, in the reference environment (torch, optax and jax are never dependencies of the
repo or of its tests)::

    /work/venv-ref/bin/python scripts/make_goldens.py            # everything
    /work/venv-ref/bin/python scripts/make_goldens.py adam lion  # only these optimizers
    /work/venv-ref/bin/python scripts/make_goldens.py torch_signatures  # only that file

torch cases need only torch; jax and optax are imported only when an optax case (or ``lookahead``)
is generated.

What it writes:

``tests/goldens/<optimizer>.npz`` and ``<optimizer>.json``
    For every case of that optimizer: the whole reference path ``(steps + 1, 3, dim)`` under
    ``"<case id>/path"`` and the loss ``(steps + 1, 3)`` (our landscape at the reference iterates)
    under ``"<case id>/loss"``; the JSON holds the case metadata (our hyperparameters, landscape,
    starts, steps, maximize, tolerances) and the exact reference call.
``tests/goldens/schedules.json``
    Learning-rate multipliers of torch.optim.lr_scheduler for our schedules (and the momentum that
    OneCycleLR's ``cycle_momentum`` sets), and under ``"trajectories"`` whole runs of torch
    optimizers under ``OneCycleLR(cycle_momentum=True)``. ``make_goldens.py schedules`` rewrites
    this file alone and needs only torch.
``tests/goldens/clipping.json``
    ``torch.nn.utils.clip_grad_norm_`` / ``clip_grad_value_`` on a few gradients.
``tests/goldens/torch_signatures.json``
    The parameters (names, defaults, keyword-only or not) of the torch.optim constructor of every
    optimizer that follows torch, so the tests can check that a torch user's keyword dict is
    accepted as it is, without importing torch.

How a reference run is made:

* torch: float64 default dtype, one ``torch.nn.Parameter`` of shape ``(dim,)`` per particle with its
  own optimizer instance (so per-parameter quantities are per particle), default foreach/fused
  settings (the single-tensor path on CPU), ``p.grad`` set each step from our landscape's analytic
  gradient at the current point, ``maximize`` passed to the optimizer.
* optax: ``jax_enable_x64``, one ``(dim,)`` array per particle with its own state, executed eagerly
  (op by op, no jit) as ``updates, state = opt.update(grads, state, params)`` then
  ``params = optax.apply_updates(params, updates)``. optax has no ``maximize``: a maximize case feeds
  the negated gradient. Lookahead runs on ``optax.LookaheadParams`` and records the FAST weights.

A case whose reference path turns non-finite or leaves ``|x| > 1e6`` is useless for comparison and is
skipped with a message; so is a case whose landscape does not exist yet.
"""

from __future__ import annotations

import inspect
import json
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from landscapes import LANDSCAPES  # noqa: E402  (after the sys.path line above)

OUT = ROOT / "tests" / "goldens"
BOUND = 1e6
DEFAULT_RTOL = 1e-10
DEFAULT_ATOL = 1e-12

# Start points as fractions of the landscape's window (never its centre, where many landscapes have
# a stationary point); rounded to 3 decimals so the JSON stays readable.
START_FRACTIONS = ((0.12, 0.83), (0.71, 0.22), (0.37, 0.64))


# --------------------------------------------------------------------------------------------------
# The mapping tables: our hyperparameters -> the reference call.
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TorchMap:
    """Our optimizer ``name`` is ``torch.optim.<cls>`` with these hyperparameters (same names)."""

    cls: str
    names: tuple[str, ...]
    fixed: dict[str, Any] = field(default_factory=dict)  # torch kwargs our spec implies
    our_defaults: dict[str, Any] = field(default_factory=dict)  # where our spec's defaults differ by design


_SGD = ("lr", "momentum", "dampening", "weight_decay", "nesterov")
_ADAMW = ("lr", "betas", "eps", "weight_decay", "amsgrad")  # AdamW's constructor has no decoupled flag
_ADAM = (*_ADAMW, "decoupled_weight_decay")

TORCH: dict[str, TorchMap] = {
    "sgd": TorchMap("SGD", _SGD),
    "momentum": TorchMap("SGD", _SGD, our_defaults={"momentum": 0.9}),
    "nesterov": TorchMap("SGD", _SGD, our_defaults={"momentum": 0.9, "nesterov": True}),
    "adam": TorchMap("Adam", _ADAM),
    "amsgrad": TorchMap("Adam", ("lr", "betas", "eps", "weight_decay", "decoupled_weight_decay"),
                        fixed={"amsgrad": True}),
    "adamw": TorchMap("AdamW", _ADAMW),
    "adagrad": TorchMap("Adagrad", ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps")),
    "rmsprop": TorchMap("RMSprop", ("lr", "alpha", "eps", "weight_decay", "momentum", "centered")),
    "adadelta": TorchMap("Adadelta", ("lr", "rho", "eps", "weight_decay")),
    "adamax": TorchMap("Adamax", ("lr", "betas", "eps", "weight_decay")),
    "nadam": TorchMap("NAdam", ("lr", "betas", "eps", "weight_decay", "momentum_decay",
                                "decoupled_weight_decay")),
    "radam": TorchMap("RAdam", ("lr", "betas", "eps", "weight_decay", "decoupled_weight_decay")),
    "rprop": TorchMap("Rprop", ("lr", "etas", "step_sizes")),
}


def _same(v: Any) -> Any:
    return v


def _none_if_nonpositive(v: Any) -> Any:
    return None if v <= 0 else v


def _none_if_zero(v: Any) -> Any:
    return None if v == 0 else v


def _zero_if_none(v: Any) -> Any:
    return 0.0 if v is None else v


@dataclass(frozen=True)
class Arg:
    """One of our hyperparameters and the optax argument(s) it becomes.

    ``ref`` is an optax argument name, or a pair of names for a pair such as ``betas -> (b1, b2)``;
    ``to_ref`` / ``from_ref`` convert a value (``from_ref`` turns optax's default into ours).
    """

    ours: str
    ref: str | tuple[str, str]
    to_ref: Callable[[Any], Any] = _same
    from_ref: Callable[[Any], Any] = _same


@dataclass(frozen=True)
class OptaxMap:
    fn: str
    args: tuple[Arg, ...]
    fixed: dict[str, Any] = field(default_factory=dict)


_LR = Arg("lr", "learning_rate")
_BETAS = Arg("betas", ("b1", "b2"))

OPTAX: dict[str, OptaxMap] = {
    "lion": OptaxMap("lion", (_LR, _BETAS, Arg("weight_decay", "weight_decay"))),
    "lamb": OptaxMap("lamb", (_LR, _BETAS, Arg("eps", "eps"), Arg("eps_root", "eps_root"),
                              Arg("weight_decay", "weight_decay"))),
    "lars": OptaxMap("lars", (_LR, Arg("weight_decay", "weight_decay"),
                              Arg("trust_coefficient", "trust_coefficient"), Arg("eps", "eps"),
                              Arg("momentum", "momentum"), Arg("nesterov", "nesterov"))),
    "novograd": OptaxMap("novograd", (_LR, _BETAS, Arg("eps", "eps"), Arg("eps_root", "eps_root"),
                                      Arg("weight_decay", "weight_decay"))),
    "yogi": OptaxMap("yogi", (_LR, _BETAS, Arg("eps", "eps"))),
    "adabelief": OptaxMap("adabelief", (_LR, _BETAS, Arg("eps", "eps"), Arg("eps_root", "eps_root"))),
    "adafactor": OptaxMap(
        "adafactor",
        (_LR, Arg("decay_rate", "decay_rate"), Arg("decay_offset", "decay_offset"),
         Arg("multiply_by_parameter_scale", "multiply_by_parameter_scale"),
         Arg("clipping_threshold", "clipping_threshold", _none_if_nonpositive, _zero_if_none),
         Arg("momentum", "momentum", _none_if_zero, _zero_if_none),
         Arg("weight_decay", "weight_decay_rate", _none_if_zero, _zero_if_none),
         Arg("eps", "eps")),
        # optax keeps Adafactor's momentum in float32 unless told otherwise
        fixed={"dtype_momentum": "float64"},
    ),
    "sm3": OptaxMap("sm3", (_LR, Arg("momentum", "momentum"))),
}

# Lookahead: our "inner" picks optax.adam or optax.sgd; these are the inner's arguments.
LOOKAHEAD_INNER: dict[str, OptaxMap] = {
    "adam": OptaxMap("adam", (_LR, _BETAS, Arg("eps", "eps"))),
    "sgd": OptaxMap("sgd", (_LR, Arg("momentum", "momentum", _none_if_zero, _zero_if_none),
                            Arg("nesterov", "nesterov"))),
}
LOOKAHEAD_OUTER = ("sync_period", "slow_step_size")


# --------------------------------------------------------------------------------------------------
# The cases.
# --------------------------------------------------------------------------------------------------


@dataclass
class Case:
    optimizer: str
    label: str
    hyperparams: dict[str, Any]  # our names; only the case's settings (defaults are added)
    landscape: str
    steps: int = 200
    maximize: bool = False
    rtol: float = DEFAULT_RTOL
    atol: float = DEFAULT_ATOL
    tolerance_reason: str = ""

    @property
    def id(self) -> str:
        return f"{self.optimizer}-{self.landscape}-{self.label}"


# Landscapes in the order variants are spread over them (see _spread).
LANDSCAPE_ORDER = ("rosenbrock", "quadratic", "himmelblau", "beale", "saddle", "booth",
                   "six_hump_camel", "x2_plus_sin")

# Plain gradient descent is not scale invariant: its lr has to suit the landscape's curvature
# (about 1/L for the largest curvature L in the window).
SGD_LR = {
    "rosenbrock": 2e-4, "quadratic": 0.02, "himmelblau": 2e-3, "beale": 2e-4, "saddle": 0.01,
    "booth": 0.02, "six_hump_camel": 5e-3, "x2_plus_sin": 0.05, "sin_minus_square": 0.02,
    "x_plus_sin": 0.05, "rastrigin": 1e-3, "ackley": 0.05, "monkey_saddle": 1e-3,
}


# LAMB and LARS step lr·‖w‖ whatever the gradient, so near a minimum away from the origin they
# bounce for ever and rounding differences grow exponentially (0.1–1 after 200 steps on Himmelblau,
# Booth, Beale, Rastrigin). These landscapes keep them in a calm regime.
_CALM = ("quadratic", "saddle", "six_hump_camel", "x2_plus_sin", "rosenbrock", "monkey_saddle")

# Cases whose reference agrees with ours to rounding at first but amplifies it: id -> (rtol, atol, why).
TOLERANCES: dict[str, tuple[float, float, str]] = {
    "adam-himmelblau-betas": (1e-10, 1e-11, (
        "a coordinate crosses zero while the other is ~3: absolute rounding of a few 1e-12 after "
        "200 steps with β=(0.8, 0.9)")),
    "novograd-booth-betas": (1e-8, 1e-9, (
        "NovoGrad's layer-normalised steps bounce around Booth's minimum: rounding grows from "
        "1e-16 to ~5e-11 over 200 steps")),
}


def _width(landscape: str) -> float:
    if landscape not in LANDSCAPES:
        return math.nan  # the case is skipped: its landscape does not exist yet
    bounds = LANDSCAPES[landscape].bounds
    return float(min(hi - lo for lo, hi in bounds))


def _spread(optimizer: str, variants: list[tuple[str, dict[str, Any]]], per_variant: int = 2,
            landscapes: tuple[str, ...] = LANDSCAPE_ORDER, offset: int = 0,
            steps: int = 200, lr: Callable[[str], float] | None = None) -> list[Case]:
    """Each variant on ``per_variant`` landscapes, rotating so the algorithm sees several.

    ``lr(landscape)`` supplies the learning rate unless the variant sets one.
    """
    cases = []
    k = offset
    for label, hp in variants:
        for _ in range(per_variant):
            name = landscapes[k % len(landscapes)]
            k += 1
            settings = dict(hp)
            if lr is not None and "lr" not in settings:
                settings["lr"] = lr(name)
            cases.append(Case(optimizer, label, settings, name, steps=steps))
    return cases


def _adaptive_lr(fraction: float) -> Callable[[str], float]:
    """An lr that moves a fixed fraction of the window per step (for scale-free methods)."""
    return lambda name: round(fraction * _width(name), 6)


def _sgd_lr(scale: float = 1.0) -> Callable[[str], float]:
    return lambda name: SGD_LR[name] * scale


def _radam_lr(name: str) -> float:
    """RAdam's first steps (ρ_t ≤ 5) are plain momentum SGD: the lr must also suit the curvature."""
    return min(_adaptive_lr(0.01)(name), SGD_LR[name] * 20)


def build_cases() -> list[Case]:
    cases: list[Case] = []
    add = cases.extend

    # ---- torch -----------------------------------------------------------------------------------
    add(_spread("sgd", [
        ("plain", {}),
        ("momentum", {"momentum": 0.9}),
        ("ema-momentum", {"momentum": 0.9, "dampening": 0.9}),
        ("nesterov", {"momentum": 0.9, "nesterov": True}),
        ("weight-decay", {"momentum": 0.5, "weight_decay": 0.1}),
    ], lr=_sgd_lr(0.5)))
    add(_spread("momentum", [("defaults", {}), ("beta-0.7", {"momentum": 0.7})],
                offset=3, lr=_sgd_lr(0.5)))
    add(_spread("nesterov", [("defaults", {}), ("wd", {"momentum": 0.8, "weight_decay": 0.05})],
                offset=5, lr=_sgd_lr(0.5)))
    add(_spread("adam", [
        ("defaults", {}),
        ("betas", {"betas": (0.8, 0.9)}),
        ("weight-decay", {"weight_decay": 0.1}),
        ("amsgrad", {"amsgrad": True, "betas": (0.9, 0.99)}),
        ("eps", {"eps": 1e-3}),
    ], lr=_adaptive_lr(0.01)))
    # torch.optim.Adam(decoupled_weight_decay=True): AdamW's decay in Adam (torch 2.7+)
    add(_spread("adam", [
        ("decoupled", {"decoupled_weight_decay": True, "weight_decay": 0.1}),
        ("decoupled-amsgrad", {"decoupled_weight_decay": True, "weight_decay": 0.5, "amsgrad": True,
                               "betas": (0.8, 0.99)}),
    ], per_variant=3, offset=2, lr=_adaptive_lr(0.01)))
    add(_spread("amsgrad", [("defaults", {}), ("betas", {"betas": (0.5, 0.9), "weight_decay": 0.01})],
                offset=2, lr=_adaptive_lr(0.01)))
    add(_spread("amsgrad", [("decoupled", {"decoupled_weight_decay": True, "weight_decay": 0.2})],
                offset=6, lr=_adaptive_lr(0.01)))
    add(_spread("adamw", [
        ("defaults", {}),
        ("weight-decay", {"weight_decay": 0.5}),
        ("amsgrad", {"weight_decay": 0.1, "amsgrad": True, "betas": (0.7, 0.95)}),
    ], offset=1, lr=_adaptive_lr(0.01)))
    add(_spread("adagrad", [
        ("defaults", {}),
        ("lr-decay", {"lr_decay": 0.01}),
        ("initial-accumulator", {"initial_accumulator_value": 0.5, "eps": 1e-6}),
        ("weight-decay", {"weight_decay": 0.1, "lr_decay": 1e-3}),
    ], lr=_adaptive_lr(0.1)))
    add(_spread("rmsprop", [
        ("defaults", {}),
        ("centered", {"centered": True, "alpha": 0.9}),
        ("momentum", {"momentum": 0.9}),
        ("centered-momentum-wd", {"centered": True, "momentum": 0.5, "weight_decay": 0.1,
                                  "eps": 1e-4}),
    ], offset=2, lr=_adaptive_lr(0.005)))
    add(_spread("adadelta", [
        ("defaults", {}),
        ("rho-eps", {"rho": 0.5, "eps": 1e-3}),
        ("weight-decay-lr", {"weight_decay": 0.1, "lr": 0.2, "eps": 1e-3}),
    ], landscapes=("saddle", "booth", "six_hump_camel", "x2_plus_sin", "quadratic", "himmelblau")))
    add(_spread("adamax", [
        ("defaults", {}),
        ("betas", {"betas": (0.5, 0.9)}),
        ("weight-decay", {"weight_decay": 0.2, "eps": 1e-4}),
    ], offset=1, lr=_adaptive_lr(0.01)))
    add(_spread("nadam", [
        ("defaults", {}),
        ("momentum-decay", {"momentum_decay": 0.05, "betas": (0.8, 0.99)}),
        ("decoupled", {"decoupled_weight_decay": True, "weight_decay": 0.1}),
        ("coupled", {"weight_decay": 0.1}),
    ], offset=3, lr=_adaptive_lr(0.01)))
    add(_spread("radam", [
        ("defaults", {}),
        ("betas", {"betas": (0.8, 0.99)}),  # ρ∞ = 199: rectification switches on at step 6
        ("decoupled", {"decoupled_weight_decay": True, "weight_decay": 0.2}),
        ("coupled", {"weight_decay": 0.1, "eps": 1e-4}),
    ], offset=5, steps=250, lr=_radam_lr))
    add(_spread("rprop", [
        ("defaults", {}),
        ("etas", {"etas": (0.3, 1.5)}),
        ("step-sizes", {"step_sizes": (1e-3, 0.2), "etas": (0.6, 1.1)}),
    ], offset=6, lr=_adaptive_lr(0.005)))

    # maximize: torch's maximize=True against our run(..., maximize=True)
    for opt, hp in (("sgd", {"lr": 0.01, "momentum": 0.5}), ("adam", {"lr": 0.1}),
                    ("rmsprop", {"lr": 0.05}), ("rprop", {"lr": 0.05})):
        cases.append(Case(opt, "maximize", hp, "sin_minus_square", steps=200, maximize=True))
    # maximize with weight decay: torch negates the gradient, then decays (coupled or decoupled)
    for label, hp in (("maximize-decoupled", {"lr": 0.1, "weight_decay": 0.2,
                                              "decoupled_weight_decay": True}),
                      ("maximize-coupled", {"lr": 0.1, "weight_decay": 0.2})):
        cases.append(Case("adam", label, hp, "sin_minus_square", steps=200, maximize=True))

    # ---- optax -----------------------------------------------------------------------------------
    add(_spread("lion", [
        ("defaults", {}),
        ("betas", {"betas": (0.95, 0.98), "weight_decay": 0.0}),
        ("weight-decay", {"weight_decay": 0.1, "betas": (0.8, 0.9)}),
    ], lr=_adaptive_lr(0.002)))
    add(_spread("lamb", [
        ("defaults", {}),
        ("weight-decay", {"weight_decay": 0.05, "betas": (0.8, 0.99)}),
        ("eps", {"eps": 1e-3, "eps_root": 1e-8}),
    ], landscapes=_CALM, offset=1, lr=_adaptive_lr(0.002)))
    add(_spread("lars", [
        ("defaults", {}),
        ("trust", {"trust_coefficient": 0.01, "eps": 1e-6, "weight_decay": 0.01}),
        ("nesterov", {"nesterov": True, "momentum": 0.8, "trust_coefficient": 0.02}),
    ], landscapes=_CALM, offset=3, lr=_adaptive_lr(0.2)))
    add(_spread("novograd", [
        ("defaults", {}),
        ("betas", {"betas": (0.95, 0.5), "eps": 1e-4}),
        ("weight-decay", {"weight_decay": 0.05, "eps_root": 1e-8}),
    ], offset=3, lr=_adaptive_lr(0.005)))
    add(_spread("yogi", [
        ("defaults", {}),
        ("betas", {"betas": (0.8, 0.99)}),
        ("eps", {"eps": 1e-6, "betas": (0.9, 0.9)}),
    ], offset=4, lr=_adaptive_lr(0.01)))
    add(_spread("adabelief", [
        ("defaults", {}),
        ("betas", {"betas": (0.8, 0.99)}),
        ("eps", {"eps": 1e-8, "eps_root": 1e-10}),
    ], offset=5, lr=_adaptive_lr(0.01)))
    add(_spread("adafactor", [
        ("defaults", {}),
        ("no-scale-no-clip", {"multiply_by_parameter_scale": False, "clipping_threshold": 0.0,
                              "decay_rate": 0.9, "lr": 0.003}),
        ("momentum-wd", {"momentum": 0.9, "weight_decay": 0.01, "eps": 1e-20}),
    ], offset=6, lr=_adaptive_lr(0.01)))
    add(_spread("sm3", [
        ("defaults", {}),
        ("momentum-0.5", {"momentum": 0.5}),
        ("no-momentum", {"momentum": 0.0}),
    ], offset=7, lr=_adaptive_lr(0.05)))
    add(_spread("lookahead", [
        ("adam", {"inner": "adam", "sync_period": 5, "slow_step_size": 0.5}),
        ("adam-betas", {"inner": "adam", "sync_period": 10, "slow_step_size": 0.8,
                        "betas": (0.8, 0.99)}),
        ("sgd", {"inner": "sgd", "sync_period": 6, "slow_step_size": 0.5, "momentum": 0.0}),
        ("sgd-nesterov", {"inner": "sgd", "sync_period": 4, "slow_step_size": 0.3, "momentum": 0.9,
                          "nesterov": True}),
    ], per_variant=1, landscapes=("rosenbrock", "himmelblau", "quadratic", "beale")))
    for c in cases:
        if c.optimizer == "lookahead" and "lr" not in c.hyperparams:
            c.hyperparams["lr"] = (_adaptive_lr(0.01)(c.landscape) if c.hyperparams["inner"] == "adam"
                                   else _sgd_lr(0.5)(c.landscape))
    # a few more landscapes: multimodal, 1-D, and a cubic saddle
    cases.append(Case("adam", "defaults", {"lr": _adaptive_lr(0.01)("rastrigin")}, "rastrigin"))
    cases.append(Case("rmsprop", "defaults", {"lr": _adaptive_lr(0.005)("ackley")}, "ackley"))
    cases.append(Case("adagrad", "defaults", {"lr": _adaptive_lr(0.05)("monkey_saddle")}, "monkey_saddle"))
    cases.append(Case("sgd", "momentum", {"lr": SGD_LR["x_plus_sin"], "momentum": 0.9}, "x_plus_sin"))
    cases.append(Case("lamb", "defaults", {"lr": _adaptive_lr(0.002)("monkey_saddle")}, "monkey_saddle"))
    # optax has no maximize: the reference is fed the negated gradient
    cases.append(Case("lion", "maximize", {"lr": 0.05}, "sin_minus_square", steps=200, maximize=True))
    cases.append(Case("yogi", "maximize", {"lr": 0.1}, "sin_minus_square", steps=200, maximize=True))
    for c in cases:
        if c.id in TOLERANCES:
            c.rtol, c.atol, c.tolerance_reason = TOLERANCES[c.id]
    return cases


# --------------------------------------------------------------------------------------------------
# Reference runs.
# --------------------------------------------------------------------------------------------------


def _starts(landscape: str) -> np.ndarray:
    bounds = LANDSCAPES[landscape].bounds
    pts = [
        # a 1-D landscape takes the first fraction of each pair (as the goldens were made)
        [round(lo + f * (hi - lo), 3) for f, (lo, hi) in zip(fr[: len(bounds)], bounds, strict=True)]
        for fr in START_FRACTIONS
    ]
    return np.array(pts, dtype=np.float64)


def _grad(landscape: Any, x: np.ndarray) -> np.ndarray:
    return np.asarray(landscape.grad(x[None, :]), dtype=np.float64).reshape(x.shape)


def _fmt(value: Any) -> str:
    if isinstance(value, str):
        return value if value.startswith(("jnp.", "torch.")) else repr(value)
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(_fmt(v) for v in value) + ")"
    return repr(value)


def _call_string(fn: str, kwargs: dict[str, Any]) -> str:
    return f"{fn}(" + ", ".join(f"{k}={_fmt(v)}" for k, v in kwargs.items()) + ")"


def _full_hyperparams(optimizer: str, settings: dict[str, Any]) -> dict[str, Any]:
    """Every mapped hyperparameter: the reference default (in our terms) unless the case sets it."""
    out = dict(reference_defaults(optimizer, settings.get("inner")))
    out.update(settings)
    return {k: list(v) if isinstance(v, tuple) else v for k, v in out.items()}


def reference_defaults(optimizer: str, inner: str | None = None) -> dict[str, Any]:
    """The reference library's defaults, in our names and conventions."""
    if optimizer in TORCH:
        import torch

        m = TORCH[optimizer]
        sig = inspect.signature(getattr(torch.optim, m.cls)).parameters
        out = {n: sig[n].default for n in m.names}
        out.update({k: v for k, v in m.our_defaults.items() if k in out})
        return {k: (tuple(v) if isinstance(v, (tuple, list)) else v) for k, v in out.items()}
    if optimizer == "lookahead":
        return _optax_defaults(LOOKAHEAD_INNER[inner]) if inner else {}
    return _optax_defaults(OPTAX[optimizer])


def _jax() -> Any:
    """jax with float64 enabled, imported only when an optax case needs it."""
    import jax

    jax.config.update("jax_enable_x64", True)
    return jax


def _optax_defaults(m: OptaxMap) -> dict[str, Any]:
    _jax()
    import optax

    sig = inspect.signature(getattr(optax, m.fn)).parameters
    out = {}
    for a in m.args:
        if isinstance(a.ref, tuple):
            out[a.ours] = tuple(float(sig[r].default) for r in a.ref)
        elif a.ours != "lr" and sig[a.ref].default is not inspect.Parameter.empty:
            out[a.ours] = a.from_ref(sig[a.ref].default)
    return out


def torch_reference(case: Case, hp: dict[str, Any], landscape: Any, starts: np.ndarray
                    ) -> tuple[np.ndarray, str]:
    import torch

    m = TORCH[case.optimizer]
    kwargs = {n: (tuple(hp[n]) if isinstance(hp[n], list) else hp[n]) for n in m.names}
    kwargs.update(m.fixed)
    if case.maximize:
        kwargs["maximize"] = True
    cls = getattr(torch.optim, m.cls)
    path = np.empty((case.steps + 1, len(starts), starts.shape[1]))
    path[0] = starts
    for i, start in enumerate(starts):
        p = torch.nn.Parameter(torch.tensor(start, dtype=torch.float64))
        opt = cls([p], **kwargs)
        for t in range(1, case.steps + 1):
            x = p.detach().numpy().copy()
            p.grad = torch.from_numpy(_grad(landscape, x))
            opt.step()
            path[t, i] = p.detach().numpy()
    return path, _call_string(f"torch.optim.{m.cls}", {"params": "[p]", **kwargs}).replace(
        "params='[p]'", "[p]")


def _optax_kwargs(m: OptaxMap, hp: dict[str, Any]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    for a in m.args:
        if a.ours not in hp:
            continue
        v = hp[a.ours]
        if isinstance(a.ref, tuple):
            kwargs[a.ref[0]], kwargs[a.ref[1]] = float(v[0]), float(v[1])
        else:
            kwargs[a.ref] = a.to_ref(v)
    kwargs.update(m.fixed)
    return kwargs


def _jax_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    _jax()
    import jax.numpy as jnp

    return {k: (jnp.float64 if v == "float64" and k.startswith("dtype") else v) for k, v in kwargs.items()}


def optax_reference(case: Case, hp: dict[str, Any], landscape: Any, starts: np.ndarray
                    ) -> tuple[np.ndarray, str]:
    _jax()
    import jax.numpy as jnp
    import optax

    sign = -1.0 if case.maximize else 1.0
    if case.optimizer == "lookahead":
        inner_map = LOOKAHEAD_INNER[hp["inner"]]
        inner_kwargs = _optax_kwargs(inner_map, hp)
        outer = {"sync_period": hp["sync_period"], "slow_step_size": hp["slow_step_size"]}

        def make() -> Any:
            return optax.lookahead(getattr(optax, inner_map.fn)(**_jax_kwargs(inner_kwargs)), **outer)

        call = (f"optax.lookahead({_call_string('optax.' + inner_map.fn, inner_kwargs)}, "
                + ", ".join(f"{k}={v!r}" for k, v in outer.items()) + ")")
    else:
        m = OPTAX[case.optimizer]
        kwargs = _optax_kwargs(m, hp)

        def make() -> Any:
            return getattr(optax, m.fn)(**_jax_kwargs(kwargs))

        call = _call_string(f"optax.{m.fn}", {k: ("jnp.float64" if v == "float64" else v)
                                              for k, v in kwargs.items()})
    lookahead = case.optimizer == "lookahead"
    path = np.empty((case.steps + 1, len(starts), starts.shape[1]))
    path[0] = starts
    for i, start in enumerate(starts):
        opt = make()
        params: Any = jnp.asarray(start, dtype=jnp.float64)
        if lookahead:
            params = optax.LookaheadParams.init_synced(params)
        state = opt.init(params)
        for t in range(1, case.steps + 1):
            fast = params.fast if lookahead else params
            g = jnp.asarray(sign * _grad(landscape, np.asarray(fast, dtype=np.float64)))
            updates, state = opt.update(g, state, params)
            params = optax.apply_updates(params, updates)
            path[t, i] = np.asarray(params.fast if lookahead else params, dtype=np.float64)
    if case.maximize:
        call += "  # fed the negated gradient (optax has no maximize)"
    return path, call


# --------------------------------------------------------------------------------------------------
# Schedules and clipping.
# --------------------------------------------------------------------------------------------------


def _plateau_losses() -> list[list[float]]:
    """Three loss sequences with improvements, plateaus and noise, for ReduceLROnPlateau."""
    seqs = []
    for k in range(3):
        losses = []
        for t in range(150):
            base = 1.0 / (1.0 + 0.1 * t) if t < 40 + 10 * k else 0.2 - 0.001 * (t // 25)
            wiggle = 0.003 * math.sin(1.7 * t + k) if k < 2 else 0.0
            losses.append(round(base + wiggle, 12))
        seqs.append(losses)
    return seqs


def schedule_goldens() -> dict[str, Any]:
    import torch
    from torch.optim import lr_scheduler as S

    base_lr = 0.5
    cases: list[dict[str, Any]] = []

    def record(name: str, label: str, ours: dict[str, Any], ref: str, make: Callable[[Any], Any],
               steps: int, losses: list[float] | None = None) -> None:
        p = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
        opt = torch.optim.SGD([p], lr=base_lr, momentum=0.9)
        sched = make(opt)
        mult, momenta = [], []
        if losses is None:
            # multiplier at step t = torch's lr after t calls of scheduler.step()
            for _ in range(steps):
                mult.append(opt.param_groups[0]["lr"] / base_lr)
                momenta.append(opt.param_groups[0]["momentum"])
                opt.step()
                sched.step()
        else:
            # plateau: our multiplier at step t has seen losses[0..t] (t + 1 calls of step(loss))
            for t in range(steps):
                sched.step(losses[t])
                mult.append(opt.param_groups[0]["lr"] / base_lr)
        if losses is not None:
            smallest_cut = min(mult) * base_lr * (1.0 - ours["factor"])
            assert smallest_cut > 1e-7, f"{label}: too many reductions, torch's eps would interfere"
        cases.append({"id": f"{name}-{label}", "schedule": name, "params": ours, "steps": steps,
                      "reference_call": ref, "base_lr": base_lr, "multipliers": mult,
                      **({"losses": losses} if losses is not None else {}),
                      **({"momenta": momenta} if ours.get("cycle_momentum") else {})})

    for step_size, gamma in ((30, 0.5), (7, 0.9)):
        record("step", f"s{step_size}", {"step_size": step_size, "gamma": gamma},
               f"StepLR(opt, step_size={step_size}, gamma={gamma})",
               lambda o, s=step_size, g=gamma: S.StepLR(o, step_size=s, gamma=g), 200)
    for ms, gamma in (((50, 120), 0.3), ((10, 11), 0.5)):
        record("piecewise", f"m{ms[0]}-{ms[1]}", {"milestones": list(ms), "gamma": gamma},
               f"MultiStepLR(opt, milestones={list(ms)}, gamma={gamma})",
               lambda o, m=ms, g=gamma: S.MultiStepLR(o, milestones=list(m), gamma=g), 200)
    for gamma in (0.99, 0.95):
        record("exponential", f"g{gamma}", {"gamma": gamma}, f"ExponentialLR(opt, gamma={gamma})",
               lambda o, g=gamma: S.ExponentialLR(o, gamma=g), 200)
    for T_max, mf in ((100, 0.0), (150, 0.1), (37, 0.5)):
        record("cosine", f"T{T_max}-m{mf}", {"T_max": T_max, "min_factor": mf},
               f"CosineAnnealingLR(opt, T_max={T_max}, eta_min={mf}*{base_lr})",
               lambda o, T=T_max, m=mf: S.CosineAnnealingLR(o, T_max=T, eta_min=m * base_lr), T_max + 1)
    for W, f0 in ((50, 0.1), (20, 0.5), (1, 0.25)):
        record("linear_warmup", f"W{W}-f{f0}", {"warmup_steps": W, "start_factor": f0},
               f"LinearLR(opt, start_factor={f0}, end_factor=1.0, total_iters={W})",
               lambda o, W=W, f0=f0: S.LinearLR(o, start_factor=f0, end_factor=1.0, total_iters=W), 120)
    for total, pct, div, fdiv in ((200, 0.3, 25.0, 1e4), (100, 0.5, 10.0, 100.0), (150, 0.1, 5.0, 1e3)):
        record("one_cycle", f"T{total}-p{pct}",
               {"total_steps": total, "pct_start": pct, "div_factor": div, "final_div_factor": fdiv},
               f"OneCycleLR(opt, max_lr={base_lr}, total_steps={total}, pct_start={pct}, "
               f"anneal_strategy='cos', cycle_momentum=False, div_factor={div}, "
               f"final_div_factor={fdiv}, three_phase=False)",
               lambda o, T=total, p=pct, d=div, f=fdiv: S.OneCycleLR(
                   o, max_lr=base_lr, total_steps=T, pct_start=p, anneal_strategy="cos",
                   cycle_momentum=False, div_factor=d, final_div_factor=f, three_phase=False),
               total)
    # Few enough reductions that torch's eps (it skips a reduction smaller than 1e-8 in absolute lr,
    # which our lr-free multiplier cannot know about) never comes into play.
    for k, (factor, patience, threshold) in enumerate(((0.5, 5, 1e-4), (0.2, 10, 1e-2), (0.7, 2, 0.0))):
        losses = _plateau_losses()[k]
        record("plateau", f"f{factor}-p{patience}-th{threshold}",
               {"factor": factor, "patience": patience, "threshold": threshold, "min_factor": 0.0},
               f"ReduceLROnPlateau(opt, mode='min', factor={factor}, patience={patience}, "
               f"threshold={threshold}, threshold_mode='rel', cooldown=0, min_lr=0)",
               lambda o, f=factor, p=patience, th=threshold: S.ReduceLROnPlateau(
                   o, mode="min", factor=f, patience=p, threshold=th, threshold_mode="rel",
                   cooldown=0, min_lr=0),
               len(losses), losses)
    # anneal_strategy, three_phase and cycle_momentum; the momentum (of an SGD with momentum=0.9,
    # which cycle_momentum overrides) is recorded next to the multiplier.
    for total, pct, strategy, three, cycle in ((200, 0.3, "linear", False, False),
                                               (100, 0.5, "linear", False, True),
                                               (200, 0.3, "cos", True, False),
                                               (150, 0.25, "linear", True, True),
                                               (120, 0.45, "cos", True, True),
                                               (60, 0.6, "cos", True, True),
                                               (80, 0.2, "cos", False, True)):
        ours = {"total_steps": total, "pct_start": pct, "div_factor": 25.0, "final_div_factor": 1e4,
                "anneal_strategy": strategy, "three_phase": three, "cycle_momentum": cycle,
                "base_momentum": 0.85, "max_momentum": 0.95}
        record("one_cycle", f"T{total}-p{pct}-{strategy}{'-3phase' if three else ''}"
               f"{'-momentum' if cycle else ''}", ours,
               f"OneCycleLR(SGD([p], lr={base_lr}, momentum=0.9), max_lr={base_lr}, "
               f"total_steps={total}, pct_start={pct}, anneal_strategy={strategy!r}, "
               f"cycle_momentum={cycle}, base_momentum=0.85, max_momentum=0.95, div_factor=25.0, "
               f"final_div_factor=10000.0, three_phase={three})",
               lambda o, T=total, p=pct, a=strategy, th=three, c=cycle: S.OneCycleLR(
                   o, max_lr=base_lr, total_steps=T, pct_start=p, anneal_strategy=a,
                   cycle_momentum=c, base_momentum=0.85, max_momentum=0.95, div_factor=25.0,
                   final_div_factor=1e4, three_phase=th),
               total)
    return {"library": "torch", "version": torch.__version__,
            "semantics": "multipliers[t] = torch lr after t scheduler.step() calls / base_lr; for "
                         "plateau, after step(losses[0..t]) (t + 1 calls); momenta[t] likewise "
                         "(the param group's momentum or betas[0])",
            "cases": cases,
            "trajectories": one_cycle_trajectories()}


@dataclass(frozen=True)
class CycleCase:
    """A whole run of ``optimizer`` under OneCycleLR with cycle_momentum, against torch."""

    optimizer: str  # ours; TORCH[optimizer] is the torch class
    landscape: str
    lr: float  # max_lr in torch's terms, our optimizer's lr
    schedule: dict[str, Any]
    hyperparams: dict[str, Any] = field(default_factory=dict)  # ours, beyond lr

    @property
    def id(self) -> str:
        tail = "-3phase" if self.schedule.get("three_phase") else ""
        return f"{self.optimizer}-{self.landscape}-{self.schedule['anneal_strategy']}{tail}"


def _cycle(total: int, strategy: str, three_phase: bool = False, **extra: Any) -> dict[str, Any]:
    return {"total_steps": total, "pct_start": 0.3, "div_factor": 25.0, "final_div_factor": 1e4,
            "anneal_strategy": strategy, "three_phase": three_phase, "cycle_momentum": True,
            "base_momentum": 0.85, "max_momentum": 0.95, **extra}


CYCLE_CASES = (
    # SGD with momentum 0.9 (which the cycle replaces from the first step on)
    CycleCase("momentum", "quadratic", 0.05, _cycle(40, "cos")),
    CycleCase("momentum", "rosenbrock", 5e-4, _cycle(40, "linear", three_phase=True)),
    # plain SGD: torch's cycle_momentum turns it into momentum SGD
    CycleCase("sgd", "rosenbrock", 5e-4, _cycle(36, "linear")),
    # Adam: the cycle drives beta1, beta2 stays
    CycleCase("adam", "rosenbrock", 0.05, _cycle(40, "cos")),
    CycleCase("adam", "quadratic", 0.2, _cycle(40, "linear", three_phase=True, base_momentum=0.8,
                                               max_momentum=0.9), {"betas": (0.9, 0.99)}),
    # RMSprop with momentum 0: its momentum buffer exists only because the cycle sets momentum > 0
    # before the first step
    CycleCase("rmsprop", "quadratic", 0.05, _cycle(40, "cos")),
)


def one_cycle_trajectories() -> list[dict[str, Any]]:
    """Paths of torch optimizers under ``OneCycleLR(cycle_momentum=True)``, two starts each.

    Per start: its own parameter, optimizer and scheduler; each step records the param group's lr
    (as a multiplier of max_lr) and momentum / betas[0] used, then ``opt.step()``,
    ``sched.step()``; ``steps == total_steps`` (torch refuses to go further).
    """
    import torch
    from torch.optim import lr_scheduler as S

    out = []
    for case in CYCLE_CASES:
        landscape = LANDSCAPES[case.landscape]
        starts = _starts(case.landscape)[:2]
        hp = _full_hyperparams(case.optimizer, {"lr": case.lr, **case.hyperparams})
        m = TORCH[case.optimizer]
        kwargs = {n: (tuple(hp[n]) if isinstance(hp[n], list) else hp[n]) for n in m.names}
        kwargs.update(m.fixed)
        sched_kwargs = {"max_lr": case.lr, **case.schedule}
        steps = case.schedule["total_steps"]
        path = np.empty((steps + 1, len(starts), starts.shape[1]))
        path[0] = starts
        mult, momenta = [], []
        for i, start in enumerate(starts):
            p = torch.nn.Parameter(torch.tensor(start, dtype=torch.float64))
            opt = getattr(torch.optim, m.cls)([p], **kwargs)
            sched = S.OneCycleLR(opt, **sched_kwargs)
            group = opt.param_groups[0]
            for t in range(steps):
                if i == 0:
                    mult.append(group["lr"] / case.lr)
                    momenta.append(group["betas"][0] if "betas" in group else group["momentum"])
                x = p.detach().numpy().copy()
                p.grad = torch.from_numpy(_grad(landscape, x))
                opt.step()
                sched.step()
                path[t + 1, i] = p.detach().numpy()
        if not np.all(np.isfinite(path)) or np.abs(path).max() > BOUND:
            raise RuntimeError(f"one-cycle case {case.id} diverged; pick a smaller lr")
        travel = np.abs(path[-1] - path[0]).max()
        print(f"one_cycle {case.id:40s} travel {travel:9.3g}")
        call = (_call_string(f"torch.optim.{m.cls}", {"params": "[p]", **kwargs}).replace(
            "params='[p]'", "[p]") + "; " + _call_string("OneCycleLR", {"optimizer": "opt",
                                                                        **sched_kwargs}))
        out.append({"id": case.id, "optimizer": case.optimizer, "hyperparams": hp,
                    "landscape": case.landscape, "starts": starts.tolist(), "steps": steps,
                    "schedule": case.schedule, "reference_call": call.replace("optimizer='opt'", "opt"),
                    "multipliers": mult, "momenta": momenta, "path": path.tolist()})
    return out


def clipping_goldens() -> dict[str, Any]:
    import torch

    rng = np.random.default_rng(20240601)
    grads = np.concatenate([
        rng.normal(size=(4, 2)) * np.array([[0.1], [1.0], [10.0], [1000.0]]),
        np.array([[0.0, 0.0], [3.0, -4.0], [1e-8, -2e-8]]),
    ])
    cases = []
    for kind, limits in (("norm", (0.5, 1.0, 5.0)), ("value", (0.05, 1.0, 7.5))):
        for limit in limits:
            out = np.empty_like(grads)
            for i, g in enumerate(grads):
                p = torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))
                p.grad = torch.from_numpy(g.copy())
                if kind == "norm":
                    torch.nn.utils.clip_grad_norm_([p], max_norm=limit)
                else:
                    torch.nn.utils.clip_grad_value_([p], clip_value=limit)
                out[i] = p.grad.numpy()
            fn = "clip_grad_norm_(p, max_norm=" if kind == "norm" else "clip_grad_value_(p, clip_value="
            cases.append({"id": f"{kind}-{limit}", "kind": kind, "limit": limit,
                          "reference_call": f"torch.nn.utils.{fn}{limit}) per particle",
                          "grads": grads.tolist(), "clipped": out.tolist()})
    return {"library": "torch", "version": torch.__version__, "cases": cases}


# --------------------------------------------------------------------------------------------------
# Driver.
# --------------------------------------------------------------------------------------------------


def torch_signatures() -> dict[str, Any]:
    """torch's constructor parameters for every optimizer of ours that follows torch.optim."""
    import torch

    def plain(value: Any) -> Any:
        return list(value) if isinstance(value, tuple) else value

    classes: dict[str, dict[str, Any]] = {}
    optimizers: dict[str, dict[str, Any]] = {}
    for name, m in TORCH.items():
        if m.cls not in classes:
            sig = inspect.signature(getattr(torch.optim, m.cls).__init__).parameters
            params = [p for p in sig.values() if p.name not in ("self", "params")]
            assert all(p.default is not inspect.Parameter.empty for p in params), m.cls
            classes[m.cls] = {
                "defaults": {p.name: plain(p.default) for p in params},
                "keyword_only": [p.name for p in params if p.kind is inspect.Parameter.KEYWORD_ONLY],
            }
        optimizers[name] = {"class": m.cls,
                            "our_defaults": {k: plain(v) for k, v in {**m.fixed, **m.our_defaults}.items()}}
    return {"library": "torch", "version": torch.__version__,
            "semantics": "classes: the parameters of torch.optim.<class>.__init__ after params, in "
                         "order, with their defaults, and which are keyword-only; optimizers: our "
                         "name -> its torch class and the defaults our spec sets differently by "
                         "design (e.g. momentum=0.9 for 'momentum', amsgrad=True for 'amsgrad')",
            "classes": classes, "optimizers": optimizers}


def _library(optimizer: str) -> tuple[str, str]:
    if optimizer in TORCH:
        import torch

        return "torch", torch.__version__
    _jax()
    import optax

    return "optax", optax.__version__


def main(only: list[str]) -> None:
    import torch

    torch.set_default_dtype(torch.float64)
    OUT.mkdir(parents=True, exist_ok=True)

    by_optimizer: dict[str, list[Case]] = {}
    for case in build_cases():
        by_optimizer.setdefault(case.optimizer, []).append(case)
    skipped = []
    for optimizer, cases in by_optimizer.items():
        if only and optimizer not in only:
            continue
        library, version = _library(optimizer)
        meta_cases, arrays = [], {}
        for case in cases:
            if case.landscape not in LANDSCAPES:
                skipped.append((case.id, "landscape not available yet"))
                continue
            landscape = LANDSCAPES[case.landscape]
            starts = _starts(case.landscape)
            hp = _full_hyperparams(optimizer, case.hyperparams)
            runner = torch_reference if library == "torch" else optax_reference
            path, call = runner(case, hp, landscape, starts)
            if not np.all(np.isfinite(path)) or np.abs(path).max() > BOUND:
                skipped.append((case.id, f"reference diverged (max |x| = {np.abs(path).max():.3g})"))
                continue
            loss = np.asarray(landscape(path.reshape(-1, path.shape[-1])), dtype=np.float64)
            arrays[f"{case.id}/path"] = path
            arrays[f"{case.id}/loss"] = loss.reshape(path.shape[:2])
            meta = {"id": case.id, "label": case.label, "hyperparams": hp, "landscape": case.landscape,
                    "starts": starts.tolist(), "steps": case.steps, "maximize": case.maximize,
                    "reference_call": call, "rtol": case.rtol, "atol": case.atol}
            if case.tolerance_reason:
                meta["tolerance_reason"] = case.tolerance_reason
            meta_cases.append(meta)
            travel = np.abs(path[-1] - path[0]).max()
            print(f"{case.id:45s} travel {travel:9.3g}  final loss {loss.reshape(path.shape[:2])[-1]}")
        if not meta_cases:
            continue
        defaults = {} if optimizer == "lookahead" else reference_defaults(optimizer)
        doc = {"optimizer": optimizer, "library": library, "version": version,
               "reference_defaults": {k: list(v) if isinstance(v, tuple) else v
                                      for k, v in defaults.items()},
               "cases": meta_cases}
        (OUT / f"{optimizer}.json").write_text(json.dumps(doc, indent=1) + "\n")
        np.savez_compressed(OUT / f"{optimizer}.npz", **arrays)
    if not only or "schedules" in only:
        (OUT / "schedules.json").write_text(json.dumps(schedule_goldens(), indent=1) + "\n")
    if not only or "clipping" in only:
        (OUT / "clipping.json").write_text(json.dumps(clipping_goldens(), indent=1) + "\n")
    if not only or "torch_signatures" in only:
        (OUT / "torch_signatures.json").write_text(json.dumps(torch_signatures(), indent=1) + "\n")
    for case_id, why in skipped:
        print(f"SKIPPED {case_id}: {why}")
    total = sum(f.stat().st_size for f in OUT.iterdir())
    print(f"tests/goldens: {total / 1e6:.2f} MB")


if __name__ == "__main__":
    main(sys.argv[1:])
