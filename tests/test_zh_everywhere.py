"""Under ?lang=zh every page reads in 中文: no English sentence outside code, formulas and names (tests/zh_text.py).

Each page is rendered with results where it has them: XOR after training and after its buttons ran; CNN and Draw
with the tests' trained CNN (tests/conftest.py), every results tab opened, and a digit uploaded on Draw.
"""

import io
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from core.cnn.records import CnnRun, Source
from core.cnn.settings import RunSettings
from harness.strokes import random_drawing, render_strokes
from tests.conftest import open_page
from tests.zh_text import element_texts, english_in, english_words


def test_the_detector_finds_english_and_passes_names_code_and_formulas():
    assert english_words("after 1 epochs") == ["after", "epochs"]
    assert english_words("Hidden space") == ["Hidden", "space"]
    assert english_words("训练 CNN（PyTorch、Adam、ReLU），`model.eval()`，$\\sigma(x)$，%{y:.2f}<br>1e-16") == []
    assert english_words("x1 = 0, ŷ = σ(A), 28×28") == []
    assert english_words("第 3 轮 · loss") == ["loss"]
    assert english_words("训练轮数（epoch）：channels_last、DataLoader、uint8") == []
    assert english_words("环境变量 NN_PLAYGROUND_DATA：/data/mnist-mini，\\/root\\/\\.cache\\/nn\\-sample") == []
    assert english_words("x: %{x}<br>color: %{z}") == ["color"]


@pytest.fixture(scope="module")
def session_model(lesson_model_run):
    """The tests' trained CNN (tests/conftest.py), as the pages keep it in the session."""
    model, records = lesson_model_run
    return CnnRun(model, records, RunSettings.of(model.config), Source.TRAINED)


def digit_png() -> bytes:
    strokes, width = random_drawing(3, np.random.default_rng(1))
    buffer = io.BytesIO()
    Image.fromarray(render_strokes(strokes, width)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def format_funcs_in_chinese(monkeypatch):
    """AppTest calls widgets' format_func outside the script run, where the session's language is unknown, and then
    cannot find the English option among the 中文 ones; the pages' language comes from ?lang=zh all the same."""
    import ui.common

    monkeypatch.setattr(ui.common, "lang", lambda: "zh")


def page_app(page: str, model_entry=None) -> AppTest:
    state = {"cnn": replace(model_entry)} if model_entry is not None else {}
    at = open_page(page, query={"lang": "zh"}, state=state)
    assert at.session_state["lang"] == "zh"
    return at


def texts(at: AppTest) -> list[str]:
    return list(element_texts(at._tree))


def press_every_button(at: AppTest, skip=("stop", "clear")) -> list[str]:
    """Press each button once (buttons that run something reveal more text), collecting the text after each."""
    seen = texts(at)
    labels = [(button.key, button.label) for button in at.button]
    for key, _ in labels:
        if key is None or any(word in key for word in skip):
            continue
        matches = [button for button in at.button if button.key == key]
        if not matches or matches[0].disabled:
            continue
        matches[0].click().run()
        assert not at.exception, [e.value for e in at.exception]
        seen += texts(at)
    return seen


def open_every_tab(at: AppTest) -> list[str]:
    """Tabs draw only the open one: open each (by its session-state key, where the page gives it one)."""
    seen = []
    keys = [key for key in ("cnn_results_tab",) if key in at.session_state]
    for key in keys:
        for tab in [tab.label for tab in at.tabs]:
            at.session_state[key] = tab
            at.run()
            assert not at.exception, [e.value for e in at.exception]
            seen += texts(at)
    return seen


def assert_chinese(page: str, seen: list[str]) -> None:
    english = english_in(seen)
    assert not english, f"{page} under ?lang=zh still shows {len(english)} English texts:\n" + "\n".join(english)


def test_home_is_chinese():
    assert_chinese("home", texts(page_app("views/home.py")))


def test_xor_is_chinese_after_training():
    at = page_app("views/xor.py")
    assert_chinese("xor", press_every_button(at))


def test_cnn_is_chinese_with_a_model(session_model):
    at = page_app("views/cnn.py", session_model)
    assert_chinese("cnn", texts(at) + open_every_tab(at))


def test_draw_is_chinese_with_a_digit(session_model):
    at = page_app("views/draw.py", session_model)
    seen = texts(at)
    at.session_state["draw_source"] = "upload"
    at.run()
    uploads = [upload for upload in at.get("file_uploader") if getattr(upload, "key", None) == "draw_upload"]
    assert uploads, "the Draw page offers an upload (key draw_upload) once its input is 'upload'"
    uploads[0].set_value(("digit.png", digit_png(), "image/png"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(c.key == "draw_probs" for c in at.get("bidi_component")), "an uploaded digit shows its probabilities"
    assert_chinese("draw", seen + texts(at))
