"""The lesson's XOR network from scratch in NumPy: forward pass, hand-written backprop, training.

`SimpleNeuralNetwork`, `sigmoid` and `sigmoid_derivative` are the post's own code, imported from lesson/xor_numpy.py.
The page's options (activation, initialisation, biases, the derivative trap) live in the subclass `PlaygroundNet`;
`new_net` gives the lesson's class whenever the options are the lesson's, so the code shown on the page is the code
that runs. The post's sigmoid warns when exp overflows; the page's own code silences that where a run may diverge.
"""

from dataclasses import dataclass

import numpy as np

from core.xor.features import expand
from lesson.xor_numpy import SimpleNeuralNetwork, sigmoid, sigmoid_derivative

X_XOR = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
Y_XOR = np.array([[0], [1], [1], [0]], dtype=np.float64)
HIDDEN_SIZE = 3  # the post's hidden_size in both of its programs
INIT_SCHEMES = ("rand", "uniform", "xavier")
DERIVATIVE_OF = ("output", "pre_activation")
TRACE_KEYS = (
    "A1",
    "H",
    "A2",
    "Y_hat",
    "output_error",
    "output_delta",
    "hidden_error",
    "hidden_delta",
    "w1_before",
    "w2_before",
    "w1",
    "w2",
)


def tanh_derivative(y):
    """tanh'(x) in terms of the output y = tanh(x): 1 − y²."""
    return 1.0 - y * y


def relu(x):
    return np.maximum(x, 0.0)


def relu_derivative(y):
    """relu'(x) in terms of the output y = relu(x): 1 where y > 0."""
    return (y > 0).astype(np.asarray(y).dtype)


ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_derivative),
    "tanh": (np.tanh, tanh_derivative),
    "relu": (relu, relu_derivative),
}


def initial_weights(rng, shape, scheme: str = "rand") -> np.ndarray:
    """'rand': the lesson's np.random.rand, U[0, 1); 'uniform': U[−1, 1); 'xavier': Glorot uniform."""
    if scheme == "rand":
        return rng.rand(*shape)
    if scheme == "uniform":
        return 2.0 * rng.rand(*shape) - 1.0
    if scheme == "xavier":
        limit = np.sqrt(6.0 / (shape[0] + shape[1]))
        return limit * (2.0 * rng.rand(*shape) - 1.0)
    raise ValueError(f"unknown init scheme {scheme!r}; choose one of {INIT_SCHEMES}")


@dataclass(frozen=True)
class Params:
    """A 2-layer net's weights (and biases, None when it has none). Stacked nets add a leading axis to each."""

    w1: np.ndarray
    w2: np.ndarray
    b1: np.ndarray | None = None
    b2: np.ndarray | None = None
    features: tuple[str, ...] = ()  # the extra inputs after x1 and x2 (core.xor.features)

    def weights(self) -> tuple:
        return self.w1, self.w2, self.b1, self.b2

    def stepped(self, update: "Params", learning_rate: float) -> "Params":
        """These weights after one step of the post's `+= update * learning_rate` (update: core's `updates`)."""
        pairs = zip(self.weights(), update.weights())
        moved = [None if value is None else value + learning_rate * change for value, change in pairs]
        return Params(*moved, features=self.features)

    def copy(self) -> "Params":
        return Params(*(None if value is None else value.copy() for value in self.weights()), features=self.features)


@dataclass(frozen=True)
class Forward:
    """What one forward pass computed, under the post's names."""

    A1: np.ndarray
    H: np.ndarray
    A2: np.ndarray
    Y_hat: np.ndarray


@dataclass(frozen=True)
class Deltas:
    """The backward pass's quantities under the post's names."""

    output_error: np.ndarray
    output_delta: np.ndarray
    hidden_error: np.ndarray
    hidden_delta: np.ndarray


def forward_pass(X, params: Params, activation: str = "sigmoid") -> Forward:
    """The post's forward pass, for any batch of points; with stacked weights (nets, ...) for many nets at once."""
    A1 = X @ params.w1 + (0.0 if params.b1 is None else params.b1)
    H = ACTIVATIONS[activation][0](A1)
    A2 = H @ params.w2 + (0.0 if params.b2 is None else params.b2)
    Y_hat = sigmoid(A2)
    return Forward(A1, H, A2, Y_hat)


def deltas(y, forward: Forward, w2, activation: str = "sigmoid", derivative_of: str = "output") -> Deltas:
    """The post's backward quantities from a forward pass; "pre_activation" is the lesson's trap (σ' given A)."""
    derivative = ACTIVATIONS[activation][1]
    trap = derivative_of == "pre_activation"
    output_error = y - forward.Y_hat  # = −dC/dŷ, which is why the updates are added
    output_delta = output_error * sigmoid_derivative(forward.A2 if trap else forward.Y_hat)
    hidden_error = output_delta @ T(w2)
    hidden_delta = hidden_error * derivative(forward.A1 if trap else forward.H)
    return Deltas(output_error, output_delta, hidden_error, hidden_delta)


def T(a: np.ndarray) -> np.ndarray:
    """a.T, the post's transpose; for nets stacked along the first axis, each net's own."""
    return np.swapaxes(a, -1, -2)


def updates(X, forward: Forward, quantities: Deltas, biases: bool) -> Params:
    """What the post's backward adds to each weight before the learning rate: H.T·output_delta to w2 and
    X.T·hidden_delta to w1 (and the deltas summed over the points to the biases). Adding is gradient descent, because
    output_error = y − ŷ = −dC/dŷ."""
    output_delta, hidden_delta = quantities.output_delta, quantities.hidden_delta
    if not biases:
        return Params(T(X) @ hidden_delta, T(forward.H) @ output_delta)
    return Params(
        T(X) @ hidden_delta,
        T(forward.H) @ output_delta,
        hidden_delta.sum(axis=-2, keepdims=True),
        output_delta.sum(axis=-2, keepdims=True),
    )


class PlaygroundNet(SimpleNeuralNetwork):
    """The lesson's net with the page's options: hidden activation, initialisation, biases, and the derivative trap."""

    def __init__(
        self,
        input_size: int = 2,
        hidden_size: int = HIDDEN_SIZE,
        output_size: int = 1,
        seed=None,
        biases: bool = False,
        init: str = "rand",
        activation: str = "sigmoid",
        derivative_of: str = "output",
    ):
        if hidden_size < 1:
            raise ValueError("hidden_size must be at least 1")
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}; choose one of {tuple(ACTIVATIONS)}")
        if derivative_of not in DERIVATIVE_OF:
            raise ValueError("derivative_of must be 'output' (right) or 'pre_activation' (the lesson's trap)")
        rng = np.random if seed is None else np.random.RandomState(seed)
        self.w1 = initial_weights(rng, (input_size, hidden_size), init)
        self.w2 = initial_weights(rng, (hidden_size, output_size), init)
        self.b1 = np.zeros((1, hidden_size)) if biases else None
        self.b2 = np.zeros((1, output_size)) if biases else None
        self.activation = activation
        self.derivative_of = derivative_of

    def forward(self, X):
        done = forward_pass(X, params_of(self), self.activation)
        self.A1, self.H, self.A2, self.Y_hat = done.A1, done.H, done.A2, done.Y_hat
        return self.Y_hat

    def backward(self, X, y, learning_rate):
        step = updates(X, forward_of(self), net_deltas(self, y), self.b1 is not None)
        self.w2 += step.w2 * learning_rate
        self.w1 += step.w1 * learning_rate
        if self.b1 is not None:
            self.b2 += step.b2 * learning_rate
            self.b1 += step.b1 * learning_rate


def new_net(
    hidden_size: int = HIDDEN_SIZE,
    seed=None,
    biases: bool = False,
    init: str = "rand",
    activation: str = "sigmoid",
    derivative_of: str = "output",
    input_size: int = 2,
    output_size: int = 1,
) -> SimpleNeuralNetwork:
    """The lesson's class when the options are the lesson's (seeded like np.random.RandomState(seed).rand), else a
    PlaygroundNet."""
    net = PlaygroundNet(
        input_size,
        hidden_size,
        output_size,
        seed=seed,
        biases=biases,
        init=init,
        activation=activation,
        derivative_of=derivative_of,
    )
    if biases or init != "rand" or activation != "sigmoid" or derivative_of != "output":
        return net
    lesson = SimpleNeuralNetwork.__new__(SimpleNeuralNetwork)  # skip the constructor's unseeded draw
    lesson.w1, lesson.w2 = net.w1, net.w2
    return lesson


def options_of(net: SimpleNeuralNetwork) -> dict:
    """The page options a net was built with; the lesson's class has the lesson's."""
    return {
        "activation": getattr(net, "activation", "sigmoid"),
        "derivative_of": getattr(net, "derivative_of", "output"),
        "biases": getattr(net, "b1", None) is not None,
    }


def params_of(net: SimpleNeuralNetwork) -> Params:
    """The net's weights (and biases) now, as the arrays it holds: `.copy()` to keep them."""
    return Params(net.w1, net.w2, getattr(net, "b1", None), getattr(net, "b2", None), getattr(net, "features", ()))


def forward_of(net: SimpleNeuralNetwork) -> Forward:
    """The activations of the net's last forward()."""
    return Forward(net.A1, net.H, net.A2, net.Y_hat)


def net_deltas(net: SimpleNeuralNetwork, y) -> Deltas:
    """The backward pass's quantities of the net's last forward(), with the net's own options."""
    options = options_of(net)
    return deltas(y, forward_of(net), net.w2, options["activation"], options["derivative_of"])


def gradients(net: SimpleNeuralNetwork, X, y) -> dict:
    """name → dC/dparam for C = ½·Σ(y − ŷ)², from the net's last forward(): the negated updates of backward()
    before the learning rate."""
    found = updates(X, forward_of(net), net_deltas(net, y), options_of(net)["biases"])
    return {name: -value for name, value in zip(("w1", "w2", "b1", "b2"), found.weights()) if value is not None}


def step_trace(net: SimpleNeuralNetwork, X, y, learning_rate) -> dict:
    """Take exactly one training step on `net` (forward, then its own backward) and return every quantity of it."""
    w1_before, w2_before = net.w1.copy(), net.w2.copy()
    net.forward(X)
    trace = {name: value.copy() for name, value in vars(forward_of(net)).items()}
    trace.update({name: value.copy() for name, value in vars(net_deltas(net, y)).items()})
    net.backward(X, y, learning_rate)
    trace.update(w1_before=w1_before, w2_before=w2_before, w1=net.w1.copy(), w2=net.w2.copy())
    return trace


def cost(y, y_hat) -> float:
    """The page's one cost, the post's C = ½·Σ(y − ŷ)²: a sum over the points, the cost backward() descends."""
    return float(0.5 * np.sum((y - y_hat) ** 2))


def predict(params: Params, X, activation: str = "sigmoid"):
    """(hidden activations, outputs) of a 2-layer net for any batch of points (x1, x2) of the input square; the
    net's extra inputs, if any, are computed from them."""
    with np.errstate(over="ignore"):  # the post's sigmoid overflows to exactly 0 for a diverged net's huge inputs
        done = forward_pass(expand(X, params.features), params, activation)
    return done.H, done.Y_hat


def correct(outputs, targets=Y_XOR) -> np.ndarray:
    """Per point: the output is on the target's side of 0.5. Exactly 0.5 is undecided and NaN is wrong. Stacked nets'
    outputs (nets, points, 1) give one row per net."""
    outputs = np.asarray(outputs, dtype=np.float64)
    if outputs.ndim > 1 and outputs.shape[-1] == 1:  # a column of outputs, as forward() gives
        outputs = outputs[..., 0]
    positive = np.asarray(targets).reshape(-1) > 0.5
    return np.where(positive, outputs > 0.5, outputs < 0.5)


def solves_xor(outputs, targets=Y_XOR) -> bool:
    """All four outputs strictly on the right side of 0.5 (0.5 and NaN never count)."""
    return bool(np.all(correct(outputs, targets)))


@dataclass(frozen=True)
class Record:
    """One moment of a training run: the loss before this epoch's update, the per-epoch losses since the previous
    record (this one's last), the weights and the outputs for the training points."""

    epoch: int
    loss: float
    losses: list
    params: Params
    outputs: np.ndarray


def train(
    net: SimpleNeuralNetwork,
    X=X_XOR,
    y=Y_XOR,
    epochs: int = 10_000,
    learning_rate: float = 0.5,
    snapshots: int = 50,
    averaged: bool = False,
):
    """Full-batch training: one epoch is one update from all the points, as in the post. Yields a Record at
    ~`snapshots` evenly spaced epochs, the last, and the first non-finite loss (then stops). `averaged` divides the
    cost, and so each step, by the number of points (C = ½·Σ(y − ŷ)²/n), so one learning rate suits 4 or 1,000."""
    scale = 1.0 / len(X) if averaged else 1.0
    every = max(1, epochs // max(1, snapshots))
    losses = []
    for epoch in range(epochs + 1):
        with np.errstate(all="ignore"):  # a diverging run is reported by its loss, not by warnings in the log
            outputs = net.forward(X)
        losses.append(scale * cost(y, outputs))
        finite = np.isfinite(losses[-1])
        if epoch % every == 0 or epoch == epochs or not finite:
            yield Record(epoch, losses[-1], losses, params_of(net).copy(), outputs.reshape(-1).copy())
            losses = []
            if not finite:
                return
        if epoch < epochs:
            with np.errstate(all="ignore"):
                net.backward(X, y, learning_rate * scale)


@dataclass(frozen=True)
class ManySeeds:
    """Nets trained side by side, one per seed: their final weights and outputs, whether and when each solved."""

    seeds: np.ndarray
    params: Params  # stacked: a leading axis of one net per seed
    outputs: np.ndarray  # (seeds, points)
    solved: np.ndarray
    epochs_to_solve: np.ndarray  # −1 where not solved
    final_loss: np.ndarray  # the post's C per net


def _stacked(nets: list, biases: bool) -> Params:
    def stack(name: str) -> np.ndarray:
        return np.stack([getattr(net, name) for net in nets])

    return Params(stack("w1"), stack("w2"), stack("b1") if biases else None, stack("b2") if biases else None)


def train_many(
    hidden_size: int,
    seeds,
    epochs: int = 10_000,
    learning_rate: float = 0.5,
    biases: bool = False,
    init: str = "rand",
    activation: str = "sigmoid",
    X=X_XOR,
    y=Y_XOR,
) -> ManySeeds:
    """Train one net per seed at once, vectorised over the seeds; each equals new_net(seed=s) trained alone."""
    nets = [
        PlaygroundNet(X.shape[1], hidden_size, y.shape[1], seed=int(s), biases=biases, init=init, activation=activation)
        for s in seeds
    ]
    params = _stacked(nets, biases)
    first_solved = np.full(len(nets), -1)
    for epoch in range(epochs + 1):
        with np.errstate(over="ignore"):  # a net whose weights blew up is simply not solved: no warnings
            done = forward_pass(X, params, activation)
        solved = np.all(correct(done.Y_hat, y), axis=1)
        first_solved[(first_solved < 0) & solved] = epoch
        if epoch == epochs:
            break
        params = params.stepped(updates(X, done, deltas(y, done, params.w2, activation), biases), learning_rate)
    return ManySeeds(
        np.asarray(seeds),
        params,
        done.Y_hat[:, :, 0],
        solved,
        np.where(solved, first_solved, -1),
        0.5 * np.sum((y - done.Y_hat) ** 2, axis=(1, 2)),
    )
