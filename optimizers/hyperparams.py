"""Checking user hyperparameters against a spec and broadcasting them over the batch."""

from __future__ import annotations

from typing import Any

import numpy as np

from .spec import Hyper, HyperParam, OptimizerSpec

DISCRETE_KINDS = ("bool", "int", "choice")

_SGD_FLAGS = frozenset({"foreach", "differentiable", "fused"})
_ADAM_FLAGS = frozenset({"foreach", "capturable", "differentiable", "fused"})
_NO_FUSED = frozenset({"foreach", "capturable", "differentiable"})

#: torch's implementation switches, accepted and ignored by :func:`resolve`: for each optimizer that
#: follows torch.optim, the keyword arguments of torch 2.13's constructor that choose a kernel
#: (``foreach``: multi-tensor; ``fused``: one fused kernel; ``capturable``: CUDA-graph safe;
#: ``differentiable``: autograd through the step) but not the algorithm. Only the names the
#: constructor really has are listed (RMSprop has no ``fused``, SGD no ``capturable`` …); they are
#: deliberately not hyperparameters of the spec, so the app never shows them as controls.
TORCH_IMPLEMENTATION_FLAGS: dict[str, frozenset[str]] = {
    "sgd": _SGD_FLAGS,
    "momentum": _SGD_FLAGS,
    "nesterov": _SGD_FLAGS,
    "adagrad": _SGD_FLAGS,
    "rmsprop": _NO_FUSED,
    "adadelta": _NO_FUSED,
    "adam": _ADAM_FLAGS,
    "amsgrad": _ADAM_FLAGS,
    "adamw": _ADAM_FLAGS,
    "adamax": _NO_FUSED,
    "nadam": _NO_FUSED,
    "radam": _NO_FUSED,
    "rprop": _NO_FUSED,
}


class HyperparameterError(ValueError):
    """A hyperparameter name or value that the optimizer cannot take."""


def _as_batch_array(name: str, value: Any, batch: int) -> float | np.ndarray:
    """A float, or a ``(batch,)`` float array when ``value`` varies over the batch."""
    arr = _numeric(name, value, "a number or an array of numbers", batch)
    if not np.all(np.isfinite(arr)):
        raise HyperparameterError(f"{name} must be finite, got {value!r}")
    return float(arr) if arr.ndim == 0 else np.ascontiguousarray(arr)


def _numeric(name: str, value: Any, what: str, batch: int) -> np.ndarray:
    """``value`` as a float array, 0-d for a scalar, else ``(batch,)``; strings are refused."""
    try:
        arr = np.asarray(value)
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"{arr.dtype} is not numeric")
        arr = arr.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise HyperparameterError(f"{name} must be {what}, got {value!r}") from exc
    if arr.ndim == 0:
        return arr
    try:
        return np.broadcast_to(arr.reshape(-1) if arr.size == batch else arr, (batch,))
    except ValueError as exc:
        raise HyperparameterError(
            f"{name} has shape {np.shape(value)}; it must be a scalar or broadcastable to "
            f"the batch ({batch},)"
        ) from exc


def _resolve_one(param: HyperParam, value: Any, batch: int) -> Any:
    if param.kind == "pair":
        if isinstance(value, np.ndarray) and value.ndim == 2 and value.shape[-1] == 2:
            first, second = value[:, 0], value[:, 1]
        else:
            try:
                if isinstance(value, (str, bytes)):
                    raise TypeError("a string is not a pair")
                first, second = value
            except (TypeError, ValueError) as exc:
                raise HyperparameterError(
                    f"{param.name} must be a pair such as {param.default!r}, got {value!r}"
                ) from exc
        return (
            _as_batch_array(f"{param.name}[0]", first, batch),
            _as_batch_array(f"{param.name}[1]", second, batch),
        )
    if param.kind == "bool":
        arr = _numeric(param.name, value, "True/False", batch)
        if not np.all((arr == 0) | (arr == 1)):
            raise HyperparameterError(f"{param.name} must be True or False, got {value!r}")
        if arr.ndim == 0:
            return bool(arr)
        return np.ascontiguousarray(arr.astype(bool))
    if param.kind == "int":
        arr = _numeric(param.name, value, "a whole number", batch)
        if not np.all(np.isfinite(arr) & (arr == np.round(arr))) or np.any(np.abs(arr) > 2**62):
            raise HyperparameterError(f"{param.name} must be a whole number, got {value!r}")
        if arr.ndim == 0:
            return int(arr)
        return np.ascontiguousarray(arr.astype(np.int64))
    if param.kind == "choice":
        if isinstance(value, str):
            if value not in param.choices:
                raise HyperparameterError(
                    f"{param.name}={value!r} is not one of {', '.join(param.choices)}"
                )
            return value
        arr = np.asarray(value, dtype=object).reshape(-1)
        bad = sorted({str(v) for v in arr if v not in param.choices})
        if bad:
            raise HyperparameterError(
                f"{param.name} values {bad} are not among {', '.join(param.choices)}"
            )
        try:
            return np.broadcast_to(arr, (batch,))
        except ValueError as exc:
            raise HyperparameterError(
                f"{param.name} has {arr.size} values; it must be one value or one per particle ({batch})"
            ) from exc
    return _as_batch_array(param.name, value, batch)


def implementation_flags(spec: OptimizerSpec) -> frozenset[str]:
    """The torch implementation switches ``spec`` accepts and ignores (empty for non-torch specs)."""
    if spec.reference != "torch":
        return frozenset()
    return TORCH_IMPLEMENTATION_FLAGS.get(spec.name, frozenset())


def resolve(spec: OptimizerSpec, given: dict[str, Any], batch: int) -> dict[str, Any]:
    """Every hyperparameter of ``spec``: the user's value where given, else the default.

    A torch user's keyword dict works as it is. Besides the spec's hyperparameters (torch's names,
    defaults and meaning), an optimizer that follows torch.optim accepts the implementation flags
    its torch constructor has (:data:`TORCH_IMPLEMENTATION_FLAGS`: ``foreach``, ``fused``,
    ``capturable``, ``differentiable``), each ``None``, ``True`` or ``False``, and ignores them:
    they choose torch's kernel, not the algorithm, and the result is always that of torch's
    default single-tensor path in float64 (torch's own fused and foreach kernels may differ from
    it in the last bits). They are not in the result. ``maximize`` is not a hyperparameter but an
    engine-wide keyword of ``run()``, with torch's meaning (the gradient is negated before weight
    decay).

    Raises :class:`HyperparameterError` naming the valid hyperparameters for an unknown name (or
    for a flag with a value other than None/True/False).
    """
    valid = [h.name for h in spec.hyperparams]
    flags = implementation_flags(spec)
    unknown = sorted(set(given) - set(valid) - flags)
    if unknown:
        ignored = f" (torch's {', '.join(sorted(flags))} are also accepted and ignored)" if flags else ""
        raise HyperparameterError(
            f"{spec.name} has no hyperparameter {', '.join(map(repr, unknown))}; "
            f"valid: {', '.join(valid) or '(none)'}{ignored}"
        )
    for name in flags & set(given):
        value = given[name]
        if not (value is None or isinstance(value, (bool, np.bool_))):
            raise HyperparameterError(
                f"{name} is torch's implementation switch (accepted and ignored here); it must be "
                f"None, True or False, got {value!r}"
            )
    return {
        h.name: _resolve_one(h, given.get(h.name, h.default), batch) for h in spec.hyperparams
    }


def discrete_groups(spec: OptimizerSpec, resolved: dict[str, Any]) -> list[tuple[np.ndarray | None, dict]]:
    """Split the batch by the values of discrete hyperparameters (bool/int/choice).

    Step functions branch on these in Python, so each group runs with scalars. Returns a list of
    ``(indices or None for the whole batch, resolved values with discrete entries as scalars)``.
    """
    discrete = [h.name for h in spec.hyperparams if h.kind in DISCRETE_KINDS]
    varying = [n for n in discrete if isinstance(resolved[n], np.ndarray)]
    if not varying:
        return [(None, resolved)]
    columns = [np.asarray(resolved[n]).astype(str) for n in varying]
    labels = np.array(["\x1f".join(row) for row in zip(*columns, strict=True)])
    groups = []
    for label in dict.fromkeys(labels.tolist()):
        idx = np.flatnonzero(labels == label)
        values = dict(resolved)
        for n in varying:
            item = resolved[n][idx[0]]
            values[n] = item.item() if isinstance(item, np.generic) else item
        values = {k: _take(v, idx) for k, v in values.items()}
        groups.append((idx, values))
    return groups


def _take(value: Any, idx: np.ndarray) -> Any:
    if isinstance(value, tuple):
        return tuple(_take(v, idx) for v in value)
    if isinstance(value, np.ndarray):
        return np.ascontiguousarray(value[idx])
    return value


def block(resolved: dict[str, Any], lo: int, hi: int) -> Hyper:
    """The hyperparameters of rows ``lo:hi``, arrays shaped ``(n, 1)`` to broadcast over ``dim``."""

    def cut(value: Any) -> Any:
        if isinstance(value, tuple):
            return tuple(cut(v) for v in value)
        if isinstance(value, np.ndarray) and value.dtype.kind == "f":
            return value[lo:hi, None]
        return value

    return Hyper({k: cut(v) for k, v in resolved.items()})
