"""The lesson's XOR network in PyTorch: define the model, pick loss and optimizer, write the training loop."""
import numpy as np
import torch
from torch import nn

from core.xor_numpy import X_XOR, Y_XOR, SimpleNeuralNetwork

TORCH_ACTIVATIONS = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU}


class XORNet(nn.Module):
    """Step 1, define the model: Linear → activation → Linear → Sigmoid."""

    def __init__(self, hidden_size: int = 2, biases: bool = False, activation: str = "sigmoid"):
        super().__init__()
        self.hidden = nn.Linear(2, hidden_size, bias=biases)
        self.activation = TORCH_ACTIVATIONS[activation]()
        self.output = nn.Linear(hidden_size, 1, bias=biases)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x):
        return self.sigmoid(self.output(self.activation(self.hidden(x))))


def from_numpy_net(net: SimpleNeuralNetwork, dtype=torch.float32) -> XORNet:
    """An XORNet holding the same starting weights as a NumPy net (nn.Linear stores them transposed)."""
    model = XORNet(net.w1.shape[1], net.b1 is not None, net.activation).to(dtype)
    with torch.no_grad():
        model.hidden.weight.copy_(torch.from_numpy(net.w1.T))
        model.output.weight.copy_(torch.from_numpy(net.w2.T))
        if net.b1 is not None:
            model.hidden.bias.copy_(torch.from_numpy(net.b1.reshape(-1)))
            model.output.bias.copy_(torch.from_numpy(net.b2.reshape(-1)))
    return model


def params_of(model: XORNet) -> dict:
    """The weights in the NumPy net's orientation, for plotting."""
    def arr(t, shape=None):
        return None if t is None else t.detach().double().numpy().T.reshape(shape or t.T.shape).copy()
    return {"w1": arr(model.hidden.weight), "b1": arr(model.hidden.bias, (1, -1)) if model.hidden.bias is not None else None,
            "w2": arr(model.output.weight), "b2": arr(model.output.bias, (1, -1)) if model.output.bias is not None else None}


def loss_and_optimizer(model: XORNet, learning_rate: float = 0.5):
    """Step 2, pick the loss and the optimizer: mean squared error and plain gradient descent."""
    return nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=learning_rate)


def train(model: XORNet, epochs: int = 10_000, learning_rate: float = 0.5, snapshots: int = 50):
    """Step 3, the training loop: forward, loss, zero_grad, backward, step; yields records like core.xor_numpy.train."""
    X = torch.tensor(X_XOR, dtype=torch.float32)
    y = torch.tensor(Y_XOR, dtype=torch.float32)
    criterion, optimizer = loss_and_optimizer(model, learning_rate)
    every = max(1, epochs // max(1, snapshots))
    losses = []
    for epoch in range(epochs + 1):
        outputs = model(X)
        loss = criterion(outputs, y)
        losses.append(loss.item())
        if epoch % every == 0 or epoch == epochs:
            record = {"epoch": epoch, "loss": losses[-1], "losses": losses, "params": params_of(model),
                      "outputs": outputs.detach().double().numpy().reshape(-1)}
            losses = []
            yield record
            if not np.isfinite(record["loss"]):
                return
        if epoch < epochs:
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()


# The recipe the pages show, in the lesson's order: define the model, pick loss and optimizer, write the loop.
RECIPE = (XORNet, loss_and_optimizer, train)
