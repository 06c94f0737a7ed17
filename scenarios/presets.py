"""Named scenarios: one click loads a figure a lecture can be built around.

A preset is a page and the URL parameters of that page, so loading one is exactly opening its link
(and the test suite checks every preset decodes without a single notice).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from .pages import COMPARE, PLAYGROUND, Page


@dataclass(frozen=True)
class Preset:
    """A named scenario: the page it belongs to, its URL parameters and what it shows."""

    key: str
    title: str
    page: Page
    query: dict[str, str]
    lesson: str


PRESETS: tuple[Preset, ...] = (
    Preset(
        "rosenbrock", "Adam vs SGD on Rosenbrock", PLAYGROUND,
        {"opt": "sgd,adam", "o1.lr": "0.001", "o2.lr": "0.1", "steps": "1000"},
        "SGD reaches the curved valley quickly and then crawls along its floor, where the gradient "
        "is tiny; Adam rescales each coordinate and travels along the valley to (1, 1).",
    ),
    Preset(
        "ravine", "Momentum escapes the ravine", PLAYGROUND,
        {"landscape": "quadratic", "condition": "100", "opt": "sgd,momentum",
         "o1.lr": "0.019", "o2.lr": "0.01", "o2.momentum": "0.8", "steps": "200"},
        "A bowl 100 times steeper one way than the other. At its largest stable step (lr = 0.019 < "
        "2/λ_max = 0.02) SGD bounces between the steep walls and creeps along the floor: the error "
        "shrinks by at most (κ−1)/(κ+1) ≈ 0.98 per step. Momentum (lr = 0.01, β = 0.8) averages the "
        "zigzag away and builds up speed along the floor: f − f* ≈ 10⁻¹² after 200 steps, against "
        "10⁻³ for SGD.",
    ),
    Preset(
        "saddle", "Saddle point", PLAYGROUND,
        {"landscape": "saddle", "opt": "sgd,momentum,adam", "o1.lr": "0.01", "o2.lr": "0.01",
         "o3.lr": "0.01", "steps": "150"},
        "Starting almost exactly on the ridge of f = x² − y², gradient descent first slides into "
        "the saddle and lingers there, because the escaping direction has a tiny gradient. Momentum "
        "and Adam (which rescales that tiny gradient) leave far sooner.",
    ),
    Preset(
        "lr_too_large", "Learning rate too large", PLAYGROUND,
        {"landscape": "quadratic", "opt": "sgd,sgd,sgd", "o1.lr": "0.05", "o2.lr": "0.18",
         "o3.lr": "0.25", "steps": "100"},
        "On a quadratic with largest curvature λ = 10, gradient descent is stable only for "
        "lr < 2/λ = 0.2: lr = 0.05 creeps, lr = 0.18 zigzags but converges, lr = 0.25 blows up.",
    ),
    Preset(
        "newton", "Newton's method in one step", PLAYGROUND,
        {"landscape": "quadratic", "condition": "100", "opt": "sgd,newton", "o1.lr": "0.019",
         "steps": "50"},
        "On a quadratic, Newton's step −H⁻¹∇f lands on the minimum at once, whatever the condition "
        "number; gradient descent is limited by the steepest direction.",
    ),
    Preset(
        "himmelblau", "Four minima: who goes where?", PLAYGROUND,
        {"landscape": "himmelblau", "start": "0,0", "opt": "sgd,momentum,adam,lion",
         "o1.lr": "0.01", "o2.lr": "0.01", "o3.lr": "0.1", "o4.lr": "0.05", "steps": "300"},
        "From the same start, different optimizers settle in different minima of Himmelblau's "
        "function: the basin you end in depends on the path, not only the start.",
    ),
    Preset(
        "lr_study", "Learning-rate study (course notes)", COMPARE,
        {"mode": "lr", "landscape": "x2_plus_sin", "opt": "sgd", "lrs": "0.01,0.1,1", "steps": "50"},
        "Gradient descent on x² + sin x from x = 2.5: lr = 0.01 is still far away after 50 steps, "
        "lr = 0.1 converges, and lr = 1 jumps for ever between ±π/2.",
    ),
    Preset(
        "four_landscapes", "Same optimizers, four landscapes", COMPARE,
        {"mode": "landscapes", "landscapes": "quadratic,rosenbrock,himmelblau,rastrigin",
         "opt": "sgd,momentum,adam", "o1.lr": "0.01", "o2.lr": "0.01", "o3.lr": "0.05",
         "steps": "300"},
        "No optimizer wins everywhere: momentum shines in the ravine and Adam on Rosenbrock, while "
        "on Rastrigin every method stops in a nearby local minimum.",
    ),
)

PRESETS_BY_KEY: dict[str, Preset] = {p.key: p for p in PRESETS}


def presets_for(page: Page) -> tuple[Preset, ...]:
    """The presets that load on ``page``."""
    return tuple(p for p in PRESETS if p.page == page)


@cache
def preset_settings(key: str) -> Any:
    """The page settings preset ``key`` loads (what opening its link gives)."""
    from .codec import decode

    preset = PRESETS_BY_KEY[key]
    return decode(preset.page, preset.query).settings


def preset_showing(page: Page, settings: Any) -> Preset | None:
    """The preset whose settings ``settings`` are exactly (loaded by a click or by its link), or None.

    A page shows that preset's explanation for as long as its settings are unchanged.
    """
    return next((p for p in presets_for(page) if preset_settings(p.key) == settings), None)
