"""Lesson: exponential moving averages, bias correction, and the three ways momentum is written."""

from ui.averages import render

render()
