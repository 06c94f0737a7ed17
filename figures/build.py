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
    """A ``go.Figure`` built only when something reads it as one.

    :func:`assemble` keeps the plain dicts it is given; :meth:`to_dict` (what ``st.plotly_chart``
    calls) serialises them directly. Building the plotly object (it deep-copies every trace, the
    layout and each animation frame) was a quarter of a Playground rerun's script time, for a figure
    that is only sent. Any other use of the figure (``fig.data``, ``fig.update_layout``, an export)
    builds it first, through :meth:`__getattr__`, and then it is an ordinary ``go.Figure``.
    """

    #: ``(data, layout, frames)`` as given to :func:`assemble`, until the figure is built.
    _plain_parts: tuple[list, dict, list] | None = None
    #: ``(frame objects, their dicts)`` once built: the animation's frames hold only lists of numbers
    #: and text, ready for JSON (``tests/test_figures.py`` compares the result with plotly's own
    #: ``to_dict`` on every figure it builds), so they are sent without a walk.
    _ready_frames: tuple[tuple, list] = ((), [])

    def __getattr__(self, name: str) -> Any:
        # Reached only when ordinary lookup fails: before the first build, every plotly internal.
        parts = self.__dict__.pop("_plain_parts", None)
        if parts is None:
            raise AttributeError(name)
        self._build(*parts)
        return getattr(self, name)

    def _build(self, data: list, layout: dict, frames: list) -> None:
        go.Figure.__init__(self, data=data, layout=layout, _validate=False)
        if frames:
            frame_objs = tuple(go.Frame(frame, _validate=False) for frame in frames)
            if hasattr(self, "_frame_objs"):
                # The public ``fig.frames`` setter re-validates every frame; plotly 7.1 stores the
                # frames in ``_frame_objs`` and serialises them from there.
                self._frame_objs = frame_objs
                self._ready_frames = (frame_objs, [dict(frame) for frame in frames])
            else:  # another plotly layout: take the slow, public way
                self.frames = frame_objs

    def to_dict(self) -> dict[str, Any]:
        parts = self.__dict__.get("_plain_parts")
        if parts is not None:
            data, layout, frames = parts
            result = {"data": [_plain(trace) for trace in data], "layout": _plain(layout)}
            if frames:
                result["frames"] = [dict(frame) for frame in frames]
            return result
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
    write only known properties (tests/test_figures.py re-validates whole figures to prove it). The
    plotly object itself is built on first use (see :class:`Figure`).

    The frames are stored unvalidated: ``frame.name`` and ``frame.traces`` read fine, but
    ``frame.data`` raises in plotly 7.1; read frame data from ``fig.to_dict()["frames"]``.
    """
    fig = Figure.__new__(Figure)
    fig.__dict__["_plain_parts"] = (list(data), dict(layout), list(frames))
    return fig
