"""The numbers behind "inside the CNN" for one digit: every layer's tensor, one output pixel's convolution
arithmetic, the max-pool window that keeps it, and the softmax steps.

The model's forward pools before ReLU for speed (the two commute, so the numbers are identical); CNN.activations,
which this module reads, follows the lesson's order, conv → ReLU → pool, because that is the order the student reads.
"""

import hashlib
from dataclasses import dataclass

import numpy as np
import torch

from core.cnn.data import normalize_unit
from core.cnn.model import CNN, Activations, ConvLayer, model_device


def image_digest(image: np.ndarray) -> str:
    """A short key for one image, to cache its activations."""
    return hashlib.blake2b(np.ascontiguousarray(image, dtype=np.float32).tobytes(), digest_size=12).hexdigest()


def as_image(image) -> np.ndarray:
    """A 28×28 float32 image in [0, 1] (NaN → 0, values clipped), whatever array-like came in."""
    arr = np.asarray(image, dtype=np.float32)
    if arr.shape != (28, 28):
        raise ValueError(f"expected one 28×28 image, got shape {arr.shape}")
    return np.clip(np.nan_to_num(arr), 0.0, 1.0)


def activations(model: CNN, image) -> Activations:
    """One 28×28 image in [0, 1] through the model's layers, conv → ReLU → pool as the lesson writes it."""
    parameter = next(model.parameters())
    x = normalize_unit(torch.from_numpy(as_image(image))[None]).to(device=model_device(model), dtype=parameter.dtype)
    with torch.inference_mode():
        return model.activations(x).first()


def shapes(acts: Activations) -> list[tuple[str, tuple[int, ...]]]:
    """(stage name, tensor shape) left to right, e.g. ("input", (1, 28, 28)) … ("output", (10,))."""
    return [
        ("input", acts.x.shape),
        ("conv 3×3 + ReLU", acts.relu1.shape),
        ("max-pool 2×2", acts.pool1.shape),
        ("conv 3×3 + ReLU", acts.relu2.shape),
        ("max-pool 2×2", acts.pool2.shape),
        ("flatten", acts.flat.shape),
        ("fc + ReLU", acts.fc1.shape),
        ("fc → logits", acts.logits.shape),
    ]


@dataclass(frozen=True)
class ConvPixel:
    """How one output pixel of a conv layer is computed: Σ patch × kernel over the input channels, plus bias."""

    layer: ConvLayer
    channel: int
    row: int
    col: int
    patch: np.ndarray  # input channels × 3 × 3 (zeros where the 3×3 window hangs over the edge: padding=1)
    kernel: np.ndarray  # input channels × 3 × 3
    bias: float

    @property
    def products(self) -> np.ndarray:
        return self.patch.astype(np.float64) * self.kernel.astype(np.float64)

    @property
    def channel_sums(self) -> np.ndarray:
        """Σ over each input channel's 3×3 products: what that channel adds to the pixel."""
        return self.products.sum(axis=(1, 2))

    @property
    def total(self) -> float:
        """The conv output before ReLU: all products summed, plus the bias."""
        return float(self.products.sum() + self.bias)

    @property
    def relu(self) -> float:
        return max(self.total, 0.0)


def conv_pixel(model: CNN, acts: Activations, layer: ConvLayer, channel: int, row: int, col: int) -> ConvPixel:
    """The 3×3 (× input channels) patch around (row, col), the kernel of output channel `channel`, and the bias."""
    conv = model.conv1 if layer is ConvLayer.CONV1 else model.conv2
    source = acts.layer_input(layer)
    size = source.shape[-1]
    channel, row, col = _clamp(channel, conv.out_channels), _clamp(row, size), _clamp(col, size)
    padded = np.pad(source, ((0, 0), (1, 1), (1, 1)))
    patch = padded[:, row : row + 3, col : col + 3]
    kernel = conv.weight.detach()[channel].float().cpu().numpy()
    bias = float(conv.bias.detach()[channel])
    return ConvPixel(layer, channel, row, col, patch.copy(), kernel, bias)


@dataclass(frozen=True)
class PoolWindow:
    """The 2×2 max-pool window (after ReLU) that holds one pixel, and the value it keeps."""

    top: int
    left: int
    values: np.ndarray  # 2×2
    row: int  # the chosen pixel, in the conv output
    col: int

    @property
    def kept(self) -> float:
        return float(self.values.max())

    @property
    def pooled_row(self) -> int:
        return self.top // 2

    @property
    def pooled_col(self) -> int:
        return self.left // 2

    @property
    def chosen_is_kept(self) -> bool:
        return bool(self.values[self.row - self.top, self.col - self.left] == self.kept)


def pool_window(acts: Activations, layer: ConvLayer, channel: int, row: int, col: int) -> PoolWindow:
    relu = acts.after_relu(layer)
    channel, row, col = _clamp(channel, len(relu)), _clamp(row, relu.shape[-1]), _clamp(col, relu.shape[-1])
    top, left = row - row % 2, col - col % 2
    return PoolWindow(top, left, relu[channel, top : top + 2, left : left + 2].copy(), row, col)


@dataclass(frozen=True)
class Softmax:
    """The last layer's steps: logits z, e^z (shifted by max z when z is large), their sum, probabilities, loss."""

    logits: np.ndarray
    shift: float  # 0 unless some |z| is large; e^(z − shift) gives the same probabilities without overflow
    exps: np.ndarray
    total: float
    probabilities: np.ndarray
    label: int | None

    @property
    def prediction(self) -> int:
        return int(np.argmax(self.probabilities))

    @property
    def loss(self) -> float | None:
        """Cross-entropy for the true label: −ln p(label)."""
        if self.label is None:
            return None
        return float(-(self.logits[self.label] - self.shift - np.log(self.total)))


LARGE_LOGIT = 50.0  # e^50 ≈ 5e21 still reads as a number; beyond it the explanation subtracts max z first


def softmax(acts: Activations, label: int | None = None) -> Softmax:
    z = acts.logits.astype(np.float64)
    shift = float(z.max()) if np.abs(z).max() > LARGE_LOGIT else 0.0
    exps = np.exp(z - shift)
    total = float(exps.sum())
    label = None if label is None else _clamp(label, 10)
    return Softmax(z, shift, exps, total, exps / total, label)


def _clamp(value, size: int) -> int:
    """A whole index inside 0..size-1 (selections come from the browser and are not trusted)."""
    return min(max(int(value), 0), size - 1)
