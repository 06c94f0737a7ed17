"""Lesson: batch normalization, step by step and through depth."""

from ui.batchnorm import render

render()
