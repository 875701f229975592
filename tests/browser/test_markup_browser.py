"""In the real frontend, a link's value shows as text: Streamlit links bare URLs even when their punctuation is
escaped, so this is checked in Chromium, not only with a CommonMark parser (tests/test_markup.py)."""

from urllib.parse import quote

import pytest

from tests.browser.conftest import no_exception_shown

PAYLOADS = {
    "cnn_c1": "[Log in again](https://evil.example/)",
    "cnn_c2": "![t](https://evil.example/x.png)",
    "cnn_fc": "www.evil.example me@evil.example",
    "cnn_lr": "<img src=x onerror=alert(1)>",
    "cnn_batch": "HTTPS://EVIL.EXAMPLE/login",
    "cnn_epochs": "$\\href{https://evil.example}{x}$",
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_markup_in_link_values_never_becomes_a_link_or_an_image(page, server, lang):
    query = "&".join(f"{key}={quote(value)}" for key, value in PAYLOADS.items())
    page.goto(f"{server}/cnn?lang={lang}&{query}")
    page.locator("[data-testid=stAlertContentWarning]").nth(len(PAYLOADS) - 1).wait_for()
    no_exception_shown(page)
    main = page.locator("[data-testid=stMain]")
    hrefs = main.locator("a").evaluate_all("links => links.map(a => a.href)")
    sources = page.locator("img").evaluate_all("images => images.map(i => i.src)")
    assert not [h for h in hrefs if "evil" in h.lower()], hrefs
    assert not [s for s in sources if "evil" in s.lower() or s.endswith("/x")], sources
    assert main.locator(".katex").count() == 0
    shown = main.locator("[data-testid=stAlertContentWarning]").all_inner_texts()
    text = " ".join(shown).replace("\u2060", "")
    for key, value in PAYLOADS.items():
        assert f"{key}={value[:40]}" in text, (key, text)
