"""The app and every page render without exceptions, and widgets change results (Streamlit AppTest)."""
import time

import pytest
from streamlit.testing.v1 import AppTest

from core.jobs import QUEUE
from tests.conftest import ROOT

PAGES = ["views/home.py", "views/xor.py", "views/cnn.py", "views/draw.py"]


def app(page=None, timeout=60) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    return at


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
    no_exceptions(app(page))


def test_xor_trains_on_load_and_shows_the_figures():
    at = app("views/xor.py")
    no_exceptions(at)
    traces = plotly_traces(at)
    types = {trace["type"] for trace in traces}
    assert {"heatmap", "scatter"} <= types
    assert any(trace.get("name") == "loss" for trace in traces)
    assert any(trace.get("name") == "XOR points" for trace in traces)
    assert at.metric[0].label == "NumPy final loss"


def test_xor_settings_and_train_change_results():
    at = app("views/xor.py")
    first = at.metric[0].value
    at.slider(key="xor_hidden").set_value(1).run()
    assert at.metric[0].value == first
    assert any("settings changed" in info.value for info in at.info)
    at.button(key="xor_train").click().run()
    no_exceptions(at)
    assert at.metric[0].value != first
    assert any("does not solve" in caption.value for caption in at.caption)


def test_xor_both_implementations_side_by_side():
    at = app("views/xor.py")
    at.radio(key="xor_impl").set_value("both")
    at.number_input(key="xor_epochs").set_value(2000)
    at.button(key="xor_train").click().run()
    no_exceptions(at)
    assert [m.label for m in at.metric] == ["NumPy final loss", "PyTorch final loss"]


def test_xor_many_seeds():
    at = app("views/xor.py")
    at.number_input(key="xor_epochs").set_value(3000)
    at.button(key="xor_train").click().run()
    at.button(key="xor_many").click().run(timeout=120)
    no_exceptions(at)
    bars = [trace for trace in plotly_traces(at) if trace["type"] == "bar"]
    assert bars and len(bars[0]["x"]) == 8
    rates = [int(text.rstrip("%")) for text in bars[0]["text"]]
    assert rates[0] == 0 and min(rates[2:]) >= 95


def wait_for_job(at: AppTest, seconds=120):
    deadline = time.time() + seconds
    job = QUEUE.get(at.session_state["cnn_job"])
    while job.active and time.time() < deadline:
        time.sleep(0.5)
    assert not job.active, "training did not finish in time"
    at.run()
    at.run()
    return job


def test_cnn_page_trains_a_tiny_model_and_shows_results():
    at = app("views/cnn.py")
    at.number_input(key="cnn_epochs").set_value(2)
    at.select_slider(key="cnn_subset").set_value(2000)
    at.select_slider(key="cnn_c1").set_value(8)
    at.select_slider(key="cnn_c2").set_value(16)
    at.select_slider(key="cnn_fc").set_value(32)
    at.button(key="cnn_train").click().run()
    no_exceptions(at)
    job = wait_for_job(at)
    assert job.status == "done", job.error
    no_exceptions(at)
    assert any(m.label == "Test accuracy" for m in at.metric)
    accuracy = next(m.value for m in at.metric if m.label == "Test accuracy")
    assert float(accuracy.rstrip("%")) > 75
    names = {trace.get("name") for trace in plotly_traces(at)}
    assert "training loss" in names
    assert at.session_state["cnn"]["model"].config == {"conv1_channels": 8, "conv2_channels": 16, "hidden_size": 32}


def test_cnn_page_reports_missing_data(tmp_path):
    at = app("views/cnn.py")
    at.text_input(key="data_dir").set_value(str(tmp_path)).run()
    assert any("not in this directory" in w.value for w in at.warning)
    at.number_input(key="cnn_epochs").set_value(1)
    at.button(key="cnn_train").click().run()
    job = wait_for_job(at, seconds=60)
    assert job.status == "failed"
    no_exceptions(at)
    assert any("train-images-idx3-ubyte" in e.value for e in at.error)


def test_draw_page_without_a_model_offers_quick_training():
    at = app("views/draw.py")
    no_exceptions(at)
    assert at.button(key="quick_train")
    assert any("no trained CNN" in i.value for i in at.info)
