"""Training and inference in 16 bits, kept around the lesson's loop rather than inside it: the model under
torch.autocast, and for float16 the loss scaling that keeps small gradients from rounding to zero."""

import torch
from torch import nn

from core.serving.device import Precision, resolve_precision


class Autocast:
    """The model as train_epoch and evaluate see it in a 16-bit run: its forward pass under torch.autocast, the
    logits handed back in float32 for the loss. The weights stay float32 (autocast multiplies 16-bit copies of them)
    and so does the optimizer.

    It lives here, outside train_epoch, so the recipe the page shows stays the lesson's. One autocast per batch, not
    one around the loop: autocast keeps its 16-bit copy of each weight until the context exits, so a loop inside one
    context trains on stale copies (measured: with Adam's step inside it, the loss never moved from 2.2959).
    """

    def __init__(self, model: nn.Module, precision: Precision):
        self.model, self.precision = model, precision

    def train(self, mode: bool = True):
        self.model.train(mode)
        return self

    def __call__(self, images: torch.Tensor) -> torch.Tensor:
        with torch.autocast(self.precision.device_type, dtype=self.precision.dtype):
            outputs = self.model(images)
        return outputs.float()


def forward_in(model: nn.Module, precision: Precision):
    return Autocast(model, precision) if precision.autocast else model


class ScaledBackward(torch.autograd.Function):
    """float16 only: the loss's value as it is (train_epoch's loss.item() reads the true loss), its backward
    multiplied by the GradScaler's scale, so small gradients do not round to zero in float16."""

    @staticmethod
    def forward(ctx, loss, scale):
        ctx.save_for_backward(scale)
        return loss.clone()

    @staticmethod
    def backward(ctx, gradient):
        (scale,) = ctx.saved_tensors
        return gradient * scale, None


class ScaledSteps:
    """float16 only: the optimizer as train_epoch sees it. step() unscales the gradients, skips a step whose
    gradients overflowed, and adjusts the scale (torch.amp.GradScaler); the optimizer itself is the plain one."""

    def __init__(self, optimizer, device: torch.device):
        self.optimizer, self.scaler = optimizer, torch.amp.GradScaler(device.type)
        self.one = torch.ones((), device=device)

    def criterion(self, criterion):
        return lambda outputs, labels: ScaledBackward.apply(criterion(outputs, labels), self.scaler.scale(self.one))

    def zero_grad(self) -> None:
        self.optimizer.zero_grad()

    def step(self) -> None:
        self.scaler.step(self.optimizer)
        self.scaler.update()


def resolved(precision: str | Precision, device: torch.device) -> Precision:
    return precision if isinstance(precision, Precision) else resolve_precision(precision, device)
