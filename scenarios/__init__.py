"""Page settings as plain values: what a URL encodes, presets, and the runs and tables they give.

Pure Python (no Streamlit): the app's pages and the tests both build on it.
"""

from .codec import (
    Decoded,
    decode,
    decode_comparison,
    decode_playground,
    encode,
    encode_comparison,
    encode_playground,
)
from .pages import (
    AVERAGES,
    BASINS,
    CLIPPING,
    COMPARE,
    DESCENT,
    PAGES,
    PLAYGROUND,
    QUADRATICS,
    RACE,
    SWEEP,
    AveragesLesson,
    ClippingLesson,
    Comparison,
    DescentLesson,
    Page,
    Playground,
    QuadraticsLesson,
    default_comparison,
    default_playground,
)
from .settings import OptimizerChoice, RunSettings, slot_labels

__all__ = [
    "AVERAGES",
    "BASINS",
    "CLIPPING",
    "COMPARE",
    "DESCENT",
    "PAGES",
    "PLAYGROUND",
    "QUADRATICS",
    "RACE",
    "SWEEP",
    "AveragesLesson",
    "ClippingLesson",
    "Comparison",
    "Decoded",
    "DescentLesson",
    "OptimizerChoice",
    "Page",
    "Playground",
    "QuadraticsLesson",
    "RunSettings",
    "decode",
    "decode_comparison",
    "decode_playground",
    "default_comparison",
    "default_playground",
    "encode",
    "encode_comparison",
    "encode_playground",
    "slot_labels",
]
