"""A real Streamlit server and Debian's Chromium driven by Playwright.

Without Chromium or Playwright these tests skip, except under CI (CI=true), where a skip is a failure.
"""

import os
import re
from dataclasses import dataclass

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


def reset_peak_rss(pid: int) -> None:
    """Start the process's peak (VmHWM) afresh from its present RSS (Linux: clear_refs 5), so the next peak_rss_mb is
    the peak of what follows, not of the tests that used the server before. Where it cannot, the peak stays the
    lifetime one: an upper bound still."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        pass


SERVER = {}
# The page's script is not running (Streamlit's own attribute): what it shows is one run's, complete.
IDLE = "document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state') === 'notRunning'"


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


@dataclass(frozen=True)
class TrainedRun:
    """A CNN trained through the CNN page: the link to its finished run (?run=… and its settings) and the trainer's
    cookies. Only the browser that trained a run may keep its model (its XSRF cookie says so), so a context made with
    these cookies sees the results as the trainer does; any other browser only watches."""

    query: str
    storage_state: dict
    accuracy: float  # the test accuracy the trainer's page showed, in %
    done_lines: int  # how many "Done: test accuracy" lines it showed


@pytest.fixture(scope="session")
def trained_run(browser, server):
    """The lesson's CNN trained once (1 epoch on the 8,000-image sample), shared by every browser test that needs
    a finished run. The trainer's tab stays open meanwhile: a closed session's runs leave the server's memory 20 s
    after it (core/serving/memory.py)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    page.goto(f"{server}/cnn?cnn_epochs=1")
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text("Your model", exact=True).wait_for(timeout=300_000)
    page.wait_for_function(IDLE)  # the run that shows the model ended: no old copy of a line stands beside its new one
    no_exception_shown(page)
    run = TrainedRun(
        page.url.split("?", 1)[1],
        context.storage_state(),
        accuracy=float(metric_value(page, "Test accuracy").rstrip("%")),
        done_lines=page.get_by_text(re.compile(r"Done: test accuracy")).count(),
    )
    assert "run=" in run.query, run.query
    yield run
    context.close()


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


def metric_value(page, label: str) -> str:
    metric = page.locator("[data-testid=stMetric]", has=page.get_by_text(label, exact=True))
    return metric.locator("[data-testid=stMetricValue]").inner_text().strip()


def no_exception_shown(page):
    shown = page.locator("[data-testid=stException]").all_inner_texts()
    assert not shown, shown
