"""Phone-style photos of digits on paper, generated: for testing that a photo is read right, whatever its light.

Each photo is one digit (an MNIST test digit from the bundled sample, or a random stroke drawing) written in dark ink
on paper, with everything drawn at random: paper colour and grain, uneven light, a shadow with a hard or soft edge,
ruled lines, a colour cast, the digit's size, place, rotation and pen width, blur, and JPEG compression.
"""

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from harness.strokes import random_drawing, render_strokes

PAPERS = [(250, 250, 247), (245, 238, 220), (236, 232, 214), (226, 232, 240), (240, 240, 240), (252, 244, 205)]
INKS = [(20, 20, 25), (25, 30, 80), (15, 25, 60), (40, 40, 40), (60, 20, 25)]
LINE_COLOURS = [(150, 180, 220), (170, 170, 175), (200, 140, 150), (140, 190, 210)]


@dataclass
class Photo:
    jpeg: bytes
    label: int
    kind: str  # what the photo shows, for a failure message: "mnist 123, shadow hard, lines, ..."


def _ink_mask_from_mnist(image: np.ndarray, height: int, rng) -> np.ndarray:
    """A 28×28 MNIST digit (uint8) scaled up to `height` px as ink coverage 0..1, pen a little thinner or thicker."""
    mask = Image.fromarray(image).resize((height, height), Image.Resampling.BICUBIC)
    pen = rng.choice(["thin", "as is", "thick"], p=[0.3, 0.5, 0.2])
    size = 2 * max(1, round(height / 60)) + 1
    if pen == "thin":
        mask = mask.filter(ImageFilter.MinFilter(size))
    elif pen == "thick":
        mask = mask.filter(ImageFilter.MaxFilter(size))
    return np.asarray(mask, np.float32) / 255


def _ink_mask_from_strokes(digit: int, height: int, rng) -> np.ndarray:
    strokes, width = random_drawing(digit, rng)
    width = width * rng.uniform(0.35, 1.0)  # pens are thinner than the canvas's default brush
    canvas = render_strokes(strokes, width)[..., 0]
    rows, cols = np.flatnonzero(canvas.max(1) > 0), np.flatnonzero(canvas.max(0) > 0)
    crop = canvas[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    scale = height / max(crop.shape)
    size = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))
    return np.asarray(Image.fromarray(crop).resize(size, Image.Resampling.BICUBIC), np.float32) / 255


def _light(shape, rng) -> tuple[np.ndarray, str]:
    """Illumination: a gradient across the page, and often a shadow with a hard or soft edge."""
    h, w = shape
    rows, cols = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    ramp = np.cos(angle) * (cols / w - 0.5) + np.sin(angle) * (rows / h - 0.5)
    light = 1.0 - rng.uniform(0.05, 0.35) * (ramp + 0.5)
    kind = "gradient"
    if rng.random() < 0.7:
        a = rng.uniform(0, 2 * np.pi)
        offset = rng.uniform(-0.3, 0.3)
        side = (np.cos(a) * (cols / w - 0.5) + np.sin(a) * (rows / h - 0.5)) > offset
        shadow = Image.fromarray((side * 255).astype(np.uint8))
        hard = rng.random() < 0.5
        if not hard:
            shadow = shadow.filter(ImageFilter.GaussianBlur(rng.uniform(4, 25)))
        depth = rng.uniform(0.3, 0.55)
        light = light * (1.0 - depth * np.asarray(shadow, np.float32) / 255)
        kind += f", shadow {'hard' if hard else 'soft'} {depth:.0%}"
    return light, kind


def make_photo(label: int, ink_mask: np.ndarray, rng, source: str) -> Photo:
    """Compose one photo: paper, lines, ink, light, cast, grain, rotation, blur, JPEG."""
    angle = rng.uniform(-12, 12)
    digit = Image.fromarray(np.uint8(ink_mask * 255)).rotate(angle, resample=Image.Resampling.BICUBIC, expand=True)
    dh, dw = digit.height, digit.width
    h = int(dh * rng.uniform(1.4, 2.6))
    w = int(max(dw * 1.4, h * rng.uniform(0.75, 1.35)))
    top, left = rng.integers(0, h - dh + 1), rng.integers(0, w - dw + 1)
    ink = np.zeros((h, w), np.float32)
    ink[top : top + dh, left : left + dw] = np.asarray(digit, np.float32) / 255
    paper = np.ones((h, w, 3), np.float32) * np.array(PAPERS[rng.integers(len(PAPERS))], np.float32) / 255
    kind = [f"{source}, rotated {angle:.0f}°"]
    if rng.random() < 0.4:
        lines = Image.new("L", (w, h), 0)
        draw = ImageDraw.Draw(lines)
        spacing = rng.uniform(0.12, 0.25) * h
        for y in np.arange(rng.uniform(0, spacing), h, spacing):
            draw.line([(0, y), (w, y + rng.uniform(-3, 3))], fill=255, width=int(rng.integers(1, 4)))
        colour = np.array(LINE_COLOURS[rng.integers(len(LINE_COLOURS))], np.float32) / 255
        strength = (np.asarray(lines, np.float32) / 255)[..., None] * rng.uniform(0.6, 1.0)
        paper = paper * (1 - strength) + paper * colour * strength
        kind.append("ruled lines")
    ink_colour = np.array(INKS[rng.integers(len(INKS))], np.float32) / 255
    coverage = (ink * rng.uniform(0.8, 1.0))[..., None]
    image = paper * (1 - coverage) + ink_colour * coverage
    light, light_kind = _light((h, w), rng)
    image = image * light[..., None]
    kind.append(light_kind)
    image = image * (1 + rng.uniform(-0.08, 0.08, 3))  # a colour cast from the light or the camera
    grain = rng.uniform(0.01, 0.05)
    image = image + rng.normal(0, grain, (h, w, 1)) + rng.normal(0, grain / 3, (h, w, 3))
    kind.append(f"grain {grain:.2f}")
    photo = Image.fromarray(np.uint8(np.clip(image, 0, 1) * 255))
    blur = rng.uniform(0, 2.0)
    photo = photo.filter(ImageFilter.GaussianBlur(blur))
    quality = int(rng.integers(35, 92))
    kind.append(f"blur {blur:.1f}, jpeg {quality}")
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", quality=quality)
    return Photo(buffer.getvalue(), label, ", ".join(kind))


def photo_set(mnist_images: np.ndarray, mnist_labels: np.ndarray, n: int = 200, seed: int = 0) -> list[Photo]:
    """`n` photos, half of MNIST test digits (taken evenly through the split) and half of stroke drawings."""
    rng = np.random.default_rng(seed)
    photos = []
    picks = np.linspace(0, len(mnist_images) - 1, n // 2).astype(int)
    for i in picks:
        mask = _ink_mask_from_mnist(mnist_images[i], int(rng.integers(90, 260)), rng)
        photos.append(make_photo(int(mnist_labels[i]), mask, rng, f"mnist {i}"))
    for k in range(n - len(picks)):
        digit = k % 10
        mask = _ink_mask_from_strokes(digit, int(rng.integers(90, 260)), rng)
        photos.append(make_photo(digit, mask, rng, f"drawing of {digit}"))
    return photos
