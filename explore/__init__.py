"""Exploring many settings at once (pure NumPy and pandas, no Streamlit), usable from a notebook:
:func:`sweep` runs a grid of hyperparameters in one batched engine call, :func:`basins` a grid of
starts, :func:`tune` searches the best setting and :func:`race` compares tuned optimizers."""

from .basins import DIVERGED, NONE_REACHED, BasinsResult, basins
from .sweep import METRICS, SweepResult, sweep
from .tuning import Entry, TuneResult, race, search_space, tune

__all__ = ["DIVERGED", "METRICS", "NONE_REACHED", "BasinsResult", "Entry", "SweepResult", "TuneResult",
           "basins", "race", "search_space", "sweep", "tune"]
