"""One XOR experiment as the page runs it: settings in, training records of each implementation out."""
from dataclasses import asdict, dataclass

import numpy as np

from core import xor_numpy, xor_torch

IMPLEMENTATIONS = ("numpy", "torch", "both")
MAX_EPOCHS = 50_000
MAX_HIDDEN = 16


@dataclass(frozen=True)
class XorSettings:
    implementation: str = "numpy"
    hidden_size: int = 2
    learning_rate: float = 0.5
    epochs: int = 10_000
    seed: int = 0
    biases: bool = False
    activation: str = "sigmoid"
    init: str = "rand"
    derivative_of: str = "output"

    def problems(self) -> list[tuple[str, dict]]:
        """What is wrong with these settings, as (message template, values); empty when they can be trained."""
        found = []
        if self.implementation not in IMPLEMENTATIONS:
            found.append(("Unknown implementation {name}.", {"name": self.implementation}))
        if not 1 <= self.hidden_size <= MAX_HIDDEN:
            found.append(("The hidden layer needs 1 to {most} units (got {value}).", {"most": MAX_HIDDEN, "value": self.hidden_size}))
        if not (np.isfinite(self.learning_rate) and 0 < self.learning_rate <= 100):
            found.append(("The learning rate must be a number above 0 and at most 100 (got {value}).", {"value": self.learning_rate}))
        if not 1 <= self.epochs <= MAX_EPOCHS:
            found.append(("Epochs must be from 1 to {most:,} (got {value}).", {"most": MAX_EPOCHS, "value": self.epochs}))
        if self.activation not in xor_numpy.ACTIVATIONS:
            found.append(("Unknown activation {name}.", {"name": self.activation}))
        if self.init not in xor_numpy.INIT_SCHEMES:
            found.append(("Unknown initialisation {name}.", {"name": self.init}))
        return found


def numpy_net(settings: XorSettings) -> xor_numpy.SimpleNeuralNetwork:
    return xor_numpy.SimpleNeuralNetwork(2, settings.hidden_size, 1, seed=settings.seed, biases=settings.biases,
                                         init=settings.init, activation=settings.activation,
                                         derivative_of=settings.derivative_of)


def runs(settings: XorSettings, snapshots: int = 50) -> dict:
    """name → training generator, for the implementations the settings ask for, all from the same starting weights."""
    chosen = {}
    if settings.implementation in ("numpy", "both"):
        chosen["NumPy"] = xor_numpy.train(numpy_net(settings), epochs=settings.epochs,
                                          learning_rate=settings.learning_rate, snapshots=snapshots)
    if settings.implementation in ("torch", "both"):
        model = xor_torch.from_numpy_net(numpy_net(settings))
        chosen["PyTorch"] = xor_torch.train(model, epochs=settings.epochs, learning_rate=settings.learning_rate,
                                            snapshots=snapshots)
    return chosen


def summary(records: list[dict]) -> dict:
    last = records[-1]
    return {"epochs run": last["epoch"], "final loss": last["loss"], "solved": xor_numpy.solves_xor(last["outputs"]),
            "diverged": not np.isfinite(last["loss"])}


def as_dict(settings: XorSettings) -> dict:
    return asdict(settings)
