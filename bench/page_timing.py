"""How fast every page looks finished in a real browser: navigation or interaction → every chart drawn.

Starts its own Streamlit server (or uses --url), warms it, then in Chromium (Playwright) measures, as the median of
--runs tries on a warm server:

- each page (home, xor, cnn, draw, and cnn/draw again once a model is trained), from navigation start until the page
  is settled: the script is not running (stApp's data-test-script-state), no element is stale, every visible plotly
  chart has its SVG, and nothing in the DOM changed for --quiet ms. The time reported is that of the last DOM change
  (or the end of the last script run, if later), so the quiet period itself is not counted;
- XOR: the script runs the server makes while the training replay plays for 2 s (none: plotly animates it);
- Draw: from the release of the last stroke until the prediction of a script run that started after it is visible,
  and until the drawing section settled; from the pad's message to the server until the prediction is visible; and a
  slow stroke (1.2 s): how often the pad sent while it was drawn, and how often the prediction changed meanwhile;
- a first-time visitor: a fresh browser context (cold cache) opens home, reads for a moment, and follows the XOR
  link: from the click until every chart on the XOR page is drawn.

Feature maps are chosen by clicking now, not with a slider: bench/cnn_inside_timing.py times those clicks.

An interaction whose widget is not found is skipped with a note, since the pages change while they are worked on.

    python bench/page_timing.py --runs 5
"""

import argparse
import os
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.page import (  # noqa: E402
    MONITOR,
    clear_pad,
    first_visit,
    pad_of,
    quick_train,
    replay_runs,
    settled,
    slow_stroke,
    time_page,
    time_stroke,
)
from harness.server import CHROMIUM, CHROMIUM_ARGS, free_port, start_server  # noqa: E402


@dataclass
class Timing:
    name: str
    goal_ms: float
    samples: list[float] = field(default_factory=list)
    note: str = ""
    plots: int = 0
    errors: bool = False
    at_least: bool = False  # a count whose goal is a floor (the pad's sends during a stroke), not a time's ceiling

    def row(self) -> str:
        if not self.samples:
            return f"| {self.name} | – | – | – | {self.goal_ms:.0f} | skipped: {self.note} |"
        median = statistics.median(self.samples)
        met = median >= self.goal_ms if self.at_least else median < self.goal_ms
        verdict = "✅" if met else "❌"
        extra = f"{self.plots} charts" if self.plots else ""
        if self.errors:
            extra += " (the page showed an exception)"
        note = "; ".join(part for part in (extra, self.note) if part)
        spread = f"{min(self.samples):.0f} | {max(self.samples):.0f}"
        return f"| {self.name} | {median:.0f} | {spread} | {self.goal_ms:.0f} | {verdict} {note} |"


def attempt(timing: Timing, measure_once, runs: int) -> None:
    """Run a measurement `runs` times into `timing`; a failure or a missing widget ends it with a note."""
    try:
        for _ in range(runs):
            sample = measure_once()
            if sample is None:
                return
            timing.samples.append(sample)
    except Exception as exc:  # a page being reworked must not cost the other measurements
        timing.note = f"failed after {len(timing.samples)} runs: {str(exc).splitlines()[0][:160]}"


def page_sample(page, url: str, quiet_ms: int, timing: Timing):
    def once() -> float:
        result = time_page(page, url, quiet_ms)
        timing.plots = result["plots"]
        timing.errors |= bool(result["errors"])
        return result["ms"]

    return once


def measure(base: str, runs: int, quiet_ms: int) -> list[Timing]:
    from playwright.sync_api import sync_playwright

    pages = [("home", "/", 1000), ("xor", "/xor", 1500), ("cnn", "/cnn", 1000), ("draw", "/draw", 1000)]
    timings = [Timing(f"page {name}", goal) for name, _, goal in pages]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.add_init_script(MONITOR)
        page = context.new_page()
        page.set_default_timeout(60_000)
        for (_, path, _), timing in zip(pages, timings):
            attempt(timing, page_sample(page, base + path, quiet_ms, timing), 1)  # warm the server and the browser
            timing.samples.clear()
        for _ in range(runs):
            for (_, path, _), timing in zip(pages, timings):
                attempt(timing, page_sample(page, base + path, quiet_ms, timing), 1)
        first = Timing("first visit: home → XOR link → every chart drawn (cold cache)", 1500)
        attempt(first, lambda: first_visit(browser, base, quiet_ms), runs)
        replay = Timing("xor: server runs while the replay plays 2 s", 1)
        attempt(replay, lambda: replay_runs(page, base, quiet_ms), runs)
        timings += [first, replay]
        timings += trained_timings(page, base, runs, quiet_ms)
        browser.close()
    return timings


def trained_timings(page, base: str, runs: int, quiet_ms: int) -> list[Timing]:
    cnn_page, draw_page = Timing("page cnn (trained)", 1000), Timing("page draw (trained)", 1000)
    shown, settle = Timing("draw: stroke → prediction", 150), Timing("draw: stroke → section settled", 500)
    # The pad sends at once on release: what the app itself adds is measured from that message on.
    answered = Timing("draw: pad message → prediction", 150)
    sends = Timing("draw: pad messages during a 1.2 s stroke", 4, at_least=True)
    updates = Timing("draw: answer changes during it", 1, at_least=True)
    everything = [cnn_page, draw_page, shown, answered, settle, sends, updates]
    try:
        query = quick_train(page, base)
    except Exception as exc:
        query, reason = None, f"quick training failed: {str(exc).splitlines()[0][:160]}"
    else:
        reason = "no 'Quick train' button on the Draw page"
    if query is None:
        for timing in everything:
            timing.note = reason
        return everything
    suffix = f"?{query}" if query else ""
    if not query:
        cnn_page.note = draw_page.note = "the app starts with a ready-made model: the same page as above"
    attempt(cnn_page, page_sample(page, f"{base}/cnn{suffix}", quiet_ms, cnn_page), runs)
    attempt(draw_page, page_sample(page, f"{base}/draw{suffix}", quiet_ms, draw_page), runs)
    if pad_of(page).count() == 0:
        shown.note = settle.note = "no drawing pad on the Draw page"
        return everything
    rng = np.random.default_rng(7)
    digits = iter([2, 7, 3, 0, 6, 9, 5, 8, 1, 4] * (runs + 1))
    strokes, answers = [], []

    def stroke() -> float:
        visible, done, answer = time_stroke(page, next(digits), rng, quiet_ms)
        clear_pad(page, quiet_ms)
        strokes.append(done)
        answers.append(answer)
        return visible

    attempt(shown, stroke, 1)  # the first stroke warms the pad and the model
    shown.samples.clear()
    strokes.clear()
    answers.clear()
    attempt(shown, stroke, runs)
    settle.samples, settle.note = strokes, shown.note
    answered.samples, answered.note = answers, shown.note
    attempt(sends, slow_stroke_sample(page, quiet_ms, updates), runs)
    return everything


def slow_stroke_sample(page, quiet_ms: int, updates: Timing):
    def once() -> float:
        sends, changes, _ = slow_stroke(page)
        settled(page, 0.0, quiet_ms, min_runs=0)  # the release's run may already be over (or was a fast rerun)
        clear_pad(page, quiet_ms)
        updates.samples.append(changes)
        return sends

    return once


def table(timings: list[Timing], runs: int) -> str:
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    lines = [
        f"Median of {runs} runs, ms (warm server, Chromium 1400×1000, {os.cpu_count()} CPUs, load {load})",
        "",
        "| measure | median | min | max | goal | |",
        "|---|---:|---:|---:|---:|---|",
    ]
    return "\n".join(lines + [timing.row() for timing in timings])


def timing_main(doc: str, measure_all, quiet_ms: int) -> None:
    """The command line of a browser timing script: serve the app (or use --url), measure, print the table."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quiet", type=int, default=quiet_ms, help="ms without DOM change that count as settled")
    parser.add_argument("--url", help="an already running app, e.g. http://127.0.0.1:8501")
    parser.add_argument("--app", type=Path, default=ROOT, help="the checkout to serve (default: this one)")
    args = parser.parse_args()
    server = None
    base = args.url
    if base is None:
        port = free_port()
        server = start_server(port, args.app.resolve())
        base = f"http://127.0.0.1:{port}"
    try:
        print(table(measure_all(base.rstrip("/"), args.runs, args.quiet), args.runs))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)


def main() -> None:
    timing_main(__doc__, measure, quiet_ms=700)


if __name__ == "__main__":
    main()
