"""The CNN page as a student uses it: settings offer what the data has, the doctor's fix sets the widgets, runs are
kept and compared, Stop never silently replaces a better model, one model is shown at a time."""

import io
import re

from streamlit.testing.v1 import AppTest

from core import cnn
from core.cnn import training
from core.cnn.records import Source
from core.files import model_file
from tests.conftest import open_page, wait_for_job
from ui.server import server


def cnn_page() -> AppTest:
    return open_page("views/cnn.py")


def train(at: AppTest, stop_at_once: bool = False):
    at.button(key="cnn_train").click().run()
    job = server().queue.get(at.session_state["cnn_job"])
    if stop_at_once:
        job.stop()
    wait_for_job(job)
    at.run()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return job


def model_choice(at: AppTest):
    return next(r for r in at.radio if r.label.startswith("The model the pages use"))


def text(at: AppTest) -> str:
    parts = [e.value for kind in (at.markdown, at.info, at.success, at.warning, at.error, at.caption) for e in kind]
    return re.sub(r"\\(.)", r"\1", " ".join(parts))


def test_runs_doctor_fix_history_and_stop(tmp_path):
    at = cnn_page()
    subset = at.select_slider(key="cnn_subset")
    assert subset.value == 8000 and subset.options[-1] == "8,000"  # what mini-MNIST holds, not 60,000
    at.select_slider(key="cnn_fc").set_value(32)
    at.select_slider(key="cnn_subset").set_value(2000)
    at.number_input(key="cnn_epochs").set_value(1)
    at.select_slider(key="cnn_lr").set_value(0.1).run()
    first = train(at)
    assert "2.30" in text(at) and "ln 10" in text(at)
    assert "Trained on 2,000 MNIST training images." in text(at)
    at.button(key="cnn_fix_0").click().run()
    assert at.session_state["cnn_lr"] == 1e-3 and at.select_slider(key="cnn_lr").value == 1e-3

    second = train(at)
    assert second.last.test_accuracy > 0.7  # far above the 10% of guessing
    history = model_choice(at)
    assert len(history.options) == 2 and all("Learning rate" in option for option in history.options)
    assert at.session_state["cnn"].job == second.id

    at.select_slider(key="cnn_subset").set_value(8000)
    at.number_input(key="cnn_epochs").set_value(10)
    stopped = train(at, stop_at_once=True)
    assert stopped.status == "stopped" and stopped.last.test_accuracy < second.last.test_accuracy
    assert at.session_state["cnn"].job == second.id  # the better model stays, and the page says so
    assert "so the pages keep using it" in text(at)
    assert len(at.session_state["cnn_runs"]) == 3

    history = model_choice(at)
    history.set_value(0).run()
    at.run()
    assert at.session_state["cnn"].job == first.id

    buffer = io.BytesIO()
    model_file.save_model(cnn.build_model(0, hidden_size=16), buffer)
    at.file_uploader(key="cnn_upload").set_value(("m.pt", buffer.getvalue(), "application/octet-stream")).run()
    at.run()
    assert not at.exception
    assert at.session_state["cnn"].source == Source.UPLOADED
    assert "Stopped at epoch" not in text(at) and "Done:" not in text(at)  # one model shown at a time


def test_the_lr_finder_suggests_a_rate_and_one_click_sets_it():
    at = cnn_page()
    at.session_state["cnn_open_lr"] = True
    at.run()
    at.button(key="cnn_lr_find").click().run()
    job = server().queue.get(at.session_state["cnn_lr_job"])
    wait_for_job(job)
    at.run()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    suggestion = job.last.suggestion
    assert job.last.done and 1e-4 <= suggestion <= 1e-2
    at.button(key="cnn_lr_use").click().run()
    chosen = at.session_state["cnn_lr"]
    assert chosen in (3e-4, 1e-3, 3e-3, 1e-2) and abs(chosen / suggestion - 1) < 2
    assert at.select_slider(key="cnn_lr").value == chosen


def shown_code(at: AppTest) -> list[str]:
    return [code.value.strip() for code in at.code]


def source_of(obj) -> str:
    import inspect
    import textwrap

    return textwrap.dedent(inspect.getsource(obj)).strip()


def test_the_recipe_shows_the_posts_loader_and_leaves_the_engineering_under_the_hood():
    at = cnn_page()
    assert not any("def train_epoch" in code.value for code in at.code)  # closed sections cost nothing
    at.session_state["cnn_open_recipe"] = True
    at.session_state["cnn_open_how"] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = shown_code(at)
    assert source_of(cnn.train_epoch) in shown and source_of(cnn.lesson_loader) in shown
    assert source_of(cnn.lesson_forward) in shown  # "How it works" shows the post's forward
    for engineering in (cnn.difference_from_lesson, training._Tally.batches, training._make_optimizer, cnn.CNN):
        assert source_of(engineering) not in shown
    assert any("x = self.pool(self.relu(self.conv1(x)))" in code for code in shown), "the post's model, ReLU first"
    assert not any("relu_(self.pool(" in code for code in shown), "the page's faster forward lives under the hood"
    page = text(at)
    assert "Normalize((0.1307,), (0.3081,))" in page and "does not have" in page  # said to be the page's own
    links = [link.proto.page for link in at.get("page_link")]
    assert links.count("under-the-hood") == 2, links  # one line in each section, nothing more
    assert "Measured now on 16 images" not in page and "lesson, with the same numbers" not in page


def test_how_it_works_states_the_padding_offset_and_adams_second_moment():
    at = cnn_page()
    at.session_state["cnn_open_how"] = True
    at.run()
    latex = " ".join(element.value for element in at.latex)
    assert "x_{c,\\,i+u-1,\\,j+v-1}" in latex and "\\sum_{u,v=0}^{2}" in latex
    assert "\\sqrt{\\hat v}" in latex and "g^2" in latex
    page = text(at)
    assert "second moment" in page and "i−1 … i+1" in page


def test_the_page_opens_with_one_calm_data_line_and_train_downloads_nothing(tmp_path, local_mode, monkeypatch):
    from core.cnn import data as mnist_data

    downloads = []
    monkeypatch.setattr(mnist_data, "_download", lambda root: downloads.append(root))
    at = cnn_page()
    at.text_input(key="data_dir").set_value(str(tmp_path)).run()  # a folder without MNIST
    first = at.markdown[0].value
    assert first.startswith("Training on the bundled 8,000-image MNIST sample · Full MNIST")
    assert at.button(key="cnn_download").label == "Download"
    assert any(e.label == "Data details" for e in at.expander)
    at.select_slider(key="cnn_fc").set_value(16)
    at.select_slider(key="cnn_subset").set_value(1000)
    at.number_input(key="cnn_epochs").set_value(1).run()
    job = train(at)
    assert job.status == "done" and job.last.bundled and job.last.images == 1000
    assert downloads == [], "Train must never start a download nobody asked for"
    at.button(key="cnn_download").click().run()
    assert len(downloads) == 1  # only the Download button fetches MNIST


def test_everything_the_training_tools_show_is_chinese_under_zh(monkeypatch):
    import ui.common
    from tests.zh_text import element_texts, english_in

    monkeypatch.setattr(ui.common, "lang", lambda: "zh")  # format_func runs outside the script in AppTest
    link = {"lang": "zh", "cnn_epochs": "1", "cnn_subset": "1000", "cnn_fc": "16", "cnn_lr": "0.1"}
    at = open_page(
        "views/cnn.py", query=link, state=dict.fromkeys(("cnn_open_how", "cnn_open_lr", "cnn_open_recipe"), True)
    )
    train(at)
    at.button(key="cnn_lr_find").click().run()
    wait_for_job(server().queue.get(at.session_state["cnn_lr_job"]))
    at.run()
    at.run()
    seen = list(element_texts(at._tree))
    assert any("ln 10" in text for text in seen) and any("第 1 次训练" in text for text in seen)
    english = english_in(seen)
    assert not english, "\n".join(english)
