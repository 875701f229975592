"""The XOR playground for a class: challenges whose checks say when they are met, the live view's bounded chunks,
and links that hide controls by the settings' own keys, open a challenge and warn about what they do not know."""

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core.xor import experiment as xe
from core.xor import watch as xor_watch
from core.xor.challenges import CHALLENGES
from core.xor.experiment import XorSettings
from tests.conftest import ROOT


def met(challenge_id: str, **fields) -> bool:
    settings = XorSettings(**{**CHALLENGES[challenge_id].start, **fields})
    name, run = next(iter(xe.runs(settings).items()))
    return CHALLENGES[challenge_id].met(settings, xe.summary(list(run), settings, name))


def test_fewest_units_for_xor_is_met_with_two_units_not_three():
    assert met("fewest_xor", hidden_size=2)
    assert not met("fewest_xor", hidden_size=3), "solved, but with more units than the goal"
    assert not met("fewest_xor", hidden_size=1), "one unit cannot solve XOR"


def test_failing_by_the_learning_rate_alone_needs_the_posts_other_settings():
    assert met("break_lr", learning_rate=0.01), "too small: 10,000 epochs are not enough"
    assert not met("break_lr"), "the post's learning rate solves XOR"
    assert not met("break_lr", learning_rate=0.01, hidden_size=4), "another setting changed too"


def test_the_circle_without_a_hidden_layer_needs_the_squares():
    assert met("circle_linear", features=("x1²", "x2²"))
    assert not met("circle_linear"), "one line cannot circle the middle"
    assert not met("circle_linear", features=("x1²", "x2²"), hidden_size=2), "that is a hidden layer"


def test_the_spirals_with_few_units():
    assert met("spirals", hidden_size=8)
    assert not met("spirals", hidden_size=12), "solved, but with more than 8 units"


def test_every_challenge_starts_from_settings_one_click_may_train():
    for challenge in CHALLENGES.values():
        assert not XorSettings(**challenge.start).problems(), challenge.id


@pytest.mark.parametrize(
    "settings",
    [XorSettings(), XorSettings(dataset="circle", **xe.DATASET_START), XorSettings(**xe.SPIRALS_RECIPE)],
)
def test_the_live_view_trains_bounded_chunks_and_stops_at_the_last_epoch(settings):
    watch = xor_watch.start(settings)
    chunk = xor_watch.chunk_epochs(settings)
    print(settings.dataset, "epochs per redraw:", chunk, "estimated CPU per redraw:", xor_watch.chunk_cost(settings))
    assert 1 <= chunk and xor_watch.chunk_cost(settings) <= xor_watch.TICK_CPU_SECONDS + 1e-12
    assert settings.epochs / chunk <= xor_watch.PLAY_TICKS + 1, "a run plays in about PLAY_TICKS redraws"
    xor_watch.advance(watch, chunk)
    assert watch.last.epoch == chunk and len(watch.losses) == chunk + 1, "one loss per epoch, exactly one chunk"
    while not watch.done:
        xor_watch.advance(watch, chunk)
    assert watch.last.epoch == settings.epochs
    xor_watch.advance(watch, chunk)
    assert watch.last.epoch == settings.epochs, "never past the run's end"
    alone = list(xe.runs(settings)["NumPy"])[-1]
    assert np.isclose(watch.last.loss, alone.loss, rtol=1e-12), "the same training as Train"


def page(**link) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in link.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("views/xor.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def labels(at: AppTest) -> list[str]:
    widgets = ("slider", "select_slider", "number_input", "selectbox", "radio", "checkbox")
    return [w.label for kind in widgets for w in at.get(kind)]


def test_the_bar_circle_with_the_pages_defaults_reaches_95_percent_and_hide_lr_hides_the_learning_rate():
    at = page()
    at.selectbox(key="xor_data").set_value("circle").run()
    at.button(key="xor_train").click().run()
    assert not at.exception, [e.value for e in at.exception]
    metric = next(m for m in at.metric if "Test accuracy" in m.label)
    assert float(metric.value.rstrip("%")) >= 95.0
    assert any("Learning rate" in label for label in labels(at))
    for hide in ("lr", "xor_lr"):
        hidden = page(hide=hide)
        assert not any("Learning rate" in label for label in labels(hidden)), hide
        assert any("Epochs" in label for label in labels(hidden)) and not hidden.warning


def test_a_hidden_control_keeps_the_links_value_and_unknown_names_are_warned_about_as_text():
    at = page(hide="lr,epochs,**bold**", xor_lr="0.1", xor_epochs="700")
    assert not any(label.startswith(("Learning rate", "Epochs")) for label in labels(at))
    assert (
        "lr 0.1" in " ".join(c.value for c in at.caption) or at.session_state["xor_run"].settings.learning_rate == 0.1
    )
    assert at.session_state["xor_run"].settings.epochs == 700
    warning = " ".join(w.value for w in at.warning)
    assert "hide=" in warning and "\\*\\*bold\\*\\*" in warning, "the name is shown as plain text"


def test_a_challenge_link_opens_it_with_its_settings_and_says_when_it_is_met():
    at = page(challenge="circle_linear")
    assert at.session_state["xor_data"] == "circle" and at.session_state["xor_hidden"] == 1
    assert any("no hidden layer" in m.value for m in at.markdown)
    assert not at.success
    at.checkbox(key="xor_f_1").check().run()
    at.checkbox(key="xor_f_2").check().run()
    at.button(key="xor_train").click().run()
    assert any("Challenge met" in s.value for s in at.success)
    kept = page(challenge="circle_linear", hide="challenge")
    assert not kept.warning and "challenge" not in [w.key for w in kept.selectbox], "a class can be held to it"
    unknown = page(challenge="<script>")
    assert any("challenge" in w.value and "script" in w.value for w in unknown.warning)
    assert unknown.session_state["challenge"] == ""


def test_the_class_link_holds_the_settings_their_keys_and_the_hidden_controls():
    at = page()
    at.selectbox(key="xor_data").set_value("moons").run()
    at.multiselect(key="xor_link_hide").set_value(["xor_lr", "xor_data"]).run()
    at.button(key="xor_make_link").click().run()
    link = next(code.value for code in at.code if "hide=" in code.value)
    assert "xor_data=moons" in link and "hide=xor_lr,xor_data" in link and "xor_bias=true" in link
    query = dict(pair.split("=", 1) for pair in link.split("?", 1)[1].split("&"))
    follow = page(**query)
    settings = follow.session_state["xor_run"].settings
    assert settings.dataset == "moons" and settings.hidden_size == 8 and settings.biases
    assert not any(label in ("Dataset", "Learning rate (log scale)") for label in labels(follow))


def live_frame(at) -> dict:
    """The frame record the live view's canvas was last sent."""
    return next(json.loads(c.proto.json) for c in at.get("bidi_component") if c.key == "xor_watch_view")


def test_the_live_view_steps_and_resets():
    at = page(xor_data="blobs")
    at.session_state["xor_open_watch"] = True
    at.run()
    first = live_frame(at)
    at.button(key="xor_watch_step").click().run()
    assert not at.exception, [e.value for e in at.exception]
    watch = at.session_state["xor_watch"]
    epoch = watch.last.epoch
    assert epoch == xor_watch.chunk_epochs(watch.settings)
    frame = live_frame(at)
    train, test = frame["points"]
    assert not train["hollow"] and test["hollow"], "test points hollow, training points filled"
    assert len(train["cls"]) == len(watch.data.X_train) and len(train["xy"]) == 2 * len(watch.data.X_train)
    assert len(test["cls"]) == len(watch.data.X_test) and len(test["xy"]) == 2 * len(watch.data.X_test)
    assert train["cls"].count("1") == int(watch.data.y_train.sum()), "red for class 1"
    grid = np.array(frame["grid"]["z"], dtype=float)
    assert grid.shape == (33 * 33,) and 0 <= grid.min() and grid.max() <= 1
    assert frame["loss"]["x"][-1] == epoch and first["loss"]["x"] == [0], "the training loss advanced with Step"
    assert frame["test"]["x"] == [0, epoch] and len(first["test"]["x"]) == 1, "a test loss after each chunk"
    assert frame["epochs"] == watch.settings.epochs and frame["id"] != first["id"]
    at.button(key="xor_watch_reset").click().run()
    assert at.session_state["xor_watch"].last.epoch == 0
    assert live_frame(at)["loss"]["x"] == [0]


def test_a_data_set_page_is_all_chinese(monkeypatch):
    import ui.common
    from tests.zh_text import element_texts, english_in

    monkeypatch.setattr(ui.common, "lang", lambda: "zh")
    at = page(lang="zh", challenge="spirals")
    at.session_state["xor_open_watch"] = True
    at.run()
    at.button(key="xor_watch_step").click().run()
    at.button(key="xor_make_link").click().run()
    english = english_in(list(element_texts(at._tree)))
    assert not english, "\n".join(english)
