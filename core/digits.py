"""Turn a drawing or a photo of a digit into the 28x28 image an MNIST model expects."""
import numpy as np
from PIL import Image

from core.image_file import MAX_UPLOAD_SIDE, ImageError, read_image_file  # noqa: F401  (the page calls digits.read_image_file)

MNIST_SIZE = 28
DIGIT_BOX = 20
# Real MNIST digits have their centre of mass at row/column 14.0 (measured on mini-MNIST:
# mean 13.99 and 14.01, std 0.29), the centre of the 28x28 field as MNIST placed it.
CENTRE = 14.0
INK_LEVEL = 0.1
CROP_LEVEL = 0.2
MIN_INK_FRACTION = 0.002
MIN_EXTENT_FRACTION = 0.05
WORKING_SIZE = 560


def _as_float_channels(image) -> np.ndarray:
    """Any (H, W), (H, W, 1|3|4) array → float (H, W, 4) RGBA in [0, 1]."""
    arr = np.asarray(image)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    if arr.ndim != 3 or arr.shape[2] not in (1, 3, 4) or arr.shape[0] < 2 or arr.shape[1] < 2:
        raise ValueError(f"expected an (H, W, 4) RGBA image, got an array of shape {arr.shape}")
    if arr.dtype == np.uint8:
        arr = arr.astype(np.float32) / 255.0
    elif arr.dtype == np.uint16:
        arr = arr.astype(np.float32) / 65535.0
    elif arr.dtype == bool:
        arr = arr.astype(np.float32)
    else:
        arr = arr.astype(np.float32)
        top = np.nanmax(arr) if arr.size else 0.0
        arr = np.nan_to_num(arr / 255.0 if top > 1.0 else arr, nan=0.0, posinf=1.0, neginf=0.0)
    arr = np.clip(arr, 0.0, 1.0)
    if arr.shape[2] == 1:
        arr = np.repeat(arr, 3, axis=2)
    if arr.shape[2] == 3:
        arr = np.concatenate([arr, np.ones(arr.shape[:2] + (1,), np.float32)], axis=2)
    return arr


def _border(values: np.ndarray) -> np.ndarray:
    """The pixels of an image's outer frame, 5% of each side thick."""
    h, w = values.shape
    t = max(1, h // 20)
    s = max(1, w // 20)
    return np.concatenate([values[:t].ravel(), values[-t:].ravel(), values[:, :s].ravel(), values[:, -s:].ravel()])


def ink_map(image) -> np.ndarray:
    """How much ink each pixel holds, 0..1, whatever the colours: light-on-dark, dark-on-light or strokes on transparency."""
    rgba = _as_float_channels(image)
    alpha = rgba[:, :, 3]
    if np.median(_border(alpha)) < 0.5:  # strokes on a transparent layer: the paint's coverage is the ink
        ink = alpha
    else:  # an opaque picture (a few transparent pixels are treated as white paper)
        gray = rgba[:, :, :3] @ np.array([0.299, 0.587, 0.114], np.float32)
        gray = gray * alpha + (1.0 - alpha)
        background = float(np.median(_border(gray)))
        ink = 1.0 - gray if background > 0.5 else gray
    background = float(np.median(_border(ink)))
    peak = float(ink.max())
    if peak - background < 0.15:
        return np.zeros_like(ink)
    floor = background + INK_LEVEL * (peak - background)
    return np.clip((ink - floor) / (peak - floor), 0.0, 1.0)


def _shrink(ink: np.ndarray) -> np.ndarray:
    """Bring a large photo down to a working size so preprocessing stays fast."""
    longest = max(ink.shape)
    if longest <= WORKING_SIZE:
        return ink
    scale = WORKING_SIZE / longest
    size = (max(1, round(ink.shape[1] * scale)), max(1, round(ink.shape[0] * scale)))
    return np.asarray(Image.fromarray(ink, mode="F").resize(size, Image.Resampling.BOX))


def is_blank(ink: np.ndarray) -> bool:
    """True when there is too little ink to be a digit."""
    mask = ink > 0.5
    if mask.sum() < max(4, MIN_INK_FRACTION * ink.size):
        return True
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    extent = max(rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1)
    return extent < MIN_EXTENT_FRACTION * max(ink.shape)


def _crop_to_ink(ink: np.ndarray) -> np.ndarray:
    """The bounding box of the clear ink (faint specks and anti-aliasing fringes do not stretch it)."""
    mask = ink > CROP_LEVEL
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    return ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]


def _fit_box(crop: np.ndarray) -> np.ndarray:
    """Scale so the longer side is 20 px, keeping the aspect ratio, with anti-aliasing."""
    h, w = crop.shape
    scale = DIGIT_BOX / max(h, w)
    size = (max(1, min(DIGIT_BOX, round(w * scale))), max(1, min(DIGIT_BOX, round(h * scale))))
    small = np.asarray(Image.fromarray(crop.astype(np.float32), mode="F").resize(size, Image.Resampling.LANCZOS))
    small = np.clip(small, 0.0, None)
    return np.clip(small / max(float(small.max()), 1e-6), 0.0, 1.0)


def _centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    total = image.sum()
    rows, cols = np.indices(image.shape)
    return float((rows * image).sum() / total), float((cols * image).sum() / total)


def _place(box: np.ndarray) -> np.ndarray:
    """Paste the box into 28x28 so its centre of mass lands on the centre, never cutting ink off."""
    h, w = box.shape
    cy, cx = _centre_of_mass(box)
    top = int(np.clip(round(CENTRE - cy), 0, MNIST_SIZE - h))
    left = int(np.clip(round(CENTRE - cx), 0, MNIST_SIZE - w))
    out = np.zeros((MNIST_SIZE, MNIST_SIZE), np.float32)
    out[top:top + h, left:left + w] = box
    return out


def preprocess(rgba) -> np.ndarray | None:
    """Canvas RGBA (H, W, 4) uint8 → (28, 28) float32 in [0, 1], white digit on black, MNIST-style; None if blank."""
    ink = _shrink(ink_map(rgba))
    if is_blank(ink):
        return None
    return _place(_fit_box(_crop_to_ink(ink)))


def plain_resize(rgba) -> np.ndarray:
    """What a naive pipeline feeds the model: the whole canvas squashed to 28x28, no cropping or centring."""
    ink = ink_map(rgba)
    small = Image.fromarray(ink.astype(np.float32), mode="F").resize((MNIST_SIZE, MNIST_SIZE), Image.Resampling.BILINEAR)
    return np.clip(np.asarray(small, dtype=np.float32), 0.0, 1.0)
