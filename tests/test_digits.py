import io
import time

import numpy as np
import pytest
from PIL import Image

from core import cnn
from core.draw import digits
from core.draw.digits import preprocess
from harness.images import serpentine_png
from harness.strokes import drawn_digit_set, random_drawing, render_strokes

MIDDLE = 14.0  # real MNIST's centre of mass: 13.99 / 14.01 on mini-MNIST


def centre_of_mass(image):
    rows, cols = np.indices(image.shape)
    return (rows * image).sum() / image.sum(), (cols * image).sum() / image.sum()


def extent(image):
    rows = np.flatnonzero(image.any(axis=1))
    cols = np.flatnonzero(image.any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def canvas_with_box(top, left, height, width, size=280):
    rgba = np.zeros((size, size, 4), np.uint8)
    rgba[..., 3] = 255
    rgba[top : top + height, left : left + width, :3] = 255
    return rgba


def test_blank_and_near_blank_give_none():
    blank = np.zeros((280, 280, 4), np.uint8)
    blank[..., 3] = 255
    assert preprocess(blank) is None
    assert preprocess(np.zeros((280, 280, 4), np.uint8)) is None
    speck = blank.copy()
    speck[100:103, 100:103, :3] = 255
    assert preprocess(speck) is None
    noise = blank.copy()
    noise[..., :3] = np.random.default_rng(0).integers(0, 12, (280, 280, 3))
    assert preprocess(noise) is None


@pytest.mark.parametrize("box", [(10, 10, 40, 12), (200, 220, 60, 40), (5, 5, 270, 200), (100, 30, 30, 180)])
def test_digit_comes_out_centred_and_20_px(box):
    out = preprocess(canvas_with_box(*box))
    assert out.shape == (28, 28) and out.dtype == np.float32
    assert 0.0 <= out.min() and out.max() <= 1.0 and out.max() > 0.99
    cy, cx = centre_of_mass(out)
    assert abs(cy - MIDDLE) <= 0.5 and abs(cx - MIDDLE) <= 0.5
    assert max(extent(out > 0.05)) == 20


def test_drawn_digits_of_any_size_and_place_are_normalised():
    rng = np.random.default_rng(1)
    for digit in range(10):
        strokes, width = random_drawing(digit, rng)
        out = preprocess(render_strokes(strokes, width))
        cy, cx = centre_of_mass(out)
        assert abs(cy - MIDDLE) <= 0.5 and abs(cx - MIDDLE) <= 0.5, digit
        assert max(extent(out > 0)) == 20, digit


def test_dark_on_light_is_inverted():
    rng = np.random.default_rng(2)
    strokes, width = random_drawing(3, rng)
    light = render_strokes(strokes, width)
    dark = render_strokes(strokes, width, background=(255, 255, 255, 255), ink=(20, 20, 20, 255))
    transparent = render_strokes(strokes, width, background=(0, 0, 0, 0))
    reference = preprocess(light)
    # dark on light goes through the photo path (ink as darkening against the paper, thresholded): the same digit,
    # its anti-aliased edge a little sharper
    assert np.abs(preprocess(dark) - reference).max() < 0.15 and np.abs(preprocess(dark) - reference).mean() < 0.01
    assert np.abs(preprocess(transparent) - reference).max() < 0.1


def test_other_array_shapes_and_types():
    box = canvas_with_box(50, 100, 150, 60)
    gray = box[..., 0]
    assert np.allclose(preprocess(gray), preprocess(box))
    assert np.allclose(preprocess(box[..., :3]), preprocess(box))
    assert np.allclose(preprocess(box.astype(np.float32) / 255), preprocess(box), atol=1e-5)
    with pytest.raises(ValueError):
        preprocess(np.zeros((5,), np.uint8))


def encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def test_uploads_in_odd_modes_are_read():
    rng = np.random.default_rng(3)
    strokes, width = random_drawing(7, rng)
    rgba = render_strokes(strokes, width, background=(255, 255, 255, 255), ink=(0, 0, 0, 255))
    base = Image.fromarray(rgba).convert("RGB")
    expected = preprocess(rgba)
    arr16 = np.asarray(base.convert("L"), dtype=np.uint16) * 257
    variants = {
        "png-rgba": encode(Image.fromarray(rgba), "PNG"),
        "jpeg": encode(base, "JPEG"),
        "cmyk-jpeg": encode(base.convert("CMYK"), "JPEG"),
        "palette": encode(base.convert("P"), "PNG"),
        "16-bit": encode(Image.fromarray(arr16), "PNG"),
        "la": encode(base.convert("LA"), "PNG"),
    }
    for name, data in variants.items():
        out = preprocess(digits.read_image_file(data))
        assert out is not None, name
        assert np.abs(out - expected).mean() < 0.05, name


def test_bad_uploads_get_a_clear_error():
    with pytest.raises(digits.ImageError, match="not an image"):
        digits.read_image_file(b"%PDF-1.4 definitely not an image")
    with pytest.raises(digits.ImageError, match="limit"):
        digits.read_image_file(b"x" * 100, max_bytes=10)
    huge = encode(Image.new("L", (9000, 9000), 255), "PNG")
    with pytest.raises(digits.ImageError, match="megapixels"):
        digits.read_image_file(huge)


@pytest.fixture(scope="module")
def drawn_digits():
    """200 mouse-drawn digits (20 of each), rendered once: drawing them costs more than reading them."""
    return drawn_digit_set(n_per_digit=20, seed=0)


def test_drawn_digits_are_read_right(lesson_model_run, drawn_digits):
    model, _ = lesson_model_run
    images, labels = drawn_digits
    prepared = np.stack([preprocess(image) for image in images])
    predicted = cnn.predict_proba(model, prepared).argmax(1)
    accuracy = (predicted == np.array(labels)).mean()
    assert accuracy >= 0.95, f"{accuracy:.1%}"
    plain = np.stack([digits.plain_resize(image) for image in images])
    assert (cnn.predict_proba(model, plain).argmax(1) == np.array(labels)).mean() < accuracy


def test_a_stray_faint_speck_does_not_shrink_the_digit():
    rgba = canvas_with_box(60, 120, 160, 40)
    rgba[5, 5, :3] = 60
    out = preprocess(rgba)
    assert max(extent(out > 0)) == 20
    cy, cx = centre_of_mass(out)
    assert abs(cy - MIDDLE) <= 0.5 and abs(cx - MIDDLE) <= 0.5


def test_huge_uploads_are_shrunk_on_reading():
    data = encode(Image.new("RGB", (4000, 3000), "white"), "JPEG")
    assert max(digits.read_image_file(data).shape[:2]) <= digits.MAX_UPLOAD_SIDE


def test_drawn_digits_are_read_right_by_the_ready_model(ready_model, drawn_digits):
    images, labels = drawn_digits
    prepared = np.stack([preprocess(image) for image in images])
    accuracy = (cnn.predict_proba(ready_model, prepared).argmax(1) == np.array(labels)).mean()
    assert accuracy >= 0.99, f"{accuracy:.1%}"


def _flood_labels(mask):
    """A plain breadth-first flood fill (8-connectivity), the reference for digits.label_blobs."""
    labels, count = np.zeros(mask.shape, int), 0
    for start in zip(*np.nonzero(mask)):
        if labels[start]:
            continue
        count += 1
        labels[start], todo = count, [start]
        while todo:
            r, c = todo.pop()
            for nr in range(max(r - 1, 0), min(r + 2, mask.shape[0])):
                for nc in range(max(c - 1, 0), min(c + 2, mask.shape[1])):
                    if mask[nr, nc] and not labels[nr, nc]:
                        labels[nr, nc] = count
                        todo.append((nr, nc))
    return labels


def _same_blobs(a, b):
    """Two labellings split the ink into the same blobs (the numbers themselves may differ)."""
    ink = a > 0
    pairs = set(zip(a[ink].tolist(), b[ink].tolist()))
    return ((b > 0) == ink).all() and len(pairs) == len(set(a[ink].tolist())) == len(set(b[ink].tolist()))


def test_blob_labelling_matches_a_flood_fill():
    rng = np.random.default_rng(0)
    for _ in range(200):
        mask = rng.random(tuple(rng.integers(1, 25, 2))) < rng.random()
        assert _same_blobs(_flood_labels(mask), digits.label_blobs(mask))


def clean_up_cpu(data: bytes) -> float:
    """CPU seconds of a photo's whole clean-up (read, ink map, preprocess), the least of three tries."""
    spent = []
    for _ in range(3):
        start = time.process_time()
        digits.ink_map(digits.read_image_file(data))
        digits.preprocess(digits.read_image_file(data))
        spent.append(time.process_time() - start)
    return min(spent)


@pytest.mark.parametrize("scale", [1, 3])
def test_a_serpentine_photo_costs_no_more_than_its_lines_apart(scale):
    """The winding corridor against the same rows of ink without their turns: a clean-up that walks the path (the old
    one: 5,461 steps against about 310) pays ~17 times as much; one that labels row runs pays the same."""
    winding = serpentine_png(320 * scale, 6 * scale)
    spent = clean_up_cpu(winding)
    apart = clean_up_cpu(serpentine_png(320 * scale, 6 * scale, joined=False))
    print(f"{320 * scale} px: serpentine {spent * 1000:.0f} ms of CPU, its lines apart {apart * 1000:.0f} ms")
    assert spent < 3 * apart, f"{spent / apart:.1f}× the CPU of the same ink without the turns"
    ink = digits.ink_map(digits.read_image_file(winding))
    assert ink.max() > 0.5  # the corridor is read as one mark, not dropped as specks
