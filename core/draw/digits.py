"""Turn a drawing or a photo of a digit into the 28x28 image an MNIST model expects."""

import numpy as np
from PIL import Image, ImageFilter

from core.draw.image_file import MAX_UPLOAD_SIDE, ImageError, read_image_file  # noqa: F401  (the page calls digits.read_image_file)

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
# Photos of paper (dark ink on a light ground) are worked on at this size: a digit needs no more, and the background
# estimate stays cheap (a 320-px photo: ~15 ms).
PHOTO_SIZE = 320
DARK_GROUND = 0.3  # a picture whose frame is darker than this is light strokes on a dark ground (the canvas);
# paper in a deep shadow is still lighter
GRAIN_BLUR = 1.0  # px at PHOTO_SIZE: smooths paper grain and JPEG noise before judging darkness
PAPER_WINDOW = 0.2  # the paper-brightness window, as a fraction of the shorter side: wider than a pen stroke
MIN_DARKENING = 0.12  # a photo whose darkest mark is < 12% darker than its paper holds no ink
INK_FROM, INK_FULL = 0.45, 0.75  # darkening, as a fraction of the strongest, where ink starts and where it is full
SPECK = 0.08  # ink blobs under 8% of the largest one's area are specks, not part of the digit
MIN_PEN, PEN = 2.3, 2.8  # pen width in the 20-px box: thinner than MIN_PEN is widened to about PEN


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
    """How much ink each pixel holds, 0..1: light strokes on dark (the canvas), strokes on transparency, or dark ink
    on paper (a photo)."""
    rgba = _as_float_channels(image)
    alpha = rgba[:, :, 3]
    if np.median(_border(alpha)) < 0.5:  # strokes on a transparent layer: the paint's coverage is the ink
        ink = _shrink(alpha)
    else:  # an opaque picture (a few transparent pixels are treated as white paper)
        gray = rgba[:, :, :3] @ np.array([0.299, 0.587, 0.114], np.float32)
        gray = gray * alpha + (1.0 - alpha)
        if float(np.median(_border(gray))) < DARK_GROUND:  # light strokes on a dark ground: the drawing canvas
            ink = _shrink(gray)
        else:  # dark ink on paper, however unevenly lit: a photo or a scan
            ink = _keep_marks(ink_on_paper(_shrink(gray, PHOTO_SIZE)))
    return _stretch(ink)


def _stretch(ink: np.ndarray) -> np.ndarray:
    """Map the background's level to 0 and the strongest ink to 1, so faint and strong pens look alike."""
    background = float(np.median(_border(ink)))
    peak = float(ink.max())
    if peak - background < 0.15:
        return np.zeros_like(ink)
    floor = background + INK_LEVEL * (peak - background)
    return np.clip((ink - floor) / (peak - floor), 0.0, 1.0)


def ink_on_paper(gray: np.ndarray) -> np.ndarray:
    """Ink in a photo of paper: how much darker each pixel is than the paper around it, thresholded.

    Light falls unevenly on paper (gradients, shadows with hard or soft edges), so the paper's brightness is
    estimated locally, as the brightest level in a window wider than any pen stroke (a grey closing: strokes vanish,
    shadows stay, edges and all), and ink is the darkening relative to it. A shadow darkens paper and ink alike, so it
    is not ink; ruled lines and paper grain darken far less than ink, so the threshold drops them.
    """
    smooth = _blur(gray, GRAIN_BLUR * max(gray.shape) / PHOTO_SIZE)
    paper = _closing(smooth, _odd(PAPER_WINDOW * min(gray.shape)))
    darkening = np.clip(1.0 - smooth / np.maximum(paper, 1e-3), 0.0, 1.0)
    peak = float(darkening.max())
    if peak < MIN_DARKENING:
        return np.zeros_like(darkening)
    low, high = INK_FROM * peak, INK_FULL * peak
    return np.clip((darkening - low) / (high - low), 0.0, 1.0)


def _odd(size: float) -> int:
    return max(3, int(size) // 2 * 2 + 1)


def _blur(values: np.ndarray, radius: float) -> np.ndarray:
    """Gaussian blur with sigma `radius` px (PIL's blur, on 8 bits: enough to smooth grain)."""
    if radius < 0.3:
        return values
    image = Image.fromarray(np.uint8(np.clip(values, 0.0, 1.0) * 255 + 0.5))
    return np.asarray(image.filter(ImageFilter.GaussianBlur(radius)), np.float32) / 255


def _max_1d(values: np.ndarray, size: int) -> np.ndarray:
    """The largest value in a centred window of `size` along the last axis, edges repeated, in a few passes
    whatever the size (van Herk / Gil-Werman: running maxima forwards and backwards within blocks of `size`)."""
    n, half = values.shape[-1], size // 2
    blocks = -(-(n + 2 * half) // size)
    padded = np.pad(values, [(0, 0)] * (values.ndim - 1) + [(half, blocks * size - n - half)], mode="edge")
    chunks = padded.reshape(*values.shape[:-1], blocks, size)
    forward = np.maximum.accumulate(chunks, axis=-1).reshape(padded.shape)
    backward = np.maximum.accumulate(chunks[..., ::-1], axis=-1)[..., ::-1].reshape(padded.shape)
    return np.maximum(backward[..., :n], forward[..., size - 1 : size - 1 + n])


def _max_filter(values: np.ndarray, size: int) -> np.ndarray:
    """The largest value in a size×size square around each pixel."""
    return _max_1d(_max_1d(values, size).T, size).T


def _closing(values: np.ndarray, size: int) -> np.ndarray:
    """Grey closing with a size×size square: a max filter, then a min filter."""
    return -_max_filter(-_max_filter(values, size), size)


def _shrink(ink: np.ndarray, longest: int = WORKING_SIZE) -> np.ndarray:
    """Bring a large image down to a working size so preprocessing stays fast."""
    if max(ink.shape) <= longest:
        return ink
    scale = longest / max(ink.shape)
    size = (max(1, round(ink.shape[1] * scale)), max(1, round(ink.shape[0] * scale)))
    return np.asarray(Image.fromarray(ink.astype(np.float32), mode="F").resize(size, Image.Resampling.BOX))


def _stroke_width(box: np.ndarray) -> float:
    """The pen's width in pixels, estimated as twice the ink's area over its outline (a stroke of width w and
    length L has area wL and an outline of about 2L)."""
    mask = box > 0.5
    padded = np.pad(mask, 1)
    inside = padded[1:-1, 1:-1] & padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2] & padded[1:-1, 2:]
    outline = int((mask & ~inside).sum())
    return 2.0 * float(mask.sum()) / max(outline, 1)


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's horizontal runs of True: their row, first and last column (inclusive), in reading order."""
    padded = np.pad(mask, ((0, 0), (1, 1))).astype(np.int8)
    step = np.diff(padded, axis=1)
    rows, starts = np.nonzero(step == 1)
    _, ends = np.nonzero(step == -1)
    return rows, starts, ends - 1


def _root(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]  # path halving: the trees stay shallow, the whole labelling near-linear
        i = parent[i]
    return i


def _join_rows(parent: list[int], rows, starts, ends) -> None:
    """Merge each run with the runs of the row above that touch it, diagonals included (8-connectivity). The runs
    above that touch a run are a contiguous range, found by binary search, so the work is O(runs log runs)."""
    order = np.arange(len(rows))
    for r in np.unique(rows)[1:]:
        above = order[rows == r - 1]
        if not len(above):
            continue
        first = np.searchsorted(ends[above], starts[rows == r] - 1)  # first run above ending at or after start-1
        last = np.searchsorted(starts[above], ends[rows == r] + 1, side="right")  # runs starting by end+1
        for run, lo, hi in zip(order[rows == r].tolist(), first.tolist(), last.tolist()):
            for other in above[lo:hi].tolist():
                a, b = _root(parent, run), _root(parent, other)
                if a != b:
                    parent[max(a, b)] = min(a, b)


def label_blobs(mask: np.ndarray) -> np.ndarray:
    """Connected blobs of a boolean mask (8-connectivity) → int labels, 0 for background, in one pass over the
    mask's runs. The label-spreading loop this replaces repeated once per pixel of the longest path: a 1.8 kB
    "serpentine" PNG (one-pixel ink corridors) made it loop 4,853 times, 1.7 s of CPU in-process; this takes a few
    ms on it (tests/test_digits.py)."""
    rows, starts, ends = _runs(mask)
    parent = list(range(len(rows)))
    _join_rows(parent, rows, starts, ends)
    roots = np.array([_root(parent, i) for i in range(len(rows))], np.int64) + 1
    labels = np.zeros(mask.shape, np.int64)
    lengths = ends - starts + 1
    flat = np.repeat(rows * mask.shape[1] + starts, lengths) + _offsets_within(lengths)
    labels.ravel()[flat] = np.repeat(roots, lengths)
    return labels


def _offsets_within(lengths: np.ndarray) -> np.ndarray:
    """0, 1, …, n-1 for each run of length n, concatenated."""
    total = int(lengths.sum())
    firsts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.arange(total) - firsts


def _keep_marks(ink: np.ndarray) -> np.ndarray:
    """Drop what is not the digit: specks (grain, dust, JPEG blocks that passed the threshold) under SPECK of the
    largest blob's area, and blobs cut by the photo's edge (a shadow's corner, the paper's edge) other than the
    largest, so they do not stretch the digit's crop. Blobs are found at a third of the size, labelled once."""
    h, w = ink.shape
    mask = np.pad(ink > CROP_LEVEL, ((0, -h % 3), (0, -w % 3)))
    small = mask.reshape(mask.shape[0] // 3, 3, mask.shape[1] // 3, 3).any(axis=(1, 3))
    labels = label_blobs(small)
    ids, areas = np.unique(labels[small], return_counts=True)
    if len(ids) < 2:
        return ink
    edge = np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])
    kept = np.append(ids[(areas >= SPECK * areas.max()) & ~np.isin(ids, edge)], ids[areas.argmax()])
    keep = np.isin(labels, kept).repeat(3, 0).repeat(3, 1)[:h, :w]
    return ink * keep


def _thicken(crop: np.ndarray) -> np.ndarray:
    """Widen a thin pen's strokes to MNIST's: in the 20-px box MNIST's pen is 2.3-4.1 px wide (5th-90th percentile
    of this estimate on the test digits), a ballpoint in a photo often under 1 px, which the CNN never saw."""
    width = _stroke_width(crop) * DIGIT_BOX / max(crop.shape)
    if width >= MIN_PEN:
        return crop
    grow = _odd((PEN - width) * max(crop.shape) / DIGIT_BOX)
    return _max_filter(crop, grow)


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
    return ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


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
    out[top : top + h, left : left + w] = box
    return out


def preprocess(rgba) -> np.ndarray | None:
    """Canvas RGBA (H, W, 4) uint8 → (28, 28) float32 in [0, 1], white digit on black, MNIST-style; None if blank."""
    ink = ink_map(rgba)
    if is_blank(ink):
        return None
    return _place(_fit_box(_thicken(_crop_to_ink(ink))))


def plain_resize(rgba) -> np.ndarray:
    """What a naive pipeline feeds the model: the whole canvas squashed to 28x28, no cropping or centring."""
    ink = ink_map(rgba)
    small = Image.fromarray(ink.astype(np.float32), mode="F").resize(
        (MNIST_SIZE, MNIST_SIZE), Image.Resampling.BILINEAR
    )
    return np.clip(np.asarray(small, dtype=np.float32), 0.0, 1.0)
