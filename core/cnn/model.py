"""The lesson's MNIST CNN, defined once: the network, the post's forward beside the page's, every layer's
activations (the one path the explainer, the training doctor and the feature maps read), a seeded builder."""

import copy
import threading
from dataclasses import dataclass, fields
from enum import Enum

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F


class CNN(nn.Module):
    """conv(1→32, 3×3, pad 1) → ReLU → pool → conv(32→64) → ReLU → pool → fc(3136→128) → ReLU → fc(128→10)."""

    def __init__(self, conv1_channels: int = 32, conv2_channels: int = 64, hidden_size: int = 128):
        super().__init__()
        self.config = {"conv1_channels": conv1_channels, "conv2_channels": conv2_channels, "hidden_size": hidden_size}
        self.conv1 = nn.Conv2d(1, conv1_channels, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(conv1_channels, conv2_channels, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(2, 2)
        self.relu = nn.ReLU()
        self.fc1 = nn.Linear(conv2_channels * 7 * 7, hidden_size)
        self.fc2 = nn.Linear(hidden_size, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # The lesson writes pool(relu(conv(x))). ReLU is non-decreasing, so it never changes which value of a 2x2
        # window is largest: relu(max(a, b)) = max(relu(a), relu(b)). Pooling first gives the same numbers and
        # gradients while ReLU touches 4x fewer values, in place.
        x = F.relu_(self.pool(self.conv1(x)))
        x = F.relu_(self.pool(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = F.relu_(self.fc1(x))
        return self.fc2(x)

    def activations(self, x: torch.Tensor) -> "Activations":
        """Every layer's output for a batch, in the lesson's order conv → ReLU → pool: the one path the explainer,
        the training doctor and the feature maps read (no gradients: call it under torch.inference_mode())."""
        conv1 = self.conv1(x)
        relu1 = self.relu(conv1)
        pool1 = self.pool(relu1)
        conv2 = self.conv2(pool1)
        relu2 = self.relu(conv2)
        pool2 = self.pool(relu2)
        flat = torch.flatten(pool2, 1)
        fc1 = self.relu(self.fc1(flat))
        return Activations(x, conv1, relu1, pool1, conv2, relu2, pool2, flat, fc1, self.fc2(fc1))


class ConvLayer(Enum):
    CONV1 = 1
    CONV2 = 2


@dataclass(frozen=True)
class Activations:
    """The tensors of one pass through the CNN in the lesson's order, a batch of them (torch) or, after first(),
    one image's (float32 NumPy, batch dimension dropped)."""

    x: torch.Tensor | np.ndarray  # what conv1 reads: 1×28×28 per image
    conv1: torch.Tensor | np.ndarray  # C1×28×28 before ReLU
    relu1: torch.Tensor | np.ndarray  # C1×28×28
    pool1: torch.Tensor | np.ndarray  # C1×14×14
    conv2: torch.Tensor | np.ndarray  # C2×14×14 before ReLU
    relu2: torch.Tensor | np.ndarray  # C2×14×14
    pool2: torch.Tensor | np.ndarray  # C2×7×7
    flat: torch.Tensor | np.ndarray  # C2·7·7
    fc1: torch.Tensor | np.ndarray  # hidden, after ReLU
    logits: torch.Tensor | np.ndarray  # 10

    def first(self) -> "Activations":
        """The first image's tensors as float32 NumPy arrays."""
        return Activations(*(getattr(self, f.name)[0].float().cpu().numpy() for f in fields(self)))

    def layer_input(self, layer: ConvLayer):
        return self.x if layer is ConvLayer.CONV1 else self.pool1

    def layer_output(self, layer: ConvLayer):
        """The conv layer's output before ReLU."""
        return self.conv1 if layer is ConvLayer.CONV1 else self.conv2

    def after_relu(self, layer: ConvLayer):
        return self.relu1 if layer is ConvLayer.CONV1 else self.relu2

    def pooled(self, layer: ConvLayer):
        return self.pool1 if layer is ConvLayer.CONV1 else self.pool2


def lesson_forward(self: CNN, x: torch.Tensor) -> torch.Tensor:
    """The post's forward (call it as lesson_forward(model, x)); the page runs CNN.forward.

    One addition to the post's lines: 64 * 7 * 7 is the post's conv2 of 64 maps of 7×7, so a model the page built
    with other channel counts flattens its own maps instead."""
    x = self.pool(self.relu(self.conv1(x)))
    x = self.pool(self.relu(self.conv2(x)))
    x = x.view(-1, 64 * 7 * 7) if self.conv2.out_channels == 64 else torch.flatten(x, 1)
    x = self.relu(self.fc1(x))
    x = self.fc2(x)
    return x


def difference_from_lesson(model: CNN, images: torch.Tensor, labels: torch.Tensor) -> tuple[float, float]:
    """Largest differences (outputs, gradients) between the lesson's form and the faster form the page runs, for the
    forward and backward of one batch: the same weights, the same inputs, one cross-entropy loss.

    Lesson: lesson_forward on a copy of the model in ordinary (contiguous) memory, as the post's model is. Page:
    CNN.forward (pooling before ReLU) on channels_last images.
    """

    def outputs_and_gradients(net, forward, x):
        net.zero_grad(set_to_none=True)
        outputs = forward(x)
        F.cross_entropy(outputs, labels).backward()
        return outputs.detach(), [p.grad.clone() for p in net.parameters()]

    plain = copy.deepcopy(model).to(memory_format=torch.contiguous_format)
    lesson_out, lesson_grads = outputs_and_gradients(plain, lambda x: lesson_forward(plain, x), images.contiguous())
    page_out, page_grads = outputs_and_gradients(model, model, images.contiguous(memory_format=torch.channels_last))
    model.zero_grad(set_to_none=True)
    gradient_gap = max(float((a - b).abs().max()) for a, b in zip(lesson_grads, page_grads))
    return float((lesson_out - page_out).abs().max()), gradient_gap


_seed_lock = threading.Lock()


def build_model(seed: int = 0, **config) -> CNN:
    """A freshly initialised CNN, reproducible for a seed even while other threads use torch's global RNG."""
    with _seed_lock, torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return CNN(**config)


def model_device(model: nn.Module) -> torch.device:
    return next(model.parameters()).device
