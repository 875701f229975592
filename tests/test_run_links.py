"""A shared ?run= link shows a run; only the session (or browser) that started it may stop it or take its model."""

import itertools
import os
import threading
import time

from streamlit.testing.v1 import AppTest

from core import cnn
from core.serving.jobs import Job, browser_key
from tests.conftest import open_page, wait_until
from ui.server import server


def xsrf_cookie(token: bytes, mask: bytes) -> str:
    """Streamlit's XSRF cookie as the server writes it (version 2: the 4-byte mask repeated over the token)."""
    masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(token))
    return f"2|{mask.hex()}|{masked.hex()}|{int(time.time())}"


def test_a_browser_is_known_by_its_xsrf_token_whatever_the_mask():
    token = os.urandom(32)
    first, again = xsrf_cookie(token, os.urandom(4)), xsrf_cookie(token, os.urandom(4))
    assert first != again and browser_key(first) == browser_key(again) is not None
    assert browser_key(xsrf_cookie(os.urandom(32), os.urandom(4))) != browser_key(first)
    assert token.hex() not in browser_key(first)  # only a hash is kept
    for junk in (None, "", "2|zz|zz|1", "short", "2|00|"):
        assert browser_key(junk) is None


def test_only_the_owner_session_or_its_browser_controls_a_run():
    job = Job(lambda stop: iter(()), owner="owner-session", owner_browser="browser-a")
    assert job.controlled_by("owner-session")
    assert job.controlled_by("reloaded-session", "browser-a")
    assert not job.controlled_by("link-visitor")
    assert not job.controlled_by("link-visitor", "browser-b")
    assert Job(lambda stop: iter(())).controlled_by("anyone")  # no server, no owner: AppTest


OWNERS = itertools.count()


def someone_elses_job(mnist_root, finish: bool) -> Job:
    model = cnn.build_model(0, hidden_size=16)
    release = threading.Event()

    def run(should_stop):
        yield from cnn.train(model, mnist_root, epochs=1, train_subset=500, log_every=2, should_stop=should_stop)
        if not finish:  # then stays running until the test ends
            while not should_stop() and not release.wait(0.05):
                pass

    # An owner of its own: a stopped job of the test before may still be winding down under the process's one queue.
    owner = f"someone-else-{next(OWNERS)}"
    job = server().queue.submit(Job(run, payload={"model": model, "settings": {}}, owner=owner, cost=1.0))
    job.release = release
    wait_until(lambda: not job.active if finish else len(job.records) >= 2, what="the run's records")
    return job


def open_link(job: Job) -> AppTest:
    return open_page("views/cnn.py", query={"run": job.id})


def test_a_link_to_a_running_run_shows_it_without_a_stop_button(mnist_root):
    job = someone_elses_job(mnist_root, finish=False)
    try:
        at = open_link(job)
        assert not [b for b in at.button if b.key and b.key.endswith("_stop")]
        assert "you can watch it, not stop it" in " ".join(c.value for c in at.caption)
        assert "cnn_job" not in at.session_state  # watching is not owning: this session may still train its own
        assert job.active
    finally:
        job.stop()
        job.release.set()


def test_a_link_to_a_finished_run_does_not_hand_over_its_model(mnist_root):
    job = someone_elses_job(mnist_root, finish=True)
    at = open_link(job)
    assert job.status == "done"
    assert "cnn" not in at.session_state and "cnn_adopted" not in at.session_state
    assert "you can watch it, not stop it" in " ".join(c.value for c in at.caption)
