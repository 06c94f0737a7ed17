"""Lesson: the theory of gradient methods on a quadratic, checked against real runs."""

from ui.quadratics import render

render()
