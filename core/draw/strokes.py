"""A drawing sent as strokes (point lists), drawn on the server as the grey image core.draw.digits.preprocess reads.

The Draw page's pad sends strokes, not pixels: a few kB of numbers instead of a PNG to defend against. Whatever
arrives is still a visitor's value, so `strokes_to_image` bounds it before drawing anything: too many strokes or
points and wrong types are refused with a UserError, points off the pad are clipped onto it. The counts are checked
with len() before any point is looked at, so a million points are refused at once (tests/test_strokes.py).
"""

import math
import numbers

import numpy as np
from PIL import Image, ImageDraw

from core.errors import UserError

PAD_SIZE = 280  # the pad's own coordinates, whatever size it is shown at (10 × MNIST's 28)
# MNIST's pen is 2.3-4.1 px wide in the digit's 20-px box (core.draw.digits._thicken). A digit drawn as large as the pad
# invites is 170-240 px tall, where 2.8 px of the box is 24-34 px: 24 px sits at the thin end so that small digits
# do not become blobs, and core.draw.digits widens a pen that came out thinner than MNIST's.
PEN_WIDTH = 24.0
MAX_STROKES = 60  # a digit is 1-3 strokes; 60 leaves room for dots and corrections, and the pad stops there
MAX_POINTS = 3_000  # all strokes together; the pad keeps points ≥ 2 px apart, so a digit needs a few hundred
MAX_SIZE = 1_024  # the largest image asked for: 1 MB of uint8
TOO_MANY_STROKES = "The drawing has {count:,} strokes; at most {most:,} are read. Clear the pad and draw again."
TOO_MANY_POINTS = "The drawing has {count:,} points; at most {most:,} are read. Clear the pad and draw again."
NOT_A_LIST = "The drawing could not be read: it is not a list of strokes."
BAD_STROKE = "The drawing could not be read: a stroke is not a list of points."
BAD_POINT = "The drawing could not be read: a point is not a pair of finite numbers [x, y]."


def strokes_to_image(strokes, size: int = PAD_SIZE, pen_width: float = PEN_WIDTH) -> np.ndarray:
    """Draw `strokes` as white ink on black: a (size, size) uint8 array, the grey image digits.preprocess takes.

    strokes: a list of strokes, each a list of [x, y] points in pad coordinates (0..size, y downwards), as the Draw
    page's pad sends them. A stroke of one point is a dot. Round caps and joins, like a pen.
    size: the pad's side in its own coordinates (8..1024); pen_width: the pen's diameter in those coordinates.

    Raises core.errors.UserError for anything that is not such a list, for more than MAX_STROKES strokes or
    MAX_POINTS points, and for points that are not two finite numbers. Points off the pad are clipped onto its edge.
    """
    size, pen_width = _checked_size(size, pen_width)
    lines = checked_strokes(strokes, size)
    image = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(image)
    radius = pen_width / 2
    for line in lines:
        if len(line) > 1:
            draw.line(line, fill=255, width=max(1, round(pen_width)), joint="curve")
        for x, y in (line[0], line[-1]):  # round caps; joint="curve" already rounds the corners between
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
    return np.asarray(image)


def checked_strokes(strokes, size: int = PAD_SIZE) -> list[list[tuple[float, float]]]:
    """The strokes as lists of (x, y) floats clipped to 0..size; UserError for anything else (see strokes_to_image).

    Counting comes first, with len() only, so an oversized drawing costs nothing to refuse."""
    if not isinstance(strokes, (list, tuple)):
        raise UserError(NOT_A_LIST)
    if len(strokes) > MAX_STROKES:
        raise UserError(TOO_MANY_STROKES, count=len(strokes), most=MAX_STROKES)
    if not all(isinstance(stroke, (list, tuple)) for stroke in strokes):
        raise UserError(BAD_STROKE)
    count = sum(len(stroke) for stroke in strokes)
    if count > MAX_POINTS:
        raise UserError(TOO_MANY_POINTS, count=count, most=MAX_POINTS)
    return [[_point(point, size) for point in stroke] for stroke in strokes if len(stroke)]


def _point(point, size: int) -> tuple[float, float]:
    if not isinstance(point, (list, tuple)) or len(point) != 2 or not (_is_number(point[0]) and _is_number(point[1])):
        raise UserError(BAD_POINT)
    x, y = point
    return min(max(float(x), 0.0), float(size)), min(max(float(y), 0.0), float(size))


def _is_number(value) -> bool:
    # bool is an int to Python; True as a coordinate is a crafted message, not a drawing.
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:  # an int of 400 digits
        return False


def _checked_size(size, pen_width) -> tuple[int, float]:
    if not isinstance(size, numbers.Integral) or isinstance(size, bool) or not 8 <= size <= MAX_SIZE:
        raise ValueError(f"size must be an int from 8 to {MAX_SIZE}, got {size!r}")
    if not _is_number(pen_width) or not 0 < pen_width <= size:
        raise ValueError(f"pen_width must be a number in (0, size], got {pen_width!r}")
    return int(size), float(pen_width)
