"""One update, slowed down: the NumPy net stepped from any snapshot of a run, every quantity of each step kept."""

from dataclasses import dataclass, field

import numpy as np

from core.xor import numpy_net as xor_numpy
from core.xor.experiment import XorSettings, numpy_net
from core.xor.numpy_net import X_XOR, Y_XOR, Params

MAX_SHOWN_STEPS = 1000  # the step curve keeps the last 1,000 losses: bounded however often a visitor presses ×100


@dataclass
class StepState:
    start: tuple  # (run id, start epoch): a new start resets the steps
    params: Params  # the weights now
    steps: int = 0
    losses: list = field(default_factory=list)  # the loss before each step, then the loss now
    trace: dict | None = None


def net_with(params: Params, settings: XorSettings) -> xor_numpy.SimpleNeuralNetwork:
    """The net the run trained (lesson class or PlaygroundNet) holding the given weights."""
    net = numpy_net(settings)
    for name, value in zip(("w1", "w2", "b1", "b2"), params.weights()):
        if value is not None and hasattr(net, name):
            setattr(net, name, value.copy())
    return net


def take_steps(state: StepState, settings: XorSettings, count: int) -> None:
    net = net_with(state.params, settings)
    with np.errstate(all="ignore"):
        for _ in range(count):
            state.trace = xor_numpy.step_trace(net, X_XOR, Y_XOR, settings.learning_rate)
            state.losses.append(xor_numpy.cost(Y_XOR, state.trace["Y_hat"]))
        state.losses.append(xor_numpy.cost(Y_XOR, net.forward(X_XOR)))
    state.losses = state.losses[-MAX_SHOWN_STEPS:]
    state.params = xor_numpy.params_of(net).copy()
    state.steps += count
