"""What a test or a benchmark does with a page of the app in Chromium (Playwright): watch its script runs and DOM
changes (MONITOR), wait until it settled, draw on the pad, and time a page, a stroke, a first visit."""

import time

import numpy as np

from harness.strokes import random_drawing

# Runs in every document before the app: counts script runs and remembers when the DOM last changed.
MONITOR = """
(() => {
  if (window.__nn) return;
  const nn = window.__nn = {lastMutation: 0, running: false, runStarts: 0, runEnds: 0, lastRunEnd: 0, okSince: null,
                            sends: [], lastReceived: 0};
  const send = WebSocket.prototype.send;  // when each message leaves for the server (a widget's new value, say)
  WebSocket.prototype.send = function (data) { nn.sends.push(performance.now()); return send.call(this, data); };
  // When the server last answered: a fast run that changes nothing on the page (the same answer again) can leave no
  // trace in the DOM, not even its script state, when React shows "running" and "notRunning" in one commit.
  window.WebSocket = class extends WebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => { nn.lastReceived = performance.now(); });
    }
  };
  const outside = el => el && el.closest &&
    el.closest('[data-testid=stStatusWidget], [data-testid=stToolbar], [data-testid=stDecoration]');
  // A run can start and end between two calls of the observer (a fast fragment run): the state each change left is
  // the next change's old value, or the attribute's value now for the last one; reading only the value now counted
  // no run at all then.
  const STATE = 'data-test-script-state';
  const isState = m => m.type === 'attributes' && m.attributeName === STATE;
  new MutationObserver(list => {
    const now = performance.now(), left = new Array(list.length);
    for (let i = list.length - 1, next = null; i >= 0; i--) {
      if (!isState(list[i])) continue;
      left[i] = next === null ? list[i].target.getAttribute(STATE) : next;
      next = list[i].oldValue;
    }
    list.forEach((m, i) => {
      const el = m.target.nodeType === 1 ? m.target : m.target.parentElement;
      if (isState(m)) {
        const running = left[i] === 'running';
        if (running && !nn.running) nn.runStarts++;
        if (!running && nn.running) { nn.runEnds++; nn.lastRunEnd = now; }
        nn.running = running;
      } else if (!outside(el)) {
        nn.lastMutation = now;
      }
    });
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true,
                        attributeOldValue: true});
})();
"""

# True once the page is settled and has been for `quiet` ms; then the time it settled, relative to `since`. With
# `answered`, the server must also have sent something after the page's last message to it.
SETTLED = """
([since, quiet, minRuns, answered]) => {
  const nn = window.__nn, now = performance.now();
  const app = document.querySelector('[data-testid=stApp]');
  const idle = app && app.getAttribute('data-test-script-state') === 'notRunning' && !nn.running;
  const plots = [...document.querySelectorAll('.js-plotly-plot')].filter(p => p.getClientRects().length);
  const drawn = plots.every(p => p._fullLayout && p.querySelector('.main-svg') &&
    (!(p._fullData || []).length || p.querySelector('.main-svg .trace, .main-svg image, canvas')));
  const waiting = document.querySelector('[data-stale=true], [data-testid*=Skeleton], [data-testid=stSpinner]');
  const heard = !answered || !nn.sends.length || nn.lastReceived > nn.sends[nn.sends.length - 1];
  const ok = idle && nn.runEnds >= minRuns && heard && drawn && !waiting;
  if (!ok) { nn.okSince = null; return false; }
  if (nn.okSince === null) nn.okSince = now;
  if (now - Math.max(nn.okSince, nn.lastMutation) < quiet) return false;
  const errors = document.querySelectorAll('[data-testid=stException]').length;
  return {ms: Math.max(nn.lastMutation, nn.lastRunEnd) - since, plots: plots.length, errors};
}
"""

# The drawing's prediction, once it comes from a script run that started after the stroke.
PREDICTION = """
([label, runsBefore, since]) => {
  if (window.__nn.runStarts <= runsBefore && !(window.__nn.lastReceived > since)) return false;
  const metric = [...document.querySelectorAll('[data-testid=stMetric]')].find(m => m.innerText.includes(label));
  if (!metric) return false;
  const container = metric.closest('[data-stale]');
  if (container && container.getAttribute('data-stale') === 'true') return false;
  const value = metric.querySelector('[data-testid=stMetricValue]');
  return value && value.innerText.trim() ? performance.now() : false;
}
"""


# What keeps a page from settling, for the error message.
UNSETTLED = """
() => ({url: location.href, monitor: window.__nn,
        state: document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state'),
        waiting: [...document.querySelectorAll('[data-stale=true], [data-testid*=Skeleton], [data-testid=stSpinner]')]
          .map(e => e.outerHTML.slice(0, 120)).slice(0, 5),
        undrawn: [...document.querySelectorAll('.js-plotly-plot')].filter(p => p.getClientRects().length
          && !(p._fullLayout && p.querySelector('.main-svg .trace, .main-svg image, canvas'))).length})
"""


def settled(
    page, since: float, quiet_ms: int, min_runs: int, timeout_ms: int = 120_000, answered: bool = False
) -> dict:
    """Wait until the page settled (see SETTLED); its result: {ms since `since`, plots, errors}."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    arg = [since, quiet_ms, min_runs, answered]
    try:
        handle = page.wait_for_function(SETTLED, arg=arg, polling=20, timeout=timeout_ms)
    except PlaywrightTimeout:
        raise RuntimeError(f"the page did not settle in {timeout_ms} ms: {page.evaluate(UNSETTLED)}") from None
    return handle.json_value()


def settled_after(page, action, quiet_ms: int, timeout_ms: int = 120_000):
    """Do `action` (a click), then wait until the page settled; what the action returned. When the action sent the
    server a message (a lazy section or a tab asks for a rerun), the run it starts must end first: waiting for quiet
    alone could end before a busy server's run began, and the check then saw the page without what the click opens.
    Not every message starts a run (a plain expander's or a chart's state): a run not begun within 3 s is none."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    sends, starts = page.evaluate("[window.__nn.sends.length, window.__nn.runStarts]")
    result = action()
    page.wait_for_timeout(50)  # a click's message leaves at once
    if page.evaluate("window.__nn.sends.length") > sends:
        try:
            page.wait_for_function("n => window.__nn.runStarts > n", arg=starts, polling=20, timeout=3_000)
        except PlaywrightTimeout:
            pass
    settled(page, 0.0, quiet_ms, min_runs=1, timeout_ms=timeout_ms)
    return result


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


def draw_strokes(page, pad, strokes, every: int = 1) -> None:
    """Strokes in the pad's own coordinates (0..280), scaled to the size it is shown at. `every` > 1 moves through
    every so many points only (and the last): the pad joins them with straight lines, so the digit is coarser but
    there. Each move is a round trip to a page that redraws on every rerun: ~70 ms here, ~10 s for a 3 in full."""
    box = pad.bounding_box()
    scale = box["width"] / 280
    for stroke in strokes:
        stroke = stroke[:-1:every] + stroke[-1:]
        page.mouse.move(box["x"] + stroke[0][0] * scale, box["y"] + stroke[0][1] * scale)
        page.mouse.down()
        for x, y in stroke[1:]:
            page.mouse.move(box["x"] + x * scale, box["y"] + y * scale)
        page.mouse.up()


def time_stroke(page, digit: int, rng, quiet_ms: int, every: int = 1) -> tuple[float, float, float]:
    """Draw a digit, timing its last stroke: (ms from the release until the prediction of a run that started after
    it is visible, ms until the section settled, ms from the pad's message at the release until the prediction).
    `every`: as in draw_strokes, for every stroke."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    pad = pad_of(page)
    pad.scroll_into_view_if_needed()
    strokes, _ = random_drawing(digit, rng)
    if len(strokes) > 1:
        draw_strokes(page, pad, strokes[:-1], every)
        # Not "one run more than now": the strokes' runs may all be over by now, the last one fast and traceless
        # (PREDICTION), and a run counted after them never came (a full run's failure, waiting out 120 s).
        settled(page, 0.0, quiet_ms, min_runs=0, answered=True)
    box = pad.bounding_box()
    last = strokes[-1][:-1:every] + strokes[-1][-1:]
    page.mouse.move(box["x"] + last[0][0], box["y"] + last[0][1])
    page.mouse.down()
    for x, y in last[1:]:
        page.mouse.move(box["x"] + x, box["y"] + y)
    # The runs the stroke's own messages started (every 100 ms) finish before the release, as when a pen slows at a
    # stroke's end: a run restarted in flight (Streamlit's fast rerun) leaves the page's script state at "running", so
    # the monitor could not tell the release's run from the one before it.
    settled(page, 0.0, 50, min_runs=0, answered=True)
    runs_before = page.evaluate("window.__nn.runStarts")
    start = now(page)
    page.mouse.up()
    try:
        shown = page.wait_for_function(
            PREDICTION, arg=["The CNN reads", runs_before, start], polling="raf", timeout=60_000
        ).json_value()
    except PlaywrightTimeout:
        alerts = page.locator("[data-testid=stAlert]").all_inner_texts()
        state = page.evaluate(UNSETTLED)
        raise RuntimeError(f"no prediction 60 s after the release: {state}, alerts {alerts}") from None
    # its run may have left no trace (PREDICTION): the server's answer to the release is what is waited for
    done = settled(page, start, quiet_ms, min_runs=0, answered=True)
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
    """Open the XOR replay, press Play and let it play 2 s: the script runs the server made meanwhile (goal: none,
    the animation is the browser's own)."""
    time_page(page, f"{base}/xor", quiet_ms)
    runs = runs_done(page)
    page.get_by_text("Replay the training: how the boundary formed").click()
    settled(page, 0.0, quiet_ms, min_runs=runs + 1)
    play = page.locator(".updatemenu-button", has_text="Play").first
    play.scroll_into_view_if_needed()
    before = page.evaluate("window.__nn.runStarts")
    play.click()
    page.wait_for_timeout(2000)
    return page.evaluate("window.__nn.runStarts") - before


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
