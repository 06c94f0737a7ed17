"""Compare: small multiples of optimizers across landscapes or learning rates."""

from ui.compare import render

render()
