"""Signals through depth: how the size of activations and of backpropagated gradients changes layer
by layer in a deep fully connected network at initialization (pure NumPy).

The variance argument (Glorot and Bengio 2010; He et al. 2015): with ``z = W h`` and weights of
variance ``c/n`` (``n`` the fan-in), ``E[z²] = c·E[h²]``. ReLU keeps half of a symmetric ``z``'s second
moment, ``E[relu(z)²] = E[z²]/2``, so each layer multiplies the mean squared activation by ``c/2``:
``c = 2`` (Kaiming) keeps it flat, ``c = 1`` halves it per layer, ``c = 3`` multiplies it by 1.5.
Backward, ``∂L/∂h_{l−1} = Wᵀ(∂L/∂h_l ⊙ relu′(z_l))`` scales the mean squared gradient by the same
``c/2`` per layer. With all weights zero every activation after the first layer is zero and so is
every weight's gradient: nothing breaks the symmetry.

Batch normalization (Ioffe and Szegedy 2015), in training mode, rescales each pre-activation over
the mini-batch to mean 0 and variance 1 before the activation, which undoes the factor ``c``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import Activation
from .init import weight_variance

#: Batch normalization's ε (torch.nn.BatchNorm1d's default).
BN_EPS = 1e-5


def batch_norm(z: np.ndarray, gamma: np.ndarray | float = 1.0, beta: np.ndarray | float = 0.0,
               eps: float = BN_EPS) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Training-mode batch normalization of ``z`` ``(batch, features)`` over the batch, per feature:
    ``γ (z − μ_B)/√(σ²_B + ε) + β`` with the biased variance ``σ²_B``. Returns the output and what the
    backward pass needs (``mean``, ``var``, ``normalized``)."""
    mean = z.mean(axis=0)
    var = z.var(axis=0)  # biased: divided by the batch size, as in training mode
    normalized = (z - mean) / np.sqrt(var + eps)
    return gamma * normalized + beta, {"mean": mean, "var": var, "normalized": normalized}


def batch_norm_backward(grad_out: np.ndarray, cache: dict[str, np.ndarray], gamma: np.ndarray | float = 1.0,
                        eps: float = BN_EPS) -> np.ndarray:
    """The gradient with respect to batch normalization's input, given the gradient of its output."""
    normalized, var = cache["normalized"], cache["var"]
    g = grad_out * gamma
    return (g - g.mean(axis=0) - normalized * (g * normalized).mean(axis=0)) / np.sqrt(var + eps)


@dataclass(frozen=True)
class DepthProfile:
    """One network at initialization: per layer, the root mean square of the activations (layer 0 is
    the input), of the gradients with respect to them, and the norm of each weight matrix's gradient."""

    activation_rms: np.ndarray  # (depth + 1,)
    gradient_rms: np.ndarray  # (depth + 1,)
    weight_grad_norm: np.ndarray  # (depth,)

    def factor_per_layer(self, which: str = "activation") -> float:
        """The geometric-mean factor by which the mean *square* changes per layer, from layer 1 to
        the last (activations forward; gradients backward)."""
        rms = self.activation_rms if which == "activation" else self.gradient_rms[::-1]
        values = rms[1:]
        if len(values) < 2 or values[0] <= 0 or not np.isfinite(values).all() or values[-1] <= 0:
            return float("nan")
        return float((values[-1] / values[0]) ** (2.0 / (len(values) - 1)))


def depth_profiles(act: Activation, configs: list[tuple[str, float]], depth: int, width: int,
                   batch: int = 128, *, bn: bool = False, seed: int = 0) -> list[DepthProfile]:
    """:func:`depth_profile` for each ``(rule, c)`` of ``configs``, on common random numbers: the same
    inputs, the same output gradient, and one draw of standard normal (and, if needed, uniform)
    weights that each rule scales to its variance, so the rules differ only in what they change."""
    rng = np.random.default_rng(seed)
    h0 = rng.standard_normal((batch, width))
    out_grad = rng.standard_normal((batch, width))
    draws: dict[str, np.ndarray] = {}

    def base(kind: str) -> np.ndarray:
        if kind not in draws:  # float32 draws: half the time of float64, for the largest cost here
            draws[kind] = (rng.standard_normal((depth, width, width), dtype=np.float32) if kind == "normal"
                           else rng.uniform(-1.0, 1.0, (depth, width, width)).astype(np.float32))
        return draws[kind]

    profiles = []
    for rule, c in configs:
        variance = weight_variance(rule, width, width, c)
        if variance == 0.0:
            weights = np.zeros((depth, width, width), dtype=np.float32)
            scale = 0.0
        elif rule == "xavier_uniform":
            weights, scale = base("uniform"), float(np.sqrt(3.0 * variance))
        else:
            weights, scale = base("normal"), float(np.sqrt(variance))
        profiles.append(_profile(act, [w for w in weights], scale, h0, out_grad, bn))
    return profiles


def depth_profile(act: Activation, rule: str, depth: int, width: int, batch: int = 128, *, c: float = 2.0,
                  bn: bool = False, seed: int = 0) -> DepthProfile:
    """Forward ``batch`` standard Gaussian inputs through ``depth`` layers of ``width`` units (no biases,
    weights by ``rule``), then backpropagate a standard Gaussian gradient from the last layer."""
    return depth_profiles(act, [(rule, c)], depth, width, batch, bn=bn, seed=seed)[0]


def _profile(act: Activation, weights: list[np.ndarray], scale: float, h: np.ndarray, out_grad: np.ndarray,
             bn: bool) -> DepthProfile:
    acts, pres, caches, used = [h], [], [], []
    with np.errstate(all="ignore"):
        for base in weights:
            w = base.astype(np.float64) * scale
            used.append(w)
            z = h @ w.T
            cache = None
            if bn:
                z, cache = batch_norm(z)
            pres.append(z)
            caches.append(cache)
            h = act.f(z)
            acts.append(h)
        grad = out_grad
        grads = [grad]
        weight_grads = []
        for w, z, cache, h_prev in zip(used[::-1], pres[::-1], caches[::-1], acts[-2::-1], strict=True):
            dz = grad * act.df(z)
            if cache is not None:
                dz = batch_norm_backward(dz, cache)
            # ‖dzᵀh‖_F² = Σ (dz dzᵀ) ⊙ (h hᵀ): batch × batch products, cheaper than the width² matrix
            weight_grads.append(float(np.sqrt(max(np.sum((dz @ dz.T) * (h_prev @ h_prev.T)), 0.0))))
            grad = dz @ w
            grads.append(grad)

    def rms(a: np.ndarray) -> float:
        return float(np.sqrt(np.mean(a * a)))

    return DepthProfile(np.array([rms(a) for a in acts]), np.array([rms(g) for g in grads[::-1]]),
                        np.array(weight_grads[::-1]))
