"""The test report: confusion cells lead back to exactly their images, and the CNN page's report renders."""

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core import cnn
from core.cnn import report as cnn_report
from core.cnn import training_figures
from core.cnn.data import load_split
from core.cnn.records import CnnRun, Source
from core.cnn.settings import RunSettings
from tests.conftest import open_page
from ui import cnn_results


@pytest.fixture(scope="module")
def report(lesson_model_run, mnist_root):
    return cnn_report.test_report(lesson_model_run[0], mnist_root)


def test_probabilities_match_the_model(lesson_model_run, mnist_root, report):
    images, labels = load_split(mnist_root, train=False, download=False)
    accuracy, predicted = cnn.evaluate(lesson_model_run[0], images, labels)
    assert report.count == len(labels) and report.probabilities.shape == (len(labels), 10)
    np.testing.assert_allclose(report.probabilities.sum(1), 1.0, atol=1e-5)
    assert np.mean(report.predictions == predicted.numpy()) > 0.999  # ties aside, the same argmax
    assert report.accuracy == pytest.approx(accuracy, abs=1e-3)
    assert report.confusion.sum() == report.count


def most_frequent_mistake(report) -> tuple[int, int]:
    off_diagonal = report.confusion - np.diag(np.diag(report.confusion))
    true, predicted = np.unravel_index(int(np.argmax(off_diagonal)), (10, 10))
    assert true != predicted and off_diagonal[true, predicted] > 0
    return int(true), int(predicted)


def test_a_confusion_cell_returns_exactly_its_images(report):
    true, predicted = most_frequent_mistake(report)
    for t, p in [(true, predicted), (true, true), (3, 3)]:
        chosen = report.cell(t, p)
        expected = [i for i in range(report.count) if report.labels[i] == t and report.probabilities[i].argmax() == p]
        assert chosen.tolist() == expected
        assert len(chosen) == report.confusion[t, p]


def test_per_class_accuracy_and_top_three(report):
    per_class = report.per_class_accuracy()
    for digit in range(10):
        mine = report.labels == digit
        assert per_class[digit] == pytest.approx(np.mean(report.predictions[mine] == digit))
    index = int(report.cell(*most_frequent_mistake(report))[0])
    top = report.top(index)
    assert [d for d, _ in top] == list(np.argsort(-report.probabilities[index])[:3])
    assert top[0][0] == report.predictions[index] != report.labels[index]
    assert top[0][1] >= top[1][1] >= top[2][1]


def test_accuracy_curves_plot_every_logged_step(lesson_model_run):
    records = lesson_model_run[1]
    fig = training_figures.accuracy_curves(records)
    train, test = fig.data
    assert len(train.x) == sum(1 for r in records if r.kind in ("log", "epoch", "done")) > 3
    assert list(test.y) == [100 * r.test_accuracy for r in records if r.test_accuracy is not None]
    one_epoch = [r for r in records if r.epoch == 1 and r.kind == "log"] + [records[-1]]
    assert len(training_figures.accuracy_curves(one_epoch).data[0].x) > 2  # a line, not a single dot


def page_with_model(model, records, lang="en", **state) -> AppTest:
    run = CnnRun(model, records, RunSettings.of(model.config), Source.TRAINED)
    return open_page("views/cnn.py", query={"lang": lang}, state={"cnn": run, **state})


def test_the_results_render_and_a_clicked_cell_lists_its_images(lesson_model_run, report):
    model, records = lesson_model_run
    true, predicted = most_frequent_mistake(report)
    at = page_with_model(model, records, cnn_cell=(true, predicted))
    assert not at.exception, [e.value for e in at.exception]
    assert any(f"{report.accuracy:.2%}" == m.value for m in at.metric)
    expected = report.cell(true, predicted)
    assert any(m.value == f"Test images of {true} read as {predicted}: **{len(expected)}**." for m in at.markdown)
    listed = at.dataframe[0].value[cnn_results.IMAGE_NUMBER].tolist()
    assert listed == expected[: cnn_report.MAX_CELL_IMAGES].tolist() and len(listed) > 0


def test_the_inside_view_renders_for_a_test_image(lesson_model_run, report):
    model, records = lesson_model_run
    index = int(report.cell(*most_frequent_mistake(report))[0])
    at = page_with_model(model, records, cnn_results_tab="Inside the CNN", cnn_inside_index=index)
    assert not at.exception, [e.value for e in at.exception]
    text = " ".join(m.value for m in at.markdown)
    assert f"True digit **{report.labels[index]}**" in text and "❌" in text
    assert "Cross-entropy loss" in text
    assert any(c.value == "map 1: click a pixel" for c in at.caption)
    traces = [[trace["type"] for trace in json.loads(chart.proto.spec)["data"]] for chart in at.get("plotly_chart")]
    assert traces.count(["image", "scatter"]) == 2  # the map picker and the pixel picker
    at.segmented_control(key="cnn_inside_layer").set_value(cnn_figures_layer(2)).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "conv 2 reads all 32 maps" in " ".join(m.value for m in at.markdown)


def cnn_figures_layer(number: int):
    from core.cnn.explain import ConvLayer

    return ConvLayer(number)


def test_the_inside_view_renders_in_chinese(lesson_model_run):
    model, records = lesson_model_run
    at = page_with_model(model, records, lang="zh", cnn_results_tab="CNN 内部", cnn_inside_index=0)
    assert not at.exception, [e.value for e in at.exception]
    text = " ".join(m.value for m in at.markdown)
    assert "真实数字" in text and "交叉熵损失" in text and "True digit" not in text


def test_the_open_tab_stays_open_when_the_language_changes(lesson_model_run):
    model, records = lesson_model_run
    at = page_with_model(model, records, cnn_results_tab="Inside the CNN", cnn_inside_index=0)
    assert "True digit" in " ".join(m.value for m in at.markdown)
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["cnn_results_tab"] == "CNN 内部"
    assert "真实数字" in " ".join(m.value for m in at.markdown)
