"""The CNN page's settings, each declared once (URL key, English label, default, allowed values).

The widgets, the links, the training doctor's suggested fixes, the run history's labels and the exported script all
read these records. A run's settings travel as a RunSettings record whose field names are train()'s and CNN()'s own
argument names (RUN_KEYS).
"""

import math
from dataclasses import dataclass, fields, replace

from core.serving.device import PRECISIONS
from core.settings import Setting

CONV1 = Setting("cnn_c1", "Conv 1 channels", 32, options=(4, 8, 16, 32, 64))
CONV2 = Setting("cnn_c2", "Conv 2 channels", 64, options=(8, 16, 32, 64, 128))
HIDDEN = Setting("cnn_fc", "Fully connected hidden units", 128, options=(16, 32, 64, 128, 256, 512))
OPTIMIZER = Setting("cnn_opt", "Optimizer", "adam", options=("adam", "sgd"))
LEARNING_RATE = Setting("cnn_lr", "Learning rate", 1e-3, options=(1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1))
STEP_LR = Setting("cnn_steplr", "StepLR: halve the learning rate every 5 epochs", True)
EPOCHS = Setting("cnn_epochs", "Epochs", 10, low=1, high=30)
BATCH_SIZE = Setting("cnn_batch", "Batch size", 64, options=(16, 32, 64, 128, 256, 512))
SEED = Setting("cnn_seed", "Random seed", 0, low=0, high=2**31 - 1)
PRECISION = Setting(
    "cnn_precision",
    "Precision",
    "auto",
    options=PRECISIONS,
    help="The numbers the forward pass multiplies in. bfloat16 keeps float32's range with 8 bits of mantissa: "
    "where the hardware has it, it is faster, and the weights and Adam stay float32. auto picks bfloat16 where it "
    "is native and faster, else float32.",
)
PRECISION_NAMES = {"auto": "auto", "float32": "float32", "bfloat16": "bfloat16", "float16": "float16"}
SUBSET_KEY = "cnn_subset"
SUBSET_CHOICES = (1000, 2000, 5000, 10000, 20000, 30000, 60000)
OPTIMIZER_NAMES = {"adam": "Adam", "sgd": "SGD + momentum 0.9"}


# How many training images a run draws: any whole number up to full MNIST's; the widget offers training_images().
TRAIN_SUBSET = Setting(
    SUBSET_KEY,
    "Training images (a subset trains faster)",
    SUBSET_CHOICES[-1],
    low=1,
    high=SUBSET_CHOICES[-1],
    help="A run draws this many of the data's training images at random; the largest choice is all of them.",
)


def training_images(available: int) -> Setting:
    """The widget's choices: round numbers below what the data holds, then all of it (the default)."""
    available = max(1, int(available))
    options = tuple(n for n in SUBSET_CHOICES if n < available) + (available,)
    return replace(TRAIN_SUBSET, default=available, options=options)


MODEL_KEYS = {"conv1_channels": CONV1, "conv2_channels": CONV2, "hidden_size": HIDDEN}
TRAIN_KEYS = {
    "optimizer": OPTIMIZER,
    "lr": LEARNING_RATE,
    "step_lr": STEP_LR,
    "epochs": EPOCHS,
    "batch_size": BATCH_SIZE,
    "precision": PRECISION,
}
RUN_KEYS = {**MODEL_KEYS, **TRAIN_KEYS, "seed": SEED}
# The largest model the page builds: what an uploaded model may be at most (core.files.model_file's PAGE_LIMITS).
MODEL_MAXIMA = {name: max(setting.options) for name, setting in MODEL_KEYS.items()}


def widget_key(name: str) -> str:
    """The session-state (and URL) key of the widget for a run setting, e.g. 'lr' → 'cnn_lr'."""
    return SUBSET_KEY if name == "train_subset" else RUN_KEYS[name].key


def nearest_option(setting: Setting, value: float):
    """The allowed value closest to `value` on a log scale (for learning rates and sizes)."""
    return min(setting.options, key=lambda option: abs(math.log(option) - math.log(value)))


def step_options(setting: Setting, value, steps: int):
    """The allowed value `steps` places above (or below, when negative) `value`, kept inside the range."""
    options = sorted(setting.options)
    index = options.index(nearest_option(setting, value))
    return options[max(0, min(len(options) - 1, index + steps))]


LABELS = {**{name: setting.label for name, setting in RUN_KEYS.items()}, "train_subset": "Training images"}


@dataclass(frozen=True)
class RunSettings:
    """One run's settings, the page's defaults (the lesson's) where not given. train_subset None: all images."""

    conv1_channels: int = CONV1.default
    conv2_channels: int = CONV2.default
    hidden_size: int = HIDDEN.default
    optimizer: str = OPTIMIZER.default
    lr: float = LEARNING_RATE.default
    step_lr: bool = STEP_LR.default
    epochs: int = EPOCHS.default
    batch_size: int = BATCH_SIZE.default
    precision: str = PRECISION.default
    seed: int = SEED.default
    train_subset: int | None = None

    @classmethod
    def of(cls, values: dict) -> "RunSettings":
        """The settings named in a dict of train()'s and CNN()'s arguments (other keys ignored)."""
        names = {f.name for f in fields(cls)}
        return cls(**{name: value for name, value in values.items() if name in names})

    def model_config(self) -> dict:
        """CNN()'s arguments."""
        return {name: getattr(self, name) for name in MODEL_KEYS}

    def train_kwargs(self) -> dict:
        """train()'s arguments besides the model, the data and the seed."""
        return {name: getattr(self, name) for name in TRAIN_KEYS} | {"train_subset": self.train_subset}


def differences(runs: list[RunSettings]) -> list[list[tuple[str, object]]]:
    """For each run's settings, the (English label, value) pairs of the settings that are not the same in all runs."""
    names = [name for name in LABELS if len({repr(getattr(run, name)) for run in runs}) > 1]
    return [[(LABELS[name], getattr(run, name)) for name in names] for run in runs]
