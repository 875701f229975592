"""The Draw page reads with the ready-made model from the first visit, switches to the session's own model when there
is one (and back), and shows a photo's steps: photo → ink → 28×28."""

import json
from dataclasses import replace

from streamlit.testing.v1 import AppTest

from core.cnn.data import load_split
from core.cnn.records import CnnRun, Source
from core.cnn.settings import RunSettings
from tests.conftest import open_page
from tests.photo_digits import photo_set


def draw_page(state: dict | None = None) -> AppTest:
    return open_page("views/draw.py", state=state)


def a_photo(mnist_root):
    images, labels = load_split(mnist_root, train=False, download=False)
    photo = photo_set(images.numpy(), labels.numpy(), n=2, seed=11)[0]
    return photo.jpeg, photo.label


def upload_photo(at: AppTest, data: bytes) -> AppTest:
    at.radio(key="draw_source").set_value("upload").run()
    at.file_uploader(key="draw_upload").set_value(("photo.jpg", data, "image/jpeg")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def image_captions(node) -> list[str]:
    """Captions of every st.image on the page (AppTest has no accessor for images yet)."""
    own = [image.caption for image in node.proto.imgs] if getattr(node, "type", None) == "image" else []
    return own + [caption for child in getattr(node, "children", {}).values() for caption in image_captions(child)]


def reads(at: AppTest) -> list[str]:
    return [m.value for m in at.metric if m.label == "The CNN reads"]


def bars(at: AppTest) -> dict:
    """What the probability bars were given (a v2 component: its data, as JSON)."""
    return next(json.loads(c.proto.json) for c in at.get("bidi_component") if c.key == "draw_probs")


def test_a_first_visit_reads_with_the_ready_made_model(mnist_root):
    at = draw_page()
    captions = " ".join(c.value for c in at.caption)
    assert "the ready-made model (test accuracy 98." in captions
    data, label = a_photo(mnist_root)
    upload_photo(at, data)
    assert reads(at) == [str(label)]
    shown = bars(at)
    probs = [bar["p"] for bar in shown["bars"]]
    assert [bar["digit"] for bar in shown["bars"]] == [str(d) for d in range(10)]
    assert shown["best"] == label and max(probs) == probs[label] and abs(sum(probs) - 1) < 1e-3
    assert all((bar["value"] != "") == (bar["p"] >= 0.05) for bar in shown["bars"])  # labels only where they fit
    shown = image_captions(at._tree)
    assert any("your photo" in c for c in shown) and any("ink" in c for c in shown), shown


def test_the_own_model_takes_over_and_the_ready_one_can_come_back(mnist_root, lesson_model_run):
    last = replace(lesson_model_run[1][-1], test_accuracy=0.5)
    own = CnnRun(lesson_model_run[0], [last], RunSettings(), Source.TRAINED)
    at = draw_page({"cnn": own})
    assert at.radio(key="draw_model").value == "own"
    assert "Reading with your trained model (test accuracy 50.00%)." in [c.value for c in at.caption]
    at.radio(key="draw_model").set_value("ready").run()
    assert any("ready-made model" in c.value for c in at.caption)
    data, label = a_photo(mnist_root)
    upload_photo(at, data)
    assert reads(at) == [str(label)]


def test_saliency_and_feature_maps_wait_until_opened(mnist_root, monkeypatch):
    from core import cnn

    calls = []
    real = cnn.saliency
    monkeypatch.setattr(cnn, "saliency", lambda *a, **k: calls.append(1) or real(*a, **k))
    at = upload_photo(draw_page(), a_photo(mnist_root)[0])
    assert reads(at) and not calls
    at.session_state["draw_inside"] = True
    at.run()
    assert calls and not at.exception, [e.value for e in at.exception]
    text = " ".join(m.value for m in at.markdown)
    assert "Cross-entropy loss" not in text  # no true label for a visitor's photo
    assert any(c.value == "map 1: click a pixel" for c in at.caption)  # the network opened up for this digit


def test_the_pad_takes_the_live_lane_only_while_its_reruns_are_cheap():
    """Drawn on with "Inside the CNN" closed, a stroke reruns only the prediction (a few ms): the pad's fragment is a
    live view and its prediction follows the pen. With the inside view open, or a photo to read, its reruns cost
    more and take the clicks' rate (ui.server.live_view)."""
    at = draw_page()
    assert len(at.session_state["_live_views"]) == 1, "the pad, drawn on"
    at.session_state["draw_inside"] = True
    at.run()
    assert at.session_state["_live_views"] == (), "Inside the CNN open: the clicks' rate"
    at.session_state["draw_inside"] = False
    at.run()
    assert len(at.session_state["_live_views"]) == 1
    at.radio(key="draw_source").set_value("upload").run()
    assert at.session_state["_live_views"] == (), "a photo's reading costs up to 0.5 s: the clicks' rate"
