"""The Draw page's pad sends strokes; core.draw.strokes.strokes_to_image draws them, bounded against a hostile client.

A drawing reads right through the same MNIST-style preprocessing; too many strokes or points, wrong types and
non-finite numbers are refused with a UserError, points off the pad are clipped; a million points cost nothing; and
the page reads what the pad's message holds, raw websocket values included.
"""

import json

import numpy as np
import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates
from streamlit.testing.v1 import AppTest

from core import cnn
from core.draw import digits
from core.draw.strokes import MAX_POINTS, MAX_STROKES, PAD_SIZE, PEN_WIDTH, checked_strokes, strokes_to_image
from core.errors import UserError
from core.i18n.strings import translate
from harness.fresh_process import measure
from harness.strokes import random_drawing
from tests.conftest import open_page


def as_pad_sends(strokes) -> list:
    """Strokes as the pad sends them: whole pad units, points at least 2 apart (ui/pad.py)."""
    sent = []
    for stroke in strokes:
        kept = [[round(x), round(y)] for x, y in stroke[:1]]
        for x, y in stroke[1:]:
            if np.hypot(x - kept[-1][0], y - kept[-1][1]) >= 2:
                kept.append([round(x), round(y)])
        sent.append(kept)
    return sent


def test_a_drawing_is_white_ink_on_black_at_the_pad_size():
    image = strokes_to_image([[[40, 40], [240, 240]], [[140, 20]]])
    assert image.shape == (PAD_SIZE, PAD_SIZE) and image.dtype == np.uint8
    assert image[140, 140] == 255 and image[20, 140] == 255 and image[5, 270] == 0  # the line, the dot, the ground
    width = int((image[140] > 127).sum())  # across the diagonal: pen width × √2
    assert abs(width - PEN_WIDTH * 2**0.5) <= 3
    assert strokes_to_image([]).max() == 0 and strokes_to_image([[]]).max() == 0
    assert strokes_to_image([[[10, 10]]], size=64, pen_width=4).shape == (64, 64)


def test_drawn_digits_read_right_through_the_same_preprocessing(ready_model):
    """Digits not used anywhere else (seed 2024), sent as the pad sends them and drawn with the pad's pen."""
    rng = np.random.default_rng(2024)
    labels = [digit for _ in range(30) for digit in range(10)]
    images = [strokes_to_image(as_pad_sends(random_drawing(digit, rng)[0])) for digit in labels]
    prepared = np.stack([digits.preprocess(image) for image in images])
    accuracy = (cnn.predict_proba(ready_model, prepared).argmax(1) == np.array(labels)).mean()
    print(f"\nhidden drawn digits read right: {accuracy:.1%}")
    assert accuracy >= 0.97, f"{accuracy:.1%}"


def test_points_off_the_pad_are_clipped_onto_it():
    far = strokes_to_image([[[-1e300, 140], [1e300, 140]]])
    assert np.array_equal(far, strokes_to_image([[[0, 140], [PAD_SIZE, 140]]]))
    assert checked_strokes([[[-5, 999]]]) == [[(0.0, float(PAD_SIZE))]]


REFUSED = {
    "not a list": ("strokes", "not a list of strokes"),
    "a dict": ({"strokes": []}, "not a list of strokes"),
    "None": (None, "not a list of strokes"),
    "a stroke that is a string": (["12,34"], "a stroke is not a list"),
    "a stroke that is a number": ([5], "a stroke is not a list"),
    "a point of three numbers": ([[[1, 2, 3]]], "a pair of finite numbers"),
    "a point that is a string": ([["ab"]], "a pair of finite numbers"),
    "a text coordinate": ([[["1", 2]]], "a pair of finite numbers"),
    "a NaN": ([[[float("nan"), 2]]], "a pair of finite numbers"),
    "an infinity": ([[[1, float("inf")]]], "a pair of finite numbers"),
    "a bool": ([[[True, 2]]], "a pair of finite numbers"),
    "a 400-digit int": ([[[10**400, 2]]], "a pair of finite numbers"),
    "a nested list": ([[[[1, 2], 3]]], "a pair of finite numbers"),
    "too many strokes": ([[[1, 1]]] * (MAX_STROKES + 1), f"at most {MAX_STROKES:,} are read"),
    "too many points": ([[[1, 1]] * (MAX_POINTS // 2 + 1)] * 2, f"at most {MAX_POINTS:,} are read"),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_what_no_pad_sends_is_refused_with_a_message_in_both_languages(name):
    value, message = REFUSED[name]
    with pytest.raises(UserError, match=message.replace("[", r"\[")) as caught:
        strokes_to_image(value)
    assert translate(caught.value.template, "zh") != caught.value.template


def test_the_pads_limits_are_within_the_servers():
    honest = [[[i % PAD_SIZE, i // PAD_SIZE] for i in range(MAX_POINTS // MAX_STROKES)]] * MAX_STROKES
    assert strokes_to_image(honest).max() == 255


def test_a_wrong_size_or_pen_is_a_bug_not_a_visitor():
    for size, pen in [(4, 2), (5000, 2), (280.0, 2), (280, 0), (280, float("nan")), (280, 999)]:
        with pytest.raises(ValueError):
            strokes_to_image([], size=size, pen_width=pen)


@pytest.mark.parametrize(
    "build",
    [
        "[[[i % 280, 7] for i in range(1_000_000)]]",  # one stroke of a million points
        "[[[i % 280, 7]] for i in range(1_000_000)]",  # a million strokes of one point
        "[[[i % 280, 7] for i in range(1_000)] for _ in range(1_000)]",
        "[[[i % 280, 7] for i in range(20_000)] for _ in range(50)]",  # few strokes, each far too long
    ],
)
def test_a_million_points_are_answered_at_once(build):
    setup = (
        f"from core.draw.strokes import strokes_to_image\nSTROKES = {build}\nCALL = lambda _: strokes_to_image(STROKES)"
    )
    result = measure(setup, b"")
    print(f"\n{build}: refused in {result['seconds'] * 1000:.2f} ms, peak +{result['grown_mb']:.1f} MB")
    assert result["error"] and "at most" in result["error"]
    assert result["grown_mb"] < 100


class WatchedPoint(list):
    """A point that records being looked at."""

    looked: list = []

    def __getitem__(self, index):
        WatchedPoint.looked.append(index)
        return super().__getitem__(index)

    def __iter__(self):
        WatchedPoint.looked.append("iter")
        return super().__iter__()


@pytest.mark.parametrize("strokes, points", [(1, MAX_POINTS + 1), (MAX_STROKES + 1, 1), (2, MAX_POINTS // 2 + 1)])
def test_too_many_points_are_refused_without_looking_at_one(strokes, points):
    """Why a million points cost nothing to refuse (the timings above are printed, not asserted): counting uses len()
    alone, so the refusal never reads a point."""
    WatchedPoint.looked = []
    drawing = [[WatchedPoint([5, 7]) for _ in range(points)] for _ in range(strokes)]
    with pytest.raises(UserError, match="at most"):
        strokes_to_image(drawing)
    assert WatchedPoint.looked == []
    assert strokes_to_image([[WatchedPoint([5, 7]), WatchedPoint([9, 9])]]).shape and WatchedPoint.looked, "it can see"


# ---- the pad's message on the page --------------------------------------------------------------------------------


def draw_page() -> AppTest:
    return open_page("views/draw.py")


def pad_element(node):
    """The pad (a v2 component, which AppTest shows as an unknown element)."""
    if getattr(node, "type", "") == "bidi_component" and node.key == "draw_pad":
        return node
    for child in getattr(node, "children", {}).values():
        found = pad_element(child)
        if found is not None:
            return found
    return None


def send_pad_value(at: AppTest, value: str) -> AppTest:
    """Rerun with the pad's state replaced by this JSON text, as a raw websocket client could send it. (Text that is
    not JSON never reaches the page: Streamlit's own json.loads of every JSON widget value fails that session's runs.)
    """
    pad_id = pad_element(at._tree.main).proto.id
    states = WidgetStates()
    states.widgets.extend(state for state in at._tree.get_widget_states().widgets if state.id != pad_id)
    states.widgets.append(WidgetState(id=pad_id, json_value=value))
    at._run(states)
    assert not at.exception, [e.value for e in at.exception]
    return at


def reads(at: AppTest) -> list[str]:
    return [m.value for m in at.metric if m.label == "The CNN reads"]


def messages(at: AppTest) -> str:
    return " ".join(e.value for e in [*at.error, *at.info])


def test_the_pad_is_labelled_and_told_its_limits():
    at = draw_page()
    data = json.loads(pad_element(at._tree.main).proto.json)
    assert data["label"] == "Drawing pad" and data["clear"] == "Clear" and data["undo"] == "Undo"
    assert (data["size"], data["pen"], data["maxPoints"], data["maxStrokes"]) == (
        PAD_SIZE,
        PEN_WIDTH,
        MAX_POINTS,
        MAX_STROKES,
    )
    assert data["every"] <= 100  # at most every ~100 ms while drawing


def test_the_pad_speaks_chinese():
    at = open_page("views/draw.py", query={"lang": "zh"})
    data = json.loads(pad_element(at._tree.main).proto.json)
    assert (data["label"], data["clear"], data["undo"]) == ("画板", "清除", "撤销")


def test_the_page_reads_the_pads_strokes_then_a_clear():
    at = draw_page()
    assert reads(at) == [] and "Draw a digit (0–9)" in messages(at)
    strokes, _ = random_drawing(4, np.random.default_rng(11))
    send_pad_value(at, json.dumps({"strokes": as_pad_sends(strokes)}))
    assert reads(at) == ["4"]
    send_pad_value(at, json.dumps({"strokes": []}))  # Clear
    assert reads(at) == [] and "Draw a digit (0–9)" in messages(at)


CRAFTED_PAD_VALUES = {
    "strokes that are text": ('{"strokes": "<b>4</b>"}', "not a list of strokes"),
    "a NaN coordinate": ('{"strokes": [[[NaN, 3], [5, 6]]]}', "a pair of finite numbers"),
    "too many strokes": (json.dumps({"strokes": [[[1, 1]]] * 500}), "at most 60 are read"),
    "too many points": (json.dumps({"strokes": [[[1, 1]] * 5000]}), "at most 3,000 are read"),
    "an object for a point": ('{"strokes": [[{"x": 1, "y": 2}]]}', "a pair of finite numbers"),
    "no strokes key": ('{"other": 1}', "Draw a digit (0–9)"),
    "a list, not an object": ("[1, 2, 3]", "Draw a digit (0–9)"),
}


@pytest.mark.parametrize("name", list(CRAFTED_PAD_VALUES))
def test_a_crafted_pad_message_gets_a_message_not_a_prediction(name):
    value, message = CRAFTED_PAD_VALUES[name]
    at = send_pad_value(draw_page(), value)
    assert message in messages(at), messages(at)
    assert reads(at) == []
    assert "<b>" not in messages(at)  # a visitor's value is never shown, let alone as markup
