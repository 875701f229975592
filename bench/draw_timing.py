"""Draw page, in Chromium: from the end of a stroke to the prediction visible, and to the drawing section settled.

    python bench/draw_timing.py [--digits 8] [--phone]

Starts its own Streamlit server (the bundled MNIST sample, the ready-made model: no training), opens /draw, draws
single-stroke digits with the mouse on the pad (ui/pad.py, found by its aria-label), and times in the page itself
(performance.now()):
  visible  - release (pointerup: the pad cancels the mouse events) → the first change of the page with "The CNN
             reads" showing a digit (the pad sends while a stroke is drawn, so an answer is often there already;
             bench/page_timing.py times the release's own run),
  settled  - release → the last change to the page before 1 s of quiet (charts drawn, stale elements restored).
Prints each digit's times and the median. Goals (issue 14): visible ≤ 150 ms, settled ≤ 500 ms, on a warm server.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.page import pad_of  # noqa: E402
from harness.server import CHROMIUM, CHROMIUM_ARGS, free_port, start_server  # noqa: E402
from harness.strokes import random_drawing  # noqa: E402

WATCH = """() => {
  window.__t = {up: null, visible: null, last: null};
  document.addEventListener('pointerup', () => { window.__t = {up: performance.now(), visible: null, last: null}; },
                            {capture: true});
  new MutationObserver(() => {
    const t = window.__t, now = performance.now();
    if (t.up === null) return;
    t.last = now;
    if (t.visible === null) {
      const m = [...document.querySelectorAll('[data-testid=stMetric]')]
        .find(e => e.innerText.includes('The CNN reads'));
      const v = m && m.querySelector('[data-testid=stMetricValue]');
      if (v && v.innerText.trim()) t.visible = now;
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
}"""


def single_stroke_drawings(count: int, seed: int = 3):
    rng = np.random.default_rng(seed)
    found = []
    while len(found) < count:
        digit = int(rng.choice([0, 2, 3, 6, 8, 9]))
        strokes, width = random_drawing(digit, rng)
        if len(strokes) == 1:
            found.append((digit, strokes[0]))
    return found


def draw(page, pad, stroke) -> None:
    box = pad.bounding_box()
    scale = box["width"] / 280  # the pad's own coordinates, whatever size it is shown at
    page.mouse.move(box["x"] + stroke[0][0] * scale, box["y"] + stroke[0][1] * scale)
    page.mouse.down()
    for x, y in stroke[1:]:  # at a hand's pace
        page.mouse.move(box["x"] + x * scale, box["y"] + y * scale, steps=2)
        time.sleep(0.005)
    page.mouse.up()


def wait_settled(page, quiet_ms: int = 1000, timeout_s: float = 20) -> dict:
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        t = page.evaluate("() => ({...window.__t, now: performance.now()})")
        if t["visible"] is not None and t["now"] - t["last"] > quiet_ms:
            return {"visible": t["visible"] - t["up"], "settled": t["last"] - t["up"]}
        time.sleep(0.1)
    raise TimeoutError(f"no prediction appeared: {t}")


def measure(url: str, count: int, phone: bool) -> list[dict]:
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        size = {"width": 390, "height": 844} if phone else {"width": 1400, "height": 900}
        page = browser.new_page(viewport=size, device_scale_factor=2 if phone else 1, has_touch=phone)
        page.goto(f"{url}/draw")
        pad = pad_of(page)
        pad.wait_for(timeout=60_000)
        time.sleep(2)
        page.evaluate(WATCH)
        for k, (digit, stroke) in enumerate(single_stroke_drawings(count + 1)):
            pad.scroll_into_view_if_needed()
            draw(page, pad, stroke)
            times = wait_settled(page, timeout_s=20)
            read = page.locator("[data-testid=stMetric]", has=page.get_by_text("The CNN reads", exact=True))
            shown = read.locator("[data-testid=stMetricValue]").inner_text().strip()
            if k > 0:  # the first stroke warms the session up
                results.append({"digit": digit, "read": shown, **times})
                print(
                    f"digit {digit} read {shown}: visible {times['visible']:.0f} ms, settled {times['settled']:.0f} ms"
                )
            page.get_by_role("button", name="Clear", exact=True).click()
            page.get_by_text("Draw a digit (0–9)", exact=False).wait_for()
            time.sleep(0.5)
        browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digits", type=int, default=8)
    parser.add_argument("--phone", action="store_true", help="a 390×844 touch viewport")
    args = parser.parse_args()
    port = free_port()
    server = start_server(port)
    try:
        results = measure(f"http://127.0.0.1:{port}", args.digits, args.phone)
    finally:
        server.terminate()
        server.wait(10)
    for key in ("visible", "settled"):
        values = [r[key] for r in results]
        print(f"{key}: median {statistics.median(values):.0f} ms, max {max(values):.0f} ms over {len(values)} strokes")
    print(f"read right: {sum(str(r['digit']) == r['read'] for r in results)}/{len(results)}")


if __name__ == "__main__":
    main()
