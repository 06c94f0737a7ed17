"""Lesson: noisy particles and the Langevin density, saddles, and gradient estimates."""

from ui.noise import render

render()
