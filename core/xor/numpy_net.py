"""The lesson's XOR network from scratch in NumPy: forward pass, hand-written backprop, training.

`SimpleNeuralNetwork`, `sigmoid` and `sigmoid_derivative` are the post's own code, imported from lesson/xor_numpy.py.
The page's options (activation, initialisation, biases, the derivative trap) live in the subclass `PlaygroundNet`;
`new_net` gives the lesson's class whenever the options are the lesson's, so the code shown on the page is the code
that runs. The post's sigmoid warns when exp overflows; the page's own code silences that where a run may diverge.
"""

import numpy as np

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
        self.A1 = X.dot(self.w1) + (0.0 if self.b1 is None else self.b1)
        self.H = ACTIVATIONS[self.activation][0](self.A1)
        self.A2 = self.H.dot(self.w2) + (0.0 if self.b2 is None else self.b2)
        self.Y_hat = sigmoid(self.A2)
        return self.Y_hat

    def backward(self, X, y, learning_rate):
        quantities = deltas(self, X, y)
        self.w2 += self.H.T.dot(quantities["output_delta"]) * learning_rate
        self.w1 += X.T.dot(quantities["hidden_delta"]) * learning_rate
        if self.b1 is not None:
            self.b2 += quantities["output_delta"].sum(axis=0, keepdims=True) * learning_rate
            self.b1 += quantities["hidden_delta"].sum(axis=0, keepdims=True) * learning_rate


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


def deltas(net: SimpleNeuralNetwork, X, y) -> dict:
    """The backward pass's quantities under the lesson's names, from the activations of the last forward()."""
    options = options_of(net)
    derivative = ACTIVATIONS[options["activation"]][1]
    trap = options["derivative_of"] == "pre_activation"
    output_error = y - net.Y_hat  # = −dC/dŷ, which is why backward() adds its updates
    output_delta = output_error * sigmoid_derivative(net.A2 if trap else net.Y_hat)
    hidden_error = output_delta.dot(net.w2.T)
    hidden_delta = hidden_error * derivative(net.A1 if trap else net.H)
    return {
        "output_error": output_error,
        "output_delta": output_delta,
        "hidden_error": hidden_error,
        "hidden_delta": hidden_delta,
    }


def gradients(net: SimpleNeuralNetwork, X, y) -> dict:
    """dC/dparam for C = ½·Σ(y − ŷ)²: the negated updates of backward() before the learning rate."""
    quantities = deltas(net, X, y)
    grads = {"w1": -X.T.dot(quantities["hidden_delta"]), "w2": -net.H.T.dot(quantities["output_delta"])}
    if getattr(net, "b1", None) is not None:
        grads["b1"] = -quantities["hidden_delta"].sum(axis=0, keepdims=True)
        grads["b2"] = -quantities["output_delta"].sum(axis=0, keepdims=True)
    return grads


def step_trace(net: SimpleNeuralNetwork, X, y, learning_rate) -> dict:
    """Take exactly one training step on `net` (forward, then its own backward) and return every quantity of it."""
    w1_before, w2_before = net.w1.copy(), net.w2.copy()
    net.forward(X)
    trace = {"A1": net.A1.copy(), "H": net.H.copy(), "A2": net.A2.copy(), "Y_hat": net.Y_hat.copy()}
    trace.update({name: value.copy() for name, value in deltas(net, X, y).items()})
    net.backward(X, y, learning_rate)
    trace.update(w1_before=w1_before, w2_before=w2_before, w1=net.w1.copy(), w2=net.w2.copy())
    return trace


def params_of(net: SimpleNeuralNetwork) -> dict:
    """Copies of the weights (and biases, None when the net has none)."""

    def copy(value):
        return None if value is None else value.copy()

    return {
        "w1": copy(net.w1),
        "b1": copy(getattr(net, "b1", None)),
        "w2": copy(net.w2),
        "b2": copy(getattr(net, "b2", None)),
    }


def cost(y, y_hat) -> float:
    """The page's one cost, the post's C = ½·Σ(y − ŷ)²: a sum over the points, the cost backward() descends."""
    return float(0.5 * np.sum((y - y_hat) ** 2))


def predict(params: dict, X, activation: str = "sigmoid"):
    """(hidden activations, outputs) of a 2-layer net given as a dict of weights; works on any batch of points."""
    act, _ = ACTIVATIONS[activation]
    a1 = X @ params["w1"] + (params["b1"] if params.get("b1") is not None else 0.0)
    z1 = act(a1)
    a2 = z1 @ params["w2"] + (params["b2"] if params.get("b2") is not None else 0.0)
    with np.errstate(over="ignore"):  # the post's sigmoid overflows to exactly 0 for a diverged net's huge inputs
        return z1, sigmoid(a2)


def correct(outputs, targets=Y_XOR) -> np.ndarray:
    """Per point: the output is on the target's side of 0.5. Exactly 0.5 is undecided and NaN is wrong."""
    outputs = np.asarray(outputs, dtype=np.float64).reshape(-1)
    positive = np.asarray(targets).reshape(-1) > 0.5
    return np.where(positive, outputs > 0.5, outputs < 0.5)


def solves_xor(outputs, targets=Y_XOR) -> bool:
    """All four outputs strictly on the right side of 0.5 (0.5 and NaN never count)."""
    return bool(np.all(correct(outputs, targets)))


def train(
    net: SimpleNeuralNetwork, X=X_XOR, y=Y_XOR, epochs: int = 10_000, learning_rate: float = 0.5, snapshots: int = 50
):
    """Full-batch training: one epoch is one update from all four points, as in the post. Yields a record at
    ~`snapshots` evenly spaced epochs, the last, and the first non-finite loss (then stops), each with the losses since
    the previous record."""
    every = max(1, epochs // max(1, snapshots))
    losses = []
    for epoch in range(epochs + 1):
        with np.errstate(all="ignore"):  # a diverging run is reported by its loss, not by warnings in the log
            outputs = net.forward(X)
        losses.append(cost(y, outputs))
        finite = np.isfinite(losses[-1])
        if epoch % every == 0 or epoch == epochs or not finite:
            yield {
                "epoch": epoch,
                "loss": losses[-1],
                "losses": losses,
                "params": params_of(net),
                "outputs": outputs.reshape(-1).copy(),
            }
            losses = []
            if not finite:
                return
        if epoch < epochs:
            with np.errstate(all="ignore"):
                net.backward(X, y, learning_rate)


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
) -> dict:
    """Train one net per seed at once, vectorised over the seeds; each equals new_net(seed=s) trained alone."""
    nets = [
        PlaygroundNet(X.shape[1], hidden_size, y.shape[1], seed=int(s), biases=biases, init=init, activation=activation)
        for s in seeds
    ]
    w1 = np.stack([n.w1 for n in nets])
    w2 = np.stack([n.w2 for n in nets])
    b1 = np.stack([n.b1 for n in nets]) if biases else 0.0
    b2 = np.stack([n.b2 for n in nets]) if biases else 0.0
    act, act_derivative = ACTIVATIONS[activation]
    positive = (y > 0.5).reshape(1, -1)
    first_solved = np.full(len(nets), -1)
    for epoch in range(epochs + 1):
        z1 = act(X @ w1 + b1)
        with np.errstate(over="ignore"):  # a net whose weights blew up is simply not solved: no warnings
            y_hat = sigmoid(z1 @ w2 + b2)
        out = y_hat[:, :, 0]
        solved = np.all(np.where(positive, out > 0.5, out < 0.5), axis=1)
        first_solved[(first_solved < 0) & solved] = epoch
        if epoch == epochs:
            break
        output_delta = (y - y_hat) * sigmoid_derivative(y_hat)
        hidden_delta = (output_delta @ w2.transpose(0, 2, 1)) * act_derivative(z1)
        w2 = w2 + learning_rate * (z1.transpose(0, 2, 1) @ output_delta)
        w1 = w1 + learning_rate * (X.T @ hidden_delta)
        if biases:
            b2 = b2 + learning_rate * output_delta.sum(axis=1, keepdims=True)
            b1 = b1 + learning_rate * hidden_delta.sum(axis=1, keepdims=True)
    return {
        "seeds": np.asarray(seeds),
        "w1": w1,
        "w2": w2,
        "outputs": out,
        "solved": solved,
        "epochs_to_solve": np.where(solved, first_solved, -1),
        "final_loss": 0.5 * np.sum((y - y_hat) ** 2, axis=(1, 2)),  # the post's C per net
    }
