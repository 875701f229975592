"""Frame rate of the XOR page's live view in a real browser: how often its epoch caption changes while it plays.

streamlit run app.py --server.headless true --server.port 8642 &
python bench/xor_watch_fps.py --port 8642 [--seconds 8] [--link "xor_data=circle"]   (not part of CI)
"""

import argparse
import time

from playwright.sync_api import sync_playwright

SAMPLER = """(seconds) => new Promise(done => {
  const seen = []; let last = null; const start = performance.now();
  const timer = setInterval(() => {
    const caption = [...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
      .map(e => e.innerText).find(text => /epoch [0-9,]+ of/.test(text) || /第 [0-9,]+ \\/ /.test(text));
    if (caption && caption !== last) { seen.push(performance.now() - start); last = caption; }
    if (performance.now() - start > seconds * 1000) { clearInterval(timer); done(seen); }
  }, 10);
})"""


def idle(page, timeout: float = 90) -> None:
    end = time.time() + timeout
    while time.time() < end:
        if page.locator("[data-testid='stStatusWidget']").count() == 0:
            time.sleep(0.8)
            if page.locator("[data-testid='stStatusWidget']").count() == 0:
                return
        time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8642)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--link", default="xor_data=circle")
    parser.add_argument("--width", type=int, default=1280)
    options = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": options.width, "height": 900})
        page.goto(f"http://localhost:{options.port}/xor?{options.link}")
        page.wait_for_selector("[data-testid='stApp']")
        idle(page)
        page.get_by_text("🎬").first.click()
        idle(page)
        page.locator(".st-key-xor_watch_play button").click()
        times = page.evaluate(SAMPLER, options.seconds)
        gaps = [b - a for a, b in zip(times, times[1:])]
        if len(gaps) >= 2:
            gaps.sort()
            rate = (len(times) - 1) / ((times[-1] - times[0]) / 1000)
            print(
                f"{options.link}: {len(times)} frames in {options.seconds:.0f} s: {rate:.1f} frames/s; "
                f"gap median {gaps[len(gaps) // 2]:.0f} ms, 90th percentile {gaps[int(len(gaps) * 0.9)]:.0f} ms"
            )
        else:
            print(f"{options.link}: {len(times)} frames: the view did not play")
        page.screenshot(path=f"/tmp/xorshots/fps_{options.width}.png", full_page=False)
        browser.close()


if __name__ == "__main__":
    main()
