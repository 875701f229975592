"""End to end in Chromium: train XOR and see the chart, train a CNN and see its accuracy, see drawn digits read."""

import re
import time

import numpy as np

from harness.page import draw_strokes, pad_of
from harness.strokes import random_drawing
from tests.browser.conftest import no_exception_shown


def metric_value(page, label: str) -> str:
    metric = page.locator("[data-testid=stMetric]", has=page.get_by_text(label, exact=True))
    return metric.locator("[data-testid=stMetricValue]").inner_text().strip()


def test_xor_page_trains_and_shows_the_chart(page, server):
    page.goto(f"{server}/xor?xor_epochs=3000")
    page.get_by_text("NumPy final loss", exact=True).wait_for()
    before = metric_value(page, "NumPy final loss")
    seed = page.get_by_label("Random seed")
    seed.fill("5")
    seed.press("Enter")
    page.get_by_text("The settings changed").wait_for()
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_function(
        "before => [...document.querySelectorAll('[data-testid=stMetricValue]')]"
        ".some(e => e.innerText.trim() !== before)",
        arg=before,
    )
    assert page.locator(".js-plotly-plot .heatmaplayer, .js-plotly-plot .hm").count() > 0
    assert page.locator(".js-plotly-plot").count() >= 3  # loss, network diagram, boundary; the rest opens on demand
    no_exception_shown(page)


def test_cnn_page_trains_and_shows_the_accuracy(page, server, trained_run):
    page.goto(f"{server}/cnn?{trained_run}")  # trained through the page's Train button (tests/browser/conftest.py)
    page.get_by_text("Your model", exact=True).wait_for(timeout=120_000)
    accuracy = float(metric_value(page, "Test accuracy").rstrip("%"))
    assert accuracy > 90
    assert page.get_by_text(re.compile(r"Done: test accuracy")).count() == 1
    no_exception_shown(page)


def test_drawn_digits_are_read_on_the_page(page, server):
    page.goto(f"{server}/draw")  # the ready-made model reads from the first stroke: no training first
    pad = pad_of(page)
    pad.wait_for(timeout=120_000)
    rng = np.random.default_rng(7)
    latencies = []
    for digit in (2, 7, 4):
        strokes, width = random_drawing(digit, rng)
        pad.scroll_into_view_if_needed()
        draw_strokes(page, pad, strokes)
        released = time.perf_counter()
        page.wait_for_function(
            "d => [...document.querySelectorAll('[data-testid=stMetric]')].some(m => m.innerText.includes("
            "'The CNN reads') && m.querySelector('[data-testid=stMetricValue]').innerText.trim() === d)",
            arg=str(digit),
            timeout=20_000,
        )
        latencies.append(time.perf_counter() - released)
        page.get_by_role("button", name="Clear", exact=True).click()
        page.get_by_text("Draw a digit (0–9)", exact=False).wait_for()
    print(f"stroke release to displayed prediction: {', '.join(f'{s * 1000:.0f} ms' for s in latencies)}")
    no_exception_shown(page)
