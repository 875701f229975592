"""One XOR experiment as the page runs it: settings in, training records of each implementation out."""

import threading
from collections import OrderedDict
from dataclasses import dataclass, fields

import numpy as np

from core.settings import Setting
from core.xor import datasets
from core.xor import numpy_net as xor_numpy
from core.xor import torch_net as xor_torch
from core.xor.datasets import DATASET, NOISE, POINTS, POST_XOR, TEST_SHARE, Dataset
from core.xor.features import FEATURES, expand
from core.xor.numpy_net import Record

IMPLEMENTATIONS = ("numpy", "torch", "both")
LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
MAX_EPOCHS = 50_000
MAX_HIDDEN = 16
# CPU seconds per epoch, measured on the 2-core dev machine: NumPy 24 µs (2–16 hidden units), PyTorch's loop 200–340 µs
# (its OpenMP threads spin, which counts as CPU),
# the 100-seed batch for one hidden size 45–60 µs (1–8 hidden units).
SECONDS_PER_EPOCH = {"numpy": 24e-6, "torch": 250e-6}
# ...plus, on a data set, about this much per training point and hidden unit (NumPy, 1 thread: 1,000 points and 16
# units add ~0.17 ms an epoch on the loaded dev machine)
SECONDS_PER_POINT_UNIT = 12e-9
SEEDS_SECONDS_PER_EPOCH = 60e-6
MAX_SECONDS_PER_RUN = 3.0  # the lesson's 10,000 epochs with both implementations fit
MANY_SEEDS_MAX_EPOCHS = 10_000

IMPLEMENTATION = Setting("xor_impl", "Implementation", "numpy", IMPLEMENTATIONS)
HIDDEN = Setting("xor_hidden", "Hidden units", xor_numpy.HIDDEN_SIZE, low=1, high=MAX_HIDDEN)
ACTIVATION = Setting("xor_act", "Hidden activation", "sigmoid", tuple(xor_numpy.ACTIVATIONS))
LEARNING_RATE = Setting("xor_lr", "Learning rate (log scale)", 0.5, LEARNING_RATES)
EPOCHS = Setting("xor_epochs", "Epochs", 10_000, low=1, high=MAX_EPOCHS)
SEED = Setting("xor_seed", "Random seed", 0, low=0, high=2**31 - 1)
INIT = Setting("xor_init", "Initial weights", "rand", xor_numpy.INIT_SCHEMES)
BIASES = Setting(
    "xor_bias", "Biases", False, help="The lesson's net has none: every neuron's line passes through the origin."
)
DERIVATIVE = Setting("xor_deriv", "sigmoid_derivative is given", "output", xor_numpy.DERIVATIVE_OF)
TORCH_STARTS = ("post", "numpy_start")
TORCH_START = Setting(
    "xor_torch_start",
    "PyTorch's starting weights",
    "post",
    TORCH_STARTS,
    help="The post's: `nn.Linear` as the post uses it, with biases and PyTorch's own random start (seeded by the "
    "random seed). No biases, NumPy's starting weights: the PyTorch net starts exactly where the NumPy net does "
    "(ticking Biases gives both the same zero biases), so the two can be compared step for step.",
)


@dataclass(frozen=True, kw_only=True)
class XorSettings:
    """One experiment's settings, built by keyword; each default is its Setting's."""

    implementation: str = IMPLEMENTATION.default
    hidden_size: int = HIDDEN.default
    learning_rate: float = LEARNING_RATE.default
    epochs: int = EPOCHS.default
    seed: int = SEED.default
    biases: bool = BIASES.default
    activation: str = ACTIVATION.default
    init: str = INIT.default
    derivative_of: str = DERIVATIVE.default
    torch_start: str = TORCH_START.default
    dataset: str = DATASET.default
    noise: float = NOISE.default
    points: int = POINTS.default
    test_percent: int = TEST_SHARE.default
    features: tuple[str, ...] = ()  # extra inputs, in core.xor.features.FEATURES' order

    def problems(self) -> list[tuple[str, dict]]:
        """What is wrong with these settings, as (message template, values); empty when they can be trained."""
        found = [("Unknown extra inputs {name}.", {"name": ", ".join(map(str, self.features))})]
        if set(self.features) <= set(FEATURES) and isinstance(self.features, tuple):
            found = []
        found += [
            (template, values(self))
            for setting, field, template, values in CHECKS
            if not setting.valid(getattr(self, field))
        ]
        if not found and cost_seconds(self) > MAX_SECONDS_PER_RUN:
            found.append(
                (
                    "This run would take about {seconds:.1f} s of the shared server's time; one click may use "
                    "{most:.1f} s. Use fewer epochs (PyTorch's loop costs about 10× NumPy's per epoch).",
                    {"seconds": cost_seconds(self), "most": MAX_SECONDS_PER_RUN},
                )
            )
        return found


# Each setting's check is its Setting's own range; the message says what was wrong in the visitor's words.
CHECKS = (
    (IMPLEMENTATION, "implementation", "Unknown implementation {name}.", lambda s: {"name": s.implementation}),
    (
        HIDDEN,
        "hidden_size",
        "The hidden layer needs 1 to {most} units (got {value}).",
        lambda s: {"most": HIDDEN.high, "value": s.hidden_size},
    ),
    (
        LEARNING_RATE,
        "learning_rate",
        "The learning rate must be one of the page's choices, {low} to {high} (got {value}).",
        lambda s: {"low": LEARNING_RATES[0], "high": LEARNING_RATES[-1], "value": s.learning_rate},
    ),
    (
        EPOCHS,
        "epochs",
        "Epochs must be from 1 to {most:,} (got {value}).",
        lambda s: {"most": EPOCHS.high, "value": s.epochs},
    ),
    (
        SEED,
        "seed",
        "The random seed must be from 0 to {most} (got {value}).",
        lambda s: {"most": SEED.high, "value": s.seed},
    ),
    (ACTIVATION, "activation", "Unknown activation {name}.", lambda s: {"name": s.activation}),
    (INIT, "init", "Unknown initialisation {name}.", lambda s: {"name": s.init}),
    (DERIVATIVE, "derivative_of", "Unknown derivative choice {name}.", lambda s: {"name": s.derivative_of}),
    (TORCH_START, "torch_start", "Unknown PyTorch start {name}.", lambda s: {"name": s.torch_start}),
    (DATASET, "dataset", "Unknown dataset {name}.", lambda s: {"name": s.dataset}),
    (NOISE, "noise", "The noise must be one of the page's choices (got {value}).", lambda s: {"value": s.noise}),
    (
        POINTS,
        "points",
        "The number of points must be from {low} to {high:,} (got {value}).",
        lambda s: {"low": POINTS.low, "high": POINTS.high, "value": s.points},
    ),
    (
        TEST_SHARE,
        "test_percent",
        "The test share must be one of the page's choices (got {value}).",
        lambda s: {"value": s.test_percent},
    ),
)
# Picking a data set other than the post's four points sets these (a teacher's link may still change each). Biases
# are on: the post's net has none, so every hidden unit's line passes through the origin (0, 0), a corner of the
# window; a circle or blob in the middle needs lines that can sit anywhere. tanh and Xavier's start learn these sets
# in a few thousand epochs; the cost is averaged over the points, so the learning rate suits any number of them.
DATASET_START = {
    "biases": True,
    "activation": "tanh",
    "init": "xavier",
    "hidden_size": 8,
    "learning_rate": 2.0,
    "epochs": 2000,
}


# Settings that solve the two spirals (test accuracy 96–100% over seeds 0–3, measured): the page offers them.
SPIRALS_RECIPE = {
    **DATASET_START,
    "dataset": "spirals",
    "noise": 0.05,
    "points": 300,
    "hidden_size": 12,
    "learning_rate": 3.0,
    "epochs": 5000,
    "features": tuple(FEATURES),
}


# Every setting of the page by its XorSettings field (features apart: one checkbox each, datasets.FEATURE_SETTINGS).
FIELD_SETTINGS = {
    "implementation": IMPLEMENTATION,
    "hidden_size": HIDDEN,
    "learning_rate": LEARNING_RATE,
    "epochs": EPOCHS,
    "seed": SEED,
    "biases": BIASES,
    "activation": ACTIVATION,
    "init": INIT,
    "derivative_of": DERIVATIVE,
    "torch_start": TORCH_START,
    "dataset": DATASET,
    "noise": NOISE,
    "points": POINTS,
    "test_percent": TEST_SHARE,
}


def is_post_xor(settings: XorSettings) -> bool:
    """The post's four points and inputs: the step-through, gradient check, trap and seeds views follow them."""
    return settings.dataset == POST_XOR and not settings.features


def on_points(settings: XorSettings) -> bool:
    """True for a generated data set; False for the post's four points (trained exactly as the post does)."""
    return settings.dataset != POST_XOR


def dataset(settings: XorSettings) -> Dataset:
    """The settings' points, drawn with the run's seed."""
    return datasets.make_dataset(
        settings.dataset, settings.noise, settings.points, settings.test_percent, settings.seed
    )


def implementations(settings: XorSettings) -> tuple[str, ...]:
    return ("numpy", "torch") if settings.implementation == "both" else (settings.implementation,)


def cost_seconds(settings: XorSettings) -> float:
    """Estimated CPU seconds to train these settings."""
    per_point = SECONDS_PER_POINT_UNIT * settings.points * settings.hidden_size if on_points(settings) else 0.0
    return settings.epochs * sum(SECONDS_PER_EPOCH.get(name, 0.0) + per_point for name in implementations(settings))


def many_seeds_epochs(settings: XorSettings) -> int:
    """The 100-seed runs train at most MANY_SEEDS_MAX_EPOCHS epochs per net, to bound one click's work."""
    return min(settings.epochs, MANY_SEEDS_MAX_EPOCHS)


def many_seeds_cost(settings: XorSettings) -> float:
    """Estimated CPU seconds for one hidden size's 100 seeds."""
    return many_seeds_epochs(settings) * SEEDS_SECONDS_PER_EPOCH


def numpy_net(settings: XorSettings) -> xor_numpy.SimpleNeuralNetwork:
    """The lesson's class for the lesson's options, else a PlaygroundNet; seeded by settings.seed."""
    net = xor_numpy.new_net(
        settings.hidden_size,
        seed=settings.seed,
        biases=settings.biases,
        init=settings.init,
        activation=settings.activation,
        derivative_of=settings.derivative_of,
        input_size=2 + len(settings.features),
    )
    if settings.features:
        net.features = settings.features  # read by params_of: figures compute the same inputs from x1, x2
    return net


def torch_model(settings: XorSettings) -> xor_torch.XORNet:
    """The PyTorch net as the post builds it, or (the option) holding the NumPy net's starting weights."""
    if settings.torch_start == "numpy_start":
        model = xor_torch.from_numpy_net(numpy_net(settings))
    else:
        inputs = 2 + len(settings.features)
        model = xor_torch.seeded_model(settings.hidden_size, settings.seed, settings.activation, inputs)
    model.features = settings.features
    return model


def runs(settings: XorSettings, snapshots: int = 50) -> dict:
    """name → training generator, for the implementations the settings ask for."""
    data, averaged = dataset(settings), on_points(settings)
    X = expand(data.X_train, settings.features)
    chosen = {}
    if "numpy" in implementations(settings):
        chosen["NumPy"] = xor_numpy.train(
            numpy_net(settings), X, data.y_train, settings.epochs, settings.learning_rate, snapshots, averaged
        )
    if "torch" in implementations(settings):
        chosen["PyTorch"] = xor_torch.train(
            torch_model(settings), settings.epochs, settings.learning_rate, snapshots, X, data.y_train, averaged
        )
    return chosen


@dataclass(frozen=True)
class Summary:
    epochs_run: int
    final_loss: float
    solved: bool
    diverged: bool
    cause: str  # "" when it did not diverge; "trap" or "learning_rate" when it did
    test_loss: float | None = None  # on a data set's test points (the same averaged cost); None for the post's four
    test_accuracy: float | None = None


def summary(records: list[Record], settings: XorSettings | None = None, name: str = "NumPy") -> Summary:
    """What a run ended with; a diverged run names its cause (the derivative trap changes only the NumPy net)."""
    last = records[-1]
    diverged = not np.isfinite(last.loss)
    trap = settings is not None and settings.derivative_of == "pre_activation" and name == "NumPy"
    cause = ("trap" if trap else "learning_rate") if diverged else ""
    data = dataset(settings) if settings is not None and on_points(settings) else None
    solved = xor_numpy.solves_xor(last.outputs, data.y_train if data is not None else xor_numpy.Y_XOR)
    if data is None:
        return Summary(last.epoch, float(last.loss), solved, diverged, cause)
    _, outputs = xor_numpy.predict(last.params, data.X_test, settings.activation)
    test_loss = xor_numpy.cost(data.y_test, outputs) / len(data.y_test)
    accuracy = float(np.mean(xor_numpy.correct(outputs, data.y_test)))
    return Summary(last.epoch, float(last.loss), solved, diverged, cause, test_loss, accuracy)


def all_losses(records: list[Record]) -> np.ndarray:
    """The run's loss at every epoch, from its records."""
    return np.concatenate([record.losses for record in records])


def differences(runs_settings: list[XorSettings]) -> list[str]:
    """The names of the fields that differ between the given settings, in declaration order."""
    return [f.name for f in fields(XorSettings) if len({getattr(s, f.name) for s in runs_settings}) > 1]


class ResultCache:
    """The last few runs' records by settings: deterministic, so every visitor shares them (bounded by count)."""

    def __init__(self, size: int = 32):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()  # every visitor's script thread shares it

    def get(self, settings: XorSettings):
        with self._lock:
            found = self._items.get(settings)
            if found is not None:
                self._items.move_to_end(settings)
            return found

    def put(self, settings: XorSettings, results: dict) -> None:
        with self._lock:
            self._items[settings] = results
            self._items.move_to_end(settings)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


RESULTS = ResultCache()
