"""A fully connected network's training loss as a landscape over its flattened parameters, batched over
particles, so that :func:`optimizers.run` trains many networks at once and a slice through weight space
is one batched evaluation.

Parameters are laid out layer by layer, each layer's weights ``(out, in)`` row by row and then its
biases ``(out,)``. Value and gradient are exact: the gradient is backpropagation, written out for a
batch of parameter vectors ``(particles, parameters)`` with ``einsum``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .activations import Activation, activation
from .depth import BN_EPS
from .init import init_weights


@dataclass(frozen=True)
class Layer:
    """Where one layer's weights and biases sit in the flat parameter vector."""

    fan_in: int
    fan_out: int
    start: int
    norm: bool = False  # batch normalization after the weights: then a scale γ and a shift β per unit

    @property
    def weights(self) -> slice:
        return slice(self.start, self.start + self.fan_in * self.fan_out)

    @property
    def biases(self) -> slice:
        end = self.start + self.fan_in * self.fan_out
        return slice(end, end + self.fan_out)

    @property
    def gamma(self) -> slice:
        return slice(self.biases.stop, self.biases.stop + self.fan_out)

    @property
    def beta(self) -> slice:
        return slice(self.gamma.stop, self.gamma.stop + self.fan_out)

    @property
    def size(self) -> int:
        return self.fan_out * (self.fan_in + 1 + (2 if self.norm else 0))


def _layers(sizes: tuple[int, ...], batch_norm: bool = False) -> tuple[Layer, ...]:
    layers, start = [], 0
    last = len(sizes) - 2
    for k, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(Layer(fan_in, fan_out, start, norm=batch_norm and k < last))
        start += layers[-1].size
    return tuple(layers)


@dataclass
class MLPLandscape:
    """The mean training loss of an MLP ``sizes[0] → … → sizes[-1]`` on ``(X, y)``.

    ``loss="cross_entropy"`` is softmax cross-entropy on the last layer's outputs (integer classes
    ``y``); ``loss="mse"`` is ``½‖output − one_hot(y)‖²``, averaged over the samples. Hidden layers use
    ``act``; the output layer is linear. With ``batch_norm`` every hidden layer normalizes its
    pre-activations over the data (training mode, biased variance, ε = 10⁻⁵) and applies its own γ and β
    per unit before the activation; on other inputs (:meth:`outputs` with ``X``) it uses the training
    data's statistics, which is what eval mode converges to under full-batch training.
    """

    X: np.ndarray
    y: np.ndarray
    sizes: tuple[int, ...]
    act: Activation = field(default_factory=lambda: activation("relu"))
    loss: str = "cross_entropy"
    batch_norm: bool = False

    def __post_init__(self) -> None:
        if self.loss not in ("cross_entropy", "mse"):
            raise ValueError(f"loss is cross_entropy or mse, not {self.loss!r}")
        self.X = np.asarray(self.X, dtype=np.float64)
        self.y = np.asarray(self.y, dtype=np.int64)
        self.layers = _layers(tuple(int(s) for s in self.sizes), self.batch_norm)
        self.dim = sum(layer.size for layer in self.layers)
        self.targets = np.eye(self.sizes[-1])[self.y]

    # --- parameters ------------------------------------------------------------------------------------

    def unflatten(self, theta: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """``(W, b)`` per layer for a batch ``(particles, dim)``: ``W (particles, out, in)`` and
        ``b (particles, out)``."""
        theta = np.asarray(theta, dtype=np.float64)
        out = []
        for layer in self.layers:
            w = theta[:, layer.weights].reshape(-1, layer.fan_out, layer.fan_in)
            out.append((w, theta[:, layer.biases]))
        return out

    def initial(self, rule: str = "kaiming", seed: int = 0, c: float = 2.0) -> np.ndarray:
        """A parameter vector with weights drawn by ``rule`` and zero biases."""
        rng = np.random.default_rng(seed)
        theta = np.zeros(self.dim)
        for layer in self.layers:
            theta[layer.weights] = init_weights(rule, layer.fan_in, layer.fan_out, rng, c=c).ravel()
            if layer.norm:
                theta[layer.gamma] = 1.0
        return theta

    # --- the landscape protocol ------------------------------------------------------------------------

    def _forward(self, theta: np.ndarray, X: np.ndarray,
                 stats: list | None = None) -> tuple[np.ndarray, list]:
        """Outputs and, per layer, ``(input, pre-activation, W, normalization cache)``; ``stats`` are the
        batch statistics to use instead of the inputs' own (per normalized layer, ``(mean, var)``)."""
        h = np.broadcast_to(X, (theta.shape[0],) + X.shape)
        cache = []
        params = self.unflatten(theta)
        for k, ((w, b), layer) in enumerate(zip(params, self.layers, strict=True)):
            z = np.einsum("pni,poi->pno", h, w, optimize=True) + b[:, None, :]
            norm = None
            if layer.norm:
                if stats is None:
                    mean, var = z.mean(axis=1, keepdims=True), z.var(axis=1, keepdims=True)
                else:
                    mean, var = stats[k]
                normalized = (z - mean) / np.sqrt(var + BN_EPS)
                norm = {"mean": mean, "var": var, "normalized": normalized}
                z = theta[:, layer.gamma][:, None, :] * normalized + theta[:, layer.beta][:, None, :]
            cache.append((h, z, w, norm))
            h = z if k == len(params) - 1 else self.act.f(z)
        return h, cache

    def outputs(self, theta: np.ndarray, X: np.ndarray | None = None) -> np.ndarray:
        """The last layer's outputs ``(particles, samples, classes)`` on ``X`` (default: the data)."""
        theta = np.atleast_2d(np.asarray(theta, dtype=np.float64))
        with np.errstate(all="ignore"):
            if X is None:
                return self._forward(theta, self.X)[0]
            stats = None
            if self.batch_norm:  # the training data's statistics, as in eval mode
                stats = [None if c[3] is None else (c[3]["mean"], c[3]["var"])
                         for c in self._forward(theta, self.X)[1]]
            return self._forward(theta, np.asarray(X, dtype=np.float64), stats)[0]

    def _loss_and_seed(self, out: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n = out.shape[1]
        if self.loss == "mse":
            diff = out - self.targets
            return 0.5 * np.sum(diff * diff, axis=(1, 2)) / n, diff / n
        top = out.max(axis=2, keepdims=True)
        shifted = out - top
        log_norm = np.log(np.exp(shifted).sum(axis=2, keepdims=True))
        log_p = shifted - log_norm
        picked = np.take_along_axis(log_p, self.y[None, :, None], axis=2)[..., 0]
        return -picked.mean(axis=1), (np.exp(log_p) - self.targets) / n

    def value_and_grad(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Loss ``(particles,)`` and gradient ``(particles, dim)`` by backpropagation."""
        theta = np.atleast_2d(np.asarray(x, dtype=np.float64))
        with np.errstate(all="ignore"):
            out, cache = self._forward(theta, self.X)
            value, dz = self._loss_and_seed(out)
            grad = np.empty_like(theta)
            for k in range(len(self.layers) - 1, -1, -1):
                layer, (h, z, w, norm) = self.layers[k], cache[k]
                if k < len(self.layers) - 1:
                    dz = dz * self.act.df(z)
                if norm is not None:  # back through γ x̂ + β and the normalization over the samples
                    x_hat = norm["normalized"]
                    grad[:, layer.gamma] = np.sum(dz * x_hat, axis=1)
                    grad[:, layer.beta] = dz.sum(axis=1)
                    g = dz * theta[:, layer.gamma][:, None, :]
                    dz = (g - g.mean(axis=1, keepdims=True)
                          - x_hat * (g * x_hat).mean(axis=1, keepdims=True)) / np.sqrt(norm["var"] + BN_EPS)
                weights = np.einsum("pno,pni->poi", dz, h, optimize=True)
                grad[:, layer.weights] = weights.reshape(len(theta), -1)
                grad[:, layer.biases] = dz.sum(axis=1)
                if k:
                    dz = np.einsum("pno,poi->pni", dz, w, optimize=True)
        return value.reshape(np.shape(x)[:-1]), grad.reshape(np.shape(x))

    def __call__(self, x: np.ndarray) -> np.ndarray:
        theta = np.atleast_2d(np.asarray(x, dtype=np.float64))
        with np.errstate(all="ignore"):
            value = self._loss_and_seed(self._forward(theta, self.X)[0])[0]
        return value.reshape(np.shape(x)[:-1])

    def grad(self, x: np.ndarray) -> np.ndarray:
        return self.value_and_grad(x)[1]

    def accuracy(self, theta: np.ndarray) -> np.ndarray:
        """The share of samples each parameter vector classifies right."""
        return np.mean(np.argmax(self.outputs(theta), axis=2) == self.y[None, :], axis=1)
