"""The lesson's XOR network from scratch in NumPy: forward pass, hand-written backprop, training."""
import numpy as np

X_XOR = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
Y_XOR = np.array([[0], [1], [1], [0]], dtype=np.float64)
INIT_SCHEMES = ("rand", "uniform", "xavier")


def sigmoid(x):
    """σ(x) = 1 / (1 + e^(−x))."""
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-x))


def sigmoid_derivative(y):
    """σ'(x) written in terms of the sigmoid's OUTPUT y = σ(x): σ'(x) = y·(1 − y)."""
    return y * (1.0 - y)


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


def predict(params: dict, X, activation: str = "sigmoid"):
    """(hidden activations, outputs) of a 2-layer net given as a dict of weights; works on any batch of points."""
    act, _ = ACTIVATIONS[activation]
    a1 = X @ params["w1"] + (params["b1"] if params.get("b1") is not None else 0.0)
    z1 = act(a1)
    a2 = z1 @ params["w2"] + (params["b2"] if params.get("b2") is not None else 0.0)
    return z1, sigmoid(a2)


def solves_xor(outputs, targets=Y_XOR) -> bool:
    """All four outputs on the right side of 0.5."""
    return bool(np.all((np.asarray(outputs).reshape(-1) > 0.5) == (np.asarray(targets).reshape(-1) > 0.5)))


class SimpleNeuralNetwork:
    """2 → hidden → 1 network; the defaults are the lesson's: no biases, np.random.rand weights, sigmoid."""

    def __init__(self, input_size: int = 2, hidden_size: int = 2, output_size: int = 1, seed=None,
                 biases: bool = False, init: str = "rand", activation: str = "sigmoid", derivative_of: str = "output"):
        if hidden_size < 1:
            raise ValueError("hidden_size must be at least 1")
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}; choose one of {tuple(ACTIVATIONS)}")
        if derivative_of not in ("output", "pre_activation"):
            raise ValueError("derivative_of must be 'output' (right) or 'pre_activation' (the lesson's trap)")
        rng = np.random if seed is None else np.random.RandomState(seed)
        self.w1 = initial_weights(rng, (input_size, hidden_size), init)
        self.w2 = initial_weights(rng, (hidden_size, output_size), init)
        self.b1 = np.zeros((1, hidden_size)) if biases else None
        self.b2 = np.zeros((1, output_size)) if biases else None
        self.activation = activation
        self.derivative_of = derivative_of

    def params(self) -> dict:
        """Copies of the weights (and biases, when used)."""
        return {name: None if value is None else value.copy()
                for name, value in (("w1", self.w1), ("b1", self.b1), ("w2", self.w2), ("b2", self.b2))}

    def forward(self, X):
        """A1 = X·w1, Z1 = f(A1), A2 = Z1·w2, Ŷ = σ(A2); keeps each for backward."""
        act, _ = ACTIVATIONS[self.activation]
        self.A1 = X @ self.w1 + (self.b1 if self.b1 is not None else 0.0)
        self.Z1 = act(self.A1)
        self.A2 = self.Z1 @ self.w2 + (self.b2 if self.b2 is not None else 0.0)
        self.Y_hat = sigmoid(self.A2)
        return self.Y_hat

    def gradients(self, X, y) -> dict:
        """dC/dparam for C = ½·Σ(y − ŷ)², by the chain rule, using the activations of the last forward()."""
        _, act_derivative = ACTIVATIONS[self.activation]
        output_in, hidden_in = (self.Y_hat, self.Z1) if self.derivative_of == "output" else (self.A2, self.A1)
        error = y - self.Y_hat                                           # −dC/dŶ
        output_delta = error * sigmoid_derivative(output_in)             # −dC/dA2 = −dC/dŶ · dŶ/dA2
        hidden_error = output_delta @ self.w2.T                          # −dC/dZ1 = −dC/dA2 · dA2/dZ1
        hidden_delta = hidden_error * act_derivative(hidden_in)          # −dC/dA1 = −dC/dZ1 · dZ1/dA1
        grads = {"w2": -(self.Z1.T @ output_delta), "w1": -(X.T @ hidden_delta)}
        if self.b1 is not None:
            grads["b2"] = -output_delta.sum(axis=0, keepdims=True)
            grads["b1"] = -hidden_delta.sum(axis=0, keepdims=True)
        return grads

    def backward(self, X, y, learning_rate: float):
        """One gradient-descent step: w ← w − lr·dC/dw, i.e. the lesson's w += lr · (input)ᵀ · delta."""
        for name, grad in self.gradients(X, y).items():
            setattr(self, name, getattr(self, name) - learning_rate * grad)

    def loss(self, y) -> float:
        """Mean over the points of ½(y − ŷ)² for the last forward()."""
        return float(np.mean(0.5 * (y - self.Y_hat) ** 2))


def train(net: SimpleNeuralNetwork, X=X_XOR, y=Y_XOR, epochs: int = 10_000, learning_rate: float = 0.5,
          snapshots: int = 50):
    """Full-batch training; yields a record at ~`snapshots` evenly spaced epochs (and the last) with the losses since the previous one."""
    every = max(1, epochs // max(1, snapshots))
    losses = []
    for epoch in range(epochs + 1):
        outputs = net.forward(X)
        losses.append(net.loss(y))
        if epoch % every == 0 or epoch == epochs:
            record = {"epoch": epoch, "loss": losses[-1], "losses": losses, "params": net.params(),
                      "outputs": outputs.reshape(-1).copy()}
            losses = []
            yield record
            if not np.isfinite(record["loss"]):
                return
        if epoch < epochs:
            net.backward(X, y, learning_rate)


def train_many(hidden_size: int, seeds, epochs: int = 10_000, learning_rate: float = 0.5, biases: bool = False,
               init: str = "rand", activation: str = "sigmoid", X=X_XOR, y=Y_XOR) -> dict:
    """Train one net per seed at once, vectorised over the seeds; each equals SimpleNeuralNetwork(seed=s) trained alone."""
    nets = [SimpleNeuralNetwork(X.shape[1], hidden_size, y.shape[1], seed=int(s), biases=biases, init=init,
                                activation=activation) for s in seeds]
    w1 = np.stack([n.w1 for n in nets])
    w2 = np.stack([n.w2 for n in nets])
    b1 = np.stack([n.b1 for n in nets]) if biases else 0.0
    b2 = np.stack([n.b2 for n in nets]) if biases else 0.0
    act, act_derivative = ACTIVATIONS[activation]
    target = (y > 0.5).reshape(1, -1)
    first_solved = np.full(len(nets), -1)
    for epoch in range(epochs + 1):
        z1 = act(X @ w1 + b1)
        y_hat = sigmoid(z1 @ w2 + b2)
        solved = np.all((y_hat[:, :, 0] > 0.5) == target, axis=1)
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
        "seeds": np.asarray(seeds), "w1": w1, "w2": w2, "outputs": y_hat[:, :, 0],
        "solved": solved, "epochs_to_solve": np.where(solved, first_solved, -1),
        "final_loss": np.mean(0.5 * (y - y_hat) ** 2, axis=(1, 2)),
    }
