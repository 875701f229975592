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
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.cnn.data import bundled_root  # noqa: E402
from tests.digit_strokes import random_drawing  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
DATA = os.environ.get("NN_PLAYGROUND_DATA") or bundled_root()

# Runs in every document before the app: counts script runs and remembers when the DOM last changed.
MONITOR = """
(() => {
  if (window.__nn) return;
  const nn = window.__nn = {lastMutation: 0, running: false, runStarts: 0, runEnds: 0, lastRunEnd: 0, okSince: null,
                            sends: []};
  const send = WebSocket.prototype.send;  // when each message leaves for the server (a widget's new value, say)
  WebSocket.prototype.send = function (data) { nn.sends.push(performance.now()); return send.call(this, data); };
  const outside = el => el && el.closest &&
    el.closest('[data-testid=stStatusWidget], [data-testid=stToolbar], [data-testid=stDecoration]');
  new MutationObserver(list => {
    const now = performance.now();
    for (const m of list) {
      const el = m.target.nodeType === 1 ? m.target : m.target.parentElement;
      if (m.type === 'attributes' && m.attributeName === 'data-test-script-state') {
        const running = el.getAttribute('data-test-script-state') === 'running';
        if (running && !nn.running) nn.runStarts++;
        if (!running && nn.running) { nn.runEnds++; nn.lastRunEnd = now; }
        nn.running = running;
      } else if (!outside(el)) {
        nn.lastMutation = now;
      }
    }
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
})();
"""

# True once the page is settled and has been for `quiet` ms; then the time it settled, relative to `since`.
SETTLED = """
([since, quiet, minRuns]) => {
  const nn = window.__nn, now = performance.now();
  const app = document.querySelector('[data-testid=stApp]');
  const idle = app && app.getAttribute('data-test-script-state') === 'notRunning' && !nn.running;
  const plots = [...document.querySelectorAll('.js-plotly-plot')].filter(p => p.getClientRects().length);
  const drawn = plots.every(p => p._fullLayout && p.querySelector('.main-svg') &&
    (!(p._fullData || []).length || p.querySelector('.main-svg .trace, .main-svg image, canvas')));
  const waiting = document.querySelector('[data-stale=true], [data-testid*=Skeleton], [data-testid=stSpinner]');
  const ok = idle && nn.runEnds >= minRuns && drawn && !waiting;
  if (!ok) { nn.okSince = null; return false; }
  if (nn.okSince === null) nn.okSince = now;
  if (now - Math.max(nn.okSince, nn.lastMutation) < quiet) return false;
  const errors = document.querySelectorAll('[data-testid=stException]').length;
  return {ms: Math.max(nn.lastMutation, nn.lastRunEnd) - since, plots: plots.length, errors};
}
"""

# The drawing's prediction, once it comes from a script run that started after the stroke.
PREDICTION = """
([label, runsBefore]) => {
  if (window.__nn.runStarts <= runsBefore) return false;
  const metric = [...document.querySelectorAll('[data-testid=stMetric]')].find(m => m.innerText.includes(label));
  if (!metric) return false;
  const container = metric.closest('[data-stale]');
  if (container && container.getAttribute('data-stale') === 'true') return false;
  const value = metric.querySelector('[data-testid=stMetricValue]');
  return value && value.innerText.trim() ? performance.now() : false;
}
"""


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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, app_root: Path = ROOT, data=DATA) -> subprocess.Popen:
    """A Streamlit server of the app with a public deployment's defaults, once it answers its health check."""
    env = {**os.environ, "NN_PLAYGROUND_DATA": str(data)}
    env.pop("NN_PLAYGROUND_LOCAL", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(app_root / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=app_root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).status == 200:
                return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError("the Streamlit server did not start")


# What keeps a page from settling, for the error message.
UNSETTLED = """
() => ({url: location.href, monitor: window.__nn,
        state: document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state'),
        waiting: [...document.querySelectorAll('[data-stale=true], [data-testid*=Skeleton], [data-testid=stSpinner]')]
          .map(e => e.outerHTML.slice(0, 120)).slice(0, 5),
        undrawn: [...document.querySelectorAll('.js-plotly-plot')].filter(p => p.getClientRects().length
          && !(p._fullLayout && p.querySelector('.main-svg .trace, .main-svg image, canvas'))).length})
"""


def settled(page, since: float, quiet_ms: int, min_runs: int, timeout_ms: int = 120_000) -> dict:
    """Wait until the page settled (see SETTLED); its result: {ms since `since`, plots, errors}."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        handle = page.wait_for_function(SETTLED, arg=[since, quiet_ms, min_runs], polling=20, timeout=timeout_ms)
    except PlaywrightTimeout:
        raise RuntimeError(f"the page did not settle in {timeout_ms} ms: {page.evaluate(UNSETTLED)}") from None
    return handle.json_value()


def now(page) -> float:
    return page.evaluate("performance.now()")


def runs_done(page) -> int:
    return page.evaluate("window.__nn.runEnds")


def time_page(page, url: str, quiet_ms: int) -> dict:
    page.goto(url, wait_until="commit")
    return settled(page, 0.0, quiet_ms, min_runs=1)


PAD = "Drawing pad"  # the pad's aria-label (ui/pad.py)


def pad_of(page):
    return page.get_by_label(PAD, exact=True)


def draw_strokes(page, pad, strokes) -> None:
    """Strokes in the pad's own coordinates (0..280), scaled to the size it is shown at."""
    box = pad.bounding_box()
    scale = box["width"] / 280
    for stroke in strokes:
        page.mouse.move(box["x"] + stroke[0][0] * scale, box["y"] + stroke[0][1] * scale)
        page.mouse.down()
        for x, y in stroke[1:]:
            page.mouse.move(box["x"] + x * scale, box["y"] + y * scale)
        page.mouse.up()


def time_stroke(page, digit: int, rng, quiet_ms: int) -> tuple[float, float, float]:
    """Draw a digit, timing its last stroke: (ms from the release until the prediction of a run that started after
    it is visible, ms until the section settled, ms from the pad's message at the release until the prediction)."""
    pad = pad_of(page)
    pad.scroll_into_view_if_needed()
    strokes, _ = random_drawing(digit, rng)
    if len(strokes) > 1:
        draw_strokes(page, pad, strokes[:-1])
        settled(page, 0.0, quiet_ms, min_runs=runs_done(page) + 1)
    box = pad.bounding_box()
    last = strokes[-1]
    page.mouse.move(box["x"] + last[0][0], box["y"] + last[0][1])
    page.mouse.down()
    for x, y in last[1:]:
        page.mouse.move(box["x"] + x, box["y"] + y)
    # The runs the stroke's own messages started (every 100 ms) finish before the release, as when a pen slows at a
    # stroke's end: a run restarted in flight (Streamlit's fast rerun) leaves the page's script state at "running", so
    # the monitor could not tell the release's run from the one before it.
    settled(page, 0.0, 50, min_runs=0)
    runs_before, ends_before = page.evaluate("[window.__nn.runStarts, window.__nn.runEnds]")
    start = now(page)
    page.mouse.up()
    shown = page.wait_for_function(
        PREDICTION, arg=["The CNN reads", runs_before], polling="raf", timeout=60_000
    ).json_value()
    done = settled(page, start, quiet_ms, min_runs=ends_before + 1)
    sent = page.evaluate("(start) => window.__nn.sends.find(t => t >= start)", start)
    return shown - start, done["ms"], shown - sent


def clear_pad(page, quiet_ms: int) -> None:
    """Press Clear; a page whose Clear starts no run within 10 s is left as it is (the next stroke draws over)."""
    from playwright.sync_api import Error as PlaywrightError

    before = runs_done(page)
    page.get_by_role("button", name="Clear", exact=True).click()
    try:
        settled(page, 0.0, quiet_ms, min_runs=before + 1, timeout_ms=10_000)
    except (RuntimeError, PlaywrightError):
        pass


def quick_train(page, base: str) -> str | None:
    """A model for the Draw and CNN pages: the query (?run=…) that finds it, "" when the page starts with one,
    None when there is neither a model nor a 'Quick train' button."""
    page.goto(f"{base}/draw", wait_until="commit")
    settled(page, 0.0, 500, min_runs=1)
    if pad_of(page).count():
        return ""
    button = page.get_by_role("button", name="Quick train")
    if button.count() == 0:
        return None
    button.click()
    pad_of(page).wait_for(timeout=300_000)
    settled(page, 0.0, 500, min_runs=1, timeout_ms=300_000)
    return page.url.split("?", 1)[1] if "?" in page.url else ""


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


def first_visit(browser, base: str, quiet_ms: int, charts: list | None = None) -> float:
    """A fresh context (its own empty cache) opens home, reads for a second, clicks the XOR link: ms from the click
    until the XOR page settled with every chart drawn. Home's small live chart loads the chart library meanwhile.
    `charts`, when given, gets the number of plotly charts the XOR page then shows."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(MONITOR)
    page = context.new_page()
    try:
        time_page(page, f"{base}/", quiet_ms)
        page.wait_for_timeout(1000)
        link = page.get_by_role("link", name="Open the XOR playground")
        before = runs_done(page)
        start = now(page)
        link.click()
        ms = settled(page, start, quiet_ms, min_runs=before + 1)["ms"]
        if charts is not None:
            charts.append(page.locator(".js-plotly-plot .main-svg").count())
        return ms
    finally:
        context.close()


def replay_runs(page, base: str, quiet_ms: int) -> float:
    """Press Play on the XOR replay and let it play 2 s: the script runs the server made meanwhile (goal: none, the
    animation is the browser's own)."""
    time_page(page, f"{base}/xor", quiet_ms)
    play = page.locator(".updatemenu-button", has_text="Play").first
    play.scroll_into_view_if_needed()
    before = page.evaluate("window.__nn.runStarts")
    play.click()
    page.wait_for_timeout(2000)
    return page.evaluate("window.__nn.runStarts") - before


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


# While the pad is drawn on: every change of the answer (the digit read and how sure), with when it happened.
WATCH_PREDICTION = """
() => {
  const nn = window.__nn;
  nn.values = [];
  const read = () => {
    const metric = [...document.querySelectorAll('[data-testid=stMetric]')]
      .find(m => m.innerText.includes('The CNN reads'));
    const answer = metric && metric.closest('[data-testid=stVerticalBlock]');
    return answer ? answer.innerText.trim() : '';
  };
  let last = read();
  if (nn.watch) nn.watch.disconnect();
  nn.watch = new MutationObserver(() => {
    const now = read();
    if (now !== last) { nn.values.push([performance.now(), now]); last = now; }
  });
  nn.watch.observe(document.body, {subtree: true, childList: true, characterData: true});
}
"""


def slow_stroke(page, seconds: float = 1.2) -> tuple[int, int, float]:
    """Draw a one-stroke 8 over `seconds`, at a hand's pace: (messages the pad sent to the server during it, times
    the answer (digit or confidence) changed during it, ms the stroke took: more than `seconds` when the browser is
    slow to take each move). The pad must send and the answer move while drawn."""
    pad = pad_of(page)
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    scale = box["width"] / 280
    stroke = next(s[0] for seed in range(50) if len(s := random_drawing(8, np.random.default_rng(seed))[0]) == 1)
    page.evaluate(WATCH_PREDICTION)
    sent_before = int(pad.get_attribute("data-sent") or 0)  # the pad counts its own messages (ui/pad.py)
    page.mouse.move(box["x"] + stroke[0][0] * scale, box["y"] + stroke[0][1] * scale)
    start = now(page)
    page.mouse.down()
    pause = seconds / max(1, len(stroke) - 1)
    began = time.perf_counter()
    for k, (x, y) in enumerate(stroke[1:], 1):
        page.mouse.move(box["x"] + x * scale, box["y"] + y * scale)
        time.sleep(max(0.0, began + k * pause - time.perf_counter()))
    end = now(page)
    sends = int(pad.get_attribute("data-sent") or 0) - sent_before
    page.mouse.up()
    changes = page.evaluate("([a, b]) => window.__nn.values.filter(([t]) => t > a && t < b).length", [start, end])
    return sends, changes, end - start


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
