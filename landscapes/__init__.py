"""Test functions with exact values, gradients and Hessians, and their display metadata.

>>> from landscapes import get_landscape
>>> L = get_landscape("rosenbrock")
>>> float(L([1.0, 1.0]))
0.0
"""

from .base import Landscape, LandscapeProtocol
from .registry import LANDSCAPES, get_landscape

__all__ = ["LANDSCAPES", "Landscape", "LandscapeProtocol", "get_landscape"]
