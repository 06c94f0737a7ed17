"""Lookahead: any inner ("fast") optimizer plus slow weights that follow it every k steps (optax).

The registered ``"lookahead"`` spec lists only the wrapper's own hyperparameters
(``inner``, ``sync_period``, ``slow_step_size``) for the app's controls. Its ``specialize`` — which
:func:`optimizers.run` calls with the user's hyperparameters — picks the inner optimizer named by
``inner`` (default ``"adam"``) and returns a concrete spec whose hyperparameters are the wrapper's
three followed by ALL of the inner optimizer's (same names, same defaults).

Semantics of ``optax.lookahead(fast, sync_period=k, slow_step_size=α, reset_state=False)``: the
inner optimizer steps the fast weights every step with its own state and step count; after its
``k``-th, ``2k``-th … step (``t % k == 0``) the slow weights move ``φ ← φ + α(θ − φ)`` and the fast
weights are reset onto them. The engine's iterate (the trajectory) is the fast weights; the slow
weights are kept in the state as ``slow_weights``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from .hyperparams import HyperparameterError
from .spec import Hyper, HyperParam, OptimizerSpec, State, StepContext

NAME = "lookahead"
DEFAULT_INNER = "adam"

LOOKAHEAD_RULE = r"""
\begin{aligned}
\theta_t &\leftarrow \operatorname{InnerStep}(\theta_{t-1}, g_t) \\
&\text{if } t \bmod k = 0: \\
&\quad \phi \leftarrow \phi + \alpha(\theta_t - \phi), \qquad \theta_t \leftarrow \phi
\end{aligned}
"""


#: The optimizers Lookahead can wrap, by name: every plain (non-wrapper) optimizer of the registry,
#: in registry order. Filled by :func:`wrapper_specs` when the registry has loaded them.
_INNER: dict[str, OptimizerSpec] = {}


def _wrapper_params(inner: dict[str, OptimizerSpec]) -> tuple[HyperParam, ...]:
    return (
        HyperParam("inner", DEFAULT_INNER, "The inner (fast) optimizer; its hyperparameters are added",
                   kind="choice", choices=tuple(inner), labels=tuple(spec.title for spec in inner.values())),
        HyperParam("sync_period", 5, "k: fast steps between two synchronisations", low=1, high=50,
                   kind="int", symbol="k"),
        HyperParam("slow_step_size", 0.5, "α: the slow weights move this fraction toward the fast ones",
                   low=0.0, high=1.0, symbol=r"\alpha"),
    )


def _wrap(inner: OptimizerSpec) -> tuple[Any, Any]:
    """The ``init`` and ``step`` of Lookahead around ``inner``."""

    def init(x: np.ndarray, hp: Hyper) -> State:
        """The inner optimizer's state plus ``slow_weights`` (starting at ``x``)."""
        if hp.sync_period < 1:
            raise HyperparameterError(f"sync_period must be ≥ 1, got {hp.sync_period!r}")
        state = inner.init(x, hp)
        if "slow_weights" in state:  # pragma: no cover - would be a clash of names
            raise ValueError(f"{inner.name}'s state already has a 'slow_weights' entry")
        state["slow_weights"] = x.copy()
        return state

    def step(x: np.ndarray, g: np.ndarray, state: State, hp: Hyper, lr: Any, t: int,
             ctx: StepContext) -> None:
        """One inner step on the fast weights, then every ``k``-th step the slow/fast sync.

        At a sync, with ``θ`` the fast weights after the inner step: ``δ = θ − φ``,
        ``φ ← φ + αδ``, ``θ ← θ − (1 − α)δ`` (equal to the new φ up to rounding). optax adds the
        inner update ``u`` and ``−(1 − α)δ`` before applying them to the old fast weights; the inner
        steps here work in place and never expose ``u``, so this can differ from optax by an ulp at
        sync steps.
        """
        inner.step(x, g, state, hp, lr, t, ctx)
        if t % hp.sync_period == 0:
            slow = state["slow_weights"]
            diff = x - slow
            alpha = hp.slow_step_size
            slow += alpha * diff
            diff *= 1.0 - alpha
            x -= diff

    return init, step


@cache
def _specialized(inner_name: str) -> OptimizerSpec:
    inner = _INNER[inner_name]
    own = {h.name for h in _WRAPPER_PARAMS}
    clash = own & {h.name for h in inner.hyperparams}
    if clash:  # pragma: no cover - no registered optimizer uses these names
        raise ValueError(f"{inner_name} has hyperparameters {sorted(clash)} that clash with lookahead's")
    init, step = _wrap(inner)
    return OptimizerSpec(
        name=NAME, title=f"Lookahead ({inner.title})", family="Wrapper",
        hyperparams=_WRAPPER_PARAMS + inner.hyperparams,
        init=init, step=step,
        update_rule=LOOKAHEAD_RULE.replace(r"\operatorname{InnerStep}",
                                           r"\operatorname{" + inner.title.replace(" ", r"\ ") + "}"),
        explanation=_EXPLANATION + f" Inner optimizer: {inner.title}.",
        paper=_PAPER, year=2019, reference="optax", needs_hessian=inner.needs_hessian,
        state_names=("slow_weights",) + tuple(inner.state_names),
        notes=f"Inner optimizer {inner.title}: {inner.paper}",
    )


def _mixed_lr(lr: Any, hp: Hyper, own_default: float | None) -> Any:
    """The lr an inner optimizer would get alone, when the batch mixes inners and lr was not given.

    The engine scaled the union spec's default lr (``hp.lr``) by the schedule; rescale to the inner
    optimizer's own default (1 for one without a learning rate, as the engine would use).
    """
    base = hp.get("lr")
    own = 1.0 if own_default is None else own_default
    if base is None:
        return own * lr
    if not isinstance(lr, np.ndarray) and lr == base:
        return own
    return own * (lr / base)


@cache
def _specialized_mixed(inner_names: tuple[str, ...], given: frozenset[str]) -> OptimizerSpec:
    """Lookahead when ``inner`` varies over the batch: the union of the inner hyperparameters.

    The engine splits the batch by ``inner`` (a choice); each group runs its own inner optimizer,
    with that optimizer's defaults for every hyperparameter the caller did not give.
    """
    singles = {name: _specialized(name) for name in inner_names}
    params = list(_WRAPPER_PARAMS)
    seen = {h.name for h in params}
    for single in singles.values():
        for h in single.hyperparams:
            if h.name not in seen:
                seen.add(h.name)
                params.append(h)
    wrapper_names = {h.name for h in _WRAPPER_PARAMS}

    def own_hp(hp: Hyper) -> tuple[OptimizerSpec, Hyper]:
        single = singles[hp.inner]
        values = {h.name: (hp[h.name] if h.name in given or h.name in wrapper_names else h.default)
                  for h in single.hyperparams}
        return single, Hyper(values)

    def init(x: np.ndarray, hp: Hyper) -> State:
        single, own = own_hp(hp)
        return single.init(x, own)

    def step(x: np.ndarray, g: np.ndarray, state: State, hp: Hyper, lr: Any, t: int,
             ctx: StepContext) -> None:
        single, own = own_hp(hp)
        if "lr" not in given:
            lr = _mixed_lr(lr, hp, single.defaults.get("lr"))
        elif "lr" not in own:
            lr = lr / hp.lr
        single.step(x, g, state, own, lr, t, ctx)

    titles = ", ".join(single.title for single in singles.values())
    names = tuple(dict.fromkeys(n for single in singles.values() for n in single.state_names))
    return OptimizerSpec(
        name=NAME, title=f"Lookahead ({titles})", family="Wrapper", hyperparams=tuple(params),
        init=init, step=step, update_rule=LOOKAHEAD_RULE,
        explanation=_EXPLANATION + f" Inner optimizers: {titles}.",
        paper=_PAPER, year=2019, reference="optax",
        needs_hessian=any(single.needs_hessian for single in singles.values()),
        state_names=names,
    )


def specialize(hyperparams: dict[str, Any]) -> OptimizerSpec:
    """The concrete Lookahead spec for the inner optimizer named by ``hyperparams["inner"]``.

    ``inner`` defaults to ``"adam"``; it may also vary over the batch (one name per particle), then
    every group runs its own inner optimizer. Raises :class:`HyperparameterError` listing the valid
    names for an unknown ``inner``.
    """
    inner = hyperparams.get("inner", DEFAULT_INNER)
    if isinstance(inner, str):
        names: tuple[str, ...] = (inner,)
    else:
        names = tuple(dict.fromkeys(str(v) for v in np.asarray(inner, dtype=object).reshape(-1)))
    unknown = [n for n in names if n not in _INNER]
    if unknown or not names:
        raise HyperparameterError(
            f"lookahead: unknown inner optimizer {', '.join(map(repr, unknown)) or repr(inner)}; "
            f"valid: {', '.join(_INNER)}"
        )
    if len(names) == 1:
        return _specialized(names[0])
    return _specialized_mixed(names, frozenset(hyperparams))


_EXPLANATION = ("k steps forward, one step back: the inner optimizer moves the fast weights for k "
                "steps, then the slow weights move a fraction α toward them and the fast weights "
                "restart from there. This damps oscillation and noise. The path shown is the fast "
                "weights.")
_PAPER = "Zhang, Lucas, Hinton & Ba, Lookahead Optimizer: k steps forward, 1 step back (NeurIPS 2019)"


def _unspecialized(*args: Any) -> None:
    raise TypeError("lookahead wraps an inner optimizer: get the runnable spec from "
                    "OPTIMIZERS['lookahead'].specialize(hyperparams) (optimizers.run does this)")


_WRAPPER_PARAMS: tuple[HyperParam, ...] = ()


def wrapper_specs(inner: dict[str, OptimizerSpec]) -> tuple[OptimizerSpec, ...]:
    """The registered Lookahead spec, around any of the plain optimizers ``inner`` (by name).

    Its ``hyperparams`` are only the wrapper's own three, for the app's controls; ``specialize``
    gives the runnable spec for the chosen inner optimizer (the registry calls this once it has
    loaded every plain optimizer, so the choices are known without importing the registry here).
    """
    global _WRAPPER_PARAMS
    _INNER.clear()
    _INNER.update((name, spec) for name, spec in inner.items() if spec.specialize is None)
    _WRAPPER_PARAMS = _wrapper_params(_INNER)
    _specialized.cache_clear()
    _specialized_mixed.cache_clear()
    return (
        OptimizerSpec(
            name=NAME, title="Lookahead", family="Wrapper", hyperparams=_WRAPPER_PARAMS,
            init=_unspecialized, step=_unspecialized, update_rule=LOOKAHEAD_RULE,
            explanation=_EXPLANATION,
            paper=_PAPER, year=2019, reference="optax", state_names=("slow_weights",),
            notes="hyperparams lists only the wrapper's own three; specialize(hyperparams) returns the "
                  "spec for the chosen inner optimizer, whose hyperparameters are appended.",
            specialize=specialize,
        ),
    )
