"""Lesson: AdaGrad, RMSprop and Adam per coordinate, Adam without bias correction, L2 against AdamW."""

from ui.adaptive import render

render()
