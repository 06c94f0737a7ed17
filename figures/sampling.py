"""Which rows of a long trajectory to draw: few enough for a small figure, never losing the ends."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def display_rows(n_rows: int, max_points: int, keep: Iterable[int] = ()) -> np.ndarray:
    """Return sorted unique row indices, evenly spaced, always with 0, ``n_rows − 1`` and ``keep``.

    At most ``max_points`` rows are spaced out (at least the two ends), plus those in ``keep`` (such as
    the divergence row) that lie inside ``[0, n_rows)``.
    """
    n_rows = int(n_rows)
    if n_rows <= 0:
        return np.zeros(0, dtype=np.int64)
    count = max(2, int(max_points))
    if n_rows <= count:
        rows = np.arange(n_rows, dtype=np.int64)
    else:
        rows = np.rint(np.linspace(0, n_rows - 1, count)).astype(np.int64)
    extra = np.array([int(k) for k in keep], dtype=np.int64)
    extra = extra[(extra >= 0) & (extra < n_rows)]
    return np.unique(np.concatenate([rows, extra]))
