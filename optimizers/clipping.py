"""Per-particle gradient clipping, applied in place before the optimizer sees the gradient."""

from __future__ import annotations

import numpy as np


def clip_by_value(g: np.ndarray, clip_value: float | np.ndarray) -> None:
    """Clamp every component of ``g`` to ``[-clip_value, clip_value]`` (torch ``clip_grad_value_``)."""
    np.clip(g, -clip_value, clip_value, out=g)


def clip_by_norm(g: np.ndarray, max_norm: float | np.ndarray) -> None:
    """Rescale each particle's gradient to norm at most ``max_norm`` (torch ``clip_grad_norm_``).

    As in torch, the factor is ``min(1, max_norm / (‖g‖ + 1e-6))``, so the direction is kept and a
    gradient already inside the ball is left alone.
    """
    norm = np.sqrt(np.einsum("ij,ij->i", g, g))[:, None]
    factor = max_norm / (norm + 1e-6)
    np.minimum(factor, 1.0, out=factor)
    g *= factor
