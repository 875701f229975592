"""Images a hostile visitor could upload, made here so that a test and a benchmark read the same bytes."""

import io

import numpy as np
from PIL import Image


def png(gray: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(gray).save(buffer, format="PNG")
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
    return png(gray)
