"""Named scenarios: one click loads a figure a lecture can be built around.

A preset is a page and the URL parameters of that page, so loading one is exactly opening its link
(and the test suite checks every preset decodes without a single notice). Its lesson says what the
figure shows, with numbers where they help; ``tests/test_presets.py`` runs every preset as its page
does and checks each claim and each number of its lesson, so a lesson that stops being true fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from .pages import (
    ADAPTIVE,
    AVERAGES,
    BASINS,
    BATCH_NORM,
    CLIPPING,
    COMPARE,
    DEPTH,
    DESCENT,
    NOISE,
    PLAYGROUND,
    QUADRATICS,
    RACE,
    SWEEP,
    Page,
)


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
        "SGD (lr = 0.001) zigzags down onto the floor of the curved valley (|y − x²| < 0.01 from step 20 "
        "on) and then crawls along it, where the gradient is small (|∇f| ≈ 2, against 163 at the "
        "start): after 1000 steps it has only reached x ≈ −0.66 (f ≈ 2.8). Adam (lr = 0.1) rescales "
        "each coordinate and travels along the valley to (1, 1): f − f* ≈ 10⁻⁶ after 1000 steps.",
    ),
    Preset(
        "ravine", "Momentum escapes the ravine", PLAYGROUND,
        {"landscape": "quadratic", "condition": "100", "opt": "sgd,momentum",
         "o1.lr": "0.019", "o2.lr": "0.01", "o2.momentum": "0.8", "steps": "200"},
        "A bowl 100 times steeper one way than the other (curvatures 1 and 100). Just under its "
        "stability limit (lr = 0.019 < 2/λ_max = 0.02), SGD bounces between the steep walls (the steep "
        "coordinate changes sign every step) and creeps along the floor: the error there shrinks only "
        "by 1 − 0.019 = 0.981 per step, and no learning rate makes gradient descent contract faster "
        "than (κ−1)/(κ+1) ≈ 0.980 in every direction. "
        "Momentum (lr = 0.01, β = 0.8) builds up speed along the floor, where successive gradients "
        "agree: the error there shrinks by 0.927 per step, and f − f* ≈ 10⁻¹² after 200 steps, "
        "against 10⁻³ for SGD.",
    ),
    Preset(
        "saddle", "Saddle point", PLAYGROUND,
        {"landscape": "saddle", "opt": "sgd,momentum,adam", "o1.lr": "0.02", "o2.lr": "0.02",
         "o3.lr": "0.02", "steps": "150"},
        "Started at (1.5, 0.01), almost on the ridge y = 0 of f = x² − y², with lr = 0.02 for all "
        "three. Gradient descent slides into the saddle and lingers there: the escaping coordinate y "
        "only grows by 1 + 2·lr = 1.04 per step, so SGD spends 37 steps within 0.25 of the saddle and "
        "leaves the window only at step 136. Momentum (β = 0.9) rushes through, passing within 0.06 "
        "of the saddle, and leaves at step 36. Adam rescales the tiny y-gradient to a full-size step: "
        "it heads diagonally away, never comes within 1.1 of the saddle and leaves at step 77. "
        "f is unbounded below, and every path leaves the window at the top.",
    ),
    Preset(
        "lr_too_large", "Learning rate too large", PLAYGROUND,
        {"landscape": "quadratic", "opt": "sgd,sgd,sgd", "o1.lr": "0.05", "o2.lr": "0.18",
         "o3.lr": "0.25", "steps": "100"},
        "On the quadratic with curvatures 1 and 10, gradient descent is stable only for "
        "lr < 2/λ_max = 0.2. lr = 0.05 creeps: the flat coordinate shrinks by 1 − 0.05 = 0.95 per "
        "step, and f − f* ≈ 10⁻⁴ after 100 steps. lr = 0.18 zigzags (the steep coordinate is "
        "multiplied by 1 − 0.18·10 = −0.8 each step) but converges fastest: f − f* ≈ 10⁻¹⁷. "
        "lr = 0.25 multiplies it by 1 − 2.5 = −1.5: the path leaves the window at step 3, and at "
        "step 57 a coordinate passes 10¹⁰, where the engine stops it as diverged.",
    ),
    Preset(
        "newton", "Newton's method in one step", PLAYGROUND,
        {"landscape": "quadratic", "condition": "100", "opt": "sgd,newton", "o1.lr": "0.019",
         "steps": "50"},
        "On a quadratic, Newton's step −H⁻¹∇f lands on the minimum in one step, whatever the "
        "condition number (here κ = 100). Gradient descent is limited by the steepest direction: just "
        "under 2/λ_max = 0.02 (lr = 0.019), the flat coordinate shrinks only by 1 − 0.019 = 0.981 per "
        "step, and after 50 steps SGD is still 0.96 from the minimum (f − f* ≈ 0.46).",
    ),
    Preset(
        "himmelblau", "Four minima: who goes where?", PLAYGROUND,
        {"landscape": "himmelblau", "start": "0,0", "opt": "sgd,momentum,nesterov,adam",
         "o1.lr": "0.01", "o2.lr": "0.01", "o3.lr": "0.01", "o4.lr": "0.1", "steps": "300"},
        "From (0, 0), SGD and Nesterov (lr = 0.01) and Adam (lr = 0.1) settle in the minimum at "
        "(3, 2). Heavy-ball momentum, with the same lr and β = 0.9 as Nesterov, comes within 0.27 of "
        "that minimum at step 7, overshoots and settles in another one, at (3.58, −1.85): the basin "
        "you end in depends on the path, not only on the start (Nesterov's look-ahead gradient brakes "
        "in time). All four end with f − f* < 10⁻¹⁰; every minimum has f = 0.",
    ),
    Preset(
        "local_maximum", "Gradient ascent finds a local maximum", PLAYGROUND,
        {"landscape": "sin_minus_square", "start": "-2", "opt": "sgd", "o1.lr": "0.01", "steps": "100"},
        "Gradient ascent on 25 sin x − x² from x₀ = −2 (lr = 0.01), as in the course notes: it climbs "
        "the nearer peak and after 100 steps sits on the local maximum at x ≈ −4.36, f ≈ 4.45. The "
        "global maximum, at x ≈ 1.45 with f ≈ 22.7, lies across the valley at x ≈ −1.71, which the "
        "path never crosses: it ends f* − f ≈ 18.3 below the best value.",
    ),
    Preset(
        "lr_study", "Learning-rate study (course notes)", COMPARE,
        {"mode": "lr", "landscape": "x2_plus_sin", "opt": "sgd", "lrs": "0.01,0.1,1", "steps": "50"},
        "Gradient descent on x² + sin x from x₀ = 2.5, as in the course notes. lr = 0.01 is still far "
        "away after 50 steps: x ≈ 0.89, 1.3 from the minimum at x* ≈ −0.45. lr = 0.1 converges: "
        "|x − x*| ≈ 10⁻⁵ after 50 steps. lr = 1 jumps for ever between ±π/2: its step "
        "x ← x − (2x + cos x) = −x − cos x maps π/2 to −π/2 and back, and from step 7 on every "
        "iterate is ±π/2 to within 10⁻⁹.",
    ),
    Preset(
        "four_landscapes", "Same optimizers, four landscapes", COMPARE,
        {"mode": "landscapes", "landscapes": "quadratic,rosenbrock,himmelblau,rastrigin",
         "opt": "sgd,momentum,adam", "o1.lr": "0.001", "o2.lr": "0.001", "o3.lr": "0.1",
         "steps": "300"},
        "No optimizer wins everywhere. With SGD and momentum at lr = 0.001 and Adam at 0.1, every "
        "path stays in its panel for 300 steps (at lr = 0.005, SGD and momentum diverge on "
        "Rosenbrock). Adam wins on the bowl: f − f* ≈ 10⁻¹³, against 5·10⁻³ for momentum and 1.7 "
        "for SGD. Momentum wins on Rosenbrock, f ≈ 0.034 at (0.82, 0.66), ahead of Adam, f ≈ 0.25 at "
        "(0.50, 0.25); SGD has only crawled along the valley floor from x = −1.5 to −1.25 "
        "(f ≈ 5.0). On Himmelblau, SGD and momentum head for the minimum at (3.58, −1.85), Adam for "
        "the one at (3, 2). On Rastrigin all three stop in the local minimum next to the start, "
        "(−2.98, 2.98) with f ≈ 17.9, far above the global minimum f = 0.",
    ),
    Preset(
        "long_bowl", "A long bowl: κ = 100", QUADRATICS,
        {"condition": "100", "steps": "800", "lr": "0.005"},
        "At κ = 100 the bowl is a long valley. Gradient descent at its best learning rate, "
        "2/(λ_min + λ_max) = 0.0198, shrinks the distance to the minimum by 0.9802 per step and needs "
        "691 steps to cut it a millionfold; just past the stability edge 2/λ_max = 0.02, at lr 0.021, "
        "it zig-zags ever wider and diverges at step 241. The tuned heavy ball (lr 0.0331, μ 0.6694) "
        "needs 91 steps, Nesterov 156, Newton 1.",
    ),
    Preset(
        "sales_ema", "A week of sales, averaged", AVERAGES,
        {"beta": "0.7"},
        "The notes' six days of sales, 100, 114, 118, 117, 120 and 122, averaged with β = 0.7 from V₀ = 0: "
        "30, 55.2, 74.04, 86.928, 96.8496 and 104.39472 (the notes print 86.9, 96.83 and 104.38). The "
        "first averages are far too small; divided by 1 − βᵗ they become weighted means: 100 on day 1 "
        "and 118.3 on day 6. torch's momentum buffer, fed the same numbers, holds the average times "
        "1/(1 − β): 100, 184, 246.8, …",
    ),
    Preset(
        "momentum_tenfold", "Momentum's terminal velocity", AVERAGES,
        {"beta": "0.9"},
        "On a constant slope torch's momentum adds the whole gradient at every step, so at β = 0.9 its "
        "step grows to lr·g/(1 − β) = 10 times plain SGD's, within 1 % of it from step 44 on. The notes' "
        "EMA form averages instead: its step tends to lr·g, and torch's dampened form takes exactly lr·g "
        "from its first step.",
    ),
    Preset(
        "clip_notes", "Clipping the notes' gradient", CLIPPING,
        {"g": "0.9,100", "clip_at": "1"},
        "The notes' gradient g = (0.9, 100) clipped at c = 1. By value each component is clamped: (0.9, 1), "
        "turned 41.5° away from g. By norm the vector is scaled onto the unit ball: c·g/‖g‖ = "
        "(0.00899964, 0.99995950), its direction kept (torch's clip_grad_norm_ divides by ‖g‖ + 10⁻⁶ and "
        "gives 0.99995949). On Rosenbrock at lr 0.005, plain SGD diverges at step 5; clipped by norm it "
        "reaches f ≈ 3.85 after 500 steps, clipped by value f ≈ 5.93.",
    ),
    Preset(
        "exponential_notes", "The notes' exponential schedule", CLIPPING,
        {"schedule": "exponential", "schedule.gamma": repr(0.1 ** (1 / 100))},
        "The notes write exponential scheduling as lr·0.1^(t/s). With s = 100 that is torch's "
        "ExponentialLR with γ = 0.1^(1/100) ≈ 0.97724: the learning rate falls tenfold every 100 steps, "
        "from 0.05 to 0.005 after 100 steps and 0.0005 after 200. On the noisy bowl (σ = 1) the scheduled "
        "run ends at f ≈ 3.6·10⁻⁵, against 0.70 at the constant learning rate, whose iterates keep "
        "jittering.",
    ),
    Preset(
        "adam_bias", "Adam without its bias correction", ADAPTIVE,
        {"steps": "100"},
        "From zero moments, uncorrected Adam's first step is 0.4472 long: 3.162 times the corrected "
        "step of 0.1414 (lr 0.1 along each coordinate), because v starts √1000 times too small and m "
        "only 10 times. The factor (1 − β₁ᵗ)/√(1 − β₂ᵗ) keeps growing to 6.569 at step 12 before it "
        "decays.",
    ),
    Preset(
        "l2_vs_adamw", "Weight decay: L2 or decoupled", ADAPTIVE,
        {"wd": "1"},
        "On the valley whose minimum is at (2, 0.2), Adam with an L2 term λ = 1 ends at (1, 0.1961), "
        "exactly the minimum of f + ½λ‖θ‖². AdamW with the same λ ends at (0.9283, 0.1793): its decay is "
        "not divided by √v̂, so it balances the gradient at another point.",
    ),
    Preset(
        "langevin_factor", "The Langevin density's factor 2", NOISE,
        {"particles": "10000", "steps": "500"},
        "10000 particles of noisy gradient descent (η = 0.01, s = 2) on x² + sin x settle with variance "
        "0.0084. The Langevin density exp(−2l/(η s²)) predicts 0.0082, and the iteration on its quadratic "
        "model 0.0083; the notes' exp(−l/σ²) predicts 0.0165, twice too wide.",
    ),
    Preset(
        "zeroth_order_k", "Gradients from function values", NOISE,
        {"directions": "16"},
        "At the quadratic's start the gradient is (−8.415, 9.575). 1000 forward gradients average to "
        "(−8.128, 9.065) with total variance 471.4 (theory (d + 1)‖∇f‖² = 487.5); zeroth-order estimates "
        "over K = 16 directions, from function values alone, have a total variance 16 times smaller: "
        "30.36 (theory 30.47).",
    ),
    Preset(
        "depth_notes", "Initialization through 50 layers", DEPTH,
        {"rules": "zeros"},
        "The notes' experiment: 50 ReLU layers of 500 units with weights of variance c/n. Per layer the "
        "mean square of the activations is multiplied by 0.5042 at c = 1, 1.008 at c = 2 and 1.513 at "
        "c = 3, as the variance argument's c/2 predicts (0.5, 1 and 1.5); after 50 layers their RMS is "
        "3.696·10⁻⁸, 1.24 and 31310. With all weights zero, every weight's gradient is exactly 0.",
    ),
    Preset(
        "bn_flat", "Batch normalization, step by step", BATCH_NORM,
        {"c": "1,2,3"},
        "Feature 1 of the batch is (1, 2, 3, 10): μ_B = 4 and σ²_B = 12.5 (the biased variance, divided by "
        "4, not 3), so x̂₁ = (−0.8485, −0.5657, −0.2828, 1.697). Through 50 normalized ReLU layers the "
        "activations end with RMS 0.7073 or 0.7074 for c = 1, 2 and 3 alike, while backward the mean "
        "square of the gradients grows by 1.431 per layer.",
    ),
    Preset(
        "lr_study_flow", "The learning-rate study, step by step", DESCENT,
        {"steps": "400"},
        "The notes' experiment on x² + sin x from x₀ = 2.5; the minimum is at x* ≈ −0.4502, where "
        "2x + cos x = 0. At lr 1 a step maps x to −x − cos x, and the run settles into an exact two-point "
        "cycle between −π/2 and π/2: there 1 − η·f″(x*) = −1.435, so the minimum pushes it away. lr 0.1 "
        "stays within 10⁻³ of x* from step 32 on, lr 0.01 only from step 355. The notes write this "
        "study for x + sin x, which has no minimum: there every learning rate slides toward the flat "
        "point at −π, and none bounces.",
    ),
    Preset(
        "ascent_local", "Gradient ascent finds a local maximum", DESCENT,
        {"landscape": "sin_minus_square", "lrs": "0.01,0.05", "steps": "100"},
        "Gradient ascent on 25 sin x − x² from x₀ = −2, as in the notes. At lr 0.01 and 0.05 alike it "
        "climbs to the peak at x ≈ −4.356 (f ≈ 4.454), a local maximum 18.26 below the global one at "
        "x ≈ 1.454 (f ≈ 22.72). Ascent only climbs, and the valley at −1.708 lies between. The map "
        "shows which runs do get there: 54 % of the starts (those right of the valley) at both learning "
        "rates, and none at lr 0.0825 or more, past 2/|f″| ≈ 0.0745 at the global peak, where the steps "
        "overshoot it.",
    ),
    Preset(
        "momentum_edge", "Momentum's stability edge", SWEEP,
        {"landscape": "quadratic", "opt": "momentum", "lrs": "0.001,1"},
        "On the quadratic with κ = 10, gradient descent diverges past lr 2/λ_max = 0.2. Momentum μ "
        "moves that edge to 2(1 + μ)/λ_max: the grey, diverged cells begin along that red line. The "
        "best cell, lr 0.2102 and μ 0.3194, lies within two cells of the heavy ball's theoretical "
        "optimum, lr 0.2309 and μ 0.2699.",
    ),
    Preset(
        "himmelblau_basins", "Who goes where on Himmelblau", BASINS,
        {"opt": "sgd,momentum", "o2.lr": "0.005", "o2.momentum": "0.9"},
        "Gradient descent sends every start to a minimum, each from its own region of the window. The "
        "heavy ball ends 24 % of the starts at another minimum than gradient descent: 10 % of those "
        "within 2.5 of the centre, 40 % of those beyond 4, where it arrives fast enough to overshoot "
        "into the next valley.",
    ),
    Preset(
        "tuned_race", "A tuned race on Rosenbrock", RACE, {"racers": "sgd,momentum,adam"},
        "Every optimizer gets the same budget of 64 settings. Plain SGD spends them all on its learning "
        "rate and ends at f − f* ≈ 0.0017, as close as Adam (0.0016 on an 8 × 8 grid of lr × β₁). "
        "Momentum's 64 settings are only 8 learning rates × 8 momenta, and none ends better than 1.2: "
        "a budget split over two axes is a coarse one.",
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
