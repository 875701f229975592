"""The Lesson page: the post's blocks in order in both languages, four predict-then-reveals answered by measurements,
the programs' Run buttons, and the CNN script run live to a model the Draw page reads."""

import re
import time

import pytest
from streamlit.testing.v1 import AppTest

from core.lesson import reveals
from core.lesson.code import BLOCKS, in_language
from tests.conftest import open_page

FINAL_OUTPUT = re.compile(r"^Final Output after training:\n\[\[")


def lesson_page(lang: str = "en") -> AppTest:
    return open_page("views/the_lesson.py", query={"lang": lang}, timeout=300)


@pytest.fixture
def chinese_labels(monkeypatch):
    """AppTest calls format_func outside the script run, where the session's language is unknown (see
    tests/test_zh_everywhere.py)."""
    import ui.common

    monkeypatch.setattr(ui.common, "lang", lambda: "zh")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_block_of_the_post_is_on_the_page_whole_in_the_posts_order(lang, request):
    if lang == "zh":
        request.getfixturevalue("chinese_labels")
    at = lesson_page(lang)
    shown = [code.value for code in at.code]
    assert shown == [in_language(block.source(), lang).rstrip("\n") for block in BLOCKS]
    assert ("# 初始化权重 w1 和 w2" in shown[4]) == (lang == "zh")
    assert ("# initialise the weights w1 and w2" in shown[4]) == (lang == "en")


def guess(at: AppTest, key: str, option: str) -> AppTest:
    at.radio(key=f"lesson_guess_{key}").set_value(option)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def markdown_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_nothing_is_revealed_before_a_guess():
    at = lesson_page()
    assert len(at.radio) == 4 and all(radio.value is None for radio in at.radio)
    assert not at.success and not at.warning
    assert "torch gradient ÷ hand gradient" not in markdown_text(at)


@pytest.fixture
def measured_once():
    """The reveals' measurements made beforehand, as a server makes them once for all its visitors: the page then
    gives them at once, whatever the fair CPU gate says (a CNN job of another test may be holding it)."""
    reveals.derivative_answer(0), reveals.share_solved(2), reveals.share_solved(3), reveals.mse_ratio(0)


def test_a_measured_answer_is_given_even_while_the_server_is_busy(measured_once, monkeypatch):
    import ui.lesson_common
    from core.serving.compute import ServerBusy

    def busy(owner, cost):
        raise ServerBusy("The server is busy.")

    monkeypatch.setattr(ui.lesson_common, "short_work", busy)
    at = guess(lesson_page(), "mse", "half")
    assert at.success[0].value == "Right!" and not at.error


def test_the_derivative_question_reveals_the_measured_slopes_and_both_trainings(measured_once):
    at = guess(lesson_page(), "derivative", "a2")
    assert "sigmoid_derivative(self.Y_hat), as written" in at.warning[0].value
    answer = reveals.derivative_answer(0)
    table = at.table[0].value
    slopes = dict(zip(table.iloc[:, 0], table.iloc[:, 1]))
    assert slopes["sigmoid_derivative(Y_hat)"] == slopes["true slope σ'(A2)"]
    assert slopes["sigmoid_derivative(A2)"] != slopes["true slope σ'(A2)"]
    assert f"{answer.trained_right[1]:.3f}" in markdown_text(at)
    at = guess(at, "derivative", "y_hat")
    assert at.success[0].value == "Right!"


def test_the_seeds_question_reveals_the_measured_shares(measured_once):
    at = guess(lesson_page(), "seeds", "few")
    two, three = reveals.share_solved(2), reveals.share_solved(3)
    assert f"**{two:.0%}**" in markdown_text(at) and f"**{three:.0%}**" in markdown_text(at)
    assert 0.5 < two <= three  # the post's 3 units solve at least as often as 2


def test_the_mse_question_reveals_a_ratio_of_one_half(measured_once):
    at = guess(lesson_page(), "mse", "half")
    assert at.success[0].value == "Right!"
    assert "**0.500000** and **0.500000**" in markdown_text(at)
    assert reveals.mse_ratio(0) == pytest.approx((0.5, 0.5), abs=1e-12)


def test_run_prints_what_the_numpy_program_prints():
    at = lesson_page()
    at.button(key="lesson_run_xor_numpy").click()
    at.run()
    printed = [code.value for code in at.code if code.value.startswith("Final Output")]
    assert len(printed) == 1 and FINAL_OUTPUT.match(printed[0])


def test_the_script_runs_live_and_its_model_reaches_the_draw_page(post_data_folder, monkeypatch):
    monkeypatch.setenv("NN_PLAYGROUND_DATA", str(post_data_folder / "data"))
    at = guess(lesson_page(), "accuracy", "97up")
    assert "Run the script" in at.info[0].value  # the answer waits for the run
    at.button(key="lesson_run_cnn").click()
    at.run()
    deadline = time.monotonic() + 240
    while "lesson_model" not in at.session_state and time.monotonic() < deadline:
        time.sleep(1.0)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    kept = at.session_state["lesson_model"]
    console = next(code.value for code in at.code if code.value.startswith("Epoch [1/10]"))
    assert console.rstrip().endswith("✅ CNN 训练完成!🎉")
    assert any(w.value.startswith("Not quite") for w in at.warning) or at.success  # the guess is now answered
    assert "Measured in your run" in markdown_text(at)
    assert kept.test_accuracy > 0.6
    at.switch_page("views/draw.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("lesson" in str(caption.value).lower() for caption in at.caption), [c.value for c in at.caption]


def test_the_lesson_reads_in_chinese_with_every_answer_revealed(chinese_labels, measured_once):
    from tests.zh_text import element_texts, english_in

    at = lesson_page("zh")
    seen = list(element_texts(at._tree))
    for key, option in (("derivative", "y_hat"), ("seeds", "most"), ("mse", "quarter"), ("accuracy", "90to97")):
        at = guess(at, key, option)
        seen += list(element_texts(at._tree))
    at.button(key="lesson_run_xor_numpy").click()  # a run's output reads the same for both programs (one Run button)
    at.run()
    seen += list(element_texts(at._tree))
    english = english_in(seen)
    assert not english, "\n".join(english)
