"""Lesson: the geometry of gradient clipping, and learning-rate schedules."""

from ui.clipping import render

render()
