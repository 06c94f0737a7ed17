"""Lesson: a small network trained by the engine, and slices of its loss through weight space."""

from ui.landscape import render

render()
