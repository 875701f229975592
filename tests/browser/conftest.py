"""A real Streamlit server and Debian's Chromium driven by Playwright.

Without Chromium or Playwright these tests skip, except under CI (CI=true), where a skip is a failure.
"""

import os

import pytest

from harness.server import CHROMIUM, CHROMIUM_ARGS, free_port, start_server
from tests.conftest import MNIST_MINI


def unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot be skipped in CI: {reason}")
    pytest.skip(reason)


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


SERVER = {}


@pytest.fixture(scope="session")
def server():
    """The app on a free port, with a public deployment's defaults and the test data."""
    port = free_port()
    try:
        process = start_server(port, data=MNIST_MINI)
    except RuntimeError as exc:
        pytest.fail(str(exc))
    SERVER["pid"] = process.pid
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed")
    if not os.path.exists(CHROMIUM):
        unavailable(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def trained_run(browser, server) -> str:
    """The link (?…) to a CNN trained once through the CNN page (the lesson's CNN, 1 epoch on the 8,000-image
    sample): its run, finished, and the settings it was trained with. Shared by every browser test that needs one."""
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    try:
        page.goto(f"{server}/cnn?cnn_epochs=1")
        page.get_by_role("button", name="Train", exact=True).click()
        page.get_by_text("Your model", exact=True).wait_for(timeout=300_000)
        query = page.url.split("?", 1)[1]
    finally:
        context.close()
    assert "run=" in query, query
    return query


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    page.set_default_timeout(60_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, errors


def no_exception_shown(page):
    assert page.locator("[data-testid=stException]").count() == 0
