"""Photos of digits on paper (generated: uneven light, hard and soft shadows, grain, colour, ruled lines, blur,
rotation, JPEG) are read right by the ready-made model after the page's own two calls."""

import io

import numpy as np
import pytest
from PIL import Image

from core import cnn
from core.cnn.data import load_split
from core.draw import digits
from tests.photo_digits import make_photo, photo_set


@pytest.fixture(scope="module")
def photos(mnist_root):
    images, labels = load_split(mnist_root, train=False, download=False)
    return photo_set(images.numpy(), labels.numpy(), n=200, seed=0)


def read(photo_bytes: bytes):
    return digits.preprocess(digits.read_image_file(photo_bytes))


def test_photo_like_images_are_read_right(photos, ready_model):
    prepared = [read(photo.jpeg) for photo in photos]
    assert sum(image is None for image in prepared) <= 2
    batch = np.stack([np.zeros((28, 28), np.float32) if image is None else image for image in prepared])
    predicted = cnn.predict_proba(ready_model, batch).argmax(1)
    labels = np.array([photo.label for photo in photos])
    wrong = [f"{photo.label}→{p} ({photo.kind})" for photo, p in zip(photos, predicted) if p != photo.label]
    assert (predicted == labels).mean() >= 0.95, wrong


def test_a_shadow_across_the_paper_is_not_ink():
    """Half the paper in a hard shadow and no digit: nothing to read. With a digit: only the digit is ink."""
    paper = np.full((300, 400, 3), 235, np.uint8)
    paper[:, 200:] = 110
    assert read(encode(paper)) is None
    rng = np.random.default_rng(0)
    stroke = np.zeros((120, 120), np.float32)
    stroke[10:110, 55:65] = 1.0  # a "1"
    photo = make_photo(1, stroke, rng, "test")
    ink = digits.ink_map(digits.read_image_file(photo.jpeg))
    marked = ink > 0.5
    rows, cols = np.flatnonzero(marked.any(1)), np.flatnonzero(marked.any(0))
    assert cols[-1] - cols[0] < 0.5 * (rows[-1] - rows[0]), "the ink is one upright stroke, not a shadow's area"


def test_ink_is_darkening_against_the_local_paper():
    """The same mark in the lit half and in the shadowed half is the same amount of ink."""
    photo = np.full((200, 400), 0.9, np.float32)
    photo[:, 200:] *= 0.5
    photo[90:110, 80:120] *= 0.2
    photo[90:110, 280:320] *= 0.2
    ink = digits.ink_on_paper(photo)
    assert abs(float(ink[100, 100]) - float(ink[100, 300])) < 0.05 and ink[100, 100] > 0.9
    assert ink[:, 150:250].max() < 0.1, "the shadow's edge is not ink"


def test_light_strokes_on_a_dark_ground_still_read_as_the_canvas_does():
    canvas = np.zeros((280, 280, 4), np.uint8)
    canvas[..., 3] = 255
    canvas[40:240, 130:150, :3] = 255
    out = digits.preprocess(canvas)
    assert out is not None and out.max() > 0.99


def encode(rgb: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()
