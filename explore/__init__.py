"""Exploring many settings at once (pure NumPy and pandas, no Streamlit), usable from a notebook:
:func:`sweep` runs a grid of hyperparameters in one batched engine call."""

from .sweep import METRICS, SweepResult, sweep

__all__ = ["METRICS", "SweepResult", "sweep"]
