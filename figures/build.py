"""Fast assembly of a ``go.Figure`` from plain dicts (Plotly's per-property validation is skipped),
and a fast way back to the dict Streamlit sends."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go
from _plotly_utils.utils import is_homogeneous_array, to_typed_array_spec

_LEAVES = (str, float, int, bool, type(None))
#: Keys whose arrays plotly.js must get as plain lists (``_plotly_utils.utils.is_skipped_key``).
_SKIPPED_KEYS = frozenset({"geojson", "layer", "layers", "range"})


def _plain(value: Any) -> Any:
    """``value`` as :meth:`go.Figure.to_dict` gives it: NumPy arrays as plotly.js typed-array specs
    (base64), dicts and lists of containers copied, everything else shared.

    Plotly deep-copies the whole figure and then walks it again to encode the arrays, element by
    element of every list: a third of a Playground rerun's server time, most of it in the animation
    frames' lists of numbers. Here a list of numbers or text (its first item tells) is shared, not
    copied: the dict is for serialising, and nothing writes to it.
    """
    if isinstance(value, dict):
        return {key: (item if key in _SKIPPED_KEYS else
                      to_typed_array_spec(item) if isinstance(item, np.ndarray) else _plain(item))
                for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        if not value or isinstance(value[0], _LEAVES):
            return value
        return [_plain(item) for item in value] if isinstance(value, list) else \
            tuple(_plain(item) for item in value)
    if isinstance(value, _LEAVES) or not is_homogeneous_array(value):
        return value
    return to_typed_array_spec(value)


class Figure(go.Figure):
    """A ``go.Figure`` whose :meth:`to_dict` (what ``st.plotly_chart`` calls) skips the deep copy."""

    #: ``(frame objects, their dicts)`` as :func:`assemble` stored them: the animation's frames hold
    #: only lists of numbers and text, ready for JSON (``tests/test_figures.py`` compares the result
    #: with plotly's own ``to_dict`` on every figure it builds), so they are sent without a walk.
    _ready_frames: tuple[tuple, list] = ((), [])

    def to_dict(self) -> dict[str, Any]:
        result = {"data": _plain(self._data), "layout": _plain(self._layout)}
        objects, ready = self._ready_frames
        frames = ready if objects and objects is self._frame_objs else \
            [_plain(frame._props) for frame in self._frame_objs]
        if frames:
            result["frames"] = frames
        return result


def assemble(data: Sequence[dict[str, Any]], layout: dict[str, Any],
             frames: Sequence[dict[str, Any]] = ()) -> Figure:
    """Return a figure holding ``data``, ``layout`` and ``frames`` as given, without validating them.

    Validation costs ~1 ms per trace and ~90 ms for 120 animation frames of 18 traces; our builders
    write only known properties (tests/test_figures.py re-validates whole figures to prove it).

    The frames are stored unvalidated: ``frame.name`` and ``frame.traces`` read fine, but
    ``frame.data`` raises in plotly 7.1; read frame data from ``fig.to_dict()["frames"]``.
    """
    fig = Figure(data=list(data), layout=layout, _validate=False)
    if frames:
        frame_objs = tuple(go.Frame(frame, _validate=False) for frame in frames)
        if hasattr(fig, "_frame_objs"):
            # The public ``fig.frames`` setter re-validates every frame; plotly 7.1 stores the
            # frames in ``_frame_objs`` and serialises them from there.
            fig._frame_objs = frame_objs
            fig._ready_frames = (frame_objs, [dict(frame) for frame in frames])
        else:  # another plotly layout: take the slow, public way
            fig.frames = frame_objs
    return fig
