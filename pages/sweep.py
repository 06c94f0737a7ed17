"""Sweep: a grid of one optimizer's settings in one batched run."""

from ui.sweep import render

render()
