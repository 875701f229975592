"""What one CNN run costs the server, for the training queue: its work (estimate_cost), whether a public server
allows it (job_cost_problem), and what a finished run keeps (weights_only). The queue itself knows nothing of CNNs:
it is handed a cost number and a finish hook.

The work is counted from the model the settings build (core.cnn.model.CNN), layer by layer, so a change to the
network changes its cost without restating its architecture here."""

from collections.abc import Callable
from functools import lru_cache

import torch
from torch import nn

from core.cnn import settings as cnn_settings
from core.cnn.model import CNN
from core.errors import UserError
from core.serving.deployment import local_mode

MAX_IMAGE_PASSES = 600_000  # epochs × training images: the lesson's 10 epochs over all 60,000
FULL_TRAIN_SET = 60_000
MNIST_IMAGE = (1, 1, 28, 28)


def _model_config(settings: dict) -> dict:
    return {name: int(settings.get(name, setting.default)) for name, setting in cnn_settings.MODEL_KEYS.items()}


@lru_cache(maxsize=64)
def _macs_of(conv1_channels: int, conv2_channels: int, hidden_size: int) -> int:
    """Multiply-adds of one forward pass: each Conv2d and Linear layer of the CNN these settings build, with the
    shapes one MNIST image really has there. Built on the meta device: no weights are allocated, nothing computed."""
    with torch.device("meta"):
        model = CNN(conv1_channels, conv2_channels, hidden_size)
    macs = []

    def count(layer: nn.Module, inputs: tuple, output: torch.Tensor) -> None:
        if isinstance(layer, nn.Conv2d):
            per_output = layer.in_channels // layer.groups * layer.kernel_size[0] * layer.kernel_size[1]
            macs.append(output[0].numel() * per_output)
        elif isinstance(layer, nn.Linear):
            macs.append(layer.in_features * layer.out_features)

    hooks = [m.register_forward_hook(count) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    try:
        model(torch.empty(MNIST_IMAGE, device="meta"))
    finally:
        for hook in hooks:
            hook.remove()
    return sum(macs)


def macs_per_image(settings: dict | None = None) -> int:
    """Multiply-adds of one forward pass of the CNN built with these settings (the lesson's when none)."""
    config = _model_config(settings or {})
    return _macs_of(config["conv1_channels"], config["conv2_channels"], config["hidden_size"])


LESSON_MACS = macs_per_image()


def image_passes(settings: dict) -> int:
    images = min(int(settings.get("train_subset") or FULL_TRAIN_SET), FULL_TRAIN_SET)
    return int(settings.get("epochs", 1)) * images


def estimate_cost(settings: dict) -> float:
    """A run's work in lesson-model image passes: epochs × images × its time per image relative to the lesson CNN.

    Fitted to training speeds measured on 2 cores (images/s, lesson model at batch 64 = 1): the lesson model at
    batch 16 is 2.4× slower, the largest model (conv 64/128, fc 512; 4.3× the multiply-adds) 2.3× at batch 64
    and 4× at batch 16. Bigger layers use the CPU better, and each step has a fixed overhead.
    """
    batch_overhead = (1 + 40 / max(1, int(settings.get("batch_size", 64)))) / (1 + 40 / 64)
    return image_passes(settings) * (macs_per_image(settings) / LESSON_MACS) ** 0.6 * batch_overhead


def job_cost_problem(settings: dict) -> UserError | None:
    """Why these settings are too costly for one run on this (public) server, or None when they may run."""
    if local_mode():
        return None
    asked = image_passes(settings)
    if asked > MAX_IMAGE_PASSES:
        return UserError(
            "On this public server one run may train on at most {limit} images in all (epochs × "
            "training images); these settings ask for {asked}. Lower the epochs or the training images.",
            limit=f"{MAX_IMAGE_PASSES:,}",
            asked=f"{asked:,}",
        )
    return None


def weights_only(payload: dict) -> Callable[[], int]:
    """A finish hook for the queue: what a finished run keeps for its session is its weights (payload["model"], once
    the run built it), no gradients (the optimizer state went with the training generator). Returns their bytes,
    for the bound on finished jobs."""

    def finish() -> int:
        model = payload.get("model")
        if model is None:
            return 0
        model.zero_grad(set_to_none=True)
        return sum(p.numel() * p.element_size() for p in model.parameters())

    return finish
