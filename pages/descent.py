"""Lesson: the derivative as a local model, and gradient descent as Euler steps of the gradient flow."""

from ui.descent import render

render()
