"""Lesson: activations and gradients through depth at initialization."""

from ui.depth import render

render()
