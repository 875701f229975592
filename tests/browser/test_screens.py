"""Every page fits a 390×844 phone and a desktop, in English and 中文, with nothing cut off and no exception.

A page is checked once it settled (script idle, charts drawn), with every expander and every tab opened, the CNN page
with a finished run (its results) and, on the Draw page, a digit drawn (the pad and its answer on one phone screen, the
answer right), so the charts and code a student can reach are measured too. Each page is opened on a phone (a touch
screen, 390 px) and checked, then widened to a desktop's window and checked again: Streamlit lays the page out afresh
(its sidebar opens at that width, as on a desktop's first visit; the charts take the new width), and a second visit to
the same page was a third of the layout checks' time, most of it drawing the same charts again. Set
NN_PLAYGROUND_SCREENSHOTS to a folder to keep a full-page screenshot of each page and width."""

import os
from pathlib import Path

import numpy as np
import pytest

from harness.page import MONITOR, draw_strokes, settled, settled_after
from harness.strokes import random_drawing

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1400, "height": 1000}}
PAGES = {"home": "/", "lesson": "/lesson", "xor": "/xor", "cnn": "/cnn", "draw": "/draw", "hood": "/under-the-hood"}
QUIET_MS = 300  # this long without a DOM change or a script run counts as settled

# What does not fit: elements that reach past the viewport's left or right edge (unless a box that fits scrolls them),
# text a non-scrolling box cuts off, and boxes that scroll sideways because their content (code, a table, a formula)
# is wider than they are: on a phone that part is out of sight. The collapsed sidebar sits off-screen on purpose.
OVERFLOW = """
() => {
  const vw = document.documentElement.clientWidth;
  const problems = [];
  const name = el => {
    const id = el.getAttribute('data-testid');
    const text = (el.innerText || el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
    return `${el.tagName.toLowerCase()}${id ? '[' + id + ']' : ''}${el.className && typeof el.className === 'string'
      ? '.' + el.className.trim().split(/\\s+/).filter(c => !c.startsWith('st-emotion') && !c.startsWith('e')).join('.')
      : ''} "${text}"`;
  };
  const scrollsX = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const clipsX = el => ['hidden', 'clip'].includes(getComputedStyle(el).overflowX);
  const fits = r => r.left >= -1 && r.right <= vw + 1;
  const visible = el => {
    const s = getComputedStyle(el);
    return s.visibility !== 'hidden' && s.display !== 'none' && el.getClientRects().length > 0;
  };
  const offscreenSidebar = el => {
    const sidebar = el.closest('[data-testid=stSidebar]');
    return sidebar && sidebar.getBoundingClientRect().right <= 1;
  };
  // Visually hidden on purpose: KaTeX's MathML copy, inputs under custom sliders, anything clipped to nothing.
  const hidden = el => {
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.opacity === '0' || (s.clip && s.clip !== 'auto') || (s.clipPath && s.clipPath !== 'none')) return true;
    }
    return false;
  };
  // Inside a chart's SVG, plotly clips lines to the plot area itself; the chart's box is checked instead.
  const inSvg = el => el.tagName.toLowerCase() !== 'svg' && el.closest('svg');
  const skipped = el => offscreenSidebar(el) || inSvg(el) || el.closest('.katex-mathml')
    || el.closest('[data-testid=stSidebarCollapsedControl]')
    || el.closest('[data-testid=stToolbar], [data-testid=stDecoration], [data-testid=stStatusWidget]');
  if (document.documentElement.scrollWidth > vw + 1)
    problems.push(`the page is ${document.documentElement.scrollWidth} px wide in a ${vw} px viewport`);
  const reported = new Set();
  for (const el of document.body.querySelectorAll('*')) {
    if (skipped(el) || !visible(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1 || fits(r) || r.right <= 0 || hidden(el)) continue;  // right <= 0: off-screen
    let box = el.parentElement, verdict = 'reaches past the screen';
    for (; box && box !== document.body; box = box.parentElement) {
      if (scrollsX(box) && fits(box.getBoundingClientRect())) { verdict = null; break; }
      if (clipsX(box) && fits(box.getBoundingClientRect())) { verdict = 'is cut off (hidden overflow)'; break; }
    }
    if (verdict === null) continue;
    if ([...reported].some(outer => outer.contains(el))) continue;  // report the outermost element only
    reported.add(el);
    problems.push(`${name(el)} ${verdict}: x ${Math.round(r.left)}…${Math.round(r.right)} of ${vw}`);
  }
  // Text a non-scrolling box cuts off inside the screen: the nearest box that clips or scrolls it decides.
  const texts = 'pre, code, table, p, li, h1, h2, h3, .katex-html, [data-testid=stMarkdownContainer]';
  for (const el of document.body.querySelectorAll(texts)) {
    if (skipped(el) || !visible(el) || hidden(el) || [...reported].some(outer => outer.contains(el))) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) continue;
    for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
      if (scrollsX(box)) break;
      if (!clipsX(box)) continue;
      const b = box.getBoundingClientRect();
      if (r.right > b.right + 2 || r.left < b.left - 2) {
        reported.add(el);
        problems.push(`${name(el)} is cut off by its box: x ${Math.round(r.left)}…${Math.round(r.right)} `
          + `in ${Math.round(b.left)}…${Math.round(b.right)}`);
      }
      break;
    }
  }
  // A box that scrolls sideways hides part of its content on a phone (code, tables, wide formulas): say so.
  for (const el of document.body.querySelectorAll('*')) {
    if (!scrollsX(el) || skipped(el) || !visible(el) || hidden(el)) continue;
    if (el.scrollWidth > el.clientWidth + 2 && el.clientWidth > 0)
      problems.push(`${name(el)} scrolls sideways: ${el.scrollWidth} px of content in ${el.clientWidth} px`);
  }
  return problems;
}
"""


@pytest.fixture(scope="module")
def context_factory(browser):
    """One browser context (a phone's: touch, 390 px) per language and cookies, kept for the module: its cache holds
    the app's scripts after the first page, as a visitor's browser does, so each check costs a page, not a cold
    start."""
    contexts = {}

    def make(lang: str, storage_state: dict | None = None):
        key = (lang, storage_state is not None)
        if key not in contexts:
            context = browser.new_context(
                viewport=VIEWPORTS["phone"],
                is_mobile=True,
                has_touch=True,
                locale="zh-CN" if lang == "zh" else "en-US",
                storage_state=storage_state,
            )
            context.add_init_script(MONITOR)
            contexts[key] = context
        return contexts[key]

    yield make
    for context in contexts.values():
        context.close()


# Click every visible closed expander at once: one click at a time waited for each rerun, ~1 s per expander
# (the XOR page has 10, so 9–11 s of every XOR case).
OPEN_CLOSED = """
() => {
  const closed = [...document.querySelectorAll('[data-testid=stExpander] details:not([open]) > summary')]
    .filter(summary => summary.getClientRects().length);
  closed.forEach(summary => summary.click());
  return closed.length;
}
"""


# Wait for the page's transitions to end (infinite ones, a spinner's, excepted): the sidebar slides in when the window
# widens, and one full run measured it mid-slide, "cut off" at x -5, after the page had been quiet for 300 ms.
STILL = """
() => Promise.all(document.getAnimations()
  .filter(a => Number.isFinite(a.effect?.getComputedTiming().endTime))
  .map(a => a.finished.catch(() => null)))
"""


def overflow(page) -> list[str]:
    """What does not fit (OVERFLOW), once nothing on the page is moving."""
    page.evaluate(STILL)
    return page.evaluate(OVERFLOW)


def open_expanders(page) -> None:
    """Open every visible closed expander (opening one may reveal others), then wait for the page to settle."""
    for _ in range(10):
        if not settled_after(page, lambda: page.evaluate(OPEN_CLOSED), QUIET_MS):
            break


def problems_in_each_tab(page) -> list[str]:
    """A tab's content is laid out only while it is chosen: choose each one (the CNN's results) and check it."""
    problems = []
    tabs = page.locator("[data-testid=stMain] [role=tab]").filter(visible=True)
    for index in range(tabs.count()):
        tab = tabs.nth(index)
        if tab.get_attribute("aria-selected") != "true":  # the chosen one was checked with the page
            tab.scroll_into_view_if_needed()
            settled_after(page, tab.click, QUIET_MS)
            open_expanders(page)
            problems += [f"tab {tab.inner_text().strip()!r}: {problem}" for problem in overflow(page)]
    return problems


def choose_the_first_tab(page) -> None:
    """Back to each tab row's first tab (the phone's check left its last one chosen), as a first visit shows it."""
    for tab in page.locator("[data-testid=stMain] [role=tablist]").filter(visible=True).all():
        first = tab.locator("[role=tab]").first
        if first.get_attribute("aria-selected") != "true":
            settled_after(page, first.click, QUIET_MS)


def draw_a_digit(page, lang: str) -> None:
    """Draw a 4 on the Draw page's pad, on the phone's screen where the check starts: the pad stays put while it is
    drawn on, the answer sits above it, one screen holds both, and the answer is 4."""
    pad = page.get_by_label("画板" if lang == "zh" else "Drawing pad", exact=True)
    pad.scroll_into_view_if_needed()
    before = pad.bounding_box()
    runs = page.evaluate("window.__nn.runEnds")
    strokes, _ = random_drawing(4, np.random.default_rng(11))
    draw_strokes(page, pad, strokes, every=4)  # what is drawn matters here, not how finely
    settled(page, 0.0, QUIET_MS, min_runs=runs + 1, timeout_ms=60_000)
    answer = page.locator("[data-testid=stMetric]").first.bounding_box()
    after = pad.bounding_box()
    assert after["y"] == before["y"], "the pad moved while it was drawn on"
    assert answer["y"] < after["y"], "the answer sits above the pad on a phone"
    assert after["y"] + after["height"] - answer["y"] <= VIEWPORTS["phone"]["height"], (answer, after)
    assert page.locator("[data-testid=stMetricValue]").first.inner_text().strip() == "4"


def screenshot(page, viewport: dict, path: Path) -> None:
    """The whole page: Streamlit scrolls inside its main element, so the viewport grows to the content first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], main')]"
        ".map(e => e.scrollHeight), document.documentElement.scrollHeight)"
    )
    page.set_viewport_size({"width": viewport["width"], "height": min(int(height), 12_000)})
    page.wait_for_timeout(500)
    page.screenshot(path=str(path))


def problems_at(page, viewport: str, shots: Path | None, shot_name: str) -> list[str]:
    """Everything open, every tab chosen in turn: what does not fit at this viewport (named in each problem)."""
    try:
        open_expanders(page)
        problems = overflow(page) + problems_in_each_tab(page)
    finally:
        if shots:
            screenshot(page, VIEWPORTS[viewport], shots / f"{shot_name}-{viewport}.png")
    return [f"{viewport}: {problem}" for problem in problems]


def check_fits(context, server: str, name: str, lang: str, run: str = "") -> None:
    """Open the page on a phone (with the finished run `run`, a ?run= query, on the CNN page), settle it, open
    everything and check that it fits; then widen it to a desktop's window and check again. No exception may be
    shown nor raised in the browser."""
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    query = f"lang={lang}" + (f"&{run}" if run else "")
    page.goto(f"{server}{PAGES[name]}?{query}", wait_until="commit")
    folder = os.environ.get("NN_PLAYGROUND_SCREENSHOTS")
    shots = Path(folder) if folder else None
    try:
        settled(page, 0.0, QUIET_MS, min_runs=1, timeout_ms=120_000)
        if name == "draw":
            draw_a_digit(page, lang)
        if run:  # the results come after the run's model is adopted, which can take a while on a busy machine
            page.get_by_text("你的模型" if lang == "zh" else "Your model", exact=True).wait_for(timeout=180_000)
            settled(page, 0.0, QUIET_MS, min_runs=1, timeout_ms=120_000)
        problems = problems_at(page, "phone", shots, f"{name}-{lang}")
        page.set_viewport_size(VIEWPORTS["desktop"])
        choose_the_first_tab(page)
        settled(page, 0.0, QUIET_MS, min_runs=0, timeout_ms=120_000)
        problems += problems_at(page, "desktop", shots, f"{name}-{lang}")
        exceptions = page.locator("[data-testid=stException]").all_inner_texts()
    finally:
        page.close()
    assert not errors, errors
    assert not exceptions, exceptions
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", [name for name in PAGES if name != "cnn"])
def test_page_fits_the_screen(name, lang, server, context_factory):
    check_fits(context_factory(lang), server, name, lang)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_cnn_page_with_its_results_fits_the_screen(lang, server, context_factory, trained_run):
    """The CNN page with a finished run, seen by the browser that trained it (its cookies): the results and every
    tab, which only the trainer sees."""
    check_fits(context_factory(lang, trained_run.storage_state), server, "cnn", lang, run=trained_run.query)


def test_the_check_finds_what_does_not_fit(browser):
    page = browser.new_page(viewport=VIEWPORTS["phone"])
    page.set_content("""<body style="margin:0">
      <div id="wide" style="width:600px">a table wider than the phone</div>
      <div style="overflow:hidden;width:300px"><pre style="width:500px">code cut off on the right</pre></div>
      <div style="overflow-x:auto;width:300px"><pre style="width:500px">code that scrolls</pre></div>
      <div style="overflow:hidden;width:200px"><table style="width:250px"><tr><td>a clipped table</td></tr></table>
      </div>
    </body>""")
    problems = page.evaluate(OVERFLOW)
    assert any("600 px wide" in problem for problem in problems), problems
    assert any("a table wider" in problem and "reaches past the screen" in problem for problem in problems), problems
    assert any("code cut off" in problem and "cut off" in problem for problem in problems), problems
    assert any("a clipped table" in problem and "cut off by its box" in problem for problem in problems), problems
    assert any("code that scrolls" in problem and "scrolls sideways" in problem for problem in problems), problems
    page.set_content('<div style="width:380px">fits</div><div style="overflow-x:auto"><pre>short code</pre></div>')
    assert page.evaluate(OVERFLOW) == []
    page.close()


def test_the_check_waits_for_a_box_sliding_in(browser):
    """A sidebar sliding in is measured where it comes to rest, not where it is when the page is first quiet."""
    page = browser.new_page(viewport=VIEWPORTS["desktop"])
    page.set_content(
        '<div id="bar" style="width:300px;overflow:hidden;transform:translateX(-200px)">'
        "<p>a sidebar sliding in</p></div>"
    )
    page.evaluate("""() => { const bar = document.getElementById('bar'); bar.getBoundingClientRect();
                             bar.style.transition = 'transform 800ms linear'; bar.style.transform = 'none'; }""")
    assert any("sliding in" in problem for problem in page.evaluate(OVERFLOW))  # mid-slide: cut off
    assert overflow(page) == []
    page.close()
