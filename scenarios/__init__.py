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
    COMPARE,
    PAGES,
    PLAYGROUND,
    Comparison,
    Page,
    Playground,
    default_comparison,
    default_playground,
)
from .settings import OptimizerChoice, RunSettings, slot_labels

__all__ = [
    "COMPARE",
    "PAGES",
    "PLAYGROUND",
    "Comparison",
    "Decoded",
    "OptimizerChoice",
    "Page",
    "Playground",
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
