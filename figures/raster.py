"""The landscape's filled contour map as a PNG image, for figures that animate.

plotly.js deletes the layer of every non-animatable trace (contour, heatmap) when a frame is played
with ``redraw=False`` (plotly.py issue #2151, plotly.js #4491; checked in Chromium with plotly.js 4.1):
the map vanishes on Play. A layout image is not a trace, so it stays. The colour bar comes from an
empty scatter trace carrying the same colour scale.
"""

from __future__ import annotations

import base64
import hashlib
import struct
import zlib
from typing import Any

import numpy as np

from .memo import Memo
from .style import LANDSCAPE_COLORSCALE

LEVELS = 24  # colour bands, as a contour map's levels
LINE_SHADE = 0.7  # band edges are drawn at 70% brightness: contour lines without a vector trace
MIN_PIXELS = 320  # upsample coarse grids so band edges stay thin when the image is stretched


def band_colours(levels: int = LEVELS) -> np.ndarray:
    """Return ``(levels, 3)`` uint8 colours: the landscape colour scale at each band's centre."""
    stops = np.array([s for s, _ in LANDSCAPE_COLORSCALE])
    rgb = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for _, c in LANDSCAPE_COLORSCALE], dtype=float)
    centres = (np.arange(levels) + 0.5) / levels
    return np.stack([np.interp(centres, stops, rgb[:, k]) for k in range(3)], axis=1).round().astype(np.uint8)


def _upsample(values: np.ndarray, factor: int) -> np.ndarray:
    """Bilinear upsampling by an integer ``factor`` (NaN spreads to its neighbours, as it should)."""
    if factor <= 1:
        return values
    out = values
    for axis in (0, 1):
        n = out.shape[axis]
        pos = np.linspace(0, n - 1, (n - 1) * factor + 1)
        lo = np.minimum(np.floor(pos).astype(int), n - 2)
        frac = pos - lo
        a, b = np.take(out, lo, axis=axis), np.take(out, lo + 1, axis=axis)
        shape = [1, 1]
        shape[axis] = -1
        out = a + (b - a) * frac.reshape(shape)
    return out


def banded_image(shown: np.ndarray, levels: int = LEVELS) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Return ``(indices, palette, low, high)``: the displayed values as colour bands, band edges darker.

    ``indices`` is ``(h, w)`` uint8 into ``palette`` ``(n, 3)`` uint8.

    ``shown[j, i]`` is the value at ``(xs[i], ys[j])`` with ``ys`` increasing; image rows run top-down,
    so the result is flipped. Non-finite values are white.
    """
    shown = np.asarray(shown, dtype=np.float64)
    factor = max(1, -(-MIN_PIXELS // max(1, max(shown.shape) - 1)))
    fine = _upsample(shown, factor)[::-1]
    finite = np.isfinite(fine)
    low, high = (float(fine[finite].min()), float(fine[finite].max())) if finite.any() else (0.0, 1.0)
    span = high - low if high > low else 1.0
    with np.errstate(invalid="ignore"):
        band = np.clip(np.floor((fine - low) / span * levels), 0, levels - 1)
    band = np.where(finite, band, levels).astype(np.intp)  # index ``levels``: white, for no value
    edge = np.zeros(band.shape, dtype=bool)
    edge[:, :-1] |= band[:, :-1] != band[:, 1:]
    edge[:-1, :] |= band[:-1, :] != band[1:, :]
    colours = np.vstack([band_colours(levels), [[255, 255, 255]]])
    shaded = (colours * LINE_SHADE).round().astype(np.uint8)
    shaded[-1] = 255
    # A doubled palette (plain, then shaded): a palette PNG is 1 byte a pixel, 3× less to compress.
    palette = np.vstack([colours, shaded])
    return (band + edge * (levels + 1)).astype(np.uint8), palette, low, high


def png_bytes(indices: np.ndarray, palette: np.ndarray) -> bytes:
    """Return a palette image (``indices`` ``(h, w)`` uint8 into ``palette`` ``(n ≤ 256, 3)``) as PNG."""
    height, width = indices.shape
    raw = np.concatenate([np.zeros((height, 1), dtype=np.uint8), indices], axis=1)  # filter byte 0 per row

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)  # 8-bit indexed colour
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"PLTE", palette.astype(np.uint8).tobytes())
            + chunk(b"IDAT", zlib.compress(raw.tobytes(), 6)) + chunk(b"IEND", b""))


#: Images kept by :func:`landscape_image`, the most recently used ones (each is a PNG of 10–60 KB).
IMAGE_CACHE = 64
_images = Memo(IMAGE_CACHE)


def _image(shown: np.ndarray) -> tuple[str, float, float]:
    """The PNG data URI of ``shown`` and its value range, remembered by content: a rerun or another
    session drawing the same map (the same landscape, window and grid) skips the 15 % of a Playground
    rerun that upsampling and compressing cost."""
    shown = np.ascontiguousarray(shown, dtype=np.float64)
    key = hashlib.blake2b(shown.tobytes() + repr(shown.shape).encode(), digest_size=16).digest()

    def make() -> tuple[str, float, float]:
        indices, palette, low, high = banded_image(shown)
        png = base64.b64encode(png_bytes(indices, palette)).decode("ascii")
        return "data:image/png;base64," + png, low, high

    return _images.get(key, make)


def landscape_image(xs: np.ndarray, ys: np.ndarray, shown: np.ndarray,
                    axes: tuple[str, str] = ("x", "y")) -> tuple[dict[str, Any], float, float]:
    """Return ``(layout image, low, high)``: the banded map stretched over ``xs × ys`` below the traces."""
    uri, low, high = _image(shown)
    image = {
        "source": uri, "xref": axes[0], "yref": axes[1], "x": float(xs[0]), "y": float(ys[-1]),
        "sizex": float(xs[-1] - xs[0]), "sizey": float(ys[-1] - ys[0]), "sizing": "stretch",
        "xanchor": "left", "yanchor": "top", "layer": "below",
    }
    return image, low, high


def colour_bar_trace(low: float, high: float, title: str) -> dict[str, Any]:
    """Return an empty scatter trace whose only visible part is the colour bar of the map."""
    return {
        "type": "scatter", "x": [None, None], "y": [None, None], "mode": "markers", "name": "landscape",
        "showlegend": False, "hoverinfo": "skip",
        "marker": {"color": [low, high], "cmin": low, "cmax": high, "showscale": True,
                   "colorscale": [list(stop) for stop in LANDSCAPE_COLORSCALE],
                   "colorbar": {"title": {"text": title, "side": "right"}, "thickness": 14, "len": 0.9,
                                "outlinewidth": 0}},
    }
