"""Check the hand-written XOR backprop against torch autograd and finite differences."""

import numpy as np
import torch

from core.xor.numpy_net import X_XOR, Y_XOR, SimpleNeuralNetwork, gradients, options_of

TORCH_FUNCTIONS = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}


def _param_names(net: SimpleNeuralNetwork) -> list[str]:
    return ["w1", "w2"] + (["b1", "b2"] if options_of(net)["biases"] else [])


def autograd_gradients(net: SimpleNeuralNetwork, X=X_XOR, y=Y_XOR) -> dict:
    """dC/dparam for C = ½·Σ(y − ŷ)², computed by torch autograd in float64 from the net's current weights."""
    params = {
        name: torch.tensor(getattr(net, name), dtype=torch.float64, requires_grad=True) for name in _param_names(net)
    }
    X_t, y_t = torch.tensor(X, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
    act = TORCH_FUNCTIONS[options_of(net)["activation"]]
    z1 = act(X_t @ params["w1"] + params.get("b1", 0.0))
    y_hat = torch.sigmoid(z1 @ params["w2"] + params.get("b2", 0.0))
    (0.5 * ((y_t - y_hat) ** 2).sum()).backward()
    return {name: p.grad.numpy() for name, p in params.items()}


def _cost(net, X, y) -> float:
    return float(0.5 * np.sum((y - net.forward(X)) ** 2))


def finite_difference_gradients(net: SimpleNeuralNetwork, X=X_XOR, y=Y_XOR, eps: float = 1e-6) -> dict:
    """Central differences (C(w + ε) − C(w − ε)) / 2ε, one weight at a time."""
    grads = {}
    for name in _param_names(net):
        param = getattr(net, name)
        grad = np.zeros_like(param)
        for index in np.ndindex(param.shape):
            original = param[index]
            param[index] = original + eps
            plus = _cost(net, X, y)
            param[index] = original - eps
            minus = _cost(net, X, y)
            param[index] = original
            grad[index] = (plus - minus) / (2 * eps)
        grads[name] = grad
    net.forward(X)
    return grads


def hand_gradients(net: SimpleNeuralNetwork, X=X_XOR, y=Y_XOR) -> dict:
    net.forward(X)
    return gradients(net, X, y)


def gradient_check(net: SimpleNeuralNetwork, X=X_XOR, y=Y_XOR) -> list[dict]:
    """Per parameter: max |hand − autograd|, max |hand − finite difference|, and the gradient's own size."""
    hand = hand_gradients(net, X, y)
    auto = autograd_gradients(net, X, y)
    numeric = finite_difference_gradients(net, X, y)
    return [
        {
            "parameter": name,
            "max |hand − autograd|": float(np.abs(hand[name] - auto[name]).max()),
            "max |hand − finite diff|": float(np.abs(hand[name] - numeric[name]).max()),
            "max |gradient|": float(np.abs(auto[name]).max()),
        }
        for name in hand
    ]


def check_summary(rows: list[dict]) -> dict:
    """What a gradient_check table shows, for a caption that must agree with it: the largest differences from
    autograd and from finite differences, and the largest autograd difference as a multiple of that parameter's
    largest gradient (about 1e-16 when right; comparable to 1 or more when the derivative is wrong)."""
    return {
        "autograd": max(row["max |hand − autograd|"] for row in rows),
        "finite": max(row["max |hand − finite diff|"] for row in rows),
        "relative": max(row["max |hand − autograd|"] / max(row["max |gradient|"], 1e-300) for row in rows),
    }
