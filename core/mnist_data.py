"""MNIST on disk: where it lives, loading it once per process, and a clear message when it is missing."""
import os
import threading
from pathlib import Path

import torch

DATA_DIR_ENV = "NN_PLAYGROUND_DATA"
RAW_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)
MEAN, STD = 0.1307, 0.3081

_cache: dict[tuple[str, bool], tuple[torch.Tensor, torch.Tensor]] = {}
_lock = threading.Lock()


class MnistUnavailable(RuntimeError):
    """MNIST could not be found or downloaded; the message says what to do."""


def default_data_dir() -> str:
    """The env var NN_PLAYGROUND_DATA, else ~/.cache/nn-playground."""
    configured = os.environ.get(DATA_DIR_ENV, "").strip()
    if configured:
        return configured
    return str(Path.home() / ".cache" / "nn-playground")


def raw_dir(root) -> Path:
    return Path(root).expanduser() / "MNIST" / "raw"


def missing_files(root) -> list[str]:
    """Raw files (uncompressed IDX) not yet present under root/MNIST/raw."""
    folder = raw_dir(root)
    return [name for name in RAW_FILES if not (folder / name).is_file()]


def _help_message(root, reason: str) -> str:
    folder = raw_dir(root)
    files = ", ".join(RAW_FILES)
    return (
        f"MNIST is not available: {reason}\n\n"
        f"Put the four raw MNIST files ({files}; uncompressed, or as .gz next to them) in `{folder}`, "
        f"or choose another data directory (setting `{DATA_DIR_ENV}` or the field on this page), "
        "or run the app where it can reach the internet so torchvision downloads them."
    )


def _read(root, train: bool, download: bool) -> tuple[torch.Tensor, torch.Tensor]:
    from torchvision.datasets import MNIST

    try:
        dataset = MNIST(root=str(Path(root).expanduser()), train=train, download=download)
        images, labels = dataset.data, dataset.targets
    except Exception as exc:
        reason = "the download failed (offline or blocked?)" if download and missing_files(root) else f"reading the files failed ({type(exc).__name__}: {exc})"
        raise MnistUnavailable(_help_message(root, reason)) from exc
    if images.dtype != torch.uint8 or images.ndim != 3 or tuple(images.shape[1:]) != (28, 28) or len(images) != len(labels) or len(images) == 0:
        raise MnistUnavailable(_help_message(root, f"the files hold images of shape {tuple(images.shape)} and {len(labels)} labels, not 28x28 digits with one label each"))
    if int(labels.min()) < 0 or int(labels.max()) > 9:
        raise MnistUnavailable(_help_message(root, "the label file holds values outside 0-9"))
    return images.contiguous(), labels.long().contiguous()


def load_split(root, train: bool, download: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """(uint8 images N×28×28, int64 labels N), read once per process and shared read-only."""
    key = (str(Path(root).expanduser().resolve()), bool(train))
    with _lock:
        if key not in _cache:
            _cache[key] = _read(root, train, download and bool(missing_files(root)))
        return _cache[key]


def normalize(images_uint8: torch.Tensor) -> torch.Tensor:
    """uint8 N×28×28 → float N×1×28×28 with MNIST's mean and std: the same in training and prediction."""
    return normalize_unit(images_uint8.float() / 255.0)


def normalize_unit(images: torch.Tensor) -> torch.Tensor:
    """float images in [0, 1], N×28×28 → N×1×28×28 normalised."""
    return ((images - MEAN) / STD).unsqueeze(1)
