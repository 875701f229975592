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

    def problems(self) -> list[str]:
        """What is wrong with these settings, in words; empty when they can be trained."""
        found = []
        if self.implementation not in IMPLEMENTATIONS:
            found.append(f"Unknown implementation {self.implementation!r}.")
        if not 1 <= self.hidden_size <= MAX_HIDDEN:
            found.append(f"The hidden layer needs 1 to {MAX_HIDDEN} units (got {self.hidden_size}).")
        if not (np.isfinite(self.learning_rate) and 0 < self.learning_rate <= 100):
            found.append(f"The learning rate must be a number above 0 and at most 100 (got {self.learning_rate}).")
        if not 1 <= self.epochs <= MAX_EPOCHS:
            found.append(f"Epochs must be from 1 to {MAX_EPOCHS:,} (got {self.epochs}).")
        if self.activation not in xor_numpy.ACTIVATIONS:
            found.append(f"Unknown activation {self.activation!r}.")
        if self.init not in xor_numpy.INIT_SCHEMES:
            found.append(f"Unknown initialisation {self.init!r}.")
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
