"""Basins: where each start ends up, per optimizer."""

from ui.basins import render

render()
