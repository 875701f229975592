"""End to end in Chromium: train XOR and see the chart, train a CNN and see its accuracy (drawn digits read on the
page: tests/browser/test_pad.py)."""

from tests.browser.conftest import IDLE, metric_value, no_exception_shown

# Tag every chart the page shows; how many of them are the tagged ones still (not drawn anew).
TAG_CHARTS = "() => [...document.querySelectorAll('.js-plotly-plot')].forEach(p => { p.tagged = true; })"
KEPT_CHARTS = "() => [...document.querySelectorAll('.js-plotly-plot')].map(p => p.tagged === true)"


def test_xor_page_trains_and_shows_the_chart(page, server):
    """A run's charts; a rerun and a settings change keep them in place (the last run's, unchanged: drawn anew, they
    cost the browser ~1 s and flickered); then a new run's charts."""
    page.goto(f"{server}/xor?xor_epochs=3000")
    page.get_by_text("NumPy final loss", exact=True).wait_for()
    page.wait_for_function(f"{IDLE} && document.querySelectorAll('.js-plotly-plot .main-svg').length >= 3")
    page.evaluate(TAG_CHARTS)
    page.get_by_text("🔥 The PyTorch recipe").click()  # a rerun that changes nothing above the charts
    page.get_by_text("1 · Define the model").wait_for()
    page.wait_for_function(IDLE)
    kept = page.evaluate(KEPT_CHARTS)
    assert len(kept) >= 3 and all(kept), f"the first rerun after the visit drew the charts anew: {kept}"
    before = metric_value(page, "NumPy final loss")
    seed = page.get_by_label("Random seed")
    seed.fill("5")
    seed.press("Enter")
    page.get_by_text("The settings changed").wait_for()
    page.wait_for_function(IDLE)
    kept = page.evaluate(KEPT_CHARTS)
    assert len(kept) >= 3 and all(kept), f"the settings' notice drew the charts below it anew: {kept}"
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_function(
        "before => [...document.querySelectorAll('[data-testid=stMetricValue]')]"
        ".some(e => e.innerText.trim() !== before)",
        arg=before,
    )
    # loss, network diagram, boundary (the rest opens on demand): drawn once the run's page is shown, not before
    page.wait_for_function(
        "document.querySelectorAll('.js-plotly-plot').length >= 3"
        " && document.querySelector('.js-plotly-plot .heatmaplayer, .js-plotly-plot .hm')"
    )
    no_exception_shown(page)


def test_cnn_page_trains_and_shows_the_accuracy(trained_run):
    """The run trained through the page's Train button, as its page showed it when it ended (tests/browser/conftest.py;
    the page reloaded from the run's link in the trainer's browser is tests/browser/test_screens.py's CNN case)."""
    assert trained_run.accuracy > 90
    assert trained_run.done_lines == 1


def test_the_monitor_counts_a_run_that_starts_and_ends_between_two_looks(browser):
    """harness.page's monitor, which the timing and settling waits count runs with: a fast run (a fragment's, a few
    ms) can start and end before its observer looks; counted from the page's state at the look, it was no run, and
    a wait for the run a release started waited out its 60 s."""
    from harness.page import MONITOR

    page = browser.new_page()
    page.add_init_script(MONITOR)
    page.set_content('<div data-testid="stApp" data-test-script-state="notRunning"></div>')
    page.evaluate("monitor => eval(monitor)", MONITOR)
    states = "states => states.forEach(s => document.querySelector('[data-testid=stApp]').setAttribute(STATE, s))"
    page.evaluate(states.replace("STATE", "'data-test-script-state'"), ["running", "notRunning"])  # in one task
    page.wait_for_function("window.__nn.runEnds === 1")
    assert page.evaluate("[window.__nn.runStarts, window.__nn.running]") == [1, False]
    page.evaluate(states.replace("STATE", "'data-test-script-state'"), ["running"])
    page.wait_for_function("window.__nn.runStarts === 2")
    assert page.evaluate("[window.__nn.runEnds, window.__nn.running]") == [1, True]
    page.close()
