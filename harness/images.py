"""Images a hostile visitor could upload, made here so that a test and a benchmark read the same bytes."""

import io
import struct
import zlib

import numpy as np
from PIL import Image


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def serpentine_png(side=320, pitch=6, joined=True):
    """Paper with one ink corridor winding back and forth across it: the longest path an image of this size can
    hold. The old label-spreading clean-up looped once per step of it (5,461 times at 320 px, 2.5 s of CPU).
    joined=False leaves out the turns: the same rows of ink as separate lines, the same work for a clean-up that
    does not walk the path."""
    gray = np.full((side, side), 255, np.uint8)
    for k, y in enumerate(range(3, side - 3, pitch)):
        gray[y : y + 2, 3 : side - 3] = 0
        x = side - 5 if k % 2 == 0 else 3
        if joined and y + pitch < side - 3:
            gray[y : y + pitch + 2, x : x + 2] = 0
    return encode(Image.fromarray(gray), "PNG")


def repeated_scan_jpeg(repeats: int) -> bytes:
    """A 4000×4000 progressive JPEG whose smallest scan is repeated: each repeat is another pass over the image."""
    data = encode(Image.new("RGB", (4000, 4000), "white"), "JPEG", progressive=True)
    starts = [i for i in range(len(data) - 1) if data[i : i + 2] == b"\xff\xda"]
    scans = [data[a:b] for a, b in zip(starts, starts[1:])]
    end = data.rfind(b"\xff\xd9")
    return data[:end] + min(scans, key=len) * repeats + b"\xff\xd9"


def chunk(kind: bytes, content: bytes) -> bytes:
    return struct.pack(">I", len(content)) + kind + content + struct.pack(">I", zlib.crc32(kind + content))


def png_with_empty_chunks(count: int) -> bytes:
    png = encode(Image.new("L", (100, 100), 255), "PNG")
    return png[:33] + chunk(b"abCd", b"") * count + png[33:]


def jpeg_with_empty_comments(count: int) -> bytes:
    jpeg = encode(Image.new("RGB", (100, 100), "white"), "JPEG")
    return jpeg[:2] + b"\xff\xfe\x00\x02" * count + jpeg[2:]
