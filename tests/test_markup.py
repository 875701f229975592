"""What a visitor sends (link values, file names, upload errors) is shown as text: it never becomes a link, an image,
HTML, LaTeX or a Streamlit directive, on any page, in either language.

Each message's markdown is rendered with a CommonMark parser (markdown-it-py), as Streamlit's frontend renders it.
"""

import re

import pytest
from markdown_it import MarkdownIt
from PIL import Image

from core.draw import digits
from core.errors import UserError
from core.files import model_file
from tests.test_hardening import draw_app, image_bytes, page_app, upload
from ui.common import WORD_JOINER, error_text, plain

COMMONMARK = MarkdownIt("commonmark").enable(["table", "strikethrough"])
EVIL = "evil.example"
PAYLOADS = [
    "[Log in again](https://evil.example/)",
    "![t](https://evil.example/x.png)",
    "<img src=x onerror=alert(1)>",
    "<a href='https://evil.example/'>x</a>",
    "https://evil.example/login",
    "www.evil.example",
    "WWW.EVIL.EXAMPLE",
    "me@evil.example",
    "mailto:me@evil.example",
    "$\\href{https://evil.example}{x}$",
    ":red[evil.example] :material/warning: &lt;b&gt;",
    "x\r\n# [a](https://evil.example)\r[b]: https://evil.example",
]


def rendered(markdown: str) -> str:
    return COMMONMARK.render(markdown)


def assert_inert(markdown: str) -> None:
    """The markdown shows the visitor's text as text: no link, image or HTML tag, no bare URL a GFM parser links."""
    html = rendered(markdown)
    assert not re.search(r"<(a|img|script|iframe)\b", html), (markdown, html)
    assert not re.search(r"(?<!\\)[$\[\]<>]|(?<!\\):(red|material)", markdown), markdown
    # Streamlit links bare URLs even when their punctuation is escaped (tests/browser/test_markup_browser.py): what
    # the escapes leave must hold none.
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)
    assert not re.search(r"://|www\.|@\w|(mailto|xmpp):\w", text, re.IGNORECASE), text
    assert "\n" not in markdown.strip() and "\r" not in markdown


@pytest.mark.parametrize("payload", PAYLOADS)
def test_plain_shows_any_value_as_text(payload):
    escaped = plain(payload)
    assert_inert(escaped)
    text = re.sub(r"<[^>]+>", "", rendered(escaped)).strip().replace(WORD_JOINER, "")
    unescaped = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    assert unescaped == re.sub(r"\r\n|\r|\n", " ", payload)


def test_error_text_escapes_every_value_but_numbers():
    error = UserError(
        "Could not read {name} ({size:.1f} MB, {count:,} parts, {path})",
        name=PAYLOADS[0],
        size=2.5,
        count=1200,
        path=("![t](https://evil.example/x.png)",),
    )
    message = error_text(error)
    assert_inert(message)
    assert "2.5 MB" in message and "1,200 parts" in message
    assert_inert(error_text(ValueError(PAYLOADS[2])))


def test_load_model_errors_carry_a_crafted_file_name_as_text(tmp_path):
    with pytest.raises(ValueError) as info:
        model_file.load_model(tmp_path / "[Log in again](https:" / "evil.example)<img src=x onerror=alert(1)>.pt")
    assert "evil.example" in str(info.value)
    assert_inert(error_text(info.value))


def messages_markdown(at) -> list[str]:
    """Every element whose text Streamlit renders as markdown."""
    elements = [
        *at.markdown,
        *at.caption,
        *at.error,
        *at.warning,
        *at.info,
        *at.success,
        *at.title,
        *at.header,
        *at.subheader,
        *at.toast,
    ]
    texts = [e.value for e in elements]
    texts += [text for m in at.metric for text in (m.label, m.value, m.proto.help)]
    return [text for text in texts if isinstance(text, str)]


def assert_page_inert(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    for markdown in messages_markdown(at):
        html = rendered(markdown)
        assert not re.search(r"<(a|img)\b[^>]*" + re.escape(EVIL), html), (markdown, html)
        assert not re.search(r"<img\b[^>]*onerror", html), (markdown, html)
        if EVIL in markdown:
            assert_inert(markdown)


LINKS = [
    ("views/cnn.py", "cnn_c1"),
    ("views/cnn.py", "cnn_lr"),
    ("views/xor.py", "xor_hidden"),
    ("views/xor.py", "xor_act"),
    ("views/draw.py", "lang"),
]


@pytest.mark.parametrize("page,key", LINKS)
@pytest.mark.parametrize("payload", PAYLOADS[:4])
def test_markup_in_a_link_value_is_shown_as_text(page, key, payload):
    at = page_app(page, {key: payload})
    assert_page_inert(at)
    if key != "lang":  # a bad language falls back to English without a warning
        assert any(f"{key}=" in rendered(m) for m in messages_markdown(at))  # the warning shows the value, as text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_crafted_model_file_name_is_shown_as_text(lang, monkeypatch):
    import ui.common

    # AppTest calls widgets' format_func outside the script run, where the session's language is unknown
    # (tests/test_zh_everywhere.py): the page's own language comes from the link all the same.
    monkeypatch.setattr(ui.common, "lang", lambda: lang)
    at = page_app("views/cnn.py", {"lang": lang})
    for payload in PAYLOADS[:4]:
        upload(at, "cnn_upload", f"{payload}.pt", b"not a model")
        assert at.error, payload
        assert_page_inert(at)


def test_a_crafted_image_file_name_is_shown_as_text(lesson_model_run):
    at = draw_app(lesson_model_run[0])
    for payload in PAYLOADS[:4]:
        upload(at, "draw_upload", f"{payload}.png", image_bytes(Image.new("L", (1, 5000)), "PNG"), "image/png")
        assert at.error, payload
        assert_page_inert(at)


def test_image_errors_are_plain_sentences():
    with pytest.raises(digits.ImageError) as info:
        digits.read_image_file(image_bytes(Image.new("L", (1, 5000)), "PNG"))
    assert_inert(error_text(info.value))
