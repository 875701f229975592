"""Reading an uploaded image file into an RGBA array, with its cost bounded before anything is decoded."""
import io

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_SIDE = 1000
MAX_UPLOAD_PIXELS = 40_000_000


class ImageError(ValueError):
    """An uploaded file that cannot be read as an image of a digit."""


def read_image_file(data: bytes, max_bytes: int = 10 * 1024 * 1024) -> np.ndarray:
    """Decode an uploaded PNG/JPEG (any mode: palette, CMYK, 16-bit, alpha) into an RGBA uint8 array."""
    if len(data) > max_bytes:
        raise ImageError(f"The file is {len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB.")
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_UPLOAD_PIXELS:
                raise ImageError(f"The image is {img.width}×{img.height} pixels; please upload one under 40 megapixels.")
            img = ImageOps.exif_transpose(img)
            if img.mode in ("I;16", "I;16B", "I;16L", "I"):
                values = np.asarray(img, dtype=np.float64)
                img = Image.fromarray(np.uint8(255 * values / max(values.max(), 1.0)))
            elif img.mode == "F":
                img = Image.fromarray(np.uint8(255 * np.clip(np.asarray(img), 0, 1)))
            rgba = img.convert("RGBA")
            rgba.thumbnail((MAX_UPLOAD_SIDE, MAX_UPLOAD_SIDE))  # a digit needs no more; keeps memory per rerun small
            return np.asarray(rgba)
    except ImageError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageError("That file is not an image this app can read; upload a PNG or JPEG of one digit.") from exc
