"""MNIST on disk: where it lives, loading it once per process, and a clear message when it is missing.

torchvision.datasets.MNIST downloads the files (and its layout, root/MNIST/raw, is the one used here); reading
the four small IDX files needs no torchvision, whose import pulls in torch._dynamo (~1 s, and far longer while
other sessions keep the interpreter busy).
"""
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

DATA_DIR_ENV = "NN_PLAYGROUND_DATA"
RAW_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)
MEAN, STD = 0.1307, 0.3081

MAX_CACHED_SPLITS = 4
_cache: dict[tuple[str, bool], tuple[torch.Tensor, torch.Tensor]] = {}
_locks: dict[str, threading.Lock] = {}
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
    try:
        return Path(root).expanduser() / "MNIST" / "raw"
    except (RuntimeError, ValueError, TypeError):  # e.g. "~nosuchuser/x"
        return Path(str(root)) / "MNIST" / "raw"


def missing_files(root) -> list[str]:
    """Raw files (uncompressed IDX) not yet present under root/MNIST/raw; all of them when the path is unusable."""
    folder = raw_dir(root)
    try:
        return [name for name in RAW_FILES if not (folder / name).is_file()]
    except (OSError, ValueError):
        return list(RAW_FILES)


def _help_message(root, reason: str) -> str:
    folder = raw_dir(root)
    files = ", ".join(RAW_FILES)
    return (
        f"MNIST is not available: {reason}\n\n"
        f"Put the four raw MNIST files ({files}; uncompressed, or as .gz next to them) in `{folder}`, "
        f"or choose another data directory (setting `{DATA_DIR_ENV}` or the field on this page), "
        "or run the app where it can reach the internet so torchvision downloads them."
    )


IDX_UBYTE = 0x08


def _read_idx(path: Path, dims: int) -> np.ndarray:
    """One uncompressed IDX file (magic 0x0000080N, big-endian sizes, then uint8 data) as an array."""
    data = path.read_bytes()
    if len(data) < 4 + 4 * dims or data[:2] != b"\0\0" or data[2] != IDX_UBYTE or data[3] != dims:
        raise ValueError(f"{path.name} is not an IDX file of uint8 with {dims} dimension(s)")
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims))
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims)
    if body.size != int(np.prod(shape)):
        raise ValueError(f"{path.name} holds {body.size:,} bytes of data where its header promises {int(np.prod(shape)):,}")
    return body.reshape(shape)


def _download(root) -> None:
    """Fetch MNIST with torchvision (imported only here: it pulls in torch._dynamo, ~1 s)."""
    from torchvision.datasets import MNIST

    for train in (True, False):
        MNIST(root=str(Path(root).expanduser()), train=train, download=True)


def _read(root, train: bool, download: bool) -> tuple[torch.Tensor, torch.Tensor]:
    prefix = "train" if train else "t10k"
    if download and missing_files(root):
        try:
            _download(root)
        except Exception as exc:
            raise MnistUnavailable(_help_message(root, f"the download failed (offline or blocked?): {type(exc).__name__}")) from exc
    if missing_files(root):
        raise MnistUnavailable(_help_message(root, f"missing {', '.join(missing_files(root))}"))
    try:
        images = _read_idx(raw_dir(root) / f"{prefix}-images-idx3-ubyte", 3)
        labels = _read_idx(raw_dir(root) / f"{prefix}-labels-idx1-ubyte", 1)
    except (OSError, ValueError) as exc:
        raise MnistUnavailable(_help_message(root, f"reading the files failed ({exc})")) from exc
    if images.shape[1:] != (28, 28) or len(images) != len(labels) or len(images) == 0:
        raise MnistUnavailable(_help_message(root, f"the files hold images of shape {images.shape} and {len(labels)} labels, not 28x28 digits with one label each"))
    if labels.max() > 9:
        raise MnistUnavailable(_help_message(root, "the label file holds values outside 0-9"))
    return torch.from_numpy(images.copy()), torch.from_numpy(labels.astype(np.int64))


def _folder_lock(key: str) -> threading.Lock:
    with _lock:
        return _locks.setdefault(key, threading.Lock())


def load_split(root, train: bool, download: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """(uint8 images N×28×28, int64 labels N), read once per process and shared read-only."""
    try:
        folder = str(raw_dir(root).resolve())
    except (OSError, RuntimeError, ValueError) as exc:
        raise MnistUnavailable(_help_message(root, f"the directory cannot be used ({exc})")) from exc
    key = (folder, bool(train))
    with _folder_lock(folder):  # one reader or downloader per folder; other folders do not wait
        if key not in _cache:
            split = _read(root, train, download and bool(missing_files(root)))
            with _lock:
                while len(_cache) >= MAX_CACHED_SPLITS:
                    _cache.pop(next(iter(_cache)))
                _cache[key] = split
        return _cache[key]


@dataclass(frozen=True)
class MnistChoice:
    """Which MNIST a run uses: the data directory's own, or the bundled sample when that one is missing."""
    root: str            # the folder torchvision.datasets.MNIST(root, download=False) loads
    bundled: bool        # True: the bundled sample stands in for the full data set
    train_count: int
    test_count: int
    note: str | None     # why the sample is used (English), None when the data directory has MNIST


def bundled_root() -> str:
    """The small real MNIST sample shipped in the repository, in torchvision's MNIST/raw layout."""
    return str(Path(__file__).resolve().parents[1] / "data" / "mnist-sample")


def choose_data(root, download: bool = True) -> MnistChoice:
    """The data directory's MNIST when it has (or can download) it, else the bundled sample."""
    try:
        train = load_split(root, train=True, download=download)
        test = load_split(root, train=False, download=download)
        return MnistChoice(str(root), False, len(train[0]), len(test[0]), None)
    except MnistUnavailable as exc:
        sample = bundled_root()
        train = load_split(sample, train=True, download=False)
        test = load_split(sample, train=False, download=False)
        return MnistChoice(sample, True, len(train[0]), len(test[0]), str(exc))


def normalize(images_uint8: torch.Tensor) -> torch.Tensor:
    """uint8 N×28×28 → float N×1×28×28 with MNIST's mean and std: the same in training and prediction."""
    return normalize_unit(images_uint8.float() / 255.0)


def normalize_unit(images: torch.Tensor) -> torch.Tensor:
    """float images in [0, 1], N×28×28 → N×1×28×28 normalised."""
    return ((images - MEAN) / STD).unsqueeze(1)
