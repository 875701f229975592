"""Time the XOR page in Chromium until every chart is drawn (issue 14): a warm server, navigation → all plotly
figures rendered and the script idle. Also times one Step of the step view. (The training replay plays in the browser,
without the server: bench/page_timing.py checks that.)

    python bench/xor_page_time.py --port 8599 [--runs 5]   (starts its own server; not part of CI)
"""

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.server import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

ALL_DRAWN = """() => {
  const running = document.querySelector('[data-testid="stStatusWidget"]');
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  const drawn = charts.filter(c => c.querySelector('.main-svg'));
  const stale = document.querySelector('[data-stale="true"]');
  return !running && !stale && charts.length > 0 && drawn.length === charts.length ? charts.length : 0;
}"""


BUSY = """() => !!document.querySelector('[data-testid="stStatusWidget"], [data-stale="true"]')"""


def wait_drawn(page, start: float, settle: float = 0.4, limit: float = 30.0, after_change: bool = False) -> float:
    """Seconds from `start` until every chart was drawn and stayed so for `settle` seconds; with `after_change`, only
    once the rerun an interaction caused has begun (or 0.5 s passed), so the old drawing is not counted."""
    while after_change and time.perf_counter() - start < 0.5 and not page.evaluate(BUSY):
        time.sleep(0.01)
    first = None
    while time.perf_counter() - start < limit:
        if page.evaluate(ALL_DRAWN):
            first = first or time.perf_counter()
            if time.perf_counter() - first >= settle:
                return first - start
        else:
            first = None
        time.sleep(0.02)
    raise TimeoutError("the page never finished drawing")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8599)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(options.port),
            "--server.headless",
            "true",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://localhost:{options.port}/xor"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            for _ in range(60):
                try:
                    page.goto(url)
                    break
                except Exception:
                    time.sleep(0.5)
            wait_drawn(page, time.perf_counter())  # warm: the results are cached from here on
            loads, steps = [], []
            for _ in range(options.runs):
                start = time.perf_counter()
                page.goto(url)
                loads.append(wait_drawn(page, start))
            page.locator('[data-testid="stExpander"] summary').filter(has_text="Step through one update").click()
            page.locator(".st-key-xor_step_1 button").wait_for()
            for _ in range(options.runs):
                start = time.perf_counter()
                page.locator(".st-key-xor_step_1 button").click()
                steps.append(wait_drawn(page, start, settle=0.2, after_change=True))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(
        f"XOR page fully drawn: median {statistics.median(loads):.2f} s (runs: "
        + ", ".join(f"{x:.2f}" for x in loads)
        + ")"
    )
    runs = ", ".join(f"{x:.2f}" for x in steps)
    print(f"Step button (step view): median {statistics.median(steps):.2f} s (runs: {runs})")


if __name__ == "__main__":
    main()
