"""Bad input on every page gives a clear message, never a traceback, and the session keeps working."""

import io
import pickle
import re
import shutil

import numpy as np
import pytest
import safetensors.torch
import torch
from PIL import Image
from streamlit.testing.v1 import AppTest

from core import cnn
from core.cnn.records import CnnRun, Source
from core.cnn.settings import RunSettings
from core.files import model_file
from core.serving.jobs import Job
from core.xor.experiment import XorSettings
from harness import hostile_files
from harness.strokes import random_drawing, render_strokes
from tests.conftest import WritesAFile, open_page, wait_for_job
from ui.server import server


def page_app(page: str, query: dict | None = None, state: dict | None = None) -> AppTest:
    return open_page(page, query=query, state=state)


def messages(at: AppTest) -> str:
    """The messages as a reader sees them: markdown's backslash escapes removed."""
    return re.sub(r"\\(.)", r"\1", " ".join(e.value for e in [*at.error, *at.warning, *at.info]))


XOR_LINKS = [
    ("xor_lr", "nan"),
    ("xor_lr", "inf"),
    ("xor_lr", "-1"),
    ("xor_lr", "0"),
    ("xor_lr", "1e9"),
    ("xor_hidden", "0"),
    ("xor_hidden", "99"),
    ("xor_hidden", "two"),
    ("xor_epochs", "0"),
    ("xor_epochs", "1000000000"),
    ("xor_seed", "-1"),
    ("xor_act", "softmax"),
    ("xor_init", "zeros"),
    ("xor_impl", "jax"),
    ("xor_bias", "maybe"),
]


@pytest.mark.parametrize("key,value", XOR_LINKS)
def test_bad_xor_settings_in_a_link_are_refused_with_a_message(key, value):
    at = page_app("views/xor.py", {key: value})
    assert f"{key}={value}" in messages(at)
    assert at.metric and at.metric[0].label == "NumPy final loss"


@pytest.mark.parametrize("lr", [float("nan"), float("inf"), -1.0, 0.0, 1e9])
def test_xor_core_refuses_bad_learning_rates(lr):
    assert XorSettings(learning_rate=lr).problems()


def test_xor_core_refuses_bad_sizes():
    assert XorSettings(hidden_size=0).problems() and XorSettings(epochs=0).problems()
    assert XorSettings(epochs=10**9).problems() and not XorSettings().problems()


CNN_LINKS = [
    ("cnn_lr", "nan"),
    ("cnn_lr", "5"),
    ("cnn_epochs", "0"),
    ("cnn_epochs", "1000"),
    ("cnn_batch", "100000"),
    ("cnn_subset", "-1"),
    ("cnn_c1", "3.5"),
]


@pytest.mark.parametrize("key,value", CNN_LINKS)
def test_bad_cnn_settings_in_a_link_are_refused_with_a_message(key, value):
    at = page_app("views/cnn.py", {key: value})
    assert f"{key}={value}" in messages(at)
    assert at.button(key="cnn_train")


def wait(job: Job, seconds=300):
    wait_for_job(job, seconds)


def damaged_copy(tmp_path, mnist_root, damage):
    raw = tmp_path / "MNIST" / "raw"
    shutil.copytree(mnist_root / "MNIST" / "raw", raw)
    target = raw / "train-labels-idx1-ubyte"
    if damage == "truncated":
        target.write_bytes(target.read_bytes()[:100])
    elif damage == "corrupt":
        target.write_bytes(b"\xff" * 4000)
    elif damage == "missing":
        target.unlink()
    return tmp_path


@pytest.mark.parametrize("damage", ["truncated", "corrupt", "missing"])
def test_damaged_mnist_files_give_a_message_and_training_uses_the_sample(tmp_path, mnist_root, damage, local_mode):
    at = page_app("views/cnn.py", {"cnn_epochs": "1", "cnn_subset": "1000"})
    at.text_input(key="data_dir").set_value(str(damaged_copy(tmp_path, mnist_root, damage))).run()
    assert "train-labels-idx1-ubyte" in messages(at) and "bundled 8,000-image sample" in messages(at)
    at.button(key="cnn_train").click().run()
    job = server().queue.get(at.session_state["cnn_job"])
    wait(job)
    at.run()
    assert not at.exception
    assert job.status == "done" and job.last.bundled
    at.text_input(key="data_dir").set_value(str(mnist_root)).run()
    assert not at.exception and "MNIST found" in " ".join(c.value for c in at.caption)


def test_data_dir_that_is_a_file_gets_a_message(tmp_path, local_mode):
    not_a_dir = tmp_path / "file.txt"
    not_a_dir.write_text("hi")
    at = page_app("views/cnn.py")
    at.text_input(key="data_dir").set_value(str(not_a_dir)).run()
    assert not at.exception and "not in this directory" in messages(at)


def test_diverging_training_says_so_and_suggests_a_lower_rate(mnist_root):
    model = cnn.build_model(0, hidden_size=16)
    job = server().queue.submit(
        Job(
            lambda stop: cnn.train(
                model, mnist_root, epochs=1, lr=1e4, optimizer="sgd", train_subset=1000, log_every=2, should_stop=stop
            ),
            payload={"model": model, "settings": {}},
        )
    )
    wait(job)
    at = page_app("views/cnn.py", state={"cnn_job": job.id})
    at.run()
    assert job.status == "diverged"
    assert "Lower the learning rate" in messages(at)
    assert "cnn" not in at.session_state


def upload(at: AppTest, key: str, name: str, data: bytes, mime="application/octet-stream") -> AppTest:
    at.file_uploader(key=key).set_value((name, data, mime)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def saved(tensors: dict, config: dict | None = None) -> bytes:
    """A .safetensors file of these tensors, tagged as a model of this config (untagged when config is None)."""
    return safetensors.torch.save(tensors, hostile_files.description(config) if config else None)


def bad_models(tmp_path):
    good = cnn.CNN().state_dict()
    config = cnn.CNN().config
    return {
        "text": b"just some text, not a model",
        "empty": b"",
        "pickle that writes a file": pickle.dumps(WritesAFile(str(tmp_path / "pwned"))),
        "old .pt with a file-writing object": old_pt(
            {"format": "nn-playground-cnn", "x": WritesAFile(str(tmp_path / "pwned"))}
        ),
        "wrong keys": saved({"w": torch.zeros(2)}, config),
        "wrong shapes": saved({**good, "fc1.weight": torch.zeros(2, 2)}, config),
        "bare state_dict": saved(good),
        "NaN weights": saved({**good, "fc2.bias": torch.full((10,), float("nan"))}, config),
        "1 GiB declared": hostile_files.huge_tensor(),
        "truncated": hostile_files.truncated(),
    }


def old_pt(payload) -> bytes:
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    return buffer.getvalue()


def test_bad_model_uploads_are_refused_and_run_nothing(tmp_path):
    at = page_app("views/cnn.py")
    for name, data in bad_models(tmp_path).items():
        upload(at, "cnn_upload", f"{name}.safetensors", data)
        assert "Could not load that file" in messages(at), name
        assert "cnn" not in at.session_state, name
    assert not (tmp_path / "pwned").exists()


def test_an_old_pt_upload_is_told_the_format_changed():
    at = page_app("views/cnn.py")
    upload(at, "cnn_upload", "from-last-year.pt", hostile_files.old_pt_file())
    assert "cannot read old .pt files" in messages(at)
    assert "cnn" not in at.session_state


def test_a_good_model_upload_becomes_the_session_model(lesson_model_run):
    model, _ = lesson_model_run
    buffer = io.BytesIO()
    model_file.save_model(model, buffer)
    at = page_app("views/cnn.py")
    upload(at, "cnn_upload", "mine.safetensors", buffer.getvalue())
    assert at.session_state["cnn"].source == Source.UPLOADED
    assert any(m.label == "Test accuracy" for m in at.metric)
    # The file's copies (Streamlit's store and the uploader's value) go: a new, empty uploader takes its place.
    assert [u.key for u in at.get("file_uploader")] == ["cnn_upload_1"] and at.file_uploader(
        key="cnn_upload_1"
    ).value is None
    upload(at, "cnn_upload_1", "again.safetensors", buffer.getvalue())
    assert len(at.session_state["cnn_runs"]) == 2 and [u.key for u in at.get("file_uploader")] == ["cnn_upload_2"]


def test_the_model_download_is_made_only_when_pressed_and_once(lesson_model_run, monkeypatch):
    """Made on every rerun it was kept twice a session; made on request, a raw client asking Streamlit for it again
    and again (no rerun, so no pacing) must not serialise the model each time."""
    from ui import training

    calls, real = [], model_file.save_model
    monkeypatch.setattr(model_file, "save_model", lambda model, file: calls.append(1) or real(model, file))
    run = CnnRun(lesson_model_run[0], [], RunSettings(), Source.TRAINED)
    download = training.model_file_of(run)
    assert calls == [], "nothing made before the button is pressed"
    first = download()
    assert all(download() is first for _ in range(5)) and len(calls) == 1
    restored = model_file.load_model(io.BytesIO(first))
    assert torch.equal(restored.fc2.weight, run.model.fc2.weight)


def image_bytes(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def digit_photo() -> Image.Image:
    strokes, width = random_drawing(4, np.random.default_rng(11))
    rgba = render_strokes(strokes, width, background=(240, 235, 225, 255), ink=(30, 30, 60, 255))
    return Image.fromarray(rgba).convert("RGB")


def draw_app(model) -> AppTest:
    at = page_app("views/draw.py", state={"cnn": CnnRun(model, [], RunSettings(), Source.TRAINED)})
    at.radio(key="draw_source").set_value("upload").run()
    return at


def test_empty_canvas_asks_for_a_digit(lesson_model_run):
    model, _ = lesson_model_run
    at = page_app("views/draw.py", state={"cnn": CnnRun(model, [], RunSettings(), Source.TRAINED)})
    assert "Draw a digit (0–9)" in messages(at)
    assert not any(m.label == "The CNN reads" for m in at.metric)


BAD_IMAGES = {
    "not an image": (b"GIF89a but really nothing", "not an image this app can read"),
    "a PDF": (b"%PDF-1.4\n%%EOF", "not an image this app can read"),
    "truncated PNG": (image_bytes(Image.new("RGB", (50, 50), "white"), "PNG")[:60], "not an image this app can read"),
    "huge image": (image_bytes(Image.new("L", (8000, 6000), 255), "PNG"), "megapixels"),
    "blank page": (image_bytes(Image.new("RGB", (300, 300), "white"), "JPEG"), "No digit found in this picture"),
}


@pytest.mark.parametrize("name", list(BAD_IMAGES))
def test_bad_image_uploads_get_a_message(lesson_model_run, name):
    data, expected = BAD_IMAGES[name]
    at = upload(draw_app(lesson_model_run[0]), "draw_upload", f"{name}.png", data, "image/png")
    assert expected in messages(at), name
    assert not any(m.label == "The CNN reads" for m in at.metric)


def test_photo_with_a_few_transparent_pixels_is_read(lesson_model_run):
    rgba = np.asarray(digit_photo().convert("RGBA")).copy()
    rgba[:3, :3, 3] = 0
    rgba[-3:, -3:, 3] = 0
    at = upload(
        draw_app(lesson_model_run[0]),
        "draw_upload",
        "rounded.png",
        image_bytes(Image.fromarray(rgba), "PNG"),
        "image/png",
    )
    assert [m.value for m in at.metric if m.label == "The CNN reads"] == ["4"]


@pytest.mark.parametrize("path", ["~nosuchuser/mnist", "x" * 300, "/dev/null/mnist"])
def test_unusable_data_directories_get_a_message(path, local_mode):
    at = page_app("views/cnn.py")
    at.text_input(key="data_dir").set_value(path).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "not in this directory" in messages(at)
    at.switch_page("views/draw.py").run()
    at.switch_page("views/cnn.py").run()
    assert not at.exception and at.text_input(key="data_dir").value == path


def test_quick_training_without_mnist_trains_on_the_sample(tmp_path, local_mode):
    at = page_app("views/draw.py", state={"data_dir": str(tmp_path)})
    at.button(key="quick_train").click().run()
    job = server().queue.get(at.session_state["cnn_job"])
    wait(job)
    at.run()
    at.run()
    assert not at.exception
    assert job.status == "done" and job.last.bundled


ODD_MODES = {
    "CMYK JPEG": lambda im: image_bytes(im.convert("CMYK"), "JPEG"),
    "16-bit PNG": lambda im: image_bytes(Image.fromarray(np.asarray(im.convert("L"), np.uint16) * 257), "PNG"),
    "palette PNG": lambda im: image_bytes(im.convert("P"), "PNG"),
    "grey + alpha PNG": lambda im: image_bytes(im.convert("LA"), "PNG"),
    "RGBA PNG": lambda im: image_bytes(im.convert("RGBA"), "PNG"),
}


@pytest.mark.parametrize("name", list(ODD_MODES))
def test_photos_in_odd_modes_are_read(lesson_model_run, name):
    at = upload(draw_app(lesson_model_run[0]), "draw_upload", "digit.png", ODD_MODES[name](digit_photo()), "image/png")
    reads = [m.value for m in at.metric if m.label == "The CNN reads"]
    assert reads == ["4"], name


def test_the_data_directory_cannot_be_changed_on_a_public_deployment(monkeypatch):
    monkeypatch.delenv("NN_PLAYGROUND_LOCAL", raising=False)
    at = page_app("views/cnn.py")
    assert at.text_input(key="data_dir").disabled
