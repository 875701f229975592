"""The app and every page render without exceptions, and widgets change results (Streamlit AppTest)."""

from dataclasses import replace

import pytest
from streamlit.testing.v1 import AppTest

from core.xor import experiment as xe
from tests.conftest import open_page, wait_for_job
from ui.server import server

PAGES = ["views/home.py", "views/xor.py", "views/cnn.py", "views/draw.py"]


def no_exceptions(at: AppTest):
    assert not at.exception, [e.value for e in at.exception]


def plotly_traces(at: AppTest, name_fragment=None) -> list[dict]:
    import json

    traces = []
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        traces.extend(spec["data"])
    return traces


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders(page):
    no_exceptions(open_page(page))


def test_xor_trains_on_load_and_shows_the_figures():
    at = open_page("views/xor.py")
    no_exceptions(at)
    traces = plotly_traces(at)
    types = {trace["type"] for trace in traces}
    assert {"heatmap", "scatter"} <= types
    assert any(trace.get("name") == "NumPy" for trace in traces)  # the loss curve, one line per implementation
    assert any(trace.get("name") == "XOR points" for trace in traces)
    assert at.metric[0].label == "NumPy final loss"


def test_xor_settings_and_train_change_results():
    at = open_page("views/xor.py")
    first = at.metric[0].value
    at.slider(key="xor_hidden").set_value(1).run()
    assert at.metric[0].value == first
    assert any("settings changed" in info.value for info in at.info)
    at.button(key="xor_train").click().run()
    no_exceptions(at)
    assert at.metric[0].value != first
    assert any("does not solve" in caption.value for caption in at.caption)


def test_xor_both_implementations_side_by_side():
    at = open_page("views/xor.py")
    at.radio(key="xor_impl").set_value("both")
    at.number_input(key="xor_epochs").set_value(2000)
    at.button(key="xor_train").click().run()
    no_exceptions(at)
    assert [m.label for m in at.metric] == ["NumPy final loss", "PyTorch final loss"]


def test_xor_many_seeds():
    at = open_page("views/xor.py")
    at.number_input(key="xor_epochs").set_value(3000)
    at.button(key="xor_train").click().run()
    at.session_state["xor_open_seeds"] = True  # the section computes only while open
    at.run()
    at.button(key="xor_many").click().run(timeout=120)
    no_exceptions(at)
    bars = [trace for trace in plotly_traces(at) if trace["type"] == "bar"]
    assert bars and len(bars[0]["x"]) == 8
    rates = [int(text.rstrip("%")) for text in bars[0]["text"]]
    assert rates[0] == 0 and min(rates[2:]) >= 95


def finished_run(at: AppTest):
    """The page's training job, once it finished and the page showed it."""
    job = wait_for_job(server().queue.get(at.session_state["cnn_job"]))
    at.run()
    at.run()
    return job


def test_cnn_page_trains_a_tiny_model_and_shows_results():
    at = open_page("views/cnn.py")
    at.number_input(key="cnn_epochs").set_value(2)
    at.select_slider(key="cnn_subset").set_value(2000)
    at.select_slider(key="cnn_c1").set_value(8)
    at.select_slider(key="cnn_c2").set_value(16)
    at.select_slider(key="cnn_fc").set_value(32)
    at.button(key="cnn_train").click().run()
    no_exceptions(at)
    job = finished_run(at)
    assert job.status == "done", job.error
    no_exceptions(at)
    assert any(m.label == "Test accuracy" for m in at.metric)
    accuracy = next(m.value for m in at.metric if m.label == "Test accuracy")
    assert float(accuracy.rstrip("%")) > 75
    names = {trace.get("name") for trace in plotly_traces(at)}
    assert "training loss" in names
    assert at.session_state["cnn"].model.config == {"conv1_channels": 8, "conv2_channels": 16, "hidden_size": 32}


def test_cnn_page_trains_on_the_bundled_sample_when_the_folder_has_no_mnist(tmp_path, local_mode):
    at = open_page("views/cnn.py")
    at.text_input(key="data_dir").set_value(str(tmp_path)).run()
    assert any("bundled 8,000-image sample" in w.value for w in at.warning)
    at.number_input(key="cnn_epochs").set_value(1)
    at.select_slider(key="cnn_subset").set_value(2000)
    at.button(key="cnn_train").click().run()
    job = finished_run(at)
    assert job.status == "done", job.error
    no_exceptions(at)
    assert job.last.bundled
    assert any("bundled MNIST sample" in c.value for c in at.caption)
    assert any(m.label == "Test accuracy" for m in at.metric), "the report reads the sample's test images too"


def test_draw_page_reads_with_the_ready_model_and_still_offers_quick_training():
    at = open_page("views/draw.py")
    no_exceptions(at)
    assert any("ready-made model" in c.value for c in at.caption)
    assert at.button(key="quick_train")


# The lesson's own settings, pinned in the link so that the trap's outcome is one known run, not whichever the
# page's defaults of the day give.
LESSON_XOR = xe.XorSettings(hidden_size=3, learning_rate=0.5, epochs=10_000, seed=0)
LESSON_LINK = {"xor_hidden": "3", "xor_lr": "0.5", "xor_epochs": "10000", "xor_seed": "0"}


def test_the_derivative_trap_trains_worse_than_the_right_way():
    trap = replace(LESSON_XOR, derivative_of="pre_activation")
    expected = xe.summary(list(xe.runs(trap)["NumPy"]), trap)
    assert expected.diverged, "with the lesson's settings the trap blows the weights up"
    at = open_page(query=LESSON_LINK, state={"xor_open_trap": True}, page="views/xor.py")
    at.button(key="xor_trap").click().run()
    no_exceptions(at)
    captions = [c.value for c in at.caption]
    assert "σ'(ŷ): right: final loss" in " ".join(captions) and "solves XOR ✅" in " ".join(captions)
    blew_up = f"the weights blew up and the loss became NaN at epoch {expected.epochs_run:,} ❌"
    assert f"σ'(A): the trap: diverged; {blew_up}" in captions, captions


def test_pages_show_the_code_that_runs():
    import inspect

    from core import cnn
    from core.draw import digits
    from core.xor import numpy_net as xor_numpy
    from core.xor import torch_net as xor_torch

    xor_page = open_page("views/xor.py")
    xor_page.session_state["xor_open_how"] = True  # the explanations render only while open
    xor_page.session_state["xor_open_recipe"] = True
    xor_page.run()
    shown = " ".join(code.value for code in xor_page.code)
    assert inspect.getsource(xor_numpy.sigmoid_derivative).strip() in shown
    assert "def loss_and_optimizer" in shown and "nn.MSELoss()" in shown and "nn.CrossEntropyLoss()" in shown
    cnn_page = open_page("views/cnn.py")
    cnn_page.session_state["cnn_open_how"] = True
    cnn_page.session_state["cnn_open_recipe"] = True
    cnn_page.run()
    shown = " ".join(code.value for code in cnn_page.code)
    assert "class CNN(nn.Module)" in shown and inspect.getsource(cnn.train_epoch).strip() in shown
    assert inspect.getsource(xor_torch.training_loop).splitlines()[0] in shown
    assert "x = x.view(-1, 64 * 7 * 7)" in shown  # the post's model, as the post wrote it
    assert any("\\frac{\\partial C}{\\partial W_2}" in latex.value for latex in xor_page.latex)
    draw_page = open_page("views/draw.py")
    assert not any("def preprocess" in code.value for code in draw_page.code)  # closed: not even sent to the browser
    draw_page.session_state["draw_open_how"] = True
    draw_page.run()
    shown = " ".join(code.value for code in draw_page.code)
    assert inspect.getsource(digits.preprocess).strip() in shown and "def ink_on_paper" in shown


def test_a_link_restores_the_settings():
    link = {
        "xor_impl": "both",
        "xor_hidden": "5",
        "xor_lr": "0.1",
        "xor_epochs": "2000",
        "xor_seed": "7",
        "xor_bias": "true",
        "xor_act": "tanh",
        "xor_init": "xavier",
        "xor_deriv": "pre_activation",
    }
    at = open_page("views/xor.py", query=link)
    assert at.radio(key="xor_impl").value == "both"
    assert at.slider(key="xor_hidden").value == 5
    assert at.select_slider(key="xor_lr").value == 0.1
    assert at.number_input(key="xor_epochs").value == 2000
    assert at.number_input(key="xor_seed").value == 7
    assert at.checkbox(key="xor_bias").value is True
    assert at.selectbox(key="xor_act").value == "tanh"
    assert at.selectbox(key="xor_init").value == "xavier"
    assert at.radio(key="xor_deriv").value == "pre_activation"
    at.slider(key="xor_hidden").set_value(2).run()
    assert at.query_params["xor_hidden"] == ["2"] or at.query_params["xor_hidden"] == "2"
    at.slider(key="xor_hidden").set_value(3).run()  # the post's 3 units: the default, so the link leaves it out
    assert "xor_hidden" not in at.query_params


def test_cnn_link_restores_the_settings():
    link = {
        "cnn_c1": "16",
        "cnn_fc": "64",
        "cnn_opt": "sgd",
        "cnn_lr": "0.01",
        "cnn_epochs": "3",
        "cnn_batch": "128",
        "cnn_subset": "5000",
        "cnn_steplr": "false",
    }
    at = open_page("views/cnn.py", query=link)
    assert at.select_slider(key="cnn_c1").value == 16 and at.select_slider(key="cnn_fc").value == 64
    assert at.radio(key="cnn_opt").value == "sgd" and at.select_slider(key="cnn_lr").value == 0.01
    assert at.number_input(key="cnn_epochs").value == 3 and at.select_slider(key="cnn_batch").value == 128
    assert at.select_slider(key="cnn_subset").value == 5000 and at.checkbox(key="cnn_steplr").value is False
