"""The measured answers behind the Lesson page's predict-then-reveal moments (deterministic, so computed once)."""

import functools
from dataclasses import dataclass

import numpy as np

from core.xor import numpy_net as xor_numpy
from core.xor import torch_net as xor_torch
from core.xor.numpy_net import X_XOR, Y_XOR

SEEDS = range(100)
POST_EPOCHS, POST_LEARNING_RATE, POST_HIDDEN = 10_000, 0.5, 3
# CPU seconds, measured on the 2-core dev machine: 100 nets × 10,000 epochs (vectorised) 0.6 s a hidden size; the
# post's net trained twice for the derivative question 0.5 s.
SEEDS_SECONDS, DERIVATIVE_SECONDS = 0.8, 0.6


class Once:
    """A deterministic measurement, computed once per process for each argument; `ready` says whether it already
    was, so a page can skip the CPU gate for an answer that costs nothing to give again."""

    def __init__(self, compute):
        self.compute, self.values = compute, {}
        functools.update_wrapper(self, compute)

    def ready(self, *args) -> bool:
        return args in self.values

    def __call__(self, *args):
        if args not in self.values:
            self.values[args] = self.compute(*args)
        return self.values[args]


@dataclass(frozen=True)
class DerivativeAnswer:
    """At the start of training, per XOR point: the sigmoid's true slope at A2 and what each call would give."""

    a2: np.ndarray
    y_hat: np.ndarray
    true_slope: np.ndarray  # σ'(A2), by central finite differences of σ itself
    given_y_hat: np.ndarray  # sigmoid_derivative(self.Y_hat): the post's call
    given_a2: np.ndarray  # sigmoid_derivative(self.A2): the suspected fix
    trained_right: np.ndarray  # outputs after the post's 10,000 epochs with each call
    trained_wrong: np.ndarray
    wrong_ended_at: int  # the epoch the wrong call's training ended (its loss became NaN), or the last epoch


def _finite_slope(a: np.ndarray, h: float = 1e-6) -> np.ndarray:
    return (xor_numpy.sigmoid(a + h) - xor_numpy.sigmoid(a - h)) / (2 * h)


def _trained(seed: int, derivative_of: str) -> tuple[np.ndarray, int]:
    """(outputs, epoch) where the post's training of its net ended: after its 10,000 epochs, or where the loss
    became NaN. "pre_activation" gives every sigmoid_derivative the weighted input: A2 at the output, A1 in the
    hidden layer."""
    net = xor_numpy.new_net(POST_HIDDEN, seed=seed, derivative_of=derivative_of)
    records = list(xor_numpy.train(net, epochs=POST_EPOCHS, learning_rate=POST_LEARNING_RATE, snapshots=1))
    return records[-1].outputs, records[-1].epoch


@Once
def derivative_answer(seed: int = 0) -> DerivativeAnswer:
    """The post's Q&A measured on its own net (3 hidden units, np.random.rand weights for this seed)."""
    net = xor_numpy.new_net(POST_HIDDEN, seed=seed)
    net.forward(X_XOR)
    a2, y_hat = net.A2.reshape(-1), net.Y_hat.reshape(-1)
    right, _ = _trained(seed, "output")
    wrong, wrong_ended_at = _trained(seed, "pre_activation")
    return DerivativeAnswer(
        a2,
        y_hat,
        _finite_slope(a2),
        xor_numpy.sigmoid_derivative(y_hat),
        xor_numpy.sigmoid_derivative(a2),
        right,
        wrong,
        wrong_ended_at,
    )


@Once
def share_solved(hidden_size: int) -> float:
    """Of 100 random starts (np.random.rand weights, seeds 0–99), the share that solve XOR after the post's 10,000
    epochs at lr 0.5."""
    result = xor_numpy.train_many(hidden_size, SEEDS, epochs=POST_EPOCHS, learning_rate=POST_LEARNING_RATE)
    return float(np.mean(result.solved))


@Once
def mse_ratio(seed: int = 0) -> tuple[float, float]:
    """(smallest, largest) over every weight of MSELoss's gradient ÷ the post's hand-written one, at the start."""
    ratios = list(xor_torch.mse_gradient_ratio(xor_numpy.new_net(POST_HIDDEN, seed=seed)).values())
    return min(ratios), max(ratios)


def targets() -> np.ndarray:
    return Y_XOR.reshape(-1)


@dataclass(frozen=True)
class ShapeStep:
    code: str  # the post's expression for this step
    shape: tuple[int, ...]  # the tensor's shape after it, for one image
    parameters: int  # weights and biases this step learns


@Once
def fc1_size_without_pooling() -> int:
    """fc1's weights and biases if the two max-pools were left out: its input would be 64 × 28 × 28, not 64 × 7 × 7."""
    from core.cnn import CNN

    model = CNN()
    inputs = model.conv2.out_channels * 28 * 28
    return inputs * model.fc1.out_features + model.fc1.out_features


@Once
def cnn_shapes() -> list[ShapeStep]:
    """One 1×28×28 image through the post's CNN, step by step as its forward() writes it (shapes measured)."""
    import torch

    from core.cnn import CNN

    model = CNN().eval()
    steps = [
        ("x", lambda x: x, None),
        ("self.conv1(x)", model.conv1, model.conv1),
        ("self.relu(…)", model.relu, None),
        ("self.pool(…)", model.pool, None),
        ("self.conv2(x)", model.conv2, model.conv2),
        ("self.relu(…)", model.relu, None),
        ("self.pool(…)", model.pool, None),
        ("x.view(-1, 64 * 7 * 7)", lambda x: x.view(-1, 64 * 7 * 7), None),
        ("self.fc1(x)", model.fc1, model.fc1),
        ("self.relu(…)", model.relu, None),
        ("self.fc2(x)", model.fc2, model.fc2),
    ]
    x, shapes = torch.zeros(1, 1, 28, 28), []
    with torch.no_grad():
        for code, step, layer in steps:
            x = step(x)
            learned = sum(p.numel() for p in layer.parameters()) if layer is not None else 0
            shapes.append(ShapeStep(code, tuple(x.shape[1:]), learned))
    return shapes
