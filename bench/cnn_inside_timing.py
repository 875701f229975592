"""How fast the CNN report answers a click in a real browser: a confusion-matrix cell, a feature map, a pixel.

Starts its own Streamlit server (or uses --url), trains the lesson's CNN for one epoch through the CNN page, then
in Chromium (Playwright) clicks, --runs times each, and reports the median time from the click until the page is
settled (bench/page_timing.py's definition: no script running, nothing stale, every chart drawn; the quiet period
is not counted). Goal: under 300 ms for each view-only choice.

    python bench/cnn_inside_timing.py --runs 5
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.page_timing import Timing, timing_main  # noqa: E402
from harness.page import MONITOR, now, settled  # noqa: E402
from harness.server import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

# Counts finished script runs from the attribute's old value: a fragment run can start and end between two checks
# of the current value, which page_timing's monitor then misses.
RUN_COUNTER = """
(() => {
  if (window.__runsDone !== undefined) return;
  window.__runsDone = 0;
  window.__runsStarted = 0;
  new MutationObserver(list => {
    for (const m of list) {
      if (m.oldValue === 'running') window.__runsDone++; else window.__runsStarted++;
    }
  }).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                        attributeFilter: ['data-test-script-state']});
})();
"""


def runs_finished(page) -> int:
    return page.evaluate("window.__runsStarted")


def after_click(page, before: int, start: float, quiet_ms: int) -> float | None:
    """ms from `start` until settled, once a run started by the click has finished; None when none started in 3 s."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function("n => window.__runsStarted > n", arg=before, polling=20, timeout=3000)
    except PlaywrightTimeout:
        return None
    page.wait_for_function("() => window.__runsDone >= window.__runsStarted", polling=20, timeout=120_000)
    return settled(page, start, quiet_ms, min_runs=0)["ms"]


def click_chart(page, chart_key: str, fx: float, fy: float, quiet_ms: int, tries: int = 3) -> float:
    """Click the chart's plot area at the fraction (fx, fy) of its width and height: ms until settled.

    Plotly clicks the point under the last hover; a click that started no script run within 2 s (the hover had not
    registered yet) is repeated, and the time counts from the click that worked."""

    area = page.locator(f".st-key-{chart_key} .nsewdrag").first
    area.scroll_into_view_if_needed()
    box = area.bounding_box()
    x, y = box["x"] + box["width"] * fx, box["y"] + box["height"] * fy
    for _ in range(tries):
        page.mouse.move(x - 4, y - 4)
        page.wait_for_timeout(150)
        page.mouse.move(x, y)
        page.wait_for_timeout(150)
        before, start = runs_finished(page), now(page)
        page.mouse.down()
        page.mouse.up()
        ms = after_click(page, before, start, quiet_ms)
        if ms is not None:
            return ms
        print(f"retrying a click on {chart_key}", file=sys.stderr)
    raise RuntimeError(f"{tries} clicks on {chart_key} started no script run")


def click_tab(page, name: str, quiet_ms: int, tries: int = 3) -> float:

    tab = page.get_by_role("tab", name=name)
    if tab.get_attribute("aria-selected") == "true":
        raise ValueError(f"the tab {name!r} is open already: clicking it runs nothing")
    for _ in range(tries):
        before, start = runs_finished(page), now(page)
        tab.click()
        ms = after_click(page, before, start, quiet_ms)
        if ms is not None:
            return ms
        if tab.get_attribute("aria-selected") == "true":  # the run was too quick to mark the page as running
            return settled(page, start, quiet_ms, min_runs=0)["ms"]
        print(f"retrying the tab {name!r}", file=sys.stderr)
    raise RuntimeError(f"{tries} clicks on the tab {name!r} started no script run")


def train(page, base: str, quiet_ms: int) -> None:
    page.goto(f"{base}/cnn?cnn_epochs=1", wait_until="commit")
    settled(page, 0.0, quiet_ms, min_runs=1)
    page.get_by_role("button", name="Train", exact=True).click()
    page.locator(".st-key-cnn_confusion").wait_for(timeout=600_000)
    settled(page, 0.0, quiet_ms, min_runs=1)


def measure(base: str, runs: int, quiet_ms: int) -> list[Timing]:
    from playwright.sync_api import sync_playwright

    cell = Timing("confusion cell click → its images", 300)
    tab = Timing("tab 'Inside the CNN' opened", 300)
    maps1, pixels1 = Timing("conv 1: feature map click", 300), Timing("conv 1: pixel click", 300)
    maps2, pixels2 = Timing("conv 2: feature map click", 300), Timing("conv 2: pixel click", 300)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.add_init_script(MONITOR)
        context.add_init_script(RUN_COUNTER)
        page = context.new_page()
        page.set_default_timeout(60_000)
        train(page, base, quiet_ms)
        cells = [(0.95, 0.45), (0.25, 0.75), (0.55, 0.15), (0.85, 0.65)]  # (predicted, true) ≈ (9, 4), (2, 7), …
        for i in range(runs + 1):
            cell.samples.append(click_chart(page, "cnn_confusion", *cells[i % len(cells)], quiet_ms))
        for i in range(runs + 1):
            tab.samples.append(click_tab(page, "Inside the CNN", quiet_ms))
            if i < runs:
                click_tab(page, "Mistakes", quiet_ms)
        for layer, map_timing, pixel_timing in ((1, maps1, pixels1), (2, maps2, pixels2)):
            if layer == 2:
                page.locator(".st-key-cnn_inside_layer button").nth(1).click()
                settled(page, 0.0, quiet_ms, min_runs=1)
            for i in range(runs + 1):
                map_timing.samples.append(
                    click_chart(page, f"cnn_inside_maps_{layer}", 0.1 + 0.11 * (i % 8), 0.3, quiet_ms)
                )
                pixel_timing.samples.append(
                    click_chart(
                        page, f"cnn_inside_pixels_{layer}", 0.3 + 0.07 * (i % 6), 0.6 - 0.05 * (i % 5), quiet_ms
                    )
                )
        browser.close()
    everything = [cell, tab, maps1, pixels1, maps2, pixels2]
    for timing in everything:
        timing.samples = timing.samples[1:]  # the first click warms the browser's chart code
    return everything


def main() -> None:
    timing_main(__doc__, measure, quiet_ms=500)


if __name__ == "__main__":
    main()
