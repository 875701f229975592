"""Hostile uploads cost bounded memory: model-file zip bombs, models larger than the page builds and costly images
are refused before anything large is allocated (the Draw pad's crafted messages: tests/test_strokes.py).

Memory is the peak (VmHWM) growth of a fresh process around one call; see tests/fresh_process.py.
"""

import io
import pickle
import re
import zipfile

import numpy as np
import pytest
import torch
from PIL import Image

from core import cnn
from core.cnn import settings as cnn_settings
from core.draw import digits, image_file
from core.files import model_file
from core.i18n.strings import translate
from harness import hostile_files
from harness.fresh_process import LOAD_MODEL, READ_IMAGE, measure
from harness.images import jpeg_with_empty_comments, png_with_empty_chunks, repeated_scan_jpeg
from tests.conftest import WritesAFile

MB = 2**20
REFUSAL_BUDGET_MB = 150  # issue 10: refusing a bomb grows the process's peak by less than this
ACCEPTED_IMAGE_BUDGET_MB = 250  # issue 10: any accepted image costs less than this


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


# ---- Model files --------------------------------------------------------------------------------------------------


def test_the_crafted_bombs_are_what_torch_load_accepts():
    """Without the checks, torch.load takes them: a 10-number weight arrives with its whole (here 64 MiB) storage."""
    payload = torch.load(io.BytesIO(hostile_files.view_bomb(64 * MB)), map_location="cpu", weights_only=True)
    bias = payload["state_dict"]["fc2.bias"]
    assert bias.shape == (10,) and bias.untyped_storage().nbytes() == 64 * MB
    payload = torch.load(io.BytesIO(hostile_files.stored_view_bomb()), map_location="cpu", weights_only=True)
    assert payload["state_dict"]["fc2.bias"].untyped_storage().nbytes() == 12 * MB
    payload = torch.load(io.BytesIO(hostile_files.huge_declared_model()), map_location="cpu", weights_only=True)
    assert payload["state_dict"]["fc1.weight"].shape == (2048, 256 * 7 * 7)


MODEL_BOMBS = {
    "1 GiB storage behind fc2.bias, deflated": (hostile_files.view_bomb, "compressed"),
    "eight 1 GiB storages, deflated": (hostile_files.eight_storage_bomb, "compressed"),
    "fc2.bias a view into a 12 MB stored storage": (hostile_files.stored_view_bomb, "storage larger than the weight"),
    "conv 256/256, 2048 hidden, all zeros": (hostile_files.huge_declared_model, "conv1_channels is 256"),
    "330,000 entries in a 15 MB zip directory": (hostile_files.directory_bomb, "archive directory is"),
}


@pytest.mark.parametrize("name", list(MODEL_BOMBS))
def test_model_bombs_are_refused_before_torch_allocates_them(name):
    build, message = MODEL_BOMBS[name]
    data = build()
    assert len(data) <= model_file.MAX_MODEL_BYTES
    result = measure(LOAD_MODEL, data)
    print(
        f"\n{name}: {len(data) / MB:.1f} MB file, refused in {result['seconds'] * 1000:.1f} ms, "
        f"peak +{result['grown_mb']:.1f} MB: {result['error']}"
    )
    assert result["error"] is not None and result["error"].startswith("ModelFileError") and message in result["error"]
    assert result["grown_mb"] < REFUSAL_BUDGET_MB


def test_the_largest_model_the_page_builds_loads_within_budget(tmp_path):
    model = cnn.CNN(**model_file.PAGE_LIMITS)
    path = tmp_path / "largest.pt"
    model_file.save_model(model, path)
    result = measure(LOAD_MODEL, path.read_bytes())
    print(
        f"\nlargest page model: {path.stat().st_size / MB:.1f} MB file, loaded in {result['seconds']:.2f} s, "
        f"peak +{result['grown_mb']:.1f} MB"
    )
    assert result["error"] is None
    assert result["grown_mb"] < REFUSAL_BUDGET_MB


def test_page_limits_are_the_cnn_pages_largest_choices():
    assert model_file.PAGE_LIMITS == {
        "conv1_channels": max(cnn_settings.CONV1.options),
        "conv2_channels": max(cnn_settings.CONV2.options),
        "hidden_size": max(cnn_settings.HIDDEN.options),
    }


@pytest.mark.parametrize("key", list(model_file.PAGE_LIMITS))
def test_a_model_one_step_beyond_the_page_is_refused_without_building_it(key, monkeypatch):
    config = dict(hostile_files.LESSON, **{key: model_file.PAGE_LIMITS[key] + 1})
    data = hostile_files.model_file(hostile_files.honest_state(config), config)
    built = []
    monkeypatch.setattr(cnn.CNN, "__init__", lambda *a, **k: built.append(k))
    with pytest.raises(ValueError, match=f"{key} is {config[key]}"):
        model_file.load_model(data)
    assert built == []


def test_an_honest_file_the_page_could_build_loads():
    config = {"conv1_channels": 4, "conv2_channels": 8, "hidden_size": 16}
    model = model_file.load_model(hostile_files.model_file(hostile_files.honest_state(config), config))
    assert model.config == config and all(float(p.abs().sum()) == 0 for p in model.parameters())


def rezipped(data: bytes, compression=zipfile.ZIP_STORED, extra: dict | None = None) -> bytes:
    """The same archive written again by Python's zipfile (entries in order, no alignment)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", compression) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def saved_lesson_model() -> bytes:
    buffer = io.BytesIO()
    model_file.save_model(cnn.CNN(), buffer)
    return buffer.getvalue()


def test_a_real_model_rewritten_uncompressed_still_loads():
    assert model_file.load_model(rezipped(saved_lesson_model())).config == cnn.CNN().config


@pytest.mark.parametrize(
    "damage,message",
    [
        (lambda data: rezipped(data, zipfile.ZIP_DEFLATED), "compressed"),
        (lambda data: rezipped(data, extra={"archive/data/0": b"\0" * 1152}), "same entry twice"),
        (lambda data: rezipped(data, extra={"elsewhere/data.pkl": b"x"}), "not a model saved by NN Playground"),
        (lambda data: rezipped(data, extra={"outside.txt": b"x"}), "outside its folder"),
        (lambda data: rezipped(data, extra={f"archive/pad{i}": b"" for i in range(80)}), "entries"),
    ],
)
def test_odd_archives_are_refused(damage, message):
    with pytest.raises(ValueError, match=message):
        model_file.load_model(damage(saved_lesson_model()))


def test_anything_beside_config_weights_and_notes_is_refused():
    buffer = io.BytesIO()
    model = cnn.CNN()
    torch.save(
        {
            "format": model_file.MODEL_FORMAT,
            "version": 1,
            "config": model.config,
            "state_dict": model.state_dict(),
            "metadata": {"notes": [[]] * 1000},
        },
        buffer,
    )
    with pytest.raises(ValueError, match="more than a model's config"):
        model_file.load_model(buffer.getvalue())
    buffer = io.BytesIO()
    model_file.save_model(model, buffer, accuracy=0.98, source="trained", epochs=3)
    assert model_file.load_model(buffer.getvalue()).metadata == {"accuracy": 0.98, "source": "trained", "epochs": 3}


def test_a_storage_that_does_not_match_its_entry_is_refused():
    state = hostile_files.honest_state(hostile_files.LESSON)
    data = hostile_files.model_file(state, hostile_files.LESSON, extra_entries={"archive/data/7": bytes(8)})
    with pytest.raises(ValueError, match="do not match its description"):
        model_file.load_model(data)


def test_a_pickle_calling_anything_else_is_refused_by_name(tmp_path):
    payload = {"format": model_file.MODEL_FORMAT, "config": hostile_files.LESSON, "x": WritesAFile(str(tmp_path / "p"))}
    data = hostile_files.zip_archive({"archive/data.pkl": pickle.dumps(payload, protocol=2), "archive/version": b"3\n"})
    with pytest.raises(ValueError, match="something other than plain tensors"):
        model_file.load_model(data)
    assert not (tmp_path / "p").exists()


# ---- Image uploads ------------------------------------------------------------------------------------------------

COSTLY_IMAGES = {
    "16-bit 6000×6000 PNG": (lambda: encode(Image.fromarray(np.zeros((6000, 6000), np.uint16)), "PNG"), "megapixels"),
    "32-bit TIFF renamed .png": (
        lambda: encode(Image.new("I", (6000, 6000)), "TIFF", compression="tiff_deflate"),
        "not an image this app can read",
    ),
    "RGBA 4000×4000 PNG": (lambda: encode(Image.new("RGBA", (4000, 4000), "white"), "PNG"), "megapixels"),
    "progressive 4:4:4 JPEG 8000×5000": (
        lambda: encode(Image.new("RGB", (8000, 5000), "white"), "JPEG", progressive=True, subsampling=0),
        "megapixels",
    ),
    "a GIF": (lambda: encode(Image.new("L", (100, 100)), "GIF"), "not an image this app can read"),
}


@pytest.mark.parametrize("name", list(COSTLY_IMAGES))
def test_costly_images_are_refused_from_their_header(name):
    build, message = COSTLY_IMAGES[name]
    data = build()
    result = measure(READ_IMAGE, data)
    print(
        f"\n{name}: {len(data) / 1e6:.2f} MB file, refused in {result['seconds'] * 1000:.0f} ms, "
        f"peak +{result['grown_mb']:.1f} MB: {result['error']}"
    )
    assert result["error"] is not None and result["error"].startswith("ImageError") and message in result["error"]
    assert result["grown_mb"] < 20


LARGEST_ACCEPTED = {
    "16-bit grey PNG 5600×5600": lambda: encode(Image.fromarray(np.zeros((5600, 5600), np.uint16)), "PNG"),
    "RGB PNG 4000×4000": lambda: encode(Image.new("RGB", (4000, 4000), "white"), "PNG"),
    "RGBA PNG 2800×2800": lambda: encode(Image.new("RGBA", (2800, 2800), "white"), "PNG"),
    "palette PNG 2600×2600": lambda: encode(Image.new("RGB", (2600, 2600), "white").convert("P"), "PNG"),
    "progressive JPEG 7300×5450": lambda: encode(Image.new("RGB", (7300, 5450), "white"), "JPEG", progressive=True),
    "progressive 4:4:4 JPEG 5400×3700": lambda: encode(
        Image.new("RGB", (5400, 3700), "white"), "JPEG", progressive=True, subsampling=0
    ),
    "progressive CMYK JPEG 4000×4000": lambda: encode(Image.new("CMYK", (4000, 4000)), "JPEG", progressive=True),
}


@pytest.mark.parametrize("name", list(LARGEST_ACCEPTED))
def test_the_largest_accepted_images_stay_within_budget(name):
    data = LARGEST_ACCEPTED[name]()
    result = measure(READ_IMAGE, data)
    print(
        f"\n{name}: read in {result['seconds'] * 1000:.0f} ms, peak +{result['grown_mb']:.1f} MB, "
        f"shape {result['shape']}"
    )
    assert result["error"] is None and max(result["shape"][:2]) == digits.MAX_UPLOAD_SIDE
    assert result["grown_mb"] < ACCEPTED_IMAGE_BUDGET_MB


def test_a_big_baseline_jpeg_is_reduced_while_decoding():
    """6000×6000 RGB decoded whole would hold 144 MB; decoded at 1/4 scale it holds 9 MB."""
    result = measure(READ_IMAGE, encode(Image.new("RGB", (6000, 6000), "white"), "JPEG"))
    assert result["error"] is None and result["grown_mb"] < 40


@pytest.mark.parametrize(
    "build,message",
    [
        (lambda: repeated_scan_jpeg(1000), "1010 passes"),  # 9.5 s of CPU to decode, unchecked
        (lambda: png_with_empty_chunks(800_000), "not an image this app can read"),  # 2.2 s in Pillow's chunk loop
        (lambda: jpeg_with_empty_comments(2_000_000), "not an image this app can read"),  # 1.9 s in its marker loop
    ],
)
def test_images_that_cost_seconds_of_cpu_are_refused_unread(build, message, monkeypatch):
    data = build()
    assert len(data) <= 10 * MB
    opened = []
    if "passes" not in message:  # refused from the raw bytes, before Pillow walks them
        monkeypatch.setattr(image_file.Image, "open", lambda *a, **k: opened.append(a))
    with pytest.raises(digits.ImageError, match=message):
        digits.read_image_file(data)
    assert opened == []


def test_ordinary_numbers_of_scans_chunks_and_segments_are_read():
    assert digits.read_image_file(repeated_scan_jpeg(0)).shape == (1000, 1000, 4)
    assert digits.read_image_file(png_with_empty_chunks(1000)).shape == (100, 100, 4)
    assert digits.read_image_file(jpeg_with_empty_comments(500)).shape == (100, 100, 4)


@pytest.mark.parametrize("size", [(1, 1), (1, 5000), (5000, 1), (7, 300), (3, 400), (4000, 150)])
def test_degenerate_shapes_get_a_clear_message(size):
    with pytest.raises(digits.ImageError, match="at least 8 pixels on each side"):
        digits.read_image_file(encode(Image.new("L", size, 255), "PNG"))


def test_phone_photos_are_turned_upright():
    tall = Image.new("RGB", (60, 90), "white")
    exif = Image.Exif()
    exif[image_file.ORIENTATION_TAG] = 6  # stored sideways: rotate 90° clockwise to show
    assert digits.read_image_file(encode(tall, "JPEG", exif=exif)).shape == (60, 90, 4)
    assert digits.read_image_file(encode(tall, "JPEG")).shape == (90, 60, 4)


def test_degenerate_uploads_on_the_draw_page_get_the_message(lesson_model_run):
    from tests.test_hardening import draw_app, messages, upload

    at = draw_app(lesson_model_run[0])
    for size in [(1, 1), (1, 5000)]:
        upload(at, "draw_upload", "thin.png", encode(Image.new("L", size, 0), "PNG"), "image/png")
        assert "at least 8 pixels on each side" in messages(at), size
        assert not any(m.label == "The CNN reads" for m in at.metric)


# ---- 中文 for every refusal -----------------------------------------------------------------------------------------


def refusal_templates() -> set[str]:
    """Every ModelFileError / ImageError template written in core/model_file.py and core/image_file.py."""
    found = {image_file.NOT_AN_IMAGE}
    for module in (model_file, image_file):
        source = open(module.__file__, encoding="utf-8").read()
        for call in re.finditer(r'(?:ModelFileError|ImageError)\(((?:\s*"(?:[^"\\]|\\.)*")+)', source):
            found.add("".join(re.findall(r'"((?:[^"\\]|\\.)*)"', call.group(1))))
    return found


def test_every_refusal_has_chinese_with_the_same_placeholders():
    templates = refusal_templates()
    assert len(templates) > 25
    for template in templates:
        chinese = translate(template, "zh")
        assert chinese != template, template
        assert sorted(re.findall(r"{[^}]*}", chinese)) == sorted(re.findall(r"{[^}]*}", template)), template
