"""What hostile uploads cost: each crafted model file and image read once in a fresh process.

Prints the file size, the result (refused with which message, or accepted), the time and the peak memory growth
(VmHWM) of the call. Not part of CI; about a minute on 2 cores.

    python bench/hostile_uploads.py
"""

import io
import sys
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core import cnn
from core.files import model_file
from harness import hostile_files  # noqa: E402
from harness.fresh_process import LOAD_MODEL, READ_IMAGE, measure  # noqa: E402
from harness.images import (  # noqa: E402
    jpeg_with_empty_comments,
    png_with_empty_chunks,
    repeated_scan_jpeg,
    serpentine_png,  # noqa: E402
)

# The whole clean-up a photo gets, as the Draw page's upload does: read, ink map, preprocess.
PHOTO = (
    "from core.draw import digits\n"
    "def CALL(data):\n"
    "    digits.ink_map(digits.read_image_file(data))\n"
    "    return digits.preprocess(digits.read_image_file(data))"
)


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def largest_page_model() -> bytes:
    buffer = io.BytesIO()
    model_file.save_model(cnn.CNN(**model_file.PAGE_LIMITS), buffer)
    return buffer.getvalue()


CASES = [
    ("model", "fc2.bias declared as 1 GiB", LOAD_MODEL, hostile_files.huge_tensor),
    ("model", "offsets past the end of the file", LOAD_MODEL, hostile_files.offsets_past_the_end),
    ("model", "overlapping offsets", LOAD_MODEL, hostile_files.overlapping_offsets),
    ("model", "float64 weights", LOAD_MODEL, hostile_files.wrong_dtype),
    ("model", "conv 256/256, 2048 hidden in 1 kB", LOAD_MODEL, hostile_files.huge_declared_model),
    ("model", "truncated half way", LOAD_MODEL, hostile_files.truncated),
    ("model", "header of JSON nested 30,000 deep", LOAD_MODEL, hostile_files.nested_header),
    ("model", "an old .pt file (a zip)", LOAD_MODEL, hostile_files.old_pt_file),
    ("model", "largest page model 64/128/512 (accepted)", LOAD_MODEL, largest_page_model),
    (
        "image",
        "16-bit 6000×6000 PNG",
        READ_IMAGE,
        lambda: encode(Image.fromarray(np.zeros((6000, 6000), np.uint16)), "PNG"),
    ),
    (
        "image",
        "32-bit 6000×6000 TIFF renamed .png",
        READ_IMAGE,
        lambda: encode(Image.new("I", (6000, 6000)), "TIFF", compression="tiff_deflate"),
    ),
    ("image", "1×5000 PNG", READ_IMAGE, lambda: encode(Image.new("L", (1, 5000)), "PNG")),
    ("image", "JPEG repeating one scan 1,000×", READ_IMAGE, lambda: repeated_scan_jpeg(1000)),
    ("image", "PNG with 800,000 empty chunks", READ_IMAGE, lambda: png_with_empty_chunks(800_000)),
    ("image", "JPEG with 2,000,000 empty comments", READ_IMAGE, lambda: jpeg_with_empty_comments(2_000_000)),
    (
        "image",
        "16-bit 5600×5600 PNG (accepted)",
        READ_IMAGE,
        lambda: encode(Image.fromarray(np.zeros((5600, 5600), np.uint16)), "PNG"),
    ),
    (
        "image",
        "progressive 4:4:4 JPEG 5400×3700 (accepted)",
        READ_IMAGE,
        lambda: encode(Image.new("RGB", (5400, 3700), "white"), "JPEG", progressive=True, subsampling=0),
    ),
    (
        "image",
        "baseline JPEG 6000×6000 (accepted, 1/4 scale)",
        READ_IMAGE,
        lambda: encode(Image.new("RGB", (6000, 6000), "white"), "JPEG"),
    ),
    ("image", "serpentine PNG 320 px (1-px ink corridors), cleaned up", PHOTO, serpentine_png),
    ("image", "serpentine PNG, 2000 px, cleaned up", PHOTO, lambda: serpentine_png(2000, 36)),
]


def main() -> None:
    print(f"| {'upload':52} | {'file':>8} | {'result':42} | {'time':>8} | {'peak':>9} |")
    print(f"|{'-' * 54}|{'-' * 10}|{'-' * 44}|{'-' * 10}|{'-' * 11}|")
    for kind, name, setup, build in CASES:
        data = build()
        result = measure(setup, data, new_interpreter=True)
        accepted = f"read {result['shape']}" if result["shape"] else "loaded"
        outcome = (result["error"] or "").split(": ", 1)[-1][:42] or accepted
        print(
            f"| {kind + ': ' + name:52} | {len(data) / 2**20:6.1f}MB | {outcome:42} | "
            f"{result['seconds'] * 1000:6.0f}ms | +{result['grown_mb']:6.1f}MB |"
        )


if __name__ == "__main__":
    main()
