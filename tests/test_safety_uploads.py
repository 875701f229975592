"""Hostile uploads cost bounded memory: model files declaring what they do not hold, models larger than the page
builds and costly images are refused before anything large is allocated (the Draw pad's crafted messages:
tests/test_strokes.py).

Memory is the peak (VmHWM) growth of a fresh process around one call; see harness/fresh_process.py.
"""

import io
import pickle
import re

import numpy as np
import pytest
import safetensors.torch
import torch
from PIL import ExifTags, Image

from core import cnn
from core.cnn import settings as cnn_settings
from core.draw import digits, image_file
from core.files import model_file, ready_model
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


def test_without_the_checks_safetensors_reads_weights_the_model_never_declared():
    """safetensors checks the layout, not the model: float64 weights of any size are read as they are."""
    tensors = safetensors.torch.load(hostile_files.wrong_dtype())
    assert tensors["fc1.weight"].dtype == torch.float64 and tensors["fc1.weight"].shape == (128, 3136)


MODEL_BOMBS = {
    "fc2.bias declared as 1 GiB": (hostile_files.huge_tensor, "fc2.bias has shape [268435456]"),
    "offsets past the end of the file": (hostile_files.offsets_past_the_end, "its header declares"),
    "overlapping offsets": (hostile_files.overlapping_offsets, "overlap, leave gaps"),
    "float64 weights": (hostile_files.wrong_dtype, "stored as F64"),
    "conv 256/256, 2048 hidden in 1 kB": (hostile_files.huge_declared_model, "conv1_channels is 256"),
    "truncated half way": (hostile_files.truncated, "its header declares"),
    "header longer than the file": (hostile_files.header_longer_than_the_file, "cut short"),
    "header of 2**62 bytes": (hostile_files.huge_header_length, "at most 64 kB"),
    "header of JSON nested 30,000 deep": (hostile_files.nested_header, "not a .safetensors file"),
    "header that is not JSON": (hostile_files.not_json, "not a .safetensors file"),
    "an old .pt file (a zip)": (hostile_files.old_pt_file, "cannot read old .pt files"),
    "a pickle": (lambda: hostile_files.a_pickle({"format": model_file.MODEL_FORMAT}), "cannot read old .pt files"),
}


@pytest.mark.parametrize("name", list(MODEL_BOMBS))
def test_hostile_model_files_are_refused_from_their_header_within_bounds(name):
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


@pytest.mark.parametrize("name", list(MODEL_BOMBS))
def test_hostile_model_files_are_refused_before_safetensors_reads_them(name, monkeypatch):
    read = []
    monkeypatch.setattr(model_file, "load_tensors", lambda data: read.append(data))
    with pytest.raises(model_file.ModelFileError):
        model_file.load_model(MODEL_BOMBS[name][0]())
    assert read == []


def test_the_largest_model_the_page_builds_loads_within_budget(tmp_path):
    model = cnn.CNN(**model_file.PAGE_LIMITS)
    path = tmp_path / "largest.safetensors"
    model_file.save_model(model, path)
    result = measure(LOAD_MODEL, path.read_bytes())
    print(
        f"\nlargest page model: {path.stat().st_size / MB:.1f} MB file, loaded in {result['seconds']:.2f} s, "
        f"peak +{result['grown_mb']:.1f} MB"
    )
    assert result["error"] is None
    assert result["grown_mb"] < REFUSAL_BUDGET_MB


def test_config_limits_are_the_cnn_pages_own_choices():
    assert model_file.CONFIG_LIMITS == {
        key: (min(setting.options), max(setting.options)) for key, setting in cnn_settings.MODEL_KEYS.items()
    }
    assert model_file.PAGE_LIMITS == {
        "conv1_channels": max(cnn_settings.CONV1.options),
        "conv2_channels": max(cnn_settings.CONV2.options),
        "hidden_size": max(cnn_settings.HIDDEN.options),
    }


@pytest.mark.parametrize("key", list(model_file.PAGE_LIMITS))
@pytest.mark.parametrize("beyond", ["below", "above"])
def test_a_model_one_step_beyond_the_page_is_refused_without_building_it(key, beyond, monkeypatch):
    low, high = model_file.CONFIG_LIMITS[key]
    config = dict(hostile_files.LESSON, **{key: low - 1 if beyond == "below" else high + 1})
    header, size = hostile_files.honest_header(dict(hostile_files.LESSON, **{key: max(1, config[key])}))
    header["__metadata__"] = hostile_files.description(config)
    data = hostile_files.safetensors_file(header, bytes(size))
    built = []
    monkeypatch.setattr(cnn.CNN, "__init__", lambda *a, **k: built.append(k))
    with pytest.raises(ValueError, match=f"{key} is {config[key]}"):
        model_file.load_model(data)
    assert built == []


def test_an_honest_file_the_page_could_build_loads():
    config = {"conv1_channels": 4, "conv2_channels": 8, "hidden_size": 16}
    model = model_file.load_model(hostile_files.honest_file(config))
    assert model.config == config and all(float(p.detach().abs().sum()) == 0 for p in model.parameters())


def test_a_file_declaring_a_smaller_model_than_its_weights_is_refused():
    """The lesson model's weights under a 4/8/16 config: the header's shapes are checked against the config."""
    header, size = hostile_files.honest_header(hostile_files.LESSON)
    header["__metadata__"] = hostile_files.description({"conv1_channels": 4, "conv2_channels": 8, "hidden_size": 16})
    with pytest.raises(ValueError, match="conv1.weight has shape"):
        model_file.load_model(hostile_files.safetensors_file(header, bytes(size)))


@pytest.mark.parametrize(
    "damage,message",
    [
        (lambda h: h.update({"extra": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}), "expected the tensors"),
        (lambda h: h.pop("fc2.bias"), "expected the tensors"),
        (lambda h: h["fc2.bias"].update({"shape": [True] * 10}), "describes weight fc2.bias oddly"),
        (lambda h: h["fc2.bias"].update({"shape": [5, 2]}), "fc2.bias has shape"),
        (lambda h: h["fc2.bias"].update({"data_offsets": [0]}), "describes weight fc2.bias oddly"),
        (lambda h: h["fc2.bias"].update({"note": "x"}), "describes weight fc2.bias oddly"),
        (lambda h: h.pop("__metadata__"), "format tag is missing"),
        (lambda h: h["__metadata__"].update({"other": "x"}), "format tag is missing"),
        (lambda h: h.update({"__metadata__": {model_file.MODEL_FORMAT: "[]"}}), "more than a model's config"),
        (lambda h: h.update({"__metadata__": {model_file.MODEL_FORMAT: "{"}}), "more than a model's config"),
    ],
)
def test_odd_headers_are_refused(damage, message):
    header, size = hostile_files.honest_header(hostile_files.LESSON)
    damage(header)
    with pytest.raises(model_file.ModelFileError, match=message):
        model_file.load_model(hostile_files.safetensors_file(header, bytes(size)))


def test_a_header_naming_a_tensor_twice_is_refused():
    """Which of the two would count is up to the JSON reader, so neither does."""
    with pytest.raises(model_file.ModelFileError, match="not a .safetensors file"):
        model_file.load_model(hostile_files.tensor_named_twice())


def test_anything_beside_config_weights_and_notes_is_refused():
    header, size = hostile_files.honest_header(hostile_files.LESSON)
    header["__metadata__"] = hostile_files.description(hostile_files.LESSON, {"notes": [[]] * 1000})
    with pytest.raises(ValueError, match="more than a model's config"):
        model_file.load_model(hostile_files.safetensors_file(header, bytes(size)))
    buffer = io.BytesIO()
    model_file.save_model(cnn.CNN(), buffer, accuracy=0.98, source="trained", epochs=3, dropped=[1], nan=float("nan"))
    assert model_file.load_model(buffer.getvalue()).metadata == {"accuracy": 0.98, "source": "trained", "epochs": 3}


def test_non_finite_weights_are_refused():
    model = cnn.CNN()
    with torch.no_grad():
        model.fc2.bias[3] = float("inf")
    buffer = io.BytesIO()
    model_file.save_model(model, buffer)
    with pytest.raises(ValueError, match="fc2.bias is not a finite"):
        model_file.load_model(buffer.getvalue())


def test_an_old_pt_file_runs_nothing_and_gets_the_clear_message(tmp_path):
    payload = {"format": model_file.MODEL_FORMAT, "config": hostile_files.LESSON, "x": WritesAFile(str(tmp_path / "p"))}
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    for data in (buffer.getvalue(), pickle.dumps(payload, protocol=2), hostile_files.old_pt_file()):
        with pytest.raises(model_file.ModelFileError, match="now saves models as .safetensors files"):
            model_file.load_model(data)
    assert not (tmp_path / "p").exists()


def test_no_model_file_code_calls_torch_load_or_unpickles():
    for module in (model_file, ready_model):
        source = open(module.__file__, encoding="utf-8").read()
        assert not re.search(r"torch\.load\(|^import pickle|^from pickle|pickle\.loads?\(", source, re.M), (
            module.__name__
        )


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
    exif[ExifTags.Base.Orientation] = 6  # stored sideways: rotate 90° clockwise to show
    assert digits.read_image_file(encode(tall, "JPEG", exif=exif)).shape == (60, 90, 4)
    assert digits.read_image_file(encode(tall, "JPEG")).shape == (90, 60, 4)


def test_a_pngs_exif_orientation_is_followed_too():
    marked = Image.new("L", (60, 90), 255)
    marked.putpixel((0, 0), 0)
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 3  # stored upside down
    pixels = digits.read_image_file(encode(marked, "PNG", exif=exif))
    assert pixels.shape == (90, 60, 4) and pixels[-1, -1, 0] == 0 and pixels[0, 0, 0] == 255


def test_degenerate_uploads_on_the_draw_page_get_the_message(lesson_model_run):
    from tests.test_hardening import draw_app, messages, upload

    at = draw_app(lesson_model_run[0])
    for size in [(1, 1), (1, 5000)]:
        upload(at, "draw_upload", "thin.png", encode(Image.new("L", size, 0), "PNG"), "image/png")
        assert "at least 8 pixels on each side" in messages(at), size
        assert not any(m.label == "The CNN reads" for m in at.metric)


# ---- 中文 for every refusal -----------------------------------------------------------------------------------------


def refusal_templates() -> set[str]:
    """Every ModelFileError / ImageError template written in core/files/model_file.py and core/draw/image_file.py."""
    found = {image_file.NOT_AN_IMAGE}
    for module in (model_file, image_file):
        source = open(module.__file__, encoding="utf-8").read()
        for call in re.finditer(r'(?:ModelFileError|ImageError)\(((?:\s*"(?:[^"\\]|\\.)*")+)', source):
            found.add("".join(re.findall(r'"((?:[^"\\]|\\.)*)"', call.group(1))))
    return found


def test_every_refusal_has_chinese_with_the_same_placeholders():
    templates = refusal_templates()
    assert len(templates) > 20
    for template in templates:
        chinese = translate(template, "zh")
        assert chinese != template, template
        assert sorted(re.findall(r"{[^}]*}", chinese)) == sorted(re.findall(r"{[^}]*}", template)), template


@pytest.mark.parametrize("new_interpreter", [False, True])
def test_the_harness_sees_a_calls_memory_whole_and_each_call_alone(new_interpreter):
    """What the budgets above rest on: a call that fills 200 MB is measured as that much, and the next call starts
    afresh (a forked child inherits nothing of an earlier call's peak)."""
    fills = "import numpy as np\nCALL = lambda data: np.ones(200 * 2**20 // 8)"
    assert measure(fills, b"", new_interpreter=new_interpreter)["grown_mb"] > 195
    assert measure("CALL = lambda data: None", b"", new_interpreter=new_interpreter)["grown_mb"] < 5
