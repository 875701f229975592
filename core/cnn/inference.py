"""The trained CNN at work: test accuracy, class probabilities, feature maps and saliency for images."""

import numpy as np
import torch
from torch import nn

from core.cnn.data import normalize, normalize_unit
from core.cnn.mixed_precision import forward_in, resolved
from core.cnn.model import CNN, model_device
from core.serving.device import Precision
from core.serving.memory import keep_freed_memory

# Keeps conv1's output (250×32×28×28 floats, 25 MB) under glibc's mmap threshold: see
# core.serving.memory.keep_freed_memory.
EVAL_BATCH = 250


def _inference_ready(model: nn.Module) -> torch.device:
    """Put the weights in channels_last, as training leaves them, so a reloaded model predicts bit for bit the same."""
    model.to(memory_format=torch.channels_last)
    return model_device(model)


def evaluate(
    model: nn.Module, images: torch.Tensor, labels: torch.Tensor, precision: str | Precision = "float32"
) -> tuple[float, torch.Tensor]:
    """(accuracy, predicted labels on the CPU) for uint8 images, in large inference batches.

    precision: as train()'s; train() evaluates in the precision it trains in, the pages in float32 by default."""
    keep_freed_memory()
    device = _inference_ready(model)
    forward = forward_in(model, resolved(precision, device))
    was_training = model.training
    model.eval()
    predictions = []
    with torch.inference_mode():
        for start in range(0, len(images), EVAL_BATCH):
            batch = normalize(images[start : start + EVAL_BATCH].to(device)).contiguous(
                memory_format=torch.channels_last
            )
            predictions.append(forward(batch).argmax(1))
    model.train(was_training)
    predicted = torch.cat(predictions).cpu()
    return float((predicted == labels.cpu()).float().mean()), predicted


def _as_unit_images(images) -> torch.Tensor:
    arr = np.asarray(images, dtype=np.float32)
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim != 3 or arr.shape[1:] != (28, 28):
        raise ValueError(f"expected images of shape (N, 28, 28), got {arr.shape}")
    return torch.from_numpy(np.clip(np.nan_to_num(arr), 0.0, 1.0))


def predict_proba(model: nn.Module, images, precision: str = "float32") -> np.ndarray:
    """Float (N, 28, 28) in [0, 1], white digit on black → (N, 10) class probabilities.

    precision: as train()'s. The Draw page keeps float32: for one image the time is overhead, not arithmetic, and
    autocast adds a 16-bit copy of every weight per call."""
    device = _inference_ready(model)
    forward = forward_in(model, resolved(precision, device))
    dtype = next(model.parameters()).dtype
    x = (
        normalize_unit(_as_unit_images(images))
        .to(device=device, dtype=dtype)
        .contiguous(memory_format=torch.channels_last)
    )
    was_training = model.training
    model.eval()
    with torch.inference_mode():
        probabilities = torch.softmax(forward(x).float(), dim=1).cpu().numpy()
    model.train(was_training)
    return probabilities


def feature_maps(model: CNN, image) -> tuple[np.ndarray, np.ndarray]:
    """Activations of conv1 (C1×28×28) and conv2 (C2×14×14), after ReLU, for one image in [0, 1]."""
    parameter = next(model.parameters())
    x = normalize_unit(_as_unit_images(image)).to(device=parameter.device, dtype=parameter.dtype)
    with torch.inference_mode():
        acts = model.activations(x).first()
    return acts.relu1, acts.relu2


def saliency(model: CNN, image, label: int | None = None) -> np.ndarray:
    """|d logit / d pixel| for the predicted (or given) class: the pixels that pushed the decision."""
    parameter = next(model.parameters())
    x = normalize_unit(_as_unit_images(image)).to(device=parameter.device, dtype=parameter.dtype).requires_grad_(True)
    was_training = model.training
    model.eval()
    with torch.enable_grad():
        logits = model(x)
        target = int(logits.argmax(1)) if label is None else int(label)
        (gradient,) = torch.autograd.grad(logits[0, target], x)
    model.train(was_training)
    return gradient[0, 0].abs().float().cpu().numpy()
