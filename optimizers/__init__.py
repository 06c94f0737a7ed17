"""A vectorized NumPy engine for gradient-based optimizers.

>>> from landscapes import get_landscape
>>> from optimizers import run
>>> traj = run("adam", get_landscape("rosenbrock"), [-1.5, 2.0], steps=500, lr=0.01)
>>> traj.path.shape
(501, 1, 2)
"""

from .engine import BLOCK_SIZE, run
from .hyperparams import HyperparameterError
from .registry import OPTIMIZERS, get_optimizer
from .replay import Replay, replay
from .schedules import SCHEDULES, make_schedule
from .spec import HyperParam, OptimizerSpec
from .trajectory import Trajectory

__all__ = [
    "BLOCK_SIZE",
    "HyperParam",
    "HyperparameterError",
    "OPTIMIZERS",
    "OptimizerSpec",
    "Replay",
    "SCHEDULES",
    "Trajectory",
    "get_optimizer",
    "make_schedule",
    "replay",
    "run",
]
