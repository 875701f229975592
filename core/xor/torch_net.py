"""The lesson's XOR network in PyTorch: define the model, pick loss and optimizer, write the training loop."""

import threading

import numpy as np
import torch
from torch import nn

from core.xor.numpy_net import HIDDEN_SIZE, X_XOR, Y_XOR, Params, Record, SimpleNeuralNetwork, gradients, options_of

TORCH_ACTIVATIONS = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU}
_SEEDING = threading.Lock()  # torch's global generator is shared by every visitor's thread


class XORNet(nn.Module):
    """Step 1, define the model: Linear → activation → Linear → Sigmoid (nn.Linear has biases by default)."""

    def __init__(
        self, hidden_size: int = HIDDEN_SIZE, biases: bool = True, activation: str = "sigmoid", input_size: int = 2
    ):
        super().__init__()
        self.hidden = nn.Linear(input_size, hidden_size, bias=biases)
        self.activation = TORCH_ACTIVATIONS[activation]()
        self.output = nn.Linear(hidden_size, 1, bias=biases)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x):
        return self.sigmoid(self.output(self.activation(self.hidden(x))))


def loss_and_optimizer(model: XORNet, learning_rate: float = 0.5):
    """Step 2, pick the loss and the optimizer: MSELoss, the MEAN of (y − ŷ)² over the 4 points (the post's C is
    half the SUM, so C = 2 × MSELoss and MSELoss's gradients are half of C's), and plain gradient descent."""
    return nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=learning_rate)


def training_loop(model, criterion, optimizer, X, y, epochs):
    """Step 3, the training loop, as in the lesson."""
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        outputs = model(X)
        loss = criterion(outputs, y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def seeded_model(
    hidden_size: int = HIDDEN_SIZE, seed: int = 0, activation: str = "sigmoid", input_size: int = 2
) -> XORNet:
    """The model as the post builds it (biases, PyTorch's own initialisation), its draw seeded by `seed` so a run can
    be repeated; fork_rng leaves the global generator as it was for everyone else."""
    with _SEEDING, torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return XORNet(hidden_size, biases=True, activation=activation, input_size=input_size)


def from_numpy_net(net: SimpleNeuralNetwork, dtype=torch.float32) -> XORNet:
    """An XORNet holding the same starting weights as a NumPy net (nn.Linear stores them transposed)."""
    options = options_of(net)
    model = XORNet(net.w1.shape[1], options["biases"], options["activation"], net.w1.shape[0]).to(dtype)
    with torch.no_grad():
        model.hidden.weight.copy_(torch.from_numpy(net.w1.T))
        model.output.weight.copy_(torch.from_numpy(net.w2.T))
        if options["biases"]:
            model.hidden.bias.copy_(torch.from_numpy(net.b1.reshape(-1)))
            model.output.bias.copy_(torch.from_numpy(net.b2.reshape(-1)))
    return model


def params_of(model: XORNet) -> Params:
    """The weights in the NumPy net's orientation, for plotting."""

    def arr(tensor, shape):
        return None if tensor is None else tensor.detach().double().numpy().T.reshape(shape).copy()

    hidden, output = model.hidden, model.output
    return Params(
        arr(hidden.weight, hidden.weight.T.shape),
        arr(output.weight, output.weight.T.shape),
        arr(hidden.bias, (1, -1)),
        arr(output.bias, (1, -1)),
        getattr(model, "features", ()),
    )


def train(
    model: XORNet,
    epochs: int = 10_000,
    learning_rate: float = 0.5,
    snapshots: int = 50,
    X=X_XOR,
    y=Y_XOR,
    averaged: bool = False,
):
    """Runs the lesson's training_loop between snapshots; yields records like core.xor.numpy_net.train.

    Losses are the post's C = ½·Σ(y − ŷ)² = n/2 × MSELoss (a mean over the n points), or ½ × MSELoss when `averaged`,
    so both implementations share one axis.
    """
    cost_per_mse = 0.5 if averaged else len(X) / 2
    X = torch.tensor(X, dtype=torch.float32)
    y = torch.tensor(y, dtype=torch.float32)
    criterion, optimizer = loss_and_optimizer(model, learning_rate)
    every = max(1, epochs // max(1, snapshots))
    epoch, losses = 0, []
    while True:
        with torch.no_grad():
            outputs = model(X)
            losses.append(cost_per_mse * criterion(outputs, y).item())
        yield Record(epoch, losses[-1], losses, params_of(model), outputs.double().numpy().reshape(-1))
        if epoch == epochs or not np.isfinite(losses[-1]):
            return
        steps = min(every, epochs - epoch)
        chunk = [cost_per_mse * value for value in training_loop(model, criterion, optimizer, X, y, steps)]
        bad = [i for i, value in enumerate(chunk) if not np.isfinite(value)]
        if bad:  # the loss before step i was already non-finite: report that epoch
            nan_outputs = np.full(len(X), np.nan)
            yield Record(epoch + bad[0], chunk[bad[0]], chunk[1 : bad[0] + 1], params_of(model), nan_outputs)
            return
        epoch, losses = epoch + steps, chunk[1:]


def mse_gradient_ratio(net: SimpleNeuralNetwork) -> dict[str, float]:
    """Per weight ("w1[0,1]", …): MSELoss's autograd gradient ÷ the post's hand-written gradient of C = ½·Σ(y − ŷ)²,
    both at the NumPy net's weights on the 4 XOR points. MSELoss = Σ(y − ŷ)²/4, so every ratio is 2/4 = 0.5."""
    model = from_numpy_net(net, dtype=torch.float64)
    X, y = torch.tensor(X_XOR), torch.tensor(Y_XOR)
    nn.MSELoss()(model(X), y).backward()
    net.forward(X_XOR)
    hand = gradients(net, X_XOR, Y_XOR)
    by_torch = {name: value.grad.double().numpy().T.reshape(hand[name].shape) for name, value in _params(model).items()}
    return {
        f"{name}[{','.join(map(str, index))}]": float(by_torch[name][index] / hand[name][index])
        for name in hand
        for index in np.ndindex(hand[name].shape)
    }


def _params(model: XORNet) -> dict:
    """The model's tensors under the NumPy net's names (weights stored transposed, biases as rows)."""
    found = {"w1": model.hidden.weight, "w2": model.output.weight}
    if model.hidden.bias is not None:
        found.update(b1=model.hidden.bias, b2=model.output.bias)
    return found


# The recipe the pages show, in the lesson's order: define the model, pick loss and optimizer, write the loop.
RECIPE = (XORNet, loss_and_optimizer, training_loop)
