"""The Under the hood page holds the engineering the student's path leaves out: the CNN's faster form with its
proof, the Draw page's measured speed, and the XOR page's options; in English and 中文."""

import inspect
import re
import textwrap

from streamlit.testing.v1 import AppTest

from core import cnn
from core.cnn import training
from core.xor import numpy_net as xor_numpy
from tests.conftest import ROOT, open_page


def page(lang: str = "en") -> AppTest:
    return open_page("views/under_the_hood.py", query={"lang": lang})


def source_of(obj) -> str:
    return textwrap.dedent(inspect.getsource(obj)).strip()


def text(at: AppTest) -> str:
    parts = [e.value for kind in (at.title, at.header, at.markdown, at.success, at.caption) for e in kind]
    return re.sub(r"\\(.)", r"\1", " ".join(parts))


def test_the_page_shows_the_posts_form_the_faster_one_and_the_proof_in_that_order():
    at = page()
    shown = [code.value.strip() for code in at.code]
    parts = (
        cnn.lesson_forward,
        cnn.CNN.forward,
        training._Tally.batches,
        training._make_optimizer,
        cnn.difference_from_lesson,
    )
    order = [shown.index(source_of(part)) for part in parts]
    assert order == sorted(order)
    assert source_of(xor_numpy.PlaygroundNet) in shown  # the XOR side, from ui.teach_xor.under_the_hood_xor
    page_text = text(at)
    assert at.title[0].value == "Under the hood"
    assert "largest difference in the outputs 0.0e+00, in the gradients 0.0e+00" in page_text
    assert "the same weights and the same batch of inputs" in page_text and "non-decreasing" in page_text
    assert "channels_last" in page_text and "Fused Adam" in page_text and "uint8" in page_text


def test_image_to_probabilities_is_measured_not_claimed():
    at = page()
    match = re.search(r"preprocessing ([\d.]+) ms, the CNN ([\d.]+) ms, \*\*([\d.]+) ms\*\*", text(at))
    assert match, text(at)
    prep, net, total = (float(value) for value in match.groups())
    assert prep > 0 and net > 0 and abs(prep + net - total) <= 0.11 and total < 2000


def test_the_page_is_chinese_under_zh():
    at = page("zh")
    assert at.title[0].value == "幕后原理"
    assert "毫秒" in text(at) and "单调不减" in text(at)


def test_the_navigation_lists_the_page_at_under_the_hood():
    """The lead's app.py registers it; the CNN page's links point here."""
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    assert re.search(r'st\.Page\(\s*"views/under_the_hood\.py".*url_path="under-the-hood"', source, re.S)
