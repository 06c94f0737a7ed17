"""Page settings as plain values: what a URL encodes, presets, and the runs and tables they give.

Pure Python (no Streamlit): the app's pages and the tests both build on it.
"""

from .codec import Decoded, decode_comparison, decode_playground, encode_comparison, encode_playground
from .settings import (
    Comparison,
    OptimizerChoice,
    Playground,
    RunSettings,
    default_comparison,
    default_playground,
    slot_labels,
)

__all__ = [
    "Comparison",
    "Decoded",
    "OptimizerChoice",
    "Playground",
    "RunSettings",
    "decode_comparison",
    "decode_playground",
    "default_comparison",
    "default_playground",
    "encode_comparison",
    "encode_playground",
    "slot_labels",
]
