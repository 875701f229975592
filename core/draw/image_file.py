"""Reading an uploaded image file into an RGBA array, with its cost judged from the header before anything is decoded.

Image.open reads only the header: format, mode and size. From those the decoded size is known, so anything that would
cost too much is refused before a pixel is decoded, a JPEG is decoded at 1/2, 1/4 or 1/8 scale (Image.draft), and
everything is shrunk in its own mode before it is converted (a 16-bit 6000×6000 PNG once cost +720 MB through a
float64 copy; a 32-bit TIFF renamed .png +780 MB).
"""

import io
import struct

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import UserError

MAX_UPLOAD_SIDE = 1000
MAX_UPLOAD_PIXELS = 40_000_000
MAX_DECODE_BYTES = 64 * 2**20  # decoded pixels held at once, before the image is shrunk
# libjpeg keeps every DCT coefficient of the full-size image (2 bytes per sample) for a progressive or multi-scan
# JPEG, whatever the scale it decodes to: a 48 MP progressive photo cost +151 MB (4:2:0) and +289 MB (4:4:4).
MAX_JPEG_COEFFICIENT_BYTES = 128 * 2**20
MIN_SIDE = 8
MAX_ASPECT = 20
# Bytes per pixel held at once for each mode Pillow decodes a PNG or JPEG into: the decoded pixels, the copy made
# when a mode is converted before it can be shrunk well (a palette is shrunk as RGBA, a bilevel image as grey), and
# the premultiplied copy Pillow's resize makes of an image with alpha (RGBA 4000×4000 measured +143 MB).
DECODE_COST = {
    "1": 2,
    "L": 1,
    "LA": 8,
    "P": 9,
    "PA": 12,
    "RGB": 4,
    "RGBA": 8,
    "CMYK": 4,
    "YCbCr": 4,
    "I;16": 2,
    "I;16B": 2,
    "I;16L": 2,
    "I": 4,
}
CONVERT_FIRST = {"1": "L", "P": "RGBA", "PA": "RGBA"}
# CPU, not memory: each progressive scan passes over the whole image (a 125 kB 4000×4000 JPEG repeating one scan
# 1,000 times took 9.5 s to decode), and Pillow reads PNG chunks one by one in Python (800,000 empty chunks: 2 s).
# Pillow also reads a JPEG's segments before its first scan in Python (2,000,000 empty comments: 1.9 s).
# An ordinary progressive JPEG has about 10 scans and fewer than 300 segments before the first (255 ICC parts at
# most); libpng writes 8 kB chunks (1,280 for a 10 MB file).
MAX_JPEG_SCAN_PIXELS = 10 * MAX_UPLOAD_PIXELS
MAX_JPEG_SEGMENTS = 1_000
MAX_PNG_CHUNKS = 20_000
FORMATS = ("PNG", "JPEG")  # what the uploader offers; MPO is how Pillow names many phone cameras' JPEGs


class ImageError(UserError):
    """An uploaded file that cannot be read as an image of a digit (a ValueError)."""


NOT_AN_IMAGE = "That file is not an image this app can read; upload a PNG or JPEG of one digit."


def read_image_file(data: bytes, max_bytes: int = 10 * 1024 * 1024) -> np.ndarray:
    """Decode an uploaded PNG/JPEG (any mode: palette, CMYK, 16-bit, alpha) into an RGBA uint8 array."""
    if len(data) > max_bytes:
        raise ImageError(
            "The file is {size:.1f} MB; the limit is {limit:.0f} MB.", size=len(data) / 1e6, limit=max_bytes / 1e6
        )
    if data.startswith(PNG_SIGNATURE) and _png_chunk_count(data, MAX_PNG_CHUNKS + 1) > MAX_PNG_CHUNKS:
        raise ImageError(NOT_AN_IMAGE)  # before Image.open, which walks the chunks up to the pixels in Python
    if data.startswith(b"\xff\xd8") and _jpeg_segments_before_scan(data, MAX_JPEG_SEGMENTS + 1) > MAX_JPEG_SEGMENTS:
        raise ImageError(NOT_AN_IMAGE)
    try:
        with Image.open(io.BytesIO(data), formats=FORMATS) as img:
            check_header(img)
            if img.format in ("JPEG", "MPO"):
                check_jpeg_scans(data, img)
                check_jpeg_coefficients(img)
                img.draft(None, (MAX_UPLOAD_SIDE, MAX_UPLOAD_SIDE))  # decode at 1/2, 1/4 or 1/8 scale
            check_decode_cost(img)
            small = _shrunk(img)  # loads first: a PNG's eXIf chunk may follow its pixels
            ImageOps.exif_transpose(small, in_place=True)  # phone photos are often stored sideways
            return np.asarray(_to_rgba(small))
    except ImageError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError) as exc:
        raise ImageError(NOT_AN_IMAGE) from exc


def check_header(img: Image.Image) -> None:
    """Refuse, from the header alone, a format, mode or shape this app will not decode."""
    if img.format not in (*FORMATS, "MPO") or img.mode not in DECODE_COST:
        raise ImageError(NOT_AN_IMAGE)
    width, height = img.size
    if min(width, height) < MIN_SIDE or max(width, height) > MAX_ASPECT * min(width, height):
        raise ImageError(
            "The image is {width}×{height} pixels; upload a picture of one digit at least {side} pixels "
            "on each side and at most {aspect} times as long as it is wide.",
            width=width,
            height=height,
            side=MIN_SIDE,
            aspect=MAX_ASPECT,
        )
    if width * height > MAX_UPLOAD_PIXELS:
        raise ImageError(
            "The image is {width}×{height} pixels; please upload one under {mp} megapixels.",
            width=width,
            height=height,
            mp=MAX_UPLOAD_PIXELS // 1_000_000,
        )


def check_jpeg_scans(data: bytes, img: Image.Image) -> None:
    """Refuse a JPEG whose scans (each a pass over the whole image) would take too long to decode."""
    scans = data.count(b"\xff\xda")  # SOS; entropy-coded data never holds FF DA (an FF there is followed by 00)
    if scans * img.width * img.height > MAX_JPEG_SCAN_PIXELS:
        raise ImageError(
            "This JPEG is stored in {scans} passes, too many to decode at {width}×{height}; please save "
            "it again as an ordinary JPEG.",
            scans=scans,
            width=img.width,
            height=img.height,
        )


def _jpeg_segments_before_scan(jpeg: bytes, limit: int) -> int:
    """How many markers (fill bytes included) come before the first scan, counting no further than `limit`."""
    position, count = 2, 0
    while count < limit and position + 4 <= len(jpeg) and jpeg[position] == 0xFF:
        marker = jpeg[position + 1]
        count += 1
        if marker == 0xDA:
            break
        if marker == 0xFF or 0xD0 <= marker <= 0xD8 or marker == 0x01:  # fill byte or a marker without a length
            position += 1 if marker == 0xFF else 2
            continue
        position += 2 + int.from_bytes(jpeg[position + 2 : position + 4], "big")
    return count


def check_jpeg_coefficients(img: Image.Image) -> None:
    """Refuse a JPEG whose full-size coefficients would hold too much memory (components may be subsampled)."""
    width, height = img.size
    layers = getattr(img, "layer", None) or [(0, 1, 1, 0)] * len(img.getbands())
    most_h = max(h for _, h, _, _ in layers)
    most_v = max(v for _, _, v, _ in layers)
    samples = sum(width * height * h * v / (most_h * most_v) for _, h, v, _ in layers)
    if 2 * samples > MAX_JPEG_COEFFICIENT_BYTES:
        mp = MAX_JPEG_COEFFICIENT_BYTES * width * height / (2 * samples) / 1e6
        raise ImageError(
            "The image is {width}×{height} pixels; please upload one under {mp} megapixels.",
            width=width,
            height=height,
            mp=int(mp),
        )


def check_decode_cost(img: Image.Image) -> None:
    """Refuse an image whose decoded pixels (at the size it will be decoded to) would hold too much memory."""
    width, height = img.size
    per_pixel = DECODE_COST[img.mode]
    if width * height * per_pixel > MAX_DECODE_BYTES:
        raise ImageError(
            "The image is {width}×{height} pixels; please upload one under {mp} megapixels.",
            width=width,
            height=height,
            mp=MAX_DECODE_BYTES // per_pixel // 1_000_000,
        )


def _shrunk(img: Image.Image) -> Image.Image:
    """The decoded image, no longer side above MAX_UPLOAD_SIDE, still in its own mode (16-bit stays 16-bit)."""
    img.load()
    if img.mode in CONVERT_FIRST:
        img = img.convert(CONVERT_FIRST[img.mode])
    # In place: the full-size pixels are let go as soon as the small ones exist. Pillow's fast reduce() step first
    # (reducing_gap), except for 16- and 32-bit grey, which it refuses.
    img.thumbnail((MAX_UPLOAD_SIDE, MAX_UPLOAD_SIDE), reducing_gap=None if img.mode.startswith("I") else 2.0)
    return img


def _to_rgba(img: Image.Image) -> Image.Image:
    if img.mode.startswith("I"):  # 16- or 32-bit grey: stretch its own range to 0..255 (the image is small now)
        values = np.asarray(img, dtype=np.float32)
        img = Image.fromarray(np.uint8(255 * values / max(float(values.max()), 1.0)))
    return img.convert("RGBA")


# ---- PNG chunks, read from their headers only ------------------------------------------------------------------
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_chunks(png: bytes, limit: int):
    """The kinds of a PNG's chunks, up to IEND or the first `limit`, read from their headers only."""
    position = len(PNG_SIGNATURE)
    for _ in range(limit):
        if position + 8 > len(png):
            return
        length, kind = struct.unpack_from(">I4s", png, position)
        yield kind
        if kind == b"IEND":
            return
        position += 12 + length


def _png_chunk_count(png: bytes, limit: int) -> int:
    return sum(1 for _ in _png_chunks(png, limit))
