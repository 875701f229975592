"""MNIST on disk: where it lives, loading it once per process, and a clear message when it is missing.

torchvision.datasets.MNIST downloads the files (and its layout, root/MNIST/raw, is the one used here); reading
the four small IDX files needs no torchvision, whose import pulls in torch._dynamo (~1 s, and far longer while
other sessions keep the interpreter busy).
"""

import gzip
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from core.errors import UserError

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


class MnistUnavailable(UserError, RuntimeError):
    """MNIST could not be found or downloaded; the message names the folder, the files and what to do."""


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
    """Raw files (IDX, unpacked or .gz) not yet present under root/MNIST/raw; all of them when the path is unusable."""
    folder = raw_dir(root)
    try:
        return [name for name in RAW_FILES if not ((folder / name).is_file() or (folder / f"{name}.gz").is_file())]
    except (OSError, ValueError):
        return list(RAW_FILES)


# What to do, said the same way after every reason: the folder, the four files, where they come from, and that
# the bundled sample stands in meanwhile. Each reason + WHAT_TO_DO is one template, translated whole.
WHAT_TO_DO = (
    " Put the four MNIST files {files} (from the MNIST database by LeCun, Cortes and Burges, "
    "yann.lecun.com/exdb/mnist; unpacked, or as .gz beside them) in {folder}, or press Download where the "
    "app can reach the internet. Meanwhile the bundled 8,000-image sample is used; Train never downloads."
)
REASONS = {
    "offline": "MNIST is not in this directory and could not be downloaded (offline or blocked?).",
    "missing": "MNIST is not in this directory yet (missing: {missing}).",
    "unusable": "The data directory cannot be used ({detail}).",
    "unreadable": "The MNIST files here could not be read ({detail}).",
    "malformed": "The MNIST files here do not hold 28×28 digits with one label 0–9 each ({detail}).",
}
MISSING_TEMPLATES = tuple(reason + WHAT_TO_DO for reason in REASONS.values())


def _unavailable(root, reason: str, **values) -> MnistUnavailable:
    return MnistUnavailable(
        REASONS[reason] + WHAT_TO_DO, folder=str(raw_dir(root)), files=", ".join(RAW_FILES), **values
    )


IDX_UBYTE = 0x08
DOWNLOAD_RETRY_S = 600  # after a failed download, a folder is not tried again for 10 minutes (each try can take ~30 s)
_failed_downloads: dict[str, float] = {}


def _file_bytes(folder: Path, name: str) -> bytes:
    """A raw file's bytes, unpacked, or read through gzip when only name.gz is there (as MNIST's own site serves it)."""
    if (folder / name).is_file():
        return (folder / name).read_bytes()
    with gzip.open(folder / f"{name}.gz", "rb") as packed:
        return packed.read(MAX_IDX_BYTES + 1)


def _read_idx(path: Path, dims: int) -> np.ndarray:
    """One IDX file (magic 0x0000080N, big-endian sizes, then uint8 data) as an array."""
    data = _file_bytes(path.parent, path.name)
    if len(data) < 4 + 4 * dims or data[:2] != b"\0\0" or data[2] != IDX_UBYTE or data[3] != dims:
        raise ValueError(f"{path.name} is not an IDX file of uint8 with {dims} dimension(s)")
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims))
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims)
    if body.size != int(np.prod(shape)):
        raise ValueError(
            f"{path.name} holds {body.size:,} bytes of data where its header promises {int(np.prod(shape)):,}"
        )
    return body.reshape(shape)


def _download(root) -> None:
    """Fetch MNIST with torchvision (imported only here: it pulls in torch._dynamo, ~1 s)."""
    from torchvision.datasets import MNIST

    for train in (True, False):
        MNIST(root=str(Path(root).expanduser()), train=train, download=True)


def _download_failed_recently(folder: str) -> bool:
    failed_at = _failed_downloads.get(folder)
    return failed_at is not None and time.monotonic() - failed_at < DOWNLOAD_RETRY_S


def forget_failed_download(root) -> None:
    """Let the next load try the download again at once (the data line's Download button)."""
    _failed_downloads.pop(str(raw_dir(root)), None)


def _read(root, train: bool, download: bool) -> tuple[torch.Tensor, torch.Tensor]:
    prefix = "train" if train else "t10k"
    folder = str(raw_dir(root))
    if missing_files(root):
        if not download or _download_failed_recently(folder):
            reason = "offline" if _download_failed_recently(folder) else "missing"
            raise _unavailable(root, reason, missing=", ".join(missing_files(root)))
        try:
            _download(root)
        except Exception as exc:
            _failed_downloads[folder] = time.monotonic()
            raise _unavailable(root, "offline") from exc
        if missing_files(root):
            raise _unavailable(root, "missing", missing=", ".join(missing_files(root)))
    try:
        images = _read_idx(raw_dir(root) / f"{prefix}-images-idx3-ubyte", 3)
        labels = _read_idx(raw_dir(root) / f"{prefix}-labels-idx1-ubyte", 1)
    except (OSError, ValueError, EOFError) as exc:
        raise _unavailable(root, "unreadable", detail=str(exc)) from exc
    if images.shape[1:] != (28, 28) or len(images) != len(labels) or len(images) == 0:
        detail = f"{prefix}: images of shape {images.shape}, {len(labels)} labels"
        raise _unavailable(root, "malformed", detail=detail)
    if labels.max() > 9:
        raise _unavailable(root, "malformed", detail=f"{prefix}-labels-idx1-ubyte holds values outside 0-9")
    return torch.from_numpy(images.copy()), torch.from_numpy(labels.astype(np.int64))


def _folder_lock(key: str) -> threading.Lock:
    with _lock:
        return _locks.setdefault(key, threading.Lock())


def load_split(root, train: bool, download: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """(uint8 images N×28×28, int64 labels N), read once per process and shared read-only."""
    try:
        folder = str(raw_dir(root).resolve())
    except (OSError, RuntimeError, ValueError) as exc:
        raise _unavailable(root, "unusable", detail=str(exc)) from exc
    key = (folder, bool(train))
    if key in _cache:
        return _cache[key]
    with _folder_lock(folder):  # one reader or downloader per folder; other folders do not wait
        if key not in _cache:
            split = _read(root, train, download)
            with _lock:
                while len(_cache) >= MAX_CACHED_SPLITS:
                    _cache.pop(next(iter(_cache)))
                _cache[key] = split
        return _cache[key]


@dataclass(frozen=True)
class MnistChoice:
    """Which MNIST a run uses: the data directory's own, or the bundled sample when that one is missing."""

    root: str  # the folder torchvision.datasets.MNIST(root, download=False) loads
    bundled: bool  # True: the bundled sample stands in for the full data set
    train_count: int
    test_count: int
    note: str | None  # why the sample is used (English), None when the data directory has MNIST
    problem: MnistUnavailable | None = None  # the same as an error the page translates (ui.common.error_text)


SAMPLE_FOLDER = Path(__file__).resolve().parents[2] / "data" / "mnist-sample"
SAMPLE_COUNTS = {"train": 8000, "t10k": 2000}
MAX_IDX_BYTES = 60_000 * 28 * 28 + 16  # the largest MNIST file; a .gz never unpacks to more
_sample_lock = threading.Lock()


def _sample_file_size(name: str) -> int:
    """Bytes of an unpacked sample file: a 16-byte header and 784 bytes an image, or 8 bytes and 1 a label."""
    count = SAMPLE_COUNTS[name.split("-")[0]]
    return 16 + 784 * count if "images" in name else 8 + count


def _sample_is_unpacked(folder: Path) -> bool:
    try:
        return all((folder / name).stat().st_size == _sample_file_size(name) for name in RAW_FILES)
    except OSError:
        return False


def _unpack_sample(target: Path) -> None:
    """gunzip the repository's sample into target/MNIST/raw; each file appears whole (written aside, then renamed)."""
    raw = target / "MNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for name in RAW_FILES:
        data = _file_bytes(SAMPLE_FOLDER / "MNIST" / "raw", name)
        partial = raw / f"{name}.{os.getpid()}.{threading.get_ident()}.part"
        partial.write_bytes(data)
        os.replace(partial, raw / name)


def _sample_cache_dirs() -> list[Path]:
    """Where the unpacked sample may go: the user's cache, else the temp folder (a read-only home on a server)."""
    return [Path.home() / ".cache" / "nn-playground-sample", Path(tempfile.gettempdir()) / "nn-playground-sample"]


def bundled_root() -> str:
    """The small real MNIST sample shipped in the repository (8,000 training and 2,000 test images, MNIST/raw layout).

    The repository keeps it gzipped (1.6 MB); torchvision's MNIST(download=False) reads only unpacked files, so the
    first call unpacks them (7.8 MB) into a cache folder and returns that; later calls only check it is still there.
    """
    if _sample_is_unpacked(SAMPLE_FOLDER / "MNIST" / "raw"):
        return str(SAMPLE_FOLDER)
    with _sample_lock:
        problems = []
        for target in _sample_cache_dirs():
            if _sample_is_unpacked(target / "MNIST" / "raw"):
                return str(target)
            try:
                _unpack_sample(target)
            except OSError as exc:
                problems.append(f"{target}: {exc}")
                continue
            if _sample_is_unpacked(target / "MNIST" / "raw"):
                return str(target)
    raise OSError("the bundled MNIST sample could not be unpacked: " + "; ".join(problems))


def choose_data(root, download: bool = True) -> MnistChoice:
    """The data directory's MNIST when it has (or can download) it, else the bundled sample.

    Cheap when called again: loaded splits are kept, and a failed download is not retried for DOWNLOAD_RETRY_S.
    """
    try:
        train = load_split(root, train=True, download=download)
        test = load_split(root, train=False, download=download)
        return MnistChoice(str(root), False, len(train[0]), len(test[0]), None)
    except MnistUnavailable as exc:
        sample = bundled_root()
        train = load_split(sample, train=True, download=False)
        test = load_split(sample, train=False, download=False)
        return MnistChoice(sample, True, len(train[0]), len(test[0]), str(exc), exc)


def normalize(images_uint8: torch.Tensor) -> torch.Tensor:
    """uint8 N×28×28 → float N×1×28×28 with MNIST's mean and std: the same in training and prediction."""
    return normalize_unit(images_uint8.float() / 255.0)


def normalize_unit(images: torch.Tensor) -> torch.Tensor:
    """float images in [0, 1], N×28×28 → N×1×28×28 normalised."""
    return ((images - MEAN) / STD).unsqueeze(1)
